"""Exercises of notebook 01 (quantum threats): grading, hints and reference solutions."""
from __future__ import annotations

import math

from ..threats import grover_optimal_iterations
from . import Exercise, register, whole_number


# 01.1 ---------------------------------------------------------------------------------
def _grade_grover_iterations(answer) -> tuple[bool, str]:
    expected = grover_optimal_iterations(4)
    if whole_number(answer) == expected:
        return True, f"{expected} iterations: floor(pi/4 * sqrt(16)) = {expected}, success ~96%."
    return False, f"{answer} iterations is not the best choice for 16 keys."


register(Exercise(
    id="01.1", title="Grover's best stopping point", kind="value", parse=whole_number,
    question=("A 4-qubit Grover search looks for 1 key among 16. How many iterations give the highest "
              "success probability?"),
    grade=_grade_grover_iterations, solution=3,
    hint="k = floor(pi/4 * sqrt(N)) with N = 2^4; or read the peak of the curve."))


# 01.2 ---------------------------------------------------------------------------------
def solution_shor_factors(N: int, a: int, r: int):
    """From the order r of a mod N, return the two factors (p, q) with p < q, or None."""
    if r % 2 == 1:
        return None
    half = pow(a, r // 2, N)
    if half == N - 1:
        return None
    p = math.gcd(half - 1, N)
    if p in (1, N):
        p = math.gcd(half + 1, N)
    return (min(p, N // p), max(p, N // p))


_SHOR_CASES = [(15, 7, 4), (15, 11, 2), (15, 14, 2), (21, 2, 6), (21, 4, 3), (21, 5, 6), (35, 2, 12), (33, 5, 10)]


def _grade_shor_factors(fn) -> tuple[bool, str]:
    for N, a, r in _SHOR_CASES:
        expected = solution_shor_factors(N, a, r)
        got = fn(N, a, r)
        if got is not None:
            got = tuple(sorted(got))
        if got != expected:
            return False, f"for N={N}, a={a}, r={r} you returned {got}, expected {expected}."
    return True, f"all {len(_SHOR_CASES)} cases right, including odd r and a^(r/2) = -1."


register(Exercise(
    id="01.2", title="Shor's classical last step", kind="function",
    question="Write shor_factors(N, a, r): the factors of N from the order r, or None when this r cannot give them.",
    grade=_grade_shor_factors, solution=solution_shor_factors,
    hint="r must be even; x = a^(r/2) mod N must not be N-1; then gcd(x-1, N) or gcd(x+1, N) is a factor."))


# 01.3 ---------------------------------------------------------------------------------
def solution_mosca_at_risk(x: float, y: float, z: float) -> bool:
    """Mosca's inequality: x years of secrecy + y years to migrate > z years to a quantum computer."""
    return x + y > z


def _grade_mosca(fn) -> tuple[bool, str]:
    for x, y, z in [(25, 5, 15), (2, 1, 15), (10, 5, 15), (10, 6, 15), (0, 0, 0), (50, 10, 30)]:
        got = fn(x, y, z)
        if bool(got) != solution_mosca_at_risk(x, y, z):
            return False, f"mosca_at_risk({x}, {y}, {z}) returned {got}."
    return True, "right, including the boundary x + y = z (not yet at risk)."


register(Exercise(
    id="01.3", title="Mosca's inequality", kind="function",
    question="Write mosca_at_risk(x, y, z) -> True when health data kept secret for x years is at risk.",
    grade=_grade_mosca, solution=solution_mosca_at_risk,
    hint="Data is exposed when it must stay secret (x) plus migration time (y) lasts longer than z."))


# 01.4 ---------------------------------------------------------------------------------
def _grade_aes256(answer) -> tuple[bool, str]:
    if whole_number(answer) == 128:
        return True, "about 128 bits: Grover halves the exponent, so AES-256 stays safe."
    return False, f"{answer} bits is not what Grover leaves of a 256-bit key."


register(Exercise(
    id="01.4", title="AES-256 after Grover", kind="value", parse=whole_number,
    question="Grover's search needs about 2^(k/2) steps for a k-bit key. How many bits of security does AES-256 keep?",
    grade=_grade_aes256, solution=128, hint="Halve the key length."))
