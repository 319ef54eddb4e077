"""The Voila app gallery and app views (issue 14): the prelaunch hook, the tag tool, the landing page.

Browser tests serve a temporary copy of notebooks/ whose app cells were tagged by
tools/tag_app_cells.py, with the kit's Voila configuration (etc/jupyter/voila.py); other browser
test modules start the same server with :func:`serve_gallery`. In both themes, each card opens its
app and the app's main action runs there (screenshots ``gallery_app_NN_<theme>.png``); opening a
card in the light theme also refreshes its thumbnail (a 480 px wide PNG in the template's static folder).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect
from servers import ROOT, free_port, start, stop

from pqfl_kit import appview, gallery

CONFIG_DIR = ROOT / "etc" / "jupyter"
TEMPLATE = ROOT / "share" / "jupyter" / "voila" / "templates" / "pqfl"
THUMBNAILS = TEMPLATE / "static" / "thumbnails"
THUMB_WIDTH = 480
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _tool():
    spec = importlib.util.spec_from_file_location("tag_app_cells", ROOT / "tools" / "tag_app_cells.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lesson(app_source: str = "from pqfl_kit.apps.qkd import build_qkd_app\n\nbuild_qkd_app()", tag: bool = True):
    nb = nbformat.v4.new_notebook()
    app = nbformat.v4.new_code_cell(app_source)
    if tag:
        app.metadata["tags"] = ["app"]
    nb.cells = [nbformat.v4.new_markdown_cell("# 03 · E91\n\nLesson prose."),
                nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError\ncheck('03.1', f)"),
                nbformat.v4.new_code_cell("print('lesson output')"), app]
    return nb


# ---- the prelaunch hook -------------------------------------------------------------------------

def test_app_view_is_title_intro_and_the_app_cells():
    nb = _lesson()
    view = appview.prelaunch_hook(None, nb, "/tmp")
    entry = gallery.by_notebook("03_e91_qkd")
    assert [c.cell_type for c in view.cells] == ["markdown", "code"]
    assert view.cells[0].source.startswith(f"# {entry.title}\n\n{entry.intro}")
    assert view.cells[1].source == nb.cells[3].source and view.cells[1].outputs == []
    assert view.metadata.title == entry.title  # the page title
    assert len(nb.cells) == 4  # the lesson itself is not changed
    nbformat.validate(view)


def test_app_view_stands_in_for_lesson_names():
    view = appview.app_view(_lesson("# NBVAL_IGNORE_OUTPUT\nbuild_hospital_app(scorer)"), "06_alert_routing.ipynb")
    assert view.cells[0].source.startswith("# 06 ·")
    assert view.cells[1].source.splitlines() == [
        "from pqfl_kit.apps.hospital import build_hospital_app",
        "scorer = None  # a lesson result: the app computes its own"]
    assert view.cells[2].source.endswith("build_hospital_app(scorer)")


def test_unknown_app_gets_the_lessons_heading_and_notebook_without_tags_is_unchanged():
    view = appview.app_view(_lesson("x = 1\nshow(x)"), "99_new.ipynb")
    assert view.cells[0].source == "# 03 · E91" and "show = None" in view.cells[1].source
    plain = _lesson(tag=False)
    assert appview.prelaunch_hook(None, plain, "/tmp") is plain


class _Request:
    class request:  # mimics tornado's handler.request
        path = "/voila/render/notebooks/05_federated_pi_cluster.ipynb"


def test_the_requested_file_names_the_entry_when_no_builder_is_known():
    view = appview.prelaunch_hook(_Request(), _lesson("make_app()"), "/tmp")
    assert view.metadata.title == gallery.by_notebook("05_federated_pi_cluster").title


ODD = [None, 3, "x", {}, {"cells": None}, {"cells": "abc"}, {"cells": [None, 3, "x", {}]},
       {"cells": [{"cell_type": "code", "metadata": {"tags": "app"}}]},
       {"cells": [{"cell_type": "code", "metadata": None, "source": 5}]},
       {"cells": [{"cell_type": "code", "metadata": {"tags": ["app"]}, "source": ["build_", "qkd_app()"]}]},
       {"cells": [{"cell_type": "code", "metadata": {"tags": ["app"]}, "source": "def (:\n%magic\n!ls"}]},
       {"cells": [{"cell_type": "code", "metadata": {"tags": ["app", 3]}}], "metadata": None},
       {"cells": [{"cell_type": "code", "metadata": {"tags": ["app"]}, "source": "x"}], "nbformat": "four"}]


@pytest.mark.parametrize("notebook", ODD, ids=range(len(ODD)))
def test_odd_notebooks_never_raise(notebook):
    appview.prelaunch_hook(object(), notebook, None)
    appview.prelaunch_hook(_Request(), notebook, "/tmp")


def test_page_config_hook_adds_cards_to_the_tree_page_only():
    tree = appview.page_config_hook({}, "/base/", {"serverapp": object()}, None, None, "notebooks")
    assert [c["notebook"] for c in tree["pqflGallery"]] == [f"{a.notebook}.ipynb" for a in gallery.APPS]
    card = next(c for c in tree["pqflGallery"] if c["number"] == "04")
    assert card["lesson_url"] == "/base/lab/tree/notebooks/04_anomaly_detection.ipynb"
    assert appview.page_config_hook({}, "/", {}, None, None, "notebooks/04_anomaly_detection.ipynb") == {}
    standalone = appview.page_config_hook({}, "/", {}, None, None, "")
    assert standalone["pqflGallery"][0]["lesson_url"].startswith(os.environ.get("PQFL_LAB_URL", "http://127.0.0.1:8888/"))


# ---- gallery data, thumbnails, configuration ----------------------------------------------------

@pytest.mark.parametrize("app", gallery.APPS, ids=lambda a: a.number)
def test_gallery_entry_matches_its_notebook_and_builder(app):
    assert (ROOT / app.lesson).exists()
    assert app.notebook.startswith(app.number + "_")
    module = ROOT / Path(*app.module.split("."))
    source = (module.with_suffix(".py") if module.with_suffix(".py").exists() else module / "__init__.py").read_text()
    assert f"def {app.builder}(" in source and f"\"{app.css_class}\"" in source
    assert 2 <= app.intro.count(". ") + 1 <= 4 and len(app.what_you_do) < 100


@pytest.mark.parametrize("app", gallery.APPS, ids=lambda a: a.number)
def test_every_card_has_its_thumbnail(app):
    path = THUMBNAILS / app.thumbnail
    assert path.exists(), f"{path} missing: run the browser tests (pytest tests/test_gallery.py -m browser)"
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", head[16:20])[0] == THUMB_WIDTH


def test_voila_configuration_sets_template_and_hooks(monkeypatch):
    from traitlets.config import PyFileConfigLoader

    monkeypatch.setenv("JUPYTER_PATH", os.environ.get("JUPYTER_PATH", ""))  # restored after the test

    config = PyFileConfigLoader("voila.py", path=str(CONFIG_DIR)).load_config()
    assert config.VoilaConfiguration.template == "pqfl"
    assert config.VoilaConfiguration.prelaunch_hook is appview.prelaunch_hook
    assert config.VoilaConfiguration.page_config_hook is appview.page_config_hook
    assert (TEMPLATE / "tree.html").exists() and str(ROOT / "share" / "jupyter") in os.environ["JUPYTER_PATH"]


# ---- the tag tool -------------------------------------------------------------------------------

def _untagged_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for path in folder.glob("*.ipynb"):  # start from no tags, whatever the real notebooks hold
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        for cell in nb.cells:
            if cell.metadata.get("tags") == ["app"]:
                del cell.metadata["tags"]
        nbformat.write(nb, path)
    return folder


def test_tag_tool_tags_the_app_cell_idempotently(tmp_path, capsys):
    tool, folder = _tool(), _untagged_copy(tmp_path)
    assert tool.main(["--check", str(folder)]) == 1
    assert tool.main([str(folder)]) == 0
    before = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    assert tool.main([str(folder)]) == 0 and tool.main(["--check", str(folder)]) == 0
    assert before == {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    for app in gallery.APPS:
        nb = nbformat.read(folder / f"{app.notebook}.ipynb", as_version=4)
        tagged = [c for c in nb.cells if "app" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and f"{app.builder}(" in tagged[0].source, app.notebook
    nb = nbformat.read(folder / "00_start_here.ipynb", as_version=4)
    nb.cells[0].metadata["tags"] = ["app"]  # a stray tag makes the tags stale
    nbformat.write(nb, folder / "00_start_here.ipynb")
    assert tool.main(["--check", str(folder)]) == 1


# ---- in Chromium --------------------------------------------------------------------------------

@contextmanager
def serve_gallery(tmp: Path, log_name: str = "voila-gallery") -> Iterator[str]:
    """Voila (standalone, the kit's configuration, as `make apps`) over a tagged copy of notebooks/ in ``tmp``.

    Its app URLs are ``<url>/voila/render/<notebook>.ipynb``, like the shared ``voila_url`` fixture's.
    """
    folder = _untagged_copy(tmp)
    assert _tool().main([str(folder)]) == 0
    port = free_port()
    config_path = [str(CONFIG_DIR), *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])]
    env = {"JUPYTER_CONFIG_PATH": os.pathsep.join(config_path)}
    args = [sys.executable, "-m", "voila", str(folder), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}"]
    proc = start(args, f"http://127.0.0.1:{port}/favicon.ico", ROOT / "test-artifacts" / "logs" / f"{log_name}.log",
                 env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def gallery_url(tmp_path_factory):
    """Voila (standalone, the kit's configuration) over a tagged copy of notebooks/."""
    with serve_gallery(tmp_path_factory.mktemp("gallery")) as url:
        yield url


def _save_thumbnail(page, app: gallery.App) -> None:
    from io import BytesIO

    from PIL import Image

    # The top-left 960 x 600 of the page (the introduction and the app's controls), as 480 x 300.
    image = Image.open(BytesIO(page.screenshot(clip={"x": 0, "y": 0, "width": 960, "height": 600})))
    height = round(image.height * THUMB_WIDTH / image.width)
    THUMBNAILS.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").resize((THUMB_WIDTH, height), Image.LANCZOS).save(THUMBNAILS / app.thumbnail, optimize=True)


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_gallery_lists_every_app(page, gallery_url, shot, theme):
    page.goto(f"{gallery_url}/?theme={theme}", wait_until="commit")
    cards = page.locator(".pqfl-card")
    cards.first.wait_for()
    assert page.title() == "pqfl-kit app gallery"
    assert cards.count() == len(gallery.APPS)
    for card, app in zip(cards.all(), gallery.APPS):
        assert card.get_attribute("data-notebook") == f"{app.notebook}.ipynb"
        assert card.locator(".pqfl-card-title").inner_text() == app.title
        assert card.locator(".pqfl-card-what").inner_text() == app.what_you_do
        app_href = card.locator(".pqfl-card-app").get_attribute("href")
        assert app_href.endswith(f"/voila/render/{app.notebook}.ipynb?theme={theme}")
        assert card.locator(".pqfl-card-lesson").get_attribute("href").endswith(f"/lab/tree/{app.lesson}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(17, 17, 17)" if theme == "dark" else "rgb(255, 255, 255)")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    shot(f"gallery_{theme}")


# ---- each app's main action, as a learner does it from the gallery ------------------------------
ACTION_TIMEOUT_MS = 180_000  # the first Keras training or federation on a busy 2-core machine


def _quiz(page) -> None:
    quiz = page.locator(".pqfl-quiz-00-1")
    quiz.locator(".pqfl-quiz-input input").fill("128")
    quiz.locator(".pqfl-quiz-check").click()
    quiz.locator(".pqfl-check-right").wait_for()


def _shor(page) -> None:
    page.locator(".pqfl-shor-result", has_text="3 × 5").wait_for()  # the first run, made while the app built
    page.locator(".pqfl-shor-n select").select_option("21")
    box = page.locator(".pqfl-shor-a input")
    box.fill("2")
    box.press("Enter")
    page.locator(".pqfl-shor-run").click()
    page.locator(".pqfl-shor-result", has_text="3 × 7").wait_for()
    page.locator(".pqfl-shor-status", has_text="Circuit:").wait_for()


def _handshake(page) -> None:
    page.locator(".pqfl-pqc-handshake-status", has_text="Secure channel established").wait_for()
    page.locator(".pqfl-pqc-mitm input").check()
    page.locator(".pqfl-pqc-run").click()
    page.locator(".pqfl-pqc-handshake-status", has_text="ABORTED").wait_for()


def _e91(page) -> None:
    page.locator(".pqfl-qkd-verdict", has_text="KEY ACCEPTED").wait_for()
    page.locator(".pqfl-qkd-eve input").check()  # a change re-runs E91 too; then press Run as a learner would
    page.locator(".pqfl-qkd-verdict", has_text="ABORTED").wait_for()
    page.locator(".pqfl-qkd-run:not([disabled])").click()
    page.locator(".pqfl-qkd-verdict", has_text="ABORTED").wait_for()
    page.locator(".pqfl-qkd-status", has_text="pairs simulated").wait_for()


def _train(page) -> None:
    slider = page.locator(".pqfl-anomaly-epochs [role=slider]")
    slider.focus()
    for _ in range(6):  # 8 -> 2 epochs: the action, not the accuracy, is under test here
        slider.press("ArrowLeft")
    page.locator("button.pqfl-anomaly-train").click()
    page.locator(".pqfl-anomaly-status .pqfl-msg-ok", has_text="test accuracy").wait_for(timeout=ACTION_TIMEOUT_MS)


def _federate(page) -> None:
    page.locator(".pqfl-fl-model select").select_option("logreg")  # numpy: seconds, no Keras
    page.locator("button.pqfl-fl-run").click()
    page.locator(".pqfl-fl-status .pqfl-msg-ok", has_text="done:").wait_for(timeout=ACTION_TIMEOUT_MS)
    page.locator(".pqfl-fl-acc").wait_for()


def _route(page) -> None:
    status = page.locator(".pqfl-hospital-status", has_text="Gateway processed")
    status.wait_for(timeout=ACTION_TIMEOUT_MS)
    # the next message is new: empty the widget's content element (the view writes into it again)
    page.evaluate("document.querySelector('.pqfl-hospital-status .widget-html-content').innerHTML = ''")
    slider = page.locator(".pqfl-tamper [role=slider]")
    slider.focus()
    slider.press("ArrowRight")  # inject tampering: the ward runs again
    status.wait_for(timeout=ACTION_TIMEOUT_MS)
    page.wait_for_function("parseInt(document.querySelector('.pqfl-lane-quarantine .pqfl-lane-count').innerText) > 0")


def _chain(page) -> None:
    page.locator(".pqfl-cap-app .pqfl-stage").first.wait_for(timeout=ACTION_TIMEOUT_MS)
    page.select_option(".pqfl-cap-scenario select", label="Tampering and replay on the ward network")
    page.locator("button.pqfl-cap-run").click()
    page.locator(".pqfl-stage-gateway.pqfl-stage-blocked").wait_for(timeout=ACTION_TIMEOUT_MS)
    page.locator(".pqfl-cap-status", has_text="done: Tampering").wait_for()


def _primer(page) -> None:
    page.locator(".pqfl-primer-measure").click()
    page.locator(".pqfl-primer-status", has_text="Measured 200 shots").wait_for()
    page.locator(".pqfl-primer-histogram img").wait_for()


MAIN_ACTIONS: dict[str, tuple[Callable, str]] = {  # notebook number -> (the action, its button, if any)
    "00": (_quiz, ".pqfl-quiz-00-1 .pqfl-quiz-check"), "00a": (_primer, ".pqfl-primer-measure"),
    "01": (_shor, ".pqfl-shor-run"),
    "02": (_handshake, ".pqfl-pqc-run"), "03": (_e91, ".pqfl-qkd-run"), "04": (_train, ".pqfl-anomaly-train"),
    "05": (_federate, ".pqfl-fl-run"), "06": (_route, ".pqfl-recommend"), "07": (_chain, ".pqfl-cap-run")}


def test_every_app_has_a_main_action():
    assert sorted(MAIN_ACTIONS) == [app.number for app in gallery.APPS]


@pytest.mark.browser
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("app", gallery.APPS, ids=lambda a: a.number)
def test_card_opens_the_app_view_and_its_main_action_works(page, gallery_url, shot, app, theme):
    """Each card opens its app view in both themes (screenshots); the main action runs in the light one."""
    page.goto(f"{gallery_url}/?theme={theme}", wait_until="commit")
    page.locator(f".pqfl-card[data-notebook='{app.notebook}.ipynb'] .pqfl-card-app").click()
    page.wait_for_selector(".pqfl-app", state="visible")
    assert page.url.endswith(f"/voila/render/{app.notebook}.ipynb?theme={theme}")
    assert page.get_attribute("body", "data-jp-theme-light") == ("true" if theme == "light" else "false")
    assert page.title() == app.title
    assert page.locator("h1").first.inner_text().strip() == app.title
    text = page.locator("body").inner_text()
    assert "Not done yet" not in text and "NotImplementedError" not in text
    assert "Contents" not in text  # the lesson's navigation cells are gone
    assert page.locator(".jp-Cell").count() <= 3  # introduction, stand-ins, the app
    page.wait_for_timeout(1500)  # let the first figures draw
    if theme == "light":  # the main action once per app (it is the same code in both themes)
        _save_thumbnail(page, app)
        action, button = MAIN_ACTIONS[app.number]
        action(page)
        expect(page.locator(button).first).to_be_enabled(timeout=ACTION_TIMEOUT_MS)  # re-enabled after the run
    assert page.locator("text=Traceback").count() == 0
    shot(f"gallery_app_{app.number}_{theme}")
