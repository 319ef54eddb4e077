"""A simulated ward for notebook 06: patients, their devices, an attacker, the gateway.

The chain the paper describes end to end (Fig. 1, Algorithms 1 and 3), small enough to run in
a notebook:

1. :func:`simulate_ward` draws each patient's nano-network traffic with
   :func:`pqfl_kit.traffic.generate` (one 20-step window per packet, one packet per minute),
   and injects the scenario's events into the windows: a **patient deterioration** (a
   sepsis-like trend: pulse and breathing up, blood pressure and SpO2 down, fever, new
   confusion) or a **sensor fault** (the SpO2 probe reads zero). The generator only carries
   heart rate, SpO2 and systolic pressure; respiration rate and temperature (needed by NEWS2)
   are the kit's stand-ins: a per-patient baseline, coupled to SpO2 and pulse.
2. :func:`fit_detector` trains a detector on separate traffic (``"tinyml"``: the kit's Keras
   TinyML model from :mod:`pqfl_kit.models`; ``"logistic"``: scikit-learn logistic regression,
   for quick tests); both implement the kit's one detector interface,
   :class:`pqfl_kit.models.Detector`, so the federated model of notebook 05 can score the ward
   too (notebook 07). Every device scores its own windows (paper Algorithm 1 step 4).
3. :func:`run_ward` seals each packet (E91-keyed AES-256-GCM records or the Ascon PQC channel),
   lets an attacker tamper with a fraction of packets or replay captured ones, feeds everything
   to a :class:`~pqfl_kit.hospital.gateway.WardGateway`, and keeps the ground truth so the
   notebook can measure alert fatigue (:func:`fatigue_curve`, :func:`recommend_thresholds`).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pqfl_kit import SEED, traffic
from pqfl_kit.limits import real, whole
from pqfl_kit.models.interface import Detector, probabilities

from .ehr import EHR
from .gateway import Delivered, WardGateway
from .packets import aes_link, channel_link
from .priority import Thresholds

__all__ = ["Scenario", "Ward", "WardRun", "simulate_ward", "fit_detector", "LogisticDetector", "run_ward",
           "score_ward", "fatigue_curve", "recommend_thresholds", "clinician_pages", "PACKETS_PER_HOUR", "START",
           "WINDOW"]

PACKETS_PER_HOUR = 60  # one packet (a 20-sample window) per patient per minute
START = 1_798_790_400.0  # 2027-01-01 08:00 UTC, the simulated ward's first minute
WINDOW = 20  # samples per packet (= pqfl_kit.fl.task.WINDOW: the federated model scores these windows)
_CLINICAL_KINDS = {"physiological", "deterioration"}


@dataclass(frozen=True)
class Scenario:
    """What happens on the ward. Every field is validated; the same seed gives the same ward."""

    n_patients: int = 6
    minutes: int = 120
    tamper_rate: float = 0.0  # fraction of packets an attacker alters on the way
    replay_attack: bool = False  # the attacker re-sends packets captured earlier
    sensor_fault: bool = False  # patient 2's SpO2 probe fails (minutes 40-70)
    deterioration: bool = False  # patient 1 deteriorates over the last hour
    anomaly_rate: float = 0.06  # background anomalies of the traffic generator
    link: str = "aes"  # "aes" (E91 key, AES-256-GCM + HMAC) or "channel" (ML-KEM/ML-DSA + Ascon)
    seed: int = SEED

    def __post_init__(self) -> None:
        whole("n_patients", self.n_patients, 3, 50)
        whole("minutes", self.minutes, 10, 24 * 60)
        whole("seed", self.seed, 0)
        real("tamper_rate", self.tamper_rate, 0.0, 0.5)
        real("anomaly_rate", self.anomaly_rate, 0.0, 0.5)
        for name in ("replay_attack", "sensor_fault", "deterioration"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False.")
        if self.link not in ("aes", "channel"):
            raise ValueError(f"link must be 'aes' (E91 key) or 'channel' (PQC channel), got {self.link!r}.")


@dataclass
class Ward:
    """The plaintext stream, before encryption: one row per packet, in time order."""

    scenario: Scenario
    patient: np.ndarray  # patient index per packet
    minute: np.ndarray
    windows: np.ndarray  # (n, 20, features) raw traffic windows, as the device scored them
    vitals: list[dict]
    kind: np.ndarray  # truth: normal, physiological, deterioration, sensor_fault, cyber_attack
    scores: np.ndarray | None = None

    @property
    def clinical_truth(self) -> np.ndarray:
        """True where the patient really needs a clinician (not a device or network problem)."""
        return np.isin(self.kind, list(_CLINICAL_KINDS))

    def patient_hours(self) -> float:
        return len(self.patient) / PACKETS_PER_HOUR


def _col(name: str) -> int:
    return traffic.FEATURES.index(name)


def _inject_events(sc: Scenario, data: traffic.TrafficDataset, minute: np.ndarray):
    """The scenario's events in the windows: returns (windows, kind, progress, true SpO2)."""
    X = data.X.copy()
    kind = data.kind.astype(object).copy()
    hr, spo2, sbp = _col("heart_rate"), _col("spo2"), _col("bp_sys")
    progress = np.zeros(len(X))
    if sc.deterioration:  # patient 1, last hour: a sepsis-like trend (cf. NEWS2 escalation)
        rows = np.flatnonzero((data.device == 1) & (minute >= sc.minutes - 60))
        ramp = np.linspace(0.05, 1.0, len(rows))
        progress[rows] = ramp
        steps = np.linspace(0, 1, WINDOW)[None, :]
        X[rows, :, hr] += (45 * ramp[:, None]) * (0.9 + 0.1 * steps)
        X[rows, :, sbp] -= (38 * ramp[:, None]) * (0.9 + 0.1 * steps)
        X[rows, :, spo2] -= (8 * ramp[:, None]) * (0.9 + 0.1 * steps)
        kind[rows[ramp >= 0.3]] = "deterioration"  # from here on the trend is clinically significant
    true_spo2 = X[:, -1, spo2].copy()  # the patient's saturation, whatever the probe reports
    if sc.sensor_fault:  # patient 2's SpO2 probe reads zero for half an hour
        rows = np.flatnonzero((data.device == 2) & (minute >= 40) & (minute < 70))
        X[rows, 10:, spo2] = 0.0
        kind[rows] = "sensor_fault"
    return X, kind, progress, true_spo2


def _vitals(sc: Scenario, X: np.ndarray, device: np.ndarray, progress: np.ndarray, true_spo2: np.ndarray) -> list[dict]:
    """Each packet's vitals at bedside-monitor resolution (whole numbers, 0.1 C)."""
    rng = np.random.default_rng([sc.seed, 6])
    rr_base = rng.uniform(13, 18, sc.n_patients)
    temp_base = rng.uniform(36.4, 37.1, sc.n_patients)
    hr, spo2, sbp = _col("heart_rate"), _col("spo2"), _col("bp_sys")
    noise = rng.normal(0, 1, (len(X), 2))
    vitals = []
    for i in range(len(X)):
        p, last = int(device[i]), X[i, -1]
        sat = float(np.clip(last[spo2], 0, 100))  # what the probe reports
        breathing_sat = float(np.clip(true_spo2[i], 0, 100))  # a faulty probe does not change the breathing
        rr = rr_base[p] + 0.8 * max(0.0, 96 - max(breathing_sat, 70)) + 0.12 * max(0.0, last[hr] - 90) \
            + 0.7 * noise[i, 0] + 9 * progress[i]
        vitals.append({
            "respiration_rate": float(round(rr)), "spo2": float(round(sat)),
            "systolic_bp": float(round(last[sbp])), "pulse": float(round(last[hr])),
            "temperature": round(float(temp_base[p] + 0.1 * noise[i, 1] + 2.0 * progress[i]), 1),
            "consciousness": "C" if progress[i] > 0.85 else "A",
        })
    return vitals


def simulate_ward(scenario: Scenario | None = None) -> Ward:
    """Draw the ward's traffic and vitals and inject the scenario's clinical and device events."""
    sc = scenario or Scenario()
    data = traffic.generate(sc.n_patients, sc.minutes, window=WINDOW, anomaly_rate=sc.anomaly_rate,
                            difficulty=0.3, seed=sc.seed)
    minute = (data.start // WINDOW).astype(int)
    X, kind, progress, true_spo2 = _inject_events(sc, data, minute)
    vitals = _vitals(sc, X, data.device, progress, true_spo2)
    order = np.lexsort((data.device, minute))  # time order, patients interleaved
    return Ward(sc, data.device[order].astype(int), minute[order], X[order], [vitals[i] for i in order],
                np.asarray(kind[order], dtype=str))


class LogisticDetector:
    """scikit-learn logistic regression on the flattened, Z-scored window (a quick ward scorer).

    Implements :class:`pqfl_kit.models.Detector` on raw windows; its weights are the
    coefficients and the intercept. ``fit`` solves to convergence (``epochs`` is not used).
    """

    name = "logistic"

    def __init__(self, standardizer: traffic.Standardizer, C: float = 0.5):
        from sklearn.linear_model import LogisticRegression

        self.standardizer, self.model = standardizer, LogisticRegression(max_iter=2000, C=C)

    def _flat(self, windows: np.ndarray) -> np.ndarray:
        x = self.standardizer.transform(np.asarray(windows, dtype=np.float32))
        return x.reshape(len(x), -1)

    def fit(self, windows: np.ndarray, labels: np.ndarray, epochs: int = 1) -> None:
        self.model.fit(self._flat(windows), np.asarray(labels).reshape(-1))

    def score(self, windows: np.ndarray) -> np.ndarray:
        return probabilities(self.model.predict_proba(self._flat(windows))[:, 1])

    def get_weights(self) -> list[np.ndarray]:
        return [self.model.coef_.copy(), self.model.intercept_.copy()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        self.model.coef_, self.model.intercept_ = np.array(weights[0]), np.array(weights[1])
        self.model.classes_ = np.array([0, 1])


def fit_detector(kind: str = "tinyml", *, seed: int = SEED, epochs: int = 8) -> Detector:
    """Train an anomaly detector on separate generated traffic; it scores raw ward windows.

    ``"tinyml"`` is the kit's TinyML model (:func:`pqfl_kit.models.detectors.train_detector`,
    a few seconds on 2 cores); ``"logistic"`` a scikit-learn logistic regression on the
    standardized windows (well under a second, for tests and benchmarks). Both implement
    :class:`pqfl_kit.models.Detector`.
    """
    if kind not in ("tinyml", "logistic"):
        raise ValueError(f"detector kind must be 'tinyml' or 'logistic', got {kind!r}.")
    seed = whole("seed", seed, 0)
    data = traffic.generate(8, 150, window=WINDOW, anomaly_rate=0.35, difficulty=0.3, seed=seed + 1)
    train, val, _ = traffic.split(data, test_size=0.1, val_size=0.15, seed=seed)
    if kind == "tinyml":
        from pqfl_kit.models.detectors import train_detector

        return train_detector("tinyml", train, val, epochs=epochs, seed=seed)
    detector = LogisticDetector(traffic.Standardizer().fit(train))
    detector.fit(train.X, train.y)
    return detector


@dataclass
class WardRun:
    """The result of :func:`run_ward`: the gateway, every outcome and the truth behind it."""

    ward: Ward
    gateway: WardGateway
    outcomes: list
    attack: list[str]  # per received packet: "", "tampered" or "replayed"
    source: list[int]  # per received packet: index into the ward's rows
    delivered_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, int))

    def lanes(self) -> dict[str, int]:
        counts = {lane: 0 for lane in ("Critical", "High", "Normal", "Quarantine")}
        for o in self.outcomes:
            counts[o.lane] += 1
        return counts


def score_ward(ward: Ward, scorer: Detector | Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Every device scores its own windows (Algorithm 1 step 4): ``ward.scores``, in [0, 1].

    ``scorer``: any :class:`pqfl_kit.models.Detector` on raw windows (``fit_detector(...)``, or
    the federated model behind its Z-score, ``FederatedData.deploy(model)``), or a plain
    function ``windows -> scores``.
    """
    score = scorer.score if isinstance(scorer, Detector) else scorer
    ward.scores = probabilities(score(ward.windows))
    return ward.scores


def _register_devices(sc: Scenario, gateway: WardGateway) -> list:
    """One sender per bedside device, its link registered at the gateway."""
    senders = []
    for p in range(sc.n_patients):
        device, patient = f"bed{p + 1}-monitor", f"patient-{p + 1}"
        if sc.link == "aes":  # one E91-distilled key per bedside device (random bytes stand in here)
            sender, link = aes_link(device, patient, secrets.token_bytes(32))
        else:
            sender, link = channel_link(device, patient, seed=sc.seed + p)
        gateway.register(link)
        senders.append(sender)
    return senders


def run_ward(ward: Ward, scorer: Detector | Callable[[np.ndarray], np.ndarray] | None = None, *,
             thresholds: Thresholds | None = None, ehr: EHR | None = None, on_alert=None) -> WardRun:
    """Seal the ward's packets, let the scenario's attacker act, and run them through a gateway.

    ``scorer`` (see :func:`score_ward`) is needed only while ``ward.scores`` is still empty.
    """
    sc = ward.scenario
    scores = ward.scores
    if scores is None:
        if scorer is None:
            raise ValueError("the ward has no anomaly scores yet: pass scorer=fit_detector(...)")
        scores = score_ward(ward, scorer)
    rng = np.random.default_rng([sc.seed, 7])
    clock = [START]
    gateway = WardGateway(ehr, thresholds=thresholds, clock=lambda: clock[0], on_alert=on_alert, keep_recent=400)
    senders = _register_devices(sc, gateway)
    captured: list[tuple[int, bytes]] = []
    outcomes: list = []
    attack: list[str] = []
    source: list[int] = []

    def deliver(frame: bytes, label: str, row: int, minute: int) -> None:
        clock[0] = START + 60.0 * minute + 1.0
        outcomes.append(gateway.receive(frame))
        attack.append(label)
        source.append(row)

    for row in range(len(ward.patient)):
        p, minute = int(ward.patient[row]), int(ward.minute[row])
        frame = senders[p].packet(START + 60.0 * minute, float(scores[row]), ward.vitals[row])
        label = ""
        if sc.tamper_rate and rng.random() < sc.tamper_rate:  # flip one bit of the protected body
            b = bytearray(frame)
            b[int(rng.integers(len(frame) - 60, len(frame)))] ^= 1 << int(rng.integers(8))
            frame, label = bytes(b), "tampered"
        deliver(frame, label, row, minute)
        captured.append((row, frame))
        if sc.replay_attack and minute >= 20 and rng.random() < 0.08:  # re-send a capture 2-90 min old
            old = [c for c in captured if minute - 90 <= int(ward.minute[c[0]]) <= minute - 2]
            if old:
                r, f = old[int(rng.integers(len(old)))]
                deliver(f, "replayed", r, minute)
    gateway.ehr.flush()
    delivered = np.array([source[i] for i, o in enumerate(outcomes) if isinstance(o, Delivered)], dtype=int)
    return WardRun(ward, gateway, outcomes, attack, source, delivered)


def clinician_pages(run: WardRun) -> dict[str, float]:
    """Precision, recall and pages per patient-hour of the kit's fused rule (eq. 10 + eq. 9).

    A clinician is paged only when :func:`~pqfl_kit.hospital.cds.decide` says the cause is
    clinical (NEWS2) or both; device/cyber alerts go to clinical engineering instead.
    """
    ward = run.ward
    truth = ward.clinical_truth
    paged = np.zeros(len(ward.patient), bool)
    seen = np.zeros(len(ward.patient), bool)
    for row, outcome in zip(run.source, run.outcomes):
        if isinstance(outcome, Delivered):
            seen[row] = True
            paged[row] = outcome.decision.cause in ("clinical", "both")
    hits = int((paged & truth & seen).sum())
    return {"pages_per_hour": float(paged.sum() / ward.patient_hours()),
            "precision": float(hits / paged.sum()) if paged.any() else 1.0,
            "recall": float(hits / (truth & seen).sum()) if (truth & seen).any() else 1.0}


def fatigue_curve(scores: np.ndarray, truth: np.ndarray, patient_hours: float,
                  taus: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Alert fatigue as tau_med moves (Algorithm 3 line 14: alert when score > tau_med).

    Returns, per tau: alerts per patient-hour, precision (alerts that were a patient in real
    trouble) and recall (real trouble that raised an alert).
    """
    scores, truth = np.asarray(scores, float), np.asarray(truth, bool)
    if scores.shape != truth.shape or scores.ndim != 1 or not len(scores):
        raise ValueError("scores and truth must be 1-D arrays of the same, non-zero length.")
    if not patient_hours > 0:
        raise ValueError("patient_hours must be positive.")
    taus = np.linspace(0.0, 0.99, 100) if taus is None else np.asarray(taus, float)
    alerts = scores[None, :] > taus[:, None]
    n_alerts = alerts.sum(1)
    hits = (alerts & truth[None, :]).sum(1)
    precision = np.divide(hits, n_alerts, out=np.ones(len(taus)), where=n_alerts > 0)
    recall = hits / truth.sum() if truth.any() else np.ones(len(taus))
    return {"tau": taus, "alerts_per_hour": n_alerts / patient_hours, "precision": precision, "recall": recall}


def recommend_thresholds(scores: np.ndarray, truth: np.ndarray, *, min_recall: float = 0.9,
                         critical_precision: float = 0.9) -> Thresholds:
    """The kit's operating point: the fewest alerts that still catch ``min_recall`` of real trouble.

    tau_med: the highest threshold whose recall is >= ``min_recall`` (missing a deteriorating
    patient costs more than an extra alert, so recall is the constraint and alert volume the
    objective). tau_high: the lowest threshold above tau_med whose alerts are right at least
    ``critical_precision`` of the time, so a Critical page almost always means a sick patient;
    if no threshold gets there (the score alone cannot tell a sick patient from a broken sensor,
    which is why eq. 10 adds NEWS2), the highest threshold that still sends half of the real
    deteriorations straight to the rapid-response team.
    """
    if not 0 < min_recall <= 1 or not 0 < critical_precision <= 1:
        raise ValueError("min_recall and critical_precision must be in (0, 1].")
    curve = fatigue_curve(scores, truth, 1.0, np.round(np.arange(0.0, 0.99, 0.01), 2))
    ok = np.flatnonzero(curve["recall"] >= min_recall)
    tau_med = float(curve["tau"][ok.max()]) if len(ok) else 0.0
    higher = curve["tau"] > tau_med
    above = np.flatnonzero(higher & (curve["precision"] >= critical_precision))
    if len(above):
        tau_high = float(curve["tau"][above.min()])
    elif (higher & (curve["recall"] >= 0.5)).any():  # the score alone never gets that precise:
        # keep Critical for the clearest half of real deteriorations (rapid response sees them first)
        tau_high = float(curve["tau"][np.flatnonzero(higher & (curve["recall"] >= 0.5)).max()])
    else:
        tau_high = 1.0
    return Thresholds(tau_med, max(tau_high, round(tau_med + 0.01, 2)))
