"""Figures for the primer (notebook 00a): shot histograms, amplitude bars, the Bloch circle, agreement vs angle,
binary entropy. Each returns a matplotlib Figure (the app shows it with ``show_figure``)."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .states import AngleRun, binary_entropy

__all__ = ["plot_counts", "plot_amplitudes", "plot_bloch_circle", "plot_agreement", "plot_entropy"]

_BLUE, _RED, _GREEN, _GREY = "#1f4e79", "#b3261e", "#1b7f3b", "#777777"


def plot_counts(counts: Mapping[str, int], expected: Sequence[float] | None = None, title: str = "") -> Figure:
    """A histogram of measured outcomes (labels in Qiskit's order); ``expected`` probabilities as dashes."""
    labels, values = list(counts), np.array([counts[k] for k in counts], dtype=float)
    shots = values.sum()
    fig, ax = plt.subplots(figsize=(max(3.2, 1.1 * len(labels) + 1.5), 2.8))
    bars = ax.bar(labels, values / shots, color=_BLUE, width=0.6, label=f"measured ({int(shots):,} shots)")
    tops = values / shots if expected is None else np.maximum(values / shots, np.asarray(expected, dtype=float))
    for bar, value, top in zip(bars, values, tops):
        ax.text(bar.get_x() + bar.get_width() / 2, top + 0.04, f"{int(value)}", ha="center", fontsize=8)
    if expected is not None:
        ax.scatter(labels, expected, marker="_", s=900, color=_RED, linewidths=2.5, zorder=3,
                   label="probability |amplitude|²")
    ax.set_ylim(0, 1.4)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_ylabel("fraction of shots")
    ax.set_xlabel("outcome (qubit 0 is the rightmost bit)" if len(labels[0]) > 1 else "outcome")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper center", frameon=False, ncol=2 if len(labels) > 2 else 1)
    fig.tight_layout()
    return fig


def plot_amplitudes(states: Mapping[str, Sequence[complex]], ylabel: str = "amplitude") -> Figure:
    """One bar chart per state: real amplitudes as signed bars (complex ones as |amplitude|, hatched)."""
    fig, axes = plt.subplots(1, len(states), figsize=(2.6 * len(states) + 0.6, 2.8), sharey=True, squeeze=False)
    for ax, (title, state) in zip(axes[0], states.items()):
        vector = np.asarray(state, dtype=complex)
        width = int(round(math.log2(len(vector))))
        labels = [format(k, f"0{width}b") for k in range(len(vector))]
        real = bool(np.allclose(vector.imag, 0, atol=1e-9))
        heights = vector.real if real else np.abs(vector)
        colours = [_BLUE if h >= 0 else _RED for h in heights]
        if width > 2:  # 8+ outcomes: number them 0, 1, 2, ... (the label's binary digits are the qubits)
            ax.bar(np.arange(len(vector)), heights, color=colours, width=0.6, hatch=None if real else "//")
            ax.set_xticks(np.arange(0, len(vector), 2 if len(vector) > 8 else 1))
        else:
            ax.bar(labels, heights, color=colours, width=0.6, hatch=None if real else "//")
        ax.axhline(0, color=_GREY, lw=0.8)
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="x", labelsize=8 if width > 2 else 9)
        if width > 2:
            ax.set_xlabel("outcome (as a whole number)", fontsize=8)
    negative = any(np.asarray(s, dtype=complex).real.min() < -1e-9 for s in states.values())
    axes[0][0].set_ylim(-1.05 if negative else 0, 1.05)
    axes[0][0].set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def plot_bloch_circle(theta: float, measure_angle: float | None = None, title: str = "") -> Figure:
    """The real state cos(θ/2)|0> + sin(θ/2)|1> as an arrow at angle θ on the Bloch sphere's x-z circle.

    Angles run from |0> (top) towards |+> (right); ``measure_angle`` draws the measurement direction
    t and its opposite, with P(along t) = cos²((θ − t)/2).
    """
    fig, ax = plt.subplots(figsize=(3.4, 3.6))
    circle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.sin(circle), np.cos(circle), color="#cccccc")
    for label, (x, z) in {"|0⟩": (0, 1.18), "|1⟩": (0, -1.2), "|+⟩": (1.22, 0), "|−⟩": (-1.22, 0)}.items():
        ax.text(x, z, label, ha="center", va="center", fontsize=9, color=_GREY)
    x, z = math.sin(theta), math.cos(theta)
    ax.annotate("", xy=(x, z), xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=_BLUE, lw=2.5))
    # the state's label beside the middle of its arrow (offset at a right angle to it)
    ax.text(0.5 * x - 0.28 * z, 0.5 * z + 0.28 * x, f"θ = {math.degrees(theta):.0f}°", fontsize=9, color=_BLUE,
            ha="center", va="center")
    if measure_angle is not None:
        mx, mz = math.sin(measure_angle), math.cos(measure_angle)
        ax.plot([-mx, mx], [-mz, mz], color=_RED, lw=1.5, ls="--")
        ax.plot([mx], [mz], "o", color=_RED)
        p = math.cos((theta - measure_angle) / 2) ** 2
        ax.text(0, -1.62, f"measured along t = {math.degrees(measure_angle):.0f}° (red dot): P(0) = {p:.2f}",
                fontsize=8, color=_RED, ha="center")
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.75 if measure_angle is not None else -1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or f"{math.cos(theta / 2):.2f}|0⟩ + {math.sin(theta / 2):.2f}|1⟩", fontsize=10)
    fig.tight_layout()
    return fig


def plot_agreement(runs: Sequence[AngleRun]) -> Figure:
    """Measured agreement of Alice's and Bob's bits against the angle between them, with cos²((a−b)/2)."""
    fig, ax = plt.subplots(figsize=(6, 3))
    grid = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.degrees(grid), np.cos(grid / 2) ** 2, color=_RED, label="cos²((a − b)/2)")
    diffs = [math.degrees((r.a - r.b) % (2 * math.pi)) for r in runs]
    ax.errorbar(diffs, [r.agree for r in runs], yerr=[3 * r.stderr for r in runs], fmt="o", color=_BLUE,
                capsize=3, label=f"simulated ({runs[0].shots:,} pairs each, ±3σ)" if runs else None)
    ax.set_xlabel("angle between Alice and Bob, a − b (degrees)")
    ax.set_ylabel("P(bits agree)")
    ax.set_xticks(range(0, 361, 45))
    ax.set_ylim(-0.05, 1.1)
    ax.legend(fontsize=8, frameon=False, loc="center")
    ax.set_title("Bell pair (|00⟩ + |11⟩)/√2 measured at two angles", fontsize=10)
    fig.tight_layout()
    return fig


def plot_entropy(marks: Sequence[float] = ()) -> Figure:
    """Shannon's binary entropy h(p): the bits of uncertainty in a coin that shows 1 with probability p."""
    fig, ax = plt.subplots(figsize=(5.5, 3))
    p = np.linspace(0, 1, 401)
    ax.plot(p, binary_entropy(p), color=_BLUE)
    for mark in marks:
        h = binary_entropy(mark)
        ax.plot([mark, mark], [0, h], color=_GREY, ls=":")
        ax.plot([mark], [h], "o", color=_RED)
        ax.annotate(f"h({mark:g}) = {h:.2f}", (mark, h), textcoords="offset points", xytext=(6, -12), fontsize=8)
    ax.set_xlabel("p (e.g. the error rate between Alice's and Bob's keys)")
    ax.set_ylabel("h(p) in bits")
    ax.set_ylim(0, 1.08)
    ax.set_title("binary entropy h(p) = −p log₂ p − (1 − p) log₂(1 − p)", fontsize=10)
    fig.tight_layout()
    return fig


