"""Sealed, signed model updates: what the aggregator accepts and what it rejects.

Each client holds an ML-DSA-65 identity (FIPS 204) whose public key the aggregator knows (in a
cluster: a K3s Secret). A client update is signed with that identity, then sealed with the
client's session to the aggregator: ML-KEM-768 (FIPS 203) establishes the session key, HKDF-SHA256
(RFC 5869) splits it into one key per direction, Ascon-AEAD128 (NIST SP 800-232) seals every
message with a counter nonce (papers/pqfl-iomt-overview: ML-KEM for key establishment, Ascon for
the data).

The aggregator's ``Inbox`` runs the checks in order and counts every refusal by reason:
``replayed`` (an update id it already accepted, or a message counter it already saw),
``tampered`` (the Ascon tag fails: wrong key or modified bytes), ``unsigned`` (no signature),
``forged`` (the ML-DSA signature does not verify for the claimed client), ``unknown`` (no such
client), ``stale`` (an update for another round). A copy of an update already counted *in this
round* (a broker redelivery after a crash, or a client re-publishing after a lost confirm) is a
``duplicate``: harmless, acknowledged and not counted twice; a copy from an earlier round is a
replay.
"""
from __future__ import annotations

import json
import secrets
import struct
from collections import Counter
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["SecurityError", "Identity", "Session", "client_session", "server_session", "seal_update",
           "Inbox", "Verdict", "REJECT_REASONS"]

REJECT_REASONS = ("replayed", "tampered", "unsigned", "forged", "unknown", "stale", "malformed")
_HEADER = struct.Struct(">H")  # length of the clear JSON header


class SecurityError(ValueError):
    """An update failed a security check; ``reason`` is one of ``REJECT_REASONS``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class Identity:
    """A node's long-term ML-DSA-65 signing identity (FIPS 204)."""

    def __init__(self, private: mldsa.MLDSA65PrivateKey | None = None):
        self.private = private or mldsa.MLDSA65PrivateKey.generate()
        self.public_bytes = self.private.public_key().public_bytes_raw()

    @classmethod
    def from_seed(cls, seed: bytes) -> "Identity":
        return cls(mldsa.MLDSA65PrivateKey.from_seed_bytes(seed))

    def seed(self) -> bytes:
        return self.private.private_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def verify(public_bytes: bytes, signature: bytes, message: bytes) -> None:
    """Raise ``SecurityError('forged')`` unless ``signature`` is valid for ``message``."""
    try:
        mldsa.MLDSA65PublicKey.from_public_bytes(public_bytes).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise SecurityError("forged", "ML-DSA signature does not verify for this client") from None


class Session:
    """One direction-split Ascon-AEAD128 session between a client and the aggregator.

    Nonce = 8-byte direction prefix || 8-byte message counter; the receiver refuses counters it
    has already seen (replay) and any tag that fails (tamper).
    """

    def __init__(self, shared_secret: bytes, client_id: str, is_client: bool):
        from pqfl_kit.pqc import ascon

        self._ascon = ascon
        okm = HKDF(hashes.SHA256(), 48, salt=None, info=b"pqfl-fl/v1/" + client_id.encode()).derive(shared_secret)
        up, down, prefixes = okm[:16], okm[16:32], okm[32:48]
        self.client_id = client_id
        self._send_key, self._recv_key = (up, down) if is_client else (down, up)
        self._send_prefix, self._recv_prefix = ((prefixes[:8], prefixes[8:]) if is_client else (prefixes[8:], prefixes[:8]))
        self._counter = 0
        self._seen: set[int] = set()

    def seal(self, plaintext: bytes, associated_data: bytes = b"") -> bytes:
        self._counter += 1
        nonce = self._send_prefix + self._counter.to_bytes(8, "big")
        return self._counter.to_bytes(8, "big") + self._ascon.encrypt(self._send_key, nonce, associated_data, plaintext)

    def open(self, packet: bytes, associated_data: bytes = b"") -> bytes:
        if len(packet) < 8 + 16:
            raise SecurityError("tampered", "sealed packet too short")
        counter = int.from_bytes(packet[:8], "big")
        if counter in self._seen:
            raise SecurityError("replayed", f"message counter {counter} was already received")
        try:
            plaintext = self._ascon.decrypt(self._recv_key, self._recv_prefix + packet[:8], associated_data, packet[8:])
        except ValueError:
            raise SecurityError("tampered", "Ascon-AEAD128 tag does not verify (modified or wrong key)") from None
        self._seen.add(counter)
        return plaintext


def client_session(client_id: str, identity: Identity, server_kem_public: bytes) -> tuple[Session, bytes]:
    """Client side of the handshake: ML-KEM-768 encapsulation to the aggregator's key.

    Returns the session and the ``hello`` message (ciphertext signed by the client's ML-DSA
    identity, so the aggregator knows who holds the session).
    """
    shared, ciphertext = mlkem.MLKEM768PublicKey.from_public_bytes(server_kem_public).encapsulate()
    body = json.dumps({"client": client_id}).encode()
    hello = _HEADER.pack(len(body)) + body + ciphertext
    return Session(shared, client_id, True), hello + identity.sign(hello)


def server_session(hello: bytes, kem_private: mlkem.MLKEM768PrivateKey, known: dict[str, bytes]) -> Session:
    """Aggregator side: check the hello's signature, decapsulate, open the session."""
    try:
        (n,) = _HEADER.unpack_from(hello)
        client_id = json.loads(hello[2:2 + n])["client"]
        ct_end = 2 + n + 1088  # ML-KEM-768 ciphertext length (FIPS 203, Table 3)
        message, signature = hello[:ct_end], hello[ct_end:]
    except (struct.error, ValueError, KeyError, TypeError):
        raise SecurityError("malformed", "hello message cannot be parsed") from None
    if client_id not in known:
        raise SecurityError("unknown", f"no identity registered for client {client_id!r}")
    verify(known[client_id], signature, message)
    return Session(kem_private.decapsulate(message[2 + n:]), client_id, False)


def seal_update(session: Session | None, identity: Identity | None, client_id: str, round_no: int,
                payload: bytes, *, update_id: str | None = None) -> bytes:
    """Wrap an update: clear JSON header (authenticated as associated data) + sealed body.

    With ``session`` and ``identity`` None (PQC off) the body is the bare payload.
    """
    header = json.dumps({"client": client_id, "round": round_no,
                         "update_id": update_id or secrets.token_hex(8),
                         "pqc": session is not None}, sort_keys=True).encode()
    body = b"U" + payload
    if identity is not None:
        body = b"S" + struct.pack(">I", len(payload)) + payload + identity.sign(header + payload)
    if session is not None:
        body = session.seal(body, header)
    return _HEADER.pack(len(header)) + header + body


@dataclass
class Verdict:
    """What the inbox decided about one message."""

    status: str  # "accepted", "duplicate" or "rejected"
    client: str = ""
    update_id: str = ""
    payload: bytes = b""
    reason: str = ""


@dataclass
class Inbox:
    """The aggregator's gate: sessions and identities per client, counters per reason."""

    identities: dict[str, bytes] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    require_pqc: bool = True
    accepted_ids: set[str] = field(default_factory=set)
    rejected: Counter = field(default_factory=Counter)
    duplicates: int = 0

    def receive(self, message: bytes, round_no: int | None, *, redelivered: bool = False) -> Verdict:
        """Check one message for round ``round_no`` (None: any round) and say what to do with it."""
        try:
            (n,) = _HEADER.unpack_from(message)
            header_bytes, body = message[2:2 + n], message[2 + n:]
            header = json.loads(header_bytes)
            client, update_id = str(header["client"]), str(header["update_id"])
        except (struct.error, ValueError, KeyError, TypeError):
            return self._reject("malformed", "", "")
        if update_id in self.accepted_ids:
            if redelivered or round_no is None or header.get("round") == round_no:
                self.duplicates += 1  # broker redelivery or a client's retry: already counted
                return Verdict("duplicate", client, update_id)
            return self._reject("replayed", client, update_id)
        if not self.require_pqc:
            if body[:1] != b"U":
                return self._reject("malformed", client, update_id)
            payload = body[1:]
        else:
            try:
                if client not in self.identities or client not in self.sessions:
                    raise SecurityError("unknown", f"no session for client {client!r}")
                inner = self.sessions[client].open(body, header_bytes)
                if inner[:1] != b"S" or len(inner) < 5:
                    raise SecurityError("unsigned", "update carries no ML-DSA signature")
                (size,) = struct.unpack_from(">I", inner, 1)
                payload, signature = inner[5:5 + size], inner[5 + size:]
                if not signature:
                    raise SecurityError("unsigned", "update carries no ML-DSA signature")
                verify(self.identities[client], signature, header_bytes + payload)
            except SecurityError as error:
                return self._reject(error.reason, client, update_id)
        if round_no is not None and header.get("round") != round_no:
            return self._reject("stale", client, update_id)
        self.accepted_ids.add(update_id)
        return Verdict("accepted", client, update_id, payload)

    def _reject(self, reason: str, client: str, update_id: str) -> Verdict:
        self.rejected[reason] += 1
        return Verdict("rejected", client, update_id, reason=reason)
