"""Evaluation a reviewer would accept (issue 15, item 3): Dirichlet label skew with unequal client
sizes, F1 and recall per round, FL vs centralized to a target with the raw upload counted once,
poisoning over attacker shares and seeds, a simulated day of batteries, the Pi-time assumption."""
from __future__ import annotations

import math

import numpy as np
import pytest

from pqfl_kit.fl import cluster, evaluation, experiment, plots, simulate
from pqfl_kit.fl.config import FLConfig
from pqfl_kit.fl.task import dirichlet_partition, make_federated_data

SMALL = dict(model="logreg", n_clients=4, windows_per_client=40)


def test_dirichlet_partition_controls_label_skew_and_sizes():
    y = np.repeat([0.0, 1.0], [600, 400])
    def skew(alpha):  # mean |anomalous share of a client - overall share|, and the size spread
        parts = dirichlet_partition(y, 8, alpha, np.random.default_rng(0))
        assert sorted(np.concatenate(parts).tolist()) == list(range(len(y)))  # every window once
        assert min(len(p) for p in parts) >= 4
        shares = [y[p].mean() for p in parts]
        return np.mean(np.abs(np.array(shares) - 0.4)), np.std([len(p) for p in parts])
    strong, weak = skew(0.1), skew(100.0)
    assert strong[0] > 0.2 > 0.05 > weak[0]  # alpha 0.1: clients mostly one class; alpha 100: near IID
    assert strong[1] > 5 * weak[1]  # and unequal client sizes
    with pytest.raises(ValueError, match="use more windows"):
        dirichlet_partition(y[:10], 8, 1.0, np.random.default_rng(0))


def test_label_alpha_keeps_the_test_set_and_default_behaviour():
    equal = make_federated_data(4, 40, seed=3)
    skewed = make_federated_data(4, 40, label_alpha=0.1, seed=3)
    assert np.array_equal(equal.x_test, skewed.x_test) and equal.n_train == skewed.n_train
    assert len({len(y) for _, y in equal.shards}) == 1 and len({len(y) for _, y in skewed.shards}) > 1
    assert equal.class_counts().sum() == equal.n_train and skewed.class_counts().shape == (4, 2)
    assert FLConfig(label_alpha=np.float64(0.5)).label_alpha == 0.5 and FLConfig().label_alpha is None
    report = simulate(rounds=1, label_alpha=0.3, seed=3, centralized=False, pqc=False, **SMALL)
    assert report.config["label_alpha"] == 0.3


def test_rounds_report_f1_and_recall_consistent_with_the_model():
    report = simulate(rounds=2, seed=4, **SMALL)
    data = make_federated_data(4, 40, seed=4)
    accuracy, f1, recall = experiment.test_metrics(report.model, data.x_test, data.y_test)
    last = report.rounds[-1]
    assert (last.accuracy, last.f1, last.recall) == pytest.approx((accuracy, f1, recall))
    flagged = report.model.score(data.x_test) >= 0.5
    assert recall == pytest.approx(np.sum(flagged & (data.y_test == 1)) / np.sum(data.y_test == 1))
    assert len(report.centralized.f1) == len(report.centralized.recall) == 2
    assert {"f1", "recall"} <= set(report.frame().columns)


class _Constant:
    """A learner that flags everything or nothing: F1 and recall edge cases."""

    def __init__(self, value):
        self.value = value

    def score(self, x):
        return np.full(len(x), self.value)


def test_metrics_edge_cases():
    y = np.array([1.0, 0.0, 0.0, 1.0])
    assert experiment.test_metrics(_Constant(0.0), np.zeros((4, 1)), y) == (0.5, 0.0, 0.0)
    accuracy, f1, recall = experiment.test_metrics(_Constant(1.0), np.zeros((4, 1)), y)
    assert (accuracy, recall) == (0.5, 1.0) and f1 == pytest.approx(2 / 3)


def test_to_target_counts_the_raw_upload_once():
    report = simulate(rounds=3, seed=5, **SMALL)
    central = report.centralized
    row = evaluation.to_target(report, 0.0)  # everything reaches 0: round 1 and epoch 1
    assert row["fl_rounds"] == 1 and row["central_epochs"] == 1
    assert row["fl_time_s"] == pytest.approx(report.rounds[0].total)
    assert row["fl_bytes"] == report.rounds[0].bytes_up + report.rounds[0].bytes_down
    assert row["central_time_s"] == pytest.approx(central.total)  # upload + 1 epoch + push
    assert row["central_bytes"] == central.bytes_up + central.bytes_down
    assert central.bytes_down == report.model_bytes * 4
    never = evaluation.to_target(report, 1.0)
    assert never["fl_rounds"] is None or never["fl_rounds"] >= 1
    reached = evaluation.to_target(report, max(central.accuracy))
    e = reached["central_epochs"]
    assert reached["central_time_s"] == pytest.approx(central.upload + e * central.train + central.broadcast)
    assert reached["central_bytes"] == row["central_bytes"]  # the upload is not paid again per epoch
    with pytest.raises(ValueError, match="centralized baseline"):
        evaluation.to_target(simulate(rounds=1, seed=5, centralized=False, **SMALL), 0.5)
    with pytest.raises(ValueError, match="Unknown metric"):
        evaluation.to_target(report, 0.5, metric="auc")


def test_compare_to_target_over_seeds_with_spread():
    frame = evaluation.compare_to_target([1, 2, 3], 0.0, rounds=2, **SMALL)
    assert list(frame.index) == [1, 2, 3] and (frame.fl_rounds == 1).all()
    assert np.allclose(frame.time_ratio, frame.fl_time_s / frame.central_time_s)
    table = evaluation.spread(frame)
    assert table.loc["fl_time_s", "n"] == 3 and table.loc["fl_time_s", "sd"] > 0
    assert table.loc["fl_time_s", "mean"] == pytest.approx(frame.fl_time_s.mean())
    unreachable = evaluation.compare_to_target([1, 2], 1.0, rounds=1, **SMALL)
    assert evaluation.spread(unreachable).loc["fl_time_s", "n"] <= 2
    with pytest.raises(ValueError, match="MAX_SEEDS"):
        evaluation.compare_to_target([], 0.5, **SMALL)
    fig = plots.plot_to_target(frame, 0.0)
    assert len(fig.axes) == 2


def test_skew_sweep_covers_every_alpha_and_seed():
    frame = evaluation.skew_sweep([None, 0.1], [1, 2], rounds=1, **SMALL)
    assert list(frame.label_alpha) == ["device", 0.1, "device", 0.1] and frame.accuracy.between(0, 1).all()


def test_poisoning_sweep_has_a_clean_baseline_and_every_cell():
    frame = evaluation.poisoning_sweep([0, 1], ["fedavg", "median"], [1, 2], rounds=2, **SMALL)
    assert len(frame) == 8 and set(frame.poisoned) == {0, 1}
    clean = frame[(frame.poisoned == 0)].set_index(["aggregator", "seed"]).accuracy
    assert clean.notna().all() and frame[["accuracy", "f1", "recall"]].le(1).all().all()
    assert len(plots.plot_poisoning(frame).axes) == 1


def test_simulated_day_charges_at_night_and_drains_by_day():
    config = FLConfig(rounds=24, seed=2, centralized=False, **SMALL)
    day = evaluation.simulate_day(config)
    assert list(day.hour) == list(range(24))
    night, evening = day.loc[1:8, "mean_battery_pct"], day.loc[9:, "mean_battery_pct"]
    assert night.is_monotonic_increasing and evening.is_monotonic_decreasing
    assert (day.loc[1:8, "idle_j"] == 0).all() and (day.loc[9:, "idle_j"] > 0).all()
    assert (day.participants + day.skipped <= 4).all()
    evening_rows = day.loc[9:]  # off the charger: a battery empty after round r does not train in round r + 1
    assert evening_rows.flat.iloc[-1] > 0 and (evening_rows.skipped.values[1:] >= evening_rows.flat.values[:-1]).all()
    summary = evaluation.day_summary([2], rounds=24, **SMALL)
    off, on = summary.set_index("energy_aware").loc[False], summary.set_index("energy_aware").loc[True]
    assert on.participants <= off.participants and on.idle_kj > 100 * on.round_kj
    assert len(plots.plot_day({"day": day}).axes) == 3


def test_pi_times_state_their_assumption():
    assert f"x {cluster.HOST_SPEED_VS_PI4:g}" in cluster.PI_TIME_ASSUMPTION
    report = simulate(rounds=1, seed=1, **SMALL)
    assert any(f"host x {cluster.HOST_SPEED_VS_PI4:g}" in c for c in report.paper_table().columns)
    counts = make_federated_data(4, 40, label_alpha=0.2, seed=1).class_counts()
    assert len(plots.plot_partition(counts).axes) == 1
    assert not math.isnan(report.rounds[0].f1)
