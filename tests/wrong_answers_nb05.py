"""Typical wrong answers to the exercises of notebook 05 (federated learning): (answer, words the hint must contain)."""
from __future__ import annotations

import numpy as np
from fooling import NAN, AlwaysEqual, returns

from pqfl_kit.exercises import nb05


def fedavg_plain_mean(updates, n_samples):
    return [np.mean([u[i] for u in updates], axis=0) for i in range(len(updates[0]))]


def fedavg_unnormalised(updates, n_samples):
    return [sum(n * u[i] for u, n in zip(updates, n_samples)) for i in range(len(updates[0]))]


def fedavg_inverse_weights(updates, n_samples):
    return [np.average([u[i] for u in updates], axis=0, weights=[1 / n for n in n_samples])
            for i in range(len(updates[0]))]


def median_per_layer(updates):
    """A whole-layer scalar median, broadcast to the layer's shape: the hole of issue 16."""
    return [np.full(np.shape(updates[0][i]), np.median(np.stack([u[i] for u in updates])))
            for i in range(len(updates[0]))]


def median_scalar_per_layer(updates):
    return [np.median(np.stack([u[i] for u in updates])) for i in range(len(updates[0]))]


def median_wrong_axis(updates):
    return [np.median(np.stack([u[i] for u in updates]), axis=-1) for i in range(len(updates[0]))]


def coordinate_mean(updates):
    return [np.mean(np.stack([u[i] for u in updates]), axis=0) for i in range(len(updates[0]))]


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "05.1": [(12.8, "training phase only"), (13.05, "idle + radio"), (0.004, "watt-hours"),
             (NAN, "not a finite number"), ("about 14", "not a number")],
    "05.2": [(fedavg_plain_mean, "plain mean"), (fedavg_unnormalised, "did not divide"),
             (fedavg_inverse_weights, "MORE samples"), (lambda updates, n: [updates[0][0]], "one array per layer"),
             (returns(AlwaysEqual()), "return a list"),
             (lambda updates, n: [np.full_like(layer, NAN) for layer in updates[0]], "NaN or infinite")],
    "05.3": [(median_per_layer, "one median per layer"), (median_scalar_per_layer, "one number"),
             (coordinate_mean, "that is the mean"), (median_wrong_axis, "shape"),
             (lambda updates: [np.full_like(layer, NAN) for layer in updates[0]], "NaN or infinite"),
             (returns(AlwaysEqual()), "return a list")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("05.2", lambda u, n: tuple(layer.tolist() for layer in nb05.solution_fedavg(u, n))),
    ("05.1", np.float64(14.4)),
]
