"""Who trains in a round: client sampling, dropouts, a straggler deadline, energy-aware rules.

* Client sampling: each round a fraction C of the clients is drawn at random (McMahan et al.
  2017, Algorithm 1, "m <- max(C*K, 1)").
* Dropouts: a sampled client disappears (radio out of range, reboot) with probability p.
* Straggler deadline: the aggregator waits at most ``deadline_s`` simulated seconds; updates
  that would arrive later are left out of this round (Bonawitz et al. 2019, "Towards Federated
  Learning at Scale", Section 4: report deadlines).
* Energy-aware scheduling (papers/pqfl-iomt-overview, closing section: learning tasks timed for
  when devices are connected to power): a battery node trains only while charging or above a
  battery threshold.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Battery", "sample_clients", "drop_out", "eligible", "flat", "meets_deadline"]


@dataclass
class Battery:
    """A node's battery state: level in percent and whether it is on its charger."""

    level_pct: float
    charging: bool

    def drain(self, pct: float) -> None:
        self.level_pct = max(0.0, self.level_pct - pct)

    def charge(self, pct: float) -> None:
        self.level_pct = min(100.0, self.level_pct + pct)


def sample_clients(n_clients: int, fraction: float, rng: np.random.Generator) -> list[int]:
    """m = max(round(C*K), 1) distinct client indices, sorted (McMahan et al. 2017, Alg. 1)."""
    if n_clients < 1:
        raise ValueError("n_clients must be >= 1.")
    if not 0 < fraction <= 1:
        raise ValueError("fraction (C) must be in (0, 1].")
    m = max(int(round(fraction * n_clients)), 1)
    return sorted(int(i) for i in rng.choice(n_clients, size=m, replace=False))


def drop_out(clients: list[int], p: float, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """Split ``clients`` into (still here, dropped): each drops independently with probability p."""
    if not 0 <= p < 1:
        raise ValueError("dropout must be in [0, 1): with 1 nobody would ever report.")
    gone = rng.random(len(clients)) < p
    return [c for c, g in zip(clients, gone) if not g], [c for c, g in zip(clients, gone) if g]


def eligible(battery: Battery | None, threshold_pct: float) -> bool:
    """Energy-aware rule: mains power, charging, or battery at or above ``threshold_pct``."""
    return battery is None or battery.charging or battery.level_pct >= threshold_pct


def flat(battery: Battery | None) -> bool:
    """A battery node that is empty and not on its charger cannot train, scheduling or not."""
    return battery is not None and not battery.charging and battery.level_pct <= 0.0


def meets_deadline(arrival_s: float, deadline_s: float | None) -> bool:
    """True if an update arriving at ``arrival_s`` (simulated) makes the round's deadline."""
    return deadline_s is None or arrival_s <= deadline_s
