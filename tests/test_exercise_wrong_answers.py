"""Every auto-checked exercise rejects typical wrong answers, each with a hint that names the slip.

Each notebook's table is ``tests/wrong_answers_nbXX.py``: ``WRONG_ANSWERS`` maps an exercise id to
(wrong answer, words the feedback must contain); ``RIGHT_ANSWERS`` lists right answers in other plain
types that must still pass. Typical wrong answers: an unweighted mean, a sign error, per-layer instead
of per-coordinate, off by one, NaN, infinity, the wrong type or shape, and objects whose ``__eq__`` says
yes to anything (``tests/fooling.py``; a grader that compares with ``==`` on the learner's object
passes them). A new exercise needs three entries.
"""
from __future__ import annotations

import importlib
import math
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from fooling import INF, NAN, EqualBytes, EqualStr
from wrong_answers_nb03 import chsh_sum_of_abs

import pqfl_kit.exercises as ex
from pqfl_kit.exercises import nb03, nb05

TABLES = [importlib.import_module(path.stem) for path in sorted(Path(__file__).parent.glob("wrong_answers_nb*.py"))]
WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {k: v for t in TABLES for k, v in t.WRONG_ANSWERS.items()}
RIGHT_ANSWERS: list[tuple[str, object]] = [case for t in TABLES for case in getattr(t, "RIGHT_ANSWERS", [])]
CASES = [(exercise_id, answer, words) for exercise_id, wrongs in WRONG_ANSWERS.items() for answer, words in wrongs]
NOTEBOOKS = sorted(m.name[2:] for m in pkgutil.iter_modules(ex.__path__) if m.name.startswith("nb"))
REGISTERED = sorted(e.id for nb in NOTEBOOKS for e in ex.all_exercises(nb))



def test_every_exercise_has_three_or_more_wrong_answers():
    assert set(WRONG_ANSWERS) == set(REGISTERED), "an exercise without wrong-answer cases, or a stale id"
    for exercise_id, wrongs in WRONG_ANSWERS.items():
        assert len(wrongs) >= 3, exercise_id


@pytest.mark.parametrize("exercise_id, answer, words", CASES,
                         ids=[f"{i}-{n}" for i, wrongs in WRONG_ANSWERS.items() for n in range(len(wrongs))])
def test_wrong_answer_is_rejected_with_a_specific_hint(exercise_id, answer, words):
    result = ex.check(exercise_id, answer)
    assert result.status == ex.WRONG and not result.passed, repr(result)
    assert words in result.message, repr(result)
    assert "Traceback" not in result.message and "raised" not in result.message, repr(result)


@pytest.mark.parametrize("exercise_id, answer", RIGHT_ANSWERS, ids=[i for i, _ in RIGHT_ANSWERS])
def test_right_answers_in_other_plain_types_still_pass(exercise_id, answer):
    result = ex.check(exercise_id, answer)
    assert result.passed, repr(result)


def test_chsh_runs_include_a_sign_flip():
    """03.3 is fooled by the sum of |E| unless some graded table has a term of the unexpected sign."""
    tables = [table for _, table in nb03.chsh_test_tables()]
    assert any(not math.isclose(chsh_sum_of_abs(t), nb03.solution_chsh_value(t)) for t in tables)


def test_median_layers_are_not_constant():
    """05.3 is fooled by a whole-layer median when every coordinate of a test layer is equal."""
    for client in nb05._median_clients():
        for layer in client:
            assert np.ptp(layer) > 0 or layer.flat[0] in (-500.0, 900.0)


def test_simulated_s_within_three_standard_errors_passes():
    """03.4 accepts an honest 5,000-pair run: its tolerance is 3 sigma of S at 5,000 pairs."""
    from pqfl_kit.qkd.e91 import run_e91

    sigma = nb03.eve_s_stderr()
    assert 0.05 < sigma < 0.15
    for seed in range(5):
        run = run_e91(5000, eve_fraction=1.0, seed=seed)
        assert ex.check("03.4", run.chsh).passed, (seed, run.chsh)
    assert not ex.check("03.4", math.sqrt(2) + 3.5 * sigma).passed
    assert "standard error" in ex.check("03.4", math.sqrt(2) + 3.5 * sigma).message


@pytest.mark.parametrize("bad_id", [None, 7, 1.2, "99.9", "01-2", "", "1.2", "01.99", b"01.2", "01.2 "])
def test_malformed_or_unknown_id_gives_a_friendly_box(bad_id):
    result = ex.check(bad_id, 1)
    assert result.status == ex.UNKNOWN and not result.passed
    assert repr(result).startswith("[Exercise") and "Unknown exercise" in repr(result)
    assert "pqfl-check-unknown" in result._repr_html_()
    assert "01.2" in result.message  # shows what an id looks like, or the notebook's ids
    assert "Copy the id" in result.message
    assert "No solution" in ex.reveal(bad_id).data


def test_unknown_id_lists_the_notebooks_exercises():
    assert "01.1, 01.2, 01.3, 01.4" in ex.check("01.9", 3).message
    assert "notebook 99 has no exercises" in ex.check("99.9", 3).message
    with pytest.raises(KeyError, match="ids look like"):
        ex.get(None)  # type: ignore[arg-type]


def test_function_exercise_given_a_value_says_pass_the_function():
    result = ex.check("00.2", 98.6)
    assert result.status == ex.WRONG and "pass your function itself" in result.message


@pytest.mark.parametrize("coerce, value", [
    (lambda v: ex.as_real(v, "x is"), NAN), (lambda v: ex.as_real(v, "x is"), True),
    (lambda v: ex.as_real(v, "x is"), "1.5"), (lambda v: ex.as_whole(v, "x is"), 2.5),
    (lambda v: ex.as_bool(v, "x is"), 1), (lambda v: ex.as_choice(v, "x is", ("A", "B")), EqualStr("C")),
    (lambda v: ex.as_bytes(v, "x is"), 5), (lambda v: ex.as_array(v, "x is", (2,)), [1.0, 2.0, 3.0]),
    (lambda v: ex.as_array(v, "x is"), [1.0, INF]), (lambda v: ex.as_layers(v, "x is", [(2,)]), np.zeros(2)),
])
def test_coercers_reject_with_rejected(coerce, value):
    with pytest.raises(ex.Rejected):
        coerce(value)


def test_coercers_return_plain_values():
    assert type(ex.as_real(np.float32(1.5))) is float and ex.as_real("2,5", text=True) == 2.5
    assert type(ex.as_whole(np.int64(3))) is int and ex.as_whole(3.0) == 3
    assert type(ex.as_choice(EqualStr("A"), "x is", ("A", "B"))) is str
    assert type(ex.as_bytes(EqualBytes(b"ab"), "x is")) is bytes
    assert ex.as_array([[1, 2]], "x is", (1, 2)).dtype == float


def test_subclasses_of_int_and_float_are_graded_by_the_number_they_hold():
    class Float(float):
        def __float__(self):
            return 0.64

    class Int(int):
        def __int__(self):
            return 3

    assert not ex.check("00a.1", Float(0.9)).passed
    assert not ex.check("01.1", Int(5)).passed
    assert ex.check("01.1", Int(3)).passed


def test_check_never_raises_even_for_exceptions_that_cannot_describe_themselves():
    class Mute(Exception):
        def __str__(self):
            raise RuntimeError("boom")

    def broken():
        raise Mute()

    def quits():
        raise SystemExit(1)

    for answer in (broken, quits):
        result = ex.check("00a.2", answer)
        assert result.status == ex.WRONG and "raised" in result.message


def test_feedback_and_hint_read_as_two_sentences():
    message = ex.check("01.1", 4).message
    assert ". Hint:" in message or "Hint" not in message
