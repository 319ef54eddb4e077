"""Small quantum simulations for the primer (notebook 00a): one and two qubits, angles, the QFT, hashing.

Everything a learner meets before Shor (notebook 01) and E91 (notebook 03), kept tiny so each call
is instant:

* a qubit's state is two amplitudes; a measurement gives outcome k with probability |amplitude_k|²
  (the Born rule; Nielsen & Chuang, *Quantum Computation and Quantum Information*, section 2.2.3);
* ``prepare_angle(t)`` makes the real state cos(t/2)|0> + sin(t/2)|1>, the point at angle t from |0>
  towards |+> on the x-z circle of the Bloch sphere;
* measuring "along angle t" is Ry(−t) followed by a Z measurement, the convention of
  :mod:`pqfl_kit.qkd.e91`; for the Bell pair (|00> + |11>)/√2 with Alice at a and Bob at b the
  outcomes agree with probability cos²((a − b)/2), so E(a, b) = cos(a − b);
* ``qft_state`` applies the quantum Fourier transform (N&C section 5.1) to a state, which turns a
  periodic pattern into peaks at multiples of 2ⁿ/period: what Shor's order finding reads;
* ``eve_known_output_bits`` counts what an eavesdropper still knows about a key after a binary
  Toeplitz hash (privacy amplification, N&C section 12.6.4): none, once the output is shorter than
  what she does not know.

Shots are sampled from the exact Born probabilities with a seeded numpy Generator (the default seed
is ``pqfl_kit.SEED``), so learners see the same histograms. Qiskit is imported inside the functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import SEED
from ..limits import real, whole
from ..qkd.postprocess import EC_EFFICIENCY, binary_entropy

__all__ = ["MAX_SHOTS", "MAX_QUBITS", "MAX_KEY_BITS", "CHSH_ANGLES", "prepare_angle", "measure_along", "bell_pair",
           "bell_at_angles", "grover_two_qubits", "state_of", "probabilities_of", "sample_counts", "ket", "AngleRun",
           "measure_pairs", "agreement_theory", "correlation_theory", "chsh_theory", "chsh_simulated",
           "kickback_circuit", "periodic_state", "qft_state", "gf2_rank", "toeplitz_matrix", "eve_known_output_bits",
           "key_budget", "binary_entropy"]

#: most shots one call samples (a histogram of 100,000 outcomes is instant)
MAX_SHOTS = 100_000
#: widest circuit the helpers simulate (2**6 amplitudes: the primer needs at most 4 qubits)
MAX_QUBITS = 6
#: longest toy key ``eve_known_output_bits`` hashes
MAX_KEY_BITS = 256
#: Alice's a, a' and Bob's b, b' for the largest CHSH value of the Bell pair (Clauser et al. 1969)
CHSH_ANGLES = (0.0, math.pi / 2, math.pi / 4, 3 * math.pi / 4)


def _angle(name: str, value) -> float:
    return real(name, value, -4 * math.pi, 4 * math.pi)


# ---- circuits -----------------------------------------------------------------------------------
def prepare_angle(theta: float):
    """One qubit in cos(θ/2)|0> + sin(θ/2)|1>: Ry(θ) on |0>, the Bloch vector at angle θ from |0> towards |+>."""
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(1)
    circuit.ry(_angle("theta", theta), 0)
    return circuit


def measure_along(theta: float):
    """The gate that, followed by a Z measurement, measures along Bloch angle θ: Ry(−θ) (the E91 convention).

    It turns the direction θ back onto |0>, so outcome 0 means "along θ" and 1 "opposite to θ".
    """
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(1)
    circuit.ry(-_angle("theta", theta), 0)
    return circuit


def bell_pair():
    """H on qubit 0, then CNOT from qubit 0 to qubit 1: (|00> + |11>)/√2 from |00>."""
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    return circuit


def bell_at_angles(a: float, b: float, *, measure: bool = False):
    """A Bell pair, qubit 0 (Alice) measured along angle a and qubit 1 (Bob) along b (Ry(−a), Ry(−b))."""
    circuit = bell_pair()
    circuit.ry(-_angle("Alice's angle", a), 0)
    circuit.ry(-_angle("Bob's angle", b), 1)
    if measure:
        circuit.measure_all()
    return circuit


def grover_two_qubits() -> tuple[object, dict[str, np.ndarray]]:
    """Grover's search over 4 items with |11> marked: the circuit and the amplitudes after each step.

    Oracle: CZ flips the sign of |11>. Diffuser: H, X, CZ, X, H reflects every amplitude about their
    mean (Grover 1996). One round takes 1/2 on every item to certainty on |11>.
    """
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    stages = QuantumCircuit(2), QuantumCircuit(2), QuantumCircuit(2)
    stages[0].h([0, 1])
    stages[1].cz(0, 1)
    diffuser = stages[2]
    diffuser.h([0, 1])
    diffuser.x([0, 1])
    diffuser.cz(0, 1)
    diffuser.x([0, 1])
    diffuser.h([0, 1])
    diffuser.global_phase = math.pi  # H X CZ X H = −(2|s><s| − I): the sign makes it the textbook reflection
    circuit, state, steps = QuantumCircuit(2), Statevector.from_label("00"), {}
    for name, stage in zip(("equal superposition", "after the oracle", "after the diffuser"), stages):
        circuit.compose(stage, inplace=True)
        circuit.barrier()
        state = state.evolve(stage)
        steps[name] = np.asarray(state.data)
    return circuit, steps


# ---- states, probabilities, shots ---------------------------------------------------------------
def state_of(circuit) -> np.ndarray:
    """The amplitudes a circuit prepares from |0...0> (measurements at the end are dropped), Qiskit's order."""
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector

    if not isinstance(circuit, QuantumCircuit):
        raise TypeError(f"expected a QuantumCircuit, got {type(circuit).__name__}")
    whole("the number of qubits", circuit.num_qubits, 1, MAX_QUBITS)
    return np.asarray(Statevector(circuit.remove_final_measurements(inplace=False)).data)


def probabilities_of(amplitudes) -> np.ndarray:
    """The Born rule: the probability of each outcome is |amplitude|²; the amplitudes must be normalised."""
    state = np.asarray(amplitudes, dtype=complex)
    if state.ndim != 1 or state.size < 2 or state.size & (state.size - 1):
        raise ValueError("give 2, 4, 8, ... amplitudes: one per outcome of 1, 2, 3, ... qubits")
    probs = np.abs(state) ** 2
    if not math.isclose(float(probs.sum()), 1.0, abs_tol=1e-6):
        raise ValueError(f"the squared amplitudes add up to {probs.sum():.4f}, not 1: normalise the state")
    return probs


def sample_counts(circuit_or_state, shots: int = 1000, seed: int | None = SEED) -> dict[str, int]:
    """Measure ``shots`` fresh copies: {"00": count, ...} for every outcome, labels in Qiskit's order.

    The label's rightmost character is qubit 0. Outcomes are drawn from the exact probabilities with a
    numpy Generator (``seed``; ``None`` = fresh randomness). ``shots`` is at most ``MAX_SHOTS``.
    """
    shots = whole("shots", shots, 1, MAX_SHOTS)
    state = circuit_or_state if isinstance(circuit_or_state, (np.ndarray, list, tuple)) else state_of(circuit_or_state)
    probs = probabilities_of(state)
    counts = np.random.default_rng(seed).multinomial(shots, probs / probs.sum())
    width = int(round(math.log2(len(probs))))
    return {format(k, f"0{width}b"): int(c) for k, c in enumerate(counts)}


def ket(state, digits: int = 2) -> str:
    """A state as ``0.71|00> + 0.71|11>`` (Qiskit's order: qubit 0 is the rightmost label)."""
    from ..exercises.circuits import ket_text

    return ket_text(np.asarray(state, dtype=complex), digits)


# ---- measuring a Bell pair at two angles (what E91 does) -----------------------------------------
def agreement_theory(a: float, b: float) -> float:
    """Probability that Alice (angle a) and Bob (angle b) get equal bits from (|00> + |11>)/√2: cos²((a−b)/2)."""
    return math.cos((a - b) / 2) ** 2


def correlation_theory(a: float, b: float) -> float:
    """E(a, b) = P(equal) − P(different) = cos(a − b) for (|00> + |11>)/√2 (Ekert 1991)."""
    return math.cos(a - b)


@dataclass(frozen=True)
class AngleRun:
    """``shots`` Bell pairs measured at angles a (Alice) and b (Bob)."""

    a: float
    b: float
    shots: int
    counts: dict[str, int]

    @property
    def agree(self) -> float:
        """Fraction of pairs with equal bits (outcomes 00 and 11)."""
        return (self.counts["00"] + self.counts["11"]) / self.shots

    @property
    def correlation(self) -> float:
        """Measured E = P(equal) − P(different)."""
        return 2 * self.agree - 1

    @property
    def stderr(self) -> float:
        """Standard error of ``agree`` (binomial): √(p(1−p)/shots) at the theoretical p."""
        p = agreement_theory(self.a, self.b)
        return math.sqrt(max(p * (1 - p), 0.0) / self.shots)


def measure_pairs(a: float, b: float, shots: int = 1000, seed: int | None = SEED) -> AngleRun:
    """Simulate ``shots`` Bell pairs measured along a and b (radians) with Qiskit; the counts, seeded."""
    counts = sample_counts(bell_at_angles(a, b), shots, seed)
    return AngleRun(float(a), float(b), int(shots), counts)


def chsh_theory(angles: tuple[float, float, float, float] = CHSH_ANGLES) -> float:
    """S = E(a,b) − E(a,b') + E(a',b) + E(a',b') for the Bell pair: 2√2 at ``CHSH_ANGLES``; classical |S| ≤ 2."""
    a, a2, b, b2 = angles
    e = correlation_theory
    return e(a, b) - e(a, b2) + e(a2, b) + e(a2, b2)


def chsh_simulated(shots: int = 2000, seed: int = SEED) -> tuple[float, dict[str, float]]:
    """S from four simulated runs of ``shots`` pairs each (one per pair of angles), and each measured E."""
    a, a2, b, b2 = CHSH_ANGLES
    terms = {"E(a,b)": (a, b, 1), "E(a,b')": (a, b2, -1), "E(a',b)": (a2, b, 1), "E(a',b')": (a2, b2, 1)}
    measured = {name: measure_pairs(x, y, shots, seed + i).correlation
                for i, (name, (x, y, _)) in enumerate(terms.items())}
    return sum(sign * measured[name] for name, (_, _, sign) in terms.items()), measured


# ---- phase, kickback and the QFT ------------------------------------------------------------------
def kickback_circuit(phi: float, *, read_out: bool = False):
    """Phase kickback: control qubit 0 in |+>, target qubit 1 in |1>, a controlled phase e^{iφ}.

    The target is an eigenstate of the phase gate, so it stays |1> and the control becomes
    (|0> + e^{iφ}|1>)/√2: the phase moved onto the control. ``read_out`` adds an H on the control,
    after which P(control = 0) = cos²(φ/2), how phase estimation turns a phase into counts (N&C 5.2).
    """
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.x(1)
    circuit.cp(_angle("phi", phi), 0, 1)
    if read_out:
        circuit.h(0)
    return circuit


def periodic_state(n_qubits: int, period: int, offset: int = 0) -> np.ndarray:
    """Equal amplitudes on offset, offset + period, offset + 2·period, ... below 2ⁿ (zero elsewhere)."""
    n_qubits = whole("n_qubits", n_qubits, 1, MAX_QUBITS)
    size = 2 ** n_qubits
    period = whole("period", period, 1, size)
    offset = whole("offset", offset, 0, period - 1)
    state = np.zeros(size, dtype=complex)
    state[offset::period] = 1.0
    return state / np.linalg.norm(state)


def qft_state(state) -> np.ndarray:
    """The quantum Fourier transform of a state (Qiskit's ``QFTGate``): amplitude k = Σ_x e^{2πi xk/2ⁿ} a_x / √2ⁿ."""
    from qiskit.circuit.library import QFTGate
    from qiskit.quantum_info import Statevector

    vector = np.asarray(state, dtype=complex)
    probabilities_of(vector)  # validates the size and normalisation
    n = int(round(math.log2(len(vector))))
    whole("the number of qubits", n, 1, MAX_QUBITS)
    return np.asarray(Statevector(vector).evolve(QFTGate(n)).data)


# ---- privacy amplification in miniature -----------------------------------------------------------
def gf2_rank(matrix) -> int:
    """The rank of a 0/1 matrix over GF(2) (arithmetic modulo 2), by Gaussian elimination."""
    rows = np.array(matrix, dtype=np.uint8) % 2
    rank = 0
    for col in range(rows.shape[1] if rows.ndim == 2 else 0):
        pivot = next((r for r in range(rank, rows.shape[0]) if rows[r, col]), None)
        if pivot is None:
            continue
        rows[[rank, pivot]] = rows[[pivot, rank]]
        below = rows[:, col].astype(bool)
        below[rank] = False
        rows[below] ^= rows[rank]
        rank += 1
    return rank


def toeplitz_matrix(out_bits: int, in_bits: int, seed: int | None = SEED) -> np.ndarray:
    """A random binary Toeplitz matrix (constant diagonals: out_bits + in_bits − 1 random bits), as notebook 03 uses."""
    diagonals = np.random.default_rng(seed).integers(0, 2, out_bits + in_bits - 1, dtype=np.uint8)
    i, j = np.indices((out_bits, in_bits))
    return diagonals[i - j + in_bits - 1]


def eve_known_output_bits(key_bits: int, eve_knows: int, out_bits: int, seed: int | None = SEED) -> int:
    """How many bits' worth Eve knows of a hashed key when she knew ``eve_knows`` of the ``key_bits`` bits.

    The hash is y = M x (mod 2) with a random Toeplitz M. Eve knows x on some positions; the others are
    uniformly random to her, so y is uniform over a set of 2^r values, r = rank of M on her unknown
    columns. She knows ``out_bits − r`` bits' worth of y: 0 once the output is short enough (r = out_bits).
    """
    key_bits = whole("key_bits", key_bits, 1, MAX_KEY_BITS)
    eve_knows = whole("eve_knows", eve_knows, 0, key_bits)
    out_bits = whole("out_bits", out_bits, 1, key_bits)
    matrix = toeplitz_matrix(out_bits, key_bits, seed)
    unknown = matrix[:, eve_knows:]  # which positions she knows does not matter for a random hash
    return out_bits - gf2_rank(unknown)


def key_budget(sifted_bits: int, qber: float, eve_bits_per_bit: float,
               ec_efficiency: float = EC_EFFICIENCY) -> dict[str, int]:
    """Where a sifted key's bits go: error correction reveals about f·h(QBER) per bit, Eve may know e per bit.

    What remains, n·(1 − e − f·h(QBER)), is what privacy amplification can keep (notebook 03 adds the
    finite-size margins). ``f`` is the error-correction efficiency (1.2 for Cascade, 1 is Shannon's limit).
    """
    n = whole("sifted_bits", sifted_bits, 0, 10**9)
    q = real("qber", qber, 0.0, 0.5)
    e = real("eve_bits_per_bit", eve_bits_per_bit, 0.0, 1.0)
    f = real("ec_efficiency", ec_efficiency, 1.0, 2.0)
    leaked = math.ceil(n * f * binary_entropy(q))
    eve = math.ceil(n * e)
    return {"sifted": n, "revealed by error correction": leaked, "Eve may know": eve,
            "secret after hashing": max(n - leaked - eve, 0)}
