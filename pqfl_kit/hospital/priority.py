"""Priority routing (paper Section III.C, eq. 9): anomaly score -> Critical / High / Normal.

    PriorityLevel(d_i) = Critical  if y_i > tau_high
                         High      if tau_med < y_i <= tau_high
                         Normal    otherwise

The paper calls tau_med and tau_high "clinically validated thresholds" without giving values;
:class:`Thresholds` only enforces that they make sense (0 <= tau_med < tau_high <= 1). Each
priority is routed to one clinical subsystem (Algorithm 3 line 12); the kit's names for them
are in :data:`SUBSYSTEMS`.

Alarm suppression (:func:`suppress_alarms`) is the kit's, not the paper's: a gateway that pages on
every packet pages the same nurse for the same patient every minute. The kit sends one alarm per
patient per condition per ``window`` minutes (a reminder after that), and always re-alarms at
once when the level rises (escalation), so suppression can never hold back a worsening patient.
This is a common alarm-management policy (cf. The Joint Commission, NPSG.06.01.01 on clinical
alarm safety); the window length is a local choice, not a validated value.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from ..limits import real, whole

__all__ = ["Thresholds", "priority_level", "suppress_alarms", "PRIORITIES", "SUBSYSTEMS", "MAX_SUPPRESS_MINUTES"]

MAX_SUPPRESS_MINUTES = 24 * 60  # the longest suppression window: one day

PRIORITIES = ("Critical", "High", "Normal")
SUBSYSTEMS = {
    "Critical": "rapid-response",  # pager of the team on call, continuous monitoring
    "High": "ward-monitoring",  # the ward's central monitoring station
    "Normal": "ehr-charting",  # charted in the EHR, no one is interrupted
}


@dataclass(frozen=True)
class Thresholds:
    """tau_med and tau_high of eq. 9, validated: 0 <= tau_med < tau_high <= 1."""

    tau_med: float = 0.5
    tau_high: float = 0.8

    def __post_init__(self) -> None:
        med = real("tau_med", self.tau_med)
        high = real("tau_high", self.tau_high)
        if not 0.0 <= med < high <= 1.0:
            raise ValueError(
                f"Thresholds need 0 <= tau_med < tau_high <= 1, got tau_med={med:g}, tau_high={high:g}: "
                "anomaly scores are probabilities, and Critical must need a higher score than High.")
        object.__setattr__(self, "tau_med", med)
        object.__setattr__(self, "tau_high", high)

    def priority(self, score: float) -> str:
        """Eq. 9 for one anomaly score in [0, 1]."""
        return priority_level(score, self)


def priority_level(score: float, thresholds: Thresholds) -> str:
    """Eq. 9: Critical if score > tau_high, High if tau_med < score <= tau_high, else Normal."""
    try:
        score = real("an anomaly score", score, 0.0, 1.0)
    except TypeError as error:  # eq. 9 callers expect a ValueError for any unusable score
        raise ValueError(str(error)) from None
    if score > thresholds.tau_high:
        return "Critical"
    if score > thresholds.tau_med:
        return "High"
    return "Normal"


def suppress_alarms(patient: Sequence[Hashable], minute: Sequence[float], condition: Sequence[Hashable],
                    level: Sequence[int], window: int = 30) -> np.ndarray:
    """Which alarms fire after suppression (True) and which are repeats held back (False).

    The alarms are given in time order (one entry per alarm: patient, minute, condition, level).
    An alarm fires when its (patient, condition) has not fired in the last ``window`` minutes, or
    when its level is higher than the level that last fired (escalation: re-alarm at once).
    ``window = 0`` turns suppression off. Only alarms that happened count: a missing packet adds
    nothing and never resets or lowers anything (fail safe). Limit: ``window`` 0..
    ``MAX_SUPPRESS_MINUTES`` (1440).
    """
    window = whole("window (minutes)", window, 0, MAX_SUPPRESS_MINUTES)
    n = len(patient)
    if not len(minute) == len(condition) == len(level) == n:
        raise ValueError("patient, minute, condition and level must have one entry per alarm.")
    fired = np.zeros(n, bool)
    last: dict[tuple, tuple[float, int]] = {}  # (patient, condition) -> (minute, level) of the last alarm fired
    previous = -np.inf
    for i in range(n):
        t, lv = float(minute[i]), int(level[i])
        if t < previous:
            raise ValueError("alarms must be given in time order (minutes never decrease).")
        previous = t
        key = (patient[i], condition[i])
        before = last.get(key)
        if before is None or t - before[0] >= window or lv > before[1]:
            fired[i] = True
            last[key] = (t, lv)
    return fired
