"""What post-quantum security costs: byte sizes, live operation timings, throughput, energy.

Sizes come from the standards (FIPS 203 Table 3, FIPS 204 Table 2, RFC 7748 for X25519,
RFC 8017 for RSA-2048) and are checked against the keys the backends actually produce. Each
post-quantum row names its NIST security category (FIPS 203 Sec. 8, FIPS 204 Sec. 4; the categories
are defined in :data:`pqfl_kit.threats.NIST_CATEGORIES`); the classical rows have none, Shor breaks them. Timings
are measured live on this machine (best of several runs: the numbers move with the load).

Energy per byte for a Raspberry-Pi-class device is an *estimate*:
``energy/byte = cycles/byte x (active power of one core / clock)``. Assumptions, all editable:
Raspberry Pi 4 (Cortex-A72, 1.5 GHz, Raspberry Pi 4 product brief); ~0.9 W for one busy core
(the board draws ~2.7 W idle and ~6.4 W with all four cores busy, widely reported bench
measurements; (6.4 - 2.7) / 4); Ascon-AEAD128 (= the 128-bit-rate Ascon-128a core) at ~7.1
cycles/byte on 64-bit CPUs "and similar on ARM-A57" (Ascon team, ascon.iaik.tugraz.at,
Implementations page). The Pi 4's BCM2711 has no ARMv8 AES instructions, so AES-GCM there runs in
software; pass your own measured cycles/byte for it (``openssl speed -evp aes-256-gcm`` on the Pi).
"""
from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable

from ..limits import real
from ..threats.risk import security_category
from . import ascon, backends
from .channel import Device, Gateway, handshake
from .kem import KEM_SIZES, Kem
from .sig import SIG_SIZES, generate_identity, verify

__all__ = ["handshake_sizes", "parameter_sets", "time_operations", "compare_backends", "aead_throughput",
           "energy_per_byte", "PI4"]

PI4 = {"clock_hz": 1.5e9, "core_power_w": 0.9, "ascon_cycles_per_byte": 7.1}


def _best(fn: Callable[[], object], repeat: int, number: int) -> float:
    """Best-of-``repeat`` mean time of ``number`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def handshake_sizes(kem: str = "ML-KEM-768", sig: str = "ML-DSA-65") -> list[dict]:
    """Public key / ciphertext / signature sizes in bytes, post-quantum next to classical, with the
    NIST security category against a quantum attacker ("none (Shor)" for the classical schemes)."""
    broken = "none (Shor)"
    return [
        {"scheme": kem, "role": "key exchange", "public key": KEM_SIZES[kem]["public_key"],
         "ciphertext / share": KEM_SIZES[kem]["ciphertext"], "signature": None,
         "NIST category": security_category(kem)},
        {"scheme": "X25519", "role": "key exchange", "public key": 32, "ciphertext / share": 32, "signature": None,
         "NIST category": broken},
        {"scheme": "RSA-2048 (OAEP)", "role": "key transport", "public key": 256, "ciphertext / share": 256,
         "signature": None, "NIST category": broken},
        {"scheme": sig, "role": "signature", "public key": SIG_SIZES[sig]["public_key"], "ciphertext / share": None,
         "signature": SIG_SIZES[sig]["signature"], "NIST category": security_category(sig)},
        {"scheme": "Ed25519", "role": "signature", "public key": 32, "ciphertext / share": None, "signature": 64,
         "NIST category": broken},
        {"scheme": "RSA-2048 (PSS)", "role": "signature", "public key": 256, "ciphertext / share": None,
         "signature": 256, "NIST category": broken},
    ]


def parameter_sets() -> list[dict]:
    """Every ML-KEM and ML-DSA parameter set with its NIST category and sizes in bytes
    (FIPS 203 Sec. 8 and Table 3; FIPS 204 Sec. 4 and Table 2): a higher category costs more bytes."""
    rows = [{"scheme": name, "NIST category": security_category(name), "public key": sizes["public_key"],
             "ciphertext / signature": sizes["ciphertext"]} for name, sizes in KEM_SIZES.items()]
    rows += [{"scheme": name, "NIST category": security_category(name), "public key": sizes["public_key"],
              "ciphertext / signature": sizes["signature"]} for name, sizes in SIG_SIZES.items()]
    return rows


def time_operations(repeat: int = 3, number: int = 20, include_rsa: bool = True,
                    backend: str | None = None) -> dict[str, float]:
    """Live timings in milliseconds of the handshake's operations and their classical peers.

    ``backend`` picks the ML-KEM/ML-DSA library ("openssl" or "liboqs"; default: the kit's active one).
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa, x25519

    kem = Kem("ML-KEM-768", backend=backend)
    keys = kem.generate_keypair()
    secret, ct = kem.encapsulate(keys.public_key)
    me = generate_identity("timer", backend=backend)
    sig = me.sign(b"x" * 32)
    out = {
        "ML-KEM-768 keygen": _best(kem.generate_keypair, repeat, number),
        "ML-KEM-768 encaps": _best(lambda: kem.encapsulate(keys.public_key), repeat, number),
        "ML-KEM-768 decaps": _best(lambda: kem.decapsulate(keys, ct), repeat, number),
        "ML-DSA-65 sign": _best(lambda: me.sign(b"x" * 32), repeat, number),
        "ML-DSA-65 verify": _best(lambda: verify(me.public_key, b"x" * 32, sig, backend=kem.backend), repeat, number),
        "X25519 keygen+exchange": _best(lambda: x25519.X25519PrivateKey.generate().exchange(
            x25519.X25519PrivateKey.generate().public_key()), repeat, number),
        "Ed25519 sign": _best(lambda: ed25519.Ed25519PrivateKey.generate().sign(b"x" * 32), repeat, number),
    }
    if include_rsa:
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        rsa_ct = rsa_key.public_key().encrypt(secret, oaep)
        out["RSA-2048 encrypt"] = _best(lambda: rsa_key.public_key().encrypt(secret, oaep), repeat, number)
        out["RSA-2048 decrypt"] = _best(lambda: rsa_key.decrypt(rsa_ct, oaep), repeat, number)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
        out["RSA-2048 sign"] = _best(lambda: rsa_key.sign(b"x" * 32, pss, hashes.SHA256()), repeat, number)
    dev, gw = generate_identity("device", backend=backend), generate_identity("gateway", backend=backend)

    def full_handshake(hybrid: bool = False):
        return handshake(Device(dev, gw.public_key, hybrid=hybrid), Gateway(gw, {"device": dev.public_key}))

    out["full handshake (both sides)"] = _best(full_handshake, repeat, max(1, number // 4))
    out["full handshake, hybrid"] = _best(lambda: full_handshake(True), repeat, max(1, number // 4))
    return {name: seconds * 1e3 for name, seconds in out.items()}


def compare_backends(repeat: int = 3, number: int = 20) -> list[dict]:
    """The post-quantum rows of :func:`time_operations` (ms) for every backend that runs here,
    side by side: one dict per operation with a column (ms) per backend."""

    here = [name for name in backends.BACKENDS if name == backends.OPENSSL or backends.liboqs_available()]
    columns = {name: time_operations(repeat, number, include_rsa=False, backend=name) for name in here}
    rows = []
    for operation in columns[here[0]]:
        if operation.startswith(("ML-", "full handshake")):
            rows.append({"operation": operation, **{name: columns[name][operation] for name in here}})
    return rows


def aead_throughput(sizes=(64, 1024, 65536), repeat: int = 3, budget_bytes: int = 1 << 21) -> list[dict]:
    """Ascon-AEAD128 (the kit) vs AES-256-GCM (cryptography/OpenSSL) encryption speed, MB/s."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    key16, key32, nonce16, nonce12 = os.urandom(16), os.urandom(32), os.urandom(16), os.urandom(12)
    aes = AESGCM(key32)
    ascon.encrypt(key16, nonce16, b"", b"warm up")
    rows = []
    for size in sizes:
        data = os.urandom(size)
        number = max(1, budget_bytes // size)
        t_ascon = _best(functools.partial(ascon.encrypt, key16, nonce16, b"", data), repeat, number)
        t_aes = _best(functools.partial(aes.encrypt, nonce12, data, b""), repeat, number)
        rows.append({"bytes": size, "Ascon-AEAD128 MB/s": size / t_ascon / 1e6,
                     "AES-256-GCM MB/s": size / t_aes / 1e6, "Ascon us": t_ascon * 1e6, "AES-GCM us": t_aes * 1e6})
    return rows


def energy_per_byte(cycles_per_byte: float, *, clock_hz: float = PI4["clock_hz"],
                    core_power_w: float = PI4["core_power_w"]) -> float:
    """Estimated energy in nanojoules per byte: cycles/byte x (core power / clock)."""
    for name, value in (("cycles_per_byte", cycles_per_byte), ("clock_hz", clock_hz), ("core_power_w", core_power_w)):
        real(name, value, 0, low_open=True)
    return cycles_per_byte * core_power_w / clock_hz * 1e9
