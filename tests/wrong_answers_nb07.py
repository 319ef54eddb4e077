"""Typical wrong answers to the exercises of notebook 07 (capstone): (answer, words the hint must contain)."""
from __future__ import annotations

import numpy as np
from fooling import NAN, AlwaysEqual, returns

from pqfl_kit.exercises import nb07
from pqfl_kit.qkd.postprocess import key_rate_bound


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

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("07.3", lambda *case: np.bool_(nb07.solution_harvest_risk(*case))),
    ("07.1", (1, 2, 5, 3)),
    ("07.1", "1, 2, 5, 3"),
]
