"""Notebook 06 as a Voila app in Chromium: tampering fills Quarantine, tau_med changes the alert count."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _number(page, selector: str) -> int:
    return int(re.sub(r"\D", "", page.locator(selector).first.inner_text()))


def _wait_above(page, selector: str, floor: int, timeout_ms: int = 60_000) -> int:
    """Wait until the number shown in ``selector`` exceeds ``floor``; return it."""
    page.wait_for_function(
        "([sel, floor]) => { const e = document.querySelector(sel); "
        "return e && parseInt(e.innerText.replace(/\\D/g, '')) > floor; }",
        arg=[selector, floor], timeout=timeout_ms)
    return _number(page, selector)


def test_hospital_app_quarantine_and_thresholds(open_app, shot):
    page = open_app("06_alert_routing", ready_selector=".pqfl-hospital-app .pqfl-lane-quarantine .pqfl-lane-count")
    quarantine = ".pqfl-lane-quarantine .pqfl-lane-count"
    alerts = ".pqfl-clinical-alerts"
    assert _number(page, quarantine) == 0  # no attack yet
    normal_before = _number(page, ".pqfl-lane-normal .pqfl-lane-count")
    shot("06_hospital_start")

    slider = page.locator(".pqfl-tamper [role=slider]")
    slider.focus()
    for _ in range(5):  # 0.00 -> 0.10
        slider.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.pqfl-tamper .widget-readout').innerText.trim() === '0.10'")
    _wait_above(page, quarantine, 20)  # ~10% of 720 packets
    assert _number(page, ".pqfl-lane-normal .pqfl-lane-count") < normal_before
    assert "integrity" in page.locator(".pqfl-lane-quarantine").inner_text()
    shot("06_hospital_tampering")

    alerts_before = _number(page, alerts)
    readout = page.locator(".pqfl-tau-med .widget-readout")
    readout.fill("0.15")
    readout.press("Enter")
    _wait_above(page, alerts, alerts_before)  # a lower tau_med raises more alerts
    page.locator(".pqfl-hospital-tabs .lm-TabBar-tab", has_text="Alert fatigue").click()
    page.wait_for_selector(".pqfl-fatigue-plot img", state="visible")
    expect(page.locator(".pqfl-fatigue-stats")).to_contain_text("At tau_med = 0.15")
    shot("06_hospital_fatigue")

    readout.fill("0.95")  # above tau_high: a clear message, no traceback
    readout.press("Enter")
    expect(page.locator(".pqfl-hospital-status .pqfl-msg-error")).to_contain_text("tau_med < tau_high")
    assert "Traceback" not in page.content()
    shot("06_hospital_bad_threshold")

    page.locator(".pqfl-hospital-tabs .lm-TabBar-tab", has_text="Quiz").click()
    expect(page.locator(".pqfl-news2-chart")).to_be_visible()  # the chart the question needs
    quiz = page.locator(".pqfl-quiz-06-2")
    quiz.locator(".pqfl-quiz-input input").fill("7")
    quiz.locator("button.pqfl-quiz-check").click()
    quiz.locator(".pqfl-check-right").wait_for(state="visible", timeout=30_000)
    shot("06_hospital_quiz")
