"""Notebook 01 app: Shor, Grover and Mosca panels (``build_threats_app``); figures live in
:mod:`pqfl_kit.threats.plots`."""
from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from .. import threats as T
from ..exercises import all_exercises, quiz_widget
from ..threats.plots import plot_grover, plot_mosca, plot_shor_histogram
from .common import (
    classed,
    colour,
    figure_output,
    guarded,
    html_table,
    message_html,
    progress_bar,
    run_button,
    show_figure,
    show_status,
    status_line,
    tabs,
    titled,
)

__all__ = ["crypto_table_html", "estimates_table_html", "build_threats_app"]

_STATUS_KINDS = {"broken": "error", "weakened": "warn", "safe": "ok"}  # palette kinds: readable in both themes


def crypto_table_html() -> str:
    """The hospital crypto stack, coloured broken / weakened / safe."""
    columns = ["algorithm", "used_for", "quantum", "status", "NIST category"]
    rows = [[row["algorithm"], row["used_for"], row["quantum"], row["status"],
             "none (Shor)" if row["category"] is None else row["category"]] for row in T.HOSPITAL_CRYPTO]
    return html_table(columns, rows, "pqfl-crypto-table",
                      row_styles=[f"color:{colour(_STATUS_KINDS[row['status']])}" for row in T.HOSPITAL_CRYPTO])


def estimates_table_html() -> str:
    """Published resource estimates for breaking RSA-2048."""
    columns = ["source", "qubits", "time"]
    return html_table(columns, [[row[c] for c in columns] for row in T.RSA2048_ESTIMATES], "pqfl-estimates-table")


# ------------------------------------------------------------------------------------ app
def _shor_panel() -> widgets.Widget:
    n = classed(widgets.Dropdown(options=list(T.SHOR_NS), value=15, description="N"), "pqfl-shor-n")
    a = classed(widgets.IntText(value=7, description="a", layout=widgets.Layout(width="160px")), "pqfl-shor-a")
    count = classed(widgets.IntSlider(value=8, min=3, max=T.MAX_COUNTING_QUBITS, description="counting qubits",
                                      style={"description_width": "initial"}, continuous_update=False),
                    "pqfl-shor-count")
    run = classed(widgets.Button(description="Factor N", button_style="primary", icon="play"), "pqfl-shor-run")
    bar = progress_bar("pqfl-shor-progress")
    status = status_line("pqfl-shor-status")
    result = classed(widgets.HTML(), "pqfl-shor-result")
    figure = figure_output("pqfl-shor-figure")

    @run_button(run, status, steps=2, bar=bar)
    def on_run(step):
        result.value = ""
        step(f"simulating order finding for N = {n.value}, a = {a.value} with {count.value} counting qubits")
        res = T.run_shor(n.value, a.value, count.value)  # checks N, a and the qubits first (a message if not)
        step("drawing the measured phases")
        show_figure(figure, plot_shor_histogram(res))
        show_status(status, f"Circuit: {res.n_qubits} qubits, depth {res.depth} (oracles as single gates), "
                            f"{res.shots} shots.", "info")
        result.value = message_html(res.summary(), "ok" if res.factors else "warn", style="font-size:1.2em")

    on_run()
    return titled("Shor: factor N by finding the order of a mod N",
                  widgets.HBox([n, a]), count, widgets.HBox([run, bar]), status, result, figure,
                  css_class="pqfl-shor-panel")


def _grover_panel() -> widgets.Widget:
    qubits = classed(widgets.IntSlider(value=4, min=2, max=5, description="qubits", continuous_update=False),
                     "pqfl-grover-qubits")
    marked = classed(widgets.IntText(value=11, description="secret key", style={"description_width": "initial"},
                                     layout=widgets.Layout(width="200px")), "pqfl-grover-marked")
    run = classed(widgets.Button(description="Search", button_style="primary", icon="search"), "pqfl-grover-run")
    bar = progress_bar("pqfl-grover-progress")
    status = status_line("pqfl-grover-status")
    figure = figure_output("pqfl-grover-figure")
    strength = widgets.HTML(
        "<b>What this means for real keys:</b> " + "; ".join(
            f"{name}: 2^{s['classical_log2']} classical trials vs ~2^{s['grover_log2']} Grover iterations"
            for name, s in (("AES-128", T.grover_key_strength(128)), ("Ascon-AEAD128", T.grover_key_strength(128)),
                            ("AES-256", T.grover_key_strength(256)))) +
        ". Grover's iterations run one after another and each is a deep circuit, so NIST still counts "
        "AES-128 as its lowest post-quantum security category.")

    @run_button(run, status, steps=2, bar=bar)
    def on_run(step):
        step(f"simulating Grover's search over {2 ** qubits.value} keys, every iteration count")
        res = T.run_grover(qubits.value, marked.value)  # checks 0 <= key < 2**qubits first (a message if not)
        step("drawing the success probabilities")
        show_figure(figure, plot_grover(res))
        best = T.grover_optimal_iterations(qubits.value)
        show_status(status, f"Best: {best} iterations -> P = {res.theory[best]:.2f} (theory), "
                            f"{res.simulated[best]:.2f} (simulated). Classical guessing: "
                            f"{1 / 2 ** qubits.value:.3f} per try.", "ok")

    on_run()
    return titled("Grover: searching a key space in √N steps", widgets.HBox([qubits, marked]),
                  widgets.HBox([run, bar]), status,
                  figure, strength, css_class="pqfl-grover-panel")


_PRESETS = {
    "custom": None,
    "child's medical record (kept until age 25+)": (25, 5, 15),
    "wearable heart-rate stream (1 year)": (1, 5, 15),
    "genomic data (a lifetime)": (70, 5, 15),
}


def _mosca_sliders() -> tuple[widgets.IntSlider, widgets.IntSlider, widgets.IntSlider]:
    """The three sliders of Mosca's inequality: x (shelf life), y (migration), z (quantum horizon)."""
    style = {"description_width": "250px"}
    layout = widgets.Layout(width="560px")

    def slider(name: str, value: int, high: int, text: str) -> widgets.IntSlider:
        return classed(widgets.IntSlider(value=value, min=0, max=high, description=text, style=style,
                                         layout=layout, continuous_update=False), f"pqfl-mosca-{name}")

    return (slider("x", 25, 80, "x: years the data must stay secret"),
            slider("y", 5, 30, "y: years to migrate to PQC"),
            slider("z", 15, 50, "z: years until a quantum computer"))


def _follow_preset(preset: widgets.Dropdown, sliders: tuple[widgets.IntSlider, ...], update: Callable) -> None:
    """Choosing an example sets the sliders; moving a slider by hand switches the example to "custom"."""
    applying_preset = []

    def on_preset(change):
        values = _PRESETS.get(change["new"])
        if values:
            applying_preset.append(True)
            for slider, value in zip(sliders, values):
                slider.value = value
            applying_preset.clear()

    def on_slider(change):
        if not applying_preset:
            preset.value = "custom"  # the example no longer describes these numbers
        update()

    for slider in sliders:
        slider.observe(on_slider, names="value")
    preset.observe(on_preset, names="value")


def _mosca_panel() -> widgets.Widget:
    x, y, z = sliders = _mosca_sliders()
    preset = classed(widgets.Dropdown(options=list(_PRESETS), value="child's medical record (kept until age 25+)",
                                      description="example", layout=widgets.Layout(width="460px")),
                     "pqfl-mosca-preset")
    verdict = classed(widgets.HTML(), "pqfl-mosca-verdict")
    status = status_line("pqfl-mosca-status")
    figure = figure_output("pqfl-mosca-figure")

    @guarded(status)
    def update(_=None):
        v = T.mosca(x.value, y.value, z.value)
        verdict.value = message_html(v.text, "error" if v.at_risk else "ok", style="font-size:1.1em")
        show_figure(figure, plot_mosca(v))

    _follow_preset(preset, sliders, update)
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
