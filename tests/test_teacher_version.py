"""Every exercise is in its notebook as a stub + check(...), and the teacher tool solves it."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import make_teacher_version as teacher  # noqa: E402

from pqfl_kit import exercises  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_registered_exercise_is_a_stub_in_its_notebook_and_gets_solved(path):
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code"]
    found = {m.group(1) for src in cells for m in teacher.CHECK_CALL.finditer(src)}
    registered = {e.id for e in exercises.all_exercises(path.stem.split("_")[0])}
    assert registered and found == registered, f"in notebook: {sorted(found)}, registered: {sorted(registered)}"
    for src in cells:
        if teacher.CHECK_CALL.search(src):
            assert "NotImplementedError" in src or "..." in src, "exercise cells hold a stub, not a solution"
            solved = teacher.solve_cell(src)
            ast.parse(solved)
            assert "NotImplementedError" not in solved


def test_solved_start_notebook_reports_correct(tmp_path):
    out = teacher.make(ROOT / "notebooks" / "00_start_here.ipynb", tmp_path, execute=True)
    texts = [o.get("data", {}).get("text/plain", "") for c in nbformat.read(out, as_version=4).cells
             if c.cell_type == "code" for o in c.get("outputs", [])]
    verdicts = [t for t in texts if t.startswith("[Exercise")]
    assert len(verdicts) == 2 and all("Correct" in t for t in verdicts), verdicts
