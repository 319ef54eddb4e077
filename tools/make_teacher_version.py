"""Write teacher copies of the notebooks with every exercise solved, into build/teacher/.

The committed notebooks are the learner version: each exercise is a stub plus
``check("NN.M", answer)``. This tool replaces each stub by the reference solution from
``pqfl_kit.exercises`` (a stub function by the solution's code under the learner's name, a ``...``
passed directly or assigned to the answer's name by the solution value), so a teacher can present or grade
with them. Safe to re-run.

    python tools/make_teacher_version.py [--execute] [NN ...]
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pqfl_kit import exercises  # noqa: E402

CHECK_CALL = re.compile(r"check\(\s*\"(\d\d[a-z]?\.\d+)\"\s*,\s*(\.\.\.|[A-Za-z_]\w*)\s*\)")


def solve_cell(source: str) -> str:
    """The cell's source with its exercise stub replaced by the reference solution."""
    match = CHECK_CALL.search(source)
    if not match:
        return source
    exercise_id, answer = match.groups()
    exercise = exercises.get(exercise_id)
    if answer == "...":
        return source[:match.start(2)] + repr(exercise.solution) + source[match.end(2):]
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis
                and any(isinstance(t, ast.Name) and t.id == answer for t in node.targets)):
            line = lines[node.value.lineno - 1]  # `answer = ...  # comment`: swap the ... for the value
            col = node.value.col_offset
            lines[node.value.lineno - 1] = line[:col] + repr(exercise.solution) + line[col + 3:]
            return "\n".join(lines)
        if isinstance(node, ast.FunctionDef) and node.name == answer:
            solution = exercises.solution_text(exercise_id).rstrip().splitlines()
            solution[0] = re.sub(r"def \w+\(", f"def {answer}(", solution[0], count=1)
            lines[node.lineno - 1:node.end_lineno] = solution
            return "\n".join(lines)
    raise ValueError(f"exercise {exercise_id}: no function {answer!r} defined in its cell")


def make(path: Path, out_dir: Path, execute: bool = False) -> Path:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = solve_cell(cell.source)
    if execute:
        from nbclient import NotebookClient

        NotebookClient(nb, timeout=900, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name
    nbformat.write(nb, target)
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="only notebooks whose names start so (e.g. 01)")
    parser.add_argument("--execute", action="store_true", help="run the solved notebooks too")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "teacher")
    args = parser.parse_args(argv)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
        if not args.prefixes or any(path.name.startswith(p) for p in args.prefixes):
            print("teacher copy:", make(path, args.out, args.execute).relative_to(ROOT) if args.out.is_relative_to(ROOT)
                  else make(path, args.out, args.execute))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
