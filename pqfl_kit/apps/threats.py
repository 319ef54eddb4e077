"""Notebook 01 app and figures: Shor, Grover and Mosca panels (``build_threats_app``)."""
from __future__ import annotations

import html

import ipywidgets as widgets

from .. import threats as T
from ..exercises import all_exercises, quiz_widget
from .common import classed, figure_output, guarded, html_table, show_figure, show_status, status_line, tabs, titled

__all__ = ["plot_shor_histogram", "plot_grover", "plot_mosca", "crypto_table_html", "estimates_table_html",
           "build_threats_app"]

_STATUS_COLOURS = {"broken": "#b3261e", "weakened": "#8a6d00", "safe": "#1b7f3b"}


def plot_shor_histogram(result: T.ShorResult):
    """Bar chart of measured phases y/2^n, with the ideal peaks s/r marked."""
    import matplotlib.pyplot as plt

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


def plot_grover(result: T.GroverResult):
    """Success probability vs iterations: theory line and simulated points."""
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(7, 3))
    fine = np.linspace(0, result.iterations[-1], 200)
    ax.plot(fine, T.grover_theory(result.n_qubits, fine), color="#1f4e79", label="theory sin²((2k+1)θ)")
    ax.plot(result.iterations, result.simulated, "o", color="#b3261e", label=f"simulated ({result.shots} shots)")
    best = T.grover_optimal_iterations(result.n_qubits)
    ax.axvline(best, color="grey", ls=":", label=f"optimal k = {best}")
    ax.set_xlabel("Grover iterations k")
    ax.set_ylabel("P(find the key)")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Grover on {result.n_qubits} qubits: 1 key among {2 ** result.n_qubits}")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_mosca(verdict: T.MoscaVerdict):
    """Timeline bars: shelf life x after migration y, against the quantum horizon z."""
    import matplotlib.pyplot as plt

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


def crypto_table_html() -> str:
    """The hospital crypto stack, coloured broken / weakened / safe."""
    columns = ["algorithm", "used_for", "quantum", "status"]
    return html_table(columns, [[row[c] for c in columns] for row in T.HOSPITAL_CRYPTO], "pqfl-crypto-table",
                      row_styles=[f"color:{_STATUS_COLOURS[row['status']]}" for row in T.HOSPITAL_CRYPTO])


def estimates_table_html() -> str:
    """Published resource estimates for breaking RSA-2048."""
    columns = ["source", "qubits", "time"]
    return html_table(columns, [[row[c] for c in columns] for row in T.RSA2048_ESTIMATES], "pqfl-estimates-table")


# ------------------------------------------------------------------------------------ app
def _shor_panel() -> widgets.Widget:
    n = classed(widgets.Dropdown(options=list(T.SHOR_NS), value=15, description="N"), "pqfl-shor-n")
    a = classed(widgets.IntText(value=7, description="a", layout=widgets.Layout(width="160px")), "pqfl-shor-a")
    count = classed(widgets.IntSlider(value=8, min=3, max=T.MAX_COUNTING_QUBITS, description="counting qubits",
                                      style={"description_width": "initial"}), "pqfl-shor-count")
    run = classed(widgets.Button(description="Factor N", button_style="primary", icon="play"), "pqfl-shor-run")
    status = status_line("pqfl-shor-status")
    result = classed(widgets.HTML(), "pqfl-shor-result")
    figure = figure_output("pqfl-shor-figure")

    @guarded(status)
    def on_run(_=None):
        show_status(status, f"Simulating order finding for N = {n.value}, a = {a.value} ...", "info")
        result.value = ""
        res = T.run_shor(n.value, a.value, count.value)
        kind = "ok" if res.factors else "warn"
        show_status(status, f"Circuit: {res.n_qubits} qubits, depth {res.depth} (oracles as single gates), "
                            f"{res.shots} shots.", "info")
        result.value = (f"<div class='pqfl-msg pqfl-msg-{kind}' style='font-size:1.2em;font-weight:600'>"
                        f"{html.escape(res.summary())}</div>")
        show_figure(figure, plot_shor_histogram(res))

    run.on_click(on_run)
    on_run()
    return titled("Shor: factor N by finding the order of a mod N",
                  widgets.HBox([n, a]), count, run, status, result, figure, css_class="pqfl-shor-panel")


def _grover_panel() -> widgets.Widget:
    qubits = classed(widgets.IntSlider(value=4, min=2, max=5, description="qubits"), "pqfl-grover-qubits")
    marked = classed(widgets.IntText(value=11, description="secret key", style={"description_width": "initial"},
                                     layout=widgets.Layout(width="200px")), "pqfl-grover-marked")
    run = classed(widgets.Button(description="Search", button_style="primary", icon="search"), "pqfl-grover-run")
    status = status_line("pqfl-grover-status")
    figure = figure_output("pqfl-grover-figure")
    strength = widgets.HTML(
        "<b>What this means for real keys:</b> " + "; ".join(
            f"{name}: 2^{s['classical_log2']} classical trials vs ~2^{s['grover_log2']} Grover iterations"
            for name, s in (("AES-128", T.grover_key_strength(128)), ("Ascon-AEAD128", T.grover_key_strength(128)),
                            ("AES-256", T.grover_key_strength(256)))) +
        ". Grover's iterations run one after another and each is a deep circuit, so NIST still counts "
        "AES-128 as its lowest post-quantum security category.")

    @guarded(status)
    def on_run(_=None):
        res = T.run_grover(qubits.value, marked.value)
        best = T.grover_optimal_iterations(qubits.value)
        show_status(status, f"Best: {best} iterations -> P = {res.theory[best]:.2f} (theory), "
                            f"{res.simulated[best]:.2f} (simulated). Classical guessing: "
                            f"{1 / 2 ** qubits.value:.3f} per try.", "ok")
        show_figure(figure, plot_grover(res))

    run.on_click(on_run)
    on_run()
    return titled("Grover: searching a key space in √N steps", widgets.HBox([qubits, marked]), run, status,
                  figure, strength, css_class="pqfl-grover-panel")


_PRESETS = {
    "custom": None,
    "child's medical record (kept until age 25+)": (25, 5, 15),
    "wearable heart-rate stream (1 year)": (1, 5, 15),
    "genomic data (a lifetime)": (70, 5, 15),
}


def _mosca_panel() -> widgets.Widget:
    style = {"description_width": "250px"}
    layout = widgets.Layout(width="560px")
    x = classed(widgets.IntSlider(value=25, min=0, max=80, description="x: years the data must stay secret",
                                  style=style, layout=layout), "pqfl-mosca-x")
    y = classed(widgets.IntSlider(value=5, min=0, max=30, description="y: years to migrate to PQC",
                                  style=style, layout=layout), "pqfl-mosca-y")
    z = classed(widgets.IntSlider(value=15, min=0, max=50, description="z: years until a quantum computer",
                                  style=style, layout=layout), "pqfl-mosca-z")
    preset = classed(widgets.Dropdown(options=list(_PRESETS), value="child's medical record (kept until age 25+)",
                                      description="example", layout=widgets.Layout(width="460px")), "pqfl-mosca-preset")
    verdict = classed(widgets.HTML(), "pqfl-mosca-verdict")
    status = status_line("pqfl-mosca-status")
    figure = figure_output("pqfl-mosca-figure")

    @guarded(status)
    def update(_=None):
        v = T.mosca(x.value, y.value, z.value)
        kind = "error" if v.at_risk else "ok"
        verdict.value = (f"<div class='pqfl-msg pqfl-msg-{kind}' style='font-size:1.1em;font-weight:600'>"
                         f"{html.escape(v.text)}</div>")
        show_figure(figure, plot_mosca(v))

    applying_preset = []

    def on_preset(change):
        values = _PRESETS.get(change["new"])
        if values:
            applying_preset.append(True)
            x.value, y.value, z.value = values
            applying_preset.clear()

    def on_slider(change):
        if not applying_preset:
            preset.value = "custom"  # the example no longer describes these numbers
        update()

    for slider in (x, y, z):
        slider.observe(on_slider, names="value")
    preset.observe(on_preset, names="value")
    update()
    tables = widgets.HTML("<h4>Which parts of a hospital's crypto Shor and Grover hit</h4>" + crypto_table_html() +
                          "<h4>Published estimates for breaking RSA-2048</h4>" + estimates_table_html())
    return titled("Mosca: is your health data already at risk?", preset, x, y, z, verdict, status, figure, tables,
                  css_class="pqfl-mosca-panel")


def build_threats_app() -> widgets.Widget:
    """The notebook 01 app: Shor, Grover and Mosca panels, and the value exercises as a quiz."""
    quizzes = [quiz_widget(e.id) for e in all_exercises("01") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>Quantum threats to medical data</h2>"),
        tabs({"Shor": _shor_panel(), "Grover": _grover_panel(), "Mosca": _mosca_panel(),
              "Quiz": widgets.VBox(quizzes)}, "pqfl-threats-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-threats-app")
