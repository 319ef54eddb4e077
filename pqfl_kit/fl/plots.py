"""Figures for notebook 05: accuracy per round, round-time breakdown, energy and bytes of a federation,
the clients' data partition, FL vs centralized to a target over seeds, poisoning as the attacker
share grows, a simulated day of batteries, and a figure as PNG bytes for the app's ``Image`` widget."""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .experiment import PHASES, FLReport

__all__ = ["plot_report", "figure_png", "plot_partition", "plot_to_target", "plot_poisoning", "plot_day"]

_PHASE_COLOURS = {"train": "#1f4e79", "seal": "#b3261e", "upload": "#e0a100", "aggregate": "#1b7f3b",
                  "broadcast": "#7a5195"}


def _accuracy(ax: Axes, report: FLReport, rounds: list[int]) -> None:
    """Test accuracy and F1 per round: FL against the centralized baseline (FedAvg, McMahan et al. 2017)."""
    ax.plot(rounds, [r.accuracy for r in report.rounds], "o-", color="#1f4e79",
            label=f"FL ({report.config['aggregator']}) accuracy")
    ax.plot(rounds, [r.f1 for r in report.rounds], "o:", color="#1f4e79", alpha=0.6, label="FL F1")
    if report.centralized is not None:
        ax.plot(rounds, report.centralized.accuracy[:len(rounds)], "s--", color="#777777",
                label="centralized accuracy")
    ax.set(title="Test accuracy and F1 per round", xlabel="round", ylabel="score", ylim=(0, 1))
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
    ax.set(title="Simulated Pi round time (ms; host x HOST_SPEED_VS_PI4)", xlabel="round", ylabel="ms")
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


def plot_partition(counts: np.ndarray, title: str = "Training windows per client") -> Figure:
    """Per-client class counts (``FederatedData.class_counts()``): stacked normal / anomalous bars,
    the anomalous share written above each bar."""
    counts = np.asarray(counts)
    clients = np.arange(len(counts))
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.bar(clients, counts[:, 0], color="#1f4e79", label="normal")
    ax.bar(clients, counts[:, 1], bottom=counts[:, 0], color="#b3261e", label="anomalous")
    for c, (normal, bad) in enumerate(counts):
        ax.text(c, normal + bad, f"{bad / max(normal + bad, 1):.0%}", ha="center", va="bottom", fontsize=7)
    ax.set(title=title, xlabel="client", ylabel="windows", xticks=clients)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_to_target(frame: pd.DataFrame, target: float) -> Figure:
    """Per seed: simulated seconds and kB until the target, FL vs centralized (a row of
    :func:`pqfl_kit.fl.evaluation.compare_to_target`; missing bars: target not reached)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    x = np.arange(len(frame))
    for ax, (fl, central, scale, unit) in zip(axes, [("fl_time_s", "central_time_s", 1e3, "ms"),
                                                     ("fl_bytes", "central_bytes", 1e-3, "kB")]):
        ax.bar(x - 0.2, frame[fl] * scale, 0.4, color="#1f4e79", label="FL")
        ax.bar(x + 0.2, frame[central] * scale, 0.4, color="#777777", label="centralized (upload once)")
        ax.set(title=f"to accuracy {target:.2f} ({unit})", xlabel="seed", ylabel=unit, xticks=x,
               xticklabels=[str(s) for s in frame.index])
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_poisoning(frame: pd.DataFrame, metric: str = "accuracy") -> Figure:
    """Mean +- sd over seeds of the final ``metric`` per aggregator against the number of poisoned
    clients (:func:`pqfl_kit.fl.evaluation.poisoning_sweep`; 0 = the clean baseline)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for aggregator, part in frame.groupby("aggregator", sort=False):
        stats = part.groupby("poisoned")[metric].agg(["mean", "std"])
        ax.errorbar(stats.index, stats["mean"], yerr=stats["std"].fillna(0), marker="o", capsize=3, label=aggregator)
    ax.set(title=f"Final {metric} as the attacker share grows (mean +- sd over seeds)",
           xlabel="poisoned clients", ylabel=metric, ylim=(0, 1))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_day(days: dict[str, pd.DataFrame]) -> Figure:
    """A simulated day per label (:func:`pqfl_kit.fl.evaluation.simulate_day`): mean battery,
    participants per round, accuracy."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for label, day in days.items():
        axes[0].plot(day.hour, day.mean_battery_pct, "o-", ms=3, label=label)
        axes[1].plot(day.hour, day.participants, "o-", ms=3, label=label)
        axes[2].plot(day.hour, day.accuracy, "o-", ms=3, label=label)
    for ax, what in zip(axes, ["mean battery (%)", "clients training", "test accuracy"]):
        ax.axvspan(-0.5, 7.5, color="#e0a100", alpha=0.15)  # on the charger (evaluation.CHARGING_HOURS)
        ax.set(title=what, xlabel="hour of the day (shaded: charging)")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig
