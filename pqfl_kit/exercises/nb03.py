"""Exercises of notebook 03 (E91 QKD): grading, hints and reference solutions."""
from __future__ import annotations

import math

import numpy as np

from ..qkd.e91 import ALICE_ANGLES, BOB_ANGLES, CHSH_TERMS, theory_chsh
from . import Exercise, as_array, as_real, close, register


def _float(text: str) -> float:
    return float(str(text).strip().replace("%", "").replace(",", "."))


# 03.1 ---------------------------------------------------------------------------------
#: 03.1 judges S as one simulated run of this many pairs would measure it (the size of the plot's runs)
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
    id="03.1", title="CHSH with Eve on every photon", kind="value", parse=_float,
    question=("Eve intercepts and resends every one of Bob's photons. What CHSH value S do Alice and Bob expect "
              "(2 decimals)?"),
    grade=_grade_eve_s, solution=round(math.sqrt(2), 3),
    hint=(f"S = 2√2 − f·√2 at intercept fraction f; or run run_e91({EVE_RUN_PAIRS}, eve_fraction=1.0) and read S: "
          f"a run's S has a standard error σ ≈ {_EVE_TOL / 3:.2f} at {EVE_RUN_PAIRS:,} pairs, and answers "
          "within 3σ pass.")))


# 03.2 ---------------------------------------------------------------------------------
def solution_chsh_value(correlations: dict) -> float:
    """Ekert's S = E(a1,b1) - E(a1,b3) + E(a3,b1) + E(a3,b3) from {(i, j): (E, count)}."""
    E = {pair: value[0] for pair, value in correlations.items()}
    return E[(0, 0)] - E[(0, 2)] + E[(2, 0)] + E[(2, 2)]


def chsh_test_tables() -> list[tuple[str, dict]]:
    """The correlation tables 03.2 grades on: three runs and one with every sign flipped.

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
    id="03.2", title="Ekert's CHSH combination", kind="function",
    question="Write chsh_value(correlations): S from the dict {(alice_basis, bob_basis): (E, count)} of run_e91.",
    grade=_grade_chsh, solution=solution_chsh_value,
    hint="Use the bases 0 and 2 on both sides: S = E(0,0) − E(0,2) + E(2,0) + E(2,2)."))


# 03.3 ---------------------------------------------------------------------------------
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
    id="03.3", title="Sifting the key", kind="function",
    question="Write sift_key(alice_bases, bob_bases, bits): the bits of the pairs measured along the same angle.",
    grade=_grade_sift, solution=solution_sift_key,
    hint="Alice's angles are (0, π/4, π/2), Bob's (π/4, π/2, 3π/4): indices (1, 0) and (2, 1) match."))
