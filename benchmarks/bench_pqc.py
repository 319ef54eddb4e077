"""Benchmark of the post-quantum layer: one table, peers from the same run, ratios, goals.

    python benchmarks/bench_pqc.py

Table 1 rows: Ascon-AEAD128 encryption (kit, numba) vs pyascon (PyPI ``ascon``, pure Python, v1.2)
and AES-256-GCM (cryptography/OpenSSL); seal+open of a 64-byte channel packet; ML-KEM-768 through
the kit vs direct ``cryptography`` calls. Timings are best-of-N (the machine may be shared).

Table 2: the two PQC backends side by side (OpenSSL via cryptography, liboqs via liboqs-python):
median of many runs of the full mutual handshake (ML-KEM-768 + ML-DSA-65, two signs, two
verifies, HKDF, both sides) and of its parts. Goals: handshake <= 1.0 ms on liboqs, <= 2.0 ms on
OpenSSL; the kit's ML-KEM wrapper adds <= 20% over calling each library directly.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import statistics

import ascon as pyascon
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pqfl_kit.pqc import ascon, backends
from pqfl_kit.pqc.channel import Device, Gateway, connect_pair, handshake
from pqfl_kit.pqc.kem import Kem
from pqfl_kit.pqc.sig import generate_identity, verify


def best(fn, repeat=5, number=1) -> float:
    out = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        out = min(out, (time.perf_counter() - start) / number)
    return out


def main() -> int:
    t0 = time.perf_counter()
    ascon.warm_up()
    warm = time.perf_counter() - t0
    key, nonce, key32, nonce12 = os.urandom(16), os.urandom(16), os.urandom(32), os.urandom(12)
    aes = AESGCM(key32)
    rows = []  # (what, kit, peer figures, ratio, goal, verdict)

    for size in (64, 1024, 1 << 20):
        data = os.urandom(size)
        number = max(1, (1 << 21) // size)
        t_kit = best(lambda data=data: ascon.encrypt(key, nonce, b"", data), 5, number)
        py_data = data if size <= 1024 else data[: 1 << 16]  # pyascon ~0.2 MB/s: time 64 KB, scale per byte
        t_py = best(lambda py_data=py_data: pyascon.encrypt(key, nonce, b"", py_data, "Ascon-128a"), 2, 1) \
            * len(data) / len(py_data)
        t_aes = best(lambda data=data: aes.encrypt(nonce12, data, b""), 5, number)
        mbps = size / t_kit / 1e6
        ratio = t_py / t_kit
        goal, verdict = "", ""
        if size == 1 << 20:
            goal = ">=100 MB/s, >=500x pyascon"
            verdict = "PASS" if mbps >= 100 and ratio >= 500 else "MISS"
        rows.append((f"Ascon-AEAD128 encrypt {size} B", f"{mbps:.1f} MB/s",
                     f"pyascon {size / t_py / 1e6:.3f} MB/s; AES-256-GCM {size / t_aes / 1e6:.0f} MB/s",
                     f"{ratio:.0f}x pyascon; {t_kit / t_aes:.1f}x AES time", goal, verdict))

    device, gateway = connect_pair()
    msg = os.urandom(64)
    t_seal_open = best(lambda: gateway.open(device.seal(msg)), 5, 2000)
    rows.append(("channel seal+open 64 B", f"{t_seal_open * 1e6:.1f} us", "", "", "<=20 us",
                 "PASS" if t_seal_open <= 20e-6 else "MISS"))

    print_table(f"pqfl-kit PQC benchmark (numba warm-up/cache load {warm:.2f} s; machine may be shared)",
                ("what", "kit", "peers (same run)", "ratio", "goal", "result"), rows)
    print()
    backend_table()
    return 0


def median(fn, runs: int = 300, warm: int = 20) -> float:
    for _ in range(warm):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def liboqs_direct_kem_ops() -> dict:
    """The same three ML-KEM-768 operations as direct liboqs-python calls (the peer of the kit's wrapper)."""
    oqs = backends.oqs_module()
    owner = oqs.KeyEncapsulation("ML-KEM-768")
    pk = owner.generate_keypair()
    ct, _ = oqs.KeyEncapsulation("ML-KEM-768").encap_secret(pk)

    def keygen():
        with oqs.KeyEncapsulation("ML-KEM-768") as k:
            k.generate_keypair()

    def encaps():
        with oqs.KeyEncapsulation("ML-KEM-768") as k:
            k.encap_secret(pk)

    return {"keygen": keygen, "encaps": encaps, "decaps": lambda: owner.decap_secret(ct)}


def openssl_direct_kem_ops() -> dict:
    raw_sk = mlkem.MLKEM768PrivateKey.generate()
    raw_pk = raw_sk.public_key().public_bytes_raw()
    _, raw_ct = raw_sk.public_key().encapsulate()
    return {"keygen": lambda: mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw(),
            "encaps": lambda: mlkem.MLKEM768PublicKey.from_public_bytes(raw_pk).encapsulate(),
            "decaps": lambda: raw_sk.decapsulate(raw_ct)}


def backend_figures(backend: str) -> dict:
    """Median ms of the handshake and its parts, and the kit's ML-KEM overhead, on one backend."""
    dev, gw = generate_identity("device", backend=backend), generate_identity("gateway", backend=backend)
    sig = dev.sign(b"x" * 32)
    out = {}
    for hybrid in (False, True):
        out[f"full handshake{', hybrid' if hybrid else ''}"] = median(
            lambda hybrid=hybrid: handshake(Device(dev, gw.public_key, hybrid=hybrid),
                                            Gateway(gw, {"device": dev.public_key})))
    out["ML-DSA-65 sign"] = median(lambda: dev.sign(b"x" * 32), 500)
    out["ML-DSA-65 verify"] = median(lambda: verify(dev.public_key, b"x" * 32, sig, backend=backend), 500)
    kem = Kem("ML-KEM-768", backend=backend)
    keys = kem.generate_keypair()
    _, ct = kem.encapsulate(keys.public_key)
    kit = {"keygen": kem.generate_keypair, "encaps": lambda: kem.encapsulate(keys.public_key),
           "decaps": lambda: kem.decapsulate(keys, ct)}
    direct = liboqs_direct_kem_ops() if backend == "liboqs" else openssl_direct_kem_ops()
    for name in kit:
        out[f"ML-KEM-768 {name}"] = median(kit[name], 1000)
        out[f"ML-KEM-768 {name} overhead"] = out[f"ML-KEM-768 {name}"] / median(direct[name], 1000) - 1
    return {k: v if "overhead" in k else v * 1e3 for k, v in out.items()}


def backend_table() -> None:
    here = [b for b in backends.BACKENDS if b == "openssl" or backends.liboqs_available()]
    if "liboqs" not in here:
        print(f"PQC backends: liboqs is not available here ({backends.liboqs_status()}); run `make liboqs`.")
    figures = {b: backend_figures(b) for b in here}
    goals = {"full handshake": {"openssl": 2.0, "liboqs": 1.0}}
    headers = ("median of many runs", *here, "openssl/liboqs" if len(here) == 2 else "", "goal", "result")
    rows = []
    for name in figures["openssl"]:
        overhead = "overhead" in name
        cells = [f"{figures[b][name]:+.0%}" if overhead else f"{figures[b][name]:.3f} ms" for b in here]
        ratio = "" if overhead or len(here) < 2 else f"{figures['openssl'][name] / figures['liboqs'][name]:.1f}x"
        goal, result = "", ""
        if name in goals:
            goal = "; ".join(f"{b} <= {limit} ms" for b, limit in goals[name].items())
            result = " ".join(f"{b} {'PASS' if figures[b][name] <= goals[name][b] else 'MISS'}" for b in here)
        elif overhead:
            goal = "<= +20%"
            result = " ".join(f"{b} {'PASS' if figures[b][name] <= 0.20 else 'MISS'}" for b in here)
        rows.append((name, *cells, ratio, goal, result))
    print_table(f"PQC backends side by side ({backends.liboqs_status()}; OpenSSL via cryptography)", headers, rows)


def print_table(title: str, headers: tuple, rows: list[tuple]) -> None:
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(title)
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    sys.exit(main())
