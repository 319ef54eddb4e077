"""The capstone chain (notebook 07): every scenario ends the way its attack says it must.

The scenario runs use the light model (numpy logistic regression, federated and then scoring the
ward) so the whole module takes seconds; the notebook (nbval) and the browser test run the TinyML chain.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from pqfl_kit import capstone
from pqfl_kit.capstone import SCENARIOS, STAGES, ChainReport, Stage, run_chain, scenario_table
from pqfl_kit.hospital.gateway import Delivered, Quarantined

pytestmark = pytest.mark.slow  # the module fixture runs all seven scenarios (about 3 s)

LIGHT = dict(fl_model="logreg")


@pytest.fixture(scope="module")
def reports() -> dict[str, ChainReport]:
    return {name: run_chain(name, **LIGHT) for name in SCENARIOS}


def test_import_capstone_loads_nothing_heavy():
    code = ("import sys, pqfl_kit.capstone, pqfl_kit.apps.capstone, pqfl_kit.exercises.nb07; "
            "print(','.join(m for m in ('keras', 'jax', 'tensorflow', 'qiskit', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_every_report_has_the_stages_in_data_flow_order(reports):
    for name, report in reports.items():
        keys = [s.key for s in report.stages]
        expected = [k for k in STAGES if k != "harvest" or SCENARIOS[name].harvest]
        assert keys == expected, name
        assert [s.number for s in report.stages] == list(range(1, len(keys) + 1))
        for stage in report.stages:
            assert stage.status in capstone.STATUSES
            assert stage.explanation.strip() and "Traceback" not in stage.explanation
            assert stage.figures and stage.seconds >= 0


def test_calm_every_stage_ok(reports):
    calm = reports["calm"]
    assert set(calm.statuses.values()) == {"ok"}, calm.statuses
    assert calm.link == "E91"
    e91 = calm.details["e91"]
    assert not e91.aborted and e91.chsh - 3 * e91.chsh_stderr > 2
    assert calm.stage("key_link").figures["final key bits"] >= capstone.MIN_KEY_BITS
    assert calm.stage("key_link").figures["test record opened"] is True
    assert calm.stage("gateway").figures["quarantined"] == 0
    assert calm.stage("clinical").figures["emergency patients"] == []
    assert calm.story() == ["Every stage ran normally: no attack was seen and no patient needed urgent help."]


def test_eavesdropper_blocks_e91_and_falls_back_to_ml_kem(reports):
    eve = reports["eavesdropper"]
    stage = eve.stage("key_link")
    assert stage.status == "blocked"
    assert eve.details["e91"].aborted and eve.details["e91"].chsh < 2
    assert stage.figures["final key bits"] == 0
    assert stage.figures["fallback works"] is True
    assert eve.link == "ML-KEM-768 (fallback)" and "fell back" in stage.explanation
    assert "ML-KEM" in eve.stage("ward").figures["link"]
    # the rest of the chain still works over the fallback link
    assert eve.stage("gateway").figures["delivered"] == eve.stage("ward").figures["packets sealed"]
    others = {k: v for k, v in eve.statuses.items() if k != "key_link"}
    assert others == dict.fromkeys(others, "ok")


def test_mitm_aborts_the_handshake(reports):
    stage = reports["mitm"].stage("handshake")
    assert stage.status == "blocked"
    assert reports["mitm"].details["mitm"].aborted
    assert stage.figures["readings the attacker read"] == 0
    assert stage.figures["without the signature check she would read"] > 0
    assert stage.figures["and rewrite"] >= 1
    assert reports["calm"].stage("handshake").figures["reading delivered"] is True


def test_tampering_is_quarantined_and_never_reaches_the_ehr(reports):
    report = reports["tampering"]
    run = report.details["ward_run"]
    gateway = report.stage("gateway")
    assert gateway.status == "blocked"
    assert gateway.figures["quarantined"] > 0
    assert report.stage("ward").status == "alert"
    ward = report.stage("ward").figures
    assert ward["attacker: tampered"] > 0 and ward["attacker: replayed"] > 0
    attacked = [(o, a) for o, a in zip(run.outcomes, run.attack) if a]
    assert attacked and all(isinstance(o, Quarantined) for o, _ in attacked)
    ehr = run.gateway.ehr
    for outcome, label in attacked:
        if label == "tampered":
            assert not ehr.has_observation(outcome.device_id, outcome.seq)
    delivered = sum(isinstance(o, Delivered) for o in run.outcomes)
    assert ehr.counts()["observations"] == delivered == gateway.figures["delivered"]
    assert gateway.figures["tampered packets in the EHR"] == 0
    assert gateway.figures["security alerts"] == gateway.figures["quarantined"] == ehr.counts()["quarantine"]


def test_poisoning_robust_aggregator_beats_fedavg(reports):
    stage = reports["poisoning"].stage("federated")
    fedavg = stage.figures["accuracy, FedAvg"]
    robust = stage.figures[f"accuracy, {capstone.ROBUST_AGGREGATOR}"]
    assert robust >= fedavg
    assert stage.status == ("blocked" if robust > fedavg + 0.05 else "degraded")
    assert len(stage.figures["poisoned clients"]) == capstone.POISONED_CLIENTS
    fl = reports["poisoning"].details["fl"]
    assert fl["fedavg"].poisoned_clients == fl[capstone.ROBUST_AGGREGATOR].poisoned_clients


def test_deterioration_pages_rapid_response_for_the_right_patient(reports):
    report = reports["deterioration"]
    stage = report.stage("clinical")
    assert stage.status == "alert"
    assert stage.figures["emergency patients"] == [capstone.DETERIORATING_PATIENT]
    assert any("critical care outreach" in role for role in stage.figures["roles paged for them"])
    run = report.details["ward_run"]
    high = [o for o in run.outcomes if isinstance(o, Delivered) and o.patient_id == capstone.DETERIORATING_PATIENT
            and o.decision.news2.risk == "high"]
    assert len(high) == stage.figures["emergency packets"] > 0  # NEWS2 high risk, whatever the score said
    critical = [o for o in high if o.subsystem == "rapid-response"]
    assert len(critical) == stage.figures["of them with a Critical score"]
    alerts = [a for a in report.details["alerts"]
              if a.kind == "clinical" and a.patient_id == capstone.DETERIORATING_PATIENT and a.level == "emergency"]
    assert alerts, "the emergency must reach the staff through a clinical alert"


def test_harvest_breaks_rsa_but_not_ml_kem(reports):
    report = reports["harvest"]
    stage = report.stage("harvest")
    assert stage.status == "blocked"
    assert stage.figures["RSA record read"] is True
    assert stage.figures["ML-KEM + Ascon record read by attacker"] is False
    assert stage.figures["ML-KEM + Ascon record read by the hospital"] is True
    assert report.details["shor"].factors == (3, 11)
    assert capstone.HARVESTED_RECORD in stage.explanation
    assert all("harvest" not in r.statuses for name, r in reports.items() if name != "harvest")


def test_each_scenario_is_caught_by_its_stage(reports):
    for name, spec in SCENARIOS.items():
        flagged = {k for k, v in reports[name].statuses.items() if v != "ok"}
        if spec.catches is None:
            assert flagged == set()
        else:
            assert spec.catches in flagged, (name, reports[name].statuses)


def test_scenario_table_shape_and_cells(reports):
    table = scenario_table(reports)
    assert list(table.index) == list(SCENARIOS)
    assert list(table.columns) == list(STAGES.values())
    assert table.loc["eavesdropper", STAGES["key_link"]] == "blocked"
    assert table.loc["calm", STAGES["harvest"]] == "-"
    with pytest.raises(TypeError):
        scenario_table([])
    with pytest.raises(TypeError):
        scenario_table(["calm"])


def test_report_table_and_story(reports):
    table = reports["tampering"].table(timings=True)
    assert list(table.columns) == ["status", "what happened", "key figures", "seconds"]
    assert table.iloc[4]["status"] == "blocked"
    story = reports["tampering"].story()
    assert len(story) == 2 and story[1].startswith("Stage 5 · Gateway checks [blocked]: ")
    with pytest.raises(KeyError):
        reports["calm"].stage("harvest")


def test_progress_reports_every_stage():
    calls = []
    run_chain("mitm", progress=lambda done, total, label: calls.append((done, total, label)), **LIGHT)
    assert [c[0] for c in calls] == list(range(7)) and {c[1] for c in calls} == {6}
    assert calls[0][2] == STAGES["key_link"] and calls[-1][2] == "done"


@pytest.mark.parametrize("kwargs, error", [
    (dict(scenario="alien invasion"), ValueError), (dict(scenario=3), ValueError),
    (dict(seed=-1), ValueError), (dict(seed=True), TypeError), (dict(seed="1"), TypeError),
    (dict(fl_model="bert"), ValueError), (dict(detector="logistic"), TypeError),
    (dict(progress="yes"), TypeError),
])
def test_bad_arguments_raise_clear_errors(kwargs, error):
    with pytest.raises(error) as info:
        run_chain(**{**LIGHT, **kwargs})
    assert str(info.value)


def test_stage_rejects_unknown_status():
    with pytest.raises(ValueError, match="status must be one of"):
        Stage("gateway", 5, "Gateway checks", "fine", "x")


def test_exercise_07_1_follows_the_scenarios_and_rejects_non_numbers():
    from pqfl_kit.exercises import check, get

    order = list(STAGES)
    expected = [order.index(SCENARIOS[s].catches) + 1 for s in ("eavesdropper", "mitm", "tampering", "poisoning")]
    assert get("07.1").solution == expected
    assert check("07.1", "1 2 5 3").passed and check("07.1", (1, 2, 5, 3)).passed
    for wrong in ([True, 2, 5, 3], [1, 2, 5], [1, 2, 3, 4], [1.5, 2, 5, 3]):
        assert not check("07.1", wrong).passed


def test_the_ward_is_scored_by_the_federated_model():
    """Stage 4's scores are the scores of the model stage 3 trained, behind the shipped Z-score."""
    import numpy as np

    from pqfl_kit.fl.task import make_federated_data
    from pqfl_kit.models import Detector, Standardized

    report = run_chain("calm", **LIGHT)
    deployed = report.details["ward_detector"]
    assert isinstance(deployed, Standardized) and isinstance(deployed, Detector) and deployed.name == "logreg"
    fl = report.details["fl"]["fedavg"]
    model = fl.model  # FLReport.model: the final global model
    assert deployed.detector is model
    for mine, theirs in zip(model.get_weights(), deployed.get_weights()):
        np.testing.assert_array_equal(mine, theirs)
    ward = report.details["ward_run"].ward
    z = make_federated_data(capstone.FL_CLIENTS, 200, seed=report.seed).standardizer.transform(ward.windows)
    np.testing.assert_allclose(ward.scores, np.clip(model.score(z), 0, 1))
    assert model.accuracy(*_test_split(report.seed)) == fl.final_accuracy
    assert "federation trained in stage 3" in report.stage("ward").explanation
    assert report.stage("ward").figures["detector"].startswith("federated logreg (FedAvg)")


def _test_split(seed):
    from pqfl_kit.fl.task import make_federated_data

    data = make_federated_data(capstone.FL_CLIENTS, 200, seed=seed)
    return data.x_test, data.y_test
