"""Repeat a detector comparison over seeds and compare configurations pairwise (notebook 04).

One training on one split says little: with a few hundred test windows the standard error of an
accuracy is 1-2 points, and the seed alone (data, held-out devices, initial weights) moves a
model by as much. A comparison a reviewer accepts therefore

1. repeats every configuration over the same seeds, each seed giving one dataset, one
   device-held-out split (:func:`pqfl_kit.traffic.split` with ``by="device"``) and one
   initialisation shared by all configurations (a *paired* design);
2. chooses every decision threshold on the validation devices
   (:func:`pqfl_kit.models.detectors.validation_threshold`), and reports the majority-class
   baseline next to the models;
3. reports mean ± sample standard deviation over seeds, and compares configurations on their
   per-seed differences: a paired t-test (Student 1908; ``scipy.stats.ttest_rel``) with Holm's
   correction for the number of pairs (Holm, "A simple sequentially rejective multiple test
   procedure", Scand. J. Statistics 6, 1979), plus the number of seeds each side wins (with 5
   seeds a two-sided sign test can never reach p < 0.05: 2 x 0.5^5 = 0.0625). A difference
   whose corrected p is 0.05 or more is reported as "within noise", and configurations are
   ranked only where the differences are not.

Keras is imported inside :func:`seed_study` (this module stays light).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from pqfl_kit import SEED, traffic
from pqfl_kit.limits import whole

__all__ = ["STUDY_DATA", "STUDY_METRICS", "MAX_SEEDS", "seed_study", "summarize", "paired_comparison"]

STUDY_DATA = {"n_devices": 10, "windows_per_device": 200, "difficulty": 0.5}  # notebook 04's data
STUDY_METRICS = ("average_precision", "roc_auc", "f1", "recall", "precision", "accuracy")
MAX_SEEDS = 50  # seeds in one study (each seed trains every configuration once)
BASELINE = "majority"


def _row(seed: int, config: str, met, det=None) -> dict:
    row = {"seed": seed, "config": config, **{m: getattr(met, m) for m in STUDY_METRICS},
           "threshold": met.threshold, "prevalence": met.prevalence}
    if det is not None:
        row.update(best_epoch=det.best_epoch, epochs_run=det.epochs_run, stopped_early=det.stopped_early)
    return row


def seed_study(configs: Sequence[tuple[str, str]], seeds: Iterable[int] = tuple(range(SEED, SEED + 5)), *,
               data: dict | None = None, by: str = "device", test_size: float = 0.2, val_size: float = 0.2,
               epochs: int = 40, patience: int = 3, min_delta: float = 1e-3,
               progress: Callable[[int, str], None] | None = None) -> pd.DataFrame:
    """Train every (arch, optimizer) in ``configs`` once per seed; one row per (seed, config).

    Per seed: :func:`pqfl_kit.traffic.generate` (``data``, default :data:`STUDY_DATA`) with that
    seed, :func:`pqfl_kit.traffic.split` with ``by``, one majority-baseline row (config
    ``"majority"``), then each configuration trained with early stopping (``epochs`` is the cap),
    its threshold chosen on the validation split (F1) and its test metrics measured at that
    threshold. Columns: seed, config, :data:`STUDY_METRICS`, threshold, prevalence, best_epoch,
    epochs_run, stopped_early. ``progress(seed, config)`` is called before each training.

    Limits: 2 <= seeds <= ``MAX_SEEDS`` (50), each in [0, 2**32 - 1]; 1..9 configurations; the
    limits of ``generate``, ``split`` and ``train_detector``.
    """
    from pqfl_kit.models import detectors as D

    seeds = [whole("seed", s, 0, 2**32 - 1) for s in seeds]
    if not 2 <= len(seeds) <= MAX_SEEDS or len(set(seeds)) != len(seeds):
        raise ValueError(f"give 2 to MAX_SEEDS = {MAX_SEEDS} different seeds (a spread needs at least two).")
    configs = [(str(a), str(o)) for a, o in configs]
    if not 1 <= len(configs) <= len(D.ARCHITECTURES) * len(D.OPTIMIZERS):
        raise ValueError("give 1 to 9 (arch, optimizer) configurations.")
    rows = []
    for seed in seeds:
        train, val, test = traffic.split(traffic.generate(**(data or STUDY_DATA), seed=seed), by=by,
                                         test_size=test_size, val_size=val_size, seed=seed)
        rows.append(_row(seed, BASELINE, D.majority_baseline(train, test)))
        for arch, opt in configs:
            if progress is not None:
                progress(seed, f"{arch}/{opt}")
            det = D.train_detector(arch, train, val, optimizer=opt, epochs=epochs, patience=patience,
                                   min_delta=min_delta, seed=seed)
            met = D.evaluate(det, test, threshold=D.validation_threshold(det, val))
            rows.append(_row(seed, f"{arch}/{opt}", met, det))
        D.free_backend_memory()  # each model leaves ~40 MB of compiled programs
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame, metrics: Sequence[str] = ("average_precision", "f1", "accuracy"),
              digits: int = 3) -> pd.DataFrame:
    """Mean ± sample standard deviation (ddof=1) over seeds, one row per configuration, as text.

    Rows keep the order of first appearance; a column ``seeds`` gives n, ``stopped early`` how
    many runs early stopping ended before the cap and ``best epoch`` its mean.
    """
    _check_results(results, metrics)
    out = {}
    for config, part in results.groupby("config", sort=False):
        row: dict[str, object] = {m: f"{part[m].mean():.{digits}f} ± {part[m].std(ddof=1):.{digits}f}" for m in metrics}
        row["seeds"] = len(part)
        if "stopped_early" in part and part["stopped_early"].notna().any():
            row["stopped early"] = f"{int(part['stopped_early'].fillna(False).astype(bool).sum())}/{len(part)}"
            row["best epoch"] = round(float(part["best_epoch"].mean()), 1)
        out[config] = row
    return pd.DataFrame(out).T.fillna("")


def _check_results(results: pd.DataFrame, metrics: Sequence[str]) -> None:
    if not isinstance(results, pd.DataFrame) or not {"seed", "config"} <= set(results.columns):
        raise TypeError("results must be the DataFrame seed_study returns (columns seed, config, ...).")
    missing = [m for m in metrics if m not in results.columns]
    if missing:
        raise ValueError(f"unknown metric(s) {missing}; choose from {list(STUDY_METRICS)}.")


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error rate)."""
    order = np.argsort(p)
    adjusted = np.empty(len(p))
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (len(p) - rank) * p[i])
        adjusted[i] = min(1.0, running)
    return adjusted


def paired_comparison(results: pd.DataFrame, metric: str = "average_precision", *, alpha: float = 0.05,
                      include_baseline: bool = False) -> pd.DataFrame:
    """Every pair of configurations compared on the same seeds: differences, their spread, a test.

    Columns: ``mean diff`` (A - B, averaged over seeds), ``sd diff`` (sample sd of the per-seed
    differences), ``A wins`` (seeds where A > B, of n), ``p (paired t)`` (two-sided
    ``scipy.stats.ttest_rel``), ``p (Holm)`` (corrected for the number of pairs) and ``verdict``:
    "A better" / "B better" when the corrected p is below ``alpha``, else "within noise".
    The majority baseline is left out unless ``include_baseline``.
    """
    from scipy import stats

    _check_results(results, [metric])
    wide = results.pivot(index="seed", columns="config", values=metric)
    configs = [c for c in dict.fromkeys(results["config"]) if include_baseline or c != BASELINE]
    if len(configs) < 2 or len(wide) < 2:
        raise ValueError("a paired comparison needs at least two configurations and two seeds.")
    rows = []
    for a, b in combinations(configs, 2):
        diff = (wide[a] - wide[b]).dropna().to_numpy()
        sd = float(np.std(diff, ddof=1))
        p = float(stats.ttest_rel(wide[a], wide[b], nan_policy="omit").pvalue) if sd > 0 else (
            1.0 if np.all(diff == 0) else 0.0)
        rows.append({"A": a, "B": b, "mean diff": float(diff.mean()), "sd diff": sd,
                     "A wins": f"{int((diff > 0).sum())}/{len(diff)}", "p (paired t)": p})
    table = pd.DataFrame(rows)
    table["p (Holm)"] = _holm(table["p (paired t)"].to_numpy())
    table["verdict"] = [("A better" if d > 0 else "B better") if p < alpha else "within noise"
                        for d, p in zip(table["mean diff"], table["p (Holm)"])]
    return table
