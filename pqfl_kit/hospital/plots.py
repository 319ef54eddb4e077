"""Figures for notebook 06: alert fatigue as the eq. 9 threshold tau_med moves (paper Algorithm 3
line 14), against the kit's fused NEWS2 + score rule; thresholds calibrated on one ward and
evaluated on another; alarms per bed-day with and without suppression."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .priority import Thresholds
from .ward import Calibration, RoutingReport, Ward, WardRun, clinician_pages, fatigue_curve

__all__ = ["plot_fatigue", "plot_calibration", "plot_routing"]


def plot_fatigue(run: WardRun, thresholds: Thresholds, recommended: Thresholds | None = None) -> Figure:
    """Alerts per patient-hour, precision and recall of clinical alerts as tau_med moves."""
    ward = run.ward
    if ward.scores is None:
        raise ValueError("the ward has no anomaly scores yet: plot the result of run_ward(ward, scorer)")
    curve = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours())
    fused = clinician_pages(run)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.3))
    left.plot(curve["tau"], curve["alerts_per_hour"], color="#1f4e79", label="score > tau_med (paper)")
    left.axhline(fused["pages_per_hour"], color="#1b7f3b", ls=":", label="kit: NEWS2 + score (every clinician)")
    left.set_xlabel("tau_med")
    left.set_ylabel("alerts per patient-hour")
    right.plot(curve["tau"], curve["precision"], color="#b3261e", label="precision")
    right.plot(curve["tau"], curve["recall"], color="#1f4e79", label="recall")
    right.scatter([thresholds.tau_med], [fused["precision"]], marker="*", s=120, color="#1b7f3b", zorder=3,
                  label="kit fused rule: precision")
    right.set_xlabel("tau_med")
    right.set_ylim(0, 1.05)
    for ax in (left, right):
        ax.axvline(thresholds.tau_med, color="#333333", lw=1, label="your tau_med")
        ax.axvline(thresholds.tau_high, color="#b3261e", lw=1, ls="--", label="your tau_high")
        if recommended is not None:
            ax.axvline(recommended.tau_med, color="#1b7f3b", lw=1, ls="-.", label="recommended tau_med")
        ax.legend(fontsize=7, loc="upper right" if ax is left else "lower left")
    fig.suptitle("Alert fatigue: clinical alerts (truth: a patient really deteriorating)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_calibration(calibration_ward: Ward, evaluation_ward: Ward, calibration: Calibration) -> Figure:
    """Recall and alerts per bed-day of score > tau_med on the calibration ward and on a second ward."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.3))
    pairs = ((calibration_ward, "#1f4e79", "calibration"), (evaluation_ward, "#b3261e", "evaluation"))
    for ward, colour, name in pairs:
        if ward.scores is None:
            raise ValueError("both wards need anomaly scores: call score_ward(ward, scorer) first")
        curve = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours())
        label = f"{name} ward (seed {ward.scenario.seed})"
        left.plot(curve["tau"], curve["recall"], color=colour, label=label)
        right.plot(curve["tau"], 24 * curve["alerts_per_hour"], color=colour, label=label)
    left.axhline(calibration.min_recall, color="#333333", ls=":", lw=1,
                 label=f"constraint {calibration.min_recall:.2f}")
    for ax in (left, right):
        ax.axvline(calibration.thresholds.tau_med, color="#1b7f3b", ls="-.", lw=1, label="calibrated tau_med")
        ax.set_xlabel("tau_med")
        ax.legend(fontsize=7, loc="lower left" if ax is left else "upper right")
    left.set_ylabel("recall (score > tau_med)")
    left.set_ylim(0, 1.05)
    right.set_ylabel("alarms per bed-day")
    fig.suptitle("Calibrate on one ward, evaluate on another", fontsize=10)
    fig.tight_layout()
    return fig


def plot_routing(reports: dict[str, RoutingReport]) -> Figure:
    """Clinician pages per bed-day with and without suppression, and recall per deteriorating patient."""
    if not reports:
        raise ValueError("plot_routing needs at least one RoutingReport")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.3))
    names, x = list(reports), np.arange(len(reports))
    raw = [r.per_bed_day(r.clinician_pages(False)) for r in reports.values()]
    kept = [r.per_bed_day(r.clinician_pages(True)) for r in reports.values()]
    minutes = next(iter(reports.values())).suppress_minutes
    left.bar(x - 0.2, raw, 0.4, color="#b3261e", label="every packet")
    left.bar(x + 0.2, kept, 0.4, color="#1b7f3b", label=f"{minutes}-min suppression, re-alarm on escalation")
    left.set_xticks(x, names, fontsize=8)
    left.set_ylabel("clinician pages per bed-day")
    left.legend(fontsize=7)
    for i, report in enumerate(reports.values()):
        sick = [p for p in report.patients if p["deteriorates"]]
        right.scatter([i] * len(sick), [p["recall"] for p in sick], color="#1f4e79", zorder=3,
                      label="a deteriorating patient" if i == 0 else None)
        right.scatter([i], [report.recall], marker="_", s=400, color="#b3261e", zorder=4,
                      label="all packets in trouble" if i == 0 else None)
    right.axhline(next(iter(reports.values())).min_recall, color="#333333", ls=":", lw=1, label="recall constraint")
    right.set_xticks(x, names, fontsize=8)
    right.set_ylabel("recall (a clinician paged)")
    right.set_ylim(0, 1.05)
    right.legend(fontsize=7, loc="lower left")
    fig.suptitle("Evaluation ward: who is paged, how often, and who is missed", fontsize=10)
    fig.tight_layout()
    return fig
