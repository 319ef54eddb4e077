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
4. Evaluation as a reviewer would accept it: :func:`calibrate` chooses tau_med/tau_high on one
   seeded ward and names the rule that chose them; :func:`evaluate_routing` scores a rule on
   *another* ward (a different seed: other patients deteriorate, at other times), counting
   alarms per bed-day with and without suppression (:func:`~pqfl_kit.hospital.priority.suppress_alarms`),
   every human paged (the ward nurse too), and recall per patient.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from pqfl_kit import SEED, traffic
from pqfl_kit.limits import real, whole
from pqfl_kit.models.interface import Detector, probabilities

from .cds import LEVELS, Decision, Vitals, decide
from .ehr import EHR
from .gateway import Delivered, WardGateway
from .packets import aes_link, channel_link
from .priority import Thresholds, priority_level, suppress_alarms

__all__ = ["Scenario", "Ward", "WardRun", "simulate_ward", "fit_detector", "LogisticDetector", "run_ward",
           "score_ward", "fatigue_curve", "recommend_thresholds", "clinician_pages", "Calibration", "calibrate",
           "RoutingReport", "evaluate_routing", "PACKETS_PER_HOUR", "START", "WINDOW", "EPISODE", "NOT_CLINICIANS"]

PACKETS_PER_HOUR = 60  # one packet (a 20-sample window) per patient per minute
START = 1_798_790_400.0  # 2027-01-01 08:00 UTC, the simulated ward's first minute
WINDOW = 20  # samples per packet (= pqfl_kit.fl.task.WINDOW: the federated model scores these windows)
_CLINICAL_KINDS = {"physiological", "deterioration"}
EPISODE = (60, 30, 30)  # a seeded deterioration: minutes of worsening, at the peak, recovering once treated


@dataclass(frozen=True)
class Scenario:
    """What happens on the ward. Every field is validated; the same seed gives the same ward."""

    n_patients: int = 6
    minutes: int = 120
    tamper_rate: float = 0.0  # fraction of packets an attacker alters on the way
    replay_attack: bool = False  # the attacker re-sends packets captured earlier
    sensor_fault: bool = False  # patient 2's SpO2 probe fails (minutes 40-70)
    deterioration: bool = False  # patient 1 deteriorates over the last hour
    deteriorations: int = 0  # more deteriorating patients: drawn with the seed, each at a seeded onset (EPISODE)
    anomaly_rate: float = 0.06  # background anomalies of the traffic generator
    link: str = "aes"  # "aes" (E91 key, AES-256-GCM + HMAC) or "channel" (ML-KEM/ML-DSA + Ascon)
    seed: int = SEED

    def __post_init__(self) -> None:
        whole("n_patients", self.n_patients, 3, 50)
        whole("minutes", self.minutes, 10, 24 * 60)
        whole("seed", self.seed, 0)
        real("tamper_rate", self.tamper_rate, 0.0, 0.5)
        real("anomaly_rate", self.anomaly_rate, 0.0, 0.5)
        whole("deteriorations", self.deteriorations, 0, self.n_patients - int(self.deterioration is True))
        if self.deteriorations and self.minutes < sum(EPISODE):
            raise ValueError(f"seeded deteriorations last {sum(EPISODE)} minutes: use minutes >= {sum(EPISODE)}.")
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
    onsets: dict[int, int] = field(default_factory=dict)  # deteriorating patient -> minute it starts

    @property
    def clinical_truth(self) -> np.ndarray:
        """True where the patient really needs a clinician (not a device or network problem)."""
        return np.isin(self.kind, list(_CLINICAL_KINDS))

    def patient_hours(self) -> float:
        return len(self.patient) / PACKETS_PER_HOUR

    def bed_days(self) -> float:
        """Observed bed-days (24 patient-hours each): the denominator of alarm rates."""
        return self.patient_hours() / 24


def _col(name: str) -> int:
    return traffic.FEATURES.index(name)


def _onsets(sc: Scenario) -> dict[int, int]:
    """Deteriorating patient -> onset minute: patient 1 over the last hour (``deterioration``), then
    ``deteriorations`` other patients drawn with the seed, each at a seeded onset so that its whole
    :data:`EPISODE` fits in the shift."""
    onsets = {1: sc.minutes - EPISODE[0]} if sc.deterioration else {}
    if sc.deteriorations:
        rng = np.random.default_rng([sc.seed, 8])
        free = [p for p in range(sc.n_patients) if p not in onsets]
        for p in rng.choice(free, size=sc.deteriorations, replace=False):
            onsets[int(p)] = int(rng.integers(0, sc.minutes - sum(EPISODE) + 1))
    return onsets


def _progress(t: np.ndarray) -> np.ndarray:
    """How far a deterioration has gone ``t`` minutes after its onset, 0..1: it worsens for
    EPISODE[0] minutes (0.05 -> 1), stays at the peak, then recovers once treated."""
    up, peak, down = EPISODE
    rising = 0.05 + 0.95 * t / (up - 1)
    falling = 1.0 - (t - up - peak + 1) / down
    p = np.where(t < up, rising, np.where(t < up + peak, 1.0, falling))
    return np.where((t >= 0) & (t < up + peak + down), np.clip(p, 0.0, 1.0), 0.0)


def _inject_events(sc: Scenario, data: traffic.TrafficDataset, minute: np.ndarray, onsets: dict[int, int]):
    """The scenario's events in the windows: returns (windows, kind, progress, true SpO2)."""
    X = data.X.copy()
    kind = data.kind.astype(object).copy()
    hr, spo2, sbp = _col("heart_rate"), _col("spo2"), _col("bp_sys")
    progress = np.zeros(len(X))
    for p, onset in onsets.items():  # a sepsis-like trend (cf. NEWS2 escalation)
        mine = data.device == p
        progress[mine] = _progress(minute[mine] - onset)
    rows = np.flatnonzero(progress > 0)
    ramp, steps = progress[rows][:, None], 0.9 + 0.1 * np.linspace(0, 1, WINDOW)[None, :]
    X[rows, :, hr] += (45 * ramp) * steps
    X[rows, :, sbp] -= (38 * ramp) * steps
    X[rows, :, spo2] -= (8 * ramp) * steps
    true_spo2 = X[:, -1, spo2].copy()  # the patient's saturation, whatever the probe reports
    if sc.sensor_fault:  # patient 2's SpO2 probe reads zero for half an hour
        rows = np.flatnonzero((data.device == 2) & (minute >= 40) & (minute < 70))
        X[rows, 10:, spo2] = 0.0
        kind[rows] = "sensor_fault"
    kind[progress >= 0.3] = "deterioration"  # clinically significant from here on, whatever the probe says
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
    onsets = _onsets(sc)
    X, kind, progress, true_spo2 = _inject_events(sc, data, minute, onsets)
    vitals = _vitals(sc, X, data.device, progress, true_spo2)
    order = np.lexsort((data.device, minute))  # time order, patients interleaved
    return Ward(sc, data.device[order].astype(int), minute[order], X[order], [vitals[i] for i in order],
                np.asarray(kind[order], dtype=str), onsets=onsets)


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


@dataclass(frozen=True)
class Calibration:
    """Thresholds chosen on a calibration ward, with the rule that chose each and what it costs there."""

    thresholds: Thresholds
    tau_med_rule: str
    tau_high_rule: str
    min_recall: float
    recall: float  # on the calibration ward, score > tau_med
    critical_recall: float  # share of real trouble that goes straight to rapid response (score > tau_high)
    critical_precision: float
    rule: str = "paper"  # the rule whose recall tau_med was chosen for
    seed: int | None = None  # the calibration ward's seed

    def describe(self) -> str:
        t = self.thresholds
        where = f"ward seed {self.seed}" if self.seed is not None else "the calibration data"
        return (f"Calibrated on {where}: tau_med = {t.tau_med:.2f}, chosen by '{self.tau_med_rule}' "
                f"(recall there {self.recall:.2f}, constraint {self.min_recall:.2f}); tau_high = {t.tau_high:.2f}, "
                f"chosen by '{self.tau_high_rule}' (Critical catches {self.critical_recall:.2f} of real trouble "
                f"with precision {self.critical_precision:.2f}).")


def _calibrate(scores: np.ndarray, truth: np.ndarray, min_recall: float, critical_precision: float,
               base: np.ndarray | None = None) -> Calibration:
    """The threshold rules; ``base``: packets the fused rule pages a clinician for whatever the score
    (NEWS2 alert or an impossible reading), so its recall at tau is that of ``base | score > tau``."""
    if not 0 < min_recall <= 1 or not 0 < critical_precision <= 1:
        raise ValueError("min_recall and critical_precision must be in (0, 1].")
    curve = fatigue_curve(scores, truth, 1.0, np.round(np.arange(0.0, 0.99, 0.01), 2))
    recall = curve["recall"]
    if base is not None and truth.any():
        paged = (scores[None, :] > curve["tau"][:, None]) | base[None, :]
        recall = (paged & truth[None, :]).sum(1) / truth.sum()
    ok = np.flatnonzero(recall >= min_recall)
    which = "the fused rule's" if base is not None else "score > tau_med"
    if len(ok):
        tau_med, med_rule = float(curve["tau"][ok.max()]), f"highest tau_med with {which} recall >= {min_recall:.2f}"
    else:
        tau_med, med_rule = 0.0, f"no tau_med reaches {which} recall {min_recall:.2f}: lowest threshold"
    higher = curve["tau"] > tau_med
    above = np.flatnonzero(higher & (curve["precision"] >= critical_precision))
    half = np.flatnonzero(higher & (curve["recall"] >= 0.5))
    if len(above):
        tau_high, high_rule = float(curve["tau"][above.min()]), f"lowest tau_high with precision >= " \
                                                                  f"{critical_precision:.2f}"
    elif len(half):  # the score alone never gets that precise: keep Critical for the clearest half
        tau_high = float(curve["tau"][half.max()])
        high_rule = f"fallback: no tau_high reaches precision {critical_precision:.2f}, so the highest that " \
                    "still sends half of real trouble to rapid response"
    else:
        tau_high, high_rule = 1.0, "fallback: Critical off (no threshold above tau_med keeps half the recall)"
    thresholds = Thresholds(tau_med, min(1.0, max(tau_high, round(tau_med + 0.01, 2))))
    at = fatigue_curve(scores, truth, 1.0, np.array([thresholds.tau_med, thresholds.tau_high]))
    return Calibration(thresholds, med_rule, high_rule, min_recall, float(recall[int(round(tau_med * 100))]),
                       float(at["recall"][1]), float(at["precision"][1]), rule="paper" if base is None else "fused")


def recommend_thresholds(scores: np.ndarray, truth: np.ndarray, *, min_recall: float = 0.9,
                         critical_precision: float = 0.9) -> Thresholds:
    """The kit's operating point: the fewest alerts that still catch ``min_recall`` of real trouble.

    tau_med: the highest threshold whose recall is >= ``min_recall`` (missing a deteriorating
    patient costs more than an extra alert, so recall is the constraint and alert volume the
    objective). tau_high: the lowest threshold above tau_med whose alerts are right at least
    ``critical_precision`` of the time, so a Critical page almost always means a sick patient;
    if no threshold gets there (the score alone cannot tell a sick patient from a broken sensor,
    which is why eq. 10 adds NEWS2), the highest threshold that still sends half of the real
    deteriorations straight to the rapid-response team. The recall is met *on these scores*:
    choose on one ward and evaluate on another (:func:`calibrate`, :func:`evaluate_routing`).
    """
    return _calibrate(scores, truth, min_recall, critical_precision).thresholds


def calibrate(ward: Ward, *, rule: str = "paper", min_recall: float = 0.9,
              critical_precision: float = 0.9) -> Calibration:
    """:func:`recommend_thresholds` on a scored calibration ward, keeping the rule that chose each
    threshold and its recall and precision there (evaluate them on another ward).

    ``rule="paper"``: tau_med meets ``min_recall`` for the paper's rule (score > tau_med) alone.
    ``rule="fused"``: for the rule the kit deploys, where NEWS2 pages a clinician whatever the
    score, so tau_med may rise until the *fused* recall drops below ``min_recall``.
    """
    if rule not in ("paper", "fused"):
        raise ValueError(f"rule must be 'paper' or 'fused', got {rule!r}.")
    if ward.scores is None:
        raise ValueError("the calibration ward has no anomaly scores yet: call score_ward(ward, scorer) first")
    base = None
    if rule == "fused":  # priority Normal: what decide() pages a clinician for without the score
        always = [decide(Vitals(**v), "Normal") for v in ward.vitals]
        base = np.array([d.cause != "none" for d in always], dtype=bool)
    result = _calibrate(ward.scores, ward.clinical_truth, min_recall, critical_precision, base)
    return replace(result, seed=ward.scenario.seed)


# ------------------------------------------------------------------------------------ routing
NOT_CLINICIANS = frozenset({"clinical engineering", "security operations"})  # humans paged, not clinicians
# eq. 9 lanes -> who the paper's rule pages (High: the ward's monitoring station, Critical: rapid response)
_PAPER_PAGES: dict[str, tuple[str, ...]] = {"High": ("ward nurse",), "Critical": ("rapid-response team",)}


def _people(role: str) -> tuple[str, ...]:
    """The humans behind one notified role: 'nurse in charge + ward doctor (review)' is two people."""
    return tuple(part.strip() for part in role.split(" (")[0].split(" + "))


def _decisions(source: Ward | WardRun, thresholds: Thresholds | None) -> list[Decision | None]:
    """Each ward row's decision (None: the packet never reached the gateway's clinical logic).

    For a :class:`WardRun`, the gateway's own decisions for its delivered packets; for a scored
    :class:`Ward`, the same functions the gateway calls (eq. 9, then :func:`~.cds.decide`)."""
    if isinstance(source, WardRun):
        out: list[Decision | None] = [None] * len(source.ward.patient)
        for row, outcome in zip(source.source, source.outcomes):
            if isinstance(outcome, Delivered):
                out[row] = outcome.decision
        return out
    if source.scores is None:
        raise ValueError("the ward has no anomaly scores yet: call score_ward(ward, scorer) first")
    t = thresholds or Thresholds()
    return [decide(Vitals(**v), priority_level(float(s), t)) for v, s in zip(source.vitals, source.scores)]


def _alarms(decisions: list[Decision | None], rule: str) -> list[tuple[int, str, int, tuple[str, ...]]]:
    """Every alarm, packet by packet: (row, condition, level, humans paged), in row (time) order.

    ``"paper"``: Algorithm 3 line 14, an alarm whenever score > tau_med (High pages the ward nurse at
    the monitoring station, Critical the rapid-response team). ``"fused"``: the kit's
    :func:`~.cds.decide`; its clinical part (NEWS2) and its device part (bedside nurse when the patient is
    not already being seen, clinical engineering) are separate conditions."""
    alarms: list[tuple[int, str, int, tuple[str, ...]]] = []
    for row, d in enumerate(decisions):
        if d is None:
            continue
        level = LEVELS.index(d.level)
        if rule == "paper":
            if d.priority != "Normal":  # eq. 9 alone: High -> 2, Critical -> 3
                alarms.append((row, "anomaly", 2 if d.priority == "High" else 3, _PAPER_PAGES[d.priority]))
            continue
        clinical = d.cause in ("clinical", "both")
        if clinical:
            alarms.append((row, "clinical", level, _people(d.news2.response)))
        if d.cause in ("device/cyber", "both"):
            device = [r for r in d.roles if not (clinical and r == d.news2.response)]
            alarms.append((row, "device", level, tuple(p for r in device for p in _people(r))))
    return alarms


@dataclass(frozen=True)
class RoutingReport:
    """One alert rule on one ward: alarms and humans paged (with and without suppression), precision,
    recall per packet and per patient. Rates are per bed-day (24 patient-hours)."""

    rule: str  # "paper" (score > tau_med) or "fused" (NEWS2 + score, cds.decide)
    thresholds: Thresholds
    seed: int
    suppress_minutes: int
    bed_days: float
    alarms: int  # one per alerting packet and condition (no de-duplication)
    alarms_suppressed: int
    pages: dict[str, int]  # person -> times paged, no de-duplication
    pages_suppressed: dict[str, int]
    precision: float  # clinician alarms on a packet where the patient was in real trouble
    recall: float  # packets with real trouble on which a clinician was paged (a lost packet is a miss)
    patients: list[dict]  # per patient with real trouble: packets, recall, minutes to the first page
    min_recall: float = 0.9

    def clinician_pages(self, suppressed: bool = True) -> int:
        """Every clinician paged (the ward nurse too); clinical engineering and security are not counted."""
        pages = self.pages_suppressed if suppressed else self.pages
        return sum(n for person, n in pages.items() if person not in NOT_CLINICIANS)

    def per_bed_day(self, count: float) -> float:
        return count / self.bed_days

    @property
    def patients_caught(self) -> int:
        return sum(1 for p in self.patients if p["first page (min)"] is not None)

    @property
    def meets_recall(self) -> bool:
        return self.recall >= self.min_recall

    def summary(self) -> dict:
        """One table row (rates per bed-day)."""
        return {"rule": self.rule, "tau_med": self.thresholds.tau_med, "alarms/bed-day": self.per_bed_day(self.alarms),
                f"alarms/bed-day, {self.suppress_minutes}-min suppression": self.per_bed_day(self.alarms_suppressed),
                "clinician pages/bed-day": self.per_bed_day(self.clinician_pages(False)),
                "clinician pages/bed-day, suppressed": self.per_bed_day(self.clinician_pages(True)),
                "precision": self.precision, "recall": self.recall,
                f"meets recall >= {self.min_recall:.2f}": self.meets_recall,
                "patients caught": f"{self.patients_caught} of {len(self.patients)}"}


def _count(alarms: list, keep: np.ndarray) -> dict[str, int]:
    pages: dict[str, int] = {}
    for (_, _, _, people), fired in zip(alarms, keep):
        for person in people if fired else ():
            pages[person] = pages.get(person, 0) + 1
    return dict(sorted(pages.items()))


def _per_patient(ward: Ward, paged: np.ndarray) -> list[dict]:
    """Recall per patient with real trouble, and minutes from the first such packet to a clinician page."""
    truth, rows = ward.clinical_truth, []
    for p in np.unique(ward.patient[truth]):
        mine = ward.patient == p
        trouble = mine & (ward.kind == "deterioration") if int(p) in ward.onsets else mine & truth
        first = int(ward.minute[trouble].min())  # a deterioration counts from when it became significant
        pages = ward.minute[mine & paged & (ward.minute >= first)]
        rows.append({"patient": f"patient-{p + 1}", "deteriorates": int(p) in ward.onsets,
                     "packets in trouble": int((mine & truth).sum()),
                     "recall": float((mine & truth & paged).sum() / (mine & truth).sum()),
                     "first page (min)": int(pages.min() - first) if len(pages) else None})
    return rows


def evaluate_routing(source: Ward | WardRun, thresholds: Thresholds | None = None, *, rule: str = "fused",
                     suppress_minutes: int = 30, min_recall: float = 0.9) -> RoutingReport:
    """Score an alert rule on a ward it was not calibrated on (paper Algorithm 3 line 14 vs the kit).

    ``source``: a scored :class:`Ward` (decisions computed with ``thresholds``, as the gateway
    would) or a :class:`WardRun` (the gateway's own decisions; its ``thresholds``). Alarms are
    counted per bed-day, before and after :func:`~.priority.suppress_alarms` (one alarm per patient
    per condition per ``suppress_minutes``, re-alarm on escalation), and so is every human paged.
    Recall counts a packet of real trouble as caught when a clinician (the ward nurse included) was
    paged for it; a packet that never arrived is a miss, never a catch.
    """
    if rule not in ("paper", "fused"):
        raise ValueError(f"rule must be 'paper' (score > tau_med) or 'fused' (NEWS2 + score), got {rule!r}.")
    ward = source.ward if isinstance(source, WardRun) else source
    if isinstance(source, WardRun):
        thresholds = source.gateway.thresholds
    alarms = _alarms(_decisions(source, thresholds), rule)
    rows = np.array([a[0] for a in alarms], dtype=int)
    keep = suppress_alarms(ward.patient[rows], ward.minute[rows], [a[1] for a in alarms], [a[2] for a in alarms],
                           suppress_minutes)
    clinician = np.array([any(p not in NOT_CLINICIANS for p in a[3]) for a in alarms], dtype=bool)
    paged = np.zeros(len(ward.patient), bool)
    paged[rows[clinician]] = True
    truth = ward.clinical_truth
    n_clin = int(clinician.sum())
    return RoutingReport(
        rule, thresholds or Thresholds(), ward.scenario.seed, int(suppress_minutes), ward.bed_days(), len(alarms),
        int(keep.sum()), _count(alarms, np.ones(len(alarms), bool)), _count(alarms, keep),
        float(truth[rows[clinician]].sum() / n_clin) if n_clin else 1.0,
        float((paged & truth).sum() / truth.sum()) if truth.any() else 1.0, _per_patient(ward, paged), min_recall)


def clinician_pages(run: WardRun) -> dict[str, float]:
    """Pages per patient-hour, precision and recall of the kit's fused rule (eq. 10 + eq. 9) on a run.

    Every clinician paged counts, the bedside nurse sent to check a patient whose traffic looks wrong
    included (one page per person per packet, no suppression: see :func:`evaluate_routing`).
    """
    report = evaluate_routing(run, rule="fused", suppress_minutes=0)
    return {"pages_per_hour": report.clinician_pages(False) / run.ward.patient_hours(),
            "precision": report.precision, "recall": report.recall}
