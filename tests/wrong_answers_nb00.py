"""Typical wrong answers to the exercises of notebook 00 (start here): (answer, words the hint must contain)."""
from __future__ import annotations

import numpy as np
from fooling import INF, NAN, AlwaysEqual, EqualFloat, returns

WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "00.1": [(256, "AES-256"), (320, "whole state"), (NAN, "not a finite number"), (3.5, "not a whole number"),
             (AlwaysEqual(), "not a plain number"), (True, "not a plain number")],
    "00.2": [(lambda c: c * 9 / 5, "forgot to add 32"), (lambda c: c * 5 / 9 + 32, "9/5, not 5/9"),
             (returns(NAN), "not a finite number"), (returns(INF), "not a finite number"),
             (returns("98.6"), "not a string"), (returns(AlwaysEqual()), "not a plain number"),
             (returns(EqualFloat(0.0)), "expected 98.6"), (returns(None), "forget to `return`")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("00.1", "128"),
    ("00.1", np.int64(128)),
]
