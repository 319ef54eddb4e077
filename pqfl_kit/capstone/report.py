"""What one run of the chain found: a :class:`StageOutcome` per stage runner, the report around them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .scenarios import STAGES, STATUSES, ChainScenario

__all__ = ["StageOutcome", "Stage", "ChainReport", "scenario_table"]


@dataclass(frozen=True)
class StageOutcome:
    """What every stage runner returns: a status, one sentence, key figures, raw results.

    ``details`` are the raw results (E91 run, FL reports, the ward run, ...) that end up in
    :attr:`ChainReport.details` for digging; the runner's status must be one of ``STATUSES``.
    """

    status: str
    explanation: str
    figures: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")


@dataclass(frozen=True)
class Stage:
    """One stage's outcome: a status, one sentence a learner understands, and its key figures."""

    key: str
    number: int
    name: str
    status: str
    explanation: str
    figures: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def figures_text(self) -> str:
        """The figures as 'name: value; ...' (floats with 3 significant digits)."""
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in self.figures.items())


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    return str(value)


@dataclass
class ChainReport:
    """What ``run_chain`` found: one :class:`Stage` per stage, plus the raw results for digging."""

    scenario: ChainScenario
    seed: int
    stages: list[Stage]
    link: str  # which key protected the ward's packets: "E91" or "ML-KEM-768 (fallback)"
    seconds: float
    details: dict[str, Any] = field(default_factory=dict, repr=False)

    def stage(self, key: str) -> Stage:
        """The stage with this key (see :data:`STAGES`)."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"no stage {key!r} in this run; stages: {[s.key for s in self.stages]}")

    @property
    def statuses(self) -> dict[str, str]:
        return {s.key: s.status for s in self.stages}

    def story(self) -> list[str]:
        """What happened, in plain sentences: every stage that was not 'ok'."""
        flagged = [f"Stage {s.number} · {s.name} [{s.status}]: {s.explanation}"
                   for s in self.stages if s.status != "ok"]
        return flagged or ["Every stage ran normally: no attack was seen and no patient needed urgent help."]

    def table(self, *, timings: bool = False):
        """One row per stage: status, what happened, key figures (and seconds if ``timings``)."""
        rows = [{"stage": f"{s.number} · {s.name}", "status": s.status, "what happened": s.explanation,
                 "key figures": s.figures_text(), **({"seconds": round(s.seconds, 2)} if timings else {})}
                for s in self.stages]
        return pd.DataFrame(rows).set_index("stage")


def scenario_table(reports: dict[str, ChainReport] | list[ChainReport]):
    """Scenarios x stages, each cell the stage's status ('-' where a stage did not run)."""
    reports = list(reports.values()) if isinstance(reports, dict) else list(reports)
    if not reports or not all(isinstance(r, ChainReport) for r in reports):
        raise TypeError("scenario_table needs ChainReport objects from run_chain()")
    present = [k for k in STAGES if any(k in r.statuses for r in reports)]
    rows = {r.scenario.key: {STAGES[k]: r.statuses.get(k, "-") for k in present} for r in reports}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")
