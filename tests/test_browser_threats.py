"""Notebooks 00 and 01 as Voila apps in a real Chromium, and the kit in JupyterLab."""
from __future__ import annotations

import pytest
from test_gallery import serve_gallery

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """The apps as `make apps` and Binder serve them: the kit's Voila configuration (app views)."""
    with serve_gallery(tmp_path_factory.mktemp("test_browser_threats"), "voila-test_browser_threats") as url:
        yield url


def _set_text(page, css: str, value) -> None:
    box = page.locator(f"{css} input")
    box.fill(str(value))
    box.press("Enter")


def test_voila_tree_is_the_gallery(page, voila_url):
    page.goto(f"{voila_url}/voila/tree", wait_until="commit")
    page.wait_for_selector(".pqfl-card[data-notebook='01_quantum_threats.ipynb']")
    assert page.locator(".pqfl-card[data-notebook='00_start_here.ipynb']").count() == 1


def test_start_app_shows_the_map_and_grades_the_quiz(open_app, shot):
    page = open_app("00_start_here", ".pqfl-start-app")
    assert page.locator(".pqfl-start-map a", has_text="Quantum threats").count() == 1
    quiz = page.locator(".pqfl-quiz-00-1")
    quiz.locator(".pqfl-quiz-input input").fill("64")
    quiz.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-00-1 .pqfl-check-wrong")
    quiz.locator(".pqfl-quiz-input input").fill("128")
    quiz.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-00-1 .pqfl-check-right")
    shot("00_start_app", page.locator(".pqfl-start-app"))


def test_threats_app_factors_and_mosca(open_app, shot):
    page = open_app("01_quantum_threats", ".pqfl-threats-app")
    app = page.locator(".pqfl-threats-app")
    page.wait_for_selector(".pqfl-shor-result >> text=3 × 5")
    shot("01_shor_n15", app)

    # a not coprime to N: a message, not a traceback
    page.locator(".pqfl-shor-n select").select_option("21")
    _set_text(page, ".pqfl-shor-a", 7)
    page.locator(".pqfl-shor-run").click()
    page.wait_for_selector(".pqfl-shor-status >> text=not coprime")
    assert page.locator(".jp-OutputArea-output pre:has-text('Traceback')").count() == 0

    _set_text(page, ".pqfl-shor-a", 2)
    page.locator(".pqfl-shor-run").click()
    page.wait_for_selector(".pqfl-shor-result >> text=3 × 7", timeout=60_000)
    shot("01_shor_n21", app)

    page.locator(".pqfl-threats-tabs .lm-TabBar-tab", has_text="Grover").click()
    page.wait_for_selector(".pqfl-grover-status >> text=Best: 3 iterations")
    shot("01_grover", app)

    page.locator(".pqfl-threats-tabs .lm-TabBar-tab", has_text="Mosca").click()
    verdict = page.locator(".pqfl-mosca-verdict")
    verdict.locator("text=AT RISK").wait_for()
    shot("01_mosca_at_risk", app)
    slider = page.locator(".pqfl-mosca-x [role=slider]")
    slider.focus()
    for _ in range(24):  # x: 25 -> 1 year
        slider.press("ArrowLeft")
    verdict.locator("text=SAFE FOR NOW").wait_for()
    shot("01_mosca_safe", app)

    page.locator(".pqfl-threats-tabs .lm-TabBar-tab", has_text="Quiz").click()
    # the value exercises in reading order: 01.1 (order of 4 mod 21), 01.4 (Grover on 7 qubits), 01.5 (AES-256)
    assert page.locator(".pqfl-quiz-01-1, .pqfl-quiz-01-4, .pqfl-quiz-01-5").count() == 3
    quiz = page.locator(".pqfl-quiz-01-1")
    quiz.locator(".pqfl-quiz-input input").fill("3")
    quiz.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-01-1 .pqfl-check-right")
    grover = page.locator(".pqfl-quiz-01-4")
    grover.locator(".pqfl-quiz-input input").fill("11")
    grover.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-01-4 .pqfl-check-wrong >> text=overshoots")
    grover.locator(".pqfl-quiz-input input").fill("8")
    grover.locator(".pqfl-quiz-check").click()
    page.wait_for_selector(".pqfl-quiz-01-4 .pqfl-check-right")
    shot("01_quiz", app)


def test_jupyterlab_opens_with_the_notebooks(page, lab_url, shot):
    page.goto(f"{lab_url}/lab/tree/notebooks", wait_until="commit")
    page.wait_for_selector(".jp-DirListing-item >> text=01_quantum_threats.ipynb")
    assert page.locator(".jp-DirListing-item", has_text="00_start_here.ipynb").count() == 1
    shot("lab_file_browser")
