"""Nano-sensor network traffic for anomaly detection: a seeded generator and a CSV loader.

Models the data of the AI analytics layer of the quantum-assisted nano-network paper
("Quantum-Assisted Secure Nano-Network Traffic Framework ...", IJISRT 10(4), 2025, Sec. III-A):
each time step of a nano-sensor carries network metrics (packet delay, RSSI, packet loss rate,
transmission time, bit error rate) and the vitals its packets transport (heart rate, SpO2,
glucose, systolic blood pressure). Windows of ``window`` consecutive steps are labelled normal
(0) or anomalous (1), and anomalous ones also carry the paper's three anomaly sources (Sec. I):

* ``sensor_fault``: ``stuck`` (the readings freeze), ``drift`` (a vital ramps away linearly),
  ``dropout`` (a vital reads zero); the network itself stays healthy.
* ``physiological``: ``tachycardia``, ``hypoxia``, ``hypoglycemia``, ``hypertension``: vitals
  leave their healthy range together, over a healthy network.
* ``cyber_attack``: ``jamming`` (bit errors, losses and retransmission delay rise), ``flooding``
  (queueing delay, jitter, losses and airtime rise), ``replay`` (old vitals are re-sent with a
  suspiciously regular, shifted delay: the timing signature of spoofed packets).

The paper publishes no dataset, so the generator is the kit's own documented stand-in; its
numbers are plausible ranges, not clinical or radio measurements. ``difficulty`` (0..1) shrinks
the signatures, shortens the episodes and adds noise. Every device (patient) has its own
baselines and its own mix of anomaly kinds (Dirichlet, ``dirichlet_alpha``), so
``split_by_device`` gives a non-IID split for federated learning.

Windows never overlap, so a random split of windows shares no time step between train and test,
but neighbouring windows of one device are correlated (one baseline per device, slow vitals):
``split(by="device")`` holds out whole devices (patients) and ``split(by="time")`` tests on each
device's future, the leakage-free choices for judging a detector. ``Standardizer`` is the paper's
Z-score normalization (Eq. 3), fitted on training data only. The default ``anomaly_rate`` (0.4,
about 39 % anomalous windows) keeps training balanced; ``RARE_ANOMALY_RATE`` (0.03) is a realistic
prevalence for a deployed sensor, where accuracy says little and precision suffers.
``load_csv`` brings a real IoMT dataset (flow metrics + biometrics + a label column) into the
same :class:`TrafficDataset` shape.

Size limits (a ``ValueError`` naming the limit, before any work starts), chosen so that the
largest allowed call still runs in a 2 GB Binder pod: ``MAX_DEVICES`` = 1,000 devices,
``MAX_WINDOWS_PER_DEVICE`` = 100,000 windows, ``MAX_WINDOW`` = 1,000 steps per window, and
``MAX_STEPS`` = 4,000,000 time steps in one call (devices x windows x window). At the maximum,
``generate`` returns 4e6 x 9 features x 4 bytes = 144 MB of float32 windows and peaks near
450 MB (the float64 stream of one device, the per-device parts and their concatenation), in
about 8 s. ``load_csv`` allows at most ``MAX_STEPS`` x 9 = 36,000,000 window values (144 MB).
Seeds are whole numbers in [0, 2^63 - 1] (``split``: [0, 2^32 - 1], scikit-learn's range).

Public API (other parts of the kit rely on it): ``FEATURES``, ``KINDS``, ``SUBKINDS``,
``TrafficDataset``, ``Window``, ``generate``, ``stream``, ``split`` (``SPLITS``), ``split_by_device``,
``Standardizer``, ``load_csv``, ``plot_kinds``.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from pqfl_kit import SEED
from pqfl_kit.limits import real, whole

__all__ = [
    "NETWORK_FEATURES", "VITAL_FEATURES", "FEATURES", "UNITS", "KINDS", "SUBKINDS",
    "TrafficDataset", "Window", "Standardizer",
    "generate", "stream", "split", "split_by_device", "load_csv", "plot_kinds",
    "MAX_DEVICES", "MAX_WINDOWS_PER_DEVICE", "MAX_WINDOW", "MAX_STEPS", "SPLITS", "RARE_ANOMALY_RATE",
]

MAX_DEVICES = 1_000  # devices (patients) in one generate call
MAX_WINDOWS_PER_DEVICE = 100_000  # windows per device
MAX_WINDOW = 1_000  # time steps per window (also rows per window in load_csv)
MAX_STEPS = 4_000_000  # time steps per call: 4e6 x 9 features x 4 B = 144 MB of float32, ~450 MB peak
MAX_SEED = 2**63 - 1
SPLITS = ("window", "device", "time")  # what split(by=...) holds out
RARE_ANOMALY_RATE = 0.03  # a realistic prevalence (2-5 % of windows anomalous) for generate(anomaly_rate=...)

NETWORK_FEATURES = ("delay_ms", "rssi_dbm", "loss_rate", "tx_time_ms", "ber")
VITAL_FEATURES = ("heart_rate", "spo2", "glucose", "bp_sys")
FEATURES = NETWORK_FEATURES + VITAL_FEATURES
UNITS = {"delay_ms": "ms", "rssi_dbm": "dBm", "loss_rate": "fraction", "tx_time_ms": "ms",
         "ber": "errors/bit", "heart_rate": "bpm", "spo2": "%", "glucose": "mg/dL", "bp_sys": "mmHg"}
KINDS = ("normal", "sensor_fault", "physiological", "cyber_attack")
SUBKINDS = {
    "normal": ("normal",),
    "sensor_fault": ("stuck", "drift", "dropout"),
    "physiological": ("tachycardia", "hypoxia", "hypoglycemia", "hypertension"),
    "cyber_attack": ("jamming", "flooding", "replay"),
}
_ANOMALY_KINDS = KINDS[1:]
_COL = {name: i for i, name in enumerate(FEATURES)}
_VITAL_COLS = [_COL[v] for v in VITAL_FEATURES]


@dataclass
class TrafficDataset:
    """Windows of traffic with labels.

    ``X`` has shape (n_windows, window, n_features) (float32); ``y`` is 0 (normal) or
    1 (anomalous); ``kind``/``subkind`` name the anomaly (``"normal"`` for normal windows);
    ``device`` is the device/patient id and ``start`` the first time step of each window in
    that device's stream.
    """

    X: np.ndarray
    y: np.ndarray
    kind: np.ndarray
    subkind: np.ndarray
    device: np.ndarray
    start: np.ndarray
    features: tuple[str, ...] = FEATURES
    # first anomalous step / one past the last, -1 if none; None: derived from y in __post_init__
    onset: np.ndarray = field(default=None, repr=False)  # type: ignore[arg-type]
    end: np.ndarray = field(default=None, repr=False)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        n = len(self.X)
        if self.X.ndim != 3:
            raise ValueError(f"X must have shape (windows, steps, features), got {self.X.shape}.")
        for name in ("y", "kind", "subkind", "device", "start"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n} windows.")
        if self.X.shape[2] != len(self.features):
            raise ValueError(f"X has {self.X.shape[2]} features but {len(self.features)} names were given.")
        if self.onset is None:
            self.onset = np.where(self.y == 1, 0, -1)
        if self.end is None:
            self.end = np.where(self.y == 1, self.X.shape[1], -1)

    def __len__(self) -> int:
        return len(self.X)

    @property
    def window(self) -> int:
        """Time steps per window."""
        return self.X.shape[1]

    @property
    def n_features(self) -> int:
        return self.X.shape[2]

    def subset(self, index) -> TrafficDataset:
        """The windows at ``index`` (an index array or boolean mask) as a new dataset."""
        index = np.asarray(index)
        return TrafficDataset(self.X[index], self.y[index], self.kind[index], self.subkind[index],
                              self.device[index], self.start[index], self.features, self.onset[index],
                              self.end[index])

    def counts(self) -> dict[str, int]:
        """Number of windows of each kind."""
        return {k: int(np.sum(self.kind == k)) for k in dict.fromkeys((*KINDS, *np.unique(self.kind)))
                if np.sum(self.kind == k)}

    def frame(self, i: int):
        """Window ``i`` as a pandas DataFrame (one row per time step)."""
        return pd.DataFrame(self.X[i], columns=list(self.features))


@dataclass(frozen=True)
class Window:
    """One window streamed from a device (see :func:`stream`)."""

    device: int
    start: int
    x: np.ndarray  # (window, n_features), raw units
    label: int
    kind: str
    subkind: str


def _check_steps(what: str, steps: int) -> None:
    if steps > MAX_STEPS:
        raise ValueError(f"{what} = {steps:,} time steps is above the limit MAX_STEPS = {MAX_STEPS:,} "
                         f"(about {MAX_STEPS * len(FEATURES) * 4 >> 20} MB of windows): ask for fewer.")


def _check_generate_args(n_devices, windows_per_device, window, anomaly_rate, difficulty, dirichlet_alpha,
                         seed) -> tuple:
    n_devices = whole("n_devices", n_devices, 1, MAX_DEVICES)
    windows_per_device = whole("windows_per_device", windows_per_device, 1, MAX_WINDOWS_PER_DEVICE)
    window = whole("window", window, 4, MAX_WINDOW)
    anomaly_rate = real("anomaly_rate", anomaly_rate, 0.0, 1.0)
    difficulty = real("difficulty", difficulty, 0.0, 1.0)
    if dirichlet_alpha is not None:
        dirichlet_alpha = real("dirichlet_alpha", dirichlet_alpha, 1e-3, 1e6)
    seed = whole("seed", seed, 0, MAX_SEED)
    return n_devices, windows_per_device, window, anomaly_rate, difficulty, dirichlet_alpha, seed


def _ar1(rng: np.random.Generator, n: int, sd: float, phi: float = 0.9) -> np.ndarray:
    """A stationary AR(1) noise series: slow physiological wander."""
    eps = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + eps[t]
    return out


def _device_stream(rng: np.random.Generator, n_steps: int, noise: float) -> np.ndarray:
    """A healthy stream for one device: its own baselines plus measurement noise."""
    x = np.empty((n_steps, len(FEATURES)))
    x[:, _COL["delay_ms"]] = rng.uniform(2.0, 6.0) + np.abs(rng.normal(0, 0.3 * noise, n_steps))
    x[:, _COL["rssi_dbm"]] = rng.uniform(-72.0, -58.0) + rng.normal(0, 1.5 * noise, n_steps)
    x[:, _COL["loss_rate"]] = rng.uniform(0.005, 0.03) + np.abs(rng.normal(0, 0.005 * noise, n_steps))
    x[:, _COL["tx_time_ms"]] = rng.uniform(0.8, 1.5) + rng.normal(0, 0.05 * noise, n_steps)
    x[:, _COL["ber"]] = 10 ** (rng.uniform(-5.0, -4.0) + rng.normal(0, 0.1 * noise, n_steps))
    # vitals: slow physiological wander (AR(1)) plus the sensor's own reading jitter (white)
    for name, low, high, wander, jitter, phi in (("heart_rate", 60, 90, 3.0, 1.5, 0.9),
                                                  ("spo2", 95.5, 98.5, 0.5, 0.3, 0.9),
                                                  ("glucose", 85, 130, 4.0, 1.5, 0.97),
                                                  ("bp_sys", 105, 135, 3.0, 2.0, 0.9)):
        x[:, _COL[name]] = (rng.uniform(low, high) + _ar1(rng, n_steps, wander * noise, phi)
                            + rng.normal(0, jitter, n_steps))
    return x


def _inject(rng: np.random.Generator, seg: np.ndarray, history: np.ndarray, subkind: str,
            severity: float) -> None:
    """Write the signature of ``subkind`` into ``seg`` (the episode's steps) in place.

    ``history`` holds the device's earlier steps (used by replay). ``severity`` scales every
    excursion (1 = full size).
    """
    n = len(seg)
    ramp = np.minimum(1.0, (np.arange(n) + 1) / 3.0)  # physiological changes take a few steps
    s = severity
    if subkind == "stuck":  # the sensor front-end freezes: every vital repeats its last reading
        seg[:, _VITAL_COLS] = seg[0, _VITAL_COLS]
    elif subkind == "drift":
        col = _VITAL_COLS[rng.integers(len(_VITAL_COLS))]
        full = {"heart_rate": 70, "spo2": -14, "glucose": 100, "bp_sys": 70}[FEATURES[col]]
        seg[:, col] += rng.choice([-1, 1]) * abs(full) * s * np.linspace(1 / n, 1.0, n)
    elif subkind == "dropout":
        col = _VITAL_COLS[rng.integers(len(_VITAL_COLS))]
        dead = rng.random(n) < 0.4 + 0.6 * s  # a failing sensor drops most, not all, readings
        dead[0] = True
        seg[dead, col] = 0.0
    elif subkind == "tachycardia":
        seg[:, _COL["heart_rate"]] += 55 * s * ramp
        seg[:, _COL["spo2"]] -= 2.5 * s * ramp
    elif subkind == "hypoxia":
        seg[:, _COL["spo2"]] -= 11 * s * ramp
        seg[:, _COL["heart_rate"]] += 20 * s * ramp
    elif subkind == "hypoglycemia":
        seg[:, _COL["glucose"]] = seg[:, _COL["glucose"]] - (seg[:, _COL["glucose"]] - 45) * s * ramp
        seg[:, _COL["heart_rate"]] += 15 * s * ramp
    elif subkind == "hypertension":
        seg[:, _COL["bp_sys"]] += 55 * s * ramp
        seg[:, _COL["heart_rate"]] += 12 * s * ramp
    elif subkind == "jamming":
        seg[:, _COL["ber"]] *= 10 ** (2.0 * s + rng.normal(0, 0.3, n))
        seg[:, _COL["loss_rate"]] += 0.30 * s * rng.uniform(0.5, 1.0, n)
        seg[:, _COL["delay_ms"]] += 6.0 * s * rng.uniform(0.3, 1.0, n)  # retransmissions
        seg[:, _COL["rssi_dbm"]] += rng.normal(0, 6.0 * s, n)
    elif subkind == "flooding":
        seg[:, _COL["delay_ms"]] += 18.0 * s * rng.uniform(0.4, 1.0, n)
        seg[:, _COL["loss_rate"]] += 0.15 * s * rng.uniform(0.5, 1.0, n)
        seg[:, _COL["tx_time_ms"]] += 2.0 * s * rng.uniform(0.5, 1.0, n)
    elif subkind == "replay":
        back = history[-len(history) // 2:] if len(history) >= 2 * n else history
        if len(back) >= n:
            first = rng.integers(0, len(back) - n + 1)
            seg[:, _VITAL_COLS] = back[first:first + n][:, _VITAL_COLS]
        seg[:, _COL["delay_ms"]] = seg[:, _COL["delay_ms"]].mean() + 5.0 * s  # clock-like, shifted
        seg[:, _COL["tx_time_ms"]] = seg[:, _COL["tx_time_ms"]].mean()
    else:  # pragma: no cover - guarded by SUBKINDS
        raise ValueError(f"unknown anomaly {subkind!r}")


def _clip_physical(x: np.ndarray) -> None:
    x[..., _COL["loss_rate"]] = np.clip(x[..., _COL["loss_rate"]], 0.0, 1.0)
    x[..., _COL["ber"]] = np.clip(x[..., _COL["ber"]], 0.0, 0.5)
    x[..., _COL["spo2"]] = np.minimum(x[..., _COL["spo2"]], 100.0)
    x[..., _COL["delay_ms"]] = np.maximum(x[..., _COL["delay_ms"]], 0.0)


def _one_device(rng: np.random.Generator, n_windows: int, window: int, anomaly_rate: float,
                difficulty: float, mix: np.ndarray):
    """Generate one device's stream, cut into windows, with anomaly episodes injected."""
    noise = 1.0 + 0.8 * difficulty
    x = _device_stream(rng, n_windows * window, noise)
    kinds: list[str] = []
    subkinds: list[str] = []
    onsets: list[int] = []
    ends: list[int] = []
    min_len = max(2, int(round(window * (0.7 - 0.45 * difficulty))))
    for w in range(n_windows):
        lo = w * window
        if rng.random() >= anomaly_rate:
            kinds.append("normal")
            subkinds.append("normal")
            onsets.append(-1)
            ends.append(-1)
            continue
        kind = _ANOMALY_KINDS[rng.choice(len(_ANOMALY_KINDS), p=mix)]
        sub = SUBKINDS[kind][rng.integers(len(SUBKINDS[kind]))]
        length = int(rng.integers(min_len, window + 1))
        onset = int(rng.integers(0, window - length + 1))
        severity = rng.uniform(0.6, 1.0) * (1.0 - 0.75 * difficulty)
        _inject(rng, x[lo + onset:lo + onset + length], x[:lo + onset], sub, severity)
        kinds.append(kind)
        subkinds.append(sub)
        onsets.append(onset)
        ends.append(onset + length)
    _clip_physical(x)
    windows = x.reshape(n_windows, window, len(FEATURES)).astype(np.float32)
    return windows, np.array(kinds), np.array(subkinds), np.array(onsets), np.array(ends)


def _mixes(rng: np.random.Generator, n_devices: int, alpha: float | None) -> np.ndarray:
    if alpha is None:
        return np.full((n_devices, len(_ANOMALY_KINDS)), 1 / len(_ANOMALY_KINDS))
    return rng.dirichlet([alpha] * len(_ANOMALY_KINDS), size=n_devices)


def generate(n_devices: int = 12, windows_per_device: int = 300, *, window: int = 20,
             anomaly_rate: float = 0.4, difficulty: float = 0.5,
             dirichlet_alpha: float | None = 1.0, seed: int = SEED) -> TrafficDataset:
    """Generate labelled nano-network traffic windows for ``n_devices`` devices (patients).

    Args:
        n_devices: devices (one patient each); each has its own baselines.
        windows_per_device: non-overlapping windows per device.
        window: time steps per window.
        anomaly_rate: expected fraction of anomalous windows (0..1). The default 0.4 keeps training
            balanced; a deployed sensor sees far fewer (``RARE_ANOMALY_RATE`` = 0.03).
        difficulty: 0 (large, long, clean signatures) .. 1 (small, short, noisy).
        dirichlet_alpha: concentration of each device's mix of anomaly kinds: small (0.1) means
            each device mostly shows one kind (strongly non-IID), large (100) or ``None`` means
            every device shows all kinds equally.
        seed: the same seed gives the same data.

    Limits (``ValueError`` otherwise): ``1 <= n_devices <= MAX_DEVICES`` (1,000),
    ``1 <= windows_per_device <= MAX_WINDOWS_PER_DEVICE`` (100,000), ``4 <= window <= MAX_WINDOW``
    (1,000), ``n_devices * windows_per_device * window <= MAX_STEPS`` (4,000,000 steps: 144 MB of
    float32 windows, ~450 MB peak), rates in [0, 1], ``dirichlet_alpha`` in [0.001, 1e6],
    ``0 <= seed <= 2**63 - 1``. Whole numbers may be numpy integers; bools are refused.
    """
    (n_devices, windows_per_device, window, anomaly_rate, difficulty, dirichlet_alpha,
     seed) = _check_generate_args(n_devices, windows_per_device, window, anomaly_rate, difficulty,
                                  dirichlet_alpha, seed)
    _check_steps("n_devices x windows_per_device x window", n_devices * windows_per_device * window)
    rng = np.random.default_rng(seed)
    mixes = _mixes(rng, n_devices, dirichlet_alpha)
    parts = []
    for d in range(n_devices):
        dev_rng = np.random.default_rng([seed, d])  # device d's data does not depend on n_devices
        X, kind, sub, onset, end = _one_device(dev_rng, windows_per_device, window, anomaly_rate, difficulty,
                                               mixes[d])
        parts.append((X, kind, sub, onset, end, np.full(windows_per_device, d), np.arange(windows_per_device) * window))
    X, kind, sub, onset, end, device, start = (np.concatenate(p) for p in zip(*parts))
    return TrafficDataset(X, (kind != "normal").astype(np.int8), kind, sub, device.astype(np.int32),
                          start.astype(np.int64), FEATURES, onset.astype(np.int32), end.astype(np.int32))


def stream(device: int, n_windows: int = 100, *, window: int = 20, anomaly_rate: float = 0.2,
           difficulty: float = 0.5, dirichlet_alpha: float | None = 1.0,
           seed: int = SEED) -> Iterator[Window]:
    """Yield one device's windows in time order, as a gateway would receive them.

    Device ``d`` with the same arguments streams the same windows ``generate`` would give it
    (``generate`` draws the kind mixes for all devices first, so pass the same ``dirichlet_alpha``
    and a ``device`` below the ``n_devices`` you compare with). Only device ``d``'s stream is
    generated. The arguments are checked when ``stream`` is called, not at the first window.

    Limits (``ValueError`` otherwise): ``0 <= device < MAX_DEVICES`` (1,000),
    ``1 <= n_windows <= MAX_WINDOWS_PER_DEVICE`` (100,000), ``4 <= window <= MAX_WINDOW`` (1,000),
    ``n_windows * window <= MAX_STEPS`` (4,000,000), and the other limits of :func:`generate`.
    """
    device = whole("device", device, 0, MAX_DEVICES - 1)
    n_windows = whole("n_windows", n_windows, 1, MAX_WINDOWS_PER_DEVICE)
    _, n_windows, window, anomaly_rate, difficulty, dirichlet_alpha, seed = _check_generate_args(
        device + 1, n_windows, window, anomaly_rate, difficulty, dirichlet_alpha, seed)
    _check_steps("n_windows x window", n_windows * window)
    return _stream(device, n_windows, window, anomaly_rate, difficulty, dirichlet_alpha, seed)


def _stream(device, n_windows, window, anomaly_rate, difficulty, dirichlet_alpha, seed) -> Iterator[Window]:
    mix = _mixes(np.random.default_rng(seed), device + 1, dirichlet_alpha)[device]  # as generate draws it
    X, kind, sub, _, _ = _one_device(np.random.default_rng([seed, device]), n_windows, window, anomaly_rate,
                                     difficulty, mix)
    for i in range(n_windows):
        yield Window(device, i * window, X[i], int(kind[i] != "normal"), str(kind[i]), str(sub[i]))


def split(data: TrafficDataset, *, test_size: float = 0.2, val_size: float = 0.1, seed: int = SEED,
          by: str = "window") -> tuple[TrafficDataset, TrafficDataset, TrafficDataset]:
    """Split windows into (train, validation, test).

    ``by`` chooses what is held out (Kaufman et al., "Leakage in data mining", ACM TKDD 6(4),
    2012; Roberts et al., "Cross-validation strategies for data with temporal, spatial,
    hierarchical, or phylogenetic structure", Ecography 40, 2017):

    * ``"window"`` (default, kept for the callers that want every device in every part):
      windows at random, stratified by anomaly kind. No time step is shared, but every test
      device was seen in training and neighbouring windows of a device are correlated (slow
      vitals, one baseline per device), so the test score is optimistic.
    * ``"device"``: whole devices (patients) at random: ``round(test_size x devices)`` (at least 1)
      for test, ``round(val_size x devices)`` (at least 1 when ``val_size > 0``) for validation.
      Test devices are never seen in training: the score of a detector on a new patient.
    * ``"time"``: forward in time within every device: the first windows train, the next
      validate, the last test (the detector only ever predicts the future).

    Fit the :class:`Standardizer` on the train part only. Limits: ``test_size`` in [0.01, 0.9],
    ``val_size`` in [0, 0.9], their sum below 0.95, ``0 <= seed <= 2**32 - 1`` (scikit-learn's
    range); ``by="device"`` needs enough devices for train, validation and test.
    """
    test_size = real("test_size", test_size, 0.01, 0.9)
    val_size = real("val_size", val_size, 0.0, 0.9)
    seed = whole("seed", seed, 0, 2**32 - 1)
    if not isinstance(by, str) or by not in SPLITS:
        raise ValueError(f"by must be one of {SPLITS}, got {by!r}.")
    if test_size + val_size >= 0.95:
        raise ValueError("test_size + val_size must leave some windows for training.")
    if by == "device":
        return _split_devices(data, test_size, val_size, seed)
    if by == "time":
        return _split_time(data, test_size, val_size)
    return _split_windows(data, test_size, val_size, seed)


def _split_windows(data: TrafficDataset, test_size: float, val_size: float, seed: int):
    from sklearn.model_selection import train_test_split

    index = np.arange(len(data))
    strat = data.kind if min(np.unique(data.kind, return_counts=True)[1]) >= 3 else None
    rest, test = train_test_split(index, test_size=test_size, random_state=seed, stratify=strat)
    if val_size == 0:
        return data.subset(rest), data.subset(rest[:0]), data.subset(test)
    strat_rest = strat[rest] if strat is not None else None
    train, val = train_test_split(rest, test_size=val_size / (1 - test_size), random_state=seed, stratify=strat_rest)
    return data.subset(np.sort(train)), data.subset(np.sort(val)), data.subset(np.sort(test))


def _split_devices(data: TrafficDataset, test_size: float, val_size: float, seed: int):
    devices = np.unique(data.device)
    n_test = max(1, int(round(test_size * len(devices))))
    n_val = max(1, int(round(val_size * len(devices)))) if val_size > 0 else 0
    if n_test + n_val >= len(devices):
        raise ValueError(f"by='device' holds out {n_test} test + {n_val} validation device(s) of {len(devices)}: "
                         "generate more devices or lower test_size / val_size.")
    order = np.random.default_rng(seed).permutation(devices)
    test_dev, val_dev = order[:n_test], order[n_test:n_test + n_val]
    is_test, is_val = np.isin(data.device, test_dev), np.isin(data.device, val_dev)
    return data.subset(~is_test & ~is_val), data.subset(is_val), data.subset(is_test)


def _split_time(data: TrafficDataset, test_size: float, val_size: float):
    part = np.zeros(len(data), dtype=np.int8)  # 0 train, 1 validation, 2 test
    for d in np.unique(data.device):
        rows = np.flatnonzero(data.device == d)
        rows = rows[np.argsort(data.start[rows], kind="stable")]
        n_test = int(round(test_size * len(rows)))
        n_val = int(round(val_size * len(rows)))
        part[rows[len(rows) - n_test - n_val:len(rows) - n_test]] = 1
        part[rows[len(rows) - n_test:]] = 2
    return data.subset(part == 0), data.subset(part == 1), data.subset(part == 2)


def split_by_device(data: TrafficDataset) -> dict[int, TrafficDataset]:
    """One dataset per device id: the natural non-IID partition for federated learning."""
    return {int(d): data.subset(data.device == d) for d in np.unique(data.device)}


@dataclass
class Standardizer:
    """Z-score normalization per feature (paper Eq. 3), fitted on training windows only.

    Wraps scikit-learn's ``StandardScaler`` over every (window, step) row of a feature.
    """

    mean: np.ndarray | None = None
    scale: np.ndarray | None = None

    def fit(self, data: TrafficDataset | np.ndarray) -> Standardizer:
        from sklearn.preprocessing import StandardScaler

        X = data.X if isinstance(data, TrafficDataset) else np.asarray(data)
        if X.ndim != 3 or len(X) == 0:
            raise ValueError("fit needs windows shaped (windows, steps, features) and at least one window.")
        scaler = StandardScaler().fit(X.reshape(-1, X.shape[-1]))
        self.mean = scaler.mean_.astype(np.float32)
        self.scale = scaler.scale_.astype(np.float32)
        return self

    def transform(self, data: TrafficDataset | np.ndarray) -> np.ndarray:
        """Standardized copy of the windows (float32)."""
        if self.mean is None:
            raise ValueError("Standardizer is not fitted: call fit(train) first.")
        X = data.X if isinstance(data, TrafficDataset) else np.asarray(data, dtype=np.float32)
        if X.shape[-1] != len(self.mean):
            raise ValueError(f"expected {len(self.mean)} features per step, got {X.shape[-1]}.")
        return ((X - self.mean) / self.scale).astype(np.float32)


_NORMAL_LABELS = {"0", "0.0", "normal", "benign", "false", "no"}


def _numeric(column):
    """A CSV column as float64; text becomes NaN, numbers beyond float64 (a 400-digit integer) become inf."""
    try:
        return pd.to_numeric(column, errors="coerce").astype(np.float64)
    except (OverflowError, ValueError, TypeError):  # pandas refuses ints beyond float64 instead of coercing them
        def one(value) -> float:
            try:
                return float(str(value).strip())  # float("9" * 400) is inf
            except (OverflowError, ValueError):
                return float("nan")

        return column.map(one).astype(np.float64)


def load_csv(path: str | PathLike, *, features: Mapping[str, str] | Sequence[str], label: str,
             device: str | None = None, kind: str | None = None, window: int = 20,
             stride: int | None = None, normal_labels: Sequence[str] = tuple(_NORMAL_LABELS)) -> TrafficDataset:
    """Load a real IoMT dataset (one row per packet/flow/time step) into windows.

    Args:
        path: a CSV file with a header row.
        features: the CSV columns to use, either a list of names or a mapping
            ``{kit name: CSV column}`` (e.g. ``{"heart_rate": "Pulse_Rate"}``); the dataset's
            ``features`` get the kit names.
        label: the label column: 0/1, or text where any value in ``normal_labels`` is normal.
        device: optional column of device/patient ids; rows are windowed per device, in file order.
        kind: optional column naming the anomaly kind (else anomalous windows get "anomaly").
        window: rows per window; a window is anomalous if any of its rows is.
        stride: rows between window starts (default ``window``: no overlap, no leakage).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` for an unreadable file,
    missing or non-numeric columns, infinite values or values beyond float32 (+-3.4e38, e.g. a
    400-digit number; the message names the row and column), or too few rows for one window.

    Limits (``ValueError`` otherwise): ``1 <= window <= MAX_WINDOW`` (1,000),
    ``1 <= stride <= MAX_STEPS`` (4,000,000), and at most ``MAX_STEPS * 9`` = 36,000,000 window
    values (windows x window x features: 144 MB of float32), checked before any window is built.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No CSV file at {path}.")
    window = whole("window", window, 1, MAX_WINDOW)
    stride = whole("stride", window if stride is None else stride, 1, MAX_STEPS)
    names, columns = _feature_columns(features)
    frame, matrix = _read_checked(path, columns, label, device, kind)
    normal = {str(v).strip().lower() for v in normal_labels}
    row_y = (~frame[label].astype(str).str.strip().str.lower().isin(normal)).to_numpy()
    groups = frame[device].astype(str).to_numpy() if device else np.zeros(len(frame), dtype=int)
    row_kind = frame[kind].astype(str).to_numpy() if kind else np.where(row_y, "anomaly", "normal")
    return _cut_windows(path.name, matrix, row_y, row_kind, groups, window, stride, tuple(names))


def _feature_columns(features: Mapping[str, str] | Sequence[str]) -> tuple[list[str], list[str]]:
    """(kit names, CSV columns) of ``load_csv``'s ``features`` argument."""
    if isinstance(features, Mapping):
        names, columns = list(features.keys()), list(features.values())
    elif isinstance(features, (list, tuple)) and all(isinstance(c, str) for c in features):
        names, columns = list(features), list(features)
    else:
        raise TypeError("features must be a list of column names or a {kit name: column} mapping.")
    if not columns:
        raise ValueError("features is empty: name at least one CSV column.")
    return names, columns


def _read_checked(path: Path, columns: list[str], label: str, device: str | None,
                  kind: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The CSV as a frame plus its feature matrix (float32), after every check of ``load_csv``."""
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name} is not a readable CSV file ({type(error).__name__}: {error}).") from None
    wanted = columns + [label] + [c for c in (device, kind) if c]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name} has no column(s) {missing}; it has {list(frame.columns)}. "
                         "Fix the column mapping.")
    values = frame[columns].apply(_numeric)
    bad = [c for c in columns if values[c].isna().any()]
    if bad:
        rows = int(values[bad].isna().any(axis=1).sum())
        raise ValueError(f"column(s) {bad} hold empty or non-numeric values in {rows} row(s): clean them first.")
    finite = np.isfinite(values.to_numpy(dtype=np.float64)) & (values.abs() <= np.finfo(np.float32).max).to_numpy()
    if not finite.all():
        r, c = (int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"column {columns[c]!r} holds {values.iat[r, c]:g} in data row {r + 1} (line {r + 2} of "
                         f"{path.name}), and {int((~finite).sum())} value(s) in all are infinite or beyond the float32 "
                         "range (+-3.4e38): clean them first.")
    for column, what in ((label, "label"), (device, "device id"), (kind, "kind")):
        if column and (frame[column].isna().any() or frame[column].astype(str).str.strip().eq("").any()):
            rows = int((frame[column].isna() | frame[column].astype(str).str.strip().eq("")).sum())
            raise ValueError(f"{what} column {column!r} is empty in {rows} row(s): fill or drop those rows first "
                             "(an empty label would be read as an anomaly, an empty device id would drop rows).")
    return frame, values.to_numpy(dtype=np.float32)


def _cut_windows(name: str, matrix: np.ndarray, row_y: np.ndarray, row_kind: np.ndarray, groups: np.ndarray,
                 window: int, stride: int, features: tuple[str, ...]) -> TrafficDataset:
    """Per device (group), in file order: windows of ``window`` rows every ``stride`` rows."""
    sizes = pd.Series(groups).value_counts().to_numpy()
    n_windows = int(np.sum(np.maximum(0, (sizes - window) // stride + 1)))
    n_values = n_windows * window * len(features)
    if n_values > MAX_STEPS * len(FEATURES):
        raise ValueError(f"{name} would give {n_windows:,} windows x {window} rows x {len(features)} features = "
                         f"{n_values:,} values, above the limit of "
                         f"{MAX_STEPS * len(FEATURES):,} (MAX_STEPS x 9, 144 MB): raise stride or lower window.")
    X, y, kinds, devices, starts = [], [], [], [], []
    for g in pd.unique(groups):
        rows = np.flatnonzero(groups == g)
        for s in range(0, len(rows) - window + 1, stride):
            idx = rows[s:s + window]
            X.append(matrix[idx])
            anomalous = bool(row_y[idx].any())
            y.append(int(anomalous))
            kinds.append(next((row_kind[i] for i in idx if row_y[i]), "normal") if anomalous else "normal")
            devices.append(g)
            starts.append(s)
    if not X:
        raise ValueError(f"{name} has fewer than window={window} rows per device: lower window.")
    device_ids = pd.factorize(np.asarray(devices))[0]
    kind_array = np.asarray(kinds)
    return TrafficDataset(np.stack(X), np.asarray(y, dtype=np.int8), kind_array, kind_array.copy(),
                          device_ids.astype(np.int32), np.asarray(starts, dtype=np.int64), features)


def plot_kinds(data: TrafficDataset, features: Sequence[str] = ("delay_ms", "loss_rate", "heart_rate", "spo2"),
               seed: int = SEED):
    """A figure: one example window of each kind (columns) for a few features (rows).

    ``seed`` (which example is shown) is a whole number in [0, 2**63 - 1].
    """
    import matplotlib.pyplot as plt

    missing = [f for f in features if f not in data.features]
    if missing:
        raise ValueError(f"unknown feature(s) {missing}; choose from {list(data.features)}.")
    rng = np.random.default_rng(whole("seed", seed, 0, MAX_SEED))
    kinds = [k for k in KINDS if np.any(data.kind == k)]
    fig, axes = plt.subplots(len(features), len(kinds), figsize=(2.6 * len(kinds), 1.7 * len(features)),
                             sharex=True, squeeze=False)
    for c, k in enumerate(kinds):
        i = rng.choice(np.flatnonzero(data.kind == k))
        for r, f in enumerate(features):
            ax = axes[r, c]
            ax.plot(data.X[i, :, data.features.index(f)], color="tab:blue" if k == "normal" else "tab:red")
            if data.onset[i] >= 0:
                ax.axvspan(data.onset[i] - 0.5, data.end[i] - 0.5, color="tab:red", alpha=0.08)
            if r == 0:
                ax.set_title(f"{k}\n({data.subkind[i]})", fontsize=9)
            if c == 0:
                ax.set_ylabel(f"{f}\n[{UNITS.get(f, '')}]", fontsize=8)
            ax.tick_params(labelsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("time step", fontsize=8)
    fig.tight_layout()
    return fig
