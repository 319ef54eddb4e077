"""Every figure function in the ``<topic>/plots.py`` modules draws what it promises for a small real
input, returns a matplotlib Figure, and closes without leaking figures."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figures import closed, no_figure_left_open  # noqa: F401 (autouse fixture)
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.image import AxesImage

from pqfl_kit import threats as T
from pqfl_kit.fl import plots as fl_plots
from pqfl_kit.hospital import plots as hospital_plots
from pqfl_kit.pqc import plots as pqc_plots
from pqfl_kit.qkd import plots as qkd_plots
from pqfl_kit.threats import plots as threat_plots


def _bars(ax) -> list:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


# ------------------------------------------------------------------------------------- threats
def test_shor_histogram_has_one_bar_per_outcome_and_one_line_per_peak():
    result = T.run_shor(15, 7, 4, shots=64, seed=1)
    fig = threat_plots.plot_shor_histogram(result)
    (ax,) = fig.axes
    assert len(ax.patches) == len(result.counts)
    assert len(ax.lines) == result.true_order  # dashed s / r for s = 0..r-1
    assert "N = 15" in ax.get_title()
    closed(fig)


def test_grover_plot_has_theory_line_simulated_points_and_optimum():
    result = T.run_grover(2, 1, shots=32, seed=1)
    fig = threat_plots.plot_grover(result)
    (ax,) = fig.axes
    theory, simulated, optimum = ax.lines
    assert len(theory.get_xdata()) == 200
    assert list(simulated.get_ydata()) == result.simulated
    assert list(optimum.get_xdata()) == [T.grover_optimal_iterations(2)] * 2
    closed(fig)


@pytest.mark.parametrize("x, y, z, bars", [(25, 5, 15, 4), (1, 1, 10, 3)])
def test_mosca_plot_shows_exposed_years_only_when_at_risk(x, y, z, bars):
    fig = threat_plots.plot_mosca(T.mosca(x, y, z))
    (ax,) = fig.axes
    assert len(_bars(ax)) == bars
    assert [t.get_text() for t in ax.get_yticklabels()] == ["quantum", "your data"]
    closed(fig)


# ----------------------------------------------------------------------------------------- pqc
@pytest.mark.parametrize("mitm, lifelines", [(False, 2), (True, 3)])
def test_handshake_plot_draws_four_messages_and_a_lifeline_per_party(mitm, lifelines):
    fig = pqc_plots.plot_handshake(hybrid=True, mitm=mitm)
    (ax,) = fig.axes
    assert len(ax.lines) == lifelines
    labels = [t.get_text() for t in ax.texts]
    assert any("ML-KEM-768 key (1184 B) + X25519 key (32 B)" in t for t in labels)
    assert sum(1 for c in ax.get_children() if type(c).__name__ == "Annotation") == 4
    closed(fig)


def test_state_rounds_plot_has_one_5x64_image_per_round():
    from pqfl_kit.pqc import ascon

    trace = ascon.permutation_trace(ascon.initial_state(), 3)
    fig = pqc_plots.plot_state_rounds(trace, range(3))
    assert len(fig.axes) == 3
    for ax in fig.axes:
        (image,) = [c for c in ax.get_children() if isinstance(c, AxesImage)]
        assert image.get_array().shape == (5, 64)
    closed(fig)


def test_avalanche_plot_has_the_curve_and_the_ideal_line():
    fig = pqc_plots.plot_avalanche([0.1, 0.35, 0.5])
    (ax,) = fig.axes
    curve, ideal = ax.lines
    assert list(curve.get_xdata()) == [1, 2, 3] and list(ideal.get_ydata()) == [0.5, 0.5]
    closed(fig)


def test_throughput_plot_has_two_bars_per_message_size():
    from pqfl_kit.pqc import costs

    rows = costs.aead_throughput(sizes=(64, 1024), repeat=1, budget_bytes=1 << 12)
    fig = pqc_plots.plot_throughput(rows)
    (ax,) = fig.axes
    ascon_bars, aes_bars = _bars(ax)
    assert len(ascon_bars) == len(aes_bars) == 2
    assert ax.get_yscale() == "log"
    closed(fig)


# ----------------------------------------------------------------------------------------- qkd
def test_angles_plot_has_alice_and_bob():
    fig = qkd_plots.plot_angles()
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == ["Alice", "Bob"]
    for ax in fig.axes:
        assert sum(1 for c in ax.get_children() if type(c).__name__ == "Annotation") == 3  # three angles
    closed(fig)


@pytest.fixture(scope="module")
def e91_small():
    from pqfl_kit.qkd.e91 import run_e91

    return run_e91(600, seed=1)


def test_s_gauge_marks_s_with_an_error_bar_between_the_bounds(e91_small):
    fig = qkd_plots.plot_s_gauge(e91_small)
    (ax,) = fig.axes
    (bar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert bar.lines[0].get_xdata()[0] == pytest.approx(e91_small.chsh)
    assert [line.get_xdata()[0] for line in ax.lines[:2]] == pytest.approx([2, qkd_plots.TSIRELSON])
    closed(fig)


def test_s_vs_fraction_has_one_simulated_point_per_fraction():
    fig = qkd_plots.plot_s_vs_fraction(400, fractions=[0.0, 1.0], seed=3)
    (ax,) = fig.axes
    assert len([c for c in ax.containers if isinstance(c, ErrorbarContainer)]) == 2
    assert ax.lines[0].get_label().startswith("theory")
    assert any(p.get_label().startswith("no key possible") for p in ax.patches)  # the abort band
    closed(fig)


def test_detection_plot_has_three_curves_over_the_sizes():
    fig = qkd_plots.plot_detection(0.5, sizes=np.array([100, 1000, 10_000]))
    (ax,) = fig.axes
    assert len(ax.lines) == 3 and ax.get_xscale() == "log"
    assert all(list(line.get_xdata()) == [100, 1000, 10_000] for line in ax.lines)
    closed(fig)


# ------------------------------------------------------------------------------------------ fl
@pytest.fixture(scope="module")
def fl_report():
    from pqfl_kit.fl import simulate

    return simulate(n_clients=2, rounds=2, model="logreg", pqc=True, poisoned=1, seed=1)


def test_fl_report_plot_has_four_panels(fl_report):
    fig = fl_plots.plot_report(fl_report)
    accuracy, round_time, energy, wire = fig.axes
    assert list(accuracy.lines[0].get_ydata()) == [r.accuracy for r in fl_report.rounds]
    assert len(_bars(round_time)) == 5  # train, seal, upload, aggregate, broadcast
    (per_client,) = _bars(energy)
    assert len(per_client) == 2
    assert per_client[fl_report.poisoned_clients[0]].get_facecolor()[:3] == pytest.approx((0.702, 0.149, 0.118),
                                                                                             abs=0.01)  # red
    assert len(_bars(wire)) == 2
    closed(fig)


def test_figure_png_returns_png_bytes_and_closes_the_figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    data = fl_plots.figure_png(fig, dpi=30)
    assert data.startswith(b"\x89PNG")
    assert plt.get_fignums() == []


# ------------------------------------------------------------------------------------ hospital
def test_fatigue_plot_has_the_curves_and_the_chosen_thresholds():
    from pqfl_kit.hospital.priority import Thresholds
    from pqfl_kit.hospital.ward import Scenario, fit_detector, recommend_thresholds, run_ward, simulate_ward

    ward = simulate_ward(Scenario(n_patients=3, minutes=30, deterioration=True, seed=1))
    run = run_ward(ward, fit_detector("logistic", seed=1), thresholds=Thresholds(0.5, 0.8))
    recommended = recommend_thresholds(ward.scores, ward.clinical_truth)
    fig = hospital_plots.plot_fatigue(run, Thresholds(0.5, 0.8), recommended)
    left, right = fig.axes
    labels = [line.get_label() for line in right.lines]
    assert {"precision", "recall", "your tau_med", "your tau_high", "recommended tau_med"} <= set(labels)
    assert len(right.collections) == 1  # the fused rule's star
    assert left.get_ylabel() == "alerts per patient-hour"
    closed(fig)


# -------------------------------------------------------------------------------------- models
@pytest.fixture(scope="module")
def detector_and_metrics():
    pytest.importorskip("keras")
    from pqfl_kit import traffic
    from pqfl_kit.models import detectors as D

    train, val, test = traffic.split(traffic.generate(4, 60, seed=1), seed=1)
    det = D.train_detector("tinyml", train, val, epochs=2, seed=1)
    return det, D.evaluate(det, test)


@pytest.mark.slow  # trains a Keras model
def test_model_plots_curves_confusions_and_roc(detector_and_metrics):
    from pqfl_kit.models import plots as model_plots

    det, met = detector_and_metrics
    fig = model_plots.plot_curves({("tinyml", "adam"): det})
    loss, accuracy = fig.axes
    assert len(accuracy.lines) == 1
    assert len(loss.lines) == 1 + bool(det.best_epoch)  # the curve, and a dot at the epoch early stopping kept
    assert len(loss.lines[0].get_xdata()) == det.epochs_run
    closed(fig)
    fig = model_plots.plot_confusions({"tinyml": met, "again": met})
    assert len(fig.axes) == 2
    assert len(fig.axes[0].texts) == 4  # one count per cell
    closed(fig)
    fig = model_plots.plot_roc({"tinyml": met})
    (ax,) = fig.axes
    assert len(ax.lines) == 2 and "AUC" in ax.lines[0].get_label()
    closed(fig)
