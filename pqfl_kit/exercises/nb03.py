"""Exercises of notebook 03 (E91 QKD): grading, hints and reference solutions.

03.1 is Katas-style: the learner writes Eve's intercept-resend attack as a Qiskit circuit and the
grader runs it (``pqfl_kit.exercises.circuits``) on several input states and angles, accepting any
circuit that does the same thing to Alice, Bob and Eve's record.
"""
from __future__ import annotations

import math

import numpy as np

from ..qkd.e91 import ALICE_ANGLES, BOB_ANGLES, CHSH_TERMS, theory_chsh
from . import Exercise, Rejected, as_array, as_real, close, register, register_thought
from .circuits import as_circuit, ket_text, statevector


def _float(text: str) -> float:
    return float(str(text).strip().replace("%", "").replace(",", "."))


# 03.1 ---------------------------------------------------------------------------------
def solution_intercept_resend(theta):
    """Eve measures Bob's qubit (1) along Bloch angle theta, deferred onto her qubit (2), and resends.

    Measuring along theta is Ry(-theta) then Z (the kit's convention, ``e91.e91_circuit``); the CNOT
    copies the Z result onto Eve's qubit (a deferred measurement, Nielsen & Chuang 4.4), and Ry(theta)
    turns the collapsed qubit back into a photon along theta (or opposite): what she resends.
    """
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(3)  # qubit 0: Alice, 1: Bob, 2: Eve's record
    qc.ry(-theta, 1)
    qc.cx(1, 2)
    qc.ry(theta, 1)
    return qc


#: Bloch angles (radians) the grader tries: Bob's three and one that is none of them
INTERCEPT_ANGLES = (math.pi / 4, math.pi / 2, 3 * math.pi / 4, 2.0)
#: two-qubit inputs (Alice = qubit 0, Bob = qubit 1) as U(θ, φ, 0) angles; None is the Bell pair |Φ+>
_PAIR_INPUTS = (None, ((0.0, 0.0), (0.9, 0.0)), ((1.3, 0.7), (2.1, 0.4)))


def _prepared(pair):
    """A 3-qubit circuit preparing Alice's and Bob's input (Eve's qubit 2 starts in |0>)."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(3)
    if pair is None:
        qc.h(0)
        qc.cx(0, 1)
    else:
        for qubit, (theta, phi) in enumerate(pair):
            qc.u(theta, phi, 0.0, qubit)
    return qc


def _after_eve(pair, eve) -> np.ndarray:
    """The density matrix of Alice, Bob and Eve's *measured* record after ``eve`` acts on ``pair``.

    Eve's qubit is dephased in the Z basis (she reads it out), so a phase on her qubit, which no
    readout can see, does not count against an answer.
    """
    from qiskit.quantum_info import DensityMatrix

    rho = np.asarray(DensityMatrix(_prepared(pair).compose(eve)).data)
    index = np.arange(8)
    same_record = ((index[:, None] >> 2) & 1) == ((index[None, :] >> 2) & 1)
    return np.where(same_record, rho, 0.0)


def _same_attack(got, want, angle_pairs) -> bool:
    return all(np.allclose(_after_eve(pair, got(t)), _after_eve(pair, want(t)), atol=1e-6)
               for t in angle_pairs for pair in _PAIR_INPUTS)


def _eve_circuit(*steps):
    """A 3-qubit circuit from (gate name, args...) steps; ``theta`` is filled in later."""
    def build(theta):
        from qiskit import QuantumCircuit

        qc = QuantumCircuit(3)
        for name, *args in steps:
            getattr(qc, name)(*[a(theta) if callable(a) else a for a in args])
        return qc
    return build


def _neg(t):
    return -t


def _pos(t):
    return t


_INTERCEPT_SLIPS = (
    (_eve_circuit(("ry", _pos, 1), ("cx", 1, 2), ("ry", _neg, 1)),
     "the rotations have the wrong sign: Ry(+θ) first measures along −θ. Measuring along θ is Ry(−θ), "
     "then Z; after the CNOT, Ry(+θ) turns the qubit back"),
    (_eve_circuit(("ry", _neg, 1), ("cx", 1, 2)),
     "Bob receives |0> or |1>, a photon along 0 or π, not along θ: after the CNOT rotate Bob's qubit back "
     "with Ry(θ), so Eve resends the state she saw"),
    (_eve_circuit(("ry", _neg, 0), ("cx", 0, 2), ("ry", _pos, 0)),
     "you measured Alice's qubit (0). Eve sits on the fibre to Bob: intercept qubit 1"),
    (_eve_circuit(("rz", _neg, 1), ("cx", 1, 2), ("rz", _pos, 1)),
     "Rz turns about the z axis and never changes a Z measurement, so Eve measured along 0 whatever θ is. "
     "Turn in the x-z plane with Ry"),
    (_eve_circuit(("ry", _neg, 1), ("cx", 1, 2), ("ry", _pos, 1), ("x", 2)),
     "Eve's qubit 2 holds the opposite of what she saw: copy the result with a CNOT, no extra X"),
    (_eve_circuit(("h", 0), ("cx", 0, 1), ("ry", _neg, 1), ("cx", 1, 2), ("ry", _pos, 1)),
     "your circuit makes the Bell pair again: the source already made it (the checker runs your circuit "
     "after it), so only add Eve's gates"),
    (_eve_circuit(), "Bob's photon and Eve's qubit 2 end as they started: Eve never measured. Her record comes "
                     "from a CNOT whose control is Bob's qubit 1 and whose target is her qubit 2"),
)


def _grade_intercept(fn) -> tuple[bool, str]:
    circuits = {}
    for theta in INTERCEPT_ANGLES:
        try:
            circuits[theta] = as_circuit(fn(theta), f"intercept_resend({theta:.3g}) returned", 3)
        except Rejected as error:
            if "'measure'" in str(error):
                raise Rejected(f"{error}. Defer Eve's measurement instead: copy Bob's rotated qubit onto "
                               "her qubit 2 with a CNOT, as the text explains") from None
            if "qubit(s)" in str(error):
                raise Rejected(f"{error} (0 Alice, 1 Bob, 2 Eve's record)") from None
            raise
    learner = circuits.__getitem__
    if _same_attack(learner, solution_intercept_resend, INTERCEPT_ANGLES):
        return True, ("Bob now holds a photon along θ or opposite, Eve's qubit records which, and the pair is no "
                      "longer entangled: this is e91_circuit's Eve, and what lowers S.")
    for slip, why in _INTERCEPT_SLIPS:
        if _same_attack(learner, slip, INTERCEPT_ANGLES):
            return False, f"{why}."
    theta = next(t for t in INTERCEPT_ANGLES
                 if not _same_attack(learner, solution_intercept_resend, (t,)))
    got = statevector(_prepared(None).compose(circuits[theta]))
    want = statevector(_prepared(None).compose(solution_intercept_resend(theta)))
    return False, (f"at θ = {theta:.3g}, on the Bell pair your circuit makes {ket_text(got)}; intercept-resend "
                   f"makes {ket_text(want)} (labels |Eve Bob Alice>, Eve's qubit read out at the end).")


register(Exercise(
    id="03.1", title="Eve's intercept-resend as a circuit", kind="function",
    question=("Write intercept_resend(theta): a 3-qubit QuantumCircuit (0 Alice, 1 Bob, 2 Eve's record) in which "
              "Eve measures Bob's qubit along Bloch angle theta, keeps the result on qubit 2 (deferred "
              "measurement) and resends a photon in the state she saw."),
    grade=_grade_intercept, solution=solution_intercept_resend,
    hint=("Measuring along θ means: turn Bob's qubit so that direction θ lands on |0>, then read Z. Eve 'reads' "
          "by copying Bob's qubit onto hers with a CNOT; to resend what she saw, undo the turn.")))


# 03.2 ---------------------------------------------------------------------------------
def solution_sift_key(alice_bases, bob_bases, bits):
    """Keep the bits of pairs whose angles match: Alice pi/4 & Bob pi/4, Alice pi/2 & Bob pi/2."""
    import numpy as np

    alice_bases, bob_bases = np.asarray(alice_bases), np.asarray(bob_bases)
    keep = ((alice_bases == 1) & (bob_bases == 0)) | ((alice_bases == 2) & (bob_bases == 1))
    return np.asarray(bits)[keep]


def _sift_slips(alice: np.ndarray, bob: np.ndarray, bits: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Typical wrong siftings (Ekert 1991: the key comes from equal angles, not equal indices)."""
    one_pair = "you kept only one of the two matching angle pairs (π/4, π/4) and (π/2, π/2)"
    return [(bits[alice == bob], "the indices are positions in each side's own list of angles: "
                                 "Alice's index 1 (π/4) meets Bob's index 0 (π/4)"),
            (bits[(alice == 1) & (bob == 0)], one_pair), (bits[(alice == 2) & (bob == 1)], one_pair)]


def _grade_sift(fn) -> tuple[bool, str]:
    from ..qkd.e91 import run_e91

    for seed in (4, 5):
        run = run_e91(2000, noise=0.05, seed=seed)
        for name, bits, expected in (("Alice", run.alice_bits, run.key_alice), ("Bob", run.bob_bits, run.key_bob)):
            got = as_array(fn(run.alice_bases.copy(), run.bob_bases.copy(), bits.copy()), f"for {name} you returned")
            if got.shape == expected.shape and np.array_equal(got, expected):
                continue
            for wrong, why in _sift_slips(run.alice_bases, run.bob_bases, bits):
                if got.shape == wrong.shape and np.array_equal(got, wrong):
                    return False, f"{why}."
            return False, (f"{name}'s sifted key should have {expected.size} bits (got an array of shape "
                           f"{got.shape}) and equal result.key_{name.lower()}.")
    return True, "the sifted keys match: about 2 of every 9 pairs."


register(Exercise(
    id="03.2", title="Sifting the key", kind="function",
    question="Write sift_key(alice_bases, bob_bases, bits): the bits of the pairs measured along the same angle.",
    grade=_grade_sift, solution=solution_sift_key,
    hint=("Compare angles, not indices: Alice's angles are (0, π/4, π/2), Bob's (π/4, π/2, 3π/4); "
          "numpy masks combine with & and |.")))


# 03.3 ---------------------------------------------------------------------------------
def solution_chsh_value(correlations: dict) -> float:
    """Ekert's S = E(a1,b1) - E(a1,b3) + E(a3,b1) + E(a3,b3) from {(i, j): (E, count)}."""
    E = {pair: value[0] for pair, value in correlations.items()}
    return E[(0, 0)] - E[(0, 2)] + E[(2, 0)] + E[(2, 2)]


def chsh_test_tables() -> list[tuple[str, dict]]:
    """The correlation tables 03.3 grades on: three runs and one with every sign flipped.

    The last is the clean run with Bob's outcomes relabelled (0 <-> 1), i.e. the singlet state of
    Ekert's 1991 paper: E = -cos(a - b), S = -2.83. A sum of |E| agrees with S on the first three only.
    """
    from ..qkd.e91 import run_e91

    tables = []
    for kwargs in (dict(seed=1), dict(eve_fraction=1.0, seed=2), dict(noise=0.2, seed=3)):
        tables.append((f"run_e91(3000, {kwargs})", dict(run_e91(3000, **kwargs).correlations)))
    flipped = {pair: (-e, count) for pair, (e, count) in tables[0][1].items()}
    tables.append(("the first run with Bob's outcomes relabelled (a singlet: every E changes sign)", flipped))
    return tables


_CHSH_SLIPS = ((lambda E: sum(abs(e) for e in E.values()),
                "that is the sum of |E|: it equals S only while every term has its textbook sign; keep the signs"),
               (lambda E: sum(E.values()), "one term enters with a minus sign: − E(0,2)"))


def _grade_chsh(fn) -> tuple[bool, str]:
    for label, table in chsh_test_tables():
        want = solution_chsh_value(table)
        got = as_real(fn(dict(table)), f"for {label} you returned")
        if not close(got, want):
            terms = {pair: table[pair][0] for pair in CHSH_TERMS}
            slip = next((f": {why}" for wrong, why in _CHSH_SLIPS if close(got, wrong(terms))), "")
            return False, f"for {label} you returned {got:.4f}, S is {want:.4f}{slip}."
    return True, "right for a clean run, full Eve, noisy pairs and flipped signs."


register(Exercise(
    id="03.3", title="Ekert's CHSH combination", kind="function",
    question="Write chsh_value(correlations): S from the dict {(alice_basis, bob_basis): (E, count)} of run_e91.",
    grade=_grade_chsh, solution=solution_chsh_value,
    hint=("S uses Alice's a1, a3 and Bob's b1, b3 (a1 is index 0); E is the first item of each (E, count) "
          "pair, and one of the four terms has a minus sign.")))


# 03.4 ---------------------------------------------------------------------------------
#: 03.4 judges S as one simulated run of this many pairs would measure it (the size of the plot's runs)
EVE_RUN_PAIRS = 5000


def eve_s_stderr(n_pairs: int = EVE_RUN_PAIRS) -> float:
    """Standard error of S when Eve measures every photon along one of Bob's angles.

    Each CHSH term E(a, b) is a mean of +-1 outcomes over about n/9 pairs, so Var(E) = (1 - E^2)/(n/9);
    the four terms are independent (Clauser et al. 1969; E under Eve: mean of cos(a-e) cos(b-e) over her angles e).
    """
    variance = 0.0
    for i, j in CHSH_TERMS:
        a, b = ALICE_ANGLES[i], BOB_ANGLES[j]
        e = float(np.mean([math.cos(a - t) * math.cos(b - t) for t in BOB_ANGLES]))
        variance += (1 - e * e) / (n_pairs / 9)
    return math.sqrt(variance)


_EVE_S, _EVE_TOL = theory_chsh(eve_fraction=1.0), 3 * eve_s_stderr()
_EVE_S_MIX_UPS = ((2 * math.sqrt(2), "2.83 is S without Eve"),
                  (2.0, "2 is the classical bound, the most a classical source can reach; "
                        "Eve's resent photons do worse"),
                  (-_EVE_S, "the sign is flipped: S stays positive"))


def _grade_eve_s(answer) -> tuple[bool, str]:
    value = as_real(answer, text=True)
    if abs(value - _EVE_S) <= _EVE_TOL:
        return True, ("S = sqrt(2) ≈ 1.41: after Eve's measurement every pair is a product state, "
                      "which can never beat the classical bound 2.")
    for wrong, why in _EVE_S_MIX_UPS:
        if abs(value - wrong) <= _EVE_TOL:
            return False, f"{why}."
    return False, (f"S = {value:g} is more than 3 standard errors (3σ = {_EVE_TOL:.2f} at {EVE_RUN_PAIRS:,} pairs) "
                   "from what full interception gives.")


register(Exercise(
    id="03.4", title="CHSH with Eve on every photon", kind="value", parse=_float,
    question=("Eve intercepts and resends every one of Bob's photons. What CHSH value S do Alice and Bob expect "
              "(2 decimals)?"),
    grade=_grade_eve_s, solution=round(math.sqrt(2), 3),
    hint=(f"Measure it: run run_e91({EVE_RUN_PAIRS}, eve_fraction=1.0) and apply your chsh_value to its "
          f".correlations (or read its .chsh); a run's S has a standard error σ ≈ {_EVE_TOL / 3:.2f} at "
          f"{EVE_RUN_PAIRS:,} pairs, and answers within 3σ pass. Or reason: after Eve measures along e, "
          "E(a, b) = cos(a − e)·cos(b − e); average that over her three angles.")))


# Think about it ------------------------------------------------------------------------
register_thought(
    "03.T1",
    prompt=("Eve's CNOT copies Bob's bit onto her qubit. Why can she not copy Bob's whole photon instead, keep the "
            "copy, and measure it later, once Alice and Bob have announced their angles?"),
    answer=("An unknown quantum state cannot be copied (the no-cloning theorem, Wootters & Zurek 1982). A CNOT "
            "copies |0> and |1>, but on a superposition it does not make two copies: it entangles Bob's qubit "
            "with Eve's, which is exactly a (deferred) measurement in that basis and disturbs Bob's photon. "
            "Keeping a quantum memory and measuring later is allowed in the security proof (collective "
            "attacks), but whatever she does, her knowledge is bounded by the S that Alice and Bob observe."))
register_thought(
    "03.T2",
    prompt="What is the smallest number of pairs that reliably catches Eve on every photon?",
    answer=("Catching her is easy: with Eve on every photon S ≈ 1.41, and even 100 pairs abort almost surely. "
            "The hard part is not aborting when she is absent: at 100 pairs the error bar is so wide that about "
            "85 % of honest runs abort too. The table in section 4 shows honest runs pass reliably from about "
            "1,000 pairs (P(abort | no Eve) below 0.1 %), so about 1,000 pairs both catch Eve and let honest keys "
            "through. Small attacks (Eve on 10 %) need far more pairs to notice."))
register_thought(
    "03.T3",
    prompt="Which noise level alone, with no Eve, makes the protocol abort?",
    answer=("Depolarising noise p per photon gives QBER = (1 − (1 − p)²)/2 and S = 2√2(1 − p)². The key rate "
            "1 − I_E(S) − 1.2·h(QBER) reaches zero at QBER ≈ 6.5 %, i.e. p ≈ 0.067: above that no number of "
            "pairs helps. Below it, finite runs still abort because S − 3σ is used: at p = 0.05 a run of 5,000 "
            "pairs aborts about two times in three, while 30,000 pairs almost always pass."))
