"""Figures for notebook 02: the handshake as a message sequence, the Ascon-AEAD128 duplex, the
sealed packet's byte layout, Ascon's state round by round, the avalanche of a one-bit change, and
Ascon vs AES-GCM throughput."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .ascon import NONCE_SIZE, TAG_SIZE, state_bits
from .kem import KEM_SIZES
from .sig import SIG_SIZES

__all__ = ["plot_handshake", "plot_ascon_duplex", "packet_fields", "plot_packet_layout", "plot_state_rounds",
           "plot_avalanche", "plot_throughput"]

#: Ascon-AEAD128's split of the 320-bit state (SP 800-232 Sec. 4): the rate S0 || S1 meets the data,
#: the capacity S2 || S3 || S4 never leaves the device; p^12 starts and ends, p^8 runs between blocks
RATE_BITS, CAPACITY_BITS, ROUNDS_INIT_FINAL, ROUNDS_BLOCK = 128, 192, 12, 8
#: the channel's header fields in wire order, in bytes (``pqfl_kit.pqc.channel``: struct ">B8sQ")
HEADER_FIELDS = (("version", 1), ("channel id", 8), ("sequence number", 8))


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
        ("device", "sealed packets: header || ciphertext || Ascon tag (section 3)"),
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


def _duplex_box(ax, x: float, label: str, colour: str = "#1f4e79") -> None:
    """A permutation box spanning rate and capacity."""
    ax.add_patch(plt.Rectangle((x - 0.28, 0.05), 0.56, 1.9, facecolor=colour, edgecolor="none"))
    ax.text(x, 1.0, label, ha="center", va="center", color="white", fontsize=9, fontweight="bold")


def _duplex_xor(ax, x: float, row: str, text: str, *, out: str = "", colour: str = "#1f4e79") -> None:
    """An input XORed into the rate (from above) or the capacity (from below), with an optional output."""
    y, y_text = (1.5, 2.75) if row == "rate" else (0.5, -0.75)
    ax.annotate("", xy=(x, y), xytext=(x, y_text + (-0.2 if row == "rate" else 0.2)),
                arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.3})
    ax.text(x, y, "⊕", ha="center", va="center", fontsize=12, color=colour,
            bbox={"boxstyle": "circle,pad=0.05", "facecolor": "white", "edgecolor": "none"})
    ax.text(x, y_text, text, ha="center", va="center", fontsize=8, color=colour)
    if out:
        ax.annotate("", xy=(x + 0.3, 2.6), xytext=(x + 0.05, 1.6),
                    arrowprops={"arrowstyle": "->", "color": "#1b7f3b", "lw": 1.3})
        ax.text(x + 0.38, 2.75, out, ha="center", va="center", fontsize=8, color="#1b7f3b", fontweight="bold")


def plot_ascon_duplex() -> Figure:
    """Ascon-AEAD128 encryption as a duplex (NIST SP 800-232 Sec. 4.1): the 320-bit state is split into
    a 128-bit rate, where associated data and plaintext go in and ciphertext comes out, and a 192-bit
    capacity that no input or output touches directly; p^12 initializes and finalizes, p^8 runs
    between blocks, and the key is mixed in again at both ends."""
    fig, ax = plt.subplots(figsize=(10, 3.6))
    ax.add_patch(plt.Rectangle((0.9, 1.0), 9.6, 1.0, facecolor="#dbe8f5", edgecolor="#555555", lw=0.8))
    ax.add_patch(plt.Rectangle((0.9, 0.0), 9.6, 1.0, facecolor="#eeeeee", edgecolor="#555555", lw=0.8))
    ax.text(0.85, 1.5, f"rate\n{RATE_BITS} bits\n(S0, S1)", ha="right", va="center", fontsize=8)
    ax.text(0.85, 0.5, f"capacity\n{CAPACITY_BITS} bits\n(S2, S3, S4)", ha="right", va="center", fontsize=8)
    ax.add_patch(plt.Rectangle((1.0, 0.05), 0.9, 1.9, facecolor="white", edgecolor="#1f4e79", lw=1.2))
    ax.text(1.45, 1.0, f"IV\n‖ key\n‖ nonce\n({NONCE_SIZE * 8}-bit)", ha="center", va="center", fontsize=7.5)
    _duplex_box(ax, 2.4, f"p$^{{{ROUNDS_INIT_FINAL}}}$")
    _duplex_xor(ax, 3.1, "capacity", "key")
    _duplex_xor(ax, 3.8, "rate", "A$_1$", colour="#8a6d00")
    _duplex_box(ax, 4.4, f"p$^{{{ROUNDS_BLOCK}}}$")
    ax.text(5.0, 1.5, "…", ha="center", va="center", fontsize=12)
    _duplex_xor(ax, 5.45, "capacity", "1 (domain\nseparation)")
    _duplex_xor(ax, 6.1, "rate", "P$_1$", out="C$_1$", colour="#b3261e")
    _duplex_box(ax, 6.9, f"p$^{{{ROUNDS_BLOCK}}}$")
    ax.text(7.5, 1.5, "…", ha="center", va="center", fontsize=12)
    _duplex_xor(ax, 7.9, "rate", "P$_n$", out="C$_n$", colour="#b3261e")
    _duplex_xor(ax, 8.6, "capacity", "key")
    _duplex_box(ax, 9.2, f"p$^{{{ROUNDS_INIT_FINAL}}}$")
    _duplex_xor(ax, 9.9, "capacity", "key")
    ax.annotate("", xy=(10.9, 0.5), xytext=(10.0, 0.5), arrowprops={"arrowstyle": "->", "color": "#1b7f3b", "lw": 1.3})
    ax.text(10.95, 0.5, f"tag\n{TAG_SIZE * 8} bits", ha="left", va="center", fontsize=8, color="#1b7f3b",
            fontweight="bold")
    for x0, x1, name in ((1.0, 3.3, "initialization"), (3.5, 5.7, "associated data"),
                         (5.8, 8.2, "plaintext in, ciphertext out"), (8.35, 10.5, "finalization")):
        ax.plot([x0, x1], [-1.25, -1.25], color="#555555", lw=1)
        ax.text((x0 + x1) / 2, -1.5, name, ha="center", va="center", fontsize=8.5, fontweight="bold")
    ax.set_xlim(-0.3, 11.7)
    ax.set_ylim(-1.75, 3.05)
    ax.axis("off")
    ax.set_title("Ascon-AEAD128 (NIST SP 800-232): one 320-bit state, data in and out through the rate only",
                 fontsize=10)
    fig.tight_layout()
    return fig


def packet_fields(plaintext_len: int) -> list[tuple[str, int]]:
    """The byte layout of one sealed channel packet, ``header || ciphertext || tag``, in wire order:
    (field, bytes). The ciphertext is as long as the reading (Ascon-AEAD128 adds only the tag)."""
    if isinstance(plaintext_len, bool) or not isinstance(plaintext_len, int) or plaintext_len < 0:
        raise ValueError(f"plaintext_len must be a whole number of bytes >= 0, got {plaintext_len!r}")
    return [*HEADER_FIELDS, ("ciphertext", plaintext_len), ("tag", TAG_SIZE)]


def plot_packet_layout(plaintext_len: int = 14) -> Figure:
    """One sealed packet drawn field by field with its byte sizes (:func:`packet_fields`); widths grow
    with the size, and the nonce, derived from the sequence number, is shown below (it is not sent)."""
    fields = packet_fields(plaintext_len)
    colours = {"version": "#dbe8f5", "channel id": "#dbe8f5", "sequence number": "#dbe8f5",
               "ciphertext": "#f6d5d2", "tag": "#d3ecd9"}
    widths = [1.2 + 0.16 * size for _, size in fields]
    fig, ax = plt.subplots(figsize=(9, 2.9))
    x, centres = 0.0, {}
    for (name, size), w in zip(fields, widths):
        ax.add_patch(plt.Rectangle((x, 0), w, 1, facecolor=colours[name], edgecolor="#333333", lw=1))
        label = "ciphertext\n(as long as\nthe reading)" if name == "ciphertext" else name.replace(" ", "\n")
        ax.text(x + w / 2, 0.62, label, ha="center", va="center", fontsize=8)
        ax.text(x + w / 2, 0.15, f"{size} B", ha="center", va="center", fontsize=9, fontweight="bold")
        centres[name], x = x + w / 2, x + w
    header_end = sum(widths[:len(HEADER_FIELDS)])
    for x0, x1, text in ((0, header_end, "header: sent in the clear,\nauthenticated as associated data"),
                         (header_end, x, "Ascon-AEAD128 output")):
        ax.plot([x0 + 0.05, x1 - 0.05], [1.2, 1.2], color="#555555", lw=1)
        ax.text((x0 + x1) / 2, 1.5, text, ha="center", va="center", fontsize=8)
    seq = centres["sequence number"]
    ax.annotate("", xy=(seq, -0.55), xytext=(seq, -0.02), arrowprops={"arrowstyle": "->", "color": "#555555"})
    ax.text(seq - 0.6, -0.85, f"nonce ({NONCE_SIZE} B) = prefix (8 B, from the handshake) ‖ sequence number (8 B):\n"
            "both sides compute it, it is never sent and never repeats", ha="left", va="center", fontsize=8,
            color="#555555")
    ax.set_xlim(-0.2, max(x, 9.5) + 0.2)
    ax.set_ylim(-1.2, 1.8)
    ax.axis("off")
    ax.set_title(f"A sealed packet carrying a {plaintext_len}-byte reading", fontsize=10)
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
