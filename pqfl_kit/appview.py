"""Voila hooks: each lesson opens as its app view, and the landing page is the app gallery.

A lesson notebook is also an app (CONTRIBUTING, "Notebooks"): its app section ends with a code cell
calling ``build_<topic>_app()``, tagged ``app`` by ``tools/tag_app_cells.py``. Before Voila starts
the kernel, :func:`prelaunch_hook` replaces the notebook with its *app view*: a Markdown cell with
the title and introduction from :mod:`pqfl_kit.gallery`, then only the cells tagged ``app``. The
lesson cells (exercise stubs, trainings, figures) never run, so the app appears within seconds;
in JupyterLab the file is still the whole lesson (one source of truth).

An app cell may use names that the lesson defined earlier. In the app view the builder is imported
from its module, and a lesson result passed to the builder (06's ``scorer``, 07's ``calm``) is
``None``: every builder takes such results as optional arguments and then computes its own.

Both hooks are set in ``etc/jupyter/voila.py`` (``VoilaConfiguration.prelaunch_hook`` and
``page_config_hook``, Voila 0.5), read by standalone Voila and by its Jupyter-server extension.
"""
from __future__ import annotations

import ast
import builtins
import copy
import logging
import os
from typing import Any
from urllib.parse import unquote

import nbformat

from . import gallery

__all__ = ["APP_TAG", "app_view", "is_app_cell", "lab_url", "lesson_names", "page_config_hook", "prelaunch_hook"]

APP_TAG = "app"
LAB_URL_ENV = "PQFL_LAB_URL"  # where the lesson links point when Voila runs on its own (`make apps`)
DEFAULT_LAB_URL = "http://127.0.0.1:8888/"  # `make lab`
_log = logging.getLogger(__name__)


def is_app_cell(cell: Any) -> bool:
    """True for a code cell whose metadata tags include ``app``."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return False
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return isinstance(tags, list) and APP_TAG in tags


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def lesson_names(sources: list[str]) -> list[str]:
    """Names the app cells read but neither define nor import (in order of first use)."""
    loaded: list[str] = []
    defined = set(dir(builtins))
    for source in sources:
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    loaded.append(node.id)
                else:
                    defined.add(node.id)
            elif isinstance(node, ast.alias):
                defined.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
    return list(dict.fromkeys(name for name in loaded if name not in defined))


def _setup_source(missing: list[str]) -> str:
    """Code that stands in for the lesson cells the app cells rely on (see the module docstring)."""
    lines = []
    for name in missing:
        app = next((app for app in gallery.APPS if app.builder == name), None)
        if app is not None:
            lines.append(f"from {app.module} import {name}")
        else:
            lines.append(f"{name} = None  # a lesson result: the app computes its own")
    return "\n".join(lines)


def _intro_cell(title: str, intro: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(f"# {title}\n\n{intro}".strip())


def _first_heading(cells: list) -> str | None:
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def app_view(notebook: Any, name: str | None = None) -> nbformat.NotebookNode | None:
    """The app view of a lesson (title, introduction, app cells), or None if it has no ``app`` cells.

    ``name`` is the notebook's file name; it finds the gallery entry when no app cell names a known
    builder. The notebook passed in is not changed.
    """
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    app_cells = [copy.deepcopy(cell) for cell in cells if is_app_cell(cell)]
    if not app_cells:
        return None
    sources = [_source(cell) for cell in app_cells]
    entry = gallery.by_builder("\n".join(sources)) or (gallery.by_notebook(name) if name else None)
    if entry is not None:
        title, intro = entry.title, entry.intro
    else:
        title, intro = _first_heading(cells) or (name or "App").removesuffix(".ipynb"), ""
    for cell in app_cells:
        cell["outputs"], cell["execution_count"] = [], None
    setup = _setup_source(lesson_names(sources))
    view = nbformat.from_dict({key: value for key, value in notebook.items() if key != "cells"})
    view.setdefault("metadata", nbformat.NotebookNode())["title"] = title
    view["cells"] = [_intro_cell(title, intro), *([nbformat.v4.new_code_cell(setup)] if setup else []),
                     *(nbformat.from_dict(cell) for cell in app_cells)]
    return view


def _requested_notebook(request_handler: Any) -> str | None:
    path = getattr(getattr(request_handler, "request", None), "path", None)
    return unquote(path).rsplit("/", 1)[-1] if isinstance(path, str) else None


def prelaunch_hook(request_handler: Any, notebook: Any, cwd: str | None = None) -> Any:
    """Voila's ``prelaunch_hook``: the app view of a tagged lesson, else the notebook unchanged.

    Never raises: if anything about the notebook is unexpected, Voila shows the whole notebook.
    """
    try:
        view = app_view(notebook, _requested_notebook(request_handler))
    except Exception:  # noqa: BLE001 - a hook error would break the page; the full lesson still works
        _log.warning("pqfl app view failed; showing the whole notebook", exc_info=True)
        return notebook
    return notebook if view is None else view


def lab_url(base_url: str, settings: Any) -> str:
    """Where JupyterLab is: this server under the Jupyter-server extension (Binder), else $PQFL_LAB_URL."""
    if isinstance(settings, dict) and settings.get("serverapp") is not None:
        return base_url if base_url.endswith("/") else base_url + "/"
    url = os.environ.get(LAB_URL_ENV) or DEFAULT_LAB_URL
    return url if url.endswith("/") else url + "/"


def page_config_hook(page_config: dict, base_url: str = "/", settings: Any = None, log: Any = None,
                     voila_configuration: Any = None, notebook_path: str = "") -> dict:
    """Voila's ``page_config_hook``: the landing page (a directory) gets the gallery cards.

    The cards go to ``page_config["pqflGallery"]``, read by the ``pqfl`` template's ``tree.html``.
    """
    if not str(notebook_path or "").endswith(".ipynb"):
        page_config["pqflGallery"] = gallery.cards(lab_url(base_url, settings))
    return page_config
