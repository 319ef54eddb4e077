"""Grade a folder of submitted notebooks with the full kit and write one CSV row per submission.

    python tools/autograde.py SUBMISSIONS [--out grades.csv] [--timeout 300] [--feedback DIR]
    make grade SUBMISSIONS=folder [GRADES=grades.csv]

Submissions: every ``.ipynb`` under SUBMISSIONS, named either ``<student>_<notebook>.ipynb`` (for example
``alice_01_quantum_threats.ipynb``) or ``<student>/<notebook>.ipynb`` (one folder per student, as
nbgitpuller/JupyterHub exports or an LMS download usually give). The notebook is recognised by the
kit's file name at the end of the name; failing that, by the exercise ids its ``check`` calls use.

Each submission runs headless in a fresh kernel (nbclient, in a temporary folder) with
``PQFL_GRADE_LOG`` set: every ``check("NN.M", ...)`` the notebook makes appends its verdict, graded by
the kit's own graders; the last verdict per id counts. A broken cell does not stop the run
(``allow_errors``), a cell over ``--timeout`` seconds is interrupted, and the app cell (tag ``app``)
is skipped. Columns: student, file, notebook, one column per exercise id (1 right, 0 otherwise, empty
when the id belongs to another notebook), score, max, seconds, notes (each id not right with its status:
wrong, not-done or missing = never checked; errors; a warning when the code redefines ``check`` or
touches the log). A notebook that cannot be read or identified gets a row with a note, never a crash.

Trust: submitted code runs with your permissions and could fake its log. Grade inside a container or
a JupyterHub user server, and read the executed copies (``--feedback``) of surprising scores.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pqfl_kit import exercises  # noqa: E402

CHECK_ID = re.compile(r"\bcheck\(\s*[\"'](\d\d[a-z]?)\.\d+[\"']")
#: code that would let a submission grade itself: worth a look by the teacher
SUSPICIOUS = re.compile(r"PQFL_GRADE_LOG|GRADE_LOG_ENV|_log_verdict|^\s*(def\s+check\b|check\s*=)|exercises\.check\s*=",
                        re.MULTILINE)


@dataclass
class Grade:
    """One submission's row."""

    student: str
    file: str
    notebook: str = ""
    marks: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(self.marks.values())


def kit_notebooks() -> dict[str, str]:
    """The kit's notebooks: file stem ("01_quantum_threats") -> notebook number ("01")."""
    return {p.stem: p.stem.split("_")[0] for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))}


def identify(path: Path, folder: Path, nb: nbformat.NotebookNode | None) -> tuple[str, str, str]:
    """(student, kit notebook stem or "", notebook number or "") from the file's place and name."""
    rel = path.relative_to(folder)
    stem = path.stem
    known = kit_notebooks()
    match = next((name for name in sorted(known, key=len, reverse=True) if stem.endswith(name)), "")
    if len(rel.parts) > 1:
        student = rel.parts[0]
    else:
        student = stem[:-len(match)].rstrip("_-. ") if match else stem.split("_")[0]
    if match:
        return student or stem, match, known[match]
    if nb is not None:  # a renamed file: the exercise ids it checks name the notebook
        ids = Counter(m.group(1) for cell in nb.cells if cell.cell_type == "code"
                      for m in CHECK_ID.finditer(cell.source))
        if ids:
            number = ids.most_common(1)[0][0]
            name = next((n for n, k in known.items() if k == number), number)
            return student or stem, name, number
    return student or stem, "", ""


def _prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The submission without its app cell (not graded, and the slowest cell to draw)."""
    nb.cells = [c for c in nb.cells if "app" not in c.get("metadata", {}).get("tags", [])]
    return nb


def _execute(nb: nbformat.NotebookNode, log: Path, workdir: Path, timeout: int, kernel: str) -> str:
    """Run the notebook in a fresh kernel; '' or a note on why the run stopped early."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=True, interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(workdir)}})
    # the kernel imports this checkout's full kit (its graders), whatever else is installed
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env = {**os.environ, exercises.GRADE_LOG_ENV: str(log), "PYTHONPATH": path}
    try:
        client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log lines, not the cells' output
    except DeadKernelError:
        return "the kernel died (the code crashed Python or ran out of memory): later cells did not run"
    except Exception as error:  # noqa: BLE001 - a grading run must go on to the next submission
        return f"the run stopped: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return ""


def _verdicts(log: Path) -> dict[str, str]:
    """The last status logged per exercise id."""
    last: dict[str, str] = {}
    if log.exists():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                last[str(entry["id"])] = str(entry["status"])
            except (ValueError, KeyError, TypeError):
                continue
    return last


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    """One note per cell that ended in an error."""
    notes = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                notes.append(f"cell {index + 1} raised {output.get('ename', 'an error')}")
    return notes


def grade(path: Path, folder: Path, timeout: int = 300, kernel: str = "python3",
          feedback: Path | None = None) -> Grade:
    """Grade one submitted notebook (never raises for a bad submission)."""
    nb = None
    read_error = ""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - corrupt JSON, wrong format, unreadable file
        read_error = f"could not read the notebook ({type(error).__name__}): is it a saved .ipynb file?"
    student, name, number = identify(path, folder, nb)
    row = Grade(student, str(path.relative_to(folder)), name)
    if nb is None:
        row.marks = dict.fromkeys((e.id for e in exercises.all_exercises(number)), 0) if number else {}
        row.notes.append(read_error)
        return row
    if not number:
        row.notes.append("cannot tell which notebook this is: name it <student>_<NN_name>.ipynb")
        return row
    ids = [e.id for e in exercises.all_exercises(number)]
    if any(SUSPICIOUS.search(c.source) for c in nb.cells if c.cell_type == "code"):
        row.notes.append("warning: the code redefines check or touches the grade log; read it")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pqfl-grade-") as workdir:
        log = Path(workdir) / "grade-log.jsonl"
        stopped = _execute(_prepare(nb), log, Path(workdir), timeout, kernel)
        verdicts = _verdicts(log)
    row.seconds = round(time.perf_counter() - start, 1)
    for exercise_id in ids:
        status = verdicts.get(exercise_id, "missing")
        row.marks[exercise_id] = int(status == exercises.RIGHT)
        if status != exercises.RIGHT:
            row.notes.append(f"{exercise_id} {status}")
    row.notes += _errors(nb) + ([stopped] if stopped else [])
    if feedback is not None:
        target = feedback / row.file
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    return row


def _id_key(exercise_id: str) -> tuple[str, int]:
    number, index = exercise_id.split(".")
    return number, int(index)


def write_csv(rows: list[Grade], out: Path) -> None:
    """One row per submission; one column per exercise id that any graded notebook has."""
    columns = sorted({i for row in rows for i in row.marks}, key=_id_key)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "file", "notebook", *columns, "score", "max", "seconds", "notes"])
        for row in rows:
            writer.writerow([row.student, row.file, row.notebook, *(row.marks.get(c, "") for c in columns),
                             row.score, len(row.marks), row.seconds, "; ".join(row.notes)])


def submissions(folder: Path) -> list[Path]:
    """Every submitted notebook under ``folder`` (checkpoints and hidden folders left out)."""
    return sorted(p for p in folder.rglob("*.ipynb")
                  if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="CSV to write (default grades.csv)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell before it is interrupted")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel to run the notebooks in")
    parser.add_argument("--feedback", type=Path, help="also write each executed notebook here (for the student)")
    args = parser.parse_args(argv)
    if exercises.ASSESSED:
        print("This is a student release: grade with the teacher's full kit (its graders are not here).",
              file=sys.stderr)
        return 2
    if not args.submissions.is_dir():
        print(f"{args.submissions} is not a folder of submitted notebooks", file=sys.stderr)
        return 2
    paths = submissions(args.submissions)
    rows = []
    for path in paths:
        row = grade(path, args.submissions, args.timeout, args.kernel, args.feedback)
        print(f"{row.file}: {row.score}/{len(row.marks)} ({row.seconds} s){' - ' if row.notes else ''}"
              f"{'; '.join(row.notes)}")
        rows.append(row)
    write_csv(rows, args.out)
    print(f"{len(rows)} submission(s) graded: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
