"""Figures for notebook 01: the period of a^x mod N, Shor's measured phases, Grover's rotation and
amplitudes, Grover's success curve, Mosca's timeline."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from pqfl_kit.limits import whole

from .grover import GroverResult, grover_amplitudes, grover_angle, grover_optimal_iterations, grover_theory
from .risk import MoscaVerdict
from .shor import ShorResult, modular_powers, multiplicative_order

__all__ = ["plot_modular_powers", "plot_shor_histogram", "plot_grover_rotation", "plot_grover_amplitudes",
           "plot_grover", "plot_mosca"]

MAX_PERIOD_PANELS = 4  # plot_modular_powers: one panel per (N, a)
MAX_ROTATION_STEPS = 12  # plot_grover_rotation: one arrow per iteration count
_BLUE, _RED, _GREY = "#1f4e79", "#b3261e", "#555555"


def plot_modular_powers(cases=((15, 7), (21, 2)), periods: int = 3) -> Figure:
    """a^x mod N against x for each (N, a): the values repeat with period r, the order of a (N&C sec. 5.3.1).

    Each panel shades the repeats of the pattern in turn and marks the first period with an arrow
    labelled "period r = ...". Limits: 1..``MAX_PERIOD_PANELS`` (4) cases, each with N and a as for
    ``modular_powers`` (a coprime to N); ``periods`` 1..6 repeats shown.
    """
    cases = [tuple(case) for case in cases]
    whole("number of cases", len(cases), 1, MAX_PERIOD_PANELS)
    periods = whole("periods", periods, 1, 6)
    orders = [multiplicative_order(N, a) for N, a in cases]
    fig, axes = plt.subplots(len(cases), 1, figsize=(7, 2.3 * len(cases)), squeeze=False)
    for ax, (N, a), r in zip(axes[:, 0], cases, orders):
        xs = np.arange(periods * r + 1)
        ys = modular_powers(N, a, len(xs))
        for start in range(0, periods * r, r):
            ax.axvspan(start - 0.5, start + r - 0.5, color=_BLUE if (start // r) % 2 else _GREY, alpha=0.08, lw=0)
        ax.plot(xs, ys, "o-", color=_BLUE, lw=1, ms=5)
        ax.plot(xs[::r], [1] * len(xs[::r]), "o", color=_RED, ms=8, label="a^x mod N = 1 (x = 0, r, 2r, ...)")
        top = N * 1.08
        ax.annotate("", xy=(r, top), xytext=(0, top), arrowprops={"arrowstyle": "<->", "color": _RED})
        ax.text(r / 2, top * 1.03, f"period r = {r}", color=_RED, ha="center", va="bottom", fontsize=9)
        ax.set_ylim(0, N * 1.5)
        ax.set_xticks(xs)
        ax.set_ylabel(f"{a}^x mod {N}")
        ax.set_title(f"N = {N}, a = {a}: the powers repeat every r = {r} steps", fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
    axes[-1, 0].set_xlabel("exponent x")
    fig.tight_layout()
    return fig


def plot_grover_rotation(n_qubits: int = 4, iterations: int | None = None) -> Figure:
    """Grover's search as a rotation (N&C sec. 6.1.3, fig. 6.3): the state lives in the plane spanned by
    |rest> (the unmarked items, in equal superposition) and |marked>; it starts at angle θ (sin θ = 1/√2^n)
    and every iteration turns it by 2θ. The height of each arrow's tip is the marked amplitude; its square
    is the chance of finding the key.

    Limits: 1..``MAX_THEORY_QUBITS`` qubits; ``iterations`` 0..``MAX_ROTATION_STEPS`` (12; default: one past
    the optimum, to show the overshoot).
    """
    theta = grover_angle(n_qubits)
    best = grover_optimal_iterations(n_qubits)
    iterations = best + 1 if iterations is None else whole("iterations", iterations, 0, MAX_ROTATION_STEPS)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    circle = np.linspace(0, np.pi, 200)
    ax.plot(np.cos(circle), np.sin(circle), color=_GREY, lw=0.6, ls=":")
    for k in range(iterations + 1):
        angle = (2 * k + 1) * theta
        x, y = np.cos(angle), np.sin(angle)
        colour = _RED if k == best else _BLUE
        ax.annotate("", xy=(x, y), xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2 if k == best else 1.2})
        ax.text(x * 1.1, y * 1.1, f"k = {k}\nP = {y ** 2:.2f}", color=colour, fontsize=8,
                ha="left" if x >= 0 else "right", va="center")
    if iterations >= 1:
        arc = np.linspace(theta, 3 * theta, 30)
        ax.plot(0.35 * np.cos(arc), 0.35 * np.sin(arc), color=_RED, lw=1)
        ax.text(0.4 * np.cos(2 * theta), 0.4 * np.sin(2 * theta), "2θ", color=_RED, fontsize=9, va="center")
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("amplitude along |rest>  (all unmarked items)")
    ax.set_ylabel("amplitude along |marked>")
    ax.set_xlim(-1.35, 1.45)
    ax.set_ylim(-0.05, 1.25)
    ax.set_aspect("equal")
    ax.set_title(f"Grover on {n_qubits} qubits: θ = {np.degrees(theta):.1f}°, each iteration turns the state "
                 f"by 2θ = {np.degrees(2 * theta):.1f}°", fontsize=9)
    fig.tight_layout()
    return fig


def plot_grover_amplitudes(n_qubits: int = 3, marked: int = 5, iterations: int = 2) -> Figure:
    """Amplitude bars after each oracle and diffuser (Grover 1996, "inversion about average"): the oracle
    flips the marked amplitude below zero, the diffuser reflects every bar about the mean (dashed).

    Limits: 2..6 qubits, ``0 <= marked < 2**n_qubits``, 1..4 iterations (rows 2·iterations + 1).
    """
    iterations = whole("iterations", iterations, 1, 4)
    stages = grover_amplitudes(n_qubits, marked, iterations)
    fig, axes = plt.subplots(len(stages), 1, figsize=(7, 1.25 * len(stages) + 0.6), sharex=True)
    colours = [_RED if i == marked else _BLUE for i in range(2 ** n_qubits)]
    for ax, (label, amplitudes) in zip(axes, stages):
        ax.bar(range(len(amplitudes)), amplitudes, color=colours)
        ax.axhline(amplitudes.mean(), color=_GREY, ls="--", lw=1)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_yticks([-1, 0, 1])
        probability = amplitudes[marked] ** 2
        ax.text(1.01, 0.5, f"{label}\nP(marked) = {probability:.2f}", transform=ax.transAxes, fontsize=8,
                va="center")
    axes[-1].set_xticks(range(2 ** n_qubits), [format(i, f"0{n_qubits}b") for i in range(2 ** n_qubits)])
    axes[-1].set_xlabel(f"basis state (red: the marked item |{marked:0{n_qubits}b}>; dashed: mean amplitude)")
    axes[0].set_title(f"Grover on {n_qubits} qubits: amplitudes after each oracle and diffuser", fontsize=10)
    fig.tight_layout()
    return fig


def plot_shor_histogram(result: ShorResult) -> Figure:
    """Bar chart of measured phases y/2^n, with the ideal peaks s/r marked (N&C sec. 5.3.1)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    size = 2 ** result.n_count
    phases = [v / size for v in result.counts]
    ax.bar(phases, [result.counts[v] / result.shots for v in result.counts], width=0.6 / size * 8, color=_BLUE)
    r = result.true_order
    for s in range(r):
        ax.axvline(s / r, color="#b3261e", lw=0.8, ls="--")
    ax.set_xlabel(f"measured phase y / 2^{result.n_count}   (dashed: s / r for the true order r = {r})")
    ax.set_ylabel("fraction of shots")
    ax.set_xlim(-0.03, 1.0)
    ax.set_title(f"Shor order finding: N = {result.N}, a = {result.a}, {result.n_qubits} qubits")
    fig.tight_layout()
    return fig


def plot_grover(result: GroverResult) -> Figure:
    """Success probability vs iterations: theory sin²((2k+1)θ) (N&C sec. 6.1) and simulated points."""
    fig, ax = plt.subplots(figsize=(7, 3))
    fine = np.linspace(0, result.iterations[-1], 200)
    ax.plot(fine, grover_theory(result.n_qubits, fine), color="#1f4e79", label="theory sin²((2k+1)θ)")
    ax.plot(result.iterations, result.simulated, "o", color="#b3261e", label=f"simulated ({result.shots} shots)")
    best = grover_optimal_iterations(result.n_qubits)
    ax.axvline(best, color="grey", ls=":", label=f"optimal k = {best}")
    ax.set_xlabel("Grover iterations k")
    ax.set_ylabel("P(find the key)")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Grover on {result.n_qubits} qubits: 1 key among {2 ** result.n_qubits}")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_mosca(verdict: MoscaVerdict) -> Figure:
    """Timeline bars (Mosca 2018): shelf life x after migration y, against the quantum horizon z."""
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.barh(1, verdict.y, color="#8a6d00", label="y: migration to PQC")
    ax.barh(1, verdict.x, left=verdict.y, color="#1f4e79", label="x: data must stay secret")
    ax.barh(0, verdict.z, color="#555555", label="z: quantum computer arrives")
    if verdict.at_risk:
        ax.barh(1, verdict.exposed_years, left=verdict.z, color="#b3261e", hatch="//", label="exposed years")
    ax.axvline(verdict.z, color="#b3261e", ls="--")
    ax.set_yticks([0, 1], ["quantum", "your data"])
    ax.set_xlabel("years from today")
    ax.set_xlim(0, max(verdict.x + verdict.y, verdict.z) * 1.05 + 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=4, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
