"""Shor's order finding (Shor 1994; Nielsen & Chuang, *Quantum Computation and Quantum Information*,
sec. 5.3) simulated on Qiskit Aer, then the classical post-processing: continued fractions
(N&C Box 5.3 / Theorem 5.1) and gcd(a^(r/2) +- 1, N).

Qiskit is imported inside the functions that need it, so importing this module is instant.

Limits (a ``ValueError`` naming the limit, checked before any circuit is built):

* ``N`` in ``SHOR_NS`` and 2..``MAX_COUNTING_QUBITS`` (12) counting qubits: at most 12 + 6 = 18
  simulated qubits, a 2^18 x 16 B = 4 MB statevector.
* ``shots`` 1..``MAX_SHOTS`` (100,000): Aer samples them in about 1.5 s; the counts hold at most
  2^12 outcomes.
* ``order_from_phase``/``factors_from_order`` take ``N`` up to ``MAX_ORDER_N`` (2^20: at most a
  million modular powers, well under a second).
* Seeds: ``None`` or a whole number in [0, ``MAX_SEED`` = 2^63 - 1] (Aer's range); the default is
  ``pqfl_kit.SEED``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from pqfl_kit import SEED
from pqfl_kit.limits import real, whole

__all__ = ["SHOR_NS", "MAX_COUNTING_QUBITS", "MAX_SHOTS", "MAX_ORDER_N", "MAX_SEED", "MAX_POWERS",
           "validate_shor_inputs", "multiplicative_order", "modular_powers", "shor_circuit", "order_from_phase",
           "factors_from_order", "ShorResult", "run_shor", "aer_seed"]

SHOR_NS = (15, 21, 33, 35)  # odd semiprimes the simulator handles in about a second
MAX_COUNTING_QUBITS = 12  # + at most 6 work qubits: a 4 MB statevector
MAX_SHOTS = 100_000  # ~1.5 s of Aer sampling at the largest Shor circuit
MAX_ORDER_N = 2**20  # order_from_phase tries at most N modular powers
MAX_SEED = 2**63 - 1  # Aer's seed range
MAX_POWERS = 1_000  # modular_powers: a list for a figure, not a computation


def aer_seed(seed: int | None) -> int | None:
    """``None`` (fresh randomness) or a whole number in [0, ``MAX_SEED``] for Aer's ``seed_simulator``."""
    return None if seed is None else whole("seed", seed, 0, MAX_SEED)


def _work_qubits(N: int) -> int:
    return max(1, math.ceil(math.log2(N)))


def validate_shor_inputs(N: int, a: int, n_count: int) -> tuple[int, int, int]:
    """Raise ValueError with a learner-friendly message if (N, a, n_count) cannot be run.

    Returns ``(N, a, n_count)`` as Python ints (numpy integers are accepted).
    Limits: ``N`` in ``SHOR_NS``, ``1 < a < N``, ``2 <= n_count <= MAX_COUNTING_QUBITS`` (12).
    """
    N, a, n_count = whole("N", N), whole("a", a), whole("n_count (counting qubits)", n_count)
    if N not in SHOR_NS:
        raise ValueError(f"N must be one of {SHOR_NS} (odd products of two primes small enough to simulate).")
    if not 1 < a < N:
        raise ValueError(f"a must satisfy 1 < a < N = {N}.")
    g = math.gcd(a, N)
    if g != 1:
        raise ValueError(f"a = {a} is not coprime to N = {N}: gcd({a}, {N}) = {g} is already a factor, "
                         f"no quantum computer needed. Pick an a with gcd(a, N) = 1.")
    if not 2 <= n_count <= MAX_COUNTING_QUBITS:
        raise ValueError(f"Use between 2 and {MAX_COUNTING_QUBITS} counting qubits (n_count, the limit "
                         f"MAX_COUNTING_QUBITS = {MAX_COUNTING_QUBITS}), got {n_count}.")
    return N, a, n_count


def _coprime_base(N: int, a: int) -> tuple[int, int]:
    N = whole("N", N, 2, MAX_ORDER_N)
    a = whole("a", a, 1, N - 1)
    if math.gcd(a, N) != 1:
        raise ValueError(f"a = {a} shares the factor {math.gcd(a, N)} with N = {N}: its powers never return to 1, "
                         "so it has no order. Pick an a with gcd(a, N) = 1.")
    return N, a


def multiplicative_order(N: int, a: int) -> int:
    """The order of a mod N: the smallest r >= 1 with a^r mod N = 1 (N&C sec. 5.3.1), by trying r = 1, 2, ...

    This is the number Shor's quantum circuit finds; classically it takes up to N steps, exponential in
    the number of digits. Limits: ``2 <= N <= MAX_ORDER_N`` (2^20), ``1 <= a < N`` with gcd(a, N) = 1.
    """
    N, a = _coprime_base(N, a)
    value, r = a % N, 1
    while value != 1:
        value, r = value * a % N, r + 1
    return r


def modular_powers(N: int, a: int, count: int) -> list[int]:
    """``[a^0 mod N, a^1 mod N, ..., a^(count-1) mod N]``: the sequence whose period is the order of a.

    Limits: ``2 <= N <= MAX_ORDER_N`` (2^20), ``1 <= a < N`` with gcd(a, N) = 1, ``1 <= count <= MAX_POWERS`` (1,000).
    """
    N, a = _coprime_base(N, a)
    count = whole("count", count, 1, MAX_POWERS)
    return [pow(a, x, N) for x in range(count)]


def _controlled_modmul_matrix(multiplier: int, N: int, n_work: int) -> np.ndarray:
    """Permutation matrix of |c>|x> -> |c>|multiplier * x mod N> if c = 1 (x < N), else unchanged.

    Qubit order (Qiskit, little-endian): bit 0 of the index is the control, the rest is x.
    """
    dim = 2 ** (n_work + 1)
    matrix = np.zeros((dim, dim))
    for index in range(dim):
        control, x = index & 1, index >> 1
        y = (multiplier * x) % N if (control and x < N) else x
        matrix[(y << 1) | control, index] = 1.0
    return matrix


def shor_circuit(N: int, a: int, n_count: int = 8):
    """Order-finding circuit for f(x) = a^x mod N (N&C fig. 5.4).

    ``n_count`` counting qubits in superposition control U^(2^j), U|x> = |a x mod N>, applied
    to a work register prepared in |1>; an inverse QFT turns the phase s/r into a readable
    binary fraction. Each controlled U^(2^j) is given to the simulator as one permutation
    matrix (a "compiled" oracle): a real machine needs a modular-arithmetic circuit of
    O(n^3) gates instead, which is where the millions of qubits of RSA-2048 estimates go.
    """
    N, a, n_count = validate_shor_inputs(N, a, n_count)
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import QFTGate, UnitaryGate

    n_work = _work_qubits(N)
    qc = QuantumCircuit(n_count + n_work, n_count, name=f"shor_{N}_{a}")
    qc.h(range(n_count))
    qc.x(n_count)  # work register = |1>
    for j in range(n_count):
        multiplier = pow(a, 2 ** j, N)
        gate = UnitaryGate(_controlled_modmul_matrix(multiplier, N, n_work), label=f"×{multiplier} mod {N}")
        qc.append(gate, [j, *range(n_count, n_count + n_work)])
    qc.append(QFTGate(n_count).inverse(), range(n_count))
    qc.measure(range(n_count), range(n_count))
    return qc


def order_from_phase(phase: float, N: int, a: int) -> int | None:
    """The order r suggested by a measured phase s/r, or None (N&C Theorem 5.1).

    Continued fractions give the closest fraction with denominator < N; if its denominator d
    is only a divisor of r (s and r shared a factor), small multiples of d are tried.
    Limits: ``phase`` in [0, 1], ``2 <= N <= MAX_ORDER_N`` (2^20), ``0 <= a < N``.
    """
    phase = real("phase", phase, 0.0, 1.0)
    N = whole("N", N, 2, MAX_ORDER_N)
    a = whole("a", a, 0, N - 1)
    if phase <= 0:
        return None
    d = Fraction(phase).limit_denominator(N - 1).denominator
    for r in range(d, N, d):
        if pow(a, r, N) == 1:
            return r
    return None


def factors_from_order(N: int, a: int, r: int | None) -> tuple[tuple[int, int] | None, str]:
    """The classical last step of Shor: factors from the order r, or why this r fails.

    Limits: ``2 <= N <= MAX_ORDER_N`` (2^20), ``0 <= a < N``, ``r`` None or in [1, N].
    """
    N = whole("N", N, 2, MAX_ORDER_N)
    a = whole("a", a, 0, N - 1)
    if r is not None:
        r = whole("r", r, 1, N)
    if r is None:
        return None, "no order found in this measurement"
    if pow(a, r, N) != 1:
        return None, f"{a}^{r} mod {N} != 1, so {r} is not the order"
    if r % 2:
        return None, f"the order r = {r} is odd: a^(r/2) is not an integer; pick another a"
    half = pow(a, r // 2, N)
    if half == N - 1:
        return None, f"a^(r/2) = -1 mod {N}: only trivial factors; pick another a"
    p, q = math.gcd(half - 1, N), math.gcd(half + 1, N)
    for f in (p, q):
        if 1 < f < N:
            return (min(f, N // f), max(f, N // f)), f"gcd({a}^{r // 2} ± 1, {N}) gives the factors"
    return None, "only trivial factors; pick another a"


@dataclass
class ShorResult:
    """Everything one Shor run measured and concluded."""

    N: int
    a: int
    n_count: int
    counts: dict[int, int]  # measured integer on the counting register -> shots
    shots: int
    n_qubits: int
    depth: int
    table: list[dict] = field(default_factory=list)  # per distinct outcome: phase, fraction, r guess
    order: int | None = None
    factors: tuple[int, int] | None = None
    reason: str = ""

    @property
    def true_order(self) -> int:
        return next(r for r in range(1, self.N) if pow(self.a, r, self.N) == 1)

    def summary(self) -> str:
        if self.factors:
            return f"N = {self.N} = {self.factors[0]} × {self.factors[1]} (order r = {self.order})"
        return f"No factors from a = {self.a}: {self.reason}"


def run_shor(N: int = 15, a: int = 7, n_count: int = 8, *, shots: int = 1024, seed: int | None = SEED) -> ShorResult:
    """Simulate order finding on Aer and run the classical post-processing on every outcome.

    Limits: ``N`` in ``SHOR_NS``, ``1 < a < N`` coprime to N, ``2 <= n_count <= MAX_COUNTING_QUBITS``
    (12; 18 qubits in all, a 4 MB statevector), ``1 <= shots <= MAX_SHOTS`` (100,000),
    ``seed`` None or in [0, 2**63 - 1] (default ``pqfl_kit.SEED``). Numpy integers are accepted.
    """
    N, a, n_count = validate_shor_inputs(N, a, n_count)
    shots = whole("shots", shots, 1, MAX_SHOTS)
    seed = aer_seed(seed)
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    qc = shor_circuit(N, a, n_count)
    sim = AerSimulator(seed_simulator=seed)
    compiled = transpile(qc, sim, optimization_level=0)
    raw = sim.run(compiled, shots=shots).result().get_counts()
    counts = {int(bits, 2): n for bits, n in raw.items()}
    result = ShorResult(N, a, n_count, counts, shots, qc.num_qubits, compiled.depth())
    votes: dict[int, int] = {}
    for value, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        phase = value / 2 ** n_count
        r = order_from_phase(phase, N, a)
        frac = Fraction(phase).limit_denominator(N - 1)
        result.table.append({"measured": value, "shots": n, "phase": phase,
                             "fraction": f"{frac.numerator}/{frac.denominator}", "r_guess": r})
        if r is not None:
            votes[r] = votes.get(r, 0) + n
    if votes:
        result.order = max(votes, key=lambda r: votes[r])
    result.factors, result.reason = factors_from_order(N, a, result.order)
    return result
