"""Typical wrong answers to the exercises of notebook 03 (E91 QKD): (answer, words the hint must contain)."""
from __future__ import annotations

import math

import numpy as np
from fooling import NAN, AlwaysEqual, EqualFloat, returns


def _eve(theta, steps):
    """A 3-qubit intercept-resend attempt (0 Alice, 1 Bob, 2 Eve) from (gate, args) steps."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(3)
    for name, *args in steps:
        getattr(qc, name)(*args)
    return qc


def eve_wrong_sign(theta):
    return _eve(theta, [("ry", theta, 1), ("cx", 1, 2), ("ry", -theta, 1)])


def eve_no_rotate_back(theta):
    return _eve(theta, [("ry", -theta, 1), ("cx", 1, 2)])


def eve_on_alice(theta):
    return _eve(theta, [("ry", -theta, 0), ("cx", 0, 2), ("ry", theta, 0)])


def eve_with_rz(theta):
    return _eve(theta, [("rz", -theta, 1), ("cx", 1, 2), ("rz", theta, 1)])


def eve_flipped_record(theta):
    return _eve(theta, [("ry", -theta, 1), ("cx", 1, 2), ("ry", theta, 1), ("x", 2)])


def eve_remakes_the_bell_pair(theta):
    return _eve(theta, [("h", 0), ("cx", 0, 1), ("ry", -theta, 1), ("cx", 1, 2), ("ry", theta, 1)])


def eve_does_nothing(theta):
    return _eve(theta, [])


def eve_reversed_cnot(theta):
    return _eve(theta, [("ry", -theta, 1), ("cx", 2, 1), ("ry", theta, 1)])


def eve_measures_midway(theta):
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(3, 1)
    qc.ry(-theta, 1)
    qc.measure(1, 0)
    qc.ry(theta, 1)
    return qc


def eve_two_qubits(theta):
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)  # Bob and Eve only: Alice's qubit 0 is missing
    qc.ry(-theta, 0)
    qc.cx(0, 1)
    qc.ry(theta, 0)
    return qc


def eve_hadamard_basis(theta):
    return _eve(theta, [("h", 1), ("cx", 1, 2), ("h", 1)])


def eve_with_u_gates(theta):
    """Right, built differently: U(θ, 0, 0) is Ry(θ); a phase on Eve's qubit and a final readout change nothing."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(3, 1)
    qc.u(-theta, 0, 0, 1)
    qc.cx(1, 2)
    qc.s(2)
    qc.u(theta, 0, 0, 1)
    qc.measure(2, 0)
    return qc


def eve_as_one_unitary(theta):
    """Right, built differently: the controlled copy in the rotated basis as one unitary gate."""
    import numpy as np
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Operator

    turn = QuantumCircuit(2)  # local qubits: 0 = Bob, 1 = Eve
    turn.ry(-theta, 0)
    turn.cx(0, 1)
    turn.ry(theta, 0)
    qc = QuantumCircuit(3)
    qc.unitary(np.asarray(Operator(turn).data), [1, 2])
    return qc


def chsh_sum_of_abs(correlations):
    """The sum of |E| over the four CHSH pairs: right only while every term has its textbook sign."""
    return sum(abs(correlations[pair][0]) for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def chsh_all_plus(correlations):
    return sum(correlations[pair][0] for pair in ((0, 0), (0, 2), (2, 0), (2, 2)))


def sift_same_index(alice_bases, bob_bases, bits):
    return np.asarray(bits)[np.asarray(alice_bases) == np.asarray(bob_bases)]


def sift_one_pair(alice_bases, bob_bases, bits):
    return np.asarray(bits)[(np.asarray(alice_bases) == 1) & (np.asarray(bob_bases) == 0)]


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "03.1": [(eve_wrong_sign, "wrong sign"), (eve_no_rotate_back, "rotate Bob's qubit back"),
             (eve_on_alice, "Alice's qubit"), (eve_with_rz, "Rz"), (eve_flipped_record, "opposite"),
             (eve_remakes_the_bell_pair, "Bell pair again"), (eve_does_nothing, "never measured"),
             (eve_reversed_cnot, "never measured"), (eve_measures_midway, "Defer Eve's measurement"),
             (eve_two_qubits, "should act on 3"), (eve_hadamard_basis, "your circuit makes"),
             (returns(None), "forget to `return`"), (returns("qc"), "return a QuantumCircuit")],
    "03.2": [(sift_same_index, "indices"), (sift_one_pair, "only one"), (returns(AlwaysEqual()), "not an array"),
             (lambda a, b, bits: np.asarray(bits)[:10], "should have"), (returns(None), "forget to `return`")],
    "03.3": [(chsh_sum_of_abs, "sum of |E|"), (chsh_all_plus, "minus sign"), (returns(NAN), "not a finite number"),
             (returns(AlwaysEqual()), "not a plain number"), (returns(EqualFloat(2.0)), "S is")],
    "03.4": [(2 * math.sqrt(2), "without Eve"), (2.0, "classical bound"), (-math.sqrt(2), "sign"),
             (NAN, "not a finite number"), (AlwaysEqual(), "not a plain number")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("03.1", eve_with_u_gates),
    ("03.1", eve_as_one_unitary),
    ("03.4", "1.41"),
    ("03.4", 1.5),
]
