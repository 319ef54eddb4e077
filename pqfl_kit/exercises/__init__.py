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

Graders never compare the learner's object with ``==`` (its ``__eq__`` could say yes to anything):
they first turn it into a plain number, bool, str, bytes or finite numpy array with the ``as_*``
coercers, which raise ``Rejected`` (shown as "not quite" with the reason) for NaN, infinity, a
missing ``return`` or a wrong type or shape. Tolerances for simulated quantities are three
standard errors. ``check`` with an unknown or malformed id returns a friendly "unknown exercise".

Each notebook's exercises are registered in a module ``pqfl_kit.exercises.nbXX`` where XX is
the notebook number; it is imported lazily the first time one of its ids is asked for.

Classroom mode (``docs/teaching.md``): ``tools/make_student_release.py`` writes a copy of the kit whose
nbXX modules register only questions and hints (``register_assessed``) and adds a module ``_release``
with ``ASSESSED = True``. There ``check`` says "Not done yet" for a stub and "Recorded" for any answer,
without grading, and ``reveal`` shows no solutions. With ``PQFL_GRADE_LOG=<file>`` in the environment,
``check`` appends one JSON line ``{"id": ..., "status": ...}`` per call: ``tools/autograde.py`` runs the
submitted notebooks with the full kit and reads that log.
"""
from __future__ import annotations

import ast
import html
import importlib
import importlib.util
import inspect
import json
import math
import os
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..limits import is_whole, real
from ..palette import PALETTE_STYLE

__all__ = ["Exercise", "Thought", "CheckResult", "Rejected", "register", "register_thought", "get", "check", "reveal",
           "quiz_widget", "thoughts", "register_assessed", "ASSESSED", "GRADE_LOG_ENV",
           "all_exercises", "whole_number", "as_real", "as_whole", "as_bool", "as_choice", "as_bytes", "as_array",
           "as_layers", "close", "describe"]

NOT_DONE, WRONG, RIGHT, UNKNOWN = "not-done", "wrong", "right", "unknown"
#: an answer given in an assessed release: kept for the teacher's autograder, not graded here
RECORDED = "recorded"
#: True in a student release made by tools/make_student_release.py (it adds the module ``_release``)
ASSESSED: bool = importlib.util.find_spec(f"{__name__}._release") is not None
#: the environment variable naming the file where ``check`` logs each verdict (tools/autograde.py)
GRADE_LOG_ENV = "PQFL_GRADE_LOG"
#: an exercise id: the notebook's number (two digits, "00a" for the primer), a dot, the exercise number ("01.2")
EXERCISE_ID = re.compile(r"(\d\d[a-z]?)\.(\d+)")
#: a "Think about it" prompt's id: the notebook's number, ".T", the prompt's number ("04.T1")
THOUGHT_ID = re.compile(r"(\d\d[a-z]?)\.T(\d+)")


@dataclass(frozen=True)
class Exercise:
    """One exercise.

    ``grade(answer)`` returns ``(ok, feedback)``; it may raise anything, ``check`` turns that
    into a message (``Rejected``: an answer of the wrong kind, shown with its reason). ``kind``
    is "function" (the learner writes a function) or "value" (the learner gives a number, word
    or list; such exercises can also appear in the app).
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
class Thought:
    """A "Think about it" prompt with one good answer, shown by ``reveal("04.T1")`` (nothing to check)."""

    id: str
    prompt: str
    answer: str


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
        icon = {RIGHT: "Correct", WRONG: "Not quite", NOT_DONE: "Not done yet", UNKNOWN: "Unknown exercise",
                RECORDED: "Recorded"}
        return f"[Exercise {self.exercise_id}] {icon[self.status]}: {self.message}"

    def _repr_html_(self) -> str:
        # the apps' palette variables (both JupyterLab themes, WCAG AA), light-theme fallbacks
        colour = {RIGHT: "var(--pqfl-ok, #1b7f3b)", WRONG: "var(--pqfl-error, #b3261e)",
                  NOT_DONE: "var(--pqfl-warn, #8a5a00)", UNKNOWN: "var(--pqfl-muted, #4b535c)",
                  RECORDED: "var(--pqfl-info, #0b57d0)"}[self.status]
        return (
            f'{PALETTE_STYLE}<div class="pqfl-check pqfl-check-{self.status}" style="border-left:4px solid {colour};'
            f'padding:4px 10px;margin:4px 0;color:{colour}">{html.escape(repr(self))}</div>'
        )


class Rejected(ValueError):
    """An answer of the wrong kind (NaN, infinity, wrong type or shape, no ``return``).

    Graders raise it through the ``as_*`` coercers below; ``check`` shows its text as "not quite",
    never as "your code raised". Comparisons are made on the coerced plain value, never with ``==``
    on the learner's object (whose ``__eq__`` could answer True to anything).
    """


_REGISTRY: dict[str, Exercise] = {}
_THOUGHTS: dict[str, Thought] = {}


# ---- coercers: the learner's answer as a plain number, bool, str, bytes or numpy array ---------

def describe(value: Any) -> str:
    """A short repr of a learner's value that cannot fail."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a learner's object may break repr: describe it by its type
        text = f"a {type(value).__name__} object"
    return text if len(text) <= 60 else text[:57] + "..."


def _missing(value: Any, what: str) -> None:
    if value is None:
        raise Rejected(f"{what} None: did you forget to `return` the result?")


def _parse_number(text: str, what: str) -> float | int:
    cleaned = text.strip().replace(",", ".")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return float(cleaned)
    except ValueError:
        raise Rejected(f"{what} {text!r}, which is not a number") from None


def as_real(value: Any, what: str = "your answer is", *, text: bool = False) -> float:
    """``value`` as a finite ``float``; ``Rejected`` for None, NaN, infinity, bool, text or other objects.

    ``text=True`` reads a string such as ``"1.41"`` (value answers typed in a notebook or app).
    ``what`` starts the message, e.g. ``"f(37.0) returned"``.
    """
    _missing(value, what)
    if isinstance(value, str):
        if not text:
            raise Rejected(f"{what} the text {describe(value)}: return a number, not a string")
        value = _parse_number(value, what)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    value = _plain(value)
    try:
        return real("the answer", value)
    except TypeError:
        raise Rejected(f"{what} {describe(value)} ({type(value).__name__}), not a plain number") from None
    except ValueError:
        raise Rejected(f"{what} {describe(value)}: that is not a finite number (NaN or infinity)") from None


def _plain(value: Any) -> Any:
    """The number a subclass of int or float holds, whatever its ``__int__``/``__float__`` say."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and type(value) is not int:
        return int.__int__(value)
    if isinstance(value, float) and type(value) is not float:
        return float.__float__(value)
    return value


def as_whole(value: Any, what: str = "your answer is", *, text: bool = False) -> int:
    """``value`` as an ``int``: whole numbers (``3``, ``3.0``, numpy integers; ``"3"`` with ``text=True``)."""
    value = _plain(value)
    if is_whole(value):
        return int(value)
    number = as_real(value, what, text=text)
    if not number.is_integer():
        raise Rejected(f"{what} {describe(value)}, which is not a whole number")
    return int(number)


def whole_number(answer: Any) -> int:
    """An answer that must be a whole number (``3``, ``3.0`` or ``"3"``); ValueError otherwise.

    Graders use it instead of ``int(answer)``, which would silently accept 3.9 as 3.
    """
    return as_whole(answer, "the answer is", text=True)


def as_bool(value: Any, what: str) -> bool:
    """``value`` as a ``bool``: only ``True``/``False`` (numpy's too), not 1, "yes" or other objects."""
    _missing(value, what)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise Rejected(f"{what} {describe(value)}: return True or False")


def as_choice(value: Any, what: str, choices: Sequence[str]) -> str:
    """``value`` as a plain ``str`` that is one of ``choices`` (spelled exactly)."""
    _missing(value, what)
    listed = " or ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise Rejected(f"{what} {describe(value)}: return one of the strings {listed}")
    word = str.__str__(value)  # a plain str, whatever the subclass overrides
    if word in choices:
        return word
    near = [c for c in choices if c.lower() == word.strip().lower()]
    if near:
        raise Rejected(f"{what} {word!r}: spell it exactly {near[0]!r}")
    raise Rejected(f"{what} {word!r}, which is none of {listed}")


def as_bytes(value: Any, what: str) -> bytes:
    """``value`` as ``bytes`` (from bytes, bytearray or memoryview; not from text or numbers)."""
    _missing(value, what)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        raise Rejected(f"{what} the text {describe(value)}: return bytes, e.g. bytes(list_of_ints), not str")
    raise Rejected(f"{what} {describe(value)} ({type(value).__name__}): return bytes")


def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as a finite float numpy array, of ``shape`` when one is given."""
    _missing(value, what)
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Rejected(f"{what} {describe(value)}, which is not an array of numbers") from None
    if shape is not None and array.shape != tuple(shape):
        raise Rejected(f"{what} an array of shape {array.shape}, expected shape {tuple(shape)}")
    if not np.isfinite(array).all():
        raise Rejected(f"{what} an array with NaN or infinite entries")
    return array


def as_layers(value: Any, what: str, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """``value`` as a list of finite float arrays, one per layer, of the given shapes."""
    _missing(value, what)
    if not isinstance(value, (list, tuple)):
        raise Rejected(f"{what} {describe(value)}: return a list with one numpy array per layer")
    if len(value) != len(shapes):
        raise Rejected(f"{what} {len(value)} layer(s): return one array per layer ({len(shapes)})")
    return [as_array(layer, f"{what}, for layer {i},", shape) for i, (layer, shape) in enumerate(zip(value, shapes))]


def close(got: float, want: float, tol: float = 1e-9) -> bool:
    """Whether two plain numbers agree to ``tol`` (absolute or relative)."""
    return math.isclose(got, want, rel_tol=tol, abs_tol=tol)


# ---- registry and lookup -------------------------------------------------------------------------

def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (called by the nbXX modules at import)."""
    _REGISTRY[exercise.id] = exercise
    return exercise


def _graded_by_the_teacher(answer: Any) -> tuple[bool, str]:
    """The grader of an exercise in an assessed release: there is none (``check`` never calls it)."""
    raise RuntimeError("this assessed release holds no grader: your teacher grades the notebook")


def register_assessed(exercise_id: str, title: str, question: str, hint: str = "", kind: str = "function",
                      parse: Callable[[str], Any] | None = None) -> Exercise:
    """Register an exercise of an assessed release: question and hint only, no grader, no solution.

    The nbXX modules of a student release (written by ``tools/make_student_release.py``) call it.
    """
    return register(Exercise(id=exercise_id, title=title, question=question, grade=_graded_by_the_teacher,
                             solution=None, hint=hint, kind=kind, parse=parse))


def register_thought(thought_id: str, prompt: str, answer: str) -> Thought:
    """Add a "Think about it" prompt and its answer (called by the nbXX modules at import)."""
    if THOUGHT_ID.fullmatch(thought_id) is None:
        raise ValueError(f"a Think-about-it id looks like '04.T1', not {thought_id!r}")
    thought = _THOUGHTS[thought_id] = Thought(thought_id, prompt, answer)
    return thought


def thoughts(notebook: str) -> list[Thought]:
    """Every "Think about it" prompt of one notebook ("04"), in order."""
    _load_notebook(notebook)
    return sorted((t for t in _THOUGHTS.values() if t.id.startswith(notebook + ".")),
                  key=lambda t: int(t.id.split(".T")[1]))


def _lookup_thought(thought_id: Any) -> Thought | None:
    """The registered Think-about-it prompt, or None."""
    if not isinstance(thought_id, str) or (match := THOUGHT_ID.fullmatch(thought_id)) is None:
        return None
    if thought_id not in _THOUGHTS:
        _load_notebook(match.group(1))
    return _THOUGHTS.get(thought_id)


def _load_notebook(notebook: str) -> None:
    """Import ``nbXX`` (XX = notebook) once; a notebook without exercises has no module."""
    module = f"{__name__}.nb{notebook}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:  # the module exists but one of its imports is missing
            raise


def _lookup(exercise_id: Any) -> Exercise | None:
    """The registered exercise, or None for an unknown or malformed id."""
    if not isinstance(exercise_id, str):
        return None
    match = EXERCISE_ID.fullmatch(exercise_id)
    if match is None:
        return None
    if exercise_id not in _REGISTRY:
        _load_notebook(match.group(1))
    return _REGISTRY.get(exercise_id)


def _unknown_message(exercise_id: Any) -> str:
    """What to say about an id that names no exercise."""
    advice = "Copy the id from the exercise's cell, e.g. check(\"01.2\", answer)."
    if not isinstance(exercise_id, str):
        return f"the exercise id must be text in quotes; got {describe(exercise_id)}. {advice}"
    match = EXERCISE_ID.fullmatch(exercise_id)
    if match is None:
        return f"{exercise_id!r} is not an exercise id: ids look like \"01.2\" (notebook 01, exercise 2). {advice}"
    known = [e.id for e in all_exercises(match.group(1))]
    where = (f"notebook {match.group(1)} has {', '.join(known)}" if known
             else f"notebook {match.group(1)} has no exercises")
    return f"there is no exercise {exercise_id}: {where}. {advice}"


def get(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``"01.2"`` (notebook 01, exercise 2); KeyError if there is none."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        raise KeyError(f"No exercise {exercise_id!r}: ids look like '01.2' (notebook.number).")
    return exercise


def all_exercises(notebook: str) -> list[Exercise]:
    """Every exercise of one notebook ("01"), in order."""
    _load_notebook(notebook)
    return sorted((e for e in _REGISTRY.values() if e.id.startswith(notebook + ".")),
                  key=lambda e: int(e.id.split(".")[1]))


# ---- check ----------------------------------------------------------------------------------------

def _is_unanswered(answer: Any) -> bool:
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def _still_a_stub(function: Any) -> bool:
    """Whether a learner's function still holds the stub's ``raise NotImplementedError`` (assessed mode)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False  # no source to read (a lambda in a string, a built-in): count it as an answer
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(raised, ast.Name) and raised.id == "NotImplementedError":
                return True
    return False


#: what ``check`` says while a function exercise still holds its stub
_STUB_LEFT = "replace the `raise NotImplementedError` with your code."


def _assessed_verdict(exercise: Exercise, answer: Any, hint: str) -> CheckResult:
    """``check`` in an assessed release: "not done" for a stub, "recorded" for anything else; no grading."""
    if exercise.kind == "function" and _still_a_stub(answer):
        return CheckResult(exercise.id, NOT_DONE, f"{_STUB_LEFT}{hint}")
    return CheckResult(exercise.id, RECORDED, "your answer is in the notebook. This is an assessed release: "
                                              "your teacher grades it, so there is no feedback here. "
                                              "Save the notebook before you hand it in.")


def _log_verdict(result: CheckResult) -> None:
    """Append the verdict to the file named by ``PQFL_GRADE_LOG`` (the autograder's record); never raises."""
    path = os.environ.get(GRADE_LOG_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"id": result.exercise_id, "status": result.status}) + "\n")
    except OSError:
        pass  # the learner's feedback matters more than the log: the autograder reports the id as missing


def check(exercise_id: str, answer: Any) -> CheckResult:
    """Grade ``answer`` and say so kindly. Never raises, whatever the id or the answer.

    In an assessed release (``ASSESSED``) it does not grade: "Not done yet" or "Recorded". With
    ``PQFL_GRADE_LOG`` set, each verdict is also appended to that file (``tools/autograde.py``).
    """
    result = _verdict(exercise_id, answer)
    _log_verdict(result)
    return result


def _verdict(exercise_id: Any, answer: Any) -> CheckResult:
    """What ``check`` says about ``answer`` (grading it unless this is an assessed release)."""
    exercise = _lookup(exercise_id)
    if exercise is None:
        label = exercise_id if isinstance(exercise_id, str) else describe(exercise_id)
        if _lookup_thought(exercise_id) is not None:
            then = "" if ASSESSED else f", then reveal(\"{label}\") shows one answer"
            return CheckResult(label, UNKNOWN, f"{label} is a Think-about-it prompt: there is nothing to check. "
                                               f"Discuss it{then}.")
        return CheckResult(label, UNKNOWN, _unknown_message(exercise_id))
    hint = f" Hint: {exercise.hint}" if exercise.hint else ""
    if _is_unanswered(answer):
        return CheckResult(exercise.id, NOT_DONE, f"fill in the answer.{hint}")
    if exercise.kind == "function" and not callable(answer):
        usage = f"check(\"{exercise.id}\", my_function)"
        return CheckResult(exercise.id, WRONG, f"pass your function itself, e.g. {usage}, not {describe(answer)}: "
                                               f"no brackets after its name.{hint}")
    if ASSESSED:
        return _assessed_verdict(exercise, answer, hint)
    try:
        ok, feedback = exercise.grade(answer)
    except NotImplementedError:
        return CheckResult(exercise.id, NOT_DONE, f"{_STUB_LEFT}{hint}")
    except Rejected as rejection:
        return CheckResult(exercise.id, WRONG, f"{_sentence(str(rejection))}{hint}")
    except (Exception, SystemExit) as error:  # noqa: BLE001 - the learner's code failed: say how, no traceback
        text = _sentence(_error_text(error))
        if exercise.kind == "value":
            return CheckResult(exercise.id, WRONG, f"{text}{hint}")
        return CheckResult(exercise.id, WRONG, f"your code raised {type(error).__name__}: {text}{hint}")
    if ok:
        return CheckResult(exercise.id, RIGHT, feedback or "well done!")
    return CheckResult(exercise.id, WRONG, f"{_sentence(feedback)}{hint}")


def _error_text(error: BaseException) -> str:
    """``str(error)`` cut to 300 characters, or a plain description if the learner's exception cannot say it."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a learner's exception class may break __str__
        return f"a {type(error).__name__} that cannot describe itself"
    return text if len(text) <= 300 else text[:297] + "..."


def _sentence(text: str) -> str:
    """``text`` ending in a full stop (or ?, !), so a following hint reads as its own sentence."""
    text = text.rstrip()
    if not text:
        return text
    return text if text.endswith((".", "?", "!")) else text + "."


def solution_text(exercise_id: str) -> str:
    """The reference solution as text (source code for function exercises)."""
    solution = get(exercise_id).solution
    if callable(solution):
        return textwrap.dedent(inspect.getsource(solution))
    return repr(solution)


def reveal(exercise_id: str):
    """Show the reference solution (try first!) as a Markdown code block; a note for an unknown id.

    For a "Think about it" id ("04.T1") it shows the prompt and one good answer.
    """
    from IPython.display import Markdown

    thought = _lookup_thought(exercise_id)
    if thought is not None:
        if ASSESSED or not thought.answer:
            return Markdown(f"**Think about it {thought.id}**: *{thought.prompt}*\n\nThis is an assessed release: "
                            "the answers are kept for the class discussion. Note your own answer in the notebook.")
        return Markdown(f"**Think about it {thought.id}**: *{thought.prompt}*\n\n{thought.answer}")
    if _lookup(exercise_id) is None:
        return Markdown(f"**No solution to show**: {_unknown_message(exercise_id)}")
    if ASSESSED:
        return Markdown(f"**No solution to show for {exercise_id}**: solutions are not available in this assessed "
                        "release. Your teacher grades your notebook and shares the solutions afterwards.")
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
