"""Sealed, signed model updates over the kit's post-quantum channel, and the aggregator's gate.

The aggregator is a :class:`pqfl_kit.pqc.channel.Gateway` that pins every client's ML-DSA-65
public key (FIPS 204; in a cluster a K3s Secret) and holds one
:class:`~pqfl_kit.pqc.channel.SecureChannel` per client. Each client is a
:class:`~pqfl_kit.pqc.channel.Device` that pins the aggregator's key. The three handshake messages
of :mod:`pqfl_kit.pqc.channel` (ClientHello, ServerHello, DeviceFinish: ephemeral ML-KEM-768,
FIPS 203, both transcripts signed) travel through the federation's queues like any other
message, so a session costs one handshake, not one per round (papers/pqfl-iomt-overview: ML-KEM
for key establishment, ML-DSA for authentication, Ascon for the data).

An update is ``length (2) || header (JSON, in clear) || sealed body``. The header (client, round,
update id) is the channel's associated data; the body is ``"S" || payload length (4) || payload ||
ML-DSA-65 signature`` made with :meth:`pqfl_kit.pqc.sig.Identity.sign` over
``length || header || payload`` with the FIPS 204 context string ``pqfl-kit/v1 fl update``
(Sec. 5.2: keeps these signatures apart from the handshake's). The channel proves the packet
came over that client's session, fresh and unmodified; the signature proves the client's own key
signed this update, so a stolen session alone cannot inject updates.

The aggregator's :class:`Inbox` runs the checks in order and counts every refusal by reason:
``replayed`` (an update id it already accepted in an earlier round, or a packet the channel's
anti-replay window has seen), ``tampered`` (the Ascon tag fails: modified bytes or wrong
session), ``unsigned`` (no signature), ``forged`` (the ML-DSA signature does not verify for the
claimed client, or the packet came over another client's session), ``unknown`` (no such client or
no session with it), ``stale`` (an update for another round), ``malformed`` (cannot be parsed).

Parsing is bounded: the clear header is at most :data:`MAX_HEADER_BYTES` (4 KiB; real headers are
about 100 bytes) and nests at most :data:`MAX_HEADER_DEPTH` (8) brackets deep, both checked before
``json.loads`` runs, so no message can exhaust the parser's stack or memory. Whatever a sender
puts on the queue ends in a :class:`SecurityError` (``malformed`` when it cannot be parsed), never
in another exception.
A copy of an update already counted *in this round* (a broker redelivery after a crash, or a
client re-publishing after a lost confirm) is a ``duplicate``: harmless, acknowledged and not
counted twice; a copy from an earlier round is a replay.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import struct
from collections import Counter
from dataclasses import dataclass, field

from pqfl_kit.fl import wire
from pqfl_kit.limits import is_whole
from pqfl_kit.pqc.channel import ChannelError, Device, Gateway, SecureChannel, hello_device
from pqfl_kit.pqc.sig import Identity, SignatureError, generate_identity, verify

__all__ = ["REJECT_REASONS", "UPDATE_CONTEXT", "MAX_HEADER_BYTES", "MAX_HEADER_DEPTH", "SecurityError", "Verdict",
           "Inbox", "federation", "join", "client_hello", "client_finish", "seal_update", "open_global", "reason_for"]

REJECT_REASONS = ("replayed", "tampered", "unsigned", "forged", "unknown", "stale", "malformed")
UPDATE_CONTEXT = b"pqfl-kit/v1 fl update"  # FIPS 204 Sec. 5.2 context string of update signatures
_LENGTH = struct.Struct(">H")  # length of the clear JSON header
MAX_HEADER_BYTES = 4096  # a clear header: {"client", "round", "update_id", "pqc"} is ~100 bytes
MAX_HEADER_DEPTH = 8  # headers are flat JSON objects (depth 1)
_REJECTED_MEMORY = 65_536  # refused copies remembered for redelivery dedup (~10 MB at most)


class SecurityError(ValueError):
    """A handshake message or update failed a check; ``reason`` is one of ``REJECT_REASONS``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def reason_for(error: Exception) -> str:
    """The inbox reason of a :class:`ChannelError` / :class:`SignatureError` of :mod:`pqfl_kit.pqc`.

    A bad update signature is "forged"; a channel error keeps its own ``reason``, except that a
    sender who ran out of sequence numbers can only show up here as a tampered packet.
    """
    if isinstance(error, SignatureError):
        return "forged"
    if isinstance(error, ChannelError):
        return "tampered" if error.reason == "exhausted" else error.reason
    return "tampered"


def _frame(header: dict, body: bytes) -> tuple[bytes, bytes]:
    """(header bytes, message): ``length || header JSON || body``."""
    header_bytes = json.dumps(header, sort_keys=True).encode()
    if len(header_bytes) > MAX_HEADER_BYTES:
        raise ValueError(f"message header is {len(header_bytes)} bytes; the limit is MAX_HEADER_BYTES = "
                         f"{MAX_HEADER_BYTES} (is the client id that long?)")
    return header_bytes, _LENGTH.pack(len(header_bytes)) + header_bytes + body


def _unframe(message: bytes) -> tuple[bytes, dict, bytes]:
    """(header bytes, header, body); raises ``SecurityError('malformed')``."""
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise SecurityError("malformed", f"message must be bytes, got {type(message).__name__}")
    try:
        (n,) = _LENGTH.unpack_from(message)
        if n > MAX_HEADER_BYTES:
            raise ValueError(f"header of {n} bytes is over MAX_HEADER_BYTES = {MAX_HEADER_BYTES}")
        header_bytes = bytes(message[2:2 + n])
        if len(header_bytes) != n:
            raise ValueError("message is shorter than its header length")
        header = wire.load_json(header_bytes, MAX_HEADER_BYTES, MAX_HEADER_DEPTH)
        if not isinstance(header, dict):
            raise ValueError("header is not a JSON object")
    except (struct.error, ValueError, TypeError, RecursionError, MemoryError):
        raise SecurityError("malformed", "message cannot be parsed (no length-prefixed JSON header of at most "
                                         f"{MAX_HEADER_BYTES} bytes and depth {MAX_HEADER_DEPTH})") from None
    return header_bytes, header, bytes(message[2 + n:])


# ---------------------------------------------------------------------------------------------
# Client side
# ---------------------------------------------------------------------------------------------
def client_hello(device: Device) -> bytes:
    """Handshake message 1 for the aggregator's queue: the device's ClientHello, framed."""
    return _frame({"client": device.identity.name, "step": "hello"}, device.hello())[1]


def client_finish(device: Device, message: bytes) -> bytes:
    """Handshake message 3: check the aggregator's framed ServerHello (its signature against the
    pinned key) and answer with the DeviceFinish; raises :class:`ChannelError` on a wrong peer."""
    _, _, server_hello = _unframe(message)
    return _frame({"client": device.identity.name, "step": "finish"}, device.finish(server_hello))[1]


def seal_update(channel: SecureChannel | None, identity: Identity | None, client_id: str, round_no: int,
                payload: bytes, *, update_id: str | None = None) -> bytes:
    """Sign ``payload`` with ``identity`` (ML-DSA) and seal it on ``channel`` (Ascon-AEAD128).

    ``identity`` None leaves the update unsigned and ``channel`` None sends it in clear (PQC off,
    or the attacks the notebook shows).
    """
    if not isinstance(payload, (bytes, bytearray)):
        raise TypeError(f"payload must be bytes, got {type(payload).__name__}")
    header = {"client": client_id, "round": int(round_no), "update_id": update_id or secrets.token_hex(8),
              "pqc": channel is not None}
    header_bytes, _ = _frame(header, b"")
    body = b"U" + bytes(payload)
    if identity is not None:
        signature = identity.sign(_LENGTH.pack(len(header_bytes)) + header_bytes + payload, UPDATE_CONTEXT)
        body = b"S" + struct.pack(">I", len(payload)) + bytes(payload) + signature
    if channel is not None:
        body = channel.seal(body, header_bytes)
    return _frame(header, body)[1]


def open_global(channel: SecureChannel | None, message: bytes) -> tuple[int, bytes]:
    """Client side of the broadcast: ``(round, global model bytes)``.

    Raises :class:`ChannelError` when the packet was not sealed by the aggregator on this
    session (the channel's keys come from a handshake the aggregator signed), or replays one, and
    :class:`SecurityError` (``malformed``) when it cannot be parsed.
    """
    header_bytes, header, body = _unframe(message)
    round_no = header.get("round")
    if not is_whole(round_no):
        raise SecurityError("malformed", "global model header carries no whole round number")
    if channel is not None:
        body = channel.open(body, header_bytes)
    return round_no, body


# ---------------------------------------------------------------------------------------------
# Aggregator side
# ---------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """What the inbox decided about one message."""

    status: str  # "accepted", "duplicate" or "rejected"
    client: str = ""
    update_id: str = ""
    payload: bytes = b""
    reason: str = ""
    detail: str = ""  # why a signed update could not be used (for the log)


@dataclass
class Inbox:
    """The aggregator's gate: a pqc ``Gateway`` (None: PQC off) and refusal counters by reason."""

    gateway: Gateway | None = None
    accepted_ids: set[str] = field(default_factory=set)
    rejected: Counter = field(default_factory=Counter)
    duplicates: int = 0
    _handshakes: dict[bytes, tuple] = field(default_factory=dict, repr=False)
    _rejected_copies: dict[bytes, None] = field(default_factory=dict, repr=False)  # oldest first, bounded

    @property
    def clients(self) -> list[str]:
        """Clients with an open session (all enrolled clients when PQC is off)."""
        return sorted(self.gateway.channels) if self.gateway is not None else []

    # -- handshake (pqfl_kit.pqc.channel, messages 2 and 3) -------------------------------------
    def respond(self, message: bytes) -> tuple[str, bytes]:
        """Answer a framed ClientHello: ``(client id, framed ServerHello)`` for its queue.

        A byte-identical hello (a broker redelivery) gets the same answer again, so a redelivery
        cannot desynchronize the handshake. Raises :class:`SecurityError` (counted) otherwise.
        """
        digest = self._digest(message)
        if digest in self._handshakes:
            return self._handshakes[digest]
        try:
            _, header, client_hello_ = _unframe(message)
            client = str(header.get("client", ""))
            if hello_device(client_hello_) != client:  # the reply goes to the header's queue: they must agree
                raise SecurityError("malformed",
                                    f"header names {client!r} but the ClientHello comes from another device")
            server_hello = self._gate().respond(client_hello_)
        except SecurityError as error:
            raise self._count(error) from None
        except ChannelError as error:
            raise self._count(SecurityError(reason_for(error), str(error))) from None
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error) as error:
            raise self._count(SecurityError("malformed", f"handshake message cannot be parsed: {error}")) from None
        reply = (client, _frame({"client": client, "step": "server_hello"}, server_hello)[1])
        self._handshakes[digest] = reply
        return reply

    def complete(self, message: bytes) -> str:
        """Check a framed DeviceFinish (the client's signature against its pinned key) and open the
        session; returns the client id. A redelivered copy returns the same id, not counted."""
        digest = self._digest(message)
        if digest in self._handshakes:
            return self._handshakes[digest][0]
        try:
            _, _, finish = _unframe(message)
            channel = self._gate().complete(finish)
        except SecurityError as error:
            raise self._count(error) from None
        except ChannelError as error:
            raise self._count(SecurityError(reason_for(error), str(error))) from None
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, struct.error) as error:
            raise self._count(SecurityError("malformed", f"handshake message cannot be parsed: {error}")) from None
        self._handshakes[digest] = (channel.info.peer,)
        return channel.info.peer

    def _digest(self, message) -> bytes:
        if not isinstance(message, (bytes, bytearray, memoryview)):
            raise self._count(SecurityError("malformed", f"message must be bytes, got {type(message).__name__}"))
        return hashlib.sha256(message).digest()

    def _gate(self) -> Gateway:
        if self.gateway is None:
            raise SecurityError("malformed", "PQC is off: this aggregator runs no handshakes")
        return self.gateway

    def _count(self, error: SecurityError) -> SecurityError:
        self.rejected[error.reason] += 1
        return error

    # -- updates --------------------------------------------------------------------------------
    def receive(self, message: bytes, round_no: int | None, *, redelivered: bool = False) -> Verdict:
        """Check one update for round ``round_no`` (None: any round) and say what to do with it."""
        try:
            header_bytes, header, body = _unframe(message)
            client, update_id, header_round = header["client"], header["update_id"], header.get("round")
            if not isinstance(client, str) or not isinstance(update_id, str) or \
                    not is_whole(header_round):
                raise TypeError("client and update_id must be strings and round a whole number")
        except (SecurityError, KeyError, TypeError):
            return self._reject("malformed", "", "", message)
        if update_id in self.accepted_ids:
            if redelivered or round_no is None or header.get("round") == round_no:
                self.duplicates += 1  # broker redelivery or a client's retry: already counted
                return Verdict("duplicate", client, update_id)
            return self._reject("replayed", client, update_id, message)
        if redelivered and hashlib.sha256(message).digest() in self._rejected_copies:  # message: bytes here
            self.duplicates += 1  # a refusal the broker delivers again: counted once
            return Verdict("duplicate", client, update_id)
        try:
            payload = self._open(header_bytes, client, body)
        except SecurityError as error:
            return self._reject(error.reason, client, update_id, message)
        if round_no is not None and header.get("round") != round_no:
            return self._reject("stale", client, update_id, message)
        self.accepted_ids.add(update_id)
        return Verdict("accepted", client, update_id, payload)

    def _open(self, header_bytes: bytes, client: str, body: bytes) -> bytes:
        if self.gateway is None:
            if body[:1] != b"U":
                raise SecurityError("malformed", "PQC is off: expected a plain update")
            return body[1:]
        if client not in self.gateway.trusted or client not in self.gateway.channels:
            raise SecurityError("unknown", f"no pinned key or session for client {client!r}")
        try:
            sender, inner = self.gateway.open(body, header_bytes)
        except ChannelError as error:
            raise SecurityError(reason_for(error), str(error)) from None
        if sender != client:
            raise SecurityError("forged", f"update claims to be from {client!r} but came over {sender!r}'s session")
        if inner[:1] != b"S" or len(inner) < 5:
            raise SecurityError("unsigned", "update carries no ML-DSA signature")
        (size,) = struct.unpack_from(">I", inner, 1)
        payload, signature = inner[5:5 + size], inner[5 + size:]
        try:
            verify(self.gateway.trusted[client], _LENGTH.pack(len(header_bytes)) + header_bytes + payload,
                   signature, self.gateway.identity.algorithm, context=UPDATE_CONTEXT,
                   backend=self.gateway.identity.backend)
        except SignatureError as error:
            raise SecurityError(reason_for(error), str(error)) from None
        return payload

    def _reject(self, reason: str, client: str, update_id: str, message: bytes) -> Verdict:
        self.rejected[reason] += 1
        if not isinstance(message, (bytes, bytearray, memoryview)):
            return Verdict("rejected", client, update_id, reason=reason)
        self._rejected_copies[hashlib.sha256(message).digest()] = None
        if len(self._rejected_copies) > _REJECTED_MEMORY:  # a flood of junk cannot grow this without end
            del self._rejected_copies[next(iter(self._rejected_copies))]
        return Verdict("rejected", client, update_id, reason=reason)

    # -- broadcast ------------------------------------------------------------------------------
    def seal_global(self, client_id: str, round_no: int, payload: bytes) -> bytes:
        """The global model for one client, sealed on its session (clear when PQC is off)."""
        header_bytes, _ = _frame({"round": int(round_no)}, b"")
        body = self.gateway.seal(client_id, payload, header_bytes) if self.gateway is not None else bytes(payload)
        return _frame({"round": int(round_no)}, body)[1]


# ---------------------------------------------------------------------------------------------
# In-memory enrolment (simulations, tests)
# ---------------------------------------------------------------------------------------------
def join(inbox: Inbox, device: Device) -> SecureChannel:
    """Run the three handshake messages between ``device`` and the inbox's gateway in memory."""
    _, server_hello = inbox.respond(client_hello(device))
    inbox.complete(client_finish(device, server_hello))
    if device.channel is None:  # complete() raised otherwise; keeps the return type honest
        raise SecurityError("malformed", f"the handshake of {device.identity.name!r} did not open a channel")
    return device.channel


def federation(client_ids: list[str], *, aggregator: str = "aggregator") -> tuple[Inbox, dict[str, Device]]:
    """Fresh ML-DSA-65 identities for an aggregator and its clients, keys pinned both ways, and
    one handshake per client: ``(aggregator inbox, {client id: Device with an open channel})``."""
    if len(set(client_ids)) != len(client_ids) or aggregator in client_ids:
        raise ValueError("client ids must be unique and differ from the aggregator's name")
    me = generate_identity(aggregator)
    identities = {cid: generate_identity(cid) for cid in client_ids}
    inbox = Inbox(Gateway(me, {cid: i.public_key for cid, i in identities.items()}))
    devices = {cid: Device(identities[cid], me.public_key) for cid in client_ids}
    for device in devices.values():
        join(inbox, device)
    return inbox, devices
