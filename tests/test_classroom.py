"""The assessed classroom mode: check/reveal in a student release, the release itself, the autograder."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import autograde  # noqa: E402
import exercise_table  # noqa: E402
import make_student_release as release  # noqa: E402
import make_teacher_version as teacher  # noqa: E402

from pqfl_kit import exercises as ex  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
NUMBERS = [p.stem.split("_")[0] for p in NOTEBOOKS]


def stub_fahrenheit(celsius):
    ...  # your code here
    raise NotImplementedError


def wrong_fahrenheit(celsius):
    return celsius * 9 / 5


# ---- assessed mode, without building a release -------------------------------------------------

@pytest.fixture
def assessed(monkeypatch):
    monkeypatch.setattr(ex, "ASSESSED", True)


def test_the_kit_itself_is_not_an_assessed_release():
    assert ex.ASSESSED is False
    assert not (ROOT / "pqfl_kit" / "exercises" / "_release.py").exists()


def test_assessed_check_records_answers_without_grading(assessed):
    right = ex.check("00.1", 128)
    assert right.status == ex.RECORDED and not right.passed and "Correct" not in repr(right)
    assert "Recorded" in repr(right) and "pqfl-info" in right._repr_html_()
    assert ex.check("00.1", 64).status == ex.RECORDED  # a wrong answer gets the same word: no feedback
    assert ex.check("00.1", ...).status == ex.NOT_DONE
    assert ex.check("00.2", stub_fahrenheit).status == ex.NOT_DONE
    assert ex.check("00.2", wrong_fahrenheit).status == ex.RECORDED
    assert ex.check("00.2", 98.6).status == ex.WRONG  # a value where a function goes: usage help only
    assert ex.check("99.1", 1).status == ex.UNKNOWN


def test_assessed_reveal_shows_no_solution_and_no_thought_answer(assessed):
    text = ex.reveal("00.2").data
    assert "not available" in text and "9 / 5" not in text and "def " not in text
    thought = next((t for n in NUMBERS for t in ex.thoughts(n)), None)
    if thought is None:
        pytest.skip("no Think-about-it prompt is registered yet")
    shown = ex.reveal(thought.id).data
    assert thought.prompt in shown and thought.answer not in shown


def test_check_appends_each_verdict_to_the_grade_log(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv(ex.GRADE_LOG_ENV, str(log))
    ex.check("00.1", 64)
    ex.check("00.1", 128)
    ex.check("00.2", stub_fahrenheit)
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries == [{"id": "00.1", "status": "wrong"}, {"id": "00.1", "status": "right"},
                       {"id": "00.2", "status": "not-done"}]
    monkeypatch.setenv(ex.GRADE_LOG_ENV, str(tmp_path))  # a folder: cannot be written, check still answers
    assert ex.check("00.1", 128).passed


# ---- the student release -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def student(tmp_path_factory):
    return release.make(tmp_path_factory.mktemp("release") / "student")


@pytest.mark.slow
def test_release_ships_the_lessons_but_not_the_teacher_files(student):
    assert sorted(p.name for p in (student / "notebooks").glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for shipped in ("pyproject.toml", "requirements.txt", "binder/postBuild", "etc/jupyter/voila.py",
                    "tools/build_liboqs.sh", "pqfl_kit/exercises/_release.py", "README.md"):
        assert (student / shipped).is_file(), shipped
    for kept_back in ("tests", "benchmarks", "docs", "build", "tools/make_teacher_version.py",
                      "tools/autograde.py", "tools/make_student_release.py"):
        assert not (student / kept_back).exists(), kept_back
    assert not list(student.rglob("*.pyc")) and not list(student.rglob("__pycache__"))
    assert "assessed" in (student / "README.md").read_text()


@pytest.mark.slow
def test_release_holds_no_solution_or_grader(student):
    assert release.verify(student, NUMBERS) == []
    texts = [p.read_text(errors="replace") for p in student.rglob("*") if p.suffix in (".py", ".ipynb", ".md")]
    for number in NUMBERS:
        for exercise in ex.all_exercises(number):
            for name in (getattr(exercise.solution, "__name__", None), getattr(exercise.grade, "__name__", None)):
                if name and name != "<lambda>":
                    assert not any(f"{name}(" in text for text in texts), f"{exercise.id}: {name} shipped"
    for path in (student / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and release.FEEDBACK_CELL.search(cell.source):
                assert cell.outputs == [], f"{path.name}: a check cell keeps its saved feedback"


_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pqfl_kit import exercises as ex
assert ex.__file__.startswith(sys.argv[1]), ex.__file__
answers = json.loads(sys.argv[2])
report = {"assessed": ex.ASSESSED, "ids": {}, "verdicts": {}, "reveals": []}
for number in json.loads(sys.argv[3]):
    for e in ex.all_exercises(number):
        report["ids"][e.id] = [e.title, e.question, e.hint, e.kind, e.solution is None]
        answer = answers.get(e.id, lambda *args: 0)
        report["verdicts"][e.id] = repr(ex.check(e.id, answer))
        report["reveals"].append(ex.reveal(e.id).data)
print(json.dumps(report))
"""


@pytest.mark.slow
def test_release_registers_the_same_questions_and_grades_nothing(student):
    answers = {e.id: e.solution for n in NUMBERS for e in ex.all_exercises(n)
               if e.kind == "value" and isinstance(e.solution, (int, float, str, list, tuple))}
    out = subprocess.run([sys.executable, "-c", _PROBE, str(student), json.dumps(answers), json.dumps(NUMBERS)],
                         capture_output=True, text=True, check=True, cwd=student)
    report = json.loads(out.stdout)
    assert report["assessed"] is True
    full = {e.id: [e.title, e.question, e.hint, e.kind, True] for n in NUMBERS for e in ex.all_exercises(n)}
    assert report["ids"] == full
    assert all("Correct" not in verdict and "Recorded" in verdict for verdict in report["verdicts"].values())
    assert all("not available" in text for text in report["reveals"])


def test_release_refuses_to_overwrite_the_kit():
    with pytest.raises(ValueError, match="refusing"):
        release.make(ROOT)


# ---- the exercise table in docs/teaching.md ------------------------------------------------------

def test_teaching_guide_table_is_current():
    guide = ROOT / "docs" / "teaching.md"
    text = guide.read_text(encoding="utf-8")
    assert exercise_table.embed(text, exercise_table.render()) == text, (
        "run: python tools/exercise_table.py --write docs/teaching.md")


def test_exercise_table_lists_every_registered_exercise_once():
    ids = [row[0].strip("`") for row in exercise_table.rows()]
    assert ids == [e.id for n in NUMBERS for e in ex.all_exercises(n)]
    assert len(ids) == len(set(ids))


# ---- the autograder --------------------------------------------------------------------------------

def test_submissions_are_identified_by_name_folder_or_exercise_ids(tmp_path):
    stem = NOTEBOOKS[0].stem
    number = NUMBERS[0]
    assert autograde.identify(tmp_path / f"alice_{stem}.ipynb", tmp_path, None) == ("alice", stem, number)
    assert autograde.identify(tmp_path / "bob" / f"{stem}.ipynb", tmp_path, None) == ("bob", stem, number)
    renamed = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f'check("{number}.1", ...)')])
    assert autograde.identify(tmp_path / "carol_lab.ipynb", tmp_path, renamed) == ("carol", stem, number)
    assert autograde.identify(tmp_path / "dave.ipynb", tmp_path, nbformat.v4.new_notebook())[1:] == ("", "")


def _solved(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = teacher.solve_cell(cell.source)
    return nb


@pytest.mark.kernel
@pytest.mark.slow
def test_autograder_scores_solved_unsolved_incomplete_and_corrupt_notebooks(tmp_path):
    start = ROOT / "notebooks" / "00_start_here.ipynb"
    subs = tmp_path / "handed_in"
    (subs / "bob").mkdir(parents=True)
    nbformat.write(_solved(start), subs / "alice_00_start_here.ipynb")
    (subs / "bob" / "00_start_here.ipynb").write_bytes(start.read_bytes())  # the stubs, untouched
    partial = _solved(start)
    partial.cells = [c for c in partial.cells if 'check("00.2"' not in c.source]  # 00.2 never checked
    nbformat.write(partial, subs / "dave_00_start_here.ipynb")
    (subs / "erin_00_start_here.ipynb").write_text('{"cells": [')  # a corrupt file
    out = tmp_path / "grades.csv"
    assert autograde.main([str(subs), "--out", str(out), "--timeout", "120"]) == 0
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    assert set(rows) == {"alice", "bob", "dave", "erin"}
    assert (rows["alice"]["score"], rows["alice"]["max"], rows["alice"]["notes"]) == ("2", "2", "")
    assert rows["alice"]["00.1"] == rows["alice"]["00.2"] == "1"
    assert rows["bob"]["score"] == "0" and "00.1 not-done" in rows["bob"]["notes"]
    assert rows["dave"]["score"] == "1" and "00.2 missing" in rows["dave"]["notes"]
    assert rows["erin"]["score"] == "0" and rows["erin"]["max"] == "2" and "could not read" in rows["erin"]["notes"]


@pytest.mark.kernel
@pytest.mark.slow
def test_autograder_gives_full_marks_to_the_solved_primer(tmp_path):
    primer = next((p for p in NOTEBOOKS if p.stem.startswith("00a_")), None)
    if primer is None:
        pytest.skip("the quantum primer notebook is not there yet")
    subs = tmp_path / "handed_in"
    subs.mkdir()
    nbformat.write(_solved(primer), subs / f"alice_{primer.name}")
    (subs / f"bob_{primer.name}").write_bytes(primer.read_bytes())
    out = tmp_path / "grades.csv"
    assert autograde.main([str(subs), "--out", str(out), "--timeout", "120"]) == 0
    rows = {row["student"]: row for row in csv.DictReader(out.open())}
    total = str(len(ex.all_exercises("00a")))
    assert (rows["alice"]["score"], rows["alice"]["max"]) == (total, total), rows["alice"]["notes"]
    assert rows["bob"]["score"] == "0"
