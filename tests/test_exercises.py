"""Every exercise of every notebook: the solution passes, a stub reads "not done", nonsense is "wrong".

Typical wrong answers, one list per exercise, are in test_exercise_wrong_answers.py.
"""
from __future__ import annotations

import pkgutil

import pytest

import pqfl_kit.exercises as ex

NOTEBOOK_MODULES = sorted(m.name for m in pkgutil.iter_modules(ex.__path__) if m.name.startswith("nb"))
EXERCISES = [e for name in NOTEBOOK_MODULES for e in ex.all_exercises(name[2:])]


def _stub(*args, **kwargs):
    ...  # your code here
    raise NotImplementedError


def test_every_notebook_module_has_two_or_more_exercises():
    assert NOTEBOOK_MODULES, "no exercise modules found"
    for name in NOTEBOOK_MODULES:
        assert len(ex.all_exercises(name[2:])) >= 2, f"{name} has fewer than 2 exercises"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_solution_passes(exercise):
    result = ex.check(exercise.id, exercise.solution)
    assert result.passed, repr(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_unanswered_reads_not_done(exercise):
    answer = _stub if exercise.kind == "function" else ...
    result = ex.check(exercise.id, answer)
    assert result.status == ex.NOT_DONE and not result.passed, repr(result)
    assert "Traceback" not in repr(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_nonsense_reads_wrong_without_raising(exercise):
    answer = (lambda *a, **k: object()) if exercise.kind == "function" else -987654
    result = ex.check(exercise.id, answer)
    assert result.status == ex.WRONG, repr(result)


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.kind == "value"], ids=lambda e: e.id)
def test_quiz_widget_grades_typed_answers(exercise):
    box = ex.quiz_widget(exercise.id)
    text = box.children[1].children[0]
    button = box.children[1].children[1]
    feedback = box.children[2]
    text.value = "certainly not an answer ###"
    button.click()
    assert "pqfl-check-wrong" in feedback.value
    text.value = str(exercise.solution)
    button.click()
    assert "pqfl-check-right" in feedback.value, feedback.value


def test_reveal_shows_solution_source():
    function_exercise = next(e for e in EXERCISES if e.kind == "function")
    assert "def " in ex.solution_text(function_exercise.id)
    assert function_exercise.id in ex.reveal(function_exercise.id).data


def test_unknown_exercise_id_is_a_friendly_message_not_an_error():
    for bad_id in ("99.9", None, 7, "01-2"):
        result = ex.check(bad_id, 1)
        assert result.status == ex.UNKNOWN and not result.passed and "Copy the id" in result.message
    with pytest.raises(KeyError, match="ids look like"):
        ex.get("99.9")


@pytest.mark.parametrize("text, value", [("3", 3), (" 3 ", 3), ("3.0", 3), (3.0, 3), (7, 7)])
def test_whole_number_accepts_integers(text, value):
    assert ex.whole_number(text) == value


@pytest.mark.parametrize("bad", ["3.9", 3.9, "three", True, "", None])
def test_whole_number_rejects_fractions_and_junk(bad):
    with pytest.raises((ValueError, TypeError)):
        ex.whole_number(bad)


def test_value_graders_reject_near_misses():
    result = ex.check("01.1", 3.9)  # int() would have truncated this to the right answer
    assert result.status == ex.WRONG and "not a whole number" in result.message


def test_think_about_it_prompts_have_answers_behind_reveal():
    thought = ex.register_thought("99.T1", "Why?", "Because the tag covers the header.")
    try:
        assert ex.thoughts("99") == [thought]
        shown = ex.reveal("99.T1").data
        assert "Why?" in shown and "Because the tag covers the header." in shown
        result = ex.check("99.T1", "anything")
        assert result.status == ex.UNKNOWN and 'reveal("99.T1")' in result.message
    finally:
        ex._THOUGHTS.pop("99.T1")
    with pytest.raises(ValueError, match="04.T1"):
        ex.register_thought("99.1", "a", "b")


def test_every_think_about_it_prompt_is_registered_in_its_notebook():
    """A notebook that says ``reveal("NN.Tk")`` must have that prompt registered (and vice versa)."""
    import json
    import re
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]*_*.ipynb")):
        number = path.name.split("_")[0]
        text = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
        named = set(re.findall(r'reveal\(\\?"(\d\d[a-z]?\.T\d+)\\?"\)', text))
        registered = {t.id for t in ex.thoughts(number)}
        assert named == registered, (path.name, named ^ registered)
