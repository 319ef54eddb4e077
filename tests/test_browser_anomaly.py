"""Notebook 04 app in Chromium: train a TinyML model and see its metrics and explanation."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_anomaly_app_trains_tinyml_and_shows_metrics(open_app, shot):
    page = open_app("04_anomaly_detection")
    app = page.locator(".pqfl-anomaly-app")
    assert app.locator(".pqfl-anomaly-model select").input_value() == "TinyML"
    slider = app.locator(".pqfl-anomaly-epochs [role=slider]")
    slider.focus()
    for _ in range(2):
        slider.press("ArrowLeft")  # 8 -> 6 epochs: quicker
    assert app.locator(".pqfl-anomaly-epochs .widget-readout").inner_text().strip() == "6"
    shot("04_anomaly_before")
    app.locator("button.pqfl-anomaly-train").click()
    ok = app.locator(".pqfl-anomaly-status .pqfl-msg-ok")
    ok.wait_for(timeout=120_000)
    assert "test accuracy" in ok.inner_text()
    table = app.locator(".pqfl-anomaly-metrics")
    text = table.inner_text()
    assert "tinyml / adam" in text and "6 epochs" in text and "roc_auc" in text and "avg_precision" in text
    assert "chosen on the validation devices" in text and "majority baseline" in text
    accuracy = float(text.split("accuracy")[1].split()[0])
    assert 0.0 < accuracy <= 1.0  # held-out patients: can sit below the majority baseline (notebook 04, 3b)
    ap, base_ap = float(text.split("avg_precision")[1].split()[0]), float(text.split("avg_precision")[2].split()[0])
    assert ap > base_ap  # the scores rank windows better than no skill
    assert app.locator(".pqfl-anomaly-curves img").count() == 1
    shot("04_anomaly_trained", app)
    # the explanation tab shows the flagged window and its SHAP figure
    app.locator(".pqfl-anomaly-tabs .lm-TabBar-tab", has_text="Explain").click()
    assert "main drivers" in app.locator(".pqfl-anomaly-explain-text").inner_text()
    assert app.locator(".pqfl-anomaly-explain img").count() == 1
    shot("04_anomaly_explain", app)
    # the quiz: a wrong then a right answer
    app.locator(".pqfl-anomaly-tabs .lm-TabBar-tab", has_text="Quiz").click()
    quiz = app.locator(".pqfl-quiz-04-3")
    quiz.locator(".pqfl-quiz-input input").fill("2896")
    quiz.locator(".pqfl-quiz-check").click()
    quiz.locator(".pqfl-check-wrong").wait_for()
    quiz.locator(".pqfl-quiz-input input").fill("2880")
    quiz.locator(".pqfl-quiz-check").click()
    quiz.locator(".pqfl-check-right").wait_for()
    shot("04_anomaly_quiz", app)
