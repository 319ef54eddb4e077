"""A learner who opens a lesson in JupyterLab and changes nothing sees no "modified" dot.

JupyterLab rewrites a notebook's ``metadata.kernelspec`` from the kernel it connects to. A notebook
saved with another display name ("Python 3" where the installed ipykernel says "Python 3 (ipykernel)")
is therefore modified the moment its kernel starts, and the learner is asked to save a file they
never touched. The fast test checks that cause for every notebook; the browser test opens each
notebook in a real JupyterLab (over a copy, so Lab's autosave can never write the repository) and
checks that its tab is not dirty once the kernel is idle.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest
from servers import free_port, start, stop

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
SETTLE_S = 2.0  # after the kernel is idle, how long the tab must stay clean (Lab marks it within 1 s)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_saved_kernelspec_is_the_installed_one(path):
    from jupyter_client.kernelspec import KernelSpecManager

    saved = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    installed = KernelSpecManager().get_kernel_spec(saved["name"])
    assert (saved["display_name"], saved["language"]) == (installed.display_name, installed.language), (
        f"{path.name}: JupyterLab will rewrite the kernelspec on open and mark the notebook modified")


@pytest.fixture(scope="module")
def lab_copy_url(tmp_path_factory):
    """JupyterLab over a copy of notebooks/, with its own (empty) settings and workspaces."""
    root = tmp_path_factory.mktemp("lab")
    for path in NOTEBOOKS:
        shutil.copy(path, root / path.name)
    port = free_port()
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.allow_root=True", "--IdentityProvider.token=",
            "--ServerApp.password=", f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={root / '.workspaces'}", f"--LabServerApp.user_settings_dir={root / '.settings'}"]
    proc = start(args, f"http://127.0.0.1:{port}/favicon.ico", ROOT / "test-artifacts" / "logs" / "lab-clean.log")
    yield f"http://127.0.0.1:{port}"
    stop(proc)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_unmodified_in_jupyterlab(page, lab_copy_url, path):
    page.goto(f"{lab_copy_url}/lab/tree/{path.name}?reset", wait_until="commit")
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=path.name[:12])
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    # the kernel has connected (JupyterLab rewrites the metadata then) and is idle: the status bar says so
    page.wait_for_function("() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
                           timeout=120_000)
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        assert "jp-mod-dirty" not in (tab.first.get_attribute("class") or ""), f"{path.name} is modified on open"
        time.sleep(0.5)
