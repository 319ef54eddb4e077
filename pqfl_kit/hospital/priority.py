"""Priority routing (paper Section III.C, eq. 9): anomaly score -> Critical / High / Normal.

    PriorityLevel(d_i) = Critical  if y_i > tau_high
                         High      if tau_med < y_i <= tau_high
                         Normal    otherwise

The paper calls tau_med and tau_high "clinically validated thresholds" without giving values;
:class:`Thresholds` only enforces that they make sense (0 <= tau_med < tau_high <= 1). Each
priority is routed to one clinical subsystem (Algorithm 3 line 12); the kit's names for them
are in :data:`SUBSYSTEMS`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..limits import real

__all__ = ["Thresholds", "priority_level", "PRIORITIES", "SUBSYSTEMS"]

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
