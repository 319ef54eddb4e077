"""JupyterLab opens on the lesson, not on a "get notified about Jupyter news?" prompt: the kit's
labconfig (etc/jupyter, put on JUPYTER_CONFIG_PATH by `make lab` and binder/start) turns it off."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_jupyterlab_reads_the_kit_overrides_from_the_config_path(monkeypatch):
    from jupyterlab_server.settings_utils import _get_overrides

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "etc" / "jupyter"))
    notification = _get_overrides("/nonexistent")[0]["@jupyterlab/apputils-extension:notification"]
    assert notification == {"checkForUpdates": False, "fetchNews": "false"}


def test_make_lab_and_binder_put_the_config_path_in_place():
    makefile = (ROOT / "Makefile").read_text()
    lab_recipe = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert 'JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter' in lab_recipe
    assert "etc/jupyter" in (ROOT / "binder" / "start").read_text()
