"""Grover search (Grover 1996; Nielsen & Chuang sec. 6.1): success probability sin^2((2k+1) theta)
with sin(theta) = 1/sqrt(2^n), against shots simulated on Qiskit Aer.

Qiskit is imported inside the functions that need it, so importing this module is instant.

Limits (a ``ValueError`` naming the limit):

* Simulation: 2..6 qubits (64 amplitudes) and 0..``MAX_GROVER_ITERATIONS`` (50) iterations:
  ``run_grover`` builds 51 circuits with 1,275 Grover steps in all, about 5 s at 6 qubits;
  ``shots`` 1..``MAX_SHOTS`` (100,000); seeds ``None`` or in [0, 2^63 - 1], default ``pqfl_kit.SEED``.
* Theory only (no simulation): ``grover_optimal_iterations``/``grover_theory`` take up to
  ``MAX_THEORY_QUBITS`` (512) qubits (2^512 still fits a float), ``grover_key_strength`` up to
  ``MAX_KEY_BITS`` (65,536) bits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from pqfl_kit import SEED
from pqfl_kit.limits import whole

from .shor import MAX_SHOTS, aer_seed

__all__ = ["MAX_GROVER_ITERATIONS", "MAX_THEORY_QUBITS", "MAX_KEY_BITS", "grover_optimal_iterations",
           "grover_theory", "grover_angle", "grover_amplitudes", "grover_oracle", "grover_circuit", "GroverResult",
           "run_grover", "grover_key_strength"]

MAX_GROVER_ITERATIONS = 50  # run_grover: 51 circuits, ~5 s at 6 qubits
MAX_THEORY_QUBITS = 512  # formulas only: 2^512 fits a float
MAX_KEY_BITS = 65_536


def grover_optimal_iterations(n_qubits: int, n_marked: int = 1) -> int:
    """floor(pi/4 * sqrt(N/M)) iterations maximise the success probability (N&C eq. 6.17).

    Limits: ``1 <= n_qubits <= MAX_THEORY_QUBITS`` (512), ``1 <= n_marked <= 2**n_qubits``.
    """
    n_qubits = whole("n_qubits", n_qubits, 1, MAX_THEORY_QUBITS)
    n_marked = whole("n_marked", n_marked, 1, 2 ** n_qubits)
    return max(1, math.floor(math.pi / 4 * math.sqrt(2 ** n_qubits / n_marked)))


def grover_theory(n_qubits: int, iterations: ArrayLike) -> np.ndarray:
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
    return np.sin((2 * k + 1) * grover_angle(n_qubits)) ** 2


def _validate_grover(n_qubits: int, marked: int) -> tuple[int, int]:
    n_qubits, marked = whole("n_qubits", n_qubits), whole("marked", marked)
    if not 2 <= n_qubits <= 6:
        raise ValueError(f"Grover here runs on 2 to 6 qubits (n_qubits), got {n_qubits}.")
    if not 0 <= marked < 2 ** n_qubits:
        raise ValueError(f"The marked key must be between 0 and {2 ** n_qubits - 1} for {n_qubits} qubits.")
    return n_qubits, marked


def _iterations(name: str, value) -> int:
    return whole(name, value, 0, MAX_GROVER_ITERATIONS)


def grover_angle(n_qubits: int) -> float:
    """The angle θ with sin θ = 1/√(2^n) (radians): each Grover iteration turns the state by 2θ
    towards the marked item (Nielsen & Chuang sec. 6.1.3). Limit: ``1 <= n_qubits <= MAX_THEORY_QUBITS``."""
    n_qubits = whole("n_qubits", n_qubits, 1, MAX_THEORY_QUBITS)
    return math.asin(1 / math.sqrt(2 ** n_qubits))


def grover_amplitudes(n_qubits: int, marked: int, iterations: int) -> list[tuple[str, np.ndarray]]:
    """The 2^n amplitudes after each half-step of Grover's search, computed exactly with numpy.

    Returns ``[("start", a0), ("oracle 1", ...), ("diffuser 1", ...), ...]``: the oracle flips the sign
    of the marked amplitude, the diffuser reflects every amplitude about their mean (a -> 2·mean - a;
    Grover 1996, "inversion about average"). All amplitudes stay real.
    Limits: 2..6 qubits, ``0 <= marked < 2**n_qubits``, ``0 <= iterations <= MAX_GROVER_ITERATIONS`` (50).
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    iterations = _iterations("iterations", iterations)
    amplitudes = np.full(2 ** n_qubits, 1 / math.sqrt(2 ** n_qubits))
    stages = [("start", amplitudes.copy())]
    for k in range(1, iterations + 1):
        amplitudes[marked] *= -1
        stages.append((f"oracle {k}", amplitudes.copy()))
        amplitudes = 2 * amplitudes.mean() - amplitudes
        stages.append((f"diffuser {k}", amplitudes.copy()))
    return stages


def grover_oracle(n_qubits: int, marked: int):
    """The phase oracle: a ``QuantumCircuit`` that multiplies |marked> by -1 and leaves every other basis
    state alone (X on the qubits where ``marked`` has a 0 bit, a multi-controlled Z, the X's again).

    Qiskit's qubit order: bit j of ``marked`` is qubit j. Limits: 2..6 qubits, ``0 <= marked < 2**n_qubits``.
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import ZGate

    oracle = QuantumCircuit(n_qubits, name="oracle")
    zeros = [q for q in range(n_qubits) if not (marked >> q) & 1]
    if zeros:
        oracle.x(zeros)
    oracle.append(ZGate().control(n_qubits - 1, annotated=False), range(n_qubits))  # phase -1 on |11..1>
    if zeros:
        oracle.x(zeros)
    return oracle


def grover_circuit(n_qubits: int, marked: int, iterations: int, *, measure: bool = True):
    """Uniform superposition, then ``iterations`` x (oracle marking |marked>, diffusion).

    ``measure=False`` leaves out the final measurements (for a statevector).
    Limits: 2..6 qubits, ``0 <= marked < 2**n_qubits``, ``0 <= iterations <= MAX_GROVER_ITERATIONS`` (50).
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    iterations = _iterations("iterations", iterations)
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import grover_operator

    step = grover_operator(grover_oracle(n_qubits, marked))
    qc = QuantumCircuit(n_qubits, n_qubits if measure else 0, name=f"grover_{n_qubits}_{marked}")
    qc.h(range(n_qubits))
    for _ in range(iterations):
        qc.compose(step, inplace=True)
    if measure:
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
               shots: int = 512, seed: int | None = SEED) -> GroverResult:
    """Success rate for 0..max_iterations Grover iterations, simulated and in theory.

    Limits: 2..6 qubits (64 amplitudes), ``0 <= marked < 2**n_qubits``,
    ``0 <= max_iterations <= MAX_GROVER_ITERATIONS`` (50: 51 circuits, ~5 s at 6 qubits; default
    2 x the optimum + 1), ``1 <= shots <= MAX_SHOTS`` (100,000), ``seed`` None or in [0, 2**63 - 1]
    (default ``pqfl_kit.SEED``).
    """
    n_qubits, marked = _validate_grover(n_qubits, marked)
    if max_iterations is None:
        max_iterations = 2 * grover_optimal_iterations(n_qubits) + 1
    max_iterations = _iterations("max_iterations", max_iterations)
    shots = whole("shots", shots, 1, MAX_SHOTS)
    seed = aer_seed(seed)
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
