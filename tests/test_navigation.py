"""tools/add_navigation.py: links between neighbours, idempotent (a second run changes no byte)."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import add_navigation  # noqa: E402


def test_navigation_links_neighbours_and_is_idempotent(tmp_path, monkeypatch):
    for path in sorted((ROOT / "notebooks").glob("0[0-2]_*.ipynb")):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(add_navigation, "NOTEBOOKS", tmp_path)
    add_navigation.main([])
    first = {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")}
    add_navigation.main([])
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.ipynb")} == first
    middle = nbformat.read(tmp_path / "01_quantum_threats.ipynb", as_version=4)
    nav = [c.source for c in middle.cells if c.source.startswith(add_navigation.MARKER)]
    assert len(nav) == 2 and nav[0] == nav[1]
    assert "00_start_here.ipynb" in nav[0] and "02_pqc_handshake.ipynb" in nav[0]
    assert middle.cells[0].source == nav[0] and middle.cells[-1].source == nav[0]


def test_committed_notebooks_have_current_navigation(tmp_path, monkeypatch):
    for path in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(add_navigation, "NOTEBOOKS", tmp_path)
    add_navigation.main([])
    stale = [p.name for p in tmp_path.glob("*.ipynb") if p.read_bytes() != (ROOT / "notebooks" / p.name).read_bytes()]
    assert not stale, f"run python tools/add_navigation.py: stale links in {stale}"
