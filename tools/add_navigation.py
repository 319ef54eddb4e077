"""Insert or refresh prev / contents / next links at the top and bottom of every notebook.

Safe to re-run: it finds its own cells by the marker below and rewrites only those.
``python tools/add_navigation.py 01 02`` touches only notebooks whose names start so.
(After jakevdp/PythonDataScienceHandbook tools/add_navigation.py.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

MARKER = "<!--pqfl-nav-->"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and MARKER not in cell.source:
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "untitled"


def nav_line(paths: list[Path], titles: list[str], i: int) -> str:
    parts = []
    if i > 0:
        parts.append(f"[&larr; {titles[i - 1]}]({paths[i - 1].name})")
    if i != 0:
        parts.append(f"[Contents]({paths[0].name})")
    if i + 1 < len(paths):
        parts.append(f"[{titles[i + 1]} &rarr;]({paths[i + 1].name})")
    return f"{MARKER}\n" + " | ".join(parts)


def main(prefixes: list[str]) -> int:
    """Refresh every notebook's links, or only those whose names start with ``prefixes``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    titles = [title_of(nb) for nb in notebooks]
    for i, (path, nb) in enumerate(zip(paths, notebooks)):
        if prefixes and not any(path.name.startswith(x) for x in prefixes):
            continue
        old = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith(MARKER)]
        nb.cells = [c for c in nb.cells if c not in old]
        line = nav_line(paths, titles, i)
        top, bottom = nbformat.v4.new_markdown_cell(line), nbformat.v4.new_markdown_cell(line)
        for cell, previous in zip((top, bottom), (old[:1] + old[-1:]) if len(old) >= 2 else []):
            cell.id = previous.get("id", cell.id)  # keep ids: re-running changes nothing
        nb.cells.insert(0, top)
        nb.cells.append(bottom)
        nbformat.write(nb, path)
        print(f"navigation: {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
