"""Typical wrong answers to the exercises of notebook 00a (the quantum primer): (answer, words the hint must contain).

00a.2 and 00a.3 take functions returning Qiskit circuits; the circuits are built when the grader calls them.
"""
from __future__ import annotations

import math

from fooling import NAN, AlwaysEqual, EqualFloat, returns


def _circuit(n: int = 2):
    from qiskit import QuantumCircuit

    return QuantumCircuit(n)


# ---- 00a.2: bell_pair() ------------------------------------------------------------------------
def bell_no_cnot():
    qc = _circuit()
    qc.h(0)
    return qc


def bell_cnot_first():
    qc = _circuit()
    qc.cx(0, 1)
    qc.h(0)
    return qc


def bell_x_instead_of_h():
    qc = _circuit()
    qc.x(0)
    qc.cx(0, 1)
    return qc


def bell_phi_minus():
    qc = _circuit()
    qc.x(0)
    qc.h(0)
    qc.cx(0, 1)
    return qc


def bell_psi_plus():
    qc = bell_reversed()
    qc.x(1)
    return qc


def bell_h_on_both():
    qc = _circuit()
    qc.h([0, 1])
    return qc


def bell_measured_in_the_middle():
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.measure(0, 0)
    qc.cx(0, 1)
    return qc


def bell_one_qubit():
    qc = _circuit(1)
    qc.h(0)
    return qc


# right answers built differently: H on qubit 1 and the CNOT reversed; measured at the end; a global phase
def bell_reversed():
    qc = _circuit()
    qc.h(1)
    qc.cx(1, 0)
    return qc


def bell_measured_at_the_end():
    qc = _circuit()
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return qc


def bell_ry_and_global_phase():
    qc = _circuit()
    qc.ry(math.pi / 2, 0)
    qc.cx(0, 1)
    qc.global_phase = 0.7
    return qc


# ---- 00a.3: measure_at(theta) ---------------------------------------------------------------------
def _rotation(kind: str, angle: float):
    qc = _circuit(1)
    getattr(qc, kind)(angle, 0)
    return qc


def measure_plus(theta):
    return _rotation("ry", theta)


def measure_rz(theta):
    return _rotation("rz", -theta)


def measure_degrees(theta):
    return _rotation("ry", -theta * 180 / math.pi)


def measure_radians_again(theta):
    return _rotation("ry", -math.radians(theta))


def measure_half_angle(theta):
    return _rotation("ry", -theta / 2)


def measure_nothing(theta):
    return _circuit(1)


def measure_u_gate(theta):
    qc = _circuit(1)
    qc.u(-theta, 0, 0, 0)
    return qc


def measure_with_final_measurement(theta):
    qc = _rotation("ry", 2 * math.pi - theta)  # the same rotation up to a global phase
    qc.measure_all()
    return qc


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "00a.1": [(0.8, "amplitude itself"), (0.36, "outcome 0"), (64, "between 0 and 1"), (1.4, "sum"),
              (NAN, "not a finite number"), (AlwaysEqual(), "not a plain number")],
    "00a.2": [(bell_no_cnot, "CNOT is missing"), (bell_cnot_first, "before the H"),
              (bell_x_instead_of_h, "use H"), (bell_phi_minus, "Φ−"), (bell_psi_plus, "Ψ+"),
              (bell_h_on_both, "product state"), (bell_measured_in_the_middle, "measure only at the end"),
              (bell_one_qubit, "on 1 qubit"), (returns(None), "forget to `return`"),
              (returns(AlwaysEqual()), "return a QuantumCircuit")],
    "00a.3": [(measure_plus, "+θ"), (measure_rz, "Rz"), (measure_degrees, "radians"),
              (measure_radians_again, "already in radians"), (measure_half_angle, "half angle"),
              (measure_nothing, "empty circuit"), (lambda theta: _circuit(2), "on 2 qubit"),
              (returns(None), "forget to `return`")],
    "00a.4": [(0.11, "p itself"), (0.35, "second term"), (0.347, "natural log"), (0.89, "1 − p"),
              (NAN, "not a finite number"), (EqualFloat(0.9), "is not 0.9")],
}

#: right answers in other plain types or built another way: they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("00a.1", "0.64"), ("00a.1", "0,64"), ("00a.1", 0.64),
    ("00a.2", bell_reversed), ("00a.2", bell_measured_at_the_end), ("00a.2", bell_ry_and_global_phase),
    ("00a.3", measure_u_gate), ("00a.3", measure_with_final_measurement),
    ("00a.4", "0.5"), ("00a.4", 0.4999), ("00a.4", "0.50"),
]
