"""Exercises of notebook 05 (federated learning on a Pi cluster): grading, hints, solutions."""
from __future__ import annotations

import numpy as np

from ..fl import cluster
from . import Exercise, register


def _float(text: str) -> float:
    return float(str(text).strip().rstrip("%"))


# 05.1 ---------------------------------------------------------------------------------
def _expected_energy() -> float:
    pi4 = cluster.get_profile("pi4")
    return cluster.energy_joules(pi4, compute_s=2.0, radio_s=0.5, link=cluster.get_link(pi4, "wifi"))


def _grade_energy(answer) -> tuple[bool, str]:
    expected = _expected_energy()
    if abs(float(answer) - expected) <= 0.05:
        return True, f"{expected:.2f} J: 6.4 W x 2 s of training + (2.7 W idle + 0.5 W radio) x 0.5 s of Wi-Fi."
    return False, f"{answer} J is not what the Pi 4 profile gives."


register(Exercise(
    id="05.1", title="Energy of one round on a Pi 4", kind="value", parse=_float,
    question="A Pi 4 trains for 2 s (6.4 W under load), then sends its update over Wi-Fi for 0.5 s "
             "(2.7 W idle + 0.5 W radio). How many joules does this round cost (two decimals)?",
    grade=_grade_energy, solution=round(_expected_energy(), 2),
    hint="energy = power x time for each phase, then add the phases."))


# 05.2 ---------------------------------------------------------------------------------
def solution_fedavg(updates, n_samples):
    """FedAvg (McMahan et al. 2017): layer-wise average of client weights, weighted by samples."""
    total = sum(n_samples)
    return [sum(n / total * np.asarray(u[i], dtype=np.float64) for u, n in zip(updates, n_samples))
            for i in range(len(updates[0]))]


def _grade_fedavg(fn) -> tuple[bool, str]:
    rng = np.random.default_rng(5)
    updates = [[rng.normal(size=(3, 2)), rng.normal(size=(2,))] for _ in range(4)]
    counts = [10, 30, 5, 55]
    got = fn(updates, counts)
    want = solution_fedavg(updates, counts)
    if len(got) != len(want):
        return False, f"return one array per layer ({len(want)}), not {len(got)}."
    for g, w in zip(got, want):
        if np.shape(g) != w.shape:
            return False, f"a layer came back with shape {np.shape(g)}, expected {w.shape}."
        if not np.allclose(g, w):
            if np.allclose(g, np.mean([u[0] for u in updates], axis=0)) or np.allclose(
                    got[0], np.mean([u[0] for u in updates], axis=0)):
                return False, "that is the plain mean: weight each client by its number of samples."
            return False, "the averaged weights are not right."
    return True, "FedAvg: clients with more data pull the global model harder."


register(Exercise(
    id="05.2", title="Write FedAvg", kind="function",
    question="Write fedavg(updates, n_samples): updates is a list (one per client) of lists of numpy "
             "arrays (one per layer); return the sample-weighted average, layer by layer.",
    grade=_grade_fedavg, solution=solution_fedavg,
    hint="for each layer i: sum over clients of (n_k / n) * update_k[i]."))


# 05.3 ---------------------------------------------------------------------------------
def solution_median(updates):
    """Coordinate-wise median (Yin et al. 2018): robust to a minority of poisoned clients."""
    return [np.median(np.stack([u[i] for u in updates]), axis=0) for i in range(len(updates[0]))]


def _grade_median(fn) -> tuple[bool, str]:
    honest = [[np.full((2, 2), v), np.full((3,), v)] for v in (1.0, 1.2, 0.8, 1.1)]
    poisoned = honest + [[np.full((2, 2), -500.0), np.full((3,), 900.0)]]
    got = fn(poisoned)
    want = solution_median(poisoned)
    if len(got) != len(want) or not all(np.allclose(g, w) for g, w in zip(got, want)):
        return False, "each coordinate should be the median over clients (np.median along the client axis)."
    return True, "the poisoned client's -500 and 900 could not move the median."


register(Exercise(
    id="05.3", title="A robust aggregator", kind="function",
    question="Write median(updates): the coordinate-wise median of the clients' layers.",
    grade=_grade_median, solution=solution_median,
    hint="np.stack the clients' copies of a layer, then np.median(..., axis=0)."))
