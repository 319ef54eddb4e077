"""The packet a bedside device sends to the hospital gateway, and the keys that protect it.

Wire format (big-endian; the whole header is authenticated as associated data)::

    magic "PQH1" (4) | kind (1) | id length L (1) | device id (L, ASCII) | seq (8) | body length (2) | body

``seq`` is 1..``MAX_SEQ`` = 2**63 - 1 (what an SQLite INTEGER holds); a larger one is "malformed".

``kind`` says how the body is protected (paper Section III.C, eq. 7 and Algorithm 3 line 4):

* ``KIND_AES`` (2): an AES-256-GCM + HMAC-SHA256 record keyed from an E91 QKD key, made by
  :func:`pqfl_kit.qkd.records.seal_record` (HKDF-derived ``K_enc`` and ``K_auth``).
* ``KIND_CHANNEL`` (1): an Ascon-AEAD128 packet of the post-quantum secure channel
  (:mod:`pqfl_kit.pqc.channel`), followed by an HMAC-SHA256 tag over header and plaintext
  under ``K_auth = HKDF-SHA256(session key)`` -- eq. 7 taken literally (the MAC covers the
  decrypted data).

The body's plaintext is compact JSON ``{"t": measured-at (Unix s), "score": anomaly score in
[0, 1], "vitals": {...}}``: the device's detector scores its own traffic before sending
(paper Algorithm 1 step 4 sends "classified records"), the gateway reads that score.

A :class:`Sender` (device side) makes packets; a :class:`Link` (gateway side) holds what the
gateway needs to open them. :func:`aes_link` and :func:`channel_link` create matching pairs.
"""
from __future__ import annotations

import hmac as std_hmac
import json
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..pqc.channel import OVERHEAD, ChannelError, connect_pair
from ..qkd.records import RECORD_OVERHEAD, open_record, seal_record

__all__ = ["MAGIC", "KIND_CHANNEL", "KIND_AES", "HEADER_FIXED", "MAX_BODY", "Header", "Link", "Sender",
           "MAX_SEQ", "PacketError", "parse_header", "build_header", "aes_link", "channel_link", "derive_auth_key"]

MAGIC = b"PQH1"
KIND_CHANNEL, KIND_AES = 1, 2
KIND_NAMES = {KIND_CHANNEL: "ascon-channel", KIND_AES: "aes-256-gcm"}
HEADER_FIXED = 4 + 1 + 1 + 8 + 2  # header bytes without the device id
MAX_DEVICE_ID = 64
MAX_BODY = 0xFFFF
MAX_SEQ = (1 << 63) - 1  # sequence numbers must fit an SQLite INTEGER (signed 64-bit)
HMAC_BYTES = 32
_AUTH_INFO = b"pqfl-kit/hospital/eq7 K_auth hmac-sha256"


class PacketError(ValueError):
    """A packet is not well formed. ``reason`` is "truncated", "malformed" or "oversized"."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Header:
    kind: int
    device_id: str
    seq: int
    body_length: int
    raw: bytes  # the header bytes, used as associated data


def build_header(kind: int, device_id: str, seq: int, body_length: int) -> bytes:
    if not 0 <= seq <= MAX_SEQ:
        raise ValueError(f"seq must be in [0, {MAX_SEQ:,}] (2**63 - 1), got {seq}")
    dev = device_id.encode("ascii")
    return MAGIC + struct.pack(">BB", kind, len(dev)) + dev + struct.pack(">QH", seq, body_length)


def parse_header(frame: bytes) -> tuple[Header, bytes]:
    """Split a frame into (header, body); raise :class:`PacketError` with a reason if it is bad."""
    if len(frame) < 6:
        raise PacketError("truncated", f"{len(frame)} bytes, shorter than any header")
    if frame[:4] != MAGIC:
        raise PacketError("malformed", "not a hospital packet (bad magic)")
    kind, id_len = frame[4], frame[5]
    if kind not in KIND_NAMES:
        raise PacketError("malformed", f"unknown packet kind {kind}")
    if not 1 <= id_len <= MAX_DEVICE_ID:
        raise PacketError("malformed", f"device id length {id_len} not in 1..{MAX_DEVICE_ID}")
    end = HEADER_FIXED + id_len
    if len(frame) < end:
        raise PacketError("truncated", f"{len(frame)} bytes, header needs {end}")
    try:
        device_id = frame[6:6 + id_len].decode("ascii")
    except UnicodeDecodeError:
        raise PacketError("malformed", "device id is not ASCII") from None
    if not device_id.isprintable():
        raise PacketError("malformed", "device id has control characters")
    seq, body_length = struct.unpack(">QH", frame[6 + id_len:end])
    if seq > MAX_SEQ:
        raise PacketError("malformed", "sequence number above 2**63 - 1")
    body = frame[end:]
    if len(body) < body_length:
        raise PacketError("truncated", f"body has {len(body)} of {body_length} bytes")
    if len(body) > body_length:
        raise PacketError("malformed", f"{len(body) - body_length} bytes after the body")
    return Header(kind, device_id, seq, body_length, bytes(frame[:end])), bytes(body)


def derive_auth_key(session_key: bytes) -> bytes:
    """K_auth of eq. 7: HKDF-SHA256 (RFC 5869) of the session key, 32 bytes."""
    if not isinstance(session_key, (bytes, bytearray)) or len(session_key) < 16:
        raise ValueError("the session key must be at least 16 bytes")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AUTH_INFO).derive(bytes(session_key))


def _tag(auth_key: bytes, header: bytes, plaintext: bytes) -> bytes:
    mac = crypto_hmac.HMAC(auth_key, hashes.SHA256())
    mac.update(header)
    mac.update(plaintext)
    return mac.finalize()


@dataclass(frozen=True)
class Link:
    """What the gateway knows about one registered device.

    ``open(header, body) -> plaintext`` decrypts and verifies (eq. 7); it raises on any
    failure and never returns unauthenticated data.
    """

    device_id: str
    patient_id: str
    kind: int
    open: Callable[[bytes, bytes], bytes]


def encode_payload(measured_at: float, score: float, vitals: dict[str, Any]) -> bytes:
    return json.dumps({"t": measured_at, "score": score, "vitals": vitals}, separators=(",", ":")).encode()


class Sender:
    """The device side: numbers packets 1, 2, 3, ... and seals them for the gateway."""

    def __init__(self, device_id: str, kind: int, seal: Callable[[bytes, bytes], bytes], *,
                 overhead: int, first_seq: int = 1) -> None:
        self.device_id = device_id
        self.kind = kind
        self._seal = seal  # (header, plaintext) -> body
        self._overhead = overhead
        self.seq = first_seq - 1

    def packet(self, measured_at: float, score: float, vitals: dict[str, Any], *, seq: int | None = None) -> bytes:
        """One sealed frame. ``seq`` overrides the counter (tests and attacks only)."""
        if seq is None:
            self.seq += 1
            seq = self.seq
        plaintext = encode_payload(measured_at, score, vitals)
        header = build_header(self.kind, self.device_id, seq, len(plaintext) + self._overhead)
        body = self._seal(header, plaintext)
        if len(body) != len(plaintext) + self._overhead:  # pragma: no cover - a wrong overhead constant
            raise RuntimeError("sealed body length does not match the header")
        return header + body


def _check_ids(device_id: str, patient_id: str) -> None:
    for name, value in (("device_id", device_id), ("patient_id", patient_id)):
        if not isinstance(value, str) or not value:
            raise TypeError(f"{name} must be a non-empty string")
    if not device_id.isascii() or not device_id.isprintable() or len(device_id) > MAX_DEVICE_ID:
        raise ValueError(f"device_id must be printable ASCII, 1..{MAX_DEVICE_ID} characters, got {device_id!r}")


def aes_link(device_id: str, patient_id: str, key: bytes) -> tuple[Sender, Link]:
    """A device and its gateway link sharing a QKD key: AES-256-GCM + HMAC records (eq. 2, 7)."""

    _check_ids(device_id, patient_id)
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError("key must be bytes (pqfl_kit.qkd.bits_to_key turns an E91 key into bytes)")
    key = bytes(key)
    seal_record(key, b"")  # validates the key length now, with the record module's message

    def seal(header: bytes, plaintext: bytes) -> bytes:
        return seal_record(key, plaintext, header)

    def open_(header: bytes, body: bytes) -> bytes:
        return open_record(key, body, header)

    return (Sender(device_id, KIND_AES, seal, overhead=RECORD_OVERHEAD),
            Link(device_id, patient_id, KIND_AES, open_))


def channel_link(device_id: str, patient_id: str, *, device_end=None, gateway_end=None,
                 seed: int | None = None) -> tuple[Sender, Link]:
    """A device and its gateway link over the post-quantum secure channel (Ascon-AEAD128).

    ``device_end``/``gateway_end`` are the two :class:`~pqfl_kit.pqc.channel.SecureChannel` ends
    of one handshake; by default :func:`pqfl_kit.pqc.channel.connect_pair` runs a fresh
    ML-KEM-768 + ML-DSA-65 handshake (``seed`` fixes the long-term identities only).

    The channel keeps its keys private, so eq. 7's session key is *transported* through it: the
    gateway draws 32 random bytes and sends them to the device sealed in the channel (protected
    by the ML-KEM secret and the ML-DSA-authenticated handshake); both sides then derive
    K_auth = HKDF-SHA256(session key).
    """

    _check_ids(device_id, patient_id)
    if (device_end is None) != (gateway_end is None):
        raise ValueError("pass both device_end and gateway_end (one handshake), or neither")
    if device_end is None:
        device_end, gateway_end = connect_pair(seed=seed, device_name=device_id)
    label = b"pqfl-kit/hospital session key"
    session_key = secrets.token_bytes(32)
    device_session_key = device_end.open(gateway_end.seal(session_key, label), label)
    gateway_auth, device_auth = derive_auth_key(session_key), derive_auth_key(device_session_key)

    def seal(header: bytes, plaintext: bytes) -> bytes:
        return device_end.seal(plaintext, header) + _tag(device_auth, header, plaintext)

    def open_(header: bytes, body: bytes) -> bytes:
        if len(body) < HMAC_BYTES:
            raise ChannelError("body shorter than its HMAC tag", "malformed")
        tag = body[-HMAC_BYTES:]

        def check(plaintext: bytes) -> None:  # eq. 7, before the channel commits the sequence number
            if not std_hmac.compare_digest(_tag(gateway_auth, header, plaintext), tag):
                raise ChannelError("HMAC-SHA256 integrity check failed (eq. 7)", "tampered")

        return gateway_end.open(body[:-HMAC_BYTES], header, check=check)  # Ascon tag, then eq. 7, then window

    return (Sender(device_id, KIND_CHANNEL, seal, overhead=OVERHEAD + HMAC_BYTES),
            Link(device_id, patient_id, KIND_CHANNEL, open_))
