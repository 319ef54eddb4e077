"""Figures for notebook 05: accuracy per round, round-time breakdown, energy and bytes of a federation,
and a figure as PNG bytes for the app's ``Image`` widget."""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .experiment import PHASES, FLReport

__all__ = ["plot_report", "figure_png"]

_PHASE_COLOURS = {"train": "#1f4e79", "seal": "#b3261e", "upload": "#e0a100", "aggregate": "#1b7f3b",
                  "broadcast": "#7a5195"}


def _accuracy(ax: Axes, report: FLReport, rounds: list[int]) -> None:
    """Test accuracy per round: FL against the centralized baseline (FedAvg, McMahan et al. 2017)."""
    ax.plot(rounds, [r.accuracy for r in report.rounds], "o-", color="#1f4e79",
            label=f"FL ({report.config['aggregator']})")
    if report.centralized is not None:
        ax.plot(rounds, report.centralized.accuracy[:len(rounds)], "s--", color="#777777", label="centralized")
    ax.set(title="Test accuracy per round", xlabel="round", ylabel="accuracy", ylim=(0, 1))
    ax.legend(fontsize=8)


def _round_time(ax: Axes, report: FLReport, rounds: list[int]) -> None:
    """Simulated round time stacked by phase (train, seal, upload, aggregate, broadcast)."""
    bottom = np.zeros(len(rounds))
    for phase in PHASES:
        values = np.array([getattr(r, phase) for r in report.rounds]) * 1e3
        ax.bar(rounds, values, bottom=bottom, color=_PHASE_COLOURS[phase], label=phase)
        bottom += values
    if report.centralized is not None:
        ax.axhline(report.centralized.total * 1e3, color="#777777", ls="--", label="centralized cycle")
    ax.set(title="Simulated round time (ms)", xlabel="round", ylabel="ms")
    ax.legend(fontsize=7, ncol=2)


def _energy(ax: Axes, report: FLReport) -> None:
    """Joules per device over all rounds (poisoned clients in red), with the final battery level."""
    energy = np.sum([r.energy_j for r in report.rounds], axis=0)
    colours = ["#b3261e" if c in report.poisoned_clients else "#1f4e79" for c in range(len(energy))]
    ax.bar(range(len(energy)), energy, color=colours)
    ax.set(title="Energy per device, all rounds (J; red = poisoned)", xlabel="client", ylabel="J")
    for c, level in enumerate(report.rounds[-1].battery_pct):
        if level is not None:
            ax.text(c, energy[c], f"{level:.0f}%", ha="center", va="bottom", fontsize=7)


def _bytes(ax: Axes, report: FLReport, rounds: list[int]) -> None:
    """Bytes on the wire per round: sealed updates up, the global model down."""
    ax.bar(np.array(rounds) - 0.2, [r.bytes_up / 1e3 for r in report.rounds], 0.4, label="up (updates)",
           color="#e0a100")
    ax.bar(np.array(rounds) + 0.2, [r.bytes_down / 1e3 for r in report.rounds], 0.4, label="down (global)",
           color="#7a5195")
    ax.set(title="Bytes on the wire per round (kB)", xlabel="round", ylabel="kB")
    ax.legend(fontsize=8)


def plot_report(report: FLReport) -> Figure:
    """Four panels: accuracy per round (FL vs centralized), round-time breakdown, energy, bytes."""
    rounds = [r.round for r in report.rounds]
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
    _accuracy(axes[0, 0], report, rounds)
    _round_time(axes[0, 1], report, rounds)
    _energy(axes[1, 0], report)
    _bytes(axes[1, 1], report, rounds)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 1]):
        ax.set_xticks(rounds)
    fig.tight_layout()
    return fig


def figure_png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (and closed). The app shows figures in an ``Image`` widget, not an
    ``Output`` widget: Voila 0.5 can hang for good when an ``Output`` widget captures a display
    while the notebook still executes (voila-dashboards/voila#1428), and this app draws its first
    figure while Voila renders it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()
