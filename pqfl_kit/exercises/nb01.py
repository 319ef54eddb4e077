"""Exercises of notebook 01 (quantum threats): grading, hints and reference solutions.

In reading order: 01.1 the order of a mod N, 01.2 Shor's classical last step, 01.3 Grover's diffuser as a
Qiskit circuit (Katas style: graded by running it), 01.4 Grover's best stopping point, 01.5 AES-256 after
Grover, 01.6 Mosca's inequality; and the "Think about it" prompts 01.T1-01.T3.
"""
from __future__ import annotations

import math

from ..threats import grover_optimal_iterations, grover_oracle, modular_powers, multiplicative_order
from . import Exercise, Rejected, as_bool, as_whole, describe, register, register_thought, whole_number
from .circuits import as_circuit, ket_text, probabilities, same_operation, statevector

# 01.1 ---------------------------------------------------------------------------------
_ORDER_N, _ORDER_A = 21, 4


def _grade_order(answer) -> tuple[bool, str]:
    N, a = _ORDER_N, _ORDER_A
    r = multiplicative_order(N, a)
    got = as_whole(answer, text=True)
    powers = ", ".join(str(p) for p in modular_powers(N, a, r + 1)[1:])
    if got == r:
        return True, f"r = {r}: {a}^1, {a}^2, {a}^3 mod {N} = {powers}, and the pattern repeats from there."
    if got == 1:
        return False, "1 is the value a^r mod N comes back to; the order is the exponent r at which it does"
    if got <= 0:
        return False, f"the order is the smallest r ≥ 1 with {a}^r mod {N} = 1 (r = 0 always gives 1)"
    if got in (a ** r, a ** 2):
        return False, f"{got} is a power of {a} before taking it mod {N}: the order is the exponent, not the power"
    if pow(a, got, N) == 1:
        return False, (f"{a}^{got} mod {N} is 1, but a smaller exponent already gives 1: the order is the "
                       f"smallest one. (If you read 2's period off the figure: {a} = 2², so its powers "
                       "come back to 1 twice as fast.)")
    return False, f"{a}^{got} mod {N} = {pow(a, got, N)}, not 1"


register(Exercise(
    id="01.1", title="The order of a mod N", kind="value", parse=whole_number,
    question=f"What is the order r of a = {_ORDER_A} mod N = {_ORDER_N}, the smallest r ≥ 1 with "
             f"{_ORDER_A}^r mod {_ORDER_N} = 1?",
    grade=_grade_order, solution=3,
    hint=f"list {_ORDER_A}^x mod {_ORDER_N} for x = 1, 2, 3, ... (pow({_ORDER_A}, x, {_ORDER_N})) until you meet 1."))


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
def solution_diffuser():
    """Grover's diffuser on 2 qubits: reflect about the uniform superposition |s> = H|00>."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)
    qc.h([0, 1])    # |s> -> |00>
    qc.x([0, 1])    # |00> -> |11>
    qc.cz(0, 1)     # flip the sign of |11> (that was |00>, that was |s>)
    qc.x([0, 1])    # and undo the two layers
    qc.h([0, 1])
    return qc


def _one_iteration(diffuser, marked: int, iterations: int = 1):
    """H on both qubits, then ``iterations`` x (the kit's oracle for ``marked``, the learner's diffuser)."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)
    qc.h([0, 1])
    for _ in range(iterations):
        qc.compose(grover_oracle(2, marked), inplace=True)
        qc.compose(diffuser, inplace=True)
    return qc


def _diffuser_slips() -> list[tuple[str, object]]:
    """Typical wrong diffusers, each with what it does wrong (compared as operators, up to a global phase)."""
    from qiskit import QuantumCircuit

    def build(*layers):
        qc = QuantumCircuit(2)
        for layer in layers:
            {"H": lambda: qc.h([0, 1]), "X": lambda: qc.x([0, 1]), "CZ": lambda: qc.cz(0, 1),
             "CX": lambda: qc.cx(0, 1), "XC": lambda: qc.cx(1, 0)}[layer]()
        return qc

    return [
        ("your circuit does nothing (it acts as the identity: H·H = 1); the diffuser must reflect about |s>",
         build()),
        ("it flips the sign of |00> only: the H layers are missing. The diffuser reflects about the uniform "
         "superposition |s> = H|00>, so wrap the X-CZ-X block in H on both qubits, before and after",
         build("X", "CZ", "X")),
        ("it reflects about H|11> instead of about |s> = H|00>: the X layers around the CZ are missing "
         "(CZ flips the sign of |11>; X on both qubits turns |00> into |11> and back)", build("H", "CZ", "H")),
        ("a CX (CNOT) flips a bit, not a sign: use CZ, which multiplies |11> by -1", build("H", "X", "CX", "X", "H")),
        ("a CX (CNOT) flips a bit, not a sign: use CZ, which multiplies |11> by -1", build("H", "X", "XC", "X", "H")),
        ("the closing H layer is missing: the diffuser is H·X·CZ·X·H, symmetric around the CZ",
         build("H", "X", "CZ", "X")),
    ]


def _grade_diffuser(fn) -> tuple[bool, str]:
    circuit = as_circuit(fn(), "diffuser() returned", 2)
    if same_operation(circuit, solution_diffuser()):
        return True, ("your circuit is Grover's diffuser (up to a global phase): with the oracle, one iteration "
                      "finds any of the 4 items with probability 1.")
    state = statevector(_one_iteration(circuit, 3))
    found = [float(probabilities(_one_iteration(circuit, m))[m]) for m in range(4)]
    if min(found) > 1 - 1e-6:
        mine = ket_text(statevector(_one_iteration(circuit, 3, iterations=2)))
        right = ket_text(statevector(_one_iteration(solution_diffuser(), 3, iterations=2)))
        return False, ("one iteration with your circuit finds every marked item, yet it is not the diffuser: it "
                       "differs from it by a sign on part of the states (a relative phase). Measuring right after "
                       "a step cannot see that, but the states differ: after two iterations with the oracle "
                       f"marking |11> yours is {mine}, the diffuser's {right}, and any later gate, or a bigger "
                       "search, would tell them apart. Look for a missing X after the CZ or a stray Z/S gate")
    for words, slip in _diffuser_slips():
        if same_operation(circuit, slip):
            return False, f"{words}. With the oracle marking |11>, one iteration gave {ket_text(state)}"
    missed = min(range(4), key=lambda m: found[m])  # a marked item your circuit does not find
    label = f"|{missed:02b}>"
    mine = ket_text(statevector(_one_iteration(circuit, missed)))
    return False, (f"with the oracle marking {label}, one iteration with your circuit gives {mine} "
                   f"(P({label}) = {found[missed]:.2f}); the diffuser gives 1.00{label}")


register(Exercise(
    id="01.3", title="Grover's diffuser in Qiskit", kind="function",
    question=("Write diffuser(): a 2-qubit QuantumCircuit that reflects about the uniform superposition "
              "|s> = H|00> (it keeps |s> and flips the sign of every state orthogonal to it, up to a global sign)."),
    grade=_grade_diffuser, solution=solution_diffuser,
    hint=("turn |s> into a basis state that CZ singles out (H on both qubits turns |s> into |00>; which gate "
          "turns |00> into |11>?), flip its sign with the CZ, then undo both steps in reverse order.")))


# 01.4 ---------------------------------------------------------------------------------
_GROVER_QUBITS = 7


def _grade_grover_iterations(answer) -> tuple[bool, str]:
    from ..threats import grover_theory

    n, size = _GROVER_QUBITS, 2 ** _GROVER_QUBITS
    expected = grover_optimal_iterations(n)
    got = as_whole(answer, text=True)
    best = float(grover_theory(n, expected))
    if got == expected:
        return True, f"{expected} iterations: floor(π/4 · √{size}) = {expected}, success {best:.1%}."
    if got == math.isqrt(size) or got == round(math.sqrt(size)):
        return False, f"{got} ≈ √{size} overshoots the peak: scale √N by π/4 (the state turns 2θ per step)"
    if got == expected + 1:
        return False, (f"rounding π/4 · √{size} = {math.pi / 4 * math.sqrt(size):.2f} up overshoots a little: "
                       f"P({got}) = {float(grover_theory(n, got)):.3f} < P({expected}) = {best:.3f}")
    if got in (size // 2, size, size - 1):
        return False, f"{got} is a classical search's count (N/2 on average, N at worst); Grover needs about √N"
    if got == n:
        return False, f"{n} is the number of qubits; the count depends on the number of keys N = 2^{n} = {size}"
    if 0 <= got <= 10 ** 6:
        return False, f"{got} iterations give P = {float(grover_theory(n, got)):.2f}, not the highest for {size} keys"
    return False, f"{got} iterations is not the best choice for {size} keys"


register(Exercise(
    id="01.4", title="Grover's best stopping point", kind="value", parse=whole_number,
    question=(f"A {_GROVER_QUBITS}-qubit Grover search looks for 1 key among {2 ** _GROVER_QUBITS}. How many "
              "iterations give the highest success probability?"),
    grade=_grade_grover_iterations, solution=grover_optimal_iterations(_GROVER_QUBITS),
    hint=f"k = floor(π/4 · √N) with N = 2^{_GROVER_QUBITS}; or find the k where (2k+1)θ is closest to 90°."))


# 01.5 ---------------------------------------------------------------------------------
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
    id="01.5", title="AES-256 after Grover", kind="value", parse=whole_number,
    question="Grover's search needs about 2^(k/2) steps for a k-bit key. How many bits of security does AES-256 keep?",
    grade=_grade_aes256, solution=128,
    hint="bits of security are the exponent of the work: write Grover's 2^(k/2) steps for k = 256 as a power of 2."))


# 01.6 ---------------------------------------------------------------------------------
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
    id="01.6", title="Mosca's inequality", kind="function",
    question="Write mosca_at_risk(x, y, z) -> True when health data kept secret for x years is at risk.",
    grade=_grade_mosca, solution=solution_mosca_at_risk,
    hint="Data is exposed when it must stay secret (x) plus migration time (y) lasts longer than z."))


# Think about it ----------------------------------------------------------------------------
register_thought(
    "01.T1",
    prompt=("About half the shots for N = 15 land on phases 0 and 1/2, which do not give r = 4 directly. "
            "Why is Shor's algorithm still efficient?"),
    answer=("Each run gives a random fraction s/r; when s and r share no factor, continued fractions return r "
            "itself, and that happens with a probability that shrinks only very slowly as N grows. A candidate r "
            "is cheap to check classically (is a^r mod N = 1?), and a bad run only costs another run, so a few "
            "repetitions are enough. The 1/2 peak still helps: its denominator 2 divides r, so trying its small "
            "multiples finds r = 4."))
register_thought(
    "01.T2",
    prompt=("An attacker splits a Grover key search over m quantum computers, each searching 1/m of the keys. "
            "Why does the time fall only by √m, and what does that mean for AES-128?"),
    answer=("Each machine still runs about (π/4)·√(2^k/m) iterations one after another, which is only √m times "
            "fewer than one machine searching everything; the total work grows to √m · √(2^k). Classical search "
            "splits perfectly (m machines, m times faster). With a limit on how long a quantum computation can "
            "run in sequence (NIST's MAXDEPTH), reaching 2^64 iterations needs an enormous number of machines, "
            "which is why NIST still counts AES-128 as category 1."))
register_thought(
    "01.T3",
    prompt=("Nobody knows z, the years until a quantum computer can break RSA. For a hospital's genomic data, "
            "would you plan with a small or a large z, and why?"),
    answer=("A small one. Guessing z too small costs an early migration, which is needed anyway; guessing it "
            "too large leaves data that must stay secret for decades exposed, and harvested ciphertext cannot "
            "be called back. With x = 70 years even a generous z gives x + y > z, so the answer for genomes "
            "does not depend on the guess at all: migrate now."))
