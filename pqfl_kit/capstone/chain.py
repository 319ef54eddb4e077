"""``run_chain(scenario) -> ChainReport``: the stage runners of :mod:`.stages`, in data-flow order."""
from __future__ import annotations

import time
from collections.abc import Callable

from pqfl_kit import SEED
from pqfl_kit.fl.task import MODELS
from pqfl_kit.limits import whole

from .report import ChainReport, Stage
from .scenarios import SCENARIOS, STAGES
from .stages import RUNNERS, ChainState

__all__ = ["run_chain"]


def _check(scenario, seed, fl_model, progress) -> None:
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
    whole("seed", seed, 0)
    if fl_model not in MODELS:
        raise ValueError(f"unknown fl_model {fl_model!r}: choose one of {', '.join(MODELS)}")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a function (done, total, label) or None")


def run_chain(scenario: str = "calm", *, seed: int = SEED, fl_model: str = "tinyml",
              progress: Callable[[int, int, str], None] | None = None) -> ChainReport:
    """Run every stage for the named scenario (a key of :data:`SCENARIOS`) and report each one.

    ``fl_model``: the federated model ("tinyml", "gru", "lstm" or "logreg": numpy, no Keras); the
    model the federation trains in stage 3 is the bedside scorer of stage 4.
    ``progress(done, total, label)`` is called before each stage and once at the end.
    Limit: ``seed`` a whole number >= 0 (``TypeError`` / ``ValueError`` otherwise).
    """
    _check(scenario, seed, fl_model, progress)
    sc = SCENARIOS[scenario]
    keys = [k for k in RUNNERS if k != "harvest" or sc.harvest]
    state = ChainState(sc, seed, fl_model)
    stages: list[Stage] = []
    details: dict = {}
    start = time.perf_counter()
    for number, key in enumerate(keys, start=1):
        if progress is not None:
            progress(number - 1, len(keys), STAGES[key])
        t0 = time.perf_counter()
        outcome = RUNNERS[key](state)
        details.update(outcome.details)
        stages.append(Stage(key, number, STAGES[key], outcome.status, outcome.explanation, outcome.figures,
                            time.perf_counter() - t0))
    if progress is not None:
        progress(len(keys), len(keys), "done")
    link = "E91" if state.link == "aes" else "ML-KEM-768 (fallback)"
    return ChainReport(sc, seed, stages, link, time.perf_counter() - start, details)
