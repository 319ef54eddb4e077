"""Every auto-checked exercise rejects typical wrong answers, each with a hint that names the slip.

``WRONG_ANSWERS`` lists, per exercise id, (wrong answer, words the feedback must contain). Typical
wrong answers: an unweighted mean, a sign error, per-layer instead of per-coordinate, off by one,
NaN, infinity, the wrong type or shape, and objects whose ``__eq__`` says yes to anything (a grader
that compares with ``==`` on the learner's object passes them). A new exercise needs three entries.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import pqfl_kit.exercises as ex
from pqfl_kit.exercises import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07
from pqfl_kit.qkd.postprocess import key_rate_bound

NAN, INF = float("nan"), float("inf")


class AlwaysEqual:
    """Equal to everything, true, hashable: fools ``got == expected`` and ``got != expected``."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "AlwaysEqual()"


class EqualStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class EqualFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class EqualBytes(bytes):
    def __eq__(self, other):
        return True

    __hash__ = bytes.__hash__


def returns(value):
    """A learner's function that ignores its arguments and returns ``value``."""
    return lambda *args, **kwargs: value


# ---- wrong functions, one per typical slip ----------------------------------------------------------

def shor_never_none(N, a, r):
    p = math.gcd(pow(a, r // 2, N) - 1, N)
    return (p, N // p)


def shor_ignores_odd_r(N, a, r):
    half = pow(a, r // 2, N)
    if half == N - 1:
        return None
    p = math.gcd(half - 1, N)
    return (min(p, N // p), max(p, N // p))


def f1_naive_numpy(tn, fp, fn, tp):
    with np.errstate(invalid="ignore", divide="ignore"):
        precision, recall = np.float64(tp) / (tp + fp), np.float64(tp) / (tp + fn)
        return 2 * precision * recall / (precision + recall)


def zscore_per_step(train, test):
    return (test - train.mean(axis=0)) / train.std(axis=0)


def zscore_sign_flipped(train, test):
    flat = train.reshape(-1, train.shape[-1])
    return (flat.mean(0) - test) / flat.std(0)


def zscore_leaky(train, test):
    flat = test.reshape(-1, test.shape[-1])
    return (test - flat.mean(0)) / flat.std(0)


def zscore_sample_std(train, test):
    flat = train.reshape(-1, train.shape[-1])
    return (test - flat.mean(0)) / flat.std(0, ddof=1)


def fedavg_plain_mean(updates, n_samples):
    return [np.mean([u[i] for u in updates], axis=0) for i in range(len(updates[0]))]


def fedavg_unnormalised(updates, n_samples):
    return [sum(n * u[i] for u, n in zip(updates, n_samples)) for i in range(len(updates[0]))]


def fedavg_inverse_weights(updates, n_samples):
    return [np.average([u[i] for u in updates], axis=0, weights=[1 / n for n in n_samples])
            for i in range(len(updates[0]))]


def median_per_layer(updates):
    """A whole-layer scalar median, broadcast to the layer's shape: the hole of issue 16."""
    return [np.full(np.shape(updates[0][i]), np.median(np.stack([u[i] for u in updates])))
            for i in range(len(updates[0]))]


def median_scalar_per_layer(updates):
    return [np.median(np.stack([u[i] for u in updates])) for i in range(len(updates[0]))]


def median_wrong_axis(updates):
    return [np.median(np.stack([u[i] for u in updates]), axis=-1) for i in range(len(updates[0]))]


def coordinate_mean(updates):
    return [np.mean(np.stack([u[i] for u in updates]), axis=0) for i in range(len(updates[0]))]


def chsh_sum_of_abs(correlations):
    """The sum of |E| over the four CHSH pairs: right only while every term has its textbook sign."""
    return sum(abs(correlations[pair][0]) for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def chsh_all_plus(correlations):
    return sum(correlations[pair][0] for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def sift_same_index(alice_bases, bob_bases, bits):
    return np.asarray(bits)[np.asarray(alice_bases) == np.asarray(bob_bases)]


def sift_one_pair(alice_bases, bob_bases, bits):
    return np.asarray(bits)[(np.asarray(alice_bases) == 1) & (np.asarray(bob_bases) == 0)]


def replay_off_by_one(seq, highest, window, delivered):
    if seq > highest:
        return None
    if highest - seq > window:
        return "out-of-window"
    return "duplicate" if seq in delivered else None


def replay_lookup_first(seq, highest, window, delivered):
    if seq > highest:
        return None
    if seq in delivered:
        return "duplicate"
    return "out-of-window" if highest - seq >= window else None


def link_without_stderr(chsh, chsh_stderr, qber, final_key_bits):
    return "E91" if chsh > 2 and key_rate_bound(chsh, qber) > 0 and final_key_bits >= 256 else "ML-KEM-768"


def link_bits_off_by_one(chsh, chsh_stderr, qber, final_key_bits):
    s_low = chsh - 3 * chsh_stderr
    return "E91" if s_low > 2 and key_rate_bound(s_low, qber) > 0 and final_key_bits > 256 else "ML-KEM-768"


def link_without_key_rate(chsh, chsh_stderr, qber, final_key_bits):
    return "E91" if chsh - 3 * chsh_stderr > 2 and final_key_bits >= 256 else "ML-KEM-768"


def risk_mosca_only(algorithm, shelf_life, migration, years_to_qc):
    return shelf_life + migration > years_to_qc


def risk_status_only(algorithm, shelf_life, migration, years_to_qc):
    return algorithm.startswith(("RSA", "ECDH"))


def risk_boundary(algorithm, shelf_life, migration, years_to_qc):
    return algorithm.startswith(("RSA", "ECDH")) and shelf_life + migration >= years_to_qc


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "00.1": [(256, "AES-256"), (320, "whole state"), (NAN, "not a finite number"), (3.5, "not a whole number"),
             (AlwaysEqual(), "not a plain number"), (True, "not a plain number")],
    "00.2": [(lambda c: c * 9 / 5, "forgot to add 32"), (lambda c: c * 5 / 9 + 32, "9/5, not 5/9"),
             (returns(NAN), "not a finite number"), (returns(INF), "not a finite number"),
             (returns("98.6"), "not a string"), (returns(AlwaysEqual()), "not a plain number"),
             (returns(EqualFloat(0.0)), "expected 98.6"), (returns(None), "forget to `return`")],
    "01.1": [(4, "overshoots"), (16, "classical search"), (3.9, "not a whole number"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "01.2": [(shor_never_none, "return None"), (shor_ignores_odd_r, "is odd"), (returns("3, 5"), "return a pair"),
             (returns(AlwaysEqual()), "return a pair"), (returns((3.5, 5)), "not a whole number"),
             (returns((AlwaysEqual(), 5)), "not a plain number")],
    "01.3": [(lambda x, y, z: x + y >= z, "use >, not >="), (lambda x, y, z: x > z, "left out the migration"),
             (lambda x, y, z: x + y < z, "x + y = 30 > z = 15"), (returns("yes"), "return True or False"),
             (returns(AlwaysEqual()), "return True or False"), (returns(None), "forget to `return`")],
    "01.4": [(256, "key length itself"), (16, "root of the number of keys"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "02.1": [(16, "only the Ascon tag"), (17, "only the header"), (133, "whole packet"), (32, "off by one"),
             (NAN, "not a finite number")],
    "02.2": [(lambda a, b, k: bytes(x ^ y for x, y in zip(a[:len(k)], b)), "P_a xor P_b"),
             (lambda a, b, k: k, "known reading itself"),
             (lambda a, b, k: bytes(x ^ y for x, y in zip(a, b)), "return exactly len(known_a)"),
             (lambda a, b, k: bytes(x ^ y ^ z for x, y, z in zip(a, b, k)).decode(), "not str"),
             (returns(AlwaysEqual()), "return bytes"), (returns(EqualBytes(b"?")), "you recovered b'?'")],
    "02.3": [(lambda a, b: 320 - nb02.solution_flipped_bits(a, b), "bits that are equal"),
             (lambda a, b: int(np.count_nonzero(a != b)), "64-bit words"), (returns(NAN), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns("160"), "not a string")],
    "03.1": [(2 * math.sqrt(2), "without Eve"), (2.0, "classical bound"), (-math.sqrt(2), "sign"),
             (NAN, "not a finite number"), (AlwaysEqual(), "not a plain number")],
    "03.2": [(chsh_sum_of_abs, "sum of |E|"), (chsh_all_plus, "minus sign"), (returns(NAN), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns(EqualFloat(2.0)), "S is")],
    "03.3": [(sift_same_index, "indices"), (sift_one_pair, "only one"), (returns(AlwaysEqual()), "not an array"),
             (lambda a, b, bits: np.asarray(bits)[:10], "should have"), (returns(None), "forget to `return`")],
    "04.1": [(zscore_leaky, "leaks test information"), (zscore_sign_flipped, "sign is flipped"),
             (zscore_per_step, "per time step"), (zscore_sample_std, "ddof=1"),
             (lambda train, test: np.full(test.shape, NAN), "NaN or infinite"),
             (returns(AlwaysEqual()), "not an array of numbers"),
             (lambda train, test: test.reshape(-1, 3), "shape")],
    "04.2": [(2896, "bias"), (180, "number of inputs"), (11520, "float32"), (144, "20 time steps"),
             (NAN, "not a finite number")],
    "04.3": [(lambda tn, fp, fn, tp: (tn + tp) / (tn + fp + fn + tp), "accuracy"),
             (lambda tn, fp, fn, tp: tp / (tp + fp) if tp + fp else 0.0, "precision alone"),
             (lambda tn, fp, fn, tp: tp / (tp + fn) if tp + fn else 0.0, "recall alone"),
             (f1_naive_numpy, "nan"), (returns(INF), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns(EqualFloat(0.5)), "scikit-learn says")],
    "05.1": [(12.8, "training phase only"), (13.05, "idle + radio"), (0.004, "watt-hours"),
             (NAN, "not a finite number"), ("about 14", "not a number")],
    "05.2": [(fedavg_plain_mean, "plain mean"), (fedavg_unnormalised, "did not divide"),
             (fedavg_inverse_weights, "MORE samples"), (lambda updates, n: [updates[0][0]], "one array per layer"),
             (returns(AlwaysEqual()), "return a list"),
             (lambda updates, n: [np.full_like(layer, NAN) for layer in updates[0]], "NaN or infinite")],
    "05.3": [(median_per_layer, "one median per layer"), (median_scalar_per_layer, "one number"),
             (coordinate_mean, "that is the mean"), (median_wrong_axis, "shape"),
             (lambda updates: [np.full_like(layer, NAN) for layer in updates[0]], "NaN or infinite"),
             (returns(AlwaysEqual()), "return a list")],
    "06.1": [(6, "off by one"), (8, "off by one"), (21, "cannot be a NEWS2 total"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "06.2": [(lambda s, m, h: "Critical" if s >= h else "High" if s >= m else "Normal", "equal to tau_high is High"),
             (lambda s, m, h: "critical" if s > h else "high" if s > m else "normal", "spell it exactly"),
             (returns(AlwaysEqual()), "return one of the strings"), (returns(EqualStr("?")), "none of"),
             (returns(None), "forget to `return`")],
    "06.3": [(replay_off_by_one, "exactly window"), (replay_lookup_first, "check the distance"),
             (lambda seq, highest, window, delivered: False, "return None when"),
             (returns(AlwaysEqual()), "return one of the strings"), (returns(EqualStr("ok")), "none of")],
    "07.1": [([1, 2, 3, 4], "is not caught by stage"), ([1, 2, 5], "whole stage numbers"),
             ([True, 2, 5, 3], "whole stage numbers"), ([NAN, 2, 5, 3], "whole stage numbers"),
             (AlwaysEqual(), "whole stage numbers"), ("one two", "whole stage numbers")],
    "07.2": [(link_without_stderr, "subtract the 3 standard errors"), (link_bits_off_by_one, "256 ≥ 256"),
             (link_without_key_rate, "is not positive"), (returns("ML-KEM"), "none of"),
             (returns(AlwaysEqual()), "return one of the strings"), (returns(True), "return one of the strings")],
    "07.3": [(risk_mosca_only, "Shor does not break it"), (risk_status_only, "x + y = 7 < z = 15"),
             (risk_boundary, "strict"), (returns("broken"), "return True or False"),
             (returns(AlwaysEqual()), "return True or False")],
}

CASES = [(exercise_id, answer, words) for exercise_id, wrongs in WRONG_ANSWERS.items() for answer, words in wrongs]
MODULES = (nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07)
REGISTERED = sorted(e.id for m in MODULES for e in ex.all_exercises(m.__name__[-2:]))


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


@pytest.mark.parametrize("exercise_id, answer", [
    ("01.2", lambda N, a, r: None if nb01.solution_shor_factors(N, a, r) is None
     else list(reversed(nb01.solution_shor_factors(N, a, r)))),
    ("02.2", lambda a, b, k: bytearray(nb02.solution_recover_reading(a, b, k))),
    ("02.3", lambda a, b: np.int64(nb02.solution_flipped_bits(a, b))),
    ("02.3", lambda a, b: float(nb02.solution_flipped_bits(a, b))),
    ("04.3", lambda *cm: np.float64(nb04.solution_f1(*cm))),
    ("05.2", lambda u, n: tuple(layer.tolist() for layer in nb05.solution_fedavg(u, n))),
    ("06.2", lambda s, m, h: str(nb06.solution_priority(s, m, h))),
    ("07.3", lambda *case: np.bool_(nb07.solution_harvest_risk(*case))),
    ("00.1", "128"), ("00.1", np.int64(128)), ("03.1", "1.41"), ("03.1", 1.5), ("05.1", np.float64(14.4)),
    ("07.1", (1, 2, 5, 3)), ("07.1", "1, 2, 5, 3"),
])
def test_right_answers_in_other_plain_types_still_pass(exercise_id, answer):
    result = ex.check(exercise_id, answer)
    assert result.passed, repr(result)


def test_chsh_runs_include_a_sign_flip():
    """03.2 is fooled by the sum of |E| unless some graded table has a term of the unexpected sign."""
    tables = [table for _, table in nb03.chsh_test_tables()]
    assert any(not math.isclose(chsh_sum_of_abs(t), nb03.solution_chsh_value(t)) for t in tables)


def test_median_layers_are_not_constant():
    """05.3 is fooled by a whole-layer median when every coordinate of a test layer is equal."""
    for client in nb05._median_clients():
        for layer in client:
            assert np.ptp(layer) > 0 or layer.flat[0] in (-500.0, 900.0)


def test_simulated_s_within_three_standard_errors_passes():
    """03.1 accepts an honest 5,000-pair run: its tolerance is 3 sigma of S at 5,000 pairs."""
    from pqfl_kit.qkd.e91 import run_e91

    sigma = nb03.eve_s_stderr()
    assert 0.05 < sigma < 0.15
    for seed in range(5):
        run = run_e91(5000, eve_fraction=1.0, seed=seed)
        assert ex.check("03.1", run.chsh).passed, (seed, run.chsh)
    assert not ex.check("03.1", math.sqrt(2) + 3.5 * sigma).passed
    assert "standard error" in ex.check("03.1", math.sqrt(2) + 3.5 * sigma).message


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
