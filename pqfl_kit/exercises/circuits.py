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
    """``value`` as a plain, measurement-free ``QuantumCircuit`` on ``num_qubits`` qubits; ``Rejected`` otherwise.

    Final measurements are removed (they do not change the state before them), and so are resets of qubits
    no gate has touched yet (they start in |0> anyway). A measurement or reset in the middle, or classical
    control, is refused unless ``allow_classical``. The result is a fresh ``QuantumCircuit`` copied gate by
    gate, so a subclass of the learner's cannot change how it is graded.
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
    try:
        stripped = QuantumCircuit.remove_final_measurements(value, inplace=False)
    except Exception as error:  # noqa: BLE001 - Qiskit refuses an odd circuit: say so, no traceback
        raise Rejected(f"{what} a circuit Qiskit cannot read ({type(error).__name__})") from None
    plain = QuantumCircuit(num_qubits, global_phase=stripped.global_phase)
    touched: set[int] = set()
    for instruction in stripped.data:
        operation, name = instruction.operation, instruction.operation.name
        qubits = [stripped.find_bit(q).index for q in instruction.qubits]
        if name == "measure":
            raise Rejected(f"{what} a circuit with a 'measure' before its last gate: "
                           "measure only at the end (or not at all)")
        if name == "reset" and not touched.intersection(qubits):
            continue  # a reset before any gate does nothing: the qubit starts in |0>
        if name == "reset":
            raise Rejected(f"{what} a circuit with a reset after gates: a reset is not a gate (it throws the "
                           "qubit's state away); use gates only")
        if name in ("if_else", "while_loop", "for_loop", "switch_case") or instruction.clbits:
            raise Rejected(f"{what} a circuit with classical control ({name}): use gates only")
        if getattr(operation, "condition", None) is not None:
            raise Rejected(f"{what} a circuit with a classically conditioned {name!r}: use gates only")
        touched.update(qubits)
        if name != "barrier":
            plain.append(operation, qubits)
    return plain


def _simulated(function, circuit):
    """``function(circuit)``, with Qiskit's complaints about the learner's circuit turned into ``Rejected``."""
    try:
        return function(circuit)
    except Exception as error:  # noqa: BLE001 - unbound parameters, initialize, custom instructions
        text = str(error).split("\n")[0][:160]
        raise Rejected(f"Qiskit could not simulate your circuit ({type(error).__name__}: {text}). Use plain "
                       "gates with numeric angles") from None


def statevector(circuit) -> np.ndarray:
    """The state the circuit prepares from |0...0>, as a complex numpy vector (Qiskit's qubit order)."""
    from qiskit.quantum_info import Statevector

    return np.asarray(_simulated(lambda c: Statevector(c).data, circuit))


def probabilities(circuit) -> np.ndarray:
    """Probabilities of each basis state ``|q_{n-1} ... q_0>`` after the circuit, from its statevector."""
    return np.abs(statevector(circuit)) ** 2


def same_state(got: np.ndarray, want: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether two normalised states are equal up to a global phase: ``|<want|got>| = 1``."""
    return bool(abs(abs(np.vdot(want, got)) - 1.0) <= tol)


def same_operation(got, want) -> bool:
    """Whether two circuits act as the same unitary, up to a global phase."""
    from qiskit.quantum_info import Operator

    return bool(_simulated(lambda c: Operator(c), got).equiv(Operator(want)))


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
