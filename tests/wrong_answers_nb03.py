"""Typical wrong answers to the exercises of notebook 03 (E91 QKD): (answer, words the hint must contain)."""
from __future__ import annotations

import math

import numpy as np
from fooling import NAN, AlwaysEqual, EqualFloat, returns


def chsh_sum_of_abs(correlations):
    """The sum of |E| over the four CHSH pairs: right only while every term has its textbook sign."""
    return sum(abs(correlations[pair][0]) for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def chsh_all_plus(correlations):
    return sum(correlations[pair][0] for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def sift_same_index(alice_bases, bob_bases, bits):
    return np.asarray(bits)[np.asarray(alice_bases) == np.asarray(bob_bases)]


def sift_one_pair(alice_bases, bob_bases, bits):
    return np.asarray(bits)[(np.asarray(alice_bases) == 1) & (np.asarray(bob_bases) == 0)]


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "03.1": [(2 * math.sqrt(2), "without Eve"), (2.0, "classical bound"), (-math.sqrt(2), "sign"),
             (NAN, "not a finite number"), (AlwaysEqual(), "not a plain number")],
    "03.2": [(chsh_sum_of_abs, "sum of |E|"), (chsh_all_plus, "minus sign"), (returns(NAN), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns(EqualFloat(2.0)), "S is")],
    "03.3": [(sift_same_index, "indices"), (sift_one_pair, "only one"), (returns(AlwaysEqual()), "not an array"),
             (lambda a, b, bits: np.asarray(bits)[:10], "should have"), (returns(None), "forget to `return`")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("03.1", "1.41"),
    ("03.1", 1.5),
]
