"""Tag each lesson's app cell ``app``, so Voila shows the notebook as its app view (pqfl_kit.appview).

The app cell is the last code cell that calls a ``build_<topic>_app(...)`` function. It gets the
tag; no other cell keeps it. Running the tool twice changes nothing; notebooks already current are
not rewritten (their bytes stay the same).

    python tools/tag_app_cells.py                 # tag notebooks/*.ipynb in place
    python tools/tag_app_cells.py --check         # exit 1 if a notebook's tags are not current
    python tools/tag_app_cells.py path/NN_x.ipynb # only these notebooks (or folders)

It also lists the names an app cell takes from earlier lesson cells: the app view stands in for
them (pqfl_kit.appview), but a self-contained app cell (imports its builder, passes no lesson
results) is what a reader of the app view expects.
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

from pqfl_kit.appview import APP_TAG, lesson_names

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BUILDER = re.compile(r"^build_\w+_app$")
BUILDER_CALL = re.compile(r"\bbuild_\w+_app\s*\(")


def calls_builder(source: str) -> bool:
    """True if the code calls a ``build_<topic>_app`` function (not just imports it)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return bool(BUILDER_CALL.search(code))
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and BUILDER.match(node.func.id)
               for node in ast.walk(tree))


def app_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the notebook's app cell (the last code cell calling a builder), or None."""
    found = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code" and calls_builder(cell.source)]
    return found[-1] if found else None


def retag(nb: nbformat.NotebookNode) -> bool:
    """Put the ``app`` tag on the app cell only; True if anything changed."""
    target, changed = app_cell_index(nb), False
    for i, cell in enumerate(nb.cells):
        tags = list(cell.get("metadata", {}).get("tags", []))
        want = i == target
        if want and APP_TAG not in tags:
            tags.append(APP_TAG)
        elif not want and APP_TAG in tags:
            tags = [tag for tag in tags if tag != APP_TAG]
        else:
            continue
        changed = True
        if tags:
            cell.setdefault("metadata", {})["tags"] = tags
        else:
            del cell.metadata["tags"]
    return changed


def notebook_paths(args: list[str]) -> list[Path]:
    paths = [Path(arg) for arg in args] or [NOTEBOOKS]
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.ipynb")) if path.is_dir() else [path]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: notebooks/)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any tags are not current")
    args = parser.parse_args(argv)
    stale = []
    for path in notebook_paths(args.paths):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        index = app_cell_index(nb)
        if index is None:
            print(f"{path.name}: no cell calls build_<topic>_app(): nothing to tag")
        else:
            needs = lesson_names([nb.cells[index].source])
            if needs:
                print(f"{path.name}: the app cell uses lesson names {', '.join(needs)} (the app view stands in)")
        if retag(nb):
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
                print(f"{path.name}: app tag updated (cell {index})")
    if args.check and stale:
        print("app tags not current in: " + ", ".join(p.name for p in stale)
              + "\nrun: python tools/tag_app_cells.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
