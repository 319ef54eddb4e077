"""Quantum threats to today's medical-IoT crypto: Shor, Grover, a toy RSA record, Mosca.

* Shor's order finding (Shor 1994; Nielsen & Chuang, *Quantum Computation and Quantum
  Information*, sec. 5.3) simulated on Qiskit Aer, then the classical post-processing:
  continued fractions (N&C Box 5.3 / Theorem 5.1) and gcd(a^(r/2) +- 1, N).
* Grover search (Grover 1996; N&C sec. 6.1): success probability sin^2((2k+1) theta) with
  sin(theta) = 1/sqrt(2^n), against simulated shots.
* Textbook RSA (Rivest, Shamir, Adleman 1978) on a key small enough for the simulated circuit:
  deliberately insecure, to make "harvest now, decrypt later" concrete.
* Mosca's inequality (Mosca, "Cybersecurity in an era with quantum computers: will we be
  ready?", IEEE Security & Privacy 16(5), 2018): data is at risk if x + y > z.

Qiskit is imported inside the functions that need it, so ``import pqfl_kit.threats`` is instant.

Size limits (a ``ValueError`` naming the limit, checked before any circuit is built), chosen so
that the largest allowed call runs in seconds on a 2 GB Binder pod:

* ``N`` in ``SHOR_NS`` and 2..``MAX_COUNTING_QUBITS`` (12) counting qubits: at most 12 + 6 = 18
  simulated qubits, a 2^18 x 16 B = 4 MB statevector.
* ``shots`` 1..``MAX_SHOTS`` (100,000): Aer samples them in about 1.5 s; the counts hold at most
  2^12 outcomes.
* Grover: 2..6 qubits (64 amplitudes) and 0..``MAX_GROVER_ITERATIONS`` (50) iterations:
  ``run_grover`` builds 51 circuits with 1,275 Grover steps in all, about 5 s at 6 qubits.
* Theory only (no simulation): ``grover_optimal_iterations``/``grover_theory`` take up to
  ``MAX_THEORY_QUBITS`` (512) qubits (2^512 still fits a float), ``grover_key_strength`` up to
  ``MAX_KEY_BITS`` (65,536) bits.
* Toy RSA: primes up to ``MAX_TOY_PRIME`` (65,536; trial division needs <= 256 steps), records
  up to ``MAX_RECORD_BYTES`` (10,000 bytes); ``order_from_phase``/``factors_from_order`` take
  ``N`` up to ``MAX_ORDER_N`` (2^20: at most a million modular powers, well under a second).
* Seeds: ``None`` or a whole number in [0, 2^63 - 1] (Aer's range).

Whole numbers may be numpy integers; bools and floats such as 1.5 are refused (``TypeError``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from pqfl_kit.limits import real, whole

__all__ = [
    "SHOR_NS", "validate_shor_inputs", "shor_circuit", "run_shor", "ShorResult", "order_from_phase",
    "factors_from_order", "ToyRSAKey", "toy_rsa_key", "rsa_encrypt_record", "rsa_decrypt_record",
    "break_toy_rsa", "grover_circuit", "grover_optimal_iterations", "grover_theory",
    "run_grover", "GroverResult", "grover_key_strength", "mosca", "MoscaVerdict",
    "HOSPITAL_CRYPTO", "RSA2048_ESTIMATES", "MAX_COUNTING_QUBITS", "MAX_SHOTS", "MAX_GROVER_ITERATIONS",
    "MAX_THEORY_QUBITS", "MAX_KEY_BITS", "MAX_TOY_PRIME", "MAX_RECORD_BYTES", "MAX_ORDER_N",
]

SHOR_NS = (15, 21, 33, 35)  # odd semiprimes the simulator handles in about a second
MAX_COUNTING_QUBITS = 12  # + at most 6 work qubits: a 4 MB statevector
MAX_SHOTS = 100_000  # ~1.5 s of Aer sampling at the largest Shor circuit
MAX_GROVER_ITERATIONS = 50  # run_grover: 51 circuits, ~5 s at 6 qubits
MAX_THEORY_QUBITS = 512  # formulas only: 2^512 fits a float
MAX_KEY_BITS = 65_536
MAX_TOY_PRIME = 65_536  # trial division up to 256
MAX_RECORD_BYTES = 10_000
MAX_ORDER_N = 2**20  # order_from_phase tries at most N modular powers
MAX_SEED = 2**63 - 1


def _seed(seed):
    return None if seed is None else whole("seed", seed, 0, MAX_SEED)


# --------------------------------------------------------------------------------------- Shor
def _work_qubits(N: int) -> int:
    return max(1, math.ceil(math.log2(N)))


def validate_shor_inputs(N: int, a: int, n_count: int) -> tuple[int, int, int]:
    """Raise ValueError with a learner-friendly message if (N, a, n_count) cannot be run.

    Returns ``(N, a, n_count)`` as Python ints (numpy integers are accepted).
    Limits: ``N`` in ``SHOR_NS``, ``1 < a < N``, ``2 <= n_count <= MAX_COUNTING_QUBITS`` (12).
    """
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (N, a, n_count)):
        raise TypeError("N, a and the number of counting qubits must be whole numbers.")
    N, a, n_count = int(N), int(a), int(n_count)
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


def run_shor(N: int = 15, a: int = 7, n_count: int = 8, *, shots: int = 1024, seed: int | None = 2026) -> ShorResult:
    """Simulate order finding on Aer and run the classical post-processing on every outcome.

    Limits: ``N`` in ``SHOR_NS``, ``1 < a < N`` coprime to N, ``2 <= n_count <= MAX_COUNTING_QUBITS``
    (12; 18 qubits in all, a 4 MB statevector), ``1 <= shots <= MAX_SHOTS`` (100,000),
    ``seed`` None or in [0, 2**63 - 1]. Numpy integers are accepted.
    """
    N, a, n_count = validate_shor_inputs(N, a, n_count)
    shots = whole("shots", shots, 1, MAX_SHOTS)
    seed = _seed(seed)
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
        result.order = max(votes, key=votes.get)
    result.factors, result.reason = factors_from_order(N, a, result.order)
    return result


# ------------------------------------------------------------------------------ toy RSA
@dataclass(frozen=True)
class ToyRSAKey:
    """Textbook RSA key (RSA 1978). Insecure on purpose: N is small enough for Shor above."""

    n: int
    e: int
    d: int | None = None  # None for a public key

    def __post_init__(self) -> None:
        n = whole("n", self.n, 6, MAX_TOY_PRIME ** 2)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "e", whole("e", self.e, 1, n))
        if self.d is not None:
            object.__setattr__(self, "d", whole("d", self.d, 1, n))

    @property
    def public(self) -> ToyRSAKey:
        return ToyRSAKey(self.n, self.e)


def toy_rsa_key(p: int, q: int) -> ToyRSAKey:
    """Key from two distinct primes; e is the smallest public exponent > 2 whose inverse d differs.

    For N = 15, 21 or 35 every valid e is its own inverse modulo (p-1)(q-1), so the "private"
    exponent would equal the public one and nobody would need Shor: such moduli are refused.
    Limits: ``p, q <= MAX_TOY_PRIME`` (65,536: trial division takes at most 256 steps).
    """
    p, q = whole("p", p, None, MAX_TOY_PRIME), whole("q", q, None, MAX_TOY_PRIME)
    for name, v in (("p", p), ("q", q)):
        if v < 2 or any(v % k == 0 for k in range(2, int(v ** 0.5) + 1)):
            raise ValueError(f"{name} = {v} is not a prime.")
    if p == q:
        raise ValueError("p and q must be different primes.")
    phi = (p - 1) * (q - 1)
    for e in range(3, phi):
        if math.gcd(e, phi) == 1 and pow(e, -1, phi) != e:
            return ToyRSAKey(p * q, e, pow(e, -1, phi))
    raise ValueError(f"For N = {p * q} every public exponent is its own private exponent (d = e): "
                     f"the key would protect nothing. Use larger primes, e.g. 3 and 11.")


def _digits_per_byte(n: int) -> int:
    return math.ceil(math.log(256, n))


def rsa_encrypt_record(record: str, key: ToyRSAKey) -> list[int]:
    """Encrypt a short text record: every byte as base-N digits, each digit m -> m^e mod N.

    Limit: at most ``MAX_RECORD_BYTES`` (10,000) bytes of UTF-8.
    """
    if not isinstance(record, str):
        raise TypeError(f"record must be a string, got {type(record).__name__}.")
    if not isinstance(key, ToyRSAKey):
        raise TypeError(f"key must be a ToyRSAKey, got {type(key).__name__}.")
    if len(record) > MAX_RECORD_BYTES or len(record.encode()) > MAX_RECORD_BYTES:
        raise ValueError(f"record is longer than the limit MAX_RECORD_BYTES = {MAX_RECORD_BYTES:,} bytes.")
    width = _digits_per_byte(key.n)
    out = []
    for byte in record.encode():
        digits = [(byte // key.n ** i) % key.n for i in range(width)]
        out.extend(pow(m, key.e, key.n) for m in digits)
    return out


def rsa_decrypt_record(ciphertext: list[int], key: ToyRSAKey) -> str:
    """Decrypt with the private exponent d; raises ValueError if the key does not fit.

    Limit: at most ``MAX_RECORD_BYTES`` (10,000) bytes' worth of ciphertext numbers, each in [0, N).
    """
    if not isinstance(key, ToyRSAKey):
        raise TypeError(f"key must be a ToyRSAKey, got {type(key).__name__}.")
    if key.d is None:
        raise ValueError("This is a public key: decryption needs the private exponent d.")
    width = _digits_per_byte(key.n)
    if len(ciphertext) > MAX_RECORD_BYTES * width:
        raise ValueError(f"ciphertext is longer than the limit of MAX_RECORD_BYTES = {MAX_RECORD_BYTES:,} bytes "
                         f"({MAX_RECORD_BYTES * width:,} numbers for this key).")
    if len(ciphertext) % width:
        raise ValueError("Ciphertext length does not match this key's block size.")
    ciphertext = [whole("ciphertext number", c, 0, key.n - 1) for c in ciphertext]
    digits = [pow(c, key.d, key.n) for c in ciphertext]
    data = bytes(sum(d * key.n ** i for i, d in enumerate(digits[k:k + width])) % 256
                 for k in range(0, len(digits), width))
    try:
        return data.decode()
    except UnicodeDecodeError as error:
        raise ValueError("Decryption gave garbage: wrong key.") from error


def break_toy_rsa(public: ToyRSAKey, factors: tuple[int, int]) -> ToyRSAKey:
    """Rebuild the private key from the public key and the factors Shor found.

    Limits: each factor in [2, MAX_TOY_PRIME] (65,536).
    """
    if not isinstance(public, ToyRSAKey):
        raise TypeError(f"public must be a ToyRSAKey, got {type(public).__name__}.")
    if not isinstance(factors, (tuple, list)) or len(factors) != 2:
        raise TypeError("factors must be a pair (p, q), e.g. shor.factors.")
    p, q = whole("p", factors[0], 2, MAX_TOY_PRIME), whole("q", factors[1], 2, MAX_TOY_PRIME)
    if p * q != public.n:
        raise ValueError(f"{p} × {q} != N = {public.n}: these are not the factors.")
    phi = (p - 1) * (q - 1)
    if math.gcd(public.e, phi) != 1:
        raise ValueError(f"e = {public.e} has no inverse modulo (p-1)(q-1) = {phi}: not a valid RSA key.")
    return ToyRSAKey(public.n, public.e, pow(public.e, -1, phi))


# ----------------------------------------------------------------------------- Grover
def grover_optimal_iterations(n_qubits: int, n_marked: int = 1) -> int:
    """floor(pi/4 * sqrt(N/M)) iterations maximise the success probability (N&C eq. 6.17).

    Limits: ``1 <= n_qubits <= MAX_THEORY_QUBITS`` (512), ``1 <= n_marked <= 2**n_qubits``.
    """
    n_qubits = whole("n_qubits", n_qubits, 1, MAX_THEORY_QUBITS)
    n_marked = whole("n_marked", n_marked, 1, 2 ** n_qubits)
    return max(1, math.floor(math.pi / 4 * math.sqrt(2 ** n_qubits / n_marked)))


def grover_theory(n_qubits: int, iterations: int | np.ndarray) -> np.ndarray:
    """P(success) = sin^2((2k+1) theta), sin theta = 1/sqrt(2^n) (one marked item).

    Limits: ``1 <= n_qubits <= MAX_THEORY_QUBITS`` (512); ``iterations`` in [0, 2**53] (a number
    or an array of them, e.g. ``np.linspace`` for a smooth curve; beyond 2**53 a float cannot
    tell k from k + 1).
    """
    n_qubits = whole("n_qubits", n_qubits, 1, MAX_THEORY_QUBITS)
    scalar = np.ndim(iterations) == 0
    if isinstance(iterations, bool) or (scalar and not isinstance(iterations, (int, float, np.number))):
        raise TypeError(f"iterations must be a number or an array of numbers, got {type(iterations).__name__}.")
    k = np.asarray(iterations)
    if k.dtype.kind == "O":  # Python ints beyond int64
        try:
            k = k.astype(np.float64)
        except (TypeError, ValueError, OverflowError):
            raise TypeError("iterations must be numbers.") from None
    if k.dtype.kind not in "iuf":
        raise TypeError(f"iterations must be numbers, got an array of {k.dtype}.")
    k = k.astype(np.float64)
    if k.size and not (np.all(np.isfinite(k)) and np.all(k >= 0) and np.all(k <= 2.0**53)):
        raise ValueError("iterations must be finite numbers in [0, 2**53 = 9,007,199,254,740,992].")
    theta = math.asin(1 / math.sqrt(2 ** n_qubits))
    return np.sin((2 * k + 1) * theta) ** 2


def _validate_grover(n_qubits: int, marked: int) -> tuple[int, int]:
    n_qubits, marked = whole("n_qubits", n_qubits), whole("marked", marked)
    if not 2 <= n_qubits <= 6:
        raise ValueError(f"Grover here runs on 2 to 6 qubits (n_qubits), got {n_qubits}.")
    if not 0 <= marked < 2 ** n_qubits:
        raise ValueError(f"The marked key must be between 0 and {2 ** n_qubits - 1} for {n_qubits} qubits.")
    return n_qubits, marked


def _iterations(name: str, value) -> int:
    return whole(name, value, 0, MAX_GROVER_ITERATIONS)


def grover_circuit(n_qubits: int, marked: int, iterations: int):
    """Uniform superposition, then ``iterations`` x (oracle marking |marked>, diffusion).

    Limits: 2..6 qubits, ``0 <= marked < 2**n_qubits``, ``0 <= iterations <= MAX_GROVER_ITERATIONS`` (50).
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    iterations = _iterations("iterations", iterations)
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import ZGate, grover_operator
    oracle = QuantumCircuit(n_qubits, name="oracle")
    zeros = [q for q in range(n_qubits) if not (marked >> q) & 1]
    if zeros:
        oracle.x(zeros)
    oracle.append(ZGate().control(n_qubits - 1, annotated=False), range(n_qubits))  # phase -1 on |11..1>
    if zeros:
        oracle.x(zeros)
    step = grover_operator(oracle)
    qc = QuantumCircuit(n_qubits, n_qubits, name=f"grover_{n_qubits}_{marked}")
    qc.h(range(n_qubits))
    for _ in range(iterations):
        qc.compose(step, inplace=True)
    qc.measure(range(n_qubits), range(n_qubits))
    return qc


@dataclass
class GroverResult:
    n_qubits: int
    marked: int
    iterations: list[int]
    simulated: list[float]  # measured success rate per iteration count
    theory: list[float]
    shots: int


def run_grover(n_qubits: int = 4, marked: int = 11, max_iterations: int | None = None, *,
               shots: int = 512, seed: int | None = 2026) -> GroverResult:
    """Success rate for 0..max_iterations Grover iterations, simulated and in theory.

    Limits: 2..6 qubits (64 amplitudes), ``0 <= marked < 2**n_qubits``,
    ``0 <= max_iterations <= MAX_GROVER_ITERATIONS`` (50: 51 circuits, ~5 s at 6 qubits; default
    2 x the optimum + 1), ``1 <= shots <= MAX_SHOTS`` (100,000), ``seed`` None or in [0, 2**63 - 1].
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    if max_iterations is None:
        max_iterations = 2 * grover_optimal_iterations(n_qubits) + 1
    max_iterations = _iterations("max_iterations", max_iterations)
    shots = whole("shots", shots, 1, MAX_SHOTS)
    seed = _seed(seed)
    from qiskit import transpile
    from qiskit_aer import AerSimulator
    ks = list(range(0, max_iterations + 1))
    sim = AerSimulator(seed_simulator=seed)
    circuits = transpile([grover_circuit(n_qubits, marked, k) for k in ks], sim, optimization_level=1)
    results = sim.run(circuits, shots=shots).result()
    target = format(marked, f"0{n_qubits}b")
    simulated = [results.get_counts(i).get(target, 0) / shots for i in range(len(ks))]
    return GroverResult(n_qubits, marked, ks, simulated, [float(p) for p in grover_theory(n_qubits, ks)], shots)


def grover_key_strength(key_bits: int) -> dict:
    """Classical brute force costs 2^k trials; Grover ~ (pi/4) 2^(k/2) sequential iterations.

    Limit: ``1 <= key_bits <= MAX_KEY_BITS`` (65,536).
    """
    key_bits = whole("key_bits", key_bits, 1, MAX_KEY_BITS)
    return {"key_bits": key_bits, "classical_log2": key_bits,
            "grover_log2": round(key_bits / 2 + math.log2(math.pi / 4), 1)}


# ---------------------------------------------------------------------- Mosca + tables
@dataclass(frozen=True)
class MoscaVerdict:
    """Mosca's inequality: x (shelf life) + y (migration time) > z (years to a CRQC) -> at risk."""

    x: float
    y: float
    z: float

    @property
    def exposed_years(self) -> float:
        """Years the last data encrypted before the migration ends stays sensitive after z."""
        return max(0.0, self.x + self.y - self.z)

    @property
    def exposed_years_today(self) -> float:
        """Years data encrypted today stays sensitive after a quantum computer arrives."""
        return max(0.0, self.x - self.z)

    @property
    def at_risk(self) -> bool:
        return self.x + self.y > self.z

    @property
    def text(self) -> str:
        if self.at_risk:
            today = (f" Even data encrypted today stays sensitive for {self.exposed_years_today:g} years after that."
                     if self.exposed_years_today > 0 else "")
            return (f"AT RISK: x + y = {self.x + self.y:g} > z = {self.z:g}. Records encrypted until the migration "
                    f"ends can be harvested and read while still sensitive, for up to {self.exposed_years:g} years "
                    f"after a quantum computer arrives.{today} Start migrating to post-quantum crypto now.")
        return (f"SAFE FOR NOW: x + y = {self.x + self.y:g} <= z = {self.z:g}, a margin of "
                f"{self.z - self.x - self.y:g} years. Keep watching z: estimates keep moving.")


def mosca(x: float, y: float, z: float) -> MoscaVerdict:
    """Validate the three durations (years, >= 0) and return the verdict."""
    for name, value in (("x (shelf life)", x), ("y (migration time)", y), ("z (years to a quantum computer)", z)):
        if not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
            raise TypeError(f"{name} must be a number of years.")
        if not 0 <= value <= 200:
            raise ValueError(f"{name} must be between 0 and 200 years, got {value}.")
    return MoscaVerdict(float(x), float(y), float(z))


# Which algorithms in a hospital's stack Shor breaks, Grover weakens, or neither (NIST IR 8547
# ipd, 2024, "Transition to Post-Quantum Cryptography Standards"; FIPS 203/204; SP 800-232).
HOSPITAL_CRYPTO = [
    {"algorithm": "RSA-2048", "used_for": "TLS certificates, HL7/FHIR API signatures", "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "ECDH / ECDSA P-256", "used_for": "TLS key exchange, device firmware signing", "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "Diffie-Hellman (finite field)", "used_for": "VPNs, legacy TLS", "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "AES-128", "used_for": "disk and database encryption", "quantum": "Grover: ~2^64 iterations", "status": "weakened"},
    {"algorithm": "Ascon-AEAD128", "used_for": "sensor streams (lightweight)", "quantum": "Grover: ~2^64 iterations", "status": "weakened"},
    {"algorithm": "AES-256", "used_for": "EHR backups, records at rest", "quantum": "Grover: ~2^128 iterations", "status": "safe"},
    {"algorithm": "SHA-256 / SHA3-256", "used_for": "integrity, HMAC", "quantum": "Grover: preimages ~2^128", "status": "safe"},
    {"algorithm": "ML-KEM-768 (FIPS 203)", "used_for": "post-quantum key exchange", "quantum": "no known quantum attack", "status": "safe"},
    {"algorithm": "ML-DSA-65 (FIPS 204)", "used_for": "post-quantum signatures", "quantum": "no known quantum attack", "status": "safe"},
]

# Published resource estimates for factoring RSA-2048 on a quantum computer.
RSA2048_ESTIMATES = [
    {"source": "Beauregard, Quantum Inf. Comput. 3(2), 2003", "qubits": "4,099 logical (2n+3)",
     "time": "O(n^3) gates, no error-correction costed"},
    {"source": "Gidney & Ekerå, Quantum 5, 433 (2021), arXiv:1905.09749", "qubits": "20 million noisy",
     "time": "8 hours"},
    {"source": "Gidney, arXiv:2505.15917 (2025)", "qubits": "< 1 million noisy", "time": "< 1 week"},
]
