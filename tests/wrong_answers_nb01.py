"""Typical wrong answers to the exercises of notebook 01 (quantum threats): (answer, words the hint must contain)."""
from __future__ import annotations

import math

from fooling import NAN, AlwaysEqual, returns

from pqfl_kit.exercises import nb01


def shor_never_none(N, a, r):
    p = math.gcd(pow(a, r // 2, N) - 1, N)
    return (p, N // p)


def shor_ignores_odd_r(N, a, r):
    half = pow(a, r // 2, N)
    if half == N - 1:
        return None
    p = math.gcd(half - 1, N)
    return (min(p, N // p), max(p, N // p))


def _circuit(*layers, measure=False, qubits=2):
    """A 2-qubit circuit from layers "H", "X", "Z" (on both qubits), "CZ", "CX" (control 0) and "S1" (S on qubit 1)."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(qubits)
    both = list(range(qubits))
    for layer in layers:
        {"H": lambda: qc.h(both), "X": lambda: qc.x(both), "Z": lambda: qc.z(both), "CZ": lambda: qc.cz(0, 1),
         "CX": lambda: qc.cx(0, 1), "S1": lambda: qc.s(1)}[layer]()
    if measure:
        qc.measure_all()
    return qc


def diffuser_without_h():
    return _circuit("X", "CZ", "X")


def diffuser_without_x():
    return _circuit("H", "CZ", "H")


def diffuser_with_cx():
    return _circuit("H", "X", "CX", "X", "H")


def diffuser_missing_second_x():
    return _circuit("H", "X", "CZ", "H")  # right up to a sign on part of the states


def diffuser_with_stray_s():
    return _circuit("H", "X", "CZ", "X", "H", "S1")


def diffuser_on_three_qubits():
    return _circuit("H", qubits=3)


def diffuser_z_layer():
    """A right answer built differently: Z on both qubits and CZ flip every sign except |00>'s."""
    return _circuit("H", "Z", "CZ", "H")


def diffuser_measured():
    """A right answer that ends with measure_all(): final measurements are dropped before grading."""
    return _circuit("H", "X", "CZ", "X", "H", measure=True)


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "01.1": [(1, "the exponent r"), (6, "a smaller exponent already gives 1"), (64, "before taking it mod"),
             (0, "smallest r ≥ 1"), (5, "4^5 mod 21 = 16"), (2.5, "not a whole number"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "01.2": [(shor_never_none, "return None"), (shor_ignores_odd_r, "is odd"), (returns("3, 5"), "return a pair"),
             (returns(AlwaysEqual()), "return a pair"), (returns((3.5, 5)), "not a whole number"),
             (returns((AlwaysEqual(), 5)), "not a plain number")],
    "01.3": [(diffuser_without_h, "the H layers are missing"), (diffuser_without_x, "the X layers around the CZ"),
             (diffuser_with_cx, "use CZ"), (diffuser_missing_second_x, "a sign on part of the states"),
             (diffuser_with_stray_s, "relative phase"), (diffuser_on_three_qubits, "it should act on 2"),
             (returns(None), "forget to `return`"), (returns("H X CZ X H"), "return a QuantumCircuit"),
             (returns(AlwaysEqual()), "return a QuantumCircuit")],
    "01.4": [(11, "overshoots the peak"), (9, "rounding"), (128, "classical search"), (7, "number of qubits"),
             (3.9, "not a whole number"), (NAN, "not a finite number"), (AlwaysEqual(), "not a plain number")],
    "01.5": [(256, "key length itself"), (16, "root of the number of keys"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "01.6": [(lambda x, y, z: x + y >= z, "use >, not >="), (lambda x, y, z: x > z, "left out the migration"),
             (lambda x, y, z: x + y < z, "x + y = 30 > z = 15"), (returns("yes"), "return True or False"),
             (returns(AlwaysEqual()), "return True or False"), (returns(None), "forget to `return`")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text), or built differently: they must pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("01.1", "3"),
    ("01.2", lambda N, a, r: None if nb01.solution_shor_factors(N, a, r) is None
     else list(reversed(nb01.solution_shor_factors(N, a, r)))),
    ("01.3", diffuser_z_layer),
    ("01.3", diffuser_measured),
    ("01.4", "8"),
]
