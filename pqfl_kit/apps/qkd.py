"""Notebook 03 app and figures: E91 with an eavesdropper (``build_qkd_app``)."""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from ..exercises import all_exercises, quiz_widget
from ..qkd import e91 as Q
from ..qkd.postprocess import EC_EFFICIENCY
from .common import classed, figure_output, guarded, show_figure, show_status, status_line, tabs, titled

__all__ = ["plot_angles", "plot_s_gauge", "plot_s_vs_fraction", "plot_detection", "comparison_html",
           "build_qkd_app"]

_BLUE, _RED, _GREEN, _GREY = "#1f4e79", "#b3261e", "#1b7f3b", "#777777"
TSIRELSON = 2 * math.sqrt(2)


def plot_angles():
    """Alice's and Bob's measurement directions on the x-z great circle of the Bloch sphere."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.4))
    circle = np.linspace(0, 2 * np.pi, 200)
    for ax, name, angles, colour in ((axes[0], "Alice", Q.ALICE_ANGLES, _BLUE), (axes[1], "Bob", Q.BOB_ANGLES, _RED)):
        ax.plot(np.sin(circle), np.cos(circle), color="#cccccc")
        ax.axhline(0, color="#eeeeee", lw=0.8)
        ax.axvline(0, color="#eeeeee", lw=0.8)
        for k, t in enumerate(angles):
            x, z = math.sin(t), math.cos(t)  # angle measured from +z towards +x
            ax.annotate("", xy=(x, z), xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
            ax.text(1.22 * x, 1.22 * z + (0.14 if abs(z) < 1e-9 else 0), f"{name[0].lower()}{k + 1} = {Q.angle_label(t)}",
                    ha="center", va="center", fontsize=9, color=colour)
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


def plot_s_gauge(result: Q.E91Result):
    """S with a 3-sigma error bar against the classical bound 2 and the quantum bound 2√2."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.axvspan(0, 2, color="#f3d6d4", label="classical (S ≤ 2)")
    ax.axvspan(2, TSIRELSON, color="#d5ecd9", label="only entanglement")
    ax.axvline(2, color=_RED, lw=1.5)
    ax.axvline(TSIRELSON, color=_GREEN, lw=1.5, ls="--")
    colour = _RED if result.aborted else _GREEN
    ax.errorbar([result.chsh], [0], xerr=[Q.CONFIDENCE_SIGMAS * result.chsh_stderr], fmt="o", color=colour,
                capsize=6, ms=9, label=f"S = {result.chsh:.3f} ± {Q.CONFIDENCE_SIGMAS:g}σ")
    ax.text(2, 0.75, "2", ha="center", color=_RED, fontsize=9)
    ax.text(TSIRELSON, 0.75, "2√2", ha="center", color=_GREEN, fontsize=9)
    ax.set_xlim(0.8, 3.0)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xlabel("CHSH value S")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def plot_s_vs_fraction(n_pairs: int, eve_bases: str = "bob", noise: float = 0.0, seed: int = 0,
                       fractions=np.linspace(0, 1, 11)):
    """Theory line S(f) = (1-p)^2 (2√2 − f√2) and one simulated run per fraction, with the bounds."""
    import matplotlib.pyplot as plt

    runs = [Q.run_e91(n_pairs, eve_fraction=float(f), eve_bases=eve_bases, noise=noise, seed=seed + i)
            for i, f in enumerate(fractions)]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    fine = np.linspace(0, 1, 100)
    ax.plot(fine, [Q.theory_chsh(f, noise) for f in fine], color=_BLUE, label="theory (1−p)²(2√2 − f√2)")
    no_key = np.array([Q.theory_key_rate(f, eve_bases, noise) <= 0 for f in fine])
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
                   sizes=np.unique(np.geomspace(100, 100_000, 60).astype(int))):
    """P(abort) and P(Eve noticed) vs number of pairs (normal approximation)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3))
    ax.semilogx(sizes, Q.detection_probability(sizes, eve_fraction, eve_bases, noise), color=_RED, lw=2,
                label="P(abort): S − 3σ ≤ 2 or key rate ≤ 0")
    ax.semilogx(sizes, Q.detection_probability(sizes, eve_fraction, eve_bases, noise, criterion="notice"),
                color=_BLUE, ls="--", label="P(Eve noticed): S or QBER 3σ off the no-Eve values")
    ax.semilogx(sizes, Q.detection_probability(sizes, 0.0, eve_bases, noise), color=_GREY, ls=":",
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


_COMPARISON = [
    ("What it needs", "Entangled-photon source, single-photon detectors, a dark fibre or free-space link per pair of sites, "
     "plus an authenticated classical channel (itself needs a pre-shared key or PQC signatures)",
     "Software on existing CPUs and networks; ~1 KB public key and ciphertext"),
    ("Distance", "Fibre loss limits links to roughly 100-200 km without trusted relays; hospital campus fine, "
     "nano-sensors inside a patient cannot host photon sources or detectors", "Any distance the Internet reaches"),
    ("Cost", "Commercial QKD systems cost tens of thousands of euros per link and need maintenance",
     "Close to zero: a library update (e.g. OpenSSL 3.5+, cryptography 48)"),
    ("Protects against", "Any eavesdropper on the quantum channel, even with unlimited computing power, "
     "if the devices behave as modelled (side channels on detectors have been exploited)",
     "Classical and quantum attackers, assuming module-lattice problems stay hard"),
    ("Does not do", "Authentication, encryption of the data itself, many-to-many keys",
     "Information-theoretic security; it is computational"),
    ("Standards / advice", "ETSI GS QKD series; NSA, ANSSI, BSI and NCSC advise PQC over QKD for most uses",
     "NIST FIPS 203 (2024), security category 3; NSA's CNSA 2.0 requires the larger ML-KEM-1024 for "
     "national security systems"),
]


def comparison_html() -> str:
    """E91 (QKD) vs ML-KEM for a hospital, as an HTML table."""
    rows = "".join(f"<tr><td style='padding:3px 8px;vertical-align:top'><b>{html.escape(a)}</b></td>"
                   f"<td style='padding:3px 8px;vertical-align:top'>{html.escape(b)}</td>"
                   f"<td style='padding:3px 8px;vertical-align:top'>{html.escape(c)}</td></tr>" for a, b, c in _COMPARISON)
    return ("<table class='pqfl-qkd-comparison'><tr><th></th><th style='text-align:left;padding:3px 8px'>E91 / QKD</th>"
            f"<th style='text-align:left;padding:3px 8px'>ML-KEM-768</th></tr>{rows}</table>")


# ------------------------------------------------------------------------------------ app
def _verdict_html(result: Q.E91Result) -> str:
    kind, colour = ("error", _RED) if result.aborted else ("ok", _GREEN)
    return (f"<div class='pqfl-msg pqfl-msg-{kind} pqfl-qkd-{'aborted' if result.aborted else 'accepted'}' "
            f"style='font-size:1.3em;font-weight:700;color:{colour}'>{result.verdict}</div>"
            f"<div style='color:{colour}'>{html.escape(result.reason)}</div>")


def _numbers_html(result: Q.E91Result, distilled) -> str:
    rows = [("CHSH S", f"{result.chsh:.3f} ± {result.chsh_stderr:.3f} (classical ≤ 2, quantum ≤ 2.828)"),
            ("QBER", f"{result.qber:.2%} (if noise were the only cause, no key would survive above {Q.QBER_LIMIT:.1%})"),
            ("key rate bound", f"{result.key_rate:.3f} bit per sifted bit: 1 − I_E(S − 3σ) − "
                               f"{EC_EFFICIENCY:g}·h(QBER), must be > 0"),
            ("sifted key", f"{len(result.key_alice):,} bits ({result.key_fraction:.3f} per pair; 2/9 = 0.222 expected)"),
            ("pairs Eve touched", f"{int(result.eve_mask.sum()):,} of {result.n_pairs:,}")]
    if distilled is not None and not result.aborted:
        rows += [("Cascade", f"{distilled.errors_corrected:,} errors fixed, {distilled.leaked_ec:,} parity bits leaked"),
                 ("bound on Eve information", f"{distilled.eve_information:.3f} bit per key bit"),
                 ("final key", f"{distilled.final_length:,} bits" + ("" if distilled.ok else f" ({distilled.reason})"))]
    else:
        rows.append(("final key", "0 bits: no key after an abort"))
    body = "".join(f"<tr><td style='padding:1px 10px 1px 0'>{html.escape(k)}</td>"
                   f"<td class='pqfl-qkd-val-{k.split()[0].lower()}'>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def build_qkd_app(seed: int | None = None) -> widgets.Widget:
    """The notebook 03 app: run E91 with Eve and noise, see S, QBER, verdict and key length."""
    from .. import SEED
    from ..qkd.postprocess import distill_key
    from ..qkd.records import MIN_KEY_BYTES, open_record, seal_record

    seed = SEED if seed is None else seed
    style = {"description_width": "150px"}
    eve_on = classed(widgets.Checkbox(value=False, description="Eve listens", style=style), "pqfl-qkd-eve")
    fraction = classed(widgets.FloatSlider(value=1.0, min=0.0, max=1.0, step=0.05, description="intercept fraction",
                                           style=style, readout_format=".2f"), "pqfl-qkd-fraction")
    strategy = classed(widgets.Dropdown(options=[("Bob's three angles", "bob"), ("uniformly random angle", "uniform")],
                                        value="bob", description="Eve's angles", style=style), "pqfl-qkd-strategy")
    noise = classed(widgets.FloatSlider(value=0.0, min=0.0, max=0.3, step=0.01, description="channel noise p",
                                        style=style, readout_format=".2f"), "pqfl-qkd-noise")
    pairs = classed(widgets.IntText(value=5000, description="Bell pairs", style=style,
                                    layout=widgets.Layout(width="290px")), "pqfl-qkd-pairs")
    run = classed(widgets.Button(description="Run E91", button_style="primary", icon="play"), "pqfl-qkd-run")
    status = status_line("pqfl-qkd-status")
    verdict = classed(widgets.HTML(), "pqfl-qkd-verdict")
    numbers = classed(widgets.HTML(), "pqfl-qkd-numbers")
    gauge = figure_output("pqfl-qkd-gauge")
    record = classed(widgets.HTML(), "pqfl-qkd-record")

    sweep_status = status_line("pqfl-qkd-sweep-status")
    sweep_fig = figure_output("pqfl-qkd-sweep-figure")
    sweep_btn = classed(widgets.Button(description="Simulate S vs f", icon="line-chart"), "pqfl-qkd-sweep-run")
    detect_fig = figure_output("pqfl-qkd-detect-figure")

    @guarded(status)
    def on_run(_=None):
        verdict.value = numbers.value = record.value = ""
        gauge.clear_output()
        result = Q.run_e91(pairs.value, eve_fraction=fraction.value if eve_on.value else 0.0,
                           eve_bases=strategy.value, noise=noise.value, seed=seed)
        distilled = None if result.aborted else distill_key(result, seed=seed)
        show_figure(gauge, plot_s_gauge(result))  # figure first: the verdict text arrives last
        if distilled is not None and distilled.ok and distilled.final_length >= 8 * MIN_KEY_BYTES:
            from ..qkd.records import bits_to_key

            packet = seal_record(distilled.key_bytes(), b"bed 12: HR 72, SpO2 98%", b"ward-3|seq=1")
            opened = open_record(bits_to_key(distilled.key_bob), packet, b"ward-3|seq=1")
            record.value = (f"<div class='pqfl-msg pqfl-msg-ok'>Alice sealed a record with AES-256-GCM + HMAC "
                            f"({len(packet)} bytes: {packet[:12].hex()}…); Bob opened it with his key: "
                            f"<code>{html.escape(opened.decode())}</code></div>")
        else:
            record.value = (f"<div class='pqfl-msg pqfl-msg-warn'>No record sent: AES-256 records need a final key "
                            f"of {8 * MIN_KEY_BYTES}+ bits.</div>")
        plot_detect()
        numbers.value = _numbers_html(result, distilled)
        show_status(status, f"{result.n_pairs:,} pairs simulated with Qiskit (seed {seed}).", "info")
        verdict.value = _verdict_html(result)

    @guarded(status)
    def plot_detect(_=None):
        # a what-if plot: Eve at the slider's fraction, whether or not she is switched on
        show_figure(detect_fig, plot_detection(fraction.value, strategy.value, noise.value))

    @guarded(sweep_status)
    def on_sweep(_=None):
        Q.validate_parameters(pairs.value, 0.0, strategy.value, noise.value)
        n = min(int(pairs.value), 20_000)
        show_figure(sweep_fig, plot_s_vs_fraction(n, strategy.value, noise.value, seed=seed))
        show_status(sweep_status, f"11 runs of {n:,} pairs (sweeps are capped at 20,000 pairs per run).", "info")

    run.on_click(on_run)
    sweep_btn.on_click(on_sweep)
    for control in (eve_on, fraction, strategy, noise):
        control.observe(on_run, names="value")
    pairs.observe(on_run, names="value")
    on_run()
    on_sweep()

    controls = widgets.VBox([eve_on, fraction, strategy, noise, widgets.HBox([pairs, run])])
    run_panel = titled("Run E91", controls, status, verdict, numbers, gauge, record, css_class="pqfl-qkd-run-panel")
    sweep_panel = titled("S vs intercept fraction", sweep_btn, sweep_status, sweep_fig, css_class="pqfl-qkd-sweep-panel")
    detect_panel = titled("Detection vs number of pairs", detect_fig, css_class="pqfl-qkd-detect-panel")
    compare_panel = titled("E91 vs ML-KEM for a hospital", widgets.HTML(comparison_html()))
    quizzes = [quiz_widget(e.id) for e in all_exercises("03") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>E91: entanglement-based key distribution with an eavesdropper</h2>"),
        tabs({"Run": run_panel, "S vs Eve": sweep_panel, "Detection": detect_panel, "E91 vs ML-KEM": compare_panel,
              "Quiz": widgets.VBox(quizzes)}, "pqfl-qkd-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-qkd-app")
