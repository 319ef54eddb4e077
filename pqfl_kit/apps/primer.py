"""Notebook 00a app: one qubit measured at an angle, and a Bell pair measured by Alice and Bob (``build_primer_app``).

Nothing heavy runs while the app builds (a small Bloch-circle drawing only); Qiskit loads on the first
*Measure* click. Each click draws fresh shots from a seeded sequence (``seed``, ``seed + 1``, ...), so
a classroom sees the same numbers click by click. The figures live in :mod:`pqfl_kit.primer.plots`.
"""
from __future__ import annotations

import html
import math
from collections.abc import Callable
from itertools import count

import ipywidgets as widgets

from .. import SEED
from ..exercises import all_exercises, quiz_widget
from ..primer.plots import plot_bloch_circle, plot_counts
from ..primer.states import (
    MAX_SHOTS,
    agreement_theory,
    correlation_theory,
    measure_along,
    measure_pairs,
    prepare_angle,
    sample_counts,
)
from .common import (
    PALETTE_STYLE,
    classed,
    colour,
    figure_output,
    guarded,
    run_button,
    show_figure,
    show_status,
    status_line,
    tabs,
)

__all__ = ["build_primer_app", "one_qubit_html", "pairs_html"]

_STYLE = {"description_width": "200px"}
_WIDE = widgets.Layout(width="480px")


def _degrees_slider(description: str, value: int, css: str, high: int = 360) -> widgets.IntSlider:
    return classed(widgets.IntSlider(value=value, min=0, max=high, step=5, description=description, style=_STYLE,
                                     layout=_WIDE, continuous_update=False, readout_format="d"), css)


def _shots_slider(description: str, value: int, css: str) -> widgets.IntSlider:
    return classed(widgets.IntSlider(value=value, min=10, max=min(MAX_SHOTS, 10_000), step=10,
                                     description=description, style=_STYLE, layout=_WIDE,
                                     continuous_update=False), css)


def one_qubit_html(theta: float, t: float) -> str:
    """The state's amplitudes and the outcome probabilities when measuring along angle t."""
    a0, a1 = math.cos(theta / 2), math.sin(theta / 2)
    p0 = math.cos((theta - t) / 2) ** 2
    return (f"{PALETTE_STYLE}<div style='line-height:1.6'>state: cos(θ/2)|0⟩ + sin(θ/2)|1⟩ = "
            f"<b>{a0:.2f}|0⟩ {'+' if a1 >= 0 else '−'} {abs(a1):.2f}|1⟩</b><br>"
            f"measured along t = {math.degrees(t):.0f}°: P(0) = cos²((θ − t)/2) = <b>{p0:.3f}</b>, "
            f"P(1) = <b>{1 - p0:.3f}</b>"
            f"<br><span style='color:{colour('muted')}'>Along t = 0° (a plain Z measurement) the probabilities "
            "are the squared amplitudes.</span></div>")


def _one_qubit_panel(seed: int) -> widgets.Widget:
    theta = _degrees_slider("state angle θ (degrees)", 60, "pqfl-primer-angle")
    basis = _degrees_slider("measure along t (degrees)", 0, "pqfl-primer-basis")
    shots = _shots_slider("shots", 200, "pqfl-primer-shots")
    button = classed(widgets.Button(description="Measure", button_style="primary", icon="play"),
                     "pqfl-primer-measure")
    status = status_line("pqfl-primer-status")
    numbers = classed(widgets.HTML(), "pqfl-primer-amplitudes")
    circle, histogram = figure_output("pqfl-primer-circle"), figure_output("pqfl-primer-histogram")
    seeds = count(seed)

    @guarded(status)
    def redraw(_=None) -> None:
        th, t = math.radians(theta.value), math.radians(basis.value)
        numbers.value = one_qubit_html(th, t)
        show_figure(circle, plot_bloch_circle(th, t))

    @run_button(button, status)
    def measure(step: Callable) -> None:
        step("measuring")
        th, t = math.radians(theta.value), math.radians(basis.value)
        circuit = prepare_angle(th).compose(measure_along(t))  # measure along t: Ry(−t), then Z
        counts = sample_counts(circuit, shots.value, next(seeds))
        p0 = math.cos((th - t) / 2) ** 2
        show_figure(histogram, plot_counts(counts, [p0, 1 - p0], title=f"{shots.value:,} shots"))
        show_status(status, f"Measured {shots.value:,} shots: 0 came {counts['0']:,} times, 1 came "
                            f"{counts['1']:,} times (expected fraction of 0s: {p0:.3f}). Press again: new shots, "
                            "new counts; the probabilities stay.", "ok")

    for slider in (theta, basis):
        slider.observe(redraw, "value")
    redraw()
    show_status(status, "Choose a state and a direction, then press Measure.", "info")
    return widgets.VBox([theta, basis, numbers, widgets.HBox([shots, button]), status,
                         widgets.HBox([circle, histogram])])


def pairs_html(run) -> str:
    """Measured agreement and correlation of a Bell-pair run next to cos²((a−b)/2) and cos(a−b)."""
    want, e_want = agreement_theory(run.a, run.b), correlation_theory(run.a, run.b)
    cell = "padding:2px 10px 2px 0"
    rows = [("bits agree", f"{run.agree:.3f} ± {run.stderr:.3f}", f"cos²((a − b)/2) = {want:.3f}"),
            ("correlation E", f"{run.correlation:+.3f}", f"cos(a − b) = {e_want:+.3f}"),
            ("Alice's 1s", f"{(run.counts['01'] + run.counts['11']) / run.shots:.3f}", "0.5 whatever the angles")]
    body = "".join(f"<tr><td style='{cell}'>{html.escape(a)}</td><td style='{cell}'><b>{html.escape(b)}</b></td>"
                   f"<td style='{cell}'>{html.escape(c)}</td></tr>" for a, b, c in rows)
    head = (f"<tr><th style='text-align:left;{cell}'></th><th style='text-align:left;{cell}'>simulated</th>"
            f"<th style='text-align:left;{cell}'>theory</th></tr>")
    return (f"{PALETTE_STYLE}<table class='pqfl-primer-pairs-table'>{head}{body}</table>"
            f"<div style='color:{colour('info')};margin-top:4px'>This is what E91 uses (notebook 03): equal "
            "angles give equal bits, a shared key; other angles give correlations cos(a − b) for the Bell "
            "(CHSH) test that catches an eavesdropper.</div>")


def _two_qubit_panel(seed: int) -> widgets.Widget:
    alice = _degrees_slider("Alice's angle a (degrees)", 0, "pqfl-primer-alice")
    bob = _degrees_slider("Bob's angle b (degrees)", 45, "pqfl-primer-bob")
    pairs = _shots_slider("Bell pairs", 1000, "pqfl-primer-pairs")
    button = classed(widgets.Button(description="Measure pairs", button_style="primary", icon="play"),
                     "pqfl-primer-pairs-run")
    status = status_line("pqfl-primer-pairs-status")
    result = classed(widgets.HTML(), "pqfl-primer-pairs-result")
    histogram = figure_output("pqfl-primer-pairs-histogram")
    seeds = count(seed)

    @run_button(button, status)
    def measure(step: Callable) -> None:
        step("measuring Bell pairs")
        a, b = math.radians(alice.value), math.radians(bob.value)
        run = measure_pairs(a, b, pairs.value, next(seeds))
        p = agreement_theory(a, b) / 2
        show_figure(histogram, plot_counts(run.counts, [p, 0.5 - p, 0.5 - p, p],
                                           title="outcomes: Bob's bit (left), Alice's bit (right)"))
        result.value = pairs_html(run)
        show_status(status, f"{run.shots:,} pairs measured at a = {alice.value}°, b = {bob.value}°: the bits "
                            f"agreed in {run.agree:.1%} of them.", "ok")

    intro = widgets.HTML("<p style='margin:2px 0'>A source makes Bell pairs (|00⟩ + |11⟩)/√2; Alice measures "
                         "qubit 0 along a, Bob qubit 1 along b. Each bit alone is a fair coin; how often do "
                         "they agree?</p>")
    show_status(status, "Choose two angles, then press Measure pairs.", "info")
    return widgets.VBox([intro, alice, bob, widgets.HBox([pairs, button]), status, result, histogram])


def build_primer_app(seed: int | None = None) -> widgets.Widget:
    """The primer's app: measure one qubit along any angle; measure Bell pairs as Alice and Bob do in E91."""
    seed = SEED if seed is None else seed
    quizzes = [quiz_widget(e.id) for e in all_exercises("00a") if e.kind == "value"]
    app = widgets.VBox([
        widgets.HTML(f"{PALETTE_STYLE}<h2 style='margin:4px 0'>Quantum primer: measure qubits yourself</h2>"),
        tabs({"One qubit": _one_qubit_panel(seed), "Two qubits": _two_qubit_panel(seed),
              "Quiz": widgets.VBox(quizzes)}, "pqfl-primer-tabs"),
    ])
    return classed(app, "pqfl-app", "pqfl-primer-app")
