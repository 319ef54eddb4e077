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
constant time inside the compiled code (the OR of the XOR of all tag bits, no early exit);
``decrypt`` never returns plaintext when the tag is wrong, it raises ``InvalidTag``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..limits import whole

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


@njit(cache=True)
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


@njit(cache=True)
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


# ---------------------------------------------------------------------------------------------
# Bytes <-> 64-bit words, little-endian (SP 800-232 Sec. 2.1), and the 10* padding.
# ---------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _load(buf, pos, n):
    """Read ``n`` (0..8) bytes of ``buf`` from ``pos`` as a little-endian word."""
    w = np.uint64(0)
    for j in range(n):
        w |= np.uint64(buf[pos + j]) << np.uint64(8 * j)
    return w


@njit(cache=True, inline="always")
def _store(out, pos, w, n):
    """Write the low ``n`` (0..8) bytes of word ``w`` to ``out`` from ``pos``."""
    for j in range(n):
        out[pos + j] = np.uint8((w >> np.uint64(8 * j)) & np.uint64(0xFF))


@njit(cache=True, inline="always")
def _load8(buf, pos):
    """Read 8 bytes as a little-endian word (written out so the compiler emits one load)."""
    return (np.uint64(buf[pos]) | np.uint64(buf[pos + 1]) << np.uint64(8)
            | np.uint64(buf[pos + 2]) << np.uint64(16) | np.uint64(buf[pos + 3]) << np.uint64(24)
            | np.uint64(buf[pos + 4]) << np.uint64(32) | np.uint64(buf[pos + 5]) << np.uint64(40)
            | np.uint64(buf[pos + 6]) << np.uint64(48) | np.uint64(buf[pos + 7]) << np.uint64(56))


@njit(cache=True, inline="always")
def _store8(out, pos, w):
    """Write a word as 8 little-endian bytes."""
    out[pos] = np.uint8(w & np.uint64(0xFF))
    out[pos + 1] = np.uint8((w >> np.uint64(8)) & np.uint64(0xFF))
    out[pos + 2] = np.uint8((w >> np.uint64(16)) & np.uint64(0xFF))
    out[pos + 3] = np.uint8((w >> np.uint64(24)) & np.uint64(0xFF))
    out[pos + 4] = np.uint8((w >> np.uint64(32)) & np.uint64(0xFF))
    out[pos + 5] = np.uint8((w >> np.uint64(40)) & np.uint64(0xFF))
    out[pos + 6] = np.uint8((w >> np.uint64(48)) & np.uint64(0xFF))
    out[pos + 7] = np.uint8(w >> np.uint64(56))


@njit(cache=True, inline="always")
def _pad(n):
    """The padding bit after ``n`` (0..7) bytes of a word: byte 0x01 at position n."""
    return np.uint64(1) << np.uint64(8 * n)


@njit(cache=True, inline="always")
def _low_mask(n):
    """A word with the low ``n`` (0..7) bytes set."""
    return _pad(n) - np.uint64(1)


# ---------------------------------------------------------------------------------------------
# Ascon-AEAD128 (SP 800-232 Sec. 4): 128-bit rate duplex on S0 || S1.
# ---------------------------------------------------------------------------------------------
@njit(cache=True)
def _aead_start(key, nonce, ad, constants):
    """Initialization (Sec. 4.1.1) and associated-data processing (Sec. 4.1.2)."""
    k0, k1 = _load8(key, 0), _load8(key, 8)
    x0, x1, x2, x3, x4 = np.uint64(IV_AEAD128), k0, k1, _load8(nonce, 0), _load8(nonce, 8)
    x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    x3 ^= k0
    x4 ^= k1
    if len(ad) > 0:  # blocks A_1..A_m of 128 bits, the last one padded with 10*
        full = len(ad) // 16
        for b in range(full):
            x0 ^= _load8(ad, 16 * b)
            x1 ^= _load8(ad, 16 * b + 8)
            x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
        pos, r = 16 * full, len(ad) - 16 * full
        if r < 8:
            x0 ^= _load(ad, pos, r) ^ _pad(r)
        else:
            x0 ^= _load8(ad, pos)
            x1 ^= _load(ad, pos + 8, r - 8) ^ _pad(r - 8)
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    x4 ^= _DOMAIN_SEPARATION  # domain separation: S4 xor 1 at bit 63
    return x0, x1, x2, x3, x4


@njit(cache=True)
def _aead_finish(x0, x1, x2, x3, x4, key, constants):
    """Finalization (Sec. 4.1.4): returns the two tag words."""
    k0, k1 = _load8(key, 0), _load8(key, 8)
    x2 ^= k0
    x3 ^= k1
    x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    return x3 ^ k0, x4 ^ k1


@njit(cache=True)
def _aead_encrypt(key, nonce, ad, pt, out, constants):
    """Encryption (Sec. 4.1.3): ``out`` (len(pt) + 16 bytes) receives C || T."""
    x0, x1, x2, x3, x4 = _aead_start(key, nonce, ad, constants)
    full = len(pt) // 16
    for b in range(full):
        x0 ^= _load8(pt, 16 * b)
        x1 ^= _load8(pt, 16 * b + 8)
        _store8(out, 16 * b, x0)
        _store8(out, 16 * b + 8, x1)
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    pos, r = 16 * full, len(pt) - 16 * full  # last block P_n, 0..15 bytes, padded with 10*
    if r < 8:
        x0 ^= _load(pt, pos, r) ^ _pad(r)
        _store(out, pos, x0, r)
    else:
        x0 ^= _load8(pt, pos)
        x1 ^= _load(pt, pos + 8, r - 8) ^ _pad(r - 8)
        _store8(out, pos, x0)
        _store(out, pos + 8, x1, r - 8)
    t0, t1 = _aead_finish(x0, x1, x2, x3, x4, key, constants)
    _store8(out, len(pt), t0)
    _store8(out, len(pt) + 8, t1)


@njit(cache=True)
def _aead_decrypt(key, nonce, ad, ct, tag, out, constants):
    """Decryption (Sec. 4.2): ``out`` receives P; returns True only if the tag matches.

    The tag check ORs the XOR of all tag bits, so it takes the same time wherever they differ.
    """
    x0, x1, x2, x3, x4 = _aead_start(key, nonce, ad, constants)
    full = len(ct) // 16
    for b in range(full):
        c0 = _load8(ct, 16 * b)
        c1 = _load8(ct, 16 * b + 8)
        _store8(out, 16 * b, x0 ^ c0)
        _store8(out, 16 * b + 8, x1 ^ c1)
        x0, x1 = c0, c1
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 8, constants)
    # Last block: P = S xor C on its r bytes, then S takes C's bytes and the padding bit.
    pos, r = 16 * full, len(ct) - 16 * full
    if r < 8:
        c0 = _load(ct, pos, r)
        _store(out, pos, x0 ^ c0, r)
        x0 = ((x0 & ~_low_mask(r)) | c0) ^ _pad(r)
    else:
        c0 = _load8(ct, pos)
        c1 = _load(ct, pos + 8, r - 8)
        _store8(out, pos, x0 ^ c0)
        _store(out, pos + 8, x1 ^ c1, r - 8)
        x0 = c0
        x1 = ((x1 & ~_low_mask(r - 8)) | c1) ^ _pad(r - 8)
    t0, t1 = _aead_finish(x0, x1, x2, x3, x4, key, constants)
    diff = (t0 ^ _load8(tag, 0)) | (t1 ^ _load8(tag, 8))
    return diff == np.uint64(0)


# ---------------------------------------------------------------------------------------------
# Ascon-Hash256 / XOF128 / CXOF128 (SP 800-232 Sec. 5): 64-bit rate sponge, p[12] throughout.
# ---------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _absorb(x0, x1, x2, x3, x4, data, constants):
    """Absorb ``data`` in 64-bit blocks, the last one padded with 10*; every block is permuted."""
    full = len(data) // 8
    for b in range(full):
        x0 ^= _load8(data, 8 * b)
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
    r = len(data) - 8 * full
    x0 ^= _load(data, 8 * full, r) ^ _pad(r)
    return _permute(x0, x1, x2, x3, x4, 12, constants)


@njit(cache=True)
def _sponge(iv, z_len_bits, z, customized, message, out, constants):
    """Initialize with ``iv``; for CXOF absorb the customization length word and Z (Sec. 5.3);
    absorb the message; squeeze ``len(out)`` bytes."""
    x0, x1, x2, x3, x4 = _permute(iv, np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0), 12, constants)
    if customized:
        x0 ^= z_len_bits
        x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)
        x0, x1, x2, x3, x4 = _absorb(x0, x1, x2, x3, x4, z, constants)
    x0, x1, x2, x3, x4 = _absorb(x0, x1, x2, x3, x4, message, constants)
    n = len(out)
    for pos in range(0, n, 8):
        _store(out, pos, x0, min(8, n - pos))
        if pos + 8 < n:
            x0, x1, x2, x3, x4 = _permute(x0, x1, x2, x3, x4, 12, constants)


# ---------------------------------------------------------------------------------------------
# Input validation (Python side).
# ---------------------------------------------------------------------------------------------
def _as_bytes(value, name: str) -> bytes:
    if type(value) is bytes:
        return value
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


def _key_words(b: bytes) -> tuple[np.uint64, np.uint64]:
    w = np.frombuffer(b, dtype="<u8")
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
    out = np.empty(len(pt) + TAG_SIZE, dtype=np.uint8)
    _aead_encrypt(key, nonce, ad, pt, out, ROUND_CONSTANTS)
    return out.tobytes()


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
    n = len(data) - TAG_SIZE
    out = np.empty(n, dtype=np.uint8)
    if not _aead_decrypt(key, nonce, ad, data[:n], data[n:], out, ROUND_CONSTANTS):
        out.fill(0)
        raise InvalidTag("Ascon-AEAD128 tag mismatch: the data were modified or the key/nonce/"
                         "associated data differ")
    return out.tobytes()


def _check_length(length) -> int:
    length = whole("length (bytes)", length, 0)
    return int(length)


def hash256(message: bytes) -> bytes:
    """Ascon-Hash256 (SP 800-232 Sec. 5.1): the 32-byte digest of ``message``."""
    out = np.empty(32, dtype=np.uint8)
    _sponge(np.uint64(IV_HASH256), np.uint64(0), b"", False, _as_bytes(message, "message"), out, ROUND_CONSTANTS)
    return out.tobytes()


def xof128(message: bytes, length: int) -> bytes:
    """Ascon-XOF128 (SP 800-232 Sec. 5.2): ``length`` output bytes for ``message``."""
    out = np.empty(_check_length(length), dtype=np.uint8)
    _sponge(np.uint64(IV_XOF128), np.uint64(0), b"", False, _as_bytes(message, "message"), out, ROUND_CONSTANTS)
    return out.tobytes()


def cxof128(message: bytes, length: int, customization: bytes = b"") -> bytes:
    """Ascon-CXOF128 (SP 800-232 Sec. 5.3): customized XOF; ``customization`` is at most 256 bytes."""
    z = _as_bytes(customization, "customization")
    if len(z) > CXOF_MAX_CUSTOMIZATION:
        raise ValueError(f"customization must be at most {CXOF_MAX_CUSTOMIZATION} bytes, got {len(z)}")
    out = np.empty(_check_length(length), dtype=np.uint8)
    _sponge(np.uint64(IV_CXOF128), np.uint64(8 * len(z)), z, True, _as_bytes(message, "message"), out,
            ROUND_CONSTANTS)
    return out.tobytes()


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
    rounds = whole("rounds", rounds, 1, 16)
    s = _state_array(state).copy()
    _permute_state(s, int(rounds), ROUND_CONSTANTS)
    return s


def permutation_trace(state, rounds: int = 12) -> np.ndarray:
    """The state before and after every round of Ascon-p[rounds]: shape (rounds + 1, 5) words.

    Runs the same compiled round function one round at a time, for pictures of the diffusion.
    """
    rounds = whole("rounds", rounds, 1, 16)
    s = _state_array(state).copy()
    trace = [s.copy()]
    for i in range(16 - rounds, 16):
        _round_state(s, ROUND_CONSTANTS[i])
        trace.append(s.copy())
    return np.array(trace, dtype=np.uint64)


def state_bits(state) -> np.ndarray:
    """Bits of one state (5 words) or of many (shape (..., 5)): shape (..., 5, 64) of 0/1, where
    row i is word S_i and column j is bit j (bit 0 = least significant)."""
    s = np.asarray(state, dtype=np.uint64)
    if s.ndim == 0 or s.shape[-1] != 5:
        raise ValueError(f"an Ascon state is 5 words of 64 bits, got shape {np.shape(state)}")
    return ((s[..., None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(np.uint8)


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel now, so the first real call is fast."""
    decrypt(bytes(16), bytes(16), b"a", encrypt(bytes(16), bytes(16), b"a", b"b"))
    cxof128(b"", 1, b"z")
    hash256(b"")
    permutation(initial_state(), 1)
    permutation_trace(initial_state(), 1)
