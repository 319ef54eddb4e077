"""Figures for notebook 02: the handshake as a message sequence, Ascon's state round by round,
the avalanche of a one-bit change, and Ascon vs AES-GCM throughput."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .ascon import state_bits
from .kem import KEM_SIZES
from .sig import SIG_SIZES

__all__ = ["plot_handshake", "plot_state_rounds", "plot_avalanche", "plot_throughput"]


def plot_handshake(kem: str = "ML-KEM-768", sig: str = "ML-DSA-65", hybrid: bool = False,
                   mitm: bool = False) -> Figure:
    """Message-sequence picture of the three handshake messages with their real byte sizes (FIPS 203
    Table 3, FIPS 204 Table 2)."""
    pk, ct, sg = KEM_SIZES[kem]["public_key"], KEM_SIZES[kem]["ciphertext"], SIG_SIZES[sig]["signature"]
    x = " + X25519 key (32 B)" if hybrid else ""
    messages = [
        ("device", f"ClientHello: {kem} key ({pk} B){x}, random (32 B)"),
        ("gateway", f"ServerHello: {kem} ciphertext ({ct} B){x}, {sig} signature ({sg} B)"),
        ("device", f"DeviceFinish: {sig} signature ({sg} B)"),
        ("device", "sealed packets: reading + 33 B (header 17 B, Ascon tag 16 B)"),
    ]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(-len(messages) - 0.6, 0.9)
    columns = {"device": 1.0, "gateway": 9.0}
    if mitm:
        columns["attacker"] = 5.0
    for name, xpos in columns.items():
        ax.plot([xpos, xpos], [-len(messages) - 0.4, 0.3], color="#b3261e" if name == "attacker" else "#555555", lw=1)
        ax.text(xpos, 0.55, name, ha="center", fontweight="bold", color="#b3261e" if name == "attacker" else "black")
    for i, (sender, text) in enumerate(messages, start=1):
        start, end = (1.0, 9.0) if sender == "device" else (9.0, 1.0)
        colour = "#1b7f3b" if i == 4 else "#1f4e79"
        ax.annotate("", xy=(end, -i), xytext=(start, -i), arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.6})
        ax.text(5.0, -i + 0.15, text, ha="center", fontsize=8, color=colour,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.axis("off")
    ax.set_title("Device <-> gateway handshake (sizes from FIPS 203 / FIPS 204)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_state_rounds(trace: Sequence | np.ndarray, rounds_to_show: Iterable[int] | None = None) -> Figure:
    """The 320-bit Ascon state (SP 800-232 sec. 3) as 5 x 64 pixel images, one per round of the trace."""
    shown = list(range(len(trace))) if rounds_to_show is None else list(rounds_to_show)
    fig, axes = plt.subplots(len(shown), 1, figsize=(7, 0.55 * len(shown) + 0.4), squeeze=False)
    for ax, r in zip(axes[:, 0], shown):
        ax.imshow(state_bits(trace[r]), cmap="Blues", aspect="auto", interpolation="nearest", vmin=0, vmax=1)
        ax.set_yticks([])
        ax.set_xticks([])
        ax.set_ylabel(f"r={r}", rotation=0, ha="right", va="center", fontsize=8)
    axes[0, 0].set_title("Ascon state S0..S4 (rows) x 64 bits, round by round", fontsize=9)
    fig.tight_layout()
    return fig


def plot_avalanche(fractions: Sequence[float]) -> Figure:
    """Fraction of state bits flipped by a one-bit change, after 1..R rounds of Ascon-p."""
    fig, ax = plt.subplots(figsize=(6, 2.6))
    rounds = list(range(1, len(fractions) + 1))
    ax.plot(rounds, fractions, "o-", color="#1f4e79")
    ax.axhline(0.5, color="#1b7f3b", ls="--", label="ideal 0.5")
    ax.set_xlabel("rounds of Ascon-p")
    ax.set_ylabel("bits flipped (fraction)")
    ax.set_ylim(0, 0.6)
    ax.set_xticks(rounds)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_throughput(rows: Sequence[dict]) -> Figure:
    """Bar chart: Ascon-AEAD128 (kit) vs AES-256-GCM (OpenSSL) in MB/s by message size
    (rows as returned by :func:`pqfl_kit.pqc.costs.aead_throughput`)."""
    fig, ax = plt.subplots(figsize=(6, 2.6))
    pos = np.arange(len(rows))
    ax.bar(pos - 0.2, [r["Ascon-AEAD128 MB/s"] for r in rows], 0.4, label="Ascon-AEAD128 (kit, numba)", color="#1f4e79")
    ax.bar(pos + 0.2, [r["AES-256-GCM MB/s"] for r in rows], 0.4, label="AES-256-GCM (OpenSSL, AES-NI)",
           color="#8a6d00")
    ax.set_xticks(pos, [f"{r['bytes']} B" for r in rows])
    ax.set_yscale("log")
    ax.set_ylabel("MB/s (log)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
