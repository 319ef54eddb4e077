"""The simulated ward, the alert-fatigue measures and the notebook 06 app (Python side)."""
from __future__ import annotations

import numpy as np
import pytest

from pqfl_kit.hospital.gateway import Delivered
from pqfl_kit.hospital.ward import (
    Scenario,
    clinician_pages,
    fatigue_curve,
    fit_detector,
    recommend_thresholds,
    run_ward,
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


def _find(widget, css):
    if css in getattr(widget, "_dom_classes", ()):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _find(child, css)


def test_app_reacts_and_never_shows_a_traceback(scorer):
    from pqfl_kit.apps.hospital import build_hospital_app

    app = build_hospital_app(scorer, minutes=40)
    assert "pqfl-app" in app._dom_classes
    one = lambda css: next(_find(app, css))  # noqa: E731
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
