"""Issue 12, item 8: every numeric parameter of traffic, threats and models.detectors has a limit.

The walk calls each public entry point with hostile values (huge, the issue's 10**9, zero,
negative, NaN, +-inf, bool, a fraction, a numpy integer beyond every limit) for each numeric
parameter in turn, and asserts a ``ValueError``/``TypeError`` that names the parameter, in
under 0.1 s. Values that are valid for a parameter (a seed of 0, a difficulty of 0, ...) are
skipped. Separate tests check that valid numpy numbers are accepted and that a CSV holding
``inf`` or a 400-digit number is refused with its row and column.
"""
from __future__ import annotations

import math
import re
import time

import numpy as np
import pandas  # noqa: F401  (imported up front: load_csv's first call must not pay for it)
import pytest

from pqfl_kit import threats as Th
from pqfl_kit import traffic as T

# The goal is a clear error in < 0.1 s (no work starts before the checks); the test allows 0.5 s so that
# a loaded CI machine or a garbage-collector pause does not fail it. A hang or real work takes seconds.
FAST_S = 0.5

keras = pytest.importorskip("keras")
from pqfl_kit.models import detectors as D  # noqa: E402

HOSTILE = {
    "huge": 10**30, "big": 10**9, "zero": 0, "negative": -1, "nan": float("nan"), "inf": float("inf"),
    "-inf": float("-inf"), "bool": True, "fraction": 1.5, "numpy-huge": np.uint64(2**64 - 1),
}
SMALL = T.generate(2, 30, window=8, anomaly_rate=0.5, seed=1)
TRAIN, VAL, TEST = T.split(SMALL, test_size=0.2, val_size=0.2, seed=1)


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "ok.csv"
    path.write_text("a,y\n" + "".join(f"{i},{i % 3 == 0:d}\n" for i in range(40)))
    return path


@pytest.fixture(scope="module")
def detector():
    return D.train_detector("tinyml", TRAIN, VAL, epochs=1, seed=1)


# entry point -> (call(params) -> result, valid base params, {numeric parameter: hostile names valid for it})
def _entries(csv_path, detector):
    seed_ok = {"zero", "big"}
    gen = dict(n_devices=2, windows_per_device=5, window=8, anomaly_rate=0.4, difficulty=0.5, dirichlet_alpha=1.0,
               seed=1)
    gen_params = {"n_devices": set(), "windows_per_device": set(), "window": set(), "anomaly_rate": {"zero"},
                  "difficulty": {"zero"}, "dirichlet_alpha": {"fraction"}, "seed": seed_ok}
    stream = dict(gen, device=1, n_windows=5)
    del stream["n_devices"], stream["windows_per_device"]
    stream_params = {**{k: v for k, v in gen_params.items() if k not in ("n_devices", "windows_per_device")},
                     "device": {"zero"}, "n_windows": set()}
    model = detector.model
    return {
        "traffic.generate": (lambda p: T.generate(**p), gen, gen_params),
        "traffic.stream": (lambda p: T.stream(**p), stream, stream_params),
        "traffic.split": (lambda p: T.split(SMALL, **p), dict(test_size=0.2, val_size=0.1, seed=1),
                          {"test_size": set(), "val_size": {"zero"}, "seed": seed_ok}),
        "traffic.load_csv": (lambda p: T.load_csv(csv_path, features=["a"], label="y", **p), dict(window=4, stride=4),
                             {"window": set(), "stride": set()}),
        "traffic.plot_kinds": (lambda p: T.plot_kinds(SMALL, **p), dict(seed=1), {"seed": seed_ok}),
        "threats.validate_shor_inputs": (lambda p: Th.validate_shor_inputs(**p), dict(N=15, a=7, n_count=8),
                                         {"N": set(), "a": set(), "n_count": set()}),
        "threats.shor_circuit": (lambda p: Th.shor_circuit(**p), dict(N=15, a=7, n_count=8),
                                 {"N": set(), "a": set(), "n_count": set()}),
        "threats.run_shor": (lambda p: Th.run_shor(**p), dict(N=15, a=7, n_count=8, shots=64, seed=1),
                             {"N": set(), "a": set(), "n_count": set(), "shots": set(), "seed": seed_ok}),
        "threats.order_from_phase": (lambda p: Th.order_from_phase(**p), dict(phase=0.25, N=15, a=7),
                                     {"phase": {"zero"}, "N": set(), "a": {"zero"}}),
        "threats.factors_from_order": (lambda p: Th.factors_from_order(**p), dict(N=15, a=7, r=4),
                                       {"N": set(), "a": {"zero"}, "r": set()}),
        "threats.toy_rsa_key": (lambda p: Th.toy_rsa_key(**p), dict(p=3, q=11), {"p": set(), "q": set()}),
        "threats.ToyRSAKey": (lambda p: Th.ToyRSAKey(**p), dict(n=33, e=3, d=7),
                              {"n": {"big"}, "e": set(), "d": set()}),
        "threats.break_toy_rsa": (lambda p: Th.break_toy_rsa(Th.ToyRSAKey(33, 3), (p["p"], p["q"])), dict(p=3, q=11),
                                  {"p": set(), "q": set()}),
        "threats.rsa_decrypt_record": (lambda p: Th.rsa_decrypt_record([p["c"], 5], Th.ToyRSAKey(33, 3, 7)), dict(c=5),
                                       {"c": {"zero"}}),
        "threats.grover_optimal_iterations": (lambda p: Th.grover_optimal_iterations(**p), dict(n_qubits=4, n_marked=1),
                                              {"n_qubits": set(), "n_marked": set()}),
        "threats.grover_theory": (lambda p: Th.grover_theory(**p), dict(n_qubits=4, iterations=3),
                                  {"n_qubits": set(), "iterations": {"zero", "big", "fraction"}}),
        "threats.grover_circuit": (lambda p: Th.grover_circuit(**p), dict(n_qubits=4, marked=11, iterations=3),
                                   {"n_qubits": set(), "marked": {"zero"}, "iterations": {"zero"}}),
        "threats.run_grover": (lambda p: Th.run_grover(**p),
                               dict(n_qubits=3, marked=5, max_iterations=2, shots=64, seed=1),
                               {"n_qubits": set(), "marked": {"zero"}, "max_iterations": {"zero"}, "shots": set(),
                                "seed": seed_ok}),
        "threats.grover_key_strength": (lambda p: Th.grover_key_strength(**p), dict(key_bits=128), {"key_bits": set()}),
        "threats.mosca": (lambda p: Th.mosca(**p), dict(x=25, y=5, z=15),
                          {k: {"zero", "fraction"} for k in ("x", "y", "z")}),
        "detectors.build_model": (
            lambda p: D.build_model("tinyml", **p),
            dict(window=8, n_features=9, units=4, learning_rate=0.01, dropout=0.2, seed=1, batch_size=8),
            {"window": set(), "n_features": set(), "units": set(), "learning_rate": set(), "dropout": {"zero"},
             "seed": seed_ok, "batch_size": set()}),
        "detectors.train_detector": (
            lambda p: D.train_detector("tinyml", TRAIN, VAL, **p),
            dict(epochs=1, batch_size=64, patience=1, learning_rate=0.01, seed=1),
            {"epochs": set(), "batch_size": set(), "patience": {"zero"}, "learning_rate": set(), "seed": seed_ok}),
        "detectors.evaluate": (lambda p: D.evaluate(detector, TEST, **p), dict(threshold=0.5), {"threshold": set()}),
        "detectors.Detector.predict": (lambda p: detector.predict(TEST, **p), dict(threshold=0.5),
                                       {"threshold": {"zero"}}),
        "detectors.parameter_bytes": (lambda p: D.parameter_bytes(model, **p), dict(bytes_per_weight=4),
                                      {"bytes_per_weight": set()}),
        "detectors.seed_everything": (lambda p: D.seed_everything(**p), dict(seed=1), {"seed": seed_ok}),
    }


ALIASES = {"n_count": "counting qubits", "x": "x (shelf life)", "y": "y (migration time)",
           "z": "z (years to a quantum computer)", "c": "ciphertext"}


@pytest.mark.slow  # trains a TinyML detector first (about 3 s)
def test_every_numeric_parameter_refuses_hostile_values_fast(csv_path, detector):
    """Each entry point x numeric parameter x hostile value: a clear error in < 0.1 s."""
    tried, slow, unclear, accepted = 0, [], [], []
    entries = _entries(csv_path, detector)
    for name, (call, base, params) in entries.items():
        for param, valid in params.items():
            for label, value in HOSTILE.items():
                if label in valid:
                    continue
                tried += 1
                start = time.perf_counter()
                try:
                    call({**base, param: value})
                except (ValueError, TypeError) as error:
                    elapsed = time.perf_counter() - start
                    message = str(error)
                    if elapsed > FAST_S:
                        slow.append(f"{name}({param}={label}): {elapsed:.3f} s")
                    word = ALIASES.get(param, param)
                    named = re.search(rf"(^|[^\w]){re.escape(word)}([^\w]|$)", message) or (
                        name.endswith(("shor_inputs", "shor_circuit", "run_shor")) and param in ("N", "a")
                        and "N" in message)
                    if not named or (label in ("huge", "big", "numpy-huge") and not re.search(r"\d", message)):
                        unclear.append(f"{name}({param}={label}): {message}")
                else:
                    accepted.append(f"{name}({param}={label})")
    assert not accepted, f"accepted: {accepted}"
    assert not slow, f"slower than 0.1 s: {slow}"
    assert not unclear, "errors that do not name the parameter (or the limit):\n" + "\n".join(unclear)
    assert len(entries) == 26 and tried >= 700, tried


@pytest.mark.slow  # needs the trained TinyML detector fixture
def test_the_issue_examples_end_in_a_value_error_naming_the_limit(detector):
    cases = [
        (lambda: T.generate(n_devices=10**6, windows_per_device=10**6), r"n_devices must be in \[1, 1,000\]"),
        (lambda: T.generate(n_devices=1000, windows_per_device=100_000), "MAX_STEPS = 4,000,000"),
        (lambda: T.stream(10**6, n_windows=1), r"device must be in \[0, 999\]"),
        (lambda: T.stream(3, n_windows=100_000, window=1000), "MAX_STEPS"),
        (lambda: Th.run_shor(15, 7, 8, shots=10**9), r"shots must be in \[1, 100,000\]"),
        (lambda: Th.run_shor(15, 7, 8, shots=0), "shots must be"),
        (lambda: Th.run_shor(15, 7, 8, shots=-1), "shots must be"),
        (lambda: Th.run_grover(4, 11, 10**5), r"max_iterations must be in \[0, 50\]"),
        (lambda: Th.toy_rsa_key(2**61 - 1, 2**31 - 1), r"p must be <= 65,536"),
        (lambda: D.train_detector("tinyml", TRAIN, VAL, batch_size=-1), r"batch_size must be in \[1, 4,096\]"),
        (lambda: D.train_detector("tinyml", TRAIN, VAL, batch_size=0), "batch_size must be"),
        (lambda: D.build_model("gru", 20, 9, units=0), r"units must be in \[1, 1,024\]"),
        (lambda: D.build_model("tinyml", 1000, 256, units=1024), "MAX_PARAMETERS = 5,000,000"),
        (lambda: D.build_model("lstm", 200, 9, unroll=True), "MAX_UNROLL_WINDOW = 100"),
    ]
    for call, message in cases:
        start = time.perf_counter()
        with pytest.raises(ValueError, match=message):
            call()
        assert time.perf_counter() - start < FAST_S, message
    with pytest.raises(TypeError, match="shots must be a whole number"):
        Th.run_shor(15, 7, 8, shots=1.5)
    # fine to make, but one batch of 300 x 1,000 x (9 + 8 x 32) floats is not
    big = T.generate(1, 300, window=1000, seed=1)
    with pytest.raises(ValueError, match="MAX_ACTIVATIONS"):
        D.train_detector("lstm", big, big, batch_size=4096)


def test_threats_refuse_long_records():
    key = Th.toy_rsa_key(3, 11)
    with pytest.raises(ValueError, match="MAX_RECORD_BYTES = 10,000"):
        Th.rsa_encrypt_record("x" * 10**7, key.public)
    with pytest.raises(ValueError, match="MAX_RECORD_BYTES"):
        Th.rsa_decrypt_record([1] * 10**6, key)
    with pytest.raises(TypeError, match="record must be a string"):
        Th.rsa_encrypt_record(b"bytes", key.public)


@pytest.mark.parametrize("cell, shown", [("inf", "inf"), ("-Infinity", "-inf"), ("9" * 400, "inf"),
                                         ("1e39", "1e+39"), ("-3.5e38", "-3.5e+38")])
def test_load_csv_names_the_row_and_column_of_infinite_or_huge_values(tmp_path, cell, shown):
    path = tmp_path / "hostile.csv"
    rows = [f"{i},{i % 2},{70 + i}" for i in range(10)]
    rows[6] = f"6,0,{cell}"
    path.write_text("a,y,hr\n" + "\n".join(rows) + "\n")
    start = time.perf_counter()
    where = r"in data row 7 \(line 8 of hostile.csv\)"
    with pytest.raises(ValueError, match=rf"column 'hr' holds {re.escape(shown)} {where}"):
        T.load_csv(path, features=["a", "hr"], label="y", window=2)
    assert time.perf_counter() - start < FAST_S
    ok = T.load_csv(path, features=["a"], label="y", window=2)  # the clean column still loads
    assert len(ok) == 5


def test_load_csv_refuses_more_windows_than_the_limit_before_building_them(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,y\n" + "0,0\n" * 40_000)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"39,001 windows x 1000 rows x 1 features.*36,000,000"):
        T.load_csv(path, features=["a"], label="y", window=1000, stride=1)
    assert time.perf_counter() - start < 0.5  # reading the file is most of it
    assert len(T.load_csv(path, features=["a"], label="y", window=1000)) == 40


@pytest.mark.slow  # builds and trains small models with numpy arguments (about 3 s)
def test_valid_numpy_numbers_are_accepted(csv_path):
    i = np.int64
    data = T.generate(i(2), i(5), window=i(8), anomaly_rate=np.float64(0.4), difficulty=np.float32(0.5), seed=i(3))
    assert data.X.shape == (10, 8, 9)
    assert len(list(T.stream(i(1), i(5), window=i(8), seed=i(3)))) == 5
    assert len(T.split(SMALL, test_size=np.float64(0.2), val_size=np.float64(0.1), seed=i(1))) == 3
    assert len(T.load_csv(csv_path, features=["a"], label="y", window=i(4), stride=i(4))) == 10
    shor = Th.run_shor(15, i(7), 8)  # the issue's example
    assert shor.factors == (3, 5) and type(shor.a) is int
    shor = Th.run_shor(i(21), i(2), i(10), shots=i(256), seed=i(7))
    assert shor.factors == (3, 7)
    assert Th.shor_circuit(i(15), i(7), i(4)).num_qubits == 8
    assert Th.order_from_phase(np.float64(0.25), i(15), i(7)) == 4
    assert Th.factors_from_order(i(15), i(7), i(4))[0] == (3, 5)
    key = Th.toy_rsa_key(i(3), i(11))
    assert (key.n, key.e, key.d) == (33, 3, 7) and Th.ToyRSAKey(i(33), i(3), i(7)) == key
    assert Th.break_toy_rsa(key.public, (i(3), i(11))) == key
    assert Th.rsa_decrypt_record([int(c) for c in Th.rsa_encrypt_record("ok", key.public)], key) == "ok"
    assert Th.grover_optimal_iterations(i(4), i(1)) == 3
    assert math.isclose(float(Th.grover_theory(i(4), i(3))), 0.9613, abs_tol=1e-3)
    assert Th.grover_circuit(i(3), i(5), i(2)).num_qubits == 3
    grover = Th.run_grover(i(3), i(5), i(2), shots=i(64), seed=i(1))
    assert grover.iterations == [0, 1, 2]
    assert Th.grover_key_strength(i(128))["key_bits"] == 128
    assert Th.mosca(i(25), np.float64(5), i(15)).at_risk
    model = D.build_model("tinyml", i(8), i(9), units=i(4), learning_rate=np.float32(0.01), seed=i(1),
                          batch_size=i(8))
    assert model.input_shape == (8, 8, 9) and D.parameter_bytes(model, i(2)) == 2 * model.count_params()
    D.seed_everything(i(5))
    det = D.train_detector("tinyml", TRAIN, VAL, epochs=i(1), batch_size=i(64), patience=i(1), seed=i(1))
    assert det.epochs_run == 1
    assert D.evaluate(det, TEST, threshold=np.float32(0.5)).threshold == 0.5
    assert det.predict(TEST, threshold=np.float64(0.5)).shape == (len(TEST),)


def test_app_sliders_and_notebook_calls_stay_inside_the_limits():
    from pqfl_kit.apps.anomaly import APP_DATA
    from pqfl_kit.hospital.ward import Scenario  # n_patients <= 50, minutes <= 1440

    assert APP_DATA["n_devices"] * APP_DATA["windows_per_device"] * 20 <= T.MAX_STEPS
    assert T.MAX_STEPS >= 50 * 1440 * 20 and Scenario.n_patients <= T.MAX_DEVICES
    assert D.MAX_EPOCHS >= 30  # the anomaly app's epochs slider goes to 30
    assert Th.MAX_COUNTING_QUBITS == 12 and 2 * Th.grover_optimal_iterations(6) + 1 <= Th.MAX_GROVER_ITERATIONS
    assert T.MAX_STEPS >= 64 * 3125 * 20  # fl: 64 clients x 3,125 windows_per_client fit one generate call
