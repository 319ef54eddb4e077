"""The notebook 07 app and figures, driven in Python (the browser test drives the real page)."""
from __future__ import annotations

import re

import matplotlib
import pytest

matplotlib.use("Agg")

from widget_tree import find as _find

from pqfl_kit.apps.capstone import build_capstone_app, pipeline_html, story_html
from pqfl_kit.capstone import SCENARIOS, run_chain
from pqfl_kit.capstone.plots import plot_poisoning, plot_scenarios

LIGHT = dict(fl_model="logreg")


@pytest.fixture(scope="module")
def app():
    return build_capstone_app(**LIGHT)


def test_app_starts_with_the_calm_chain(app):
    assert "pqfl-app" in app._dom_classes
    boxes = re.findall(r"class='pqfl-stage pqfl-stage-(\w+) pqfl-stage-(\w+)'", _find(app, "pqfl-cap-pipeline").value)
    assert [key for _, key in boxes] == ["key_link", "handshake", "federated", "ward", "gateway", "clinical"]
    assert {status for status, _ in boxes} == {"ok"}
    assert "pqfl-cap-summary-table" in _find(app, "pqfl-cap-table").value
    assert "pqfl-msg-ok" in _find(app, "pqfl-cap-status").value
    assert _find(app, "pqfl-quiz-07-1") is not None


def test_running_tampering_flags_the_gateway(app):
    _find(app, "pqfl-cap-scenario").value = "tampering"
    assert SCENARIOS["tampering"].attack in _find(app, "pqfl-cap-attack").value
    _find(app, "pqfl-cap-run").click()
    pipeline = _find(app, "pqfl-cap-pipeline").value
    assert "pqfl-stage pqfl-stage-blocked pqfl-stage-gateway" in pipeline
    assert "pqfl-stage pqfl-stage-alert pqfl-stage-ward" in pipeline
    assert re.search(r"\d+ quarantined of \d+", pipeline) and "packets, " in pipeline
    assert "quarantined" in _find(app, "pqfl-cap-story").value
    progress = _find(app, "pqfl-cap-progress")
    assert progress.value == progress.max == 6
    assert "pqfl-msg-warn" in _find(app, "pqfl-cap-status").value
    assert not _find(app, "pqfl-cap-run").disabled


def test_a_failing_run_is_a_message_not_a_traceback():
    app = build_capstone_app(run_chain("calm", **LIGHT), fl_model="bert")
    assert "showing: Calm shift" in _find(app, "pqfl-cap-status").value
    _find(app, "pqfl-cap-run").click()  # must not raise
    status = _find(app, "pqfl-cap-status").value
    assert "pqfl-msg-error" in status and "unknown fl_model" in status
    assert not _find(app, "pqfl-cap-run").disabled
    with pytest.raises(TypeError):
        build_capstone_app("calm")


def test_figures_and_html():
    poisoning = run_chain("poisoning", **LIGHT)
    fig = plot_poisoning(poisoning)
    assert len(fig.axes[0].lines) == 3
    calm = run_chain("calm", **LIGHT)
    with pytest.raises(ValueError):
        plot_poisoning(calm)
    grid = plot_scenarios({"calm": calm, "poisoning": poisoning})
    labels = [t.get_text() for t in grid.axes[0].texts]
    assert labels.count("blocked") == 1 and labels.count("ok") == 11
    assert "<li>" in story_html(poisoning) and "Stage 3 · Federated detector [blocked]" in story_html(poisoning)
    assert pipeline_html(calm).count("class='pqfl-stage ") == 6
