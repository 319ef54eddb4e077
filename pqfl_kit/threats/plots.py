"""Figures for notebook 01: Shor's measured phases, Grover's success curve, Mosca's timeline."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .grover import GroverResult, grover_optimal_iterations, grover_theory
from .risk import MoscaVerdict
from .shor import ShorResult

__all__ = ["plot_shor_histogram", "plot_grover", "plot_mosca"]


def plot_shor_histogram(result: ShorResult) -> Figure:
    """Bar chart of measured phases y/2^n, with the ideal peaks s/r marked (N&C sec. 5.3.1)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    size = 2 ** result.n_count
    phases = [v / size for v in result.counts]
    ax.bar(phases, [result.counts[v] / result.shots for v in result.counts], width=0.6 / size * 8, color="#1f4e79")
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
