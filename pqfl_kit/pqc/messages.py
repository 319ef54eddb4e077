"""The handshake messages' wire format: a 4-byte tag, then length-prefixed fields.

``ClientHello`` (tag ``PQCH``), ``ServerHello`` (``PQSH``) and ``DeviceFinish`` (``PQDF``) of
:mod:`pqfl_kit.pqc.channel`. Each field is ``length (4 bytes, big-endian) || bytes``, the way TLS 1.3
(RFC 8446 Sec. 3.4) prefixes variable-length vectors. Decoding checks the tag, every length and
that nothing trails, and raises :class:`~pqfl_kit.pqc.errors.HandshakeError` ("malformed").
"""
from __future__ import annotations

import struct

from .errors import HandshakeError

__all__ = ["encode", "decode", "expect_size", "CLIENT_HELLO", "SERVER_HELLO", "DEVICE_FINISH"]

CLIENT_HELLO = b"PQCH"   # version, suite, rekey interval, device name, random, ML-KEM key, X25519 key
SERVER_HELLO = b"PQSH"   # gateway name, ML-KEM ciphertext, X25519 key, signature
DEVICE_FINISH = b"PQDF"  # device name, signature
_LENGTH = struct.Struct(">I")


def encode(tag: bytes, *fields: bytes) -> bytes:
    """``tag || (length || field)...``."""
    return tag + b"".join(_LENGTH.pack(len(f)) + f for f in fields)


def decode(tag: bytes, message: bytes, count: int, what: str) -> list[bytes]:
    """The ``count`` fields of a message that must start with ``tag``; ``what`` names it in errors."""
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} must be bytes, got {type(message).__name__}")
    data = bytes(message)
    if data[:4] != tag:
        raise HandshakeError(f"{what} is malformed: it does not start with {tag!r}", "malformed")
    fields, pos = [], 4
    for _ in range(count):
        if pos + 4 > len(data):
            raise HandshakeError(f"{what} is truncated", "malformed")
        (size,) = _LENGTH.unpack_from(data, pos)
        pos += 4
        if pos + size > len(data):
            raise HandshakeError(f"{what} is truncated", "malformed")
        fields.append(data[pos:pos + size])
        pos += size
    if pos != len(data):
        raise HandshakeError(f"{what} has {len(data) - pos} unexpected trailing bytes", "malformed")
    return fields


def expect_size(value: bytes, size: int, name: str) -> bytes:
    """``value`` if it is ``size`` bytes long, else a "malformed" :class:`HandshakeError`."""
    if len(value) != size:
        raise HandshakeError(f"{name} must be {size} bytes, got {len(value)}", "malformed")
    return value
