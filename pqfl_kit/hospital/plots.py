"""Figures for notebook 06: alert fatigue as the eq. 9 threshold tau_med moves (paper Algorithm 3
line 14), against the kit's fused NEWS2 + score rule."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .priority import Thresholds
from .ward import WardRun, clinician_pages, fatigue_curve

__all__ = ["plot_fatigue"]


def plot_fatigue(run: WardRun, thresholds: Thresholds, recommended: Thresholds | None = None) -> Figure:
    """Alerts per patient-hour, precision and recall of clinical alerts as tau_med moves."""
    ward = run.ward
    if ward.scores is None:
        raise ValueError("the ward has no anomaly scores yet: plot the result of run_ward(ward, scorer)")
    curve = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours())
    fused = clinician_pages(run)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.3))
    left.plot(curve["tau"], curve["alerts_per_hour"], color="#1f4e79", label="score > tau_med (paper)")
    left.axhline(fused["pages_per_hour"], color="#1b7f3b", ls=":", label="kit: NEWS2 + score")
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
