"""Benchmark of the post-quantum layer: one table, peers from the same run, ratios, goals.

    python benchmarks/bench_pqc.py

Rows: Ascon-AEAD128 encryption (kit, numba) vs pyascon (PyPI ``ascon``, pure Python, v1.2) and
AES-256-GCM (cryptography/OpenSSL); seal+open of a 64-byte channel packet; ML-KEM-768 through the
kit vs direct ``cryptography`` calls; the full handshake (both sides, signatures, HKDF).
Timings are best-of-N (the machine may be shared).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ascon as pyascon  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import mlkem  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from pqfl_kit.pqc import ascon  # noqa: E402
from pqfl_kit.pqc.channel import Device, Gateway, connect_pair, handshake  # noqa: E402
from pqfl_kit.pqc.kem import Kem  # noqa: E402
from pqfl_kit.pqc.sig import generate_identity  # noqa: E402


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
        t_kit = best(lambda: ascon.encrypt(key, nonce, b"", data), 5, number)
        py_data = data if size <= 1024 else data[: 1 << 16]  # pyascon ~0.2 MB/s: time 64 KB, scale per byte
        t_py = best(lambda: pyascon.encrypt(key, nonce, b"", py_data, "Ascon-128a"), 2, 1) * len(data) / len(py_data)
        t_aes = best(lambda: aes.encrypt(nonce12, data, b""), 5, number)
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

    kem = Kem("ML-KEM-768", backend="openssl")
    keys = kem.generate_keypair()
    _, ct = kem.encapsulate(keys.public_key)
    raw_sk = mlkem.MLKEM768PrivateKey.generate()
    raw_pk_bytes = raw_sk.public_key().public_bytes_raw()
    _, raw_ct = raw_sk.public_key().encapsulate()
    ops = {
        "keygen": (kem.generate_keypair,
                   lambda: mlkem.MLKEM768PrivateKey.generate().public_key().public_bytes_raw()),
        "encaps": (lambda: kem.encapsulate(keys.public_key),
                   lambda: mlkem.MLKEM768PublicKey.from_public_bytes(raw_pk_bytes).encapsulate()),
        "decaps": (lambda: kem.decapsulate(keys, ct), lambda: raw_sk.decapsulate(raw_ct)),
    }
    for name, (kit_fn, raw_fn) in ops.items():
        t_kit, t_raw = best(kit_fn, 7, 300), best(raw_fn, 7, 300)
        overhead = t_kit / t_raw - 1
        rows.append((f"ML-KEM-768 {name}", f"{t_kit * 1e6:.1f} us", f"cryptography direct {t_raw * 1e6:.1f} us",
                     f"{overhead:+.0%} overhead", "<=20% overhead", "PASS" if overhead <= 0.20 else "MISS"))

    dev, gw = generate_identity("device"), generate_identity("gateway")
    for hybrid in (False, True):
        t_hs = best(lambda: handshake(Device(dev, gw.public_key, hybrid=hybrid), Gateway(gw, {"device": dev.public_key})),
                    7, 10)
        rows.append((f"full handshake{' (hybrid)' if hybrid else ''}", f"{t_hs * 1e3:.2f} ms",
                     "incl. 2 ML-DSA-65 signs + 2 verifies", "", "<=2 ms" if not hybrid else "",
                     ("PASS" if t_hs <= 2e-3 else "MISS") if not hybrid else ""))
    t_sign = best(lambda: dev.sign(b"x" * 32), 7, 20)
    rows.append(("ML-DSA-65 sign (OpenSSL)", f"{t_sign * 1e3:.2f} ms", "the handshake's floor: 2 signs", "", "", ""))

    headers = ("what", "kit", "peers (same run)", "ratio", "goal", "result")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    print(f"pqfl-kit PQC benchmark (numba warm-up/cache load {warm:.2f} s; machine may be shared)")
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
