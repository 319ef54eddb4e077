"""Benchmark of notebook 04: the kit's detectors against named peers, on the same data.

    python benchmarks/bench_models.py

Prints one table: the kit's figure, the peer's figure (same run, same machine), their ratio,
and the goal with PASS/MISS. Peers:
* 9 trainings (3 models x 3 optimizers) on Keras' **TensorFlow** backend vs the kit's JAX backend;
* scikit-learn **RandomForest** and **LogisticRegression** on the flattened windows (accuracy);
* the float32 LiteRT file and the Keras model itself (size, per-window latency) vs TinyML int8.
Timings on a shared 2-core machine are noisy: run it twice and keep the best.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np

from pqfl_kit import SEED, traffic

DATA = {"n_devices": 10, "windows_per_device": 200, "difficulty": 0.5, "seed": SEED}  # as notebook 04
SPLIT = {"by": "device", "test_size": 0.2, "val_size": 0.2, "seed": SEED}  # held-out devices, as notebook 04
EPOCHS = 12


def nine_trainings() -> dict:
    """Train the notebook's 9 models; returns total seconds and test accuracies."""
    from pqfl_kit.models import detectors as D

    data = traffic.generate(**DATA)
    train, val, test = traffic.split(data, **SPLIT)
    start = time.perf_counter()
    acc = {}
    for arch in D.ARCHITECTURES:
        for opt in D.OPTIMIZERS:
            det = D.train_detector(arch, train, val, optimizer=opt, epochs=EPOCHS, seed=SEED)
            acc[f"{arch}/{opt}"] = D.evaluate(det, test).accuracy
    return {"seconds": time.perf_counter() - start, "accuracy": acc}


def in_child(backend: str) -> dict:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    code = "import json, bench_models as b; print('RESULT' + json.dumps(b.nine_trainings()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=os.path.dirname(os.path.abspath(__file__)), timeout=1800)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(line[6:])


def main() -> int:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    from pqfl_kit.models import detectors as D
    from pqfl_kit.models import tinyml

    jax_run = min((in_child("jax") for _ in range(2)), key=lambda r: r["seconds"])
    tf_run = in_child("tensorflow")

    data = traffic.generate(**DATA)
    train, val, test = traffic.split(data, **SPLIT)
    tiny = D.train_detector("tinyml", train, val, epochs=EPOCHS, seed=SEED)
    gru = D.train_detector("gru", train, val, epochs=EPOCHS, seed=SEED)
    tiny_acc, gru_acc = D.evaluate(tiny, test).accuracy, D.evaluate(gru, test).accuracy
    int8 = tinyml.export_litert(tiny, train)
    f32 = tinyml.export_litert(tiny, train, quantize="float32")
    int8_acc = float(np.mean((int8.score(test) > 0.5) == test.y))
    x1 = tiny.standardizer.transform(test.X[:1])
    lat_int8 = min(int8.latency_us(x1[0]) for _ in range(3))
    tiny.model.predict(x1, verbose=0)
    times = []
    for _ in range(50):
        t = time.perf_counter()
        tiny.model.predict(x1, verbose=0)
        times.append(time.perf_counter() - t)
    lat_keras = float(np.median(times) * 1e6)

    scaler = traffic.Standardizer().fit(train)
    flat = lambda d: scaler.transform(d).reshape(len(d), -1)  # noqa: E731
    rf = RandomForestClassifier(n_estimators=200, random_state=SEED, n_jobs=2).fit(flat(train), train.y)
    lr = LogisticRegression(max_iter=3000).fit(flat(train), train.y)
    rf_acc, lr_acc = rf.score(flat(test), test.y), lr.score(flat(test), test.y)

    rows = [
        ("9 trainings, s (JAX)", jax_run["seconds"], "Keras TF backend", tf_run["seconds"], "< 60 s",
         jax_run["seconds"] < 60),
        ("TinyML int8 .tflite, bytes", int8.size_bytes, "float32 .tflite", f32.size_bytes, "<= 8192",
         int8.size_bytes <= 8192),
        ("TinyML int8 test acc", int8_acc, "TinyML float (Keras)", tiny_acc, "within 2 pts",
         abs(int8_acc - tiny_acc) <= 0.02),
        ("TinyML int8 latency, us/window", lat_int8, "Keras predict (JAX)", lat_keras, "-", None),
        ("GRU test acc", gru_acc, "sklearn RandomForest", rf_acc, "-", None),
        ("TinyML float test acc", tiny_acc, "sklearn LogisticRegression", lr_acc, "-", None),
    ]
    print(f"{'kit figure':34s} {'kit':>10s}  {'peer':28s} {'peer':>10s} {'kit/peer':>9s}  {'goal':13s} result")
    for name, kit, peer_name, peer, goal, ok in rows:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        print(f"{name:34s} {kit:10.3f}  {peer_name:28s} {peer:10.3f} {kit / peer:9.2f}  {goal:13s} {verdict}")
    print(f"(data: {DATA}, {EPOCHS} epochs; best of 2 JAX runs; machine shared, timings noisy)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
