"""Move nbval's comment markers out of the learners' code into cell tags.

A code cell that starts with ``# NBVAL_CHECK_OUTPUT`` (or ``# NBVAL_IGNORE_OUTPUT``, ``# NBVAL_SKIP``,
``# NBVAL_RAISES_EXCEPTION``) loses that line and gets the equivalent tag (``nbval-check-output``,
...), which nbval reads the same way, so learners see only their code. Idempotent; ``--check``
exits 1 if a notebook still has a marker comment (``make lint`` runs it).

    python tools/nbval_tags.py [--check] [notebooks/NN_name.ipynb ...]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = {"NBVAL_CHECK_OUTPUT": "nbval-check-output", "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
           "NBVAL_SKIP": "nbval-skip", "NBVAL_RAISES_EXCEPTION": "nbval-raises-exception"}


def move_markers(cell: dict) -> bool:
    """Turn the cell's marker comment lines into tags; True if the cell changed."""
    if cell.get("cell_type") != "code":
        return False
    lines = "".join(cell.get("source", "")).splitlines(keepends=True)
    kept, tags = [], []
    for line in lines:
        word = line.strip().lstrip("#").strip()
        if line.lstrip().startswith("#") and word in MARKERS:
            tags.append(MARKERS[word])
        else:
            kept.append(line)
    if not tags:
        return False
    if kept:
        kept[-1] = kept[-1].rstrip("\n")
    cell["source"] = kept
    existing = cell.setdefault("metadata", {}).setdefault("tags", [])
    existing.extend(t for t in tags if t not in existing)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a marker comment is left")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    stale = []
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        changed = [move_markers(cell) for cell in notebook["cells"]]
        if not any(changed):
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(f"{path.name}: {sum(changed)} marker comment(s) moved to tags")
    if args.check and stale:
        print(f"nbval marker comments left in: {', '.join(stale)}\nrun: python tools/nbval_tags.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
