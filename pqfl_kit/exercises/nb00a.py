"""Exercises of notebook 00a (the quantum primer): grading, hints and reference solutions.

00a.2 and 00a.3 are Katas-style: the learner writes a Qiskit circuit and the grader runs it
(``pqfl_kit.exercises.circuits``), accepting any circuit that does the right thing.
"""
from __future__ import annotations

import math

import numpy as np

from ..qkd.postprocess import binary_entropy
from . import Exercise, as_real, close, register, register_thought
from .circuits import as_circuit, ket_text, probabilities, same_state, statevector


def _probability(text: str) -> float:
    """A typed probability: "0.64", "0,64" or "64%"."""
    cleaned = str(text).strip().replace(",", ".")
    return float(cleaned[:-1]) / 100 if cleaned.endswith("%") else float(cleaned)


# 00a.1 --------------------------------------------------------------------------------
_BORN_SLIPS = ((0.8, "0.8 is the amplitude itself: the probability is the amplitude squared"),
               (0.36, "0.36 is the probability of outcome 0 (0.6²); the question asks for outcome 1"),
               (1.4, "that is the sum of the amplitudes; square the amplitude of |1> instead"),
               (64.0, "a probability lies between 0 and 1: 64 % is written 0.64"))


def _grade_born(answer) -> tuple[bool, str]:
    value = as_real(answer, text=True)
    if close(value, 0.64, 1e-6):
        return True, "0.8² = 0.64, and 0.6² + 0.8² = 1: the probabilities add up to one."
    for wrong, why in _BORN_SLIPS:
        if close(value, wrong, 1e-6):
            return False, f"{why}."
    return False, f"{value:g} is not P(1) for the state 0.6|0> + 0.8|1>."


register(Exercise(
    id="00a.1", title="Probability from an amplitude", kind="value", parse=_probability,
    question="A qubit is in the state 0.6|0> + 0.8|1>. What is the probability of measuring 1?",
    grade=_grade_born, solution=0.64, hint="Probability = |amplitude|²."))


# 00a.2 --------------------------------------------------------------------------------
def solution_bell_pair():
    """(|00> + |11>)/√2: H puts qubit 0 in superposition, the CNOT copies its value onto qubit 1."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    return qc


_R = 1 / math.sqrt(2)
PHI_PLUS = np.array([_R, 0, 0, _R], dtype=complex)
_OTHER_BELL = {"Φ− = (|00> − |11>)/√2": np.array([_R, 0, 0, -_R]),
               "Ψ+ = (|01> + |10>)/√2": np.array([0, _R, _R, 0]),
               "Ψ− = (|01> − |10>)/√2": np.array([0, _R, -_R, 0])}


def _bell_slip(state: np.ndarray) -> str:
    """What is wrong with a two-qubit state that is not (|00> + |11>)/√2."""
    made = f"you made {ket_text(state)}"
    for name, other in _OTHER_BELL.items():
        if same_state(state, other):
            return (f"{made}, which is {name}, another Bell state. Entangled, but the one asked for has "
                    "equal bits and a plus sign: look for an extra X or Z")
    probs = np.abs(state) ** 2
    if np.isclose(probs.max(), 1.0):
        return (f"{made}: a definite state with no superposition (an X flips a bit, it does not make a "
                "superposition: use H on the control)")
    if np.linalg.matrix_rank(state.reshape(2, 2), tol=1e-6) == 1:
        if np.count_nonzero(probs > 1e-9) == 2 and np.isclose(probs[0], 0.5):
            return (f"{made}: one qubit is in superposition but the other never learns its value: the CNOT is "
                    "missing, or acts before the H (on |00> it does nothing)")
        return (f"{made}: a product state, each qubit on its own; entangle them: superpose the control, then "
                "a CNOT")
    return f"{made}, not 0.71|00> + 0.71|11>"


def _grade_bell(fn) -> tuple[bool, str]:
    circuit = as_circuit(fn(), "bell_pair() returned", 2)
    state = statevector(circuit)
    if same_state(state, PHI_PLUS):
        return True, (f"{ket_text(state)}: measured, both bits are random but always equal. "
                      f"Your circuit uses {circuit.size()} gate(s).")
    return False, f"{_bell_slip(state)}."


register(Exercise(
    id="00a.2", title="Prepare a Bell pair", kind="function",
    question="Write bell_pair(): a 2-qubit QuantumCircuit that turns |00> into (|00> + |11>)/√2.",
    grade=_grade_bell, solution=solution_bell_pair,
    hint="Put qubit 0 into an equal superposition, then let it control a NOT on qubit 1."))


# 00a.3 --------------------------------------------------------------------------------
def solution_measure_at(theta):
    """Ry(−θ) turns the direction θ back onto |0>: a Z measurement then measures along θ."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(1)
    qc.ry(-theta, 0)
    return qc


#: angles (radians) and input states the grader tries; inputs include complex ones (off the x-z circle)
MEASURE_ANGLES = (0.0, math.pi / 4, math.pi / 2, 2.0, math.pi, -0.6)
_INPUTS = ((0.0, 0.0), (math.pi, 0.0), (math.pi / 2, 0.0), (1.1, 0.0), (math.pi / 2, math.pi / 2), (2.3, 0.9))


def _outcome_probabilities(prepare: tuple[float, float], gates) -> np.ndarray:
    """P(0), P(1) after preparing U(θ, φ, 0)|0> and applying ``gates`` (a 1-qubit circuit)."""
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(1)
    circuit.u(prepare[0], prepare[1], 0.0, 0)
    circuit.compose(gates, inplace=True)
    return probabilities(circuit)


def _rotation(kind: str, angle: float):
    from qiskit import QuantumCircuit

    circuit = QuantumCircuit(1)
    getattr(circuit, kind)(angle, 0)
    return circuit


_ANGLE_SLIPS = (
    (lambda t: _rotation("ry", t), "you rotate by +θ: that moves direction −θ onto |0>. Rotate the other way, "
                                   "so that direction θ comes back to |0>"),
    (lambda t: _rotation("ry", -t / 2), "Ry(α) already turns the Bloch vector by the full angle α "
                                        "(the amplitudes change by α/2): no half angle"),
    (lambda t: _rotation("ry", -math.degrees(t)), "theta is in radians: do not convert it to degrees"),
    (lambda t: _rotation("ry", -math.radians(t)), "theta is already in radians: no conversion needed"),
    (lambda t: _rotation("rz", -t), "Rz turns about the z axis: it changes phases only, so Z-measurement "
                                    "probabilities never change. Rotate in the x-z plane (Ry)"),
    (lambda t: _rotation("rx", -t), "Rx turns in the y-z plane; the angle θ lies in the x-z plane (use Ry)"),
)


def _grade_measure_at(fn) -> tuple[bool, str]:
    for theta in MEASURE_ANGLES:
        gates = as_circuit(fn(theta), f"measure_at({theta:.3g}) returned", 1)
        want_gates = solution_measure_at(theta)
        for prepare in _INPUTS:
            got, want = _outcome_probabilities(prepare, gates), _outcome_probabilities(prepare, want_gates)
            if np.allclose(got, want, atol=1e-6):
                continue
            if gates.size() == 0:
                return False, (f"measure_at({theta:.3g}) returned an empty circuit: that always measures along "
                               "0 (the Z axis), whatever θ is.")
            for slip, why in _ANGLE_SLIPS:
                if all(np.allclose(_outcome_probabilities(p, gates), _outcome_probabilities(p, slip(theta)),
                                   atol=1e-6) for p in _INPUTS):
                    return False, f"measure_at({theta:.3g}): {why}."
            return False, (f"measure_at({theta:.3g}) gives P(0) = {got[0]:.3f} on a test state where measuring "
                           f"along θ gives {want[0]:.3f}.")
    return True, "outcome 0 means 'along θ' for every angle and state tried: this is how E91 measures."


register(Exercise(
    id="00a.3", title="Measure at an angle", kind="function",
    question=("Write measure_at(theta): a 1-qubit circuit that, followed by a Z measurement, measures along "
              "Bloch angle theta (radians, in the x-z plane, from |0> towards |+>): outcome 0 must mean "
              "'along theta'."),
    grade=_grade_measure_at, solution=solution_measure_at,
    hint="Rotate the qubit so that the direction theta lands on |0>; Ry(α) turns the Bloch vector by +α."))


# 00a.4 --------------------------------------------------------------------------------
_H_011 = float(binary_entropy(0.11))
_H_TOL = 0.005
_ENTROPY_SLIPS = ((0.11, "0.11 is p itself, not its entropy"),
                  (-0.11 * math.log2(0.11), "that is only −p log₂ p: add the second term −(1−p) log₂(1−p)"),
                  (-0.11 * math.log(0.11) - 0.89 * math.log(0.89), "that uses the natural log: h is in bits, "
                                                                   "use log₂"),
                  (0.89, "0.89 is 1 − p, not the entropy"))


def _grade_entropy(answer) -> tuple[bool, str]:
    value = as_real(answer, text=True)
    if abs(value - _H_011) <= _H_TOL:
        return True, (f"h(0.11) = {_H_011:.4f}: at an 11 % error rate, correcting the errors costs about half "
                      "a bit of every key bit, even at Shannon's limit.")
    for wrong, why in _ENTROPY_SLIPS:
        if abs(value - wrong) <= 0.0015:  # the slips lie close together: match them tightly
            return False, f"{why}."
    return False, f"h(0.11) is not {value:g}."


def _number(text: str) -> float:
    return float(str(text).strip().replace(",", "."))


register(Exercise(
    id="00a.4", title="Binary entropy", kind="value", parse=_number,
    question="What is the binary entropy h(0.11), in bits (2 decimals)?",
    grade=_grade_entropy, solution=round(_H_011, 3),
    hint="h(p) = −p·log₂(p) − (1−p)·log₂(1−p); math.log2 computes log₂."))


# Think about it -------------------------------------------------------------------------
register_thought(
    "00a.T1",
    prompt=("You measure a qubit once and get 1. What can you say about its amplitudes before the measurement, "
            "and what is its state after it?"),
    answer=("Only that the amplitude of |1> was not zero: one shot cannot tell 0.1|0> + 0.99|1> from |1>, which is "
            "why we repeat the preparation and measure many shots. After the measurement the qubit is in |1> "
            "(it collapsed): measuring it again gives 1 every time, and the old amplitudes are gone."))
register_thought(
    "00a.T2",
    prompt=("Alice's and Bob's bits from a Bell pair are always equal, even far apart. Can Alice use this to send "
            "Bob a message faster than light?"),
    answer=("No. Alice cannot choose her outcome: it is 0 or 1 at random, 50/50, and Bob's own results are "
            "50/50 whatever Alice does or measures (his probabilities do not depend on her angle). The "
            "agreement only shows up when they compare notes over an ordinary channel. That is why E91 can "
            "use it for a shared random key, but not to signal."))
register_thought(
    "00a.T3",
    prompt=("Privacy amplification shortens the key without knowing which bits Eve knows. Why is knowing "
            "how much she may know enough?"),
    answer=("The hash is picked at random (and announced) only after Eve has measured, and every output bit is "
            "a parity of many input bits. If she lacks k bits' worth of information about the input, then for "
            "almost every such hash an output a little shorter than k is almost uniformly random to her, "
            "whichever bits she happens to know: only the amount matters. The margin covers bad luck; "
            "the leftover hash lemma makes this precise."))


