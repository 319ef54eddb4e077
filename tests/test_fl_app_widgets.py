"""The notebook 05 app without a browser: nothing trains before a click, progress per round, the
Run button is disabled while a federation runs and enabled again after success or an error."""
from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets")
from widget_tree import find as _find

from pqfl_kit.apps.fl import build_fl_app


def test_the_app_appears_untrained_and_reports_progress_per_round():
    app = build_fl_app()
    run, progress, status = (_find(app, c) for c in ("pqfl-fl-run", "pqfl-fl-progress", "pqfl-fl-status"))
    assert _find(app, "pqfl-fl-summary").value == "" and progress.value == 0
    assert "press Run federation" in status.value
    model = _find(app, "pqfl-fl-model")
    model.value = "logreg"
    _find(app, "pqfl-fl-rounds").value = 2
    seen = []
    progress.observe(lambda change: seen.append((change["new"], run.disabled)), names="value")
    run.click()
    assert seen[-1] == (2, True) and progress.max == 2  # the button stays disabled while rounds run
    assert not run.disabled and "done: 2 rounds" in status.value
    assert "accuracy" in _find(app, "pqfl-fl-summary").value.lower()


def test_bad_settings_show_a_message_and_re_enable_the_button():
    app = build_fl_app()
    _find(app, "pqfl-fl-clients").value = 2
    _find(app, "pqfl-fl-poisoned").value = 3
    run, status = _find(app, "pqfl-fl-run"), _find(app, "pqfl-fl-status")
    run.click()
    assert "honest client" in status.value and "pqfl-msg-error" in status.value and not run.disabled


def test_label_skew_reaches_the_federation_and_the_summary_states_f1_and_the_pi_assumption():
    from pqfl_kit.fl import cluster

    app = build_fl_app()
    _find(app, "pqfl-fl-model").value = "logreg"
    _find(app, "pqfl-fl-rounds").value = 1
    skew = _find(app, "pqfl-fl-skew")
    assert skew.value is None and 0.1 in [v for _, v in skew.options]
    skew.value = 0.1
    _find(app, "pqfl-fl-run").click()
    summary = _find(app, "pqfl-fl-summary").value
    assert "pqfl-fl-f1" in summary and "recall" in summary and "pqfl-fl-assumption" in summary
    assert f"x {cluster.HOST_SPEED_VS_PI4:g}" in summary and "not calibrated" in summary
