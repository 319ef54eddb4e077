"""The simulated ward, the alert-fatigue measures and the notebook 06 app (Python side)."""
from __future__ import annotations

import numpy as np
import pytest
from widget_tree import find_all as _find

from pqfl_kit.hospital.gateway import Delivered
from pqfl_kit.hospital.priority import Thresholds, suppress_alarms
from pqfl_kit.hospital.ward import (
    EPISODE,
    Scenario,
    calibrate,
    clinician_pages,
    evaluate_routing,
    fatigue_curve,
    fit_detector,
    recommend_thresholds,
    run_ward,
    score_ward,
    simulate_ward,
)


@pytest.fixture(scope="module")
def scorer():
    return fit_detector("logistic")


def test_scenario_is_validated():
    with pytest.raises(ValueError, match="tamper_rate"):
        Scenario(tamper_rate=0.9)
    with pytest.raises(ValueError, match="link"):
        Scenario(link="carrier pigeon")
    with pytest.raises(ValueError, match="n_patients"):
        Scenario(n_patients=1)
    with pytest.raises(TypeError):
        Scenario(replay_attack="yes")
    with pytest.raises(ValueError, match="deteriorations"):
        Scenario(n_patients=4, deteriorations=4, deterioration=True)  # patient 1 is already taken
    with pytest.raises(ValueError, match="minutes >= 120"):
        Scenario(minutes=100, deteriorations=1)


def test_events_change_the_vitals_and_the_scores(scorer):
    calm = simulate_ward(Scenario(seed=5))
    events = simulate_ward(Scenario(seed=5, deterioration=True, sensor_fault=True))
    assert len(calm.patient) == 6 * 120 and calm.clinical_truth.sum() < events.clinical_truth.sum()
    worse = np.flatnonzero(events.kind == "deterioration")
    assert worse.size and all(events.patient[worse] == 1)
    last = worse[-1]
    assert events.vitals[last]["pulse"] > calm.vitals[last]["pulse"] + 25
    assert events.vitals[last]["consciousness"] == "C"
    fault = np.flatnonzero((events.patient == 2) & (events.minute >= 40) & (events.minute < 70))
    assert all(events.kind[i] == "sensor_fault" and events.vitals[i]["spo2"] == 0 for i in fault)
    calm.scores, events.scores = scorer.score(calm.windows), scorer.score(events.windows)
    assert events.scores[worse].mean() > calm.scores[worse].mean() + 0.2  # the detector sees it


@pytest.mark.parametrize("link", ["aes", "channel"])
def test_attacks_are_quarantined_and_the_invariant_holds(scorer, link):
    ward = simulate_ward(Scenario(minutes=40, tamper_rate=0.1, replay_attack=True, link=link, seed=3))
    run = run_ward(ward, scorer)
    attacked = [o for o, a in zip(run.outcomes, run.attack) if a]
    assert attacked and all(o.lane == "Quarantine" for o in attacked)
    assert all(isinstance(o, Delivered) for o, a in zip(run.outcomes, run.attack) if not a)
    c = run.gateway.counts
    assert c["received"] == len(run.outcomes) == c["delivered"] + c["quarantined"]
    assert run.gateway.ehr.counts()["observations"] == c["delivered"] == len(ward.patient) - \
        sum(1 for a in run.attack if a == "tampered")


def test_the_ward_scorer_is_a_detector_and_a_plain_function_also_works(scorer):
    from pqfl_kit.models import Detector

    assert isinstance(scorer, Detector) and scorer.name == "logistic"
    ward = simulate_ward(Scenario(minutes=20, seed=4))
    scores = scorer.score(ward.windows)
    assert scores.shape == (len(ward.patient),) and np.all((scores >= 0) & (scores <= 1))
    weights = scorer.get_weights()
    scorer.set_weights([w * 0 for w in weights])  # all-zero weights: every window scores 0.5
    np.testing.assert_allclose(scorer.score(ward.windows), 0.5)
    scorer.set_weights(weights)
    np.testing.assert_allclose(scorer.score(ward.windows), scores)
    again = simulate_ward(Scenario(minutes=20, seed=4))
    run_ward(again, lambda windows: np.full(len(windows), 2.0))  # a plain function; clipped to [0, 1]
    assert np.all(again.scores == 1.0)


def test_fatigue_curve_and_recommendation(scorer):
    ward = simulate_ward(Scenario(deterioration=True, sensor_fault=True))
    run = run_ward(ward, scorer)
    curve = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours())
    assert np.all(np.diff(curve["alerts_per_hour"]) <= 0) and np.all(np.diff(curve["recall"]) <= 0)
    assert curve["alerts_per_hour"][0] == pytest.approx(len(ward.patient) / ward.patient_hours())
    rec = recommend_thresholds(ward.scores, ward.clinical_truth, min_recall=0.9)
    at = fatigue_curve(ward.scores, ward.clinical_truth, 1.0, np.array([rec.tau_med, rec.tau_med + 0.01]))
    assert at["recall"][0] >= 0.9 and at["recall"][1] < 0.9  # the highest tau_med that keeps the recall
    fused = clinician_pages(run)
    paper = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours(), np.array([rec.tau_med]))
    assert fused["precision"] > paper["precision"][0]  # NEWS2 tells a broken probe from a sick patient
    assert fused["pages_per_hour"] < paper["alerts_per_hour"][0]
    with pytest.raises(ValueError):
        fatigue_curve(np.ones(3), np.ones(4, bool), 1.0)


@pytest.mark.slow
def test_app_reacts_and_never_shows_a_traceback(scorer):
    from pqfl_kit.apps.hospital import build_hospital_app

    app = build_hospital_app(scorer, minutes=40)
    assert "pqfl-app" in app._dom_classes
    one = lambda css: _find(app, css)[0]  # noqa: E731
    count = lambda css: int(one(css).value.split("pqfl-lane-count")[1].split(">")[1].split("<")[0])  # noqa: E731
    assert count("pqfl-lane-quarantine") == 0
    one("pqfl-tamper").value = 0.2
    assert count("pqfl-lane-quarantine") > 10
    alerts = lambda: int(one("pqfl-alert-count").value.split("pqfl-clinical-alerts'>")[1].split("<")[0])  # noqa: E731
    before = alerts()
    one("pqfl-tau-med").value = 0.1
    assert alerts() > before
    one("pqfl-tau-med").value = 0.95
    status = one("pqfl-hospital-status").value
    assert "pqfl-msg-error" in status and "tau_med &lt; tau_high" in status
    one("pqfl-tau-med").value = 0.3
    one("pqfl-recommend").click()
    assert "pqfl-msg-ok" in one("pqfl-hospital-status").value



def test_alert_log_says_what_raised_a_level_and_never_lowers_it():
    """A device/cyber alert keeps its fail-safe level; the log says it came from the device, not from NEWS2."""
    from pqfl_kit.apps.hospital import level_text
    from pqfl_kit.hospital import Vitals, decide

    calm = Vitals(respiration_rate=16, spo2=97, systolic_bp=122, pulse=72, temperature=36.9)
    attacked = decide(calm, "Critical")
    assert attacked.news2.score == 0 and attacked.level == "emergency"
    shown = level_text(attacked.level, attacked.cause)
    assert shown == "emergency (raised by the device or link, not by NEWS2)"
    assert level_text("urgent", "clinical") == "urgent (raised by NEWS2)"
    assert level_text("emergency", "both") == "emergency (raised by NEWS2 and by the device)"
    assert level_text("security", "device/cyber") == "security"  # quarantine alerts keep their own label


def test_the_app_news2_chart_matches_the_scoring_code():
    """Every numeric cell of the quiz's NEWS2 chart scores its column's value at both of its ends."""
    import re

    from pqfl_kit.apps.hospital import NEWS2_CHART, NEWS2_SCORES
    from pqfl_kit.hospital.cds import Vitals, subscores

    calm = dict(respiration_rate=16, spo2=97, systolic_bp=122, pulse=72, temperature=36.9)
    checked = 0
    for _, field, cells in NEWS2_CHART:
        for score, text in zip(NEWS2_SCORES, cells):
            if not field or not text:
                continue
            for value in map(float, re.findall(r"\d+(?:\.\d+)?", text)):
                assert subscores(Vitals(**{**calm, field: value}))[field] == score, (field, text, value)
                checked += 1
    assert checked >= 30

# ------------------------------------------------------------------ calibration and evaluation
def _two_wards(scorer, **kw):
    wards = [simulate_ward(Scenario(n_patients=10, minutes=240, deteriorations=3, sensor_fault=True, seed=s, **kw))
             for s in (11, 12)]
    for w in wards:
        score_ward(w, scorer)
    return wards


def test_seeded_deteriorations_differ_by_seed_and_spread_the_positives(scorer):
    a, b = _two_wards(scorer)
    assert len(a.onsets) == len(b.onsets) == 3 and a.onsets != b.onsets
    for ward in (a, b):
        sick = ward.kind == "deterioration"
        assert set(np.unique(ward.patient[sick])) == set(ward.onsets)  # only the drawn patients
        share = max(np.mean(ward.patient[sick] == p) for p in ward.onsets)
        assert share < 0.5  # no single patient supplies most positives
        for p, onset in ward.onsets.items():  # the whole episode fits in the shift, then recovers
            mine = sick & (ward.patient == p)
            assert onset <= ward.minute[mine].min() and ward.minute[mine].max() < onset + sum(EPISODE)
    legacy = simulate_ward(Scenario(deterioration=True, seed=5))
    assert legacy.onsets == {1: 60}  # notebook 07's patient-2, as before


def test_suppression_holds_repeats_but_never_an_escalation():
    patient = ["a", "a", "a", "b", "a", "a", "a", "a"]
    minute = [0, 1, 2, 2, 10, 31, 32, 40]
    condition = ["clinical", "clinical", "device", "clinical", "clinical", "clinical", "clinical", "clinical"]
    level = [1, 1, 2, 1, 3, 1, 3, 2]
    fired = suppress_alarms(patient, minute, condition, level, window=30)
    # first, repeat, new condition, other patient, escalation, repeat (21 min after the level-3 alarm),
    # level 3 again (no escalation), the 30-min reminder
    assert fired.tolist() == [True, False, True, True, True, False, False, True]
    assert suppress_alarms(patient, minute, condition, level, window=0).all()  # off: every alarm
    assert suppress_alarms(["a", "a"], [0, 45], ["c", "c"], [3, 1], window=30).tolist() == [True, True]  # reminder
    with pytest.raises(ValueError, match="time order"):
        suppress_alarms(["a", "a"], [5, 1], ["c", "c"], [1, 1])
    with pytest.raises(ValueError, match="window"):
        suppress_alarms([], [], [], [], window=5000)


def test_calibrate_names_the_rule_and_the_evaluation_ward_reports_the_recall(scorer):
    cal_ward, test_ward = _two_wards(scorer)
    paper = calibrate(cal_ward)
    fused = calibrate(cal_ward, rule="fused")
    assert paper.seed == 11 and paper.recall >= 0.9 and "recall >= 0.90" in paper.tau_med_rule
    assert paper.thresholds == recommend_thresholds(cal_ward.scores, cal_ward.clinical_truth)
    assert fused.rule == "fused" and fused.thresholds.tau_med >= paper.thresholds.tau_med  # NEWS2 pages too
    assert "tau_high" in paper.describe() and f"{paper.thresholds.tau_med:.2f}" in paper.describe()
    # the fused curve used for calibration agrees with the rule the gateway runs
    on_cal = evaluate_routing(cal_ward, fused.thresholds, rule="fused")
    assert on_cal.recall == pytest.approx(fused.recall)
    for rule, c in (("paper", paper), ("fused", fused)):
        report = evaluate_routing(test_ward, c.thresholds, rule=rule)
        assert report.seed == 12 and report.meets_recall == (report.recall >= 0.9)
        assert {p["patient"] for p in report.patients if p["deteriorates"]} == \
            {f"patient-{p + 1}" for p in test_ward.onsets}
        row = report.summary()
        assert row["recall"] == report.recall and row["rule"] == rule


def test_evaluation_counts_every_human_per_bed_day_with_and_without_suppression(scorer):
    ward = simulate_ward(Scenario(n_patients=4, minutes=120, deteriorations=1, sensor_fault=True, tamper_rate=0.1,
                                  seed=21))
    t = Thresholds(0.3, 0.8)
    run = run_ward(ward, scorer, thresholds=t)
    from_run, from_ward = evaluate_routing(run), evaluate_routing(ward, t)
    assert from_run.pages == {k: v for k, v in from_run.pages.items() if v}  # nothing counted twice or as 0
    assert from_run.bed_days == pytest.approx(4 * 2 / 24)
    lost = [row for row, a in zip(run.source, run.attack) if a == "tampered"]
    assert lost and from_ward.alarms >= from_run.alarms  # a quarantined packet pages no clinician ...
    assert from_run.recall <= from_ward.recall  # ... and a lost packet of a sick patient is a miss
    assert from_run.pages.get("ward nurse", 0) > 0  # the bedside nurse is counted
    assert "clinical engineering" in from_run.pages
    assert from_run.clinician_pages(False) == sum(n for k, n in from_run.pages.items() if k != "clinical engineering")
    assert from_run.clinician_pages(True) < from_run.clinician_pages(False)  # suppression removes repeats
    off = evaluate_routing(run, suppress_minutes=0)
    assert off.alarms_suppressed == off.alarms == from_run.alarms
    sick = next(p for p in from_run.patients if p["deteriorates"])
    assert sick["first page (min)"] is not None  # suppression never delays the first page
    assert clinician_pages(run)["pages_per_hour"] == pytest.approx(from_run.clinician_pages(False) / 2 / 4 * 1)
    with pytest.raises(ValueError, match="rule"):
        evaluate_routing(ward, t, rule="majority vote")


@pytest.mark.slow  # two 10-bed, 4-hour wards
def test_calibration_and_routing_plots(scorer):
    import matplotlib.pyplot as plt

    from pqfl_kit.hospital.plots import plot_calibration, plot_routing

    cal_ward, test_ward = _two_wards(scorer)
    cal = calibrate(cal_ward)
    fig = plot_calibration(cal_ward, test_ward, cal)
    left, right = fig.axes
    assert {"calibration ward (seed 11)", "evaluation ward (seed 12)", "calibrated tau_med"} <= \
        {line.get_label() for line in left.lines}
    assert right.get_ylabel() == "alarms per bed-day"
    reports = {rule: evaluate_routing(test_ward, cal.thresholds, rule=rule) for rule in ("paper", "fused")}
    fig2 = plot_routing(reports)
    bars = fig2.axes[0].patches
    assert len(bars) == 4 and bars[0].get_height() >= bars[2].get_height()  # suppression only removes pages
    with pytest.raises(ValueError):
        plot_routing({})
    plt.close("all")
