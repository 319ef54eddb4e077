"""Exercises of notebook 05 (federated learning on a Pi cluster): grading, hints, solutions."""
from __future__ import annotations

import numpy as np

from ..fl import cluster
from . import Exercise, as_layers, as_real, register, register_thought


def _float(text: str) -> float:
    return float(str(text).strip().rstrip("%"))


# 05.1 ---------------------------------------------------------------------------------
def _expected_energy() -> float:
    pi4 = cluster.get_profile("pi4")
    return cluster.energy_joules(pi4, compute_s=2.0, radio_s=0.5, link=cluster.get_link(pi4, "wifi"))


def _energy_slips() -> list[tuple[float, str]]:
    """Typical wrong energies of exercise 05.1, each with what it left out."""
    pi4 = cluster.get_profile("pi4")
    radio_w = cluster.get_link(pi4, "wifi").radio_w
    training = pi4.load_w * 2.0
    return [(training, "that is the training phase only: add the 0.5 s of sending"),
            (training + radio_w * 0.5, "while sending the Pi draws idle + radio power (3.2 W), not the radio's 0.5 W"),
            (_expected_energy() / 3600, "that is in watt-hours: give joules (W × s)")]


def _grade_energy(answer) -> tuple[bool, str]:
    expected, got = _expected_energy(), as_real(answer, text=True)
    if abs(got - expected) <= 0.05:
        return True, f"{expected:.2f} J: 6.4 W x 2 s of training + (2.7 W idle + 0.5 W radio) x 0.5 s of Wi-Fi."
    for slip, why in _energy_slips():
        if abs(got - slip) <= 0.005:
            return False, f"{got:g} J: {why}."
    return False, f"{got:g} J is not what the Pi 4 profile gives."


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


def _fedavg_slips(updates: list, counts: list[int]) -> list[tuple[list[np.ndarray], str]]:
    """Typical wrong aggregates, each with what it did wrong (McMahan et al. 2017, Algorithm 1)."""
    layers = range(len(updates[0]))
    return [([np.mean([u[i] for u in updates], axis=0) for i in layers],
             "that is the plain mean: weight each client by its number of samples"),
            ([sum(n * u[i] for u, n in zip(updates, counts)) for i in layers],
             "you weighted by the sample counts but did not divide by their total"),
            ([np.average([u[i] for u in updates], axis=0, weights=[1 / n for n in counts]) for i in layers],
             "clients with MORE samples should weigh more, not less")]


def _grade_fedavg(fn) -> tuple[bool, str]:
    rng = np.random.default_rng(5)
    updates = [[rng.normal(size=(3, 2)), rng.normal(size=(2,))] for _ in range(4)]
    counts = [10, 30, 5, 55]
    want = solution_fedavg(updates, counts)
    got = as_layers(fn([[layer.copy() for layer in u] for u in updates], list(counts)), "fedavg returned",
                    [w.shape for w in want])
    if all(np.allclose(g, w) for g, w in zip(got, want)):
        return True, "FedAvg: clients with more data pull the global model harder."
    for slip, why in _fedavg_slips(updates, counts):
        if all(np.allclose(g, s) for g, s in zip(got, slip)):
            return False, f"{why}."
    return False, "the averaged weights are not right: for each layer, sum (n_k / n) * update_k over the clients."


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


def _median_clients() -> list[list[np.ndarray]]:
    """Four honest clients whose coordinates all differ, and one poisoned client."""
    rng = np.random.default_rng(53)
    honest = [[rng.normal(1.0, 0.5, size=(2, 2)), rng.normal(-1.0, 0.5, size=(3,))] for _ in range(4)]
    return honest + [[np.full((2, 2), -500.0), np.full((3,), 900.0)]]


def _median_slips(clients: list) -> list[tuple[list[np.ndarray], str]]:
    """Typical wrong robust aggregates, each with what it did wrong."""
    stacked = [np.stack([u[i] for u in clients]) for i in range(len(clients[0]))]
    return [([np.full(s.shape[1:], np.median(s)) for s in stacked],
             "that is one median per layer: take the median of each coordinate separately (axis=0)"),
            ([s.mean(axis=0) for s in stacked], "that is the mean: the poisoned client drags it far away")]


def _grade_median(fn) -> tuple[bool, str]:
    clients = _median_clients()
    want = solution_median(clients)
    returned = fn([[layer.copy() for layer in u] for u in clients])
    if isinstance(returned, (list, tuple)) and any(isinstance(layer, (float, np.floating)) for layer in returned):
        return False, "a layer came back as one number: take the median of each coordinate separately (axis=0)."
    got = as_layers(returned, "median returned", [w.shape for w in want])
    if all(np.allclose(g, w) for g, w in zip(got, want)):
        return True, "the poisoned client's -500 and 900 could not move the median."
    for slip, why in _median_slips(clients):
        if all(np.allclose(g, s) for g, s in zip(got, slip)):
            return False, f"{why}."
    return False, "each coordinate should be the median over clients (np.median along the client axis)."


register(Exercise(
    id="05.3", title="A robust aggregator", kind="function",
    question="Write median(updates): the coordinate-wise median of the clients' layers.",
    grade=_grade_median, solution=solution_median,
    hint="np.stack the clients' copies of a layer, then np.median(..., axis=0)."))


# Think about it -----------------------------------------------------------------------
register_thought(
    "05.T1",
    prompt=("FedAvg sends weights, never the raw windows. Can the weights still give away something about a "
            "patient? How, and what would protect against it?"),
    answer=("Yes. An update is a function of the client's data, and with one device's few windows it can carry a "
            "lot of them: gradient-inversion attacks have rebuilt training examples from single updates, and "
            "membership inference can tell whether a given record was used. The kit's channel hides updates from "
            "eavesdroppers, but the gateway still sees each client's update in the clear. Secure aggregation "
            "(the gateway learns only the sum of many updates) and differential privacy (clip each update and add "
            "calibrated noise, at some cost in accuracy) are the usual answers; more local data per update also "
            "makes any single window harder to recover."))

register_thought(
    "05.T2",
    prompt=("Here FL reached the target later than the centralized model and, on these small data, moved more "
            "bytes. Give two reasons a hospital might still choose FL, and one situation in which you would advise "
            "against it."),
    answer=("Law and trust: raw vital signs are health data, and keeping them on the ward avoids sending them to "
            "a central server at all, which data-protection rules and hospital policies may demand. Scale: the raw "
            "upload grows with every day of traffic while an update stays the size of the model, so with more data "
            "per device FL wins on bytes, and it keeps working when the link to a central site is slow or down. "
            "Against it: when the devices hold little data, the data may legally be pooled anyway, and the "
            "centralized model is clearly more accurate (0.90 against 0.75 after 8 rounds here); or when the "
            "devices are too weak or too short of battery to train at all."))
