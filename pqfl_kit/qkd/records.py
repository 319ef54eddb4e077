"""Using a QKD key: an AES-256-GCM sealed record plus an HMAC-SHA256 integrity tag.

Implements the key use of the E91 nano-network paper: eq. (2) encrypts each record with
AES-256 under the quantum key K, and eq. (7) checks integrity with HMAC under a key K_auth
derived from K by HKDF. The paper names no mode, nonce or key separation; this module fills
those gaps with standard choices:

* Key separation by HKDF-SHA256 (RFC 5869): ``K_enc`` (32 bytes, AES-256) and ``K_auth``
  (32 bytes, HMAC-SHA256) are both derived from K with distinct ``info`` labels, so K itself
  never keys a primitive directly. K must have at least 256 bits (``MIN_KEY_BYTES``): HKDF
  stretches a key but cannot add entropy, and AES-256 is chosen for its 128-bit security margin
  against Grover's search (notebook 01), which a 128-bit K would halve.
* AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit nonce per record.
* HMAC-SHA256 (RFC 2104 / FIPS 198-1) over the whole packet and the associated data
  (encrypt-then-MAC). The paper MACs the *decrypted* data; MACing the packet instead lets the
  receiver reject a tampered record before decrypting anything. GCM is already authenticated;
  the HMAC is kept because the paper's hospital layer (Algorithm 3) checks it.

Packet layout (all lengths in bytes)::

    version (1, = 1) | nonce (12) | AES-GCM ciphertext + tag (len(plaintext) + 16) | HMAC (32)

``open_record`` verifies the HMAC (constant time), then GCM, and raises ``RecordError`` on any
failure: it never returns unauthenticated data.

Security level: a record sealed this way is **computationally** secure (as secure as AES-256
and HMAC-SHA256), not information-theoretically secure, however the key was agreed. QKD's
information-theoretic guarantee would carry over to the data only with a one-time pad (Vernam
1926; Shannon 1949): key bits as many as the message bits, each used once, plus an
information-theoretic MAC (Wegman & Carter 1981) that also consumes key.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Sequence

import numpy as np
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["RecordError", "MIN_KEY_BYTES", "RECORD_OVERHEAD", "seal_record", "open_record",
           "derive_record_keys", "bits_to_key"]

VERSION = 1
NONCE_BYTES = 12
GCM_TAG_BYTES = 16
HMAC_BYTES = 32
RECORD_OVERHEAD = 1 + NONCE_BYTES + GCM_TAG_BYTES + HMAC_BYTES  # 61 bytes per record
#: 256 bits of QKD key: the records are AES-256-GCM, whose point is 128-bit security even against
#: Grover's search (notebook 01); HKDF cannot add entropy, so a shorter key would cap it lower.
MIN_KEY_BYTES = 32
_INFO_ENC = b"pqfl-kit/qkd record/aes-256-gcm"
_INFO_AUTH = b"pqfl-kit/qkd record/hmac-sha256"


class RecordError(ValueError):
    """A record failed its integrity check (wrong key, tampered or truncated packet)."""


def _check_key(key: bytes) -> bytes:
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError(f"key must be bytes (use bits_to_key() for a bit array), got {type(key).__name__}")
    key = bytes(key)
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"key has {len(key)} bytes; at least {MIN_KEY_BYTES} bytes ({8 * MIN_KEY_BYTES} bits) are "
                         "needed for AES-256 records. Distil a longer key: run E91 with more pairs.")
    return key


def _check_bytes(value, name: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes, got {type(value).__name__}")
    return bytes(value)


def derive_record_keys(key: bytes) -> tuple[bytes, bytes]:
    """(K_enc, K_auth): two 32-byte keys derived from the QKD key by HKDF-SHA256 (RFC 5869)."""
    key = _check_key(key)
    enc, auth = (HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)
                 for info in (_INFO_ENC, _INFO_AUTH))
    return enc, auth


def _mac(auth_key: bytes, body: bytes, associated_data: bytes) -> crypto_hmac.HMAC:
    mac = crypto_hmac.HMAC(auth_key, hashes.SHA256())
    mac.update(body)
    mac.update(struct.pack(">Q", len(associated_data)))
    mac.update(associated_data)
    return mac


def seal_record(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
    """Encrypt and authenticate one record under a QKD key (paper eq. 2 and 7).

    ``associated_data`` (e.g. a device id and sequence number) is authenticated, not
    encrypted, and must be passed again to ``open_record``.
    """
    enc_key, auth_key = derive_record_keys(key)
    plaintext = _check_bytes(plaintext, "plaintext")
    associated_data = _check_bytes(associated_data, "associated_data")
    nonce = os.urandom(NONCE_BYTES)
    body = bytes([VERSION]) + nonce + AESGCM(enc_key).encrypt(nonce, plaintext, associated_data)
    return body + _mac(auth_key, body, associated_data).finalize()


def open_record(key: bytes, packet: bytes, associated_data: bytes = b"") -> bytes:
    """Verify and decrypt a record made by ``seal_record``; raise ``RecordError`` on failure.

    The HMAC-SHA256 check (paper eq. 7) runs first, in constant time; then AES-256-GCM
    decryption verifies its own tag. No plaintext is returned unless both pass.
    """
    enc_key, auth_key = derive_record_keys(key)
    packet = _check_bytes(packet, "packet")
    associated_data = _check_bytes(associated_data, "associated_data")
    if len(packet) < RECORD_OVERHEAD:
        raise RecordError(f"record too short ({len(packet)} bytes < {RECORD_OVERHEAD}): truncated or not a record")
    body, tag = packet[:-HMAC_BYTES], packet[-HMAC_BYTES:]
    if body[0] != VERSION:
        raise RecordError(f"unknown record version {body[0]} (expected {VERSION})")
    try:
        _mac(auth_key, body, associated_data).verify(tag)
    except InvalidSignature:
        raise RecordError("HMAC-SHA256 integrity check failed: wrong key, tampered record or wrong "
                          "associated data") from None
    nonce, ciphertext = body[1:1 + NONCE_BYTES], body[1 + NONCE_BYTES:]
    try:
        return AESGCM(enc_key).decrypt(nonce, ciphertext, associated_data)
    except InvalidTag:  # only reachable if the HMAC key and the GCM key disagree
        raise RecordError("AES-256-GCM tag check failed") from None


def bits_to_key(bits: Sequence[int] | np.ndarray) -> bytes:
    """Pack a 0/1 bit sequence (e.g. a distilled E91 key) into bytes, big-endian, whole bytes only.

    Trailing bits that do not fill a byte are dropped, so no byte is padded with known zeros.
    """
    array = np.asarray(bits)
    if array.ndim != 1:
        raise ValueError("bits must be a one-dimensional sequence of 0/1 values")
    if array.size and not np.isin(array, (0, 1)).all():
        raise ValueError("bits must contain only 0 and 1")
    whole = (array.size // 8) * 8
    return np.packbits(array[:whole].astype(np.uint8)).tobytes()
