"""Exercises: a stub the learner fills, a friendly check, solutions kept apart.

Pattern (after Neuromatch Academy and the qiskit-textbook widgets):

* In a notebook, an exercise cell defines a stub that ends in ``raise NotImplementedError``
  and calls ``check("01.2", my_function)`` (or passes a value). The check never raises: it
  shows "not done yet", "not quite" with a hint, or "correct".
* In an app, ``quiz_widget("01.1")`` shows the same question for value answers, with a
  Check button and the same messages.
* Reference solutions live in the package (``pqfl_kit/exercises/nbXX.py``), out of the
  learner's way; ``reveal("01.2")`` prints one on request. Unit tests prove every solution
  passes its own check and every stub is reported as not done.

Each notebook's exercises are registered in a module ``pqfl_kit.exercises.nbXX`` where XX is
the notebook number; it is imported lazily the first time one of its ids is asked for.
"""
from __future__ import annotations

import html
import importlib
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Exercise", "CheckResult", "register", "get", "check", "reveal", "quiz_widget", "all_exercises",
           "whole_number"]

NOT_DONE, WRONG, RIGHT = "not-done", "wrong", "right"


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    ``grade(answer)`` returns ``(ok, feedback)``; it may raise anything, ``check`` turns that
    into a message. ``kind`` is "function" (the learner writes a function) or "value" (the
    learner gives a number, word or list; such exercises can also appear in the app).
    """

    id: str
    title: str
    question: str
    grade: Callable[[Any], tuple[bool, str]]
    solution: Any
    hint: str = ""
    kind: str = "function"
    parse: Callable[[str], Any] | None = field(default=None, repr=False)  # app text -> answer


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` returns: shown as a coloured box in Jupyter, plain text elsewhere."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == RIGHT

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        icon = {RIGHT: "Correct", WRONG: "Not quite", NOT_DONE: "Not done yet"}[self.status]
        return f"[Exercise {self.exercise_id}] {icon}: {self.message}"

    def _repr_html_(self) -> str:
        colour = {RIGHT: "#1b7f3b", WRONG: "#b3261e", NOT_DONE: "#8a6d00"}[self.status]
        return (
            f'<div class="pqfl-check pqfl-check-{self.status}" style="border-left:4px solid {colour};'
            f'padding:4px 10px;margin:4px 0;color:{colour}">{html.escape(repr(self))}</div>'
        )


_REGISTRY: dict[str, Exercise] = {}


def whole_number(answer) -> int:
    """An answer that must be a whole number (``3``, ``3.0`` or ``"3"``); ValueError otherwise.

    Graders use it instead of ``int(answer)``, which would silently accept 3.9 as 3.
    """
    if isinstance(answer, bool):
        raise ValueError(f"{answer!r} is not a number")
    if isinstance(answer, str):
        answer = answer.strip()
        try:
            return int(answer)
        except ValueError:
            answer = float(answer)  # "3.0" is fine, "3.9" is caught below; junk raises ValueError
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    if isinstance(answer, int) or (hasattr(answer, "__index__") and not isinstance(answer, float)):
        return int(answer)
    raise ValueError(f"{answer!r} is not a whole number")


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (called by the nbXX modules at import)."""
    _REGISTRY[exercise.id] = exercise
    return exercise


def _module_for(exercise_id: str) -> str:
    notebook = exercise_id.split(".", 1)[0]
    return f"{__name__}.nb{notebook}"


def get(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``"01.2"`` (notebook 01, exercise 2)."""
    if exercise_id not in _REGISTRY:
        try:
            importlib.import_module(_module_for(exercise_id))
        except ModuleNotFoundError:
            pass
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        raise KeyError(f"No exercise {exercise_id!r}: ids look like '01.2' (notebook.number).") from None


def all_exercises(notebook: str) -> list[Exercise]:
    """Every exercise of one notebook ("01"), in order."""
    importlib.import_module(_module_for(notebook + ".0"))
    return sorted((e for e in _REGISTRY.values() if e.id.startswith(notebook + ".")),
                  key=lambda e: int(e.id.split(".")[1]))


def _is_unanswered(answer: Any) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Grade ``answer`` and say so kindly. Never raises for anything the learner wrote."""
    exercise = get(exercise_id)
    if _is_unanswered(answer):
        return CheckResult(exercise_id, NOT_DONE, f"fill in the answer. Hint: {exercise.hint}")
    try:
        ok, feedback = exercise.grade(answer)
    except NotImplementedError:
        return CheckResult(exercise_id, NOT_DONE,
                           f"replace the `raise NotImplementedError` with your code. Hint: {exercise.hint}")
    except Exception as error:  # noqa: BLE001 - the learner's code failed: say how, no traceback
        if exercise.kind == "value":
            return CheckResult(exercise_id, WRONG, f"{error}. Hint: {exercise.hint}")
        return CheckResult(exercise_id, WRONG,
                           f"your code raised {type(error).__name__}: {error}. Hint: {exercise.hint}")
    if ok:
        return CheckResult(exercise_id, RIGHT, feedback or "well done!")
    hint = f" Hint: {exercise.hint}" if exercise.hint else ""
    return CheckResult(exercise_id, WRONG, f"{feedback}{hint}")


def solution_text(exercise_id: str) -> str:
    """The reference solution as text (source code for function exercises)."""
    solution = get(exercise_id).solution
    if callable(solution):
        return textwrap.dedent(inspect.getsource(solution))
    return repr(solution)


def reveal(exercise_id: str):
    """Show the reference solution (try first!) as a Markdown code block."""
    from IPython.display import Markdown

    return Markdown(f"**Solution {exercise_id}**\n\n```python\n{solution_text(exercise_id)}\n```")


def quiz_widget(exercise_id: str):
    """An ipywidgets box for a value exercise: question, text box, Check button, feedback.

    CSS classes for tests: ``pqfl-quiz-<id with - for .>`` on the box, ``pqfl-quiz-input``,
    ``pqfl-quiz-check`` and ``pqfl-quiz-feedback`` inside.
    """
    import ipywidgets as widgets

    exercise = get(exercise_id)
    if exercise.kind != "value":
        raise ValueError(f"Exercise {exercise_id} asks for code; only value exercises have a quiz widget.")
    question = widgets.HTML(f"<b>Exercise {exercise.id}: {html.escape(exercise.title)}</b><br>"
                            f"{html.escape(exercise.question)}")
    answer = widgets.Text(placeholder="your answer", layout=widgets.Layout(width="240px"))
    button = widgets.Button(description="Check", button_style="info")
    feedback = widgets.HTML()
    answer.add_class("pqfl-quiz-input")
    button.add_class("pqfl-quiz-check")
    feedback.add_class("pqfl-quiz-feedback")

    def on_check(_=None):
        text = answer.value
        try:
            value = exercise.parse(text) if (exercise.parse and text.strip()) else text
        except (ValueError, TypeError, SyntaxError):
            feedback.value = CheckResult(exercise.id, WRONG,
                                         f"could not read {text!r} as an answer. Hint: {exercise.hint}")._repr_html_()
            return
        feedback.value = check(exercise.id, value)._repr_html_()

    button.on_click(on_check)
    box = widgets.VBox([question, widgets.HBox([answer, button]), feedback])
    box.add_class("pqfl-quiz-" + exercise.id.replace(".", "-"))
    return box
