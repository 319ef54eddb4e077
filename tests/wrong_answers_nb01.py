"""Typical wrong answers to the exercises of notebook 01 (quantum threats): (answer, words the hint must contain)."""
from __future__ import annotations

import math

from fooling import NAN, AlwaysEqual, returns

from pqfl_kit.exercises import nb01


def shor_never_none(N, a, r):
    p = math.gcd(pow(a, r // 2, N) - 1, N)
    return (p, N // p)


def shor_ignores_odd_r(N, a, r):
    half = pow(a, r // 2, N)
    if half == N - 1:
        return None
    p = math.gcd(half - 1, N)
    return (min(p, N // p), max(p, N // p))


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
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
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("01.2", lambda N, a, r: None if nb01.solution_shor_factors(N, a, r) is None
     else list(reversed(nb01.solution_shor_factors(N, a, r)))),
]
