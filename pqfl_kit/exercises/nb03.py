"""Exercises of notebook 03 (E91 QKD): grading, hints and reference solutions."""
from __future__ import annotations

import math

from . import Exercise, register


def _float(text: str) -> float:
    return float(str(text).strip().replace("%", "").replace(",", "."))


# 03.1 ---------------------------------------------------------------------------------
def _grade_eve_s(answer) -> tuple[bool, str]:
    value = float(answer)
    if abs(value - math.sqrt(2)) <= 0.03:
        return True, ("S = sqrt(2) ≈ 1.41: after Eve's measurement every pair is a product state, "
                      "which can never beat the classical bound 2.")
    if abs(value - 2 * math.sqrt(2)) <= 0.03:
        return False, "2.83 is S without Eve."
    return False, f"S = {value:g} is not what full interception gives."


register(Exercise(
    id="03.1", title="CHSH with Eve on every photon", kind="value", parse=_float,
    question="Eve intercepts and resends every one of Bob's photons. What CHSH value S do Alice and Bob expect (2 decimals)?",
    grade=_grade_eve_s, solution=round(math.sqrt(2), 3),
    hint="S = 2√2 − f·√2 at intercept fraction f; or run run_e91 with eve_fraction=1.0 and read S."))


# 03.2 ---------------------------------------------------------------------------------
def solution_chsh_value(correlations: dict) -> float:
    """Ekert's S = E(a1,b1) - E(a1,b3) + E(a3,b1) + E(a3,b3) from {(i, j): (E, count)}."""
    E = {pair: value[0] for pair, value in correlations.items()}
    return E[(0, 0)] - E[(0, 2)] + E[(2, 0)] + E[(2, 2)]


def _grade_chsh(fn) -> tuple[bool, str]:
    from ..qkd.e91 import run_e91

    for kwargs in (dict(seed=1), dict(eve_fraction=1.0, seed=2), dict(noise=0.2, seed=3)):
        run = run_e91(3000, **kwargs)
        got = fn(dict(run.correlations))
        if not isinstance(got, (int, float)) or not math.isclose(float(got), run.chsh, abs_tol=1e-9):
            return False, f"for run_e91(3000, {kwargs}) you returned {got!r}, S is {run.chsh:.4f}."
    return True, "right for a clean run, full Eve and noisy pairs."


register(Exercise(
    id="03.2", title="Ekert's CHSH combination", kind="function",
    question="Write chsh_value(correlations): S from the dict {(alice_basis, bob_basis): (E, count)} of run_e91.",
    grade=_grade_chsh, solution=solution_chsh_value,
    hint="Use the bases 0 and 2 on both sides: S = E(0,0) − E(0,2) + E(2,0) + E(2,2)."))


# 03.3 ---------------------------------------------------------------------------------
def solution_sift_key(alice_bases, bob_bases, bits):
    """Keep the bits of pairs whose angles match: Alice pi/4 & Bob pi/4, Alice pi/2 & Bob pi/2."""
    import numpy as np

    alice_bases, bob_bases = np.asarray(alice_bases), np.asarray(bob_bases)
    keep = ((alice_bases == 1) & (bob_bases == 0)) | ((alice_bases == 2) & (bob_bases == 1))
    return np.asarray(bits)[keep]


def _grade_sift(fn) -> tuple[bool, str]:
    import numpy as np

    from ..qkd.e91 import run_e91

    for seed in (4, 5):
        run = run_e91(2000, noise=0.05, seed=seed)
        for name, bits, expected in (("Alice", run.alice_bits, run.key_alice), ("Bob", run.bob_bits, run.key_bob)):
            got = np.asarray(fn(run.alice_bases, run.bob_bases, bits))
            if got.shape != expected.shape or not np.array_equal(got, expected):
                return False, (f"{name}'s sifted key should have {expected.size} bits "
                               f"(got {got.size if got.ndim else got!r}) and equal result.key_{name.lower()}.")
    return True, "the sifted keys match: about 2 of every 9 pairs."


register(Exercise(
    id="03.3", title="Sifting the key", kind="function",
    question="Write sift_key(alice_bases, bob_bases, bits): the bits of the pairs measured along the same angle.",
    grade=_grade_sift, solution=solution_sift_key,
    hint="Alice's angles are (0, π/4, π/2), Bob's (π/4, π/2, 3π/4): indices (1, 0) and (2, 1) match."))
