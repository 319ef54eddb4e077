"""Notebook 07 as a Voila app in Chromium: run the tampering and the eavesdropper scenarios."""
from __future__ import annotations

import pytest
from test_gallery import serve_gallery

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """The apps as `make apps` and Binder serve them: the kit's Voila configuration (app views)."""
    with serve_gallery(tmp_path_factory.mktemp("test_capstone_browser"), "voila-test_capstone_browser") as url:
        yield url

APP = ".pqfl-cap-app"
RUN_TIMEOUT_MS = 90_000  # one chain: ~2 s once the models are warm; generous on a shared machine


def _run(page, title: str) -> None:
    page.select_option(f"{APP} .pqfl-cap-scenario select", label=title)
    page.click(f"{APP} button.pqfl-cap-run")


def test_capstone_app_tampering_then_eavesdropper(open_app, shot):
    page = open_app("07_capstone", ready_selector=f"{APP} .pqfl-stage")
    app = page.locator(APP)
    assert app.locator(".pqfl-stage").count() == 6
    assert app.locator(".pqfl-stage-ok").count() == 6  # the notebook's calm run is shown first

    _run(page, "Tampering and replay on the ward network")
    gateway = app.locator(".pqfl-stage-gateway.pqfl-stage-blocked")
    gateway.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert "attack blocked" in gateway.inner_text() and "quarantined of" in gateway.inner_text()
    assert app.locator(".pqfl-stage-ward.pqfl-stage-alert").count() == 1
    assert "quarantined" in app.locator(".pqfl-cap-story").inner_text()
    assert "done: Tampering" in app.locator(".pqfl-cap-status").inner_text()
    shot("07_capstone_tampering", app)

    _run(page, "Quantum eavesdropper on the key link")
    key_link = app.locator(".pqfl-stage-key_link.pqfl-stage-blocked")
    key_link.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
    assert "fell back to ML-KEM-768" in key_link.inner_text()
    assert app.locator(".pqfl-stage-gateway.pqfl-stage-ok").count() == 1  # the tampering run is gone
    assert "ML-KEM-768 (fallback)" in app.locator(".pqfl-cap-link").inner_text()
    assert "fell back" in app.locator(".pqfl-cap-story").inner_text()
    shot("07_capstone_eavesdropper", app)

    quiz = app.locator(".pqfl-quiz-07-1")
    quiz.locator(".pqfl-quiz-input input").fill("1, 2, 5, 3")
    quiz.locator("button.pqfl-quiz-check").click()
    quiz.locator(".pqfl-check-right").wait_for(state="visible", timeout=30_000)
    assert "Traceback" not in page.content()
