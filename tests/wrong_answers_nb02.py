"""Typical wrong answers to the exercises of notebook 02 (PQC handshake): (answer, words the hint must contain)."""
from __future__ import annotations

import numpy as np
from fooling import NAN, AlwaysEqual, EqualBytes, returns

from pqfl_kit.exercises import nb02

WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
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
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("02.2", lambda a, b, k: bytearray(nb02.solution_recover_reading(a, b, k))),
    ("02.3", lambda a, b: np.int64(nb02.solution_flipped_bits(a, b))),
    ("02.3", lambda a, b: float(nb02.solution_flipped_bits(a, b))),
]
