"""Figures for notebook 03 (E91, Ekert 1991): measurement angles, quantum against classical correlations,
the CHSH gauge, S against Eve's intercept fraction, how many pairs it takes to notice her, and the key
rate against the QBER."""
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
    CHSH_TERMS,
    CONFIDENCE_SIGMAS,
    E91Result,
    angle_label,
    detection_probability,
    run_e91,
    theory_chsh,
    theory_key_rate,
)
from .postprocess import EC_EFFICIENCY, binary_entropy, key_rate_zero, noise_only_key_rate

__all__ = ["TSIRELSON", "classical_correlation", "chsh_from_correlation", "plot_correlations", "plot_angles",
           "plot_s_gauge", "plot_s_vs_fraction", "plot_detection", "depolarizing_key_rate", "bb84_key_rate",
           "key_rate_zero", "key_rate_thresholds", "plot_key_rate"]

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


# ---- quantum against classical correlations ------------------------------------------------------

def classical_correlation(theta):
    """The best local-hidden-variable imitation of E = cos(theta): the triangle 1 - 2|theta|/pi on [-pi, pi].

    The model: the source gives both photons the same random direction lambda (uniform on the
    circle); each side answers +1 if its measurement angle t is within pi/2 of lambda, else -1.
    The answers differ when lambda falls in an arc of length 2|theta|, so E = 1 - 2|theta|/pi
    (Bell, Physics 1, 195 (1964), section III, for the singlet's sign; it agrees with cos theta at
    0, +-pi/2 and +-pi). Takes a number or an array; angles outside [-pi, pi] wrap around.
    """
    wrapped = np.abs((np.asarray(theta, dtype=float) + np.pi) % (2 * np.pi) - np.pi)
    out = 1.0 - 2.0 * wrapped / np.pi
    return float(out) if out.ndim == 0 else out


def chsh_from_correlation(correlation) -> float:
    """Ekert's S = E(a1,b1) - E(a1,b3) + E(a3,b1) + E(a3,b3) for a correlation E(a - b) of the angle gap."""
    return float(sum(sign * correlation(ALICE_ANGLES[i] - BOB_ANGLES[j]) for (i, j), sign in CHSH_TERMS.items()))


def plot_correlations() -> Figure:
    """E(theta) = cos(theta) for |Phi+> against the classical triangle, with Ekert's CHSH angle gaps marked.

    The shaded band is where the quantum correlation is stronger (|cos| > |triangle|); at the gaps
    that S uses (pi/4 three times, 3pi/4 once) quantum gives |E| = 0.71, classical 0.5: S = 2 sqrt 2 vs 2.
    """
    theta = np.linspace(-np.pi, np.pi, 721)
    quantum, classical = np.cos(theta), classical_correlation(theta)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.fill_between(theta, quantum, classical, color="#d5ecd9", lw=0, label="quantum beats classical (|E| larger)")
    ax.plot(theta, quantum, color=_BLUE, lw=2, label="quantum: E = cos θ (Bell pair |Φ⁺⟩)")
    ax.plot(theta, classical, color=_RED, lw=2, ls="--", label="best classical: E = 1 − 2|θ|/π")
    for i, j in CHSH_TERMS:
        gap = ALICE_ANGLES[i] - BOB_ANGLES[j]
        ax.plot([gap], [math.cos(gap)], "o", color=_BLUE, ms=6)
        ax.plot([gap], [classical_correlation(gap)], "s", color=_RED, ms=5)
        ax.axvline(gap, color=_GREY, lw=0.6, ls=":")
    ax.plot([], [], "o", color=_GREY, label="Ekert's CHSH angle gaps a − b (−π/4, −3π/4, π/4)")
    ax.axhline(0, color="#bbbbbb", lw=0.8)
    ticks = np.arange(-4, 5) * np.pi / 4
    ax.set_xticks(ticks, ["−π", "−3π/4", "−π/2", "−π/4", "0", "π/4", "π/2", "3π/4", "π"])
    ax.set_xlim(-np.pi, np.pi)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("angle between Alice's and Bob's measurements, θ = a − b (Bloch sphere)")
    ax.set_ylabel("correlation E")
    ax.set_title(f"S at Ekert's angles: quantum {chsh_from_correlation(np.cos):.2f}, "
                 f"classical {chsh_from_correlation(classical_correlation):.2f}", fontsize=10)
    ax.legend(fontsize=7, loc="lower center", ncol=2, bbox_to_anchor=(0.5, -0.5))
    fig.tight_layout()
    return fig


# ---- key rate against the QBER -------------------------------------------------------------------

def depolarizing_key_rate(qber, ec_efficiency: float = EC_EFFICIENCY):
    """E91's device-independent rate 1 - I_E(S) - f_EC h(Q) when noise alone causes the QBER Q.

    A depolarizing channel gives S = 2 sqrt 2 (1 - 2Q) (Acin et al., PRL 98, 230501 (2007), eq. 12;
    ``postprocess.key_rate_bound``). Takes a number or an array.
    """
    q = np.atleast_1d(np.asarray(qber, dtype=float))
    out = np.array([noise_only_key_rate(float(x), ec_efficiency=ec_efficiency) for x in q])
    return float(out[0]) if np.ndim(qber) == 0 else out


def bb84_key_rate(qber):
    """Shor-Preskill's BB84 rate 1 - 2 h(Q) (PRL 85, 441 (2000)): trusted devices, ideal error correction."""
    out = 1.0 - 2.0 * binary_entropy(np.asarray(qber, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def key_rate_thresholds() -> dict[str, float]:
    """The QBERs where each key rate reaches zero, computed (not typed in): about 6.5 %, 7.1 % and 11 %."""
    return {
        f"E91, device-independent, Cascade f_EC = {EC_EFFICIENCY:g}": key_rate_zero(depolarizing_key_rate),
        "E91, device-independent, Shannon limit f_EC = 1": key_rate_zero(
            lambda q: depolarizing_key_rate(q, ec_efficiency=1.0)),
        "BB84, trusted devices (Shor-Preskill)": key_rate_zero(bb84_key_rate),
    }


def plot_key_rate() -> Figure:
    """Secret bits per sifted bit against the QBER: E91's DI bound (f_EC = 1.2 and 1) and BB84's 1 - 2h(Q)."""
    q = np.linspace(0.0, 0.14, 281)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    curves = ((depolarizing_key_rate(q), _BLUE, "-"), (depolarizing_key_rate(q, ec_efficiency=1.0), _GREEN, "-."),
              (bb84_key_rate(q), _GREY, "--"))
    for (name, zero), (rate, colour, style) in zip(key_rate_thresholds().items(), curves):
        ax.plot(q * 100, rate, color=colour, ls=style, lw=2, label=f"{name}: zero at {zero:.1%}")
        ax.axvline(zero * 100, color=colour, ls=":", lw=1.2)
        ax.text(zero * 100, 0.93, f" {zero:.1%}", color=colour, fontsize=8, rotation=90, va="top", ha="right")
    ax.axhline(0, color="#999999", lw=0.8)
    ax.set_xlim(0, 14)
    ax.set_ylim(-0.3, 1.0)
    ax.set_xlabel("QBER (%)")
    ax.set_ylabel("secret bits per sifted bit")
    ax.set_title("Key rate against the error rate (noise only, asymptotic)", fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
