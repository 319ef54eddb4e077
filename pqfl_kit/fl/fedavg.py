"""Aggregation of client model updates: FedAvg and two Byzantine-robust rules, plus poisoning.

* ``fedavg``: the sample-weighted average of client weights (McMahan et al. 2017,
  "Communication-Efficient Learning of Deep Networks from Decentralized Data", Algorithm 1).
* ``median``: the coordinate-wise median, and ``trimmed_mean``: the coordinate-wise beta-trimmed
  mean (Yin et al. 2018, "Byzantine-Robust Distributed Learning", Section 3, via numpy/scipy).
* ``poison``: what a malicious client sends instead of its honest update: the update direction
  flipped (sign-flip) or blown up (scaling / model replacement, Bagdasaryan et al. 2020).

A model is a list of numpy arrays (Keras ``get_weights()`` order). All clients must send the
same shapes; anything else raises ``ValueError``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

__all__ = ["fedavg", "median", "trimmed_mean", "aggregate", "AGGREGATORS", "poison", "POISON_MODES"]

Weights = list[np.ndarray]


def _stack(updates: Sequence[Weights]) -> list[np.ndarray]:
    if not updates:
        raise ValueError("No client updates to aggregate: at least one client must report.")
    shapes = [tuple(a.shape for a in u) for u in updates]
    if any(s != shapes[0] for s in shapes):
        raise ValueError("Client updates have different layer shapes; every client must train the same model.")
    return [np.stack([np.asarray(u[i], dtype=np.float64) for u in updates]) for i in range(len(updates[0]))]


def fedavg(updates: Sequence[Weights], n_samples: Sequence[int]) -> Weights:
    """FedAvg: sum_k (n_k / n) w_k, layer by layer (McMahan et al. 2017, Alg. 1)."""
    counts = np.asarray(n_samples, dtype=np.float64)
    if counts.shape != (len(updates),) or np.any(counts <= 0):
        raise ValueError("Give one positive sample count per update.")
    layers = _stack(updates)
    dtypes = [np.asarray(a).dtype for a in updates[0]]
    return [np.average(layer, axis=0, weights=counts).astype(dt) for layer, dt in zip(layers, dtypes)]


def median(updates: Sequence[Weights], n_samples: Sequence[int] | None = None) -> Weights:
    """Coordinate-wise median (Yin et al. 2018, Def. 1); sample counts are ignored by design."""
    layers = _stack(updates)
    return [np.median(layer, axis=0).astype(np.asarray(a).dtype) for layer, a in zip(layers, updates[0])]


def trimmed_mean(updates: Sequence[Weights], n_samples: Sequence[int] | None = None, beta: float = 0.2) -> Weights:
    """Coordinate-wise beta-trimmed mean (Yin et al. 2018, Def. 2): drop the beta largest and
    smallest values of every coordinate, average the rest (``scipy.stats.trim_mean``)."""
    if not 0 <= beta < 0.5:
        raise ValueError("beta (the fraction trimmed at each end) must be in [0, 0.5).")
    layers = _stack(updates)
    return [stats.trim_mean(layer, beta, axis=0).astype(np.asarray(a).dtype) for layer, a in zip(layers, updates[0])]


AGGREGATORS = {"fedavg": fedavg, "median": median, "trimmed_mean": trimmed_mean}


def aggregate(name: str, updates: Sequence[Weights], n_samples: Sequence[int]) -> Weights:
    """Aggregate with the rule called ``name`` ("fedavg", "median" or "trimmed_mean")."""
    if name not in AGGREGATORS:
        raise ValueError(f"Unknown aggregator {name!r}; choose one of {list(AGGREGATORS)}.")
    return AGGREGATORS[name](updates, n_samples)


POISON_MODES = ("sign_flip", "scale")


def poison(honest: Weights, global_weights: Weights, mode: str = "sign_flip", factor: float = 5.0) -> Weights:
    """The update a malicious client sends instead of ``honest``.

    With delta = honest - global: "sign_flip" sends global - factor * delta (pushes the model
    away from what the data teaches), "scale" sends global + factor * delta (one client tries to
    replace the model; Bagdasaryan et al. 2020, Section 3.2).
    """
    if mode not in POISON_MODES:
        raise ValueError(f"Unknown poisoning mode {mode!r}; choose one of {list(POISON_MODES)}.")
    sign = -1.0 if mode == "sign_flip" else 1.0
    return [(g + sign * factor * (h - g)).astype(h.dtype) for h, g in zip(honest, global_weights)]
