"""Notebook 03 as a Voila app in Chromium: Eve on -> ABORTED, off -> KEY ACCEPTED."""
from __future__ import annotations

import pytest
from test_gallery import serve_gallery

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """The apps as `make apps` and Binder serve them: the kit's Voila configuration (app views)."""
    with serve_gallery(tmp_path_factory.mktemp("test_qkd_browser"), "voila-test_qkd_browser") as url:
        yield url


def test_qkd_app_detects_eve(open_app, shot):
    page = open_app("03_e91_qkd", ".pqfl-qkd-app")
    app = page.locator(".pqfl-qkd-app")
    verdict = page.locator(".pqfl-qkd-verdict")
    verdict.locator("text=KEY ACCEPTED").wait_for()
    page.locator(".pqfl-qkd-gauge img").wait_for()
    shot("03_qkd_accepted", app)

    page.locator(".pqfl-qkd-eve input").check()
    verdict.locator("text=ABORTED").wait_for()
    page.wait_for_selector(".pqfl-qkd-val-final >> text=0 bits")
    shot("03_qkd_eve_aborted", app)

    # Eve on only 10 % of the photons: fraction slider down from 1.00 by 18 steps of 0.05
    slider = page.locator(".pqfl-qkd-fraction [role=slider]")
    slider.focus()
    for _ in range(18):
        slider.press("ArrowLeft")
    page.wait_for_selector(".pqfl-qkd-fraction .widget-readout >> text=0.10")
    verdict.locator("text=KEY ACCEPTED").wait_for()

    page.locator(".pqfl-qkd-eve input").uncheck()
    verdict.locator("text=KEY ACCEPTED").wait_for()

    pairs = page.locator(".pqfl-qkd-pairs input")
    pairs.fill("10")
    pairs.press("Enter")
    page.wait_for_selector(".pqfl-qkd-status >> text=too few")
    assert page.locator("pre:has-text('Traceback')").count() == 0
    shot("03_qkd_bad_input", app)
    pairs.fill("5000")
    pairs.press("Enter")
    page.wait_for_selector(".pqfl-qkd-status >> text=5,000 pairs simulated")

    page.locator(".pqfl-qkd-tabs .lm-TabBar-tab", has_text="S vs Eve").click()
    page.locator(".pqfl-qkd-sweep-figure img").wait_for()
    shot("03_qkd_sweep", app)
    page.locator(".pqfl-qkd-tabs .lm-TabBar-tab", has_text="Detection").click()
    page.locator(".pqfl-qkd-detect-figure img").wait_for()
    shot("03_qkd_detection", app)

    page.locator(".pqfl-qkd-tabs .lm-TabBar-tab", has_text="Quiz").click()
    quiz = page.locator(".pqfl-quiz-03-4")
    quiz.locator(".pqfl-quiz-input input").fill("1.41")
    quiz.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-03-4 .pqfl-check-right")
