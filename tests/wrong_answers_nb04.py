"""Typical wrong answers to the exercises of notebook 04 (anomaly detection): (answer, words the hint must contain)."""
from __future__ import annotations

import numpy as np
from fooling import INF, NAN, AlwaysEqual, EqualFloat, returns

from pqfl_kit.exercises import nb04


def f1_naive_numpy(tn, fp, fn, tp):
    with np.errstate(invalid="ignore", divide="ignore"):
        precision, recall = np.float64(tp) / (tp + fp), np.float64(tp) / (tp + fn)
        return 2 * precision * recall / (precision + recall)


def zscore_per_step(train, test):
    return (test - train.mean(axis=0)) / train.std(axis=0)


def zscore_sign_flipped(train, test):
    flat = train.reshape(-1, train.shape[-1])
    return (flat.mean(0) - test) / flat.std(0)


def zscore_leaky(train, test):
    flat = test.reshape(-1, test.shape[-1])
    return (test - flat.mean(0)) / flat.std(0)


def zscore_sample_std(train, test):
    flat = train.reshape(-1, train.shape[-1])
    return (test - flat.mean(0)) / flat.std(0, ddof=1)


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "04.1": [(zscore_leaky, "leaks test information"), (zscore_sign_flipped, "sign is flipped"),
             (zscore_per_step, "per time step"), (zscore_sample_std, "ddof=1"),
             (lambda train, test: np.full(test.shape, NAN), "NaN or infinite"),
             (returns(AlwaysEqual()), "not an array of numbers"),
             (lambda train, test: test.reshape(-1, 3), "shape")],
    "04.2": [(lambda tn, fp, fn, tp: (tn + tp) / (tn + fp + fn + tp), "accuracy"),
             (lambda tn, fp, fn, tp: tp / (tp + fp) if tp + fp else 0.0, "precision alone"),
             (lambda tn, fp, fn, tp: tp / (tp + fn) if tp + fn else 0.0, "recall alone"),
             (f1_naive_numpy, "nan"), (returns(INF), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns(EqualFloat(0.5)), "scikit-learn says")],
    "04.3": [(2896, "bias"), (180, "number of inputs"), (11520, "float32"), (144, "20 time steps"),
             (NAN, "not a finite number")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("04.2", lambda *cm: np.float64(nb04.solution_f1(*cm))),
]
