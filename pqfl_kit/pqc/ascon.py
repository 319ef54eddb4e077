"""Ascon per NIST SP 800-232 (Aug 2025): Ascon-AEAD128, Ascon-Hash256, Ascon-XOF128, Ascon-CXOF128.

The kit implements this one primitive itself because no maintained Python package implements the
final standard (PyPI ``ascon`` 0.0.9 is the pre-standard Ascon v1.2). The code follows the
standard's structure and names:

* Sec. 3: the 320-bit state ``S = S0 || S1 || S2 || S3 || S4`` of five 64-bit words, bytes read
  **little-endian** into words (a change from v1.2, which was big-endian).
* Sec. 3.2-3.4: the permutation ``Ascon-p[rnd]`` = ``rnd`` rounds of constant addition ``p_C``
  (Table 5), substitution layer ``p_S`` (the 5-bit S-box, bitsliced) and linear layer ``p_L``.
* Sec. 4: Ascon-AEAD128 (128-bit key, nonce and tag; 128-bit rate; p[12] / p[8]).
* Sec. 5: Ascon-Hash256, Ascon-XOF128 and Ascon-CXOF128 (64-bit rate; p[12]).

The permutation and the sponge/duplex loops are compiled with numba (``cache=True``: the first
call in a fresh environment compiles for a few seconds, later sessions load the cache). The same
compiled round function can be driven one round at a time from Python (``permutation_trace``) to
show the state round by round for teaching.

Security notes: inputs are validated with ``TypeError``/``ValueError``; the tag is compared in
constant time (``hmac.compare_digest``); ``decrypt`` never returns plaintext when the tag is
wrong, it raises ``InvalidTag``.
"""
from __future__ import annotations

import hmac
import sys

import numpy as np
from numba import njit

__all__ = [
    "KEY_SIZE", "NONCE_SIZE", "TAG_SIZE", "InvalidTag",
    "encrypt", "decrypt", "hash256", "xof128", "cxof128",
    "permutation", "permutation_trace", "initial_state", "state_bits", "warm_up",
]

KEY_SIZE = 16    # bytes, SP 800-232 Sec. 4
NONCE_SIZE = 16  # bytes
TAG_SIZE = 16    # bytes
CXOF_MAX_CUSTOMIZATION = 256  # bytes (2048 bits), SP 800-232 Sec. 5.3

# Initial values (SP 800-232 Sec. 4.1.1 and 5.1-5.3), as 64-bit words.
IV_AEAD128 = 0x00001000808C0001
IV_HASH256 = 0x0000080100CC0002
IV_XOF128 = 0x0000080000CC0003
IV_CXOF128 = 0x0000080000CC0004

# Round constants c_0..c_15 (SP 800-232 Table 5); Ascon-p[rnd] uses the last rnd of them.
ROUND_CONSTANTS = np.array([0x3C, 0x2D, 0x1E, 0x0F, 0xF0, 0xE1, 0xD2, 0xC3,
                            0xB4, 0xA5, 0x96, 0x87, 0x78, 0x69, 0x5A, 0x4B], dtype=np.uint64)
_DOMAIN_SEPARATION = np.uint64(1 << 63)  # "S4 xor 1 at bit 63", Sec. 4.1.2


class InvalidTag(ValueError):
    """Raised by :func:`decrypt` when the tag does not verify (tampered data or wrong key)."""


# ---------------------------------------------------------------------------------------------
# The permutation (SP 800-232 Sec. 3), compiled with numba.
# ---------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _rotr(x, n):
    """Right rotation of a 64-bit word by n bits."""
    return (x >> np.uint64(n)) | (x << np.uint64(64 - n))


@njit(cache=True, inline="always")
def _round(x0, x1, x2, x3, x4, c):
    """One round p = p_L . p_S . p_C (Sec. 3.2-3.4) on the five state words."""
    # p_C: constant addition to S2 (Sec. 3.2)
    x2 ^= c
    # p_S: the 5-bit S-box applied bitsliced to all 64 columns (Sec. 3.3)
    x0 ^= x4
    x4 ^= x3
    x2 ^= x1
    t0 = ~x0 & x1
    t1 = ~x1 & x2
    t2 = ~x2 & x3
    t3 = ~x3 & x4
    t4 = ~x4 & x0
    x0 ^= t1
    x1 ^= t2
    x2 ^= t3
    x3 ^= t4
    x4 ^= t0
    x1 ^= x0
    x0 ^= x4
    x3 ^= x2
    x2 = ~x2
    # p_L: linear diffusion of each word (Sec. 3.4)
    x0 ^= _rotr(x0, 19) ^ _rotr(x0, 28)
    x1 ^= _rotr(x1, 61) ^ _rotr(x1, 39)
    x2 ^= _rotr(x2, 1) ^ _rotr(x2, 6)
    x3 ^= _rotr(x3, 10) ^ _rotr(x3, 17)
    x4 ^= _rotr(x4, 7) ^ _rotr(x4, 41)
    return x0, x1, x2, x3, x4


@njit(cache=True, inline="always")
def _permute(x0, x1, x2, x3, x4, rounds, constants):
    """Ascon-p[rounds]: the last ``rounds`` round constants, Sec. 3."""
    for i in range(16 - rounds, 16):
        x0, x1, x2, x3, x4 = _round(x0, x1, x2, x3, x4, constants[i])
    return x0, x1, x2, x3, x4


@njit(cache=True)
def _permute_state(state, rounds, constants):
    """Ascon-p[rounds] on a length-5 uint64 array, in place."""
    x0, x1, x2, x3, x4 = _permute(state[0], state[1], state[2], state[3], state[4], rounds, constants)
    state[0], state[1], state[2], state[3], state[4] = x0, x1, x2, x3, x4


@njit(cache=True)
def _round_state(state, c):
    """One round on a length-5 uint64 array, in place (used by the step-by-step trace)."""
    x0, x1, x2, x3, x4 = _round(state[0], state[1], state[2], state[3], state[4], c)
    state[0], state[1], state[2], state[3], state[4] = x0, x1, x2, x3, x4


@njit(cache=True, inline="always")
def _low_mask(nbytes):
    """A word with the low ``nbytes`` bytes set (0 <= nbytes <= 8)."""
    if nbytes >= 8:
        return ~np.uint64(0)
    return (np.uint64(1) << np.uint64(8 * nbytes)) - np.uint64(1)


# ---------------------------------------------------------------------------------------------
# Ascon-AEAD128 (SP 800-232 Sec. 4). Data arrive as padded little-endian uint64 words.
# ---------------------------------------------------------------------------------------------
@njit(cache=True)
def _aead_start(k0, k1, n0, n1, ad_words, constants):
    """Initialization (Sec. 4.1.1) and associated-data processing (Sec. 4.1.2)."""
    x0, x1, x2, x3, x4 = np.uint64(IV_AEAD128), k0, k1, n0, n1
    x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    x3 ^= k0
    x4 ^= k1
    for i in range(0, ad_words.shape[0], 2):  # already padded with 10*; empty when A is empty
        x0 ^= ad_words[i]
        x1 ^= ad_words[i + 1]
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    x4 ^= _DOMAIN_SEPARATION  # domain separation: S4 xor 1 at bit 63
    return x0, x1, x2, x3, x4


@njit(cache=True)
def _aead_finish(x0, x1, x2, x3, x4, k0, k1, constants):
    """Finalization (Sec. 4.1.4): returns the two tag words."""
    x2 ^= k0
    x3 ^= k1
    x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    return x3 ^ k0, x4 ^ k1


@njit(cache=True)
def _aead_encrypt(k0, k1, n0, n1, ad_words, pt_words, out, constants):
    """Encrypt padded plaintext words (Sec. 4.1.3); ``out`` gets ciphertext words + 2 tag words."""
    x0, x1, x2, x3, x4 = _aead_start(k0, k1, n0, n1, ad_words, constants)
    last = pt_words.shape[0] - 2  # the last (padded, possibly empty) block is not permuted
    for i in range(0, last, 2):
        x0 ^= pt_words[i]
        x1 ^= pt_words[i + 1]
        out[i] = x0
        out[i + 1] = x1
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    x0 ^= pt_words[last]
    x1 ^= pt_words[last + 1]
    out[last] = x0
    out[last + 1] = x1
    t0, t1 = _aead_finish(x0, x1, x2, x3, x4, k0, k1, constants)
    out[last + 2] = t0
    out[last + 3] = t1


@njit(cache=True)
def _aead_decrypt(k0, k1, n0, n1, ad_words, ct_words, last_len, out, constants):
    """Decrypt zero-padded ciphertext words (Sec. 4.1.3 inverse); returns the computed tag words.

    ``last_len`` is the byte length (0..15) of the final partial block.
    """
    x0, x1, x2, x3, x4 = _aead_start(k0, k1, n0, n1, ad_words, constants)
    last = ct_words.shape[0] - 2
    for i in range(0, last, 2):
        c0 = ct_words[i]
        c1 = ct_words[i + 1]
        out[i] = x0 ^ c0
        out[i + 1] = x1 ^ c1
        x0 = c0
        x1 = c1
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    # Final partial block: P = S xor C on its bytes, then S takes C's bytes and the pad bit.
    c0 = ct_words[last]
    c1 = ct_words[last + 1]
    out[last] = x0 ^ c0
    out[last + 1] = x1 ^ c1
    m0 = _low_mask(min(last_len, 8))
    m1 = _low_mask(max(last_len - 8, 0))
    x0 = (x0 & ~m0) | (c0 & m0)
    x1 = (x1 & ~m1) | (c1 & m1)
    if last_len < 8:
        x0 ^= np.uint64(1) << np.uint64(8 * last_len)
    else:
        x1 ^= np.uint64(1) << np.uint64(8 * (last_len - 8))
    return _aead_finish(x0, x1, x2, x3, x4, k0, k1, constants)


# ---------------------------------------------------------------------------------------------
# Ascon-Hash256 / XOF128 / CXOF128 (SP 800-232 Sec. 5): 64-bit rate sponge.
# ---------------------------------------------------------------------------------------------
@njit(cache=True)
def _sponge(iv, z_words, m_words, n_out, out, constants):
    """Initialize with ``iv``, absorb padded customization words (CXOF only) and message words,
    squeeze ``n_out`` 64-bit words into ``out``."""
    x0, x1, x2, x3, x4 = _permute(np.uint64(iv), np.uint64(0), np.uint64(0), np.uint64(0),
                                  np.uint64(0), 12, constants)
    for i in range(z_words.shape[0]):
        x0 ^= z_words[i]
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    for i in range(m_words.shape[0]):  # every block, including the padded last one, is permuted
        x0 ^= m_words[i]
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    for i in range(n_out):
        out[i] = x0
        if i + 1 < n_out:
            x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)


# ---------------------------------------------------------------------------------------------
# Byte <-> word helpers and input validation (Python side).
# ---------------------------------------------------------------------------------------------
_WORD = np.dtype("<u8")  # little-endian words (SP 800-232 Sec. 2.1)
_EMPTY = np.zeros(0, dtype=np.uint64)


def _as_bytes(value, name: str) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, got {type(value).__name__}")


def _check_key_nonce(key, nonce) -> tuple[bytes, bytes]:
    key = _as_bytes(key, "key")
    nonce = _as_bytes(nonce, "nonce")
    if len(key) != KEY_SIZE:
        raise ValueError(f"key must be {KEY_SIZE} bytes for Ascon-AEAD128, got {len(key)}")
    if len(nonce) != NONCE_SIZE:
        raise ValueError(f"nonce must be {NONCE_SIZE} bytes for Ascon-AEAD128, got {len(nonce)}")
    return key, nonce


def _words(data: bytes, rate: int, pad: bool) -> np.ndarray:
    """Split ``data`` into rate-byte blocks as native uint64 words, with 10* padding if ``pad``
    (append 0x01 then zeros, SP 800-232 Sec. 2.1) or zero padding otherwise."""
    n_blocks = len(data) // rate + 1
    buf = bytearray(n_blocks * rate)
    buf[:len(data)] = data
    if pad:
        buf[len(data)] = 0x01
    return np.frombuffer(buf, dtype=_WORD).astype(np.uint64, copy=sys.byteorder != "little")


def _to_bytes(words: np.ndarray) -> bytes:
    return words.astype(_WORD, copy=False).tobytes()


def _key_words(b: bytes) -> tuple[np.uint64, np.uint64]:
    w = np.frombuffer(b, dtype=_WORD)
    return np.uint64(w[0]), np.uint64(w[1])


# ---------------------------------------------------------------------------------------------
# Public entry points (names fixed by DESIGN.md).
# ---------------------------------------------------------------------------------------------
def encrypt(key: bytes, nonce: bytes, associated_data: bytes, plaintext: bytes) -> bytes:
    """Ascon-AEAD128 encryption (SP 800-232 Sec. 4.1): returns ciphertext followed by the 16-byte tag.

    Never reuse a (key, nonce) pair: the first block of two such ciphertexts XORs to the XOR of
    their plaintexts. ``pqfl_kit.pqc.channel`` chooses nonces for you.
    """
    key, nonce = _check_key_nonce(key, nonce)
    ad = _as_bytes(associated_data, "associated_data")
    pt = _as_bytes(plaintext, "plaintext")
    k0, k1 = _key_words(key)
    n0, n1 = _key_words(nonce)
    ad_words = _words(ad, 16, pad=True) if ad else _EMPTY
    pt_words = _words(pt, 16, pad=True)
    out = np.empty(pt_words.shape[0] + 2, dtype=np.uint64)
    _aead_encrypt(k0, k1, n0, n1, ad_words, pt_words, out, ROUND_CONSTANTS)
    raw = _to_bytes(out)
    n_ct = len(pt)
    return raw[:n_ct] + raw[-TAG_SIZE:]


def decrypt(key: bytes, nonce: bytes, associated_data: bytes, ciphertext: bytes) -> bytes:
    """Ascon-AEAD128 decryption (SP 800-232 Sec. 4.2): ``ciphertext`` is C followed by the tag.

    Raises :class:`InvalidTag` (a ``ValueError``) if the tag does not verify; no plaintext is
    returned or kept in that case. The tag comparison runs in constant time.
    """
    key, nonce = _check_key_nonce(key, nonce)
    ad = _as_bytes(associated_data, "associated_data")
    data = _as_bytes(ciphertext, "ciphertext")
    if len(data) < TAG_SIZE:
        raise InvalidTag(f"ciphertext must be at least the {TAG_SIZE}-byte tag, got {len(data)} bytes")
    ct, tag = data[:-TAG_SIZE], data[-TAG_SIZE:]
    k0, k1 = _key_words(key)
    n0, n1 = _key_words(nonce)
    ad_words = _words(ad, 16, pad=True) if ad else _EMPTY
    ct_words = _words(ct, 16, pad=False)
    out = np.empty(ct_words.shape[0], dtype=np.uint64)
    t0, t1 = _aead_decrypt(k0, k1, n0, n1, ad_words, ct_words, len(ct) % 16, out, ROUND_CONSTANTS)
    expected = _to_bytes(np.array([t0, t1], dtype=np.uint64))
    if not hmac.compare_digest(expected, tag):
        out.fill(0)
        raise InvalidTag("Ascon-AEAD128 tag mismatch: the data were modified or the key/nonce/"
                         "associated data differ")
    return _to_bytes(out)[:len(ct)]


def _sponge_bytes(iv: int, message, length: int, customization: bytes = b"", cxof: bool = False) -> bytes:
    msg = _as_bytes(message, "message")
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)):
        raise TypeError(f"length must be an int, got {type(length).__name__}")
    if length < 0:
        raise ValueError(f"length must be >= 0 bytes, got {length}")
    if cxof:
        # Z is prefixed by its bit length as a 64-bit word, then padded (Sec. 5.3).
        z_words = _words(len(customization * 8).to_bytes(8, "little") + customization, 8, pad=True)
    else:
        z_words = _EMPTY
    n_out = -(-length // 8)
    out = np.empty(max(n_out, 1), dtype=np.uint64)
    _sponge(np.uint64(iv), z_words, _words(msg, 8, pad=True), max(n_out, 1), out, ROUND_CONSTANTS)
    return _to_bytes(out)[:length]


def hash256(message: bytes) -> bytes:
    """Ascon-Hash256 (SP 800-232 Sec. 5.1): the 32-byte digest of ``message``."""
    return _sponge_bytes(IV_HASH256, message, 32)


def xof128(message: bytes, length: int) -> bytes:
    """Ascon-XOF128 (SP 800-232 Sec. 5.2): ``length`` output bytes for ``message``."""
    return _sponge_bytes(IV_XOF128, message, length)


def cxof128(message: bytes, length: int, customization: bytes = b"") -> bytes:
    """Ascon-CXOF128 (SP 800-232 Sec. 5.3): customized XOF; ``customization`` is at most 256 bytes."""
    z = _as_bytes(customization, "customization")
    if len(z) > CXOF_MAX_CUSTOMIZATION:
        raise ValueError(f"customization must be at most {CXOF_MAX_CUSTOMIZATION} bytes, got {len(z)}")
    return _sponge_bytes(IV_CXOF128, message, length, z, cxof=True)


# ---------------------------------------------------------------------------------------------
# Teaching helpers: the permutation on its own, step by step.
# ---------------------------------------------------------------------------------------------
def initial_state(key: bytes = bytes(range(16)), nonce: bytes = bytes(range(16, 32))) -> np.ndarray:
    """The Ascon-AEAD128 state IV || K || N before the first permutation (Sec. 4.1.1)."""
    key, nonce = _check_key_nonce(key, nonce)
    k0, k1 = _key_words(key)
    n0, n1 = _key_words(nonce)
    return np.array([IV_AEAD128, k0, k1, n0, n1], dtype=np.uint64)


def _state_array(state) -> np.ndarray:
    s = np.array(state, dtype=np.uint64).reshape(-1)
    if s.shape != (5,):
        raise ValueError(f"an Ascon state is 5 words of 64 bits, got shape {np.shape(state)}")
    return s


def permutation(state, rounds: int = 12) -> np.ndarray:
    """Ascon-p[rounds] (Sec. 3) on a copy of a 5-word state; 1 <= rounds <= 16."""
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or not 1 <= rounds <= 16:
        raise ValueError(f"rounds must be an int from 1 to 16, got {rounds!r}")
    s = _state_array(state).copy()
    _permute_state(s, int(rounds), ROUND_CONSTANTS)
    return s


def permutation_trace(state, rounds: int = 12) -> np.ndarray:
    """The state before and after every round of Ascon-p[rounds]: shape (rounds + 1, 5) words.

    Runs the same compiled round function one round at a time, for pictures of the diffusion.
    """
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or not 1 <= rounds <= 16:
        raise ValueError(f"rounds must be an int from 1 to 16, got {rounds!r}")
    s = _state_array(state).copy()
    trace = [s.copy()]
    for i in range(16 - rounds, 16):
        _round_state(s, ROUND_CONSTANTS[i])
        trace.append(s.copy())
    return np.array(trace, dtype=np.uint64)


def state_bits(state) -> np.ndarray:
    """A (5, 64) array of 0/1: row i is word S_i, column j is bit j (bit 0 = least significant)."""
    s = _state_array(state)
    return ((s[:, None] >> np.arange(64, dtype=np.uint64)[None, :]) & np.uint64(1)).astype(np.uint8)


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel now, so the first real call is fast."""
    decrypt(bytes(16), bytes(16), b"a", encrypt(bytes(16), bytes(16), b"a", b"b"))
    cxof128(b"", 1, b"z")
    permutation_trace(initial_state(), 1)
