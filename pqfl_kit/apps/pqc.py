"""Notebook 02 app: the post-quantum handshake, sealed packets, Ascon inside (``build_pqc_app``).

The figures live in :mod:`pqfl_kit.pqc.plots`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from ..exercises import all_exercises, quiz_widget
from ..pqc import ascon, attacks
from ..pqc.ascon import TAG_SIZE
from ..pqc.backends import backend_notice
from ..pqc.channel import HEADER_SIZE, ChannelError, SecureChannel, connect_pair
from ..pqc.plots import (
    plot_handshake,
    plot_state_rounds,
)
from .common import (
    MAX_TEXT_CHARS,
    classed,
    colour,
    figure_output,
    guarded,
    progress_bar,
    run_button,
    show_figure,
    show_status,
    status_line,
    tabs,
)

__all__ = ["sizes_table_html", "build_pqc_app"]


def sizes_table_html(rows: list[dict]) -> str:
    """An HTML table of handshake sizes (bytes)."""
    columns = list(rows[0])
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{'' if r[c] is None else html.escape(str(r[c]))}"
                                    "</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table class='pqfl-pqc-sizes'><tr>{head}</tr>{body}</table>"


_MUTED = colour("muted")

# What the learner is told for each HandshakeError reason (pqfl_kit.pqc.errors.REASONS).
_ABORT_WHY = {
    "forged": "a signature over the handshake transcript does not verify with the pinned key "
              "(man-in-the-middle or wrong peer)",
    "malformed": "a handshake message was malformed",
    "unknown": "the peer is not one whose key is pinned",
}


# ---------------------------------------------------------------------------------------------
def _handshake_panel() -> widgets.Widget:
    hybrid = classed(widgets.Checkbox(value=False, description="hybrid (+X25519)"), "pqfl-pqc-hybrid")
    mitm = classed(widgets.Checkbox(value=False, description="man-in-the-middle"), "pqfl-pqc-mitm")
    check = classed(widgets.Checkbox(value=True, description="check signatures"), "pqfl-pqc-verify")
    run = classed(widgets.Button(description="Run handshake", button_style="primary", icon="play"), "pqfl-pqc-run")
    bar = progress_bar("pqfl-pqc-handshake-progress")
    status = status_line("pqfl-pqc-handshake-status")
    details = classed(widgets.HTML(), "pqfl-pqc-handshake-details")
    figure = figure_output("pqfl-pqc-handshake-figure")

    @run_button(run, status, steps=2, bar=bar)
    def on_run(step):
        details.value = ""
        step("drawing the message flow")
        show_figure(figure, plot_handshake(hybrid=hybrid.value, mitm=mitm.value))
        step("key generation, encapsulation and signatures" + (" with an attacker in the middle" if mitm.value
                                                               else ""))
        if mitm.value:
            result = attacks.mitm_demo(check.value, hybrid=hybrid.value)
            if result.aborted:
                why = _ABORT_WHY.get(result.reason, result.message)
                show_status(status, f"Handshake ABORTED, the attack is stopped: {why}", "ok")
                details.value = ("<i>The attacker swapped the ML-KEM key, so the signed transcript did not "
                                 "match.</i>")
            else:
                show_status(status, "Attacker in the middle: she READ every reading and changed one.", "error")
                rows = "".join(f"<tr><td>{html.escape(a.decode())}</td><td>{html.escape(g.decode())}</td></tr>"
                               for a, g in zip(result.attacker_read, result.gateway_received))
                details.value = ("<table class='pqfl-pqc-stolen'><tr><th>attacker read</th>"
                                 f"<th>gateway got</th></tr>{rows}</table>")
            return
        device, gateway = connect_pair(hybrid=hybrid.value)
        info = device.info
        sizes = ", ".join(f"{k} {v} B" for k, v in info.message_sizes.items())
        show_status(status, f"Secure channel established ({info.kem} + {info.sig}"
                            f"{' + X25519' if info.hybrid else ''}, backend {info.backend}).", "ok")
        details.value = (f"Messages: {html.escape(sizes)}.<br>Channel id {device.channel_id.hex()}, gateway "
                         f"fingerprint {info.peer_fingerprint}.")

    on_run()
    return widgets.VBox([widgets.HBox([hybrid, mitm, check]), widgets.HBox([run, bar]), status, details, figure])


@dataclass
class _PacketLink:
    """One device-gateway pair, made on the first send, and the last packet the gateway accepted."""

    device: SecureChannel | None = None
    gateway: SecureChannel | None = None
    delivered: bytes | None = None

    def channels(self) -> tuple[SecureChannel, SecureChannel]:
        if self.device is None or self.gateway is None:
            self.device, self.gateway = connect_pair(rekey_after=4)
        return self.device, self.gateway

    def deliver(self, packet: bytes, what: str, status: widgets.HTML) -> None:
        """Hand the exact bytes on the wire to the gateway; remember them if it accepts them."""
        _, gateway = self.channels()
        try:
            text = gateway.open(packet)
        except ChannelError as error:
            show_status(status, f"Gateway REJECTED {what}: {error}", "error")
            return
        self.delivered = packet
        show_status(status, f"Gateway accepted {what}: {text.decode(errors='replace')}", "ok")


def _flip_a_bit(sent: bytearray) -> str:
    """Flip one bit in the middle of the ciphertext (or of the tag for an empty body), never the header."""
    body = len(sent) - HEADER_SIZE - TAG_SIZE
    pos = HEADER_SIZE + body // 2 if body else len(sent) - 8
    sent[pos] ^= 0x04
    part = f"ciphertext byte {pos - HEADER_SIZE}" if body else f"tag byte {pos - HEADER_SIZE - body}"
    return f" · bit 2 of {part} flipped in transit"


def _packets_panel() -> widgets.Widget:
    link = _PacketLink()
    reading = classed(widgets.Text(value="HR=072 SpO2=98", description="reading"), "pqfl-pqc-reading")
    tamper = classed(widgets.Checkbox(value=False, description="flip a bit in transit"), "pqfl-pqc-tamper")
    send = classed(widgets.Button(description="Send", button_style="primary"), "pqfl-pqc-send")
    replay = classed(widgets.Button(description="Replay last delivered packet", layout=widgets.Layout(width="230px")),
                     "pqfl-pqc-replay")
    status = status_line("pqfl-pqc-packet-status")
    wire = classed(widgets.HTML(), "pqfl-pqc-wire")

    def clear() -> None:  # no stale verdict next to a new action
        status.value = wire.value = ""

    @guarded(status)
    def on_send(_=None):
        clear()
        device, _ = link.channels()
        if not reading.value.strip():
            raise ValueError("type a reading to send, e.g. HR=072")
        if len(reading.value) > MAX_TEXT_CHARS:
            raise ValueError(f"a reading is at most {MAX_TEXT_CHARS} characters (this one has {len(reading.value)})")
        sent = bytearray(device.seal(reading.value.encode()))
        number = device.packets_sent - 1
        flipped = _flip_a_bit(sent) if tamper.value else ""
        wire.value = (f"packet {number} (key epoch {device.key_epoch}), {len(sent)} bytes{flipped}: "
                      f"<code>{bytes(sent).hex()[:96]}...</code>")
        link.deliver(bytes(sent), f"packet {number}" + (" (tampered)" if tamper.value else ""), status)

    @guarded(status)
    def on_replay(_=None):
        clear()
        if link.delivered is None:
            raise ValueError("no packet has reached the gateway yet: send one (without the bit flip) first")
        packet = link.delivered
        wire.value = f"replaying the exact bytes of the last delivered packet: <code>{packet.hex()[:96]}...</code>"
        link.deliver(packet, "the replayed packet", status)

    send.on_click(on_send)
    replay.on_click(on_replay)
    return widgets.VBox([reading, tamper, widgets.HBox([send, replay]), status, wire])


def _nonce_panel() -> widgets.Widget:
    a = classed(widgets.Text(value="HR=072 SpO2=98 ", description="known"), "pqfl-pqc-known")
    b = classed(widgets.Text(value="HR=131 SpO2=85 ", description="secret"), "pqfl-pqc-secret")
    run = classed(widgets.Button(description="Seal both with ONE nonce"), "pqfl-pqc-nonce-run")
    status = status_line("pqfl-pqc-nonce-status")

    @guarded(status)
    def on_run(_=None):
        if max(len(a.value), len(b.value)) > MAX_TEXT_CHARS:
            raise ValueError(f"keep each reading to at most {MAX_TEXT_CHARS} characters")
        out = attacks.nonce_reuse_demo(a.value.encode(), b.value.encode())
        show_status(status, f"C_a xor C_b = {out['xor_of_ciphertexts'].hex()} = P_a xor P_b; knowing the "
                            f"first reading gives the second: {out['recovered_b'].decode(errors='replace')!r}", "warn")

    run.on_click(on_run)
    return widgets.VBox([a, b, run, status])


def _ascon_panel() -> widgets.Widget:
    rounds = classed(widgets.IntSlider(value=3, min=1, max=12, description="rounds", continuous_update=False),
                     "pqfl-pqc-rounds")
    figure = figure_output("pqfl-pqc-state-figure")
    status = status_line("pqfl-pqc-ascon-status")
    trace = ascon.permutation_trace(ascon.initial_state(), 12)
    fractions = attacks.avalanche(12, trials=60)

    @guarded(status)
    def draw(_=None):
        show_figure(figure, plot_state_rounds(trace, range(rounds.value + 1)))
        show_status(status, f"After {rounds.value} round(s) a one-bit change flips "
                            f"{fractions[rounds.value - 1]:.0%} of the 320 state bits on average (ideal: 50%).", "info")

    rounds.observe(draw, names="value")
    draw()
    return widgets.VBox([rounds, status, figure])


def build_pqc_app() -> widgets.Widget:
    """The notebook 02 app: handshake (MITM, hybrid), packets (tamper, replay), nonce reuse, Ascon, quiz."""
    quizzes = [quiz_widget(e.id) for e in all_exercises("02") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>Post-quantum handshake and sealed sensor data</h2>"
                     f"<div style='color:{_MUTED}'>{html.escape(backend_notice())}</div>"),
        tabs({"Handshake": _handshake_panel(), "Packets": _packets_panel(), "Nonce reuse": _nonce_panel(),
              "Inside Ascon": _ascon_panel(), "Quiz": widgets.VBox(quizzes)}, "pqfl-pqc-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-pqc-app")
