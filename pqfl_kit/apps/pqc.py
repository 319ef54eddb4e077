"""Notebook 02 app and figures: the post-quantum handshake, sealed packets, Ascon inside (``build_pqc_app``)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..exercises import all_exercises, quiz_widget
from .common import classed, figure_output, guarded, show_figure, show_status, status_line, tabs

__all__ = ["plot_handshake", "plot_state_rounds", "plot_avalanche", "plot_throughput", "sizes_table_html",
           "build_pqc_app"]


def plot_handshake(kem: str = "ML-KEM-768", sig: str = "ML-DSA-65", hybrid: bool = False, mitm: bool = False):
    """Message-sequence picture of the three handshake messages with their real byte sizes."""
    import matplotlib.pyplot as plt

    from ..pqc.kem import KEM_SIZES
    from ..pqc.sig import SIG_SIZES

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


def plot_state_rounds(trace, rounds_to_show=None):
    """The 320-bit Ascon state as 5 x 64 pixel images, one per round of the trace."""
    import matplotlib.pyplot as plt

    from ..pqc.ascon import state_bits

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


def plot_avalanche(fractions):
    """Fraction of state bits flipped by a one-bit change, after 1..R rounds."""
    import matplotlib.pyplot as plt

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


def plot_throughput(rows):
    """Bar chart: Ascon-AEAD128 (kit) vs AES-256-GCM (OpenSSL) in MB/s by message size."""
    import matplotlib.pyplot as plt
    import numpy as np

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


def sizes_table_html(rows: list[dict]) -> str:
    """An HTML table of handshake sizes (bytes)."""
    columns = list(rows[0])
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{'' if r[c] is None else html.escape(str(r[c]))}</td>"
                                    for c in columns) + "</tr>" for r in rows)
    return f"<table class='pqfl-pqc-sizes'><tr>{head}</tr>{body}</table>"


# ---------------------------------------------------------------------------------------------
def _handshake_panel() -> widgets.Widget:
    from ..pqc import attacks

    hybrid = classed(widgets.Checkbox(value=False, description="hybrid (+X25519)"), "pqfl-pqc-hybrid")
    mitm = classed(widgets.Checkbox(value=False, description="man-in-the-middle"), "pqfl-pqc-mitm")
    check = classed(widgets.Checkbox(value=True, description="check signatures"), "pqfl-pqc-verify")
    run = classed(widgets.Button(description="Run handshake", button_style="primary"), "pqfl-pqc-run")
    status = status_line("pqfl-pqc-handshake-status")
    details = classed(widgets.HTML(), "pqfl-pqc-handshake-details")
    figure = figure_output("pqfl-pqc-handshake-figure")

    @guarded(status)
    def on_run(_=None):
        from ..pqc.channel import connect_pair

        show_figure(figure, plot_handshake(hybrid=hybrid.value, mitm=mitm.value))
        if mitm.value:
            result = attacks.mitm_demo(check.value, hybrid=hybrid.value)
            if result.aborted:
                reason = result.message.removeprefix("handshake aborted: ")
                show_status(status, f"Handshake ABORTED, the attack is stopped: {reason}", "ok")
                details.value = "<i>The attacker swapped the ML-KEM key, so the signed transcript did not match.</i>"
            else:
                show_status(status, "Attacker in the middle: she READ every reading and changed one.", "error")
                rows = "".join(f"<tr><td>{html.escape(a.decode())}</td><td>{html.escape(g.decode())}</td></tr>"
                               for a, g in zip(result.attacker_read, result.gateway_received))
                details.value = ("<table class='pqfl-pqc-stolen'><tr><th>attacker read</th><th>gateway got</th></tr>"
                                 f"{rows}</table>")
            return
        device, gateway = connect_pair(hybrid=hybrid.value)
        info = device.info
        sizes = ", ".join(f"{k} {v} B" for k, v in info.message_sizes.items())
        show_status(status, f"Secure channel established ({info.kem} + {info.sig}"
                            f"{' + X25519' if info.hybrid else ''}, backend {info.backend}).", "ok")
        details.value = (f"Messages: {html.escape(sizes)}.<br>Channel id {device.channel_id.hex()}, gateway "
                         f"fingerprint {info.peer_fingerprint}.")

    run.on_click(on_run)
    on_run()
    return widgets.VBox([widgets.HBox([hybrid, mitm, check]), run, status, details, figure])


def _packets_panel() -> widgets.Widget:
    from ..pqc.ascon import TAG_SIZE
    from ..pqc.channel import HEADER_SIZE, ChannelError, connect_pair

    pair = {}
    reading = classed(widgets.Text(value="HR=072 SpO2=98", description="reading"), "pqfl-pqc-reading")
    tamper = classed(widgets.Checkbox(value=False, description="flip a bit in transit"), "pqfl-pqc-tamper")
    send = classed(widgets.Button(description="Send", button_style="primary"), "pqfl-pqc-send")
    replay = classed(widgets.Button(description="Replay last delivered packet", layout=widgets.Layout(width="230px")),
                     "pqfl-pqc-replay")
    status = status_line("pqfl-pqc-packet-status")
    wire = classed(widgets.HTML(), "pqfl-pqc-wire")

    def channels():
        if not pair:
            pair["device"], pair["gateway"] = connect_pair(rekey_after=4)
        return pair["device"], pair["gateway"]

    def deliver(packet: bytes, what: str) -> None:
        """Hand the exact bytes on the wire to the gateway; remember them if it accepts them."""
        _, gateway = channels()
        try:
            text = gateway.open(packet)
        except ChannelError as error:
            show_status(status, f"Gateway REJECTED {what}: {error}", "error")
            return
        pair["delivered"] = packet
        show_status(status, f"Gateway accepted {what}: {text.decode(errors='replace')}", "ok")

    def clear() -> None:  # no stale verdict next to a new action
        status.value = wire.value = ""

    @guarded(status)
    def on_send(_=None):
        clear()
        device, _ = channels()
        if not reading.value.strip():
            raise ValueError("type a reading to send, e.g. HR=072")
        sent = bytearray(device.seal(reading.value.encode()))
        number = device.packets_sent - 1
        flipped = ""
        if tamper.value:
            # one bit in the middle of the ciphertext (or of the tag for an empty body), never the header
            body = len(sent) - HEADER_SIZE - TAG_SIZE
            pos = HEADER_SIZE + body // 2 if body else len(sent) - 8
            sent[pos] ^= 0x04
            part = f"ciphertext byte {pos - HEADER_SIZE}" if body else f"tag byte {pos - HEADER_SIZE - body}"
            flipped = f" · bit 2 of {part} flipped in transit"
        wire.value = (f"packet {number} (key epoch {device.key_epoch}), {len(sent)} bytes{flipped}: "
                      f"<code>{bytes(sent).hex()[:96]}...</code>")
        deliver(bytes(sent), f"packet {number}" + (" (tampered)" if tamper.value else ""))

    @guarded(status)
    def on_replay(_=None):
        clear()
        if "delivered" not in pair:
            raise ValueError("no packet has reached the gateway yet: send one (without the bit flip) first")
        packet = pair["delivered"]
        wire.value = f"replaying the exact bytes of the last delivered packet: <code>{packet.hex()[:96]}...</code>"
        deliver(packet, "the replayed packet")

    send.on_click(on_send)
    replay.on_click(on_replay)
    return widgets.VBox([reading, tamper, widgets.HBox([send, replay]), status, wire])


def _nonce_panel() -> widgets.Widget:
    from ..pqc import attacks

    a = classed(widgets.Text(value="HR=072 SpO2=98 ", description="known"), "pqfl-pqc-known")
    b = classed(widgets.Text(value="HR=131 SpO2=85 ", description="secret"), "pqfl-pqc-secret")
    run = classed(widgets.Button(description="Seal both with ONE nonce"), "pqfl-pqc-nonce-run")
    status = status_line("pqfl-pqc-nonce-status")

    @guarded(status)
    def on_run(_=None):
        out = attacks.nonce_reuse_demo(a.value.encode(), b.value.encode())
        show_status(status, f"C_a xor C_b = {out['xor_of_ciphertexts'].hex()} = P_a xor P_b; knowing the first "
                            f"reading gives the second: {out['recovered_b'].decode(errors='replace')!r}", "warn")

    run.on_click(on_run)
    return widgets.VBox([a, b, run, status])


def _ascon_panel() -> widgets.Widget:
    from ..pqc import ascon, attacks

    rounds = classed(widgets.IntSlider(value=3, min=1, max=12, description="rounds"), "pqfl-pqc-rounds")
    figure = figure_output("pqfl-pqc-state-figure")
    status = status_line("pqfl-pqc-ascon-status")
    trace = ascon.permutation_trace(ascon.initial_state(), 12)
    fractions = attacks.avalanche(12, trials=60)

    @guarded(status)
    def draw(_=None):
        show_figure(figure, plot_state_rounds(trace, range(rounds.value + 1)))
        show_status(status, f"After {rounds.value} round(s) a one-bit change flips {fractions[rounds.value - 1]:.0%} "
                            "of the 320 state bits on average (ideal: 50%).", "info")

    rounds.observe(draw, names="value")
    draw()
    return widgets.VBox([rounds, status, figure])


def build_pqc_app() -> widgets.Widget:
    """The notebook 02 app: handshake (MITM, hybrid), packets (tamper, replay), nonce reuse, Ascon, quiz."""
    from ..pqc.backends import backend_notice

    quizzes = [quiz_widget(e.id) for e in all_exercises("02") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>Post-quantum handshake and sealed sensor data</h2>"
                     f"<div style='color:#555'>{html.escape(backend_notice())}</div>"),
        tabs({"Handshake": _handshake_panel(), "Packets": _packets_panel(), "Nonce reuse": _nonce_panel(),
              "Inside Ascon": _ascon_panel(), "Quiz": widgets.VBox(quizzes)}, "pqfl-pqc-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-pqc-app")
