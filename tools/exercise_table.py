"""Print the Markdown table of every registered exercise, read from the registry and the notebooks.

    python tools/exercise_table.py                      # print it
    python tools/exercise_table.py --write docs/teaching.md   # refresh the table between its markers
    python tools/exercise_table.py --check docs/teaching.md   # exit 1 if that table is out of date

Columns: id, notebook and section (the ``## `` heading above the exercise's ``check`` cell), title, what
it assesses (the exercise's question), and the kind of answer: a value, a Python function, or a Qiskit
circuit (a function returning a ``QuantumCircuit``, checked by simulating it).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pqfl_kit import exercises  # noqa: E402

START, END = "<!-- exercise-table:start -->", "<!-- exercise-table:end -->"
CHECK_CALL = re.compile(r"\bcheck\(\s*[\"'](\d\d[a-z]?\.\d+)[\"']")
KINDS = {"value": "value", "function": "Python function", "circuit": "Qiskit circuit"}


def _cell(text: str) -> str:
    """Text for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _places(path: Path) -> dict[str, tuple[str, str]]:
    """Exercise id -> (section heading, source of its check cell), in one notebook."""
    places: dict[str, tuple[str, str]] = {}
    section = ""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            headings = re.findall(r"^##\s+(.+)$", cell.source, re.MULTILINE)
            section = headings[-1].strip() if headings else section
        elif cell.cell_type == "code":
            for match in CHECK_CALL.finditer(cell.source):
                places.setdefault(match.group(1), (section, cell.source))
    return places


def kind(exercise: exercises.Exercise, stub: str) -> str:
    """"value", "function" or "circuit" (a function exercise whose stub builds a QuantumCircuit)."""
    if exercise.kind == "value":
        return "value"
    return "circuit" if "QuantumCircuit" in stub else "function"


def rows() -> list[list[str]]:
    """One row per registered exercise of each kit notebook, in reading order."""
    table = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
        number = path.stem.split("_")[0]
        places = _places(path)
        for exercise in exercises.all_exercises(number):
            section, stub = places.get(exercise.id, ("(not in the notebook)", ""))
            table.append([f"`{exercise.id}`", f"[{path.stem}](../notebooks/{path.name}) · {_cell(section)}",
                          _cell(exercise.title), _cell(exercise.question), KINDS[kind(exercise, stub)]])
    return table


def render() -> str:
    """The Markdown table."""
    lines = ["| Id | Notebook · section | Title | What it assesses (the question) | Answer |",
             "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows()]
    return "\n".join(lines) + "\n"


def embed(text: str, table: str) -> str:
    """``text`` with the part between the markers replaced by ``table``; ValueError without markers."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the file needs the markers {START} and {END} around the table")
    return text[:start + len(START)] + "\n" + table + text[end:]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, help="replace the table between the markers in this file")
    group.add_argument("--check", type=Path, help="exit 1 if the table in this file is out of date")
    args = parser.parse_args(argv)
    table = render()
    target = args.write or args.check
    if target is None:
        print(table, end="")
        return 0
    text = target.read_text(encoding="utf-8")
    updated = embed(text, table)
    if args.check:
        if updated != text:
            print(f"{target}: the exercise table is out of date: run tools/exercise_table.py --write {target}")
            return 1
        return 0
    target.write_text(updated, encoding="utf-8")
    print(f"{target}: exercise table written ({len(table.splitlines()) - 2} exercises)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
