"""Grading helpers for exercises where the learner writes a Qiskit circuit (after the Quantum Katas).

A Katas-style check runs the learner's circuit and compares what it does, never how it is written:

* ``as_circuit`` turns the answer into a ``QuantumCircuit`` of the right width, dropping final
  measurements (a learner often ends with ``measure_all()``) and rejecting anything else;
* ``statevector`` / ``probabilities`` simulate it exactly (Qiskit's ``quantum_info``, no shots);
* ``same_state`` compares two states up to a global phase (which no measurement can see), and
  ``same_operation`` two circuits as operators up to a global phase;
* ``ket_text`` writes a state as ``0.71|00> + 0.71|11>`` for the hint, in Qiskit's qubit order
  (qubit 0 is the rightmost label).

Qiskit is imported inside the functions, so importing the exercises stays light.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import Rejected, describe

__all__ = ["as_circuit", "statevector", "probabilities", "same_state", "same_operation", "ket_text"]


def as_circuit(value: Any, what: str, num_qubits: int, *, allow_classical: bool = False):
    """``value`` as a measurement-free ``QuantumCircuit`` on ``num_qubits`` qubits; ``Rejected`` otherwise.

    Final measurements are removed (they do not change the state before them); a measurement in the
    middle, a reset or a classically conditioned gate is refused unless ``allow_classical``.
    """
    from qiskit import QuantumCircuit

    if value is None:
        raise Rejected(f"{what} None: did you forget to `return` the circuit?")
    if not isinstance(value, QuantumCircuit):
        raise Rejected(f"{what} {describe(value)} ({type(value).__name__}): return a QuantumCircuit")
    if value.num_qubits != num_qubits:
        raise Rejected(f"{what} a circuit on {value.num_qubits} qubit(s): it should act on {num_qubits}")
    if allow_classical:
        return value
    circuit = value.remove_final_measurements(inplace=False)
    for instruction in circuit.data:
        name = instruction.operation.name
        if name in ("measure", "reset") or getattr(instruction.operation, "condition", None) is not None:
            raise Rejected(f"{what} a circuit with a {name!r} before its last gate: "
                           "measure only at the end (or not at all)")
        if name in ("if_else", "while_loop", "for_loop", "switch_case"):
            raise Rejected(f"{what} a circuit with classical control ({name}): use gates only")
    return circuit


def statevector(circuit) -> np.ndarray:
    """The state the circuit prepares from |0...0>, as a complex numpy vector (Qiskit's qubit order)."""
    from qiskit.quantum_info import Statevector

    return np.asarray(Statevector(circuit).data)


def probabilities(circuit) -> np.ndarray:
    """Probabilities of each basis state ``|q_{n-1} ... q_0>`` after the circuit, from its statevector."""
    return np.abs(statevector(circuit)) ** 2


def same_state(got: np.ndarray, want: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether two normalised states are equal up to a global phase: ``|<want|got>| = 1``."""
    return bool(abs(abs(np.vdot(want, got)) - 1.0) <= tol)


def same_operation(got, want) -> bool:
    """Whether two circuits act as the same unitary, up to a global phase."""
    from qiskit.quantum_info import Operator

    return bool(Operator(got).equiv(Operator(want)))


def ket_text(state: np.ndarray, digits: int = 2) -> str:
    """A state as ``0.71|00> + 0.71|11>`` (amplitudes rounded; the global phase taken off the first term)."""
    state = np.asarray(state, dtype=complex)
    n = int(round(np.log2(len(state))))
    first = next((a for a in state if abs(a) > 10 ** -digits / 2), 1.0)
    state = state * (abs(first) / first)  # make the first non-zero amplitude real and positive
    terms = []
    for index, amplitude in enumerate(state):
        if abs(amplitude) < 10 ** -digits / 2:
            continue
        re, im = round(amplitude.real, digits), round(amplitude.imag, digits)
        if abs(im) < 10 ** -digits / 2:
            coefficient = f"{re:.{digits}f}"
        elif abs(re) < 10 ** -digits / 2:
            coefficient = f"{im:.{digits}f}i"
        else:
            coefficient = f"({re:.{digits}f}{im:+.{digits}f}i)"
        terms.append(f"{coefficient}|{index:0{n}b}>")
    return " + ".join(terms).replace("+ -", "- ") or "0"
