"""Exercises of notebook 01 (quantum threats): grading, hints and reference solutions."""
from __future__ import annotations

import math

from ..threats import grover_optimal_iterations
from . import Exercise, Rejected, as_bool, as_whole, describe, register, whole_number


# 01.1 ---------------------------------------------------------------------------------
def _grade_grover_iterations(answer) -> tuple[bool, str]:
    expected = grover_optimal_iterations(4)
    got = as_whole(answer, text=True)
    if got == expected:
        return True, f"{expected} iterations: floor(pi/4 * sqrt(16)) = {expected}, success ~96%."
    if got == 4:
        return False, "4 = √16 overshoots the peak: scale √N by π/4 and round down."
    if got in (8, 16):
        return False, f"{got} is a classical search's count (N/2 on average, N at worst); Grover needs about √N."
    return False, f"{got} iterations is not the best choice for 16 keys."


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


def _factor_pair(got, call: str) -> tuple[int, int] | None:
    """The learner's answer as None or a sorted pair of ints."""
    if got is None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Rejected(f"{call} returned {describe(got)}: return a pair (p, q) of whole numbers, or None")
    p, q = sorted(as_whole(x, f"{call} returned a pair holding") for x in got)
    return p, q


def _shor_slip(N: int, a: int, r: int, got: tuple[int, int] | None) -> str:
    """Why ``got`` is wrong for this case (Shor 1997, section 5: the classical post-processing)."""
    if solution_shor_factors(N, a, r) is None:
        if r % 2:
            return f"r = {r} is odd, so a^(r/2) is not a whole power: return None"
        return f"a^(r/2) ≡ −1 (mod {N}) here, so the gcds give only 1 and {N}: return None"
    if got is None:
        return "this r is even and a^(r/2) is not −1 mod N: a gcd gives a factor"
    if got[0] * got[1] != N:
        return f"{got[0]} × {got[1]} is not {N}"
    return f"(1, {N}) is trivial: if gcd(x − 1, N) is 1 or N, try gcd(x + 1, N)"


def _grade_shor_factors(fn) -> tuple[bool, str]:
    for N, a, r in _SHOR_CASES:
        call = f"shor_factors({N}, {a}, {r})"
        expected = solution_shor_factors(N, a, r)
        got = _factor_pair(fn(N, a, r), call)
        if got != expected:
            return False, f"{call} returned {got}, expected {expected}: {_shor_slip(N, a, r, got)}."
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


def _mosca_slip(x: float, y: float, z: float, got: bool) -> str:
    if x + y == z:
        return "on the boundary x + y = z the data is not yet at risk: use >, not >="
    if got == (x > z):
        return "you left out the migration time y"
    return f"x + y = {x + y} {'>' if x + y > z else '<'} z = {z}"


def _grade_mosca(fn) -> tuple[bool, str]:
    for x, y, z in [(25, 5, 15), (2, 1, 15), (10, 5, 15), (10, 6, 15), (0, 0, 0), (50, 10, 30)]:
        call = f"mosca_at_risk({x}, {y}, {z})"
        got = as_bool(fn(x, y, z), f"{call} returned")
        if got != solution_mosca_at_risk(x, y, z):
            return False, f"{call} returned {got}: {_mosca_slip(x, y, z, got)}."
    return True, "right, including the boundary x + y = z (not yet at risk)."


register(Exercise(
    id="01.3", title="Mosca's inequality", kind="function",
    question="Write mosca_at_risk(x, y, z) -> True when health data kept secret for x years is at risk.",
    grade=_grade_mosca, solution=solution_mosca_at_risk,
    hint="Data is exposed when it must stay secret (x) plus migration time (y) lasts longer than z."))


# 01.4 ---------------------------------------------------------------------------------
_AES_MIX_UPS = {256: "256 bits is the key length itself: Grover's 2^(k/2) steps halve the exponent",
                16: "16 = √256 takes the root of the key length; Grover takes the root of the number of keys, 2^256",
                0: "AES-256 is not broken by Grover, only weakened"}


def _grade_aes256(answer) -> tuple[bool, str]:
    bits = as_whole(answer, text=True)
    if bits == 128:
        return True, "about 128 bits: Grover halves the exponent, so AES-256 stays safe."
    if bits in _AES_MIX_UPS:
        return False, f"{_AES_MIX_UPS[bits]}."
    return False, f"{bits} bits is not what Grover leaves of a 256-bit key."


register(Exercise(
    id="01.4", title="AES-256 after Grover", kind="value", parse=whole_number,
    question="Grover's search needs about 2^(k/2) steps for a k-bit key. How many bits of security does AES-256 keep?",
    grade=_grade_aes256, solution=128, hint="Halve the key length."))
