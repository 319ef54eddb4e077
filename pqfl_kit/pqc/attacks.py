"""Teaching demos of what goes wrong without the channel's safeguards (notebook 02).

* :func:`mitm_demo`: an active attacker swaps the ML-KEM (and X25519) public keys in both
  directions. With transcript signatures checked (the kit's channel) the device aborts; with the
  checks switched off (a ``Device``/``Gateway`` subclass made for this demo only) the attacker
  shares one key with each side, reads every reading and can change it undetected.
  Unauthenticated key exchange is exactly what SIGMA-style signing prevents (Krawczyk, CRYPTO 2003).
* :func:`nonce_reuse_demo`: two readings sealed by raw Ascon-AEAD128 under one (key, nonce): the
  first ciphertext blocks XOR to the XOR of the plaintexts (SP 800-232 Sec. 4 requires unique
  nonces), so a known reading reveals the other.
* :func:`avalanche`: how many state bits a one-bit change flips after 1..12 rounds of Ascon-p.
"""
from __future__ import annotations

import hashlib
import secrets
import struct
from dataclasses import dataclass, field

import numpy as np

from .. import SEED
from ..limits import whole
from . import ascon
from .channel import Device, Gateway, HandshakeError, SecureChannel, derive_keys, x25519_exchange
from .kem import Kem
from .messages import CLIENT_HELLO, SERVER_HELLO, decode, encode
from .sig import generate_identity

__all__ = ["MitmResult", "mitm_demo", "nonce_reuse_demo", "avalanche", "DEFAULT_READINGS"]

DEFAULT_READINGS = (b"HR=072 SpO2=98 ", b"HR=118 SpO2=91 ", b"HR=075 SpO2=97 ")


class _UncheckedDevice(Device):
    """A device that skips the gateway signature check: the mistake the demo shows."""

    def _verify_gateway(self, transcript: bytes, signature: bytes) -> None:
        return None


class _UncheckedGateway(Gateway):
    """A gateway that skips the device signature check."""

    def _verify_device(self, name: str, transcript: bytes, signature: bytes) -> None:
        return None


@dataclass
class MitmResult:
    """What happened: aborted (with the message) or the readings the attacker read and forwarded."""

    check_signatures: bool
    hybrid: bool
    aborted: bool
    message: str
    reason: str = ""  # the HandshakeError's reason when aborted ("forged": a signature did not verify)
    attacker_read: list[bytes] = field(default_factory=list)
    gateway_received: list[bytes] = field(default_factory=list)


def _mallory_x25519():
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    key = X25519PrivateKey.generate()
    return key, key.public_key().public_bytes_raw()


def mitm_demo(check_signatures: bool = True, *, hybrid: bool = False, readings=DEFAULT_READINGS,
              tamper_with: int | None = 1, seed: int = SEED) -> MitmResult:
    """Run a device<->gateway handshake through an attacker who swaps the key-exchange keys.

    ``tamper_with``: index of a reading the attacker rewrites (HR -> 072) when it gets through.
    """
    if not isinstance(check_signatures, bool) or not isinstance(hybrid, bool):
        raise TypeError("check_signatures and hybrid must be True or False")
    dev_id = generate_identity("sensor-1", seed=hashlib.sha256(b"mitm device %d" % seed).digest())
    gw_id = generate_identity("gateway", seed=hashlib.sha256(b"mitm gateway %d" % seed).digest())
    device_cls, gateway_cls = (Device, Gateway) if check_signatures else (_UncheckedDevice, _UncheckedGateway)
    device = device_cls(dev_id, gw_id.public_key, hybrid=hybrid)
    gateway = gateway_cls(gw_id, {"sensor-1": dev_id.public_key})
    kem = Kem("ML-KEM-768", backend=dev_id.backend)

    # 1. ClientHello: Mallory replaces the device's ML-KEM (and X25519) public key with hers.
    hello = device.hello()
    version, suite, rekey, name, rand, ek_device, x_device = decode(CLIENT_HELLO, hello, 7, "ClientHello")
    m_kem = kem.generate_keypair()
    m_x_to_gw, m_x_to_gw_pub = _mallory_x25519() if hybrid else (None, b"")
    hello_to_gw = encode(CLIENT_HELLO, version, suite, rekey, name, rand, m_kem.public_key, m_x_to_gw_pub)
    server_hello = gateway.respond(hello_to_gw)
    # 2. ServerHello: Mallory decapsulates the gateway's secret, encapsulates her own to the device.
    gw_name, ct_gw, x_gw, signature = decode(SERVER_HELLO, server_hello, 4, "ServerHello")
    secrets_gw = [kem.decapsulate(m_kem, ct_gw)] + ([x25519_exchange(m_x_to_gw, x_gw)] if hybrid else [])
    ss_dev, ct_dev = kem.encapsulate(ek_device)
    m_x_to_dev, m_x_to_dev_pub = _mallory_x25519() if hybrid else (None, b"")
    secrets_dev = [ss_dev] + ([x25519_exchange(m_x_to_dev, x_device)] if hybrid else [])
    hello_to_dev = encode(SERVER_HELLO, gw_name, ct_dev, m_x_to_dev_pub, signature)  # the gateway's signature, replayed
    try:
        finish = device.finish(hello_to_dev)
        gateway.complete(finish)
    except HandshakeError as error:
        return MitmResult(check_signatures, hybrid, True, str(error), error.reason)

    assert device.channel is not None  # finish() succeeded
    # 3. No checks: Mallory knows both key sets and relays, reading (and editing) every packet.
    t_dev = hello + hello_to_dev + finish
    t_gw = hello_to_gw + server_hello + finish
    k_dev, k_gw = derive_keys(secrets_dev, t_dev), derive_keys(secrets_gw, t_gw)
    rekey = struct.unpack(">Q", rekey)[0]
    info = device.channel.info
    as_gateway = SecureChannel(send_key=k_dev["key_g2d"], recv_key=k_dev["key_d2g"], send_iv=k_dev["iv_g2d"],
                               recv_iv=k_dev["iv_d2g"], channel_id=k_dev["channel_id"], info=info, rekey_after=rekey)
    as_device = SecureChannel(send_key=k_gw["key_d2g"], recv_key=k_gw["key_g2d"], send_iv=k_gw["iv_d2g"],
                              recv_iv=k_gw["iv_g2d"], channel_id=k_gw["channel_id"], info=info, rekey_after=rekey)
    result = MitmResult(check_signatures, hybrid, False,
                        "handshake completed through the attacker: she reads and rewrites every reading")
    gateway_channel = gateway.channels["sensor-1"]
    for i, reading in enumerate(readings):
        stolen = as_gateway.open(device.channel.seal(reading))
        result.attacker_read.append(stolen)
        forged = b"HR=072" + stolen[6:] if i == tamper_with else stolen
        result.gateway_received.append(gateway_channel.open(as_device.seal(forged)))
    return result


def nonce_reuse_demo(reading_a: bytes = b"HR=072 SpO2=98 ", reading_b: bytes = b"HR=131 SpO2=85 ",
                     key: bytes | None = None) -> dict[str, bytes]:
    """Seal two readings with one (key, nonce) on purpose and recover reading B from a known A.

    Only the first 16-byte block leaks directly (the duplex feeds the ciphertext back into the
    state), which is why readings of at most 16 bytes are fully exposed.
    """
    for name, value in (("reading_a", reading_a), ("reading_b", reading_b)):
        if not isinstance(value, (bytes, bytearray)):
            raise TypeError(f"{name} must be bytes")
        if not 1 <= len(value) <= 16:
            raise ValueError(f"{name} must be 1..16 bytes (one Ascon block) for this demo, got {len(value)}")
    key = secrets.token_bytes(16) if key is None else key
    nonce = bytes(16)  # the mistake: the same nonce twice
    ct_a = ascon.encrypt(key, nonce, b"", bytes(reading_a))
    ct_b = ascon.encrypt(key, nonce, b"", bytes(reading_b))
    n = min(len(reading_a), len(reading_b))
    xor_ct = bytes(x ^ y for x, y in zip(ct_a[:n], ct_b[:n]))
    recovered = bytes(x ^ y for x, y in zip(xor_ct, reading_a[:n]))
    return {"ciphertext_a": ct_a, "ciphertext_b": ct_b, "xor_of_ciphertexts": xor_ct,
            "xor_of_plaintexts": bytes(x ^ y for x, y in zip(reading_a[:n], reading_b[:n])),
            "recovered_b": recovered}


def avalanche(max_rounds: int = 12, trials: int = 200, seed: int = SEED) -> np.ndarray:
    """Mean fraction of the 320 state bits that flip after r = 1..max_rounds rounds of Ascon-p
    when one random input bit is flipped (0.5 = full diffusion)."""
    max_rounds = whole("max_rounds", max_rounds, 1, 16)
    trials = whole("trials", trials, 1)
    rng = np.random.default_rng(seed)
    flipped = np.zeros(max_rounds)
    for _ in range(trials):
        state = rng.integers(0, 2**63, size=5, dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, 5, dtype=np.uint64)
        bit = int(rng.integers(320))
        other = state.copy()
        other[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
        a = ascon.permutation_trace(state, max_rounds)[1:]
        b = ascon.permutation_trace(other, max_rounds)[1:]
        flipped += ascon.state_bits(a ^ b).sum(axis=(1, 2)) / 320.0
    return flipped / trials
