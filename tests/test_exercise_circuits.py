"""The Katas-style circuit graders: run the learner's circuit, compare states up to a global phase."""
from __future__ import annotations

import numpy as np
import pytest

from pqfl_kit.exercises import Rejected
from pqfl_kit.exercises import circuits as c

qiskit = pytest.importorskip("qiskit")


def bell(measure: bool = False):
    circuit = qiskit.QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    if measure:
        circuit.measure_all()
    return circuit


def test_final_measurements_are_dropped_and_the_state_compared_up_to_phase():
    state = c.statevector(c.as_circuit(bell(measure=True), "x", 2))
    assert c.same_state(state, np.array([1, 0, 0, 1]) / np.sqrt(2))
    assert c.same_state(-1j * state, state)  # a global phase is invisible
    assert not c.same_state(np.array([1, 0, 0, -1]) / np.sqrt(2), state)  # a relative phase is not
    assert c.ket_text(state) == "0.71|00> + 0.71|11>"
    assert np.allclose(c.probabilities(bell()), [0.5, 0, 0, 0.5])


@pytest.mark.parametrize("value, words", [(None, "forget to `return`"), ("bell", "return a QuantumCircuit"),
                                          (3, "return a QuantumCircuit")])
def test_non_circuits_are_rejected(value, words):
    with pytest.raises(Rejected, match=words.replace("`", ".")):
        c.as_circuit(value, "your function returned", 2)


def test_wrong_width_and_mid_circuit_measurement_are_rejected():
    with pytest.raises(Rejected, match="on 3 qubit"):
        c.as_circuit(qiskit.QuantumCircuit(3), "got", 2)
    circuit = qiskit.QuantumCircuit(2, 2)
    circuit.h(0)
    circuit.measure(0, 0)
    circuit.cx(0, 1)
    with pytest.raises(Rejected, match="measure only at the end"):
        c.as_circuit(circuit, "got", 2)


def test_same_operation_ignores_global_phase_only():
    a, b = qiskit.QuantumCircuit(1), qiskit.QuantumCircuit(1)
    a.z(0)
    b.rz(np.pi, 0)  # Z up to a global phase
    assert c.same_operation(a, b)
    b.x(0)
    assert not c.same_operation(a, b)


def test_leading_resets_and_barriers_are_harmless_but_a_later_reset_is_refused():
    circuit = qiskit.QuantumCircuit(2)
    circuit.reset([0, 1])
    circuit.h(0)
    circuit.barrier()
    circuit.cx(0, 1)
    assert c.same_state(c.statevector(c.as_circuit(circuit, "got", 2)), c.statevector(bell()))
    circuit.reset(0)
    with pytest.raises(Rejected, match="reset after gates"):
        c.as_circuit(circuit, "got", 2)


def test_a_circuit_subclass_cannot_change_how_it_is_graded():
    class Rigged(qiskit.QuantumCircuit):
        def remove_final_measurements(self, inplace=True):
            return bell()

    rigged = Rigged(2)
    plain = c.as_circuit(rigged, "got", 2)
    assert type(plain) is qiskit.QuantumCircuit
    assert c.same_state(c.statevector(plain), np.array([1, 0, 0, 0]))


def test_circuits_qiskit_cannot_simulate_are_rejected_not_blamed_on_the_learner():
    from qiskit.circuit import Parameter

    circuit = qiskit.QuantumCircuit(1)
    circuit.ry(Parameter("a"), 0)
    with pytest.raises(Rejected, match="could not simulate"):
        c.statevector(c.as_circuit(circuit, "got", 1))
