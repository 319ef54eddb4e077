"""Notebook 03's teaching figures: quantum against classical correlations, and the key rate against the QBER."""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from pqfl_kit.qkd import plots as P
from pqfl_kit.qkd.e91 import QBER_LIMIT
from pqfl_kit.qkd.postprocess import binary_entropy


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_classical_triangle_is_what_a_shared_random_direction_gives():
    """The local model (shared random direction lambda, answers sign cos(t - lambda)) has E = 1 - 2|θ|/π."""
    rng = np.random.default_rng(7)
    lam = rng.uniform(0, 2 * np.pi, 200_000)
    for theta in (0.0, np.pi / 4, -3 * np.pi / 4, np.pi / 2, 2.0, np.pi):
        alice, bob = np.sign(np.cos(0.0 - lam)), np.sign(np.cos(-theta - lam))
        assert np.mean(alice * bob) == pytest.approx(P.classical_correlation(theta), abs=0.01), theta
    edges = np.array([0, np.pi / 2, np.pi, -np.pi, 2 * np.pi])
    assert P.classical_correlation(edges) == pytest.approx([1, 0, -1, -1, 1])


def test_at_ekerts_angles_quantum_gives_2_root_2_and_the_triangle_exactly_2():
    assert P.chsh_from_correlation(np.cos) == pytest.approx(2 * math.sqrt(2))
    assert P.chsh_from_correlation(P.classical_correlation) == pytest.approx(2.0)


def test_quantum_is_never_weaker_than_the_triangle():
    theta = np.linspace(-np.pi, np.pi, 1001)
    assert np.all(np.abs(np.cos(theta)) >= np.abs(P.classical_correlation(theta)) - 1e-12)


def test_correlation_plot_has_both_curves_the_shading_and_the_chsh_gaps():
    fig = P.plot_correlations()
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.lines]
    assert any("cos θ" in label for label in labels) and any("1 − 2|θ|/π" in label for label in labels)
    assert len(ax.collections) >= 1  # the shaded band
    gaps = sorted({round(float(line.get_xdata()[0]), 6) for line in ax.lines
                   if line.get_linestyle() == ":" and len(line.get_xdata()) == 2})
    assert gaps == pytest.approx([-3 * np.pi / 4, -np.pi / 4, np.pi / 4])
    assert "quantum 2.83, classical 2.00" in ax.get_title()


def test_key_rate_zeros_are_computed_not_typed_in():
    zeros = list(P.key_rate_thresholds().values())
    assert zeros[0] == pytest.approx(0.065, abs=0.001) and zeros[0] == pytest.approx(QBER_LIMIT, abs=1e-9)
    assert zeros[1] == pytest.approx(0.071, abs=0.001)
    assert zeros[2] == pytest.approx(0.110, abs=0.001)
    assert 1 - 2 * binary_entropy(zeros[2]) == pytest.approx(0.0, abs=1e-9)
    assert P.depolarizing_key_rate(zeros[0]) == pytest.approx(0.0, abs=1e-9)


def test_key_rate_zero_refuses_a_rate_without_a_crossing():
    with pytest.raises(ValueError, match="positive at lo"):
        P.key_rate_zero(lambda q: 1.0)


def test_key_rate_plot_draws_its_vertical_lines_at_the_computed_zeros():
    fig = P.plot_key_rate()
    ax = fig.axes[0]
    vertical = [float(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == ":"]
    assert vertical == pytest.approx([z * 100 for z in P.key_rate_thresholds().values()])
    curves = [line.get_label() for line in ax.lines if "zero at" in line.get_label()]
    assert [label.split(":")[0] for label in curves] == list(P.key_rate_thresholds())
