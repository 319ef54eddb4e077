"""A post-quantum secure channel between a medical IoT device and its gateway.

Handshake (three messages, SIGMA-style "sign the transcript", as in TLS 1.3 Sec. 4.4 with
ML-KEM in the role of the ephemeral Diffie-Hellman, cf. the hybrid design of
draft-ietf-tls-ecdhe-mlkem):

1. ``ClientHello``  device -> gateway: device name, 32-byte random, an ephemeral ML-KEM-768
   encapsulation key (FIPS 203) and, in hybrid mode, an ephemeral X25519 public key.
2. ``ServerHello``  gateway -> device: gateway name, random, the ML-KEM ciphertext, (X25519 key),
   and an ML-DSA-65 signature (FIPS 204) over the SHA-256 transcript hash, context
   ``pqfl-kit/v1 gateway``. The device checks it against the gateway key it has pinned.
3. ``DeviceFinish`` device -> gateway: the device's ML-DSA signature over the whole transcript,
   context ``pqfl-kit/v1 device``, checked against the device key the gateway has pinned.

Key schedule: HKDF-SHA256 (RFC 5869) with IKM = ML-KEM secret (|| X25519 secret in hybrid mode,
concatenation as in the TLS hybrid design), salt = SHA-256 of the full transcript, so the keys are
bound to everything both sides saw. It yields one Ascon-AEAD128 key and nonce prefix per direction
and an 8-byte channel id.

Packets (Ascon-AEAD128, NIST SP 800-232): ``header || ciphertext || tag`` with the 17-byte header
``version (1) || channel id (8) || sequence number (8, big-endian)`` authenticated as associated
data (together with any caller-supplied associated data). The nonce is ``prefix (8) || sequence
(8)``: a per-direction counter the API increments itself, so a nonce can never repeat under one
key. Receivers keep an anti-replay sliding window (RFC 4303 Sec. 3.4.3 / RFC 9147 Sec. 4.5.1):
duplicates and packets older than the window are rejected. Every ``rekey_after`` packets both
directions move to a new key ``k' = HKDF-Expand(k, "key update")`` (as TLS 1.3 KeyUpdate,
Sec. 7.2) and forget the old one once the window has passed it.

Many devices, one gateway: :class:`Gateway` holds one :class:`SecureChannel` per device (one
handshake each; a handshake in progress is keyed by the SHA-256 of its ClientHello, so a replayed
or concurrent hello cannot evict it; at most ``MAX_PENDING`` in all, ``MAX_PENDING_PER_DEVICE``
per device) and routes incoming packets by the channel id in the header, so the hospital layer
can ``gateway.open(packet)`` for packets from any of its devices and learns which device sent it.
``connect_pair`` is the one-device shortcut used in notebooks.

Limits (checked in the constructors): ``window`` 1..``MAX_WINDOW`` packets, ``rekey_after``
1..2**64-1 packets. Every failure raises :class:`ChannelError` (or ``TypeError`` for wrong
argument types) with a message saying what happened: tampering, replay, reordering beyond the
window, a wrong peer, a truncated or garbage packet. ``open`` never returns unauthenticated data;
a sequence number is committed only after every check passed (RFC 4303 Sec. 3.4.3).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass, field

from ..limits import whole
from . import ascon
from .errors import ChannelError, HandshakeError
from .kem import KEM_SIZES, Kem, KemError
from .messages import CLIENT_HELLO, DEVICE_FINISH, SERVER_HELLO, decode, encode, expect_size
from .replay import ReplayWindow
from .sig import SIG_SIZES, Identity, SignatureError, fingerprint, generate_identity, verify

__all__ = ["ChannelError", "HandshakeError", "SecureChannel", "Device", "Gateway", "HandshakeInfo",
           "connect_pair", "derive_keys", "hello_device", "x25519_exchange", "HEADER_SIZE", "OVERHEAD"]

VERSION = 1
HEADER_SIZE = 17                         # version + channel id + sequence number
OVERHEAD = HEADER_SIZE + ascon.TAG_SIZE  # bytes a sealed packet adds to the plaintext
DEFAULT_REKEY_AFTER = 1 << 20            # packets per key before a key update
DEFAULT_WINDOW = 64                      # anti-replay window, packets
MAX_EPOCH_JUMP = 1024                    # a receiver ratchets at most this many keys ahead
MAX_WINDOW = 1024                        # largest anti-replay window, packets
MAX_PENDING = 256                        # handshakes in progress at one gateway
MAX_PENDING_PER_DEVICE = 4               # ... and per device name
_SEQ_LIMIT = (1 << 64) - 1
_REKEY_LIMIT = (1 << 64) - 1
_GATEWAY_CONTEXT = b"pqfl-kit/v1 gateway"
_DEVICE_CONTEXT = b"pqfl-kit/v1 device"
_KEY_UPDATE_LABEL = b"pqfl-kit/v1 key update"
_HEADER = struct.Struct(">B8sQ")


def _suite(kem: str, sig: str, hybrid: bool) -> bytes:
    return f"{kem}+{sig}{'+X25519' if hybrid else ''}".encode()


def derive_keys(shared_secrets: list[bytes], transcript: bytes) -> dict[str, bytes]:
    """HKDF-SHA256 key schedule (RFC 5869) bound to the transcript hash.

    IKM = concatenated shared secrets (ML-KEM first, then X25519 in hybrid mode); salt =
    SHA-256(transcript). Returns the device->gateway and gateway->device Ascon keys and nonce
    prefixes and the channel id.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    okm = HKDF(algorithm=hashes.SHA256(), length=56, salt=hashlib.sha256(transcript).digest(),
               info=b"pqfl-kit/v1 channel keys").derive(b"".join(shared_secrets))
    return {"key_d2g": okm[0:16], "key_g2d": okm[16:32], "iv_d2g": okm[32:40], "iv_g2d": okm[40:48],
            "channel_id": okm[48:56]}


def _next_key(key: bytes) -> bytes:
    """Key update: HKDF-Expand(key, label, 16) = first 16 bytes of HMAC-SHA256(key, label || 0x01)."""
    return hmac.new(key, _KEY_UPDATE_LABEL + b"\x01", hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class HandshakeInfo:
    """What a handshake established, for display: suite, peers, message sizes, timings."""

    kem: str
    sig: str
    hybrid: bool
    backend: str
    local: str
    peer: str
    peer_fingerprint: str
    transcript_hash: str
    message_sizes: dict[str, int] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The record layer.
# ---------------------------------------------------------------------------------------------
class SecureChannel:
    """One side of an established channel: ``seal`` outgoing, ``open`` incoming packets."""

    def __init__(self, *, send_key: bytes, recv_key: bytes, send_iv: bytes, recv_iv: bytes,
                 channel_id: bytes, info: HandshakeInfo, rekey_after: int = DEFAULT_REKEY_AFTER,
                 window: int = DEFAULT_WINDOW):
        rekey_after = whole("rekey_after (packets per key)", rekey_after, 1, _REKEY_LIMIT)
        window = whole("window (packets)", window, 1, MAX_WINDOW)
        self.channel_id = channel_id
        self.info = info
        self.rekey_after = rekey_after
        self.window = window
        self._send_key, self._send_iv, self._send_epoch, self._send_seq = send_key, send_iv, 0, 0
        self._recv_iv = recv_iv
        self._recv_keys = {0: recv_key}  # epoch -> key, for the epochs the window still covers
        self._replay = ReplayWindow(window)  # RFC 4303 Sec. 3.4.3, over authenticated packets only

    def __repr__(self) -> str:
        return (f"SecureChannel({self.info.local} -> {self.info.peer}, {self.info.kem}/{self.info.sig}"
                f"{' +X25519' if self.info.hybrid else ''}, sent={self._send_seq}, id={self.channel_id.hex()})")

    @property
    def packets_sent(self) -> int:
        return self._send_seq

    @property
    def key_epoch(self) -> int:
        """How many key updates the sending direction has done."""
        return self._send_epoch

    def seal(self, plaintext: bytes, associated_data: bytes = b"") -> bytes:
        """Encrypt and authenticate one packet; the nonce is the next sequence number."""
        if not isinstance(plaintext, (bytes, bytearray, memoryview)):
            raise TypeError(f"plaintext must be bytes, got {type(plaintext).__name__}")
        if not isinstance(associated_data, (bytes, bytearray, memoryview)):
            raise TypeError(f"associated_data must be bytes, got {type(associated_data).__name__}")
        seq = self._send_seq
        if seq >= _SEQ_LIMIT:
            raise ChannelError("sequence numbers are exhausted: run a new handshake", "exhausted")
        epoch = seq // self.rekey_after
        while self._send_epoch < epoch:
            self._send_key = _next_key(self._send_key)
            self._send_epoch += 1
        header = _HEADER.pack(VERSION, self.channel_id, seq)
        sealed = ascon.encrypt(self._send_key, self._send_iv + header[9:], header + bytes(associated_data),
                               bytes(plaintext))
        self._send_seq = seq + 1
        return header + sealed

    def _keys_for(self, epoch: int) -> dict[int, bytes]:
        """The receive key of ``epoch`` plus any keys ratcheted on the way: {epoch: key}."""
        keys = self._recv_keys
        if epoch in keys:
            return {epoch: keys[epoch]}
        newest = max(keys)
        if epoch < newest:
            raise ChannelError(f"packet uses key epoch {epoch}, which this side has already erased", "tampered")
        if epoch - newest > MAX_EPOCH_JUMP:
            raise ChannelError(f"packet claims key epoch {epoch}, too far ahead of {newest}", "tampered")
        found, key = {}, keys[newest]
        for e in range(newest + 1, epoch + 1):
            key = _next_key(key)
            found[e] = key
        return found

    def open(self, packet: bytes, associated_data: bytes = b"", *, check=None) -> bytes:
        """Check and decrypt one packet; raises :class:`ChannelError` on any problem.

        ``check(plaintext)``, if given, runs after the AEAD tag verified and before the sequence
        number is committed to the replay window (RFC 4303 Sec. 3.4.3: update the window only
        after the integrity check): if it raises, the window and key ring stay unchanged, so a
        tampered copy arriving first cannot get the real packet refused as a replay.
        """
        if not isinstance(packet, (bytes, bytearray, memoryview)):
            raise TypeError(f"packet must be bytes, got {type(packet).__name__}")
        if not isinstance(associated_data, (bytes, bytearray, memoryview)):
            raise TypeError(f"associated_data must be bytes, got {type(associated_data).__name__}")
        packet = bytes(packet)
        if len(packet) < OVERHEAD:
            raise ChannelError(f"packet is truncated: {len(packet)} bytes, a sealed packet has at least {OVERHEAD}",
                               "malformed")
        version, channel_id, seq = _HEADER.unpack_from(packet)
        if version != VERSION:
            raise ChannelError(f"unknown packet version {version} (expected {VERSION}): garbage or tampered header",
                               "tampered")
        if not hmac.compare_digest(channel_id, self.channel_id):
            raise ChannelError("packet belongs to another channel (wrong peer or tampered header)", "tampered")
        problem = self._replay.check(seq)
        if problem == "out-of-window":
            raise ChannelError(f"packet {seq} is older than the replay window ({self.window} packets behind "
                               f"{self._replay.highest}): rejected as a possible replay", "replayed")
        if problem == "duplicate":
            raise ChannelError(f"replay: packet {seq} was already received", "replayed")
        epoch = seq // self.rekey_after
        new_keys = self._keys_for(epoch)
        key = new_keys[epoch]
        try:
            plaintext = ascon.decrypt(key, self._recv_iv + packet[9:HEADER_SIZE],
                                      packet[:HEADER_SIZE] + bytes(associated_data), packet[HEADER_SIZE:])
        except ascon.InvalidTag:
            raise ChannelError(f"packet {seq} failed authentication: it was tampered with, or the "
                               "key or associated data differ", "tampered") from None
        if check is not None:
            check(plaintext)
        # Authenticated: now update the replay window and the key ring. O(window) for any jump.
        self._replay.accept(seq)
        self._recv_keys.update(new_keys)
        oldest_needed = max(0, self._replay.highest - self.window + 1) // self.rekey_after
        for old in [e for e in self._recv_keys if e < oldest_needed]:
            del self._recv_keys[old]
        return plaintext


# ---------------------------------------------------------------------------------------------
# The two handshake roles.
# ---------------------------------------------------------------------------------------------
class Device:
    """The initiator: a sensor or wearable that pins its gateway's ML-DSA public key.

    It also chooses the key-update interval ``rekey_after`` (1..2**64-1 packets, sent in the signed
    ClientHello) and its receive ``window`` (1..``MAX_WINDOW`` packets).
    """

    def __init__(self, identity: Identity, gateway_public_key: bytes, *, kem: str = "ML-KEM-768",
                 hybrid: bool = False, rekey_after: int = DEFAULT_REKEY_AFTER, window: int = DEFAULT_WINDOW):
        if not isinstance(identity, Identity):
            raise TypeError(f"identity must be an Identity from generate_identity(), got {type(identity).__name__}")
        if not isinstance(gateway_public_key, (bytes, bytearray)):
            raise TypeError("gateway_public_key must be bytes (the gateway's pinned ML-DSA public key)")
        if not isinstance(hybrid, bool):
            raise TypeError("hybrid must be True or False")
        rekey_after = whole("rekey_after (packets per key)", rekey_after, 1, _REKEY_LIMIT)
        window = whole("window (packets)", window, 1, MAX_WINDOW)
        self.identity = identity
        self.gateway_public_key = bytes(gateway_public_key)
        self.kem = Kem(kem, backend=identity.backend)
        self.hybrid = hybrid
        self.rekey_after, self.window = rekey_after, window
        self.channel: SecureChannel | None = None
        self._state: dict | None = None

    def hello(self) -> bytes:
        """Build the ClientHello with fresh ephemeral keys."""
        start = time.perf_counter()
        keypair = self.kem.generate_keypair()
        x_private, x_public = None, b""
        if self.hybrid:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

            x_private = X25519PrivateKey.generate()
            x_public = x_private.public_key().public_bytes_raw()
        hello = encode(CLIENT_HELLO, bytes([VERSION]), _suite(self.kem.algorithm, self.identity.algorithm, self.hybrid),
                        struct.pack(">Q", self.rekey_after), self.identity.name.encode(), secrets.token_bytes(32),
                        keypair.public_key, x_public)
        self._state = {"keypair": keypair, "x_private": x_private, "hello": hello,
                       "t_keygen": (time.perf_counter() - start) * 1e3}
        return hello

    def _verify_gateway(self, transcript: bytes, signature: bytes) -> None:
        try:
            verify(self.gateway_public_key, hashlib.sha256(transcript).digest(), signature,
                   self.identity.algorithm, context=_GATEWAY_CONTEXT, backend=self.identity.backend)
        except SignatureError:
            raise HandshakeError("handshake aborted: the gateway's signature over the transcript does not "
                                 "verify with the pinned gateway key (man-in-the-middle or wrong gateway)",
                                 "forged") from None

    def finish(self, server_hello: bytes) -> bytes:
        """Check the ServerHello, derive keys, and return the DeviceFinish; sets ``self.channel``."""
        if self._state is None:
            raise HandshakeError("call hello() first: no handshake is in progress", "unknown")
        state, self._state = self._state, None  # one use only
        start = time.perf_counter()
        name, ciphertext, x_public, signature = decode(SERVER_HELLO, server_hello, 4, "ServerHello")
        expect_size(ciphertext, KEM_SIZES[self.kem.algorithm]["ciphertext"], "ML-KEM ciphertext")
        core = server_hello[: len(server_hello) - 4 - len(signature)]
        transcript = state["hello"] + core
        self._verify_gateway(transcript, signature)
        shared = [self.kem.decapsulate(state["keypair"], ciphertext)]
        if self.hybrid:
            shared.append(x25519_exchange(state["x_private"], x_public))
        t_verify = (time.perf_counter() - start) * 1e3
        transcript += struct.pack(">I", len(signature)) + signature
        device_sig = self.identity.sign(hashlib.sha256(transcript).digest(), _DEVICE_CONTEXT)
        finish = encode(DEVICE_FINISH, self.identity.name.encode(), device_sig)
        transcript += finish
        keys = derive_keys(shared, transcript)
        info = HandshakeInfo(
            kem=self.kem.algorithm, sig=self.identity.algorithm, hybrid=self.hybrid, backend=self.kem.backend,
            local=self.identity.name, peer=name.decode(errors="replace"),
            peer_fingerprint=fingerprint(self.gateway_public_key),
            transcript_hash=hashlib.sha256(transcript).hexdigest(),
            message_sizes={"ClientHello": len(state["hello"]), "ServerHello": len(server_hello),
                           "DeviceFinish": len(finish)},
            timings_ms={"device keygen": state["t_keygen"], "device verify+decaps": t_verify,
                        "device total": state["t_keygen"] + (time.perf_counter() - start) * 1e3})
        self.channel = SecureChannel(send_key=keys["key_d2g"], recv_key=keys["key_g2d"], send_iv=keys["iv_d2g"],
                                     recv_iv=keys["iv_g2d"], channel_id=keys["channel_id"], info=info,
                                     rekey_after=self.rekey_after, window=self.window)
        return finish


def x25519_exchange(private, peer_public: bytes) -> bytes:
    """X25519 (RFC 7748) shared secret with the peer's 32-byte public key (hybrid mode)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    try:
        return private.exchange(X25519PublicKey.from_public_bytes(expect_size(peer_public, 32, "X25519 key")))
    except ValueError as error:
        raise HandshakeError(f"bad X25519 key from the peer: {error}", "malformed") from None


class Gateway:
    """The responder: holds its identity, the pinned keys of the devices it trusts, and one
    :class:`SecureChannel` per connected device (``channels``, keyed by device name).

    ``window`` is the receive window of its channels, 1..``MAX_WINDOW`` packets. Handshakes in
    progress are keyed by SHA-256(ClientHello): a byte-identical hello (a replay or a network
    duplicate) gets the same ServerHello again, a different one is kept next to it; at most
    ``MAX_PENDING`` are kept (``MAX_PENDING_PER_DEVICE`` per name), the oldest dropped first.
    """

    def __init__(self, identity: Identity, trusted_devices: dict[str, bytes], *, window: int = DEFAULT_WINDOW):
        if not isinstance(identity, Identity):
            raise TypeError(f"identity must be an Identity from generate_identity(), got {type(identity).__name__}")
        if not isinstance(trusted_devices, dict):
            raise TypeError("trusted_devices must be a dict {device name: pinned ML-DSA public key}")
        self.identity = identity
        self.trusted = {str(k): bytes(v) for k, v in trusted_devices.items()}
        self.window = whole("window (packets)", window, 1, MAX_WINDOW)
        self.channels: dict[str, SecureChannel] = {}
        self._by_id: dict[bytes, str] = {}
        self._pending: dict[bytes, dict] = {}  # SHA-256(ClientHello) -> state, oldest first

    def trust(self, name: str, public_key: bytes) -> None:
        """Pin one more device key (enrolment)."""
        self.trusted[str(name)] = bytes(public_key)

    def respond(self, client_hello: bytes) -> bytes:
        """Check a ClientHello from a known device and answer with a signed ServerHello."""
        start = time.perf_counter()
        if not isinstance(client_hello, (bytes, bytearray, memoryview)):
            raise TypeError(f"ClientHello must be bytes, got {type(client_hello).__name__}")
        client_hello = bytes(client_hello)
        hello_id = hashlib.sha256(client_hello).digest()
        if hello_id in self._pending:  # a replayed or duplicated hello: same answer, state kept
            return self._pending[hello_id]["server_hello"]
        version, suite, rekey_b, name_b, _random, ek, x_public = decode(CLIENT_HELLO, client_hello, 7, "ClientHello")
        if version != bytes([VERSION]):
            raise HandshakeError(f"unsupported protocol version {version.hex()}", "malformed")
        parts = suite.decode(errors="replace").split("+")
        if len(parts) not in (2, 3) or parts[0] not in KEM_SIZES or parts[1] != self.identity.algorithm \
                or (len(parts) == 3 and parts[2] != "X25519"):
            raise HandshakeError(f"unsupported suite {suite!r}: this gateway speaks ML-KEM with "
                                 f"{self.identity.algorithm}", "malformed")
        hybrid = len(parts) == 3
        name = name_b.decode(errors="replace")
        if name not in self.trusted:
            raise HandshakeError(f"unknown device {name!r}: its key is not pinned at this gateway", "unknown")
        (rekey_after,) = struct.unpack(">Q", expect_size(rekey_b, 8, "rekey interval"))
        if rekey_after < 1:
            raise HandshakeError("the device asked for a key update interval of 0 packets", "malformed")
        kem = Kem(parts[0], backend=self.identity.backend)
        try:
            secret, ciphertext = kem.encapsulate(expect_size(ek, KEM_SIZES[kem.algorithm]["public_key"], "ML-KEM key"))
        except KemError as error:
            raise HandshakeError(f"bad ML-KEM key in ClientHello: {error}", "malformed") from None
        secrets_ = [secret]
        g_public = b""
        if hybrid:
            from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

            g_private = X25519PrivateKey.generate()
            g_public = g_private.public_key().public_bytes_raw()
            secrets_.append(x25519_exchange(g_private, x_public))
        core = encode(SERVER_HELLO, self.identity.name.encode(), ciphertext, g_public)
        transcript = bytes(client_hello) + core
        signature = self.identity.sign(hashlib.sha256(transcript).digest(), _GATEWAY_CONTEXT)
        server_hello = core + struct.pack(">I", len(signature)) + signature
        same_name = [k for k, v in self._pending.items() if v["name"] == name]
        for old in same_name[:max(0, len(same_name) - MAX_PENDING_PER_DEVICE + 1)]:
            del self._pending[old]
        while len(self._pending) >= MAX_PENDING:
            del self._pending[next(iter(self._pending))]
        self._pending[hello_id] = {"name": name, "transcript": client_hello + server_hello, "secrets": secrets_,
                                   "server_hello": server_hello, "rekey_after": rekey_after,
                                   "kem": kem.algorithm, "hybrid": hybrid, "client_hello": len(client_hello),
                                   "t_respond": (time.perf_counter() - start) * 1e3}
        return server_hello

    def _verify_device(self, name: str, transcript: bytes, signature: bytes) -> None:
        try:
            verify(self.trusted[name], hashlib.sha256(transcript).digest(), signature, self.identity.algorithm,
                   context=_DEVICE_CONTEXT, backend=self.identity.backend)
        except SignatureError:
            raise HandshakeError(f"handshake aborted: the signature of {name!r} does not verify with its pinned "
                                 "key (impersonation or man-in-the-middle)", "forged") from None

    def complete(self, device_finish: bytes) -> SecureChannel:
        """Check the DeviceFinish and return (and keep) the channel to that device."""
        start = time.perf_counter()
        name_b, signature = decode(DEVICE_FINISH, device_finish, 2, "DeviceFinish")
        name = name_b.decode(errors="replace")
        candidates = [k for k, v in self._pending.items() if v["name"] == name]
        if not candidates:
            raise HandshakeError(f"no handshake in progress with {name!r}", "unknown")
        # The finish names no hello: the device's signature picks its own transcript (newest first).
        # A failed finish removes nothing, so a forged one cannot abort the real handshake.
        for hello_id in reversed(candidates):
            try:
                self._verify_device(name, self._pending[hello_id]["transcript"], signature)
            except HandshakeError as error:
                failure = error
                continue
            state = self._pending.pop(hello_id)
            for other in candidates:  # older hellos of this device are now stale
                self._pending.pop(other, None)
            break
        else:
            raise failure
        transcript = state["transcript"] + bytes(device_finish)
        keys = derive_keys(state["secrets"], transcript)
        info = HandshakeInfo(
            kem=state["kem"], sig=self.identity.algorithm, hybrid=state["hybrid"], backend=self.identity.backend,
            local=self.identity.name, peer=name, peer_fingerprint=fingerprint(self.trusted[name]),
            transcript_hash=hashlib.sha256(transcript).hexdigest(),
            message_sizes={"ClientHello": state["client_hello"],
                           "ServerHello": len(state["transcript"]) - state["client_hello"],
                           "DeviceFinish": len(device_finish)},
            timings_ms={"gateway encaps+sign": state["t_respond"],
                        "gateway verify": (time.perf_counter() - start) * 1e3})
        channel = SecureChannel(send_key=keys["key_g2d"], recv_key=keys["key_d2g"], send_iv=keys["iv_g2d"],
                                recv_iv=keys["iv_d2g"], channel_id=keys["channel_id"], info=info,
                                rekey_after=state["rekey_after"], window=self.window)
        old = self.channels.get(name)
        if old is not None:
            self._by_id.pop(old.channel_id, None)
        self.channels[name] = channel
        self._by_id[channel.channel_id] = name
        return channel

    def open(self, packet: bytes, associated_data: bytes = b"", *, check=None) -> tuple[str, bytes]:
        """Open a packet from any connected device: returns ``(device name, plaintext)``.

        ``check`` as in :meth:`SecureChannel.open` (runs before the sequence number is committed)."""
        if not isinstance(packet, (bytes, bytearray, memoryview)):
            raise TypeError(f"packet must be bytes, got {type(packet).__name__}")
        packet = bytes(packet)
        if len(packet) < OVERHEAD:
            raise ChannelError(f"packet is truncated: {len(packet)} bytes, a sealed packet has at least {OVERHEAD}",
                               "malformed")
        name = self._by_id.get(packet[1:9])
        if name is None:
            raise ChannelError("packet is from no connected device (unknown channel id)", "unknown")
        return name, self.channels[name].open(packet, associated_data, check=check)

    def seal(self, device: str, plaintext: bytes, associated_data: bytes = b"") -> bytes:
        """Seal a packet for one connected device."""
        if device not in self.channels:
            raise ChannelError(f"no channel to device {device!r}: it has not completed a handshake", "unknown")
        return self.channels[device].seal(plaintext, associated_data)


def hello_device(client_hello: bytes) -> str:
    """The device name a ClientHello announces (raises :class:`HandshakeError` if it is malformed).

    For transports that also name the sender outside the hello (a queue header): the two must agree.
    """
    return decode(CLIENT_HELLO, client_hello, 7, "ClientHello")[3].decode(errors="replace")


def handshake(device: Device, gateway: Gateway) -> tuple[SecureChannel, SecureChannel]:
    """Run the three handshake messages in memory; returns (device channel, gateway channel)."""
    finish = device.finish(gateway.respond(device.hello()))
    gateway_channel = gateway.complete(finish)
    assert device.channel is not None  # finish() sets it or raises
    return device.channel, gateway_channel


def _seeded(seed, label: str) -> bytes | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, bytes, str)):
        raise TypeError(f"seed must be an int, str or bytes, got {type(seed).__name__}")
    raw = seed if isinstance(seed, bytes) else str(seed).encode()
    return hashlib.sha256(b"pqfl-kit identity seed|" + label.encode() + b"|" + raw).digest()


def connect_pair(*, kem: str = "ML-KEM-768", sig: str = "ML-DSA-65", hybrid: bool = False, seed=None,
                 rekey_after: int = DEFAULT_REKEY_AFTER, window: int = DEFAULT_WINDOW,
                 backend: str | None = None, device_name: str = "device", gateway_name: str = "gateway",
                 ) -> tuple[SecureChannel, SecureChannel]:
    """Create a device and a gateway identity, pin each other's keys, run the handshake in memory.

    ``seed`` makes the long-term ML-DSA identities reproducible (same fingerprints each run);
    session secrets (ML-KEM, X25519, randoms) always come from the OS RNG, as they must.
    Returns ``(device_channel, gateway_channel)``.
    """
    if not isinstance(kem, str) or kem not in KEM_SIZES:
        raise ValueError(f"unknown KEM {kem!r}: choose one of {', '.join(KEM_SIZES)}")
    if not isinstance(sig, str) or sig not in SIG_SIZES:
        raise ValueError(f"unknown signature scheme {sig!r}: choose one of {', '.join(SIG_SIZES)}")
    device_id = generate_identity(device_name, sig, seed=_seeded(seed, device_name), backend=backend)
    gateway_id = generate_identity(gateway_name, sig, seed=_seeded(seed, gateway_name), backend=backend)
    device = Device(device_id, gateway_id.public_key, kem=kem, hybrid=hybrid, rekey_after=rekey_after, window=window)
    gateway = Gateway(gateway_id, {device_name: device_id.public_key}, window=window)
    return handshake(device, gateway)
