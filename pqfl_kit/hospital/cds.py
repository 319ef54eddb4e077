"""Clinical decision support: NEWS2 fused with the anomaly priority (paper eq. 10).

The paper's eq. 10 fuses the decrypted vitals into an alert level,
``AlertLevel = f_CDS(sum_j w_j * d_ij)``, with "medically validated weights" it does not give.
The kit uses a published, clinically validated early-warning score as the reference:

    Royal College of Physicians. *National Early Warning Score (NEWS) 2: Standardising the
    assessment of acute-illness severity in the NHS.* Updated report of a working party.
    London: RCP, December 2017. (Chart 1: the NEWS2 scoring system; Chart 2: thresholds and
    triggers; Table 1 / Chart 3: the clinical response.)

Each vital sign d_ij is mapped to its NEWS2 band score s_j in 0..3 (Chart 1), the weighted sum
``sum_j w_j * s_j`` is the aggregate (all w_j = 1 reproduces NEWS2 exactly), and f_CDS is the
RCP trigger table: aggregate 0-4 low, a single parameter scoring 3 low-medium ("red score"),
5-6 medium (the key threshold for urgent response), 7 or more high (emergency response).

The anomaly priority (paper eq. 9, from the traffic detector) is a *different* signal: it says
the device's traffic looks wrong, which can be a patient in trouble, a failing sensor or an
attack. :func:`decide` combines both and names who to notify; its ``cause`` tells a learner
which signal drove the alert.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..limits import real

__all__ = ["Vitals", "News2", "Decision", "news2", "decide", "chart_row", "PARAMETERS", "REFERENCE_WEIGHTS",
           "RISKS", "LEVELS", "CHART_SCORES"]

PARAMETERS = ("respiration_rate", "spo2", "air_or_oxygen", "systolic_bp", "pulse",
              "consciousness", "temperature")
REFERENCE_WEIGHTS: Mapping[str, float] = {name: 1.0 for name in PARAMETERS}  # NEWS2 as published

# RCP 2017, Chart 1. Each band is (inclusive upper limit, score); values above the last limit
# get the final score. The chart is read in whole numbers (rates, pressures, SpO2) and in 0.1 C
# (temperature); a reading that lies between two chart values (a respiration rate of 20.5) is
# scored in the more severe of the two neighbouring bands, never the milder one (fail safe).
_BANDS: dict[str, tuple[tuple[float, int], ...]] = {
    "respiration_rate": ((8, 3), (11, 1), (20, 0), (24, 2), (math.inf, 3)),
    "spo2_scale1": ((91, 3), (93, 2), (95, 1), (math.inf, 0)),
    "systolic_bp": ((90, 3), (100, 2), (110, 1), (219, 0), (math.inf, 3)),
    "pulse": ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2), (math.inf, 3)),
    "temperature": ((35.0, 3), (36.0, 1), (38.0, 0), (39.0, 1), (math.inf, 2)),
}
# Plausible physiological ranges: a reading outside them is a sensor problem, not a patient.
_PLAUSIBLE = {"respiration_rate": (2, 70), "spo2": (50, 100), "systolic_bp": (40, 300),
              "pulse": (20, 250), "temperature": (25.0, 45.0)}
VITAL_LIMIT = 10_000.0  # |value| of any numeric vital sign; beyond it is no reading at all
_CONSCIOUSNESS = {"A", "C", "V", "P", "U"}  # ACVPU: alert, new confusion, voice, pain, unresponsive

RISKS = ("low", "low-medium", "medium", "high")
LEVELS = ("none", "watch", "urgent", "emergency")  # the fused alert level, 0..3

# RCP 2017 Chart 3 (clinical response), shortened to the staff role the gateway notifies.
_RESPONSE = {
    "low": "ward nurse (routine observations)",
    "low-medium": "nurse in charge + ward doctor (urgent ward-based review)",
    "medium": "ward doctor (urgent review, acute-illness competencies)",
    "high": "critical care outreach team (emergency assessment)",
}


#: the score columns of the printed NEWS2 chart (RCP 2017, Chart 1): low values left of 0, high values right
CHART_SCORES = (3, 2, 1, 0, 1, 2, 3)


def chart_row(name: str) -> tuple[str, ...]:
    """One numeric row of the printed NEWS2 chart, from the bands this module scores with.

    ``name`` is "respiration_rate", "spo2" (scale 1), "systolic_bp", "pulse" or "temperature"; the
    result has one text per column of ``CHART_SCORES`` ("≤ 8", "9-11", "", ...).
    """
    bands = _BANDS["spo2_scale1" if name == "spo2" else name]
    decimals, step = (1, 0.1) if name == "temperature" else (0, 1)
    cells = [""] * len(CHART_SCORES)
    below_zero, low = True, None
    for limit, score in bands:
        if low is None:
            text = f"≤ {limit:.{decimals}f}"
        elif math.isinf(limit):
            text = f"≥ {low:.{decimals}f}"
        else:
            text = f"{low:.{decimals}f}-{limit:.{decimals}f}"
        cells[3 - score if below_zero else 3 + score] = text
        below_zero = below_zero and score != 0
        low = limit + step
    return tuple(cells)


def _band(table: tuple[tuple[float, int], ...], value: float) -> int:
    for limit, score in table:
        if value <= limit:
            return score
    return table[-1][1]  # pragma: no cover - the last limit is infinite


@dataclass(frozen=True)
class Vitals:
    """One set of observations, in the units of the NEWS2 chart.

    ``spo2_scale`` is 1 (default) or 2 (patients with hypercapnic respiratory failure, where
    the RCP target saturation is 88-92%); ``on_oxygen`` is the "air or oxygen" parameter.
    Numeric vitals must be finite and within +-``VITAL_LIMIT`` (10,000), else ``ValueError``;
    values outside the physiological ranges are accepted and flagged by :meth:`implausible`.
    """

    respiration_rate: float  # breaths/min
    spo2: float  # %
    systolic_bp: float  # mmHg
    pulse: float  # beats/min
    temperature: float  # degrees Celsius
    consciousness: str = "A"  # ACVPU
    on_oxygen: bool = False
    spo2_scale: int = 1

    def __post_init__(self) -> None:
        for name in ("respiration_rate", "spo2", "systolic_bp", "pulse", "temperature"):
            value = getattr(self, name)
            # the common case: one range comparison
            if (type(value) is float or type(value) is int) and -VITAL_LIMIT <= value <= VITAL_LIMIT:
                continue
            # raises, naming the limit (a 400-digit int included); numpy numbers become float
            object.__setattr__(self, name, real(f"Vitals.{name}", value, -VITAL_LIMIT, VITAL_LIMIT))
        if not isinstance(self.consciousness, str) or self.consciousness not in _CONSCIOUSNESS:
            raise ValueError(f"Vitals.consciousness must be one of A, C, V, P, U (ACVPU), got {self.consciousness!r}.")
        if not isinstance(self.on_oxygen, bool):
            raise TypeError("Vitals.on_oxygen must be True or False.")
        if isinstance(self.spo2_scale, bool) or self.spo2_scale not in (1, 2):
            raise ValueError(f"Vitals.spo2_scale must be 1 or 2, got {self.spo2_scale!r}.")

    @classmethod
    def from_dict(cls, data: Mapping) -> Vitals:
        """Build from a decoded packet payload; unknown keys are an error (malformed packet)."""
        if not isinstance(data, Mapping):
            raise TypeError("vitals must be a mapping of parameter -> value")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown vital sign(s): {sorted(unknown)}")
        return cls(**data)

    def implausible(self) -> tuple[str, ...]:
        """Parameters outside physiologically possible ranges (a sensor fault, not a patient)."""
        return tuple(name for name, (low, high) in _PLAUSIBLE.items()
                     if not low <= getattr(self, name) <= high)


def _chart_score(score_of, value: float, decimals: int = 0) -> int:
    """Score ``value`` as read on the chart (``decimals`` places): a value between two chart
    values takes the higher score of the two, so rounding can never move it to a milder band."""
    scale = 10 ** decimals
    scaled = value * scale
    nearest = round(scaled)
    if abs(scaled - nearest) < 1e-9:
        return score_of(nearest / scale)
    return max(score_of(math.floor(scaled) / scale), score_of(math.ceil(scaled) / scale))


def _spo2_score(spo2: float, scale: int, on_oxygen: bool) -> int:
    return _chart_score(lambda value: _spo2_band(value, scale, on_oxygen), spo2)


def _spo2_band(spo2: float, scale: int, on_oxygen: bool) -> int:
    if scale == 1:
        return _band(_BANDS["spo2_scale1"], spo2)
    # Scale 2 (RCP 2017 Chart 1): low saturations as scale 1 shifted to the 88-92% target; high
    # saturations score only when the patient is on oxygen (over-oxygenation risk).
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0
    if spo2 <= 94:
        return 1
    if spo2 <= 96:
        return 2
    return 3


def subscores(vitals: Vitals, ignore: tuple[str, ...] = ()) -> dict[str, int]:
    """NEWS2 score of each parameter, 0..3 (RCP 2017, Chart 1); parameters in ``ignore`` (readings
    that cannot be trusted) score 0, as a missing observation, and never hide the others."""
    def band(name: str, decimals: int = 0) -> int:
        return _chart_score(lambda value: _band(_BANDS[name], value), getattr(vitals, name), decimals)

    parts = {
        "respiration_rate": band("respiration_rate"),
        "spo2": _spo2_score(vitals.spo2, vitals.spo2_scale, vitals.on_oxygen),
        "air_or_oxygen": 2 if vitals.on_oxygen else 0,
        "systolic_bp": band("systolic_bp"),
        "pulse": band("pulse"),
        "consciousness": 0 if vitals.consciousness == "A" else 3,
        "temperature": band("temperature", 1),
    }
    return {name: 0 if name in ignore else score for name, score in parts.items()}


@dataclass(frozen=True)
class News2:
    """A NEWS2 result: the weighted aggregate (eq. 10's sum), its parts and the RCP risk."""

    score: float
    subscores: dict[str, int] = field(hash=False)
    risk: str  # one of RISKS
    response: str  # who the RCP clinical response asks for

    @property
    def red_score(self) -> bool:
        """True if any single parameter scores 3 (the RCP "red score" trigger)."""
        return any(s == 3 for s in self.subscores.values())


def _check_weights(weights: Mapping[str, float] | None) -> Mapping[str, float]:
    if weights is None:
        return REFERENCE_WEIGHTS
    if not isinstance(weights, Mapping):
        raise TypeError("weights must be a mapping {parameter: weight}")
    unknown = set(weights) - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown weight(s) {sorted(unknown)}; parameters are {', '.join(PARAMETERS)}.")
    merged = dict(REFERENCE_WEIGHTS)
    for name, w in weights.items():
        merged[name] = real(f"weight for {name}", w, 0)
    return merged


def news2(vitals: Vitals, weights: Mapping[str, float] | None = None, *, ignore: tuple[str, ...] = ()) -> News2:
    """Eq. 10 with NEWS2 as f_CDS: weighted sum of the band scores, then the RCP trigger table.

    ``weights`` (default: all 1, i.e. NEWS2 as published) let a learner explore other fusions;
    the thresholds 5 and 7 and the single-parameter rule stay those of RCP 2017 Chart 2.
    ``ignore``: parameters scored as missing (0), e.g. physiologically impossible readings.
    """
    if not isinstance(vitals, Vitals):
        raise TypeError(f"news2() needs a Vitals, got {type(vitals).__name__}.")
    w = _check_weights(weights)
    parts = subscores(vitals, ignore)
    score = sum(w[name] * s for name, s in parts.items())
    if score >= 7:
        risk = "high"
    elif score >= 5:
        risk = "medium"
    elif any(w[name] > 0 and s == 3 for name, s in parts.items()):
        risk = "low-medium"
    else:
        risk = "low"
    return News2(score=score, subscores=parts, risk=risk, response=_RESPONSE[risk])


@dataclass(frozen=True)
class Decision:
    """What the gateway does with one delivered packet (Algorithm 3 lines 10-16 + eq. 10)."""

    priority: str  # eq. 9: "Critical", "High" or "Normal"
    news2: News2
    level: str  # fused alert level, one of LEVELS
    alert: bool  # raise a clinical alert?
    cause: str  # "none", "clinical", "device/cyber", "both"
    roles: tuple[str, ...]  # staff roles to notify (empty when no alert)
    implausible: tuple[str, ...] = ()


_NEWS2_LEVEL = {"low": 1, "low-medium": 2, "medium": 2, "high": 3}
_PRIORITY_LEVEL = {"Normal": 0, "High": 2, "Critical": 3}
DEVICE_ROLE = "clinical engineering (check sensor and link)"


def decide(vitals: Vitals, priority: str, weights: Mapping[str, float] | None = None) -> Decision:
    """Fuse NEWS2 (how ill is the patient?) with the anomaly priority (is the traffic normal?).

    * Clinical alert: the priority is High or Critical (Algorithm 3 line 14: score > tau_med),
      or NEWS2 asks for an urgent response (risk low-medium or worse).
    * Level: the larger of the two signals (NEWS2 0 -> none, 1-4 -> watch, red score or 5-6 ->
      urgent, >= 7 -> emergency; anomaly High -> urgent, Critical -> emergency).
    * Roles: the RCP response for the NEWS2 risk; when only the traffic is abnormal (or a
      reading is physiologically impossible), the bedside nurse checks the patient and clinical
      engineering checks the device: that pattern is a failing sensor or an attack.
    * Fail safe: an impossible reading says nothing about the patient, so it is scored as a
      missing observation (0) while every other parameter still counts: a faulty SpO2 probe never
      hides a NEWS2 of 7 from the others, and never lowers the level they call for.
    """
    if priority not in _PRIORITY_LEVEL:
        raise ValueError(f"priority must be Critical, High or Normal, got {priority!r}.")
    implausible = vitals.implausible()
    result = news2(vitals, weights, ignore=implausible)
    clinical = 0 if result.score == 0 else _NEWS2_LEVEL[result.risk]
    anomaly = _PRIORITY_LEVEL[priority]
    level = max(clinical, anomaly, 2 if implausible else 0)
    clinical_alert = clinical >= 2
    device_alert = anomaly >= 2 or bool(implausible)
    alert = clinical_alert or device_alert
    if clinical_alert and device_alert:
        cause = "both"
    elif clinical_alert:
        cause = "clinical"
    elif device_alert:
        cause = "device/cyber"
    else:
        cause = "none"
    roles: tuple[str, ...] = ()
    if clinical_alert:
        roles = (result.response,)
    if device_alert:
        bedside = () if clinical_alert else ("ward nurse (check the patient at the bedside)",)
        roles = roles + bedside + (DEVICE_ROLE,)
    return Decision(priority=priority, news2=result, level=LEVELS[level],
                    alert=alert, cause=cause, roles=roles, implausible=implausible)
