"""Figures for notebook 03 (E91, Ekert 1991): measurement angles, the CHSH gauge, S against Eve's
intercept fraction, and how many pairs it takes to notice her."""
from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from pqfl_kit import SEED

from .e91 import (
    ALICE_ANGLES,
    BOB_ANGLES,
    CONFIDENCE_SIGMAS,
    E91Result,
    angle_label,
    detection_probability,
    run_e91,
    theory_chsh,
    theory_key_rate,
)

__all__ = ["TSIRELSON", "plot_angles", "plot_s_gauge", "plot_s_vs_fraction", "plot_detection"]

_BLUE, _RED, _GREEN, _GREY = "#1f4e79", "#b3261e", "#1b7f3b", "#777777"
TSIRELSON = 2 * math.sqrt(2)  # the largest CHSH value quantum mechanics allows (Tsirelson 1980)
_FRACTIONS = np.linspace(0, 1, 11)
_SIZES = np.unique(np.geomspace(100, 100_000, 60).astype(int))


def plot_angles() -> Figure:
    """Alice's and Bob's measurement directions (Ekert 1991) on the x-z great circle of the Bloch sphere."""
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.4))
    circle = np.linspace(0, 2 * np.pi, 200)
    for ax, name, angles, colour in ((axes[0], "Alice", ALICE_ANGLES, _BLUE),
                                     (axes[1], "Bob", BOB_ANGLES, _RED)):
        ax.plot(np.sin(circle), np.cos(circle), color="#cccccc")
        ax.axhline(0, color="#eeeeee", lw=0.8)
        ax.axvline(0, color="#eeeeee", lw=0.8)
        for k, t in enumerate(angles):
            x, z = math.sin(t), math.cos(t)  # angle measured from +z towards +x
            ax.annotate("", xy=(x, z), xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
            ax.text(1.22 * x, 1.22 * z + (0.14 if abs(z) < 1e-9 else 0),
                    f"{name[0].lower()}{k + 1} = {angle_label(t)}", ha="center", va="center", fontsize=9,
                    color=colour)
        ax.text(0, 1.45, "|0⟩ (z)", ha="center", fontsize=8, color=_GREY)
        ax.text(1.25, -0.14, "|+⟩ (x)", ha="center", va="center", fontsize=8, color=_GREY)
        ax.set_title(f"{name}: Ry(−t) then measure Z", fontsize=10)
        ax.set_xlim(-1.6, 1.7)
        ax.set_ylim(-1.3, 1.6)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.suptitle("Ekert's measurement angles (Bloch sphere, x-z plane); a photon's polarisation angle is t/2",
                 fontsize=9)
    fig.tight_layout()
    return fig


def plot_s_gauge(result: E91Result) -> Figure:
    """S with a 3-sigma error bar against the classical bound 2 (CHSH 1969) and the quantum bound 2√2
    (Tsirelson 1980)."""
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.axvspan(0, 2, color="#f3d6d4", label="classical (S ≤ 2)")
    ax.axvspan(2, TSIRELSON, color="#d5ecd9", label="only entanglement")
    ax.axvline(2, color=_RED, lw=1.5)
    ax.axvline(TSIRELSON, color=_GREEN, lw=1.5, ls="--")
    colour = _RED if result.aborted else _GREEN
    ax.errorbar([result.chsh], [0], xerr=[CONFIDENCE_SIGMAS * result.chsh_stderr], fmt="o", color=colour,
                capsize=6, ms=9, label=f"S = {result.chsh:.3f} ± {CONFIDENCE_SIGMAS:g}σ")
    ax.text(2, 0.75, "2", ha="center", color=_RED, fontsize=9)
    ax.text(TSIRELSON, 0.75, "2√2", ha="center", color=_GREEN, fontsize=9)
    ax.set_xlim(0.8, 3.0)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xlabel("CHSH value S")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_s_vs_fraction(n_pairs: int, eve_bases: str = "bob", noise: float = 0.0, seed: int = SEED,
                       fractions: Sequence[float] | np.ndarray = _FRACTIONS) -> Figure:
    """Theory line S(f) = (1-p)^2 (2√2 − f√2) and one simulated run per fraction (seeds ``seed + i``),
    with the bounds."""
    runs = [run_e91(n_pairs, eve_fraction=float(f), eve_bases=eve_bases, noise=noise, seed=seed + i)
            for i, f in enumerate(fractions)]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    fine = np.linspace(0, 1, 100)
    ax.plot(fine, [theory_chsh(f, noise) for f in fine], color=_BLUE, label="theory (1−p)²(2√2 − f√2)")
    no_key = np.array([theory_key_rate(f, eve_bases, noise) <= 0 for f in fine])
    if no_key.any():  # where the Acín et al. rate is <= 0 even with S known exactly: abort
        ax.axvspan(fine[no_key.argmax()], 1.0, color="#f3d6d4", alpha=0.6, lw=0,
                   label="no key possible (key rate ≤ 0): abort")
    for f, r in zip(fractions, runs):
        ax.errorbar(f, r.chsh, yerr=r.chsh_stderr, fmt="o", color=_RED if r.aborted else _GREEN, capsize=3, ms=5)
    ax.plot([], [], "o", color=_GREEN, label="simulated: key accepted")
    ax.plot([], [], "o", color=_RED, label="simulated: aborted")
    ax.axhline(2, color=_RED, ls="--", lw=1, label="classical bound 2 (abort if S − 3σ ≤ 2)")
    ax.axhline(TSIRELSON, color=_GREY, ls=":", lw=1, label="quantum bound 2√2")
    ax.set_xlabel("Eve's intercept fraction f")
    ax.set_ylabel("CHSH S")
    ax.set_ylim(1.0, 3.0)
    ax.set_title(f"S vs interception ({n_pairs:,} pairs, Eve: {eve_bases}, noise {noise:g})", fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def plot_detection(eve_fraction: float, eve_bases: str = "bob", noise: float = 0.0,
                   sizes: Sequence[int] | np.ndarray = _SIZES) -> Figure:
    """P(abort) and P(Eve noticed) vs number of pairs (normal approximation)."""
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.semilogx(sizes, detection_probability(sizes, eve_fraction, eve_bases, noise), color=_RED, lw=2,
                label="P(abort): S − 3σ ≤ 2 or key rate ≤ 0")
    ax.semilogx(sizes, detection_probability(sizes, eve_fraction, eve_bases, noise, criterion="notice"),
                color=_BLUE, ls="--", label="P(Eve noticed): S or QBER 3σ off the no-Eve values")
    ax.semilogx(sizes, detection_probability(sizes, 0.0, eve_bases, noise), color=_GREY, ls=":",
                label="P(abort) without Eve (too few pairs / too noisy)")
    ax.set_xlabel("number of Bell pairs")
    ax.set_ylabel("probability")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"If Eve intercepts {eve_fraction:.0%} of the photons ({eve_bases} angles), noise {noise:g}",
                 fontsize=10)
    ax.legend(fontsize=8, loc="center right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
