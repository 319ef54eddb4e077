"""Notebook 03 app: E91 with an eavesdropper (``build_qkd_app``); the figures live in :mod:`pqfl_kit.qkd.plots`."""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from .. import SEED
from ..exercises import all_exercises, quiz_widget
from ..qkd import e91 as Q
from ..qkd.plots import (
    plot_detection,
    plot_s_gauge,
    plot_s_vs_fraction,
)
from ..qkd.postprocess import EC_EFFICIENCY, DistilledKey, distill_key
from ..qkd.records import MIN_KEY_BYTES, bits_to_key, open_record, seal_record
from .common import (
    classed,
    colour,
    figure_output,
    guarded,
    message_html,
    progress_bar,
    run_button,
    show_figure,
    show_status,
    status_line,
    tabs,
    titled,
)

__all__ = ["comparison_html", "build_qkd_app"]

_COMPARISON = [
    ("What it needs", "Entangled-photon source, single-photon detectors, a dark fibre or free-space link per pair "
     "of sites, plus an authenticated classical channel (itself needs a pre-shared key or PQC signatures)",
     "Software on existing CPUs and networks; ~1 KB public key and ciphertext"),
    ("Distance", "Fibre loss limits links to roughly 100-200 km without trusted relays; hospital campus fine, "
     "nano-sensors inside a patient cannot host photon sources or detectors", "Any distance the Internet reaches"),
    ("Cost", "Commercial QKD systems cost tens of thousands of euros per link and need maintenance",
     "Close to zero: a library update (e.g. OpenSSL 3.5+, cryptography 48)"),
    ("Protects against", "Any eavesdropper on the quantum channel, even with unlimited computing power, "
     "if the devices behave as modelled (side channels on detectors have been exploited); the data "
     "itself only if one-time-padded (AES-256 records are computationally secure)",
     "Classical and quantum attackers, assuming module-lattice problems stay hard"),
    ("Does not do", "Authentication, encryption of the data itself, many-to-many keys",
     "Information-theoretic security; it is computational"),
    ("Standards / advice", "ETSI GS QKD series; NSA, ANSSI, BSI and NCSC advise PQC over QKD for most uses",
     "NIST FIPS 203 (2024), security category 3; NSA's CNSA 2.0 requires the larger ML-KEM-1024 for "
     "national security systems"),
]


def comparison_html() -> str:
    """E91 (QKD) vs ML-KEM for a hospital, as an HTML table."""
    cell = "padding:3px 8px;vertical-align:top"
    rows = "".join(f"<tr><td style='{cell}'><b>{html.escape(a)}</b></td><td style='{cell}'>{html.escape(b)}</td>"
                   f"<td style='{cell}'>{html.escape(c)}</td></tr>" for a, b, c in _COMPARISON)
    return ("<table class='pqfl-qkd-comparison'><tr><th></th>"
            "<th style='text-align:left;padding:3px 8px'>E91 / QKD</th>"
            f"<th style='text-align:left;padding:3px 8px'>ML-KEM-768</th></tr>{rows}</table>")


# ------------------------------------------------------------------------------------ app
def _verdict_html(result: Q.E91Result) -> str:
    kind = "error" if result.aborted else "ok"
    return (message_html(result.verdict, kind, style="font-size:1.3em;font-weight:700",
                         css=f"pqfl-qkd-{'aborted' if result.aborted else 'accepted'}")
            + f"<div style='color:{colour(kind)}'>{html.escape(result.reason)}</div>")


def _numbers_html(result: Q.E91Result, distilled: DistilledKey | None) -> str:
    rows = [("CHSH S", f"{result.chsh:.3f} ± {result.chsh_stderr:.3f} (classical ≤ 2, quantum ≤ 2.828)"),
            ("QBER", f"{result.qber:.2%} (if noise were the only cause, no key would survive above "
                     f"{Q.QBER_LIMIT:.1%})"),
            ("key rate bound", f"{result.key_rate:.3f} bit per sifted bit: 1 − I_E(S − 3σ) − "
                               f"{EC_EFFICIENCY:g}·h(QBER), must be > 0 (device-independent bound on the "
                               "reference bits; collective attacks, asymptotic)"),
            ("sifted key", f"{len(result.key_alice):,} bits ({result.key_fraction:.3f} per pair; "
                           "2/9 = 0.222 expected)"),
            ("pairs Eve touched", f"{int(result.eve_mask.sum()):,} of {result.n_pairs:,}")]
    if distilled is not None and not result.aborted:
        rows += [("Cascade", f"{distilled.errors_corrected:,} errors fixed, "
                             f"{distilled.leaked_ec:,} parity bits leaked"),
                 ("bound on Eve information", f"{distilled.eve_information:.3f} bit per key bit"),
                 ("final key", f"{distilled.final_length:,} bits" + ("" if distilled.ok else f" ({distilled.reason})"))]
    else:
        rows.append(("final key", "0 bits: no key after an abort"))
    body = "".join(f"<tr><td style='padding:1px 10px 1px 0'>{html.escape(k)}</td>"
                   f"<td class='pqfl-qkd-val-{k.split()[0].lower()}'>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _record_html(distilled: DistilledKey | None) -> str:
    """Use the distilled key as the paper does: Alice seals a record (AES-256-GCM + HMAC), Bob opens it."""
    if distilled is not None and distilled.ok and distilled.final_length >= 8 * MIN_KEY_BYTES:
        packet = seal_record(distilled.key_bytes(), b"bed 12: HR 72, SpO2 98%", b"ward-3|seq=1")
        opened = open_record(bits_to_key(distilled.key_bob.tolist()), packet, b"ward-3|seq=1")
        return message_html(f"Alice sealed a record with AES-256-GCM + HMAC (computationally secure; {len(packet)} "
                            f"bytes: {packet[:12].hex()}…); Bob opened it with his key: "
                            f"<code>{html.escape(opened.decode())}</code>", "ok", style="font-weight:400",
                            escape=False)
    return message_html(f"No record sent: AES-256 records need a final key of {8 * MIN_KEY_BYTES}+ bits.", "warn",
                        style="font-weight:400")


@dataclass
class _Controls:
    """The E91 run's settings; the sweep and detection tabs read them too."""

    eve_on: widgets.Checkbox
    fraction: widgets.FloatSlider
    strategy: widgets.Dropdown
    noise: widgets.FloatSlider
    pairs: widgets.IntText
    run: widgets.Button
    bar: widgets.IntProgress

    @classmethod
    def create(cls) -> _Controls:
        style = {"description_width": "150px"}
        return cls(
            eve_on=classed(widgets.Checkbox(value=False, description="Eve listens", style=style), "pqfl-qkd-eve"),
            fraction=classed(widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05,
                                                 description="intercept fraction", style=style,
                                                 readout_format=".2f", continuous_update=False),
                               "pqfl-qkd-fraction"),
            strategy=classed(widgets.Dropdown(options=[("Bob's three angles", "bob"),
                                                       ("uniformly random angle", "uniform")],
                                              value="bob", description="Eve's angles", style=style),
                             "pqfl-qkd-strategy"),
            noise=classed(widgets.FloatSlider(value=0.0, min=0.0, max=0.3, step=0.01, description="channel noise p",
                                              style=style, readout_format=".2f", continuous_update=False),
                          "pqfl-qkd-noise"),
            pairs=classed(widgets.IntText(value=5000, description="Bell pairs", style=style,
                                          layout=widgets.Layout(width="290px")), "pqfl-qkd-pairs"),
            run=classed(widgets.Button(description="Run E91", button_style="primary", icon="play"), "pqfl-qkd-run"),
            bar=progress_bar("pqfl-qkd-progress"))

    def box(self) -> widgets.VBox:
        return widgets.VBox([self.eve_on, self.fraction, self.strategy, self.noise,
                             widgets.HBox([self.pairs, self.run, self.bar])])


def _detect_panel(c: _Controls, status: widgets.HTML) -> tuple[widgets.Widget, Callable]:
    """Detection vs number of pairs: a what-if plot at the slider's fraction, Eve on or not."""
    detect_fig = figure_output("pqfl-qkd-detect-figure")

    @guarded(status)
    def draw(_=None):
        show_figure(detect_fig, plot_detection(c.fraction.value, c.strategy.value, c.noise.value))

    return titled("Detection vs number of pairs", detect_fig, css_class="pqfl-qkd-detect-panel"), draw


def _run_panel(c: _Controls, status: widgets.HTML, seed: int, redraw_detection: Callable) -> widgets.Widget:
    """Run E91 (Ekert 1991) with the chosen Eve and noise: verdict, numbers, S gauge and a sealed record."""
    verdict = classed(widgets.HTML(), "pqfl-qkd-verdict")
    numbers = classed(widgets.HTML(), "pqfl-qkd-numbers")
    gauge = figure_output("pqfl-qkd-gauge")
    record = classed(widgets.HTML(), "pqfl-qkd-record")

    @run_button(c.run, status, steps=3, bar=c.bar)
    def on_run(step):
        verdict.value = numbers.value = record.value = ""
        gauge.clear_output()
        eve = c.fraction.value if c.eve_on.value else 0.0
        Q.validate_parameters(c.pairs.value, eve, c.strategy.value, c.noise.value)  # limits: a message, no work
        step(f"measuring {int(c.pairs.value):,} entangled pairs")
        result = Q.run_e91(c.pairs.value, eve_fraction=eve, eve_bases=c.strategy.value, noise=c.noise.value,
                           seed=seed)
        step("Bell test" + ("" if result.aborted else ", Cascade error correction and privacy amplification"))
        distilled = None if result.aborted else distill_key(result, seed=seed)
        step("drawing S and sealing a record")
        show_figure(gauge, plot_s_gauge(result))  # figure first: the verdict text arrives last
        record.value = _record_html(distilled)
        redraw_detection()
        numbers.value = _numbers_html(result, distilled)
        show_status(status, f"{result.n_pairs:,} pairs simulated with Qiskit (seed {seed}).", "info")
        verdict.value = _verdict_html(result)

    for control in (c.eve_on, c.fraction, c.strategy, c.noise, c.pairs):
        control.observe(on_run, names="value")
    on_run()
    return titled("Run E91", c.box(), status, verdict, numbers, gauge, record, css_class="pqfl-qkd-run-panel")


def _sweep_panel(c: _Controls, seed: int) -> widgets.Widget:
    """S against Eve's intercept fraction: one simulated run per fraction, on the theory line."""
    sweep_status = status_line("pqfl-qkd-sweep-status")
    sweep_fig = figure_output("pqfl-qkd-sweep-figure")
    sweep_btn = classed(widgets.Button(description="Simulate S vs f", icon="line-chart"), "pqfl-qkd-sweep-run")
    sweep_bar = progress_bar("pqfl-qkd-sweep-progress")

    @run_button(sweep_btn, sweep_status, steps=1, bar=sweep_bar)
    def on_sweep(step):
        Q.validate_parameters(c.pairs.value, 0.0, c.strategy.value, c.noise.value)
        n = min(int(c.pairs.value), 20_000)
        step(f"11 runs of {n:,} pairs, one per intercept fraction")
        show_figure(sweep_fig, plot_s_vs_fraction(n, c.strategy.value, c.noise.value, seed=seed))
        show_status(sweep_status, f"11 runs of {n:,} pairs (sweeps are capped at 20,000 pairs per run).", "info")

    on_sweep()
    return titled("S vs intercept fraction", widgets.HBox([sweep_btn, sweep_bar]), sweep_status, sweep_fig,
                  css_class="pqfl-qkd-sweep-panel")


def build_qkd_app(seed: int | None = None) -> widgets.Widget:
    """The notebook 03 app: run E91 with Eve and noise, see S, QBER, verdict and key length."""
    seed = SEED if seed is None else seed
    controls, status = _Controls.create(), status_line("pqfl-qkd-status")
    detect_panel, redraw_detection = _detect_panel(controls, status)
    run_panel = _run_panel(controls, status, seed, redraw_detection)
    sweep_panel = _sweep_panel(controls, seed)
    compare_panel = titled("E91 vs ML-KEM for a hospital", widgets.HTML(comparison_html()))
    quizzes = [quiz_widget(e.id) for e in all_exercises("03") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>E91: entanglement-based key distribution with an eavesdropper</h2>"),
        tabs({"Run": run_panel, "S vs Eve": sweep_panel, "Detection": detect_panel, "E91 vs ML-KEM": compare_panel,
              "Quiz": widgets.VBox(quizzes)}, "pqfl-qkd-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-qkd-app")
