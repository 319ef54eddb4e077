"""Shared fixtures: Voila and JupyterLab servers, Debian's Chromium through Playwright.

Browser tests ask for ``open_app`` (a function: notebook name -> Playwright page showing its
Voila app) and ``shot`` (save a screenshot under test-artifacts/screenshots/).
In CI (CI=true) a missing Chromium is a failure; elsewhere those tests are skipped.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pqc_backends import require_backend
from servers import ROOT, free_port, lab_args, start, stop, voila_args

from pqfl_kit.pqc import backends

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("PQFL_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
APP_TIMEOUT_MS = 180_000  # a cold Voila render runs the whole notebook

pytest_plugins: list[str] = ["fixtures_rabbitmq"]

# Markers tell the truth (CONTRIBUTING, "Tests"): a test that uses one of these fixtures starts a
# browser or server and is marked for it here, so `make test-fast` never starts one by accident;
# an unmarked test that takes longer than FAST_TEST_S is listed at the end of the run.
_FIXTURE_MARKS = {"page": "browser", "open_app": "browser", "voila_url": "browser", "lab_url": "browser",
                  "rabbitmq": "broker"}
_SLOW_MARKS = ("slow", "browser", "broker", "kernel")
FAST_TEST_S = 2.0
_too_slow: list[tuple[str, float]] = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, mark in _FIXTURE_MARKS.items():
            if fixture in getattr(item, "fixturenames", ()) and mark not in item.keywords:
                item.add_marker(getattr(pytest.mark, mark))


def pytest_runtest_logreport(report):
    if report.when in ("setup", "call") and report.passed and report.duration > FAST_TEST_S \
            and not any(mark in report.keywords for mark in _SLOW_MARKS):
        _too_slow.append((f"{report.nodeid} ({report.when})", report.duration))


def pytest_terminal_summary(terminalreporter):
    if _too_slow:
        terminalreporter.section(f"unmarked tests over {FAST_TEST_S:g} s: mark them slow (or make them faster)")
        for nodeid, seconds in sorted(_too_slow, key=lambda row: -row[1]):
            terminalreporter.write_line(f"{seconds:6.2f} s  {nodeid}")
@pytest.fixture(params=backends.BACKENDS)
def pqc_backend(request) -> str:
    """Each PQC test runs once per backend: "openssl" and "liboqs"."""
    return require_backend(request.param)


@pytest.fixture(scope="module", params=backends.BACKENDS)
def pqc_backend_env(request):
    """Module-wide: the kit's default backend (PQFL_PQC_BACKEND) is each backend in turn."""
    require_backend(request.param)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(backends.ENV_BACKEND, request.param)
        yield request.param


def _need_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's chromium)."
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    _need_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page):
    """Playwright's page, with every request that would leave this machine aborted."""

    def only_loopback(route):
        host = urlparse(route.request.url).hostname or ""
        if host in {"127.0.0.1", "localhost", "::1"} or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_loopback)
    page.set_default_timeout(APP_TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def voila_url():
    """A Voila server over notebooks/ on a free loopback port, for the whole session, with the kit's
    configuration (etc/jupyter, as `make apps` and Binder): each notebook renders as its app view."""
    port = free_port()
    config = os.pathsep.join(filter(None, [str(ROOT / "etc" / "jupyter"), os.environ.get("JUPYTER_CONFIG_PATH")]))
    proc = start(voila_args(port), f"http://127.0.0.1:{port}/favicon.ico", ARTIFACTS / "logs" / "voila.log",
                 env={"JUPYTER_CONFIG_PATH": config})
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture(scope="session")
def lab_url():
    """A JupyterLab server over the repository root on a free loopback port."""
    port = free_port()
    proc = start(lab_args(port), f"http://127.0.0.1:{port}/favicon.ico", ARTIFACTS / "logs" / "lab.log")
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.fixture
def open_app(page, voila_url):
    """Open ``notebooks/<name>.ipynb`` as a Voila app and wait until its app widget shows."""

    def _open(notebook: str, ready_selector: str = ".pqfl-app"):
        page.goto(f"{voila_url}/voila/render/{notebook}.ipynb", wait_until="commit")
        page.wait_for_selector(ready_selector, state="visible", timeout=APP_TIMEOUT_MS)
        return page

    return _open


@pytest.fixture
def shot(page):
    """Save a screenshot: shot("01_shor") -> test-artifacts/screenshots/01_shor.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str, locator=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        # Voila's page scrolls inside a container, so a full-page shot stops at the viewport:
        # grow the viewport to the tallest content (capped) for the shot, then restore it.
        size = page.viewport_size
        tallest = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('body, body *'), e => e.scrollHeight))")
        page.set_viewport_size({"width": size["width"], "height": int(min(max(tallest, size["height"]), 6000))})
        try:
            (locator or page).screenshot(path=str(path), **({} if locator else {"full_page": True}))
        finally:
            page.set_viewport_size(size)
        return path

    return _shot
