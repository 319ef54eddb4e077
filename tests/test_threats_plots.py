"""The notebook 01 figures added for learners: the period of a^x mod N, Grover's rotation picture and
Grover's amplitude bars. Each draws what it promises, returns a Figure and leaves none open."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figures import closed, no_figure_left_open  # noqa: F401 (autouse fixture)
from matplotlib.container import BarContainer

from pqfl_kit import threats as T
from pqfl_kit.threats import plots


def test_period_figure_has_one_panel_per_case_with_the_powers_and_the_period_marked():
    fig = plots.plot_modular_powers([(15, 7), (21, 2)], periods=3)
    assert len(fig.axes) == 2
    for ax, (N, a, r) in zip(fig.axes, [(15, 7, 4), (21, 2, 6)]):
        powers, ones = ax.lines[0], ax.lines[1]
        assert list(powers.get_ydata()) == [pow(a, x, N) for x in range(3 * r + 1)]
        assert list(ones.get_xdata()) == [0, r, 2 * r, 3 * r] and set(ones.get_ydata()) == {1}
        assert any(t.get_text() == f"period r = {r}" for t in ax.texts)
        assert f"N = {N}, a = {a}" in ax.get_title()
        arrow = next(c for c in ax.get_children() if type(c).__name__ == "Annotation")
        assert arrow.xy == (r, pytest.approx(N * 1.08)) and arrow.xyann == (0, pytest.approx(N * 1.08))
    closed(fig)


@pytest.mark.parametrize("cases, error", [([], ValueError), ([(15, 5)], ValueError), ([(15, 7)] * 5, ValueError),
                                          ([(15, 7.5)], TypeError)])
def test_period_figure_refuses_bad_cases_before_drawing(cases, error):
    with pytest.raises(error):
        plots.plot_modular_powers(cases)
    assert plt.get_fignums() == []


def test_rotation_turns_by_two_theta_and_marks_the_best_iteration():
    fig = plots.plot_grover_rotation(4)
    (ax,) = fig.axes
    theta = math.asin(1 / 4)
    arrows = [c for c in ax.get_children() if type(c).__name__ == "Annotation"]
    best = T.grover_optimal_iterations(4)
    assert len(arrows) == best + 2  # k = 0 .. best + 1: one past the optimum shows the overshoot
    for k, arrow in enumerate(arrows):
        assert arrow.xy == pytest.approx((math.cos((2 * k + 1) * theta), math.sin((2 * k + 1) * theta)))
    labels = [t.get_text() for t in ax.texts]
    assert f"k = {best}\nP = {T.grover_theory(4, best):.2f}" in labels and "2θ" in labels
    assert arrows[-1].xy[0] < 0  # past 90 degrees: the marked amplitude falls again
    assert "2θ = 29.0°" in ax.get_title()
    closed(fig)


def test_rotation_refuses_too_many_arrows():
    with pytest.raises(ValueError):
        plots.plot_grover_rotation(4, iterations=plots.MAX_ROTATION_STEPS + 1)


def test_amplitude_bars_follow_oracle_and_inversion_about_the_mean():
    fig = plots.plot_grover_amplitudes(n_qubits=3, marked=5, iterations=2)
    stages = T.grover_amplitudes(3, 5, 2)
    assert len(fig.axes) == len(stages) == 5
    for ax, (label, amplitudes) in zip(fig.axes, stages):
        (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
        heights = np.array([b.get_height() for b in bars])
        assert np.allclose(heights, amplitudes)
        assert bars[5].get_facecolor() != bars[0].get_facecolor()  # the marked item stands out
        mean_line = ax.lines[0]
        assert np.allclose(mean_line.get_ydata(), amplitudes.mean())
        assert any(t.get_text().startswith(label) for t in ax.texts)
    final = stages[-1][1]
    assert final[5] ** 2 == pytest.approx(T.grover_theory(3, 2), abs=1e-12)
    closed(fig)


def test_amplitude_bars_refuse_bad_input():
    with pytest.raises(ValueError):
        plots.plot_grover_amplitudes(3, 8, 1)
    with pytest.raises(ValueError):
        plots.plot_grover_amplitudes(3, 1, 0)
