"""The E91 protocol (Ekert 1991) simulated with Qiskit, with an intercept-resend eavesdropper.

What is modelled (Ekert, PRL 67, 661 (1991); the E91 nano-network paper, Algorithm 2):

* A source emits Bell pairs |Phi+> = (|00> + |11>)/sqrt(2) (qubit 0 to Alice, qubit 1 to Bob).
* Each side measures along a random angle t in the x-z plane of the Bloch sphere (gate
  Ry(-t), then a Z measurement). Ekert's angles: Alice 0, pi/4, pi/2; Bob pi/4, pi/2, 3pi/4.
  For |Phi+> the correlation is E(a, b) = cos(a - b).
* Pairs with equal angles (Alice pi/4 & Bob pi/4, Alice pi/2 & Bob pi/2: 2 of 9 basis pairs)
  give perfectly correlated bits: the sifted key. Four mismatched pairs give the CHSH value
  S = E(a1,b1) - E(a1,b3) + E(a3,b1) + E(a3,b3), which is 2*sqrt(2) for |Phi+> and at most 2
  for any local-realistic (classical, or measured-by-Eve) source (Clauser et al., PRL 23, 880 (1969)).
* Key reference (``KEY_REFERENCE``). The device-independent bound on Eve's information
  (Acin et al., PRL 98, 230501 (2007); Pironio et al., NJP 11, 045021 (2009)) holds for the
  outcomes of a setting that also enters the CHSH test: a device cannot tell a key round from
  a test round. In the pair (pi/4, pi/4) Alice's pi/4 is outside her CHSH settings {0, pi/2}
  but Bob's pi/4 is one of his {pi/4, 3pi/4}: Bob's bit is the reference (Acin's A0, B1 with
  one-way reconciliation from Bob to Alice). In the pair (pi/2, pi/2) Alice's pi/2 is a CHSH
  setting: Alice's bit is the reference (CHSH is symmetric under swapping the parties). Error
  correction makes the other side's bits equal the reference, and privacy amplification
  hashes the reference bits (``postprocess.reconcile``).
* Eve intercepts a fraction of Bob's photons, measures along one of Bob's angles (``"bob"``)
  or a uniformly random angle (``"uniform"``), and resends the state she saw.
* Channel noise: a depolarizing channel rho -> (1-p) rho + p I/2 on each photon
  (Nielsen & Chuang, section 8.3.4), written as a Kraus instruction in the circuit.
* Abort rule: S must exceed 2 by ``CONFIDENCE_SIGMAS`` standard errors (CHSH test), and the
  key rate bound that privacy amplification uses, 1 - I_E(S - 3 sigma) - f_EC h(QBER) (Acin et
  al. 2007, eq. 12; ``postprocess.key_rate_bound``), must be positive, so an accepted run can
  always yield a key given enough pairs. ``SECURITY_MODEL`` states what this bound assumes
  (collective attacks, asymptotic rate, one finite-size term). The QBER is computed on the whole
  sifted key here (for teaching); a real system estimates it on a disclosed random sample.

Simulation (both engines run the same circuits, one per basis group, with per-group seeds drawn
from one numpy Generator):

* ``engine="fast"`` (default): Eve's measurement is deferred (a CNOT copies Bob's qubit, in
  her basis, onto an ancilla that is measured at the end; Nielsen & Chuang section 4.4), so every
  group is a measure-at-the-end circuit. Qiskit's ``DensityMatrix`` evolves it exactly
  (noise included) and the group's outcomes are drawn from its Born probabilities, which is
  what Qiskit's samplers do internally. Distributions are cached per distinct circuit.
* ``engine="aer"``: the straightforward route, Eve as a real mid-circuit measurement on
  ``qiskit_aer.AerSimulator`` (runs shot by shot). Slow; the reference the fast path is tested
  against.

Uniform-angle Eve: her angle is drawn uniformly from 12 equally spaced angles in [0, pi)
(angles t and t + pi are the same measurement). Every statistic here depends on her angle only
through cos(2 t) and sin(2 t), whose averages over such a grid are exactly those of a
continuous uniform angle, so this is not an approximation for S or QBER.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..limits import real, whole
from .postprocess import (
    EC_EFFICIENCY,
    SECURITY_MODEL,
    binary_entropy,
    eve_information_bound,
    key_rate_bound,
    key_rate_zero,
    noise_only_key_rate,
)

__all__ = ["ALICE_ANGLES", "BOB_ANGLES", "angle_label", "CHSH_TERMS", "KEY_BASES", "KEY_REFERENCE", "SECURITY_MODEL",
           "EVE_STRATEGIES", "QBER_LIMIT",
           "MIN_PAIRS", "MAX_PAIRS", "E91Result", "run_e91", "e91_circuit", "theory_chsh",
           "theory_qber", "theory_key_rate", "detection_probability", "validate_parameters"]

ALICE_ANGLES = (0.0, math.pi / 4, math.pi / 2)
BOB_ANGLES = (math.pi / 4, math.pi / 2, 3 * math.pi / 4)
ANGLE_LABELS = {0.0: "0", math.pi / 4: "π/4", math.pi / 2: "π/2", 3 * math.pi / 4: "3π/4"}
#: (Alice basis index, Bob basis index) -> sign in Ekert's CHSH combination
CHSH_TERMS = {(0, 0): +1, (0, 2): -1, (2, 0): +1, (2, 2): +1}
#: basis pairs with equal angles: their bits form the sifted key
KEY_BASES = ((1, 0), (2, 1))


def _key_reference(alice: int, bob: int) -> str:
    """The side whose key setting also enters the CHSH test (Acin et al. 2007: Bob's B1 first)."""
    if bob in {j for _, j in CHSH_TERMS}:
        return "bob"
    if alice in {i for i, _ in CHSH_TERMS}:
        return "alice"
    raise ValueError(f"key pair {(alice, bob)} has no CHSH setting on either side: no device-independent bound")


#: key basis pair -> the side whose bit is the reference: (pi/4, pi/4) -> "bob", (pi/2, pi/2) -> "alice"
KEY_REFERENCE = {pair: _key_reference(*pair) for pair in KEY_BASES}
EVE_STRATEGIES = ("bob", "uniform")
UNIFORM_EVE_ANGLES = tuple(k * math.pi / 12 for k in range(12))
ENGINES = ("fast", "aer")
MIN_PAIRS = 100  # below this a CHSH basis group (1/9 of the pairs) is often nearly empty
MAX_PAIRS = 2_000_000
#: S is used as S - 3 sigma in the CHSH test and the key rate. For a source with true S <= 2, a measured S
#: this far above 2 occurs by chance in at most 0.13 % of runs (one-sided, normal approximation): a
#: false-acceptance rate, not a probability that the pairs were entangled.
CONFIDENCE_SIGMAS = 3.0


#: Largest QBER with a positive key rate when noise is the only imperfection. A depolarizing channel gives
#: S = 2 sqrt 2 (1 - 2 Q); the rate 1 - I_E(S) - f_EC h(Q) of ``postprocess.key_rate_bound`` (Acin et al.,
#: PRL 98, 230501 (2007), eq. 12, with Cascade's f_EC = 1.2) then vanishes at Q ~ 6.5 % (7.1 % at the Shannon
#: limit f_EC = 1). For comparison: Shor-Preskill's 11 % (PRL 85, 441 (2000)) holds for BB84 with trusted
#: devices, not here.
QBER_LIMIT = key_rate_zero(noise_only_key_rate)


def validate_parameters(n_pairs, eve_fraction: float = 0.0, eve_bases: str = "bob", noise: float = 0.0,
                        engine: str = "fast") -> None:
    """Raise ``TypeError``/``ValueError`` with a plain message for parameters ``run_e91`` cannot use."""
    n_pairs = whole("n_pairs", n_pairs)
    if n_pairs < MIN_PAIRS:
        raise ValueError(f"n_pairs = {n_pairs} is too few for a CHSH estimate: use at least {MIN_PAIRS} "
                         "(each of the four CHSH basis pairs gets only about 1/9 of them).")
    if n_pairs > MAX_PAIRS:
        raise ValueError(f"n_pairs = {n_pairs} is more than this simulation allows ({MAX_PAIRS:,}).")
    for name, value in (("eve_fraction", eve_fraction), ("noise", noise)):
        if not 0.0 <= real(name, value) <= 1.0:
            raise ValueError(f"{name} = {value} is outside [0, 1]: it is a probability.")
    if eve_bases not in EVE_STRATEGIES:
        raise ValueError(f"unknown Eve strategy {eve_bases!r}: choose 'bob' (Bob's three angles) "
                         "or 'uniform' (a uniformly random angle).")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {ENGINES}")


@lru_cache(maxsize=16)
def _depolarizing(noise: float):
    """Depolarizing channel rho -> (1-p) rho + p I/2 as a Kraus instruction (N&C eq. 8.102)."""
    from qiskit.quantum_info import Kraus

    i2, x = np.eye(2), np.array([[0, 1], [1, 0]])
    y, z = np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])
    ops = [math.sqrt(1 - 3 * noise / 4) * i2] + [math.sqrt(noise / 4) * m for m in (x, y, z)]
    instruction = Kraus(ops).to_instruction()
    instruction.label = f"depol({noise:g})"
    return instruction


def e91_circuit(alice_angle: float, bob_angle: float, *, eve_angle: float | None = None, noise: float = 0.0,
                eve_measurement: str = "deferred", measure: bool = True):
    """One E91 round as a Qiskit circuit: qubit 0 Alice, 1 Bob, 2 Eve's ancilla (if Eve).

    ``eve_measurement="deferred"`` copies Bob's qubit (rotated into Eve's basis) onto the
    ancilla with a CNOT and rotates it back: Bob then receives exactly the state Eve would
    resend. ``"midcircuit"`` measures Bob's qubit itself mid-circuit and resends the result.
    Classical bits: 0 Alice, 1 Bob, 2 Eve.
    """
    from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister

    if eve_measurement not in ("deferred", "midcircuit"):
        raise ValueError("eve_measurement must be 'deferred' or 'midcircuit'")
    eve = eve_angle is not None
    qubits = QuantumRegister(3 if (eve and eve_measurement == "deferred") else 2, "q")
    bits = ClassicalRegister(3 if eve else 2, "c")
    qc = QuantumCircuit(qubits, bits, name="e91")
    qc.h(0)
    qc.cx(0, 1)  # |Phi+>
    if noise > 0:
        qc.append(_depolarizing(float(noise)), [0])
        qc.append(_depolarizing(float(noise)), [1])
    if eve_angle is not None:
        qc.barrier()
        qc.ry(-eve_angle, 1)
        if eve_measurement == "deferred":
            qc.cx(1, 2)
        else:
            qc.measure(1, 2)
        qc.ry(eve_angle, 1)
        qc.barrier()
    qc.ry(-alice_angle, 0)
    qc.ry(-bob_angle, 1)
    if measure:
        qc.measure(0, 0)
        qc.measure(1, 1)
        if eve and eve_measurement == "deferred":
            qc.measure(2, 2)
    return qc


@lru_cache(maxsize=4096)
def _born_distribution(alice: int, bob: int, eve_angle: float | None, noise: float) -> np.ndarray:
    """Exact outcome probabilities of one group's circuit; index = alice + 2 bob + 4 eve."""
    from qiskit.quantum_info import DensityMatrix

    qc = e91_circuit(ALICE_ANGLES[alice], BOB_ANGLES[bob], eve_angle=eve_angle, noise=noise, measure=False)
    probs = np.clip(DensityMatrix(qc).probabilities(), 0.0, None)
    return probs / probs.sum()


def _sample_fast(alice: int, bob: int, eve_angle: float | None, noise: float, shots: int,
                 seed: int) -> np.ndarray:
    probs = _born_distribution(alice, bob, eve_angle, noise)
    return np.random.default_rng(seed).choice(probs.size, size=shots, p=probs)


def _sample_aer(alice: int, bob: int, eve_angle: float | None, noise: float, shots: int,
                seed: int) -> np.ndarray:
    from qiskit_aer import AerSimulator

    qc = e91_circuit(ALICE_ANGLES[alice], BOB_ANGLES[bob], eve_angle=eve_angle, noise=noise,
                     eve_measurement="midcircuit")
    memory = AerSimulator(seed_simulator=seed).run(qc, shots=shots, memory=True).result().get_memory()
    return np.fromiter((int(m, 2) for m in memory), dtype=np.int64, count=shots)


@dataclass
class E91Result:
    """Everything one E91 run produced. Arrays have one entry per pair.

    ``chsh`` is Ekert's S with its standard error; ``qber`` the error rate of the sifted key
    (``qber_by_key_pair`` per key basis pair); ``key_from_bob`` marks the sifted bits whose
    reference is Bob's bit (``KEY_REFERENCE``); ``key_rate`` the secret bits per sifted bit that
    the Acin et al. bound still allows, 1 - I_E(S - 3 sigma) - f_EC h(QBER)
    (``postprocess.key_rate_bound``), under the assumptions in ``security``. ``aborted`` is True
    when S is not above 2 by ``CONFIDENCE_SIGMAS`` standard errors or ``key_rate`` <= 0 (no key
    can survive privacy amplification); ``reason`` says which.
    """

    n_pairs: int
    eve_fraction: float
    eve_bases: str
    noise: float
    seed: int | None
    engine: str
    alice_bases: np.ndarray  # index into ALICE_ANGLES
    bob_bases: np.ndarray  # index into BOB_ANGLES
    alice_bits: np.ndarray
    bob_bits: np.ndarray
    eve_mask: np.ndarray  # True where Eve intercepted
    eve_angles: np.ndarray  # her angle (nan where she did not intercept)
    eve_bits: np.ndarray  # her result (-1 where she did not intercept)
    correlations: dict = field(default_factory=dict)  # (i, j) -> (E, count)
    chsh: float = float("nan")
    chsh_stderr: float = float("nan")
    qber: float = float("nan")
    key_alice: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    key_bob: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    aborted: bool = True
    reason: str = ""
    key_rate: float = float("nan")
    key_from_bob: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    qber_by_key_pair: dict = field(default_factory=dict)  # (i, j) in KEY_BASES -> (QBER, count)
    security: str = SECURITY_MODEL

    @property
    def key_reference_bits(self) -> np.ndarray:
        """The sifted key as its reference sides hold it: Bob's bit or Alice's, per ``KEY_REFERENCE``."""
        return np.where(self.key_from_bob, self.key_bob, self.key_alice).astype(np.uint8)

    @property
    def key_mask(self) -> np.ndarray:
        """True for pairs whose bases match (they feed the sifted key)."""
        return np.isin(self.alice_bases * 3 + self.bob_bases, [a * 3 + b for a, b in KEY_BASES])

    @property
    def key_fraction(self) -> float:
        """Sifted key bits per pair (2/9 expected)."""
        return len(self.key_alice) / self.n_pairs

    @property
    def verdict(self) -> str:
        return "ABORTED" if self.aborted else "KEY ACCEPTED"

    def summary(self) -> dict:
        """The headline numbers as a plain dict."""
        return {"pairs": self.n_pairs, "S": round(self.chsh, 4), "S_stderr": round(self.chsh_stderr, 4),
                "QBER": round(self.qber, 4), "sifted_bits": len(self.key_alice),
                "key_fraction": round(self.key_fraction, 4), "key_rate": round(self.key_rate, 4),
                "verdict": self.verdict, "reason": self.reason, "security": self.security}

    def pairs_table(self, rows: int = 10):
        """A pandas table of the first ``rows`` pairs: what Alice, Bob and Eve each hold."""
        import pandas as pd

        n = min(rows, self.n_pairs)
        use = np.where(self.key_mask[:n], "key", np.where(
            np.isin(self.alice_bases[:n] * 3 + self.bob_bases[:n], [a * 3 + b for a, b in CHSH_TERMS]),
            "CHSH test", "discarded"))
        eve_angle = [(angle_label(a) if m else "-") for a, m in zip(self.eve_angles[:n], self.eve_mask[:n])]
        return pd.DataFrame({
            "Alice angle": [angle_label(ALICE_ANGLES[i]) for i in self.alice_bases[:n]],
            "Alice bit": self.alice_bits[:n],
            "Bob angle": [angle_label(BOB_ANGLES[i]) for i in self.bob_bases[:n]],
            "Bob bit": self.bob_bits[:n],
            "Eve angle": eve_angle,
            "Eve bit": [str(b) if b >= 0 else "-" for b in self.eve_bits[:n]],
            "used for": use,
        }, index=pd.RangeIndex(n, name="pair"))

    def __repr__(self) -> str:
        return (f"E91Result(pairs={self.n_pairs}, S={self.chsh:.3f}±{self.chsh_stderr:.3f}, "
                f"QBER={self.qber:.3%}, sifted={len(self.key_alice)}, {self.verdict})")


def angle_label(angle: float) -> str:
    """A label such as "π/4" for the angles the kit uses; degrees otherwise."""
    for value, label in ANGLE_LABELS.items():
        if abs(angle - value) < 1e-9:
            return label
    return f"{math.degrees(angle):.0f}°"


def run_e91(n_pairs: int, *, eve_fraction: float = 0.0, eve_bases: str = "bob", noise: float = 0.0,
            seed: int | None = None, engine: str = "fast") -> E91Result:
    """Run E91 on ``n_pairs`` Bell pairs; see the module docstring for the model.

    Parameters: ``eve_fraction`` in [0, 1] is the share of Bob's photons Eve intercepts;
    ``eve_bases`` is "bob" or "uniform"; ``noise`` in [0, 1] is the depolarizing probability
    per photon; ``seed`` fixes every random choice; ``engine`` is "fast" or "aer" (slow reference).
    """
    validate_parameters(n_pairs, eve_fraction, eve_bases, noise, engine)
    n, f, p = int(n_pairs), float(eve_fraction), float(noise)
    rng = np.random.default_rng(seed)
    alice_bases = rng.integers(0, 3, n)
    bob_bases = rng.integers(0, 3, n)
    eve_mask = rng.random(n) < f
    eve_choices = BOB_ANGLES if eve_bases == "bob" else UNIFORM_EVE_ANGLES
    eve_index = np.where(eve_mask, rng.integers(0, len(eve_choices), n), -1)

    group_ids = (alice_bases * 3 + bob_bases) * (len(eve_choices) + 1) + (eve_index + 1)
    groups, inverse = np.unique(group_ids, return_inverse=True)
    seeds = rng.integers(0, 2**63 - 1, size=len(groups))
    sample = _sample_fast if engine == "fast" else _sample_aer
    outcomes = np.empty(n, dtype=np.int64)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(groups) + 1))
    for g, gid in enumerate(groups):
        members = order[bounds[g]:bounds[g + 1]]
        basis_pair, eve_slot = divmod(int(gid), len(eve_choices) + 1)
        a, b = divmod(basis_pair, 3)
        eve_angle = eve_choices[eve_slot - 1] if eve_slot else None
        outcomes[members] = sample(a, b, eve_angle, p, len(members), int(seeds[g]))

    alice_bits = (outcomes & 1).astype(np.uint8)
    bob_bits = ((outcomes >> 1) & 1).astype(np.uint8)
    eve_bits = np.where(eve_mask, (outcomes >> 2) & 1, -1).astype(np.int8)
    eve_angles = np.where(eve_mask, np.asarray(eve_choices)[np.maximum(eve_index, 0)], np.nan)
    result = E91Result(n, f, eve_bases, p, seed, engine, alice_bases, bob_bases, alice_bits, bob_bits,
                       eve_mask, eve_angles, eve_bits)
    _analyse(result)
    return result


def _sift(r: E91Result) -> None:
    """Sifted keys, their reference sides (``KEY_REFERENCE``) and the QBER, overall and per key pair."""
    key = r.key_mask
    r.key_alice, r.key_bob = r.alice_bits[key], r.bob_bits[key]
    r.qber = float(np.mean(r.key_alice != r.key_bob)) if key.any() else float("nan")
    pair_of_bit = r.alice_bases[key] * 3 + r.bob_bases[key]
    r.key_from_bob = np.isin(pair_of_bit, [a * 3 + b for (a, b), side in KEY_REFERENCE.items() if side == "bob"])
    for (a, b) in KEY_BASES:
        errors = (r.key_alice != r.key_bob)[pair_of_bit == a * 3 + b]
        r.qber_by_key_pair[(a, b)] = (float(errors.mean()) if errors.size else float("nan"), int(errors.size))


def _analyse(r: E91Result) -> None:
    """CHSH estimate with standard error, sifting, QBER and the abort decision (fills ``r``)."""
    agree = r.alice_bits == r.bob_bits
    s, variance = 0.0, 0.0
    for (i, j), sign in CHSH_TERMS.items():
        mask = (r.alice_bases == i) & (r.bob_bases == j)
        count = int(mask.sum())
        e = 2.0 * agree[mask].mean() - 1.0 if count else float("nan")
        r.correlations[(i, j)] = (e, count)
        s += sign * e
        variance += (1.0 - e * e) / count if count > 1 else float("inf")
    r.chsh, r.chsh_stderr = s, math.sqrt(variance)
    _sift(r)
    s_low = r.chsh - CONFIDENCE_SIGMAS * r.chsh_stderr
    r.key_rate = key_rate_bound(s_low, r.qber) if math.isfinite(s_low) else float("-inf")
    # would a key exist if S were known exactly? Only then can more pairs help.
    more_pairs = math.isfinite(r.chsh) and key_rate_bound(r.chsh, r.qber) > 0
    hint = "; at this S and QBER a key is possible: more pairs would narrow the error bar" if more_pairs else ""
    if not math.isfinite(r.chsh) or not math.isfinite(r.chsh_stderr):
        r.aborted, r.reason = True, "too few pairs in a CHSH basis group to estimate S: use more pairs"
    elif s_low <= 2.0:
        r.aborted = True
        r.reason = (f"S = {r.chsh:.3f} ± {r.chsh_stderr:.3f} is not above the classical bound 2 by "
                    f"{CONFIDENCE_SIGMAS:g} standard errors: the pairs may not be entangled "
                    f"(eavesdropper or too much noise){hint}")
    elif not math.isfinite(r.qber) or r.key_rate <= 0:
        r.aborted = True
        leak = EC_EFFICIENCY * binary_entropy(r.qber) if math.isfinite(r.qber) else float("nan")
        r.reason = (f"no secret key possible: with S − 3σ = {s_low:.3f} Eve may know up to "
                    f"{eve_information_bound(s_low):.2f} bit per key bit and error correction at QBER = "
                    f"{r.qber:.1%} reveals about {leak:.2f}, so the key rate bound "
                    f"1 − I_E − {EC_EFFICIENCY:g}·h(QBER) = "
                    f"{r.key_rate:.3f} ≤ 0 (Acín et al. 2007){hint}")
    else:
        r.aborted = False
        r.reason = (f"S = {r.chsh:.3f} ± {r.chsh_stderr:.3f} > 2 and QBER = {r.qber:.1%}: "
                    f"key rate bound {r.key_rate:.3f} bit per sifted bit (device-independent, "
                    "collective attacks, asymptotic)")


# ---- theory (for plots and tests) ----------------------------------------------------------

def _eve_key_correlation(eve_bases: str) -> float:
    """E(t, t) for a key pair when Eve intercepts every photon: mean of cos^2(t - e)."""
    if eve_bases == "uniform":
        return 0.5
    values = [math.cos(t - e) ** 2 for t in (ALICE_ANGLES[a] for a, _ in KEY_BASES) for e in BOB_ANGLES]
    return float(np.mean(values))  # 7/12


def theory_chsh(eve_fraction: float = 0.0, noise: float = 0.0) -> float:
    """Expected S: (1 - p)^2 (2 sqrt 2 - f sqrt 2), for either Eve strategy."""
    return (1 - noise) ** 2 * (2 * math.sqrt(2) - eve_fraction * math.sqrt(2))


def theory_qber(eve_fraction: float = 0.0, eve_bases: str = "bob", noise: float = 0.0) -> float:
    """Expected QBER: (1 - E_key)/2 with E_key = (1-p)^2 (1 - f + f c); c = 7/12 ("bob") or 1/2."""
    c = _eve_key_correlation(eve_bases)
    return (1 - (1 - noise) ** 2 * (1 - eve_fraction + eve_fraction * c)) / 2


def _theory_chsh_stderr(n_pairs: int, eve_fraction: float, eve_bases: str, noise: float) -> float:
    shrink = (1 - noise) ** 2
    variance = 0.0
    for (i, j) in CHSH_TERMS:
        a, b = ALICE_ANGLES[i], BOB_ANGLES[j]
        eve_e = 0.5 * math.cos(a - b) if eve_bases == "uniform" else float(
            np.mean([math.cos(a - e) * math.cos(b - e) for e in BOB_ANGLES]))
        e = shrink * ((1 - eve_fraction) * math.cos(a - b) + eve_fraction * eve_e)
        variance += (1 - e * e) / (n_pairs / 9)
    return math.sqrt(variance)


def theory_key_rate(eve_fraction: float = 0.0, eve_bases: str = "bob", noise: float = 0.0) -> float:
    """Asymptotic key rate bound (S known exactly) at the theory S and QBER; <= 0: no key possible."""
    return key_rate_bound(theory_chsh(eve_fraction, noise), theory_qber(eve_fraction, eve_bases, noise))


_Q_GRID = np.linspace(0.0, 0.5, 4001)
_H_GRID = binary_entropy(_Q_GRID)  # increasing on [0, 1/2]


def _qber_allowed(s_low: np.ndarray) -> np.ndarray:
    """For each S - 3 sigma, the QBER below which the key rate bound is positive (-1: none)."""
    budget = (1.0 - eve_information_bound(s_low)) / EC_EFFICIENCY
    return np.where(budget > 0, np.interp(budget, _H_GRID, _Q_GRID), -1.0)


def detection_probability(n_pairs, eve_fraction: float, eve_bases: str = "bob", noise: float = 0.0,
                          criterion: str = "abort"):
    """Probability that a run of ``n_pairs`` aborts (``criterion="abort"``) or notices Eve.

    ``"abort"`` is the rule of ``run_e91``: abort unless S - 3 sigma > 2 and the key rate bound
    1 - I_E(S - 3 sigma) - f_EC h(QBER) is positive. ``"notice"``: Alice and Bob know their
    channel's noise, so they notice Eve when S falls 3 sigma below, or the QBER rises 3 sigma
    above, the values expected without her. A small Eve is then noticed but tolerated (the key
    survives, privacy amplification removes what she learned), while the abort test only fires
    when no secret key is possible.

    Normal approximation: the CHSH groups and the key groups are disjoint sets of pairs, so the
    estimates are independent: S ~ N(S_th, sigma_S) and the QBER estimate ~ N(Q, Q(1-Q)/(2n/9)).
    For "abort" the QBER threshold depends on S, so P(accept) is integrated over S.
    Accepts a number or an array of pair counts.
    """
    from scipy.stats import norm

    if criterion not in ("abort", "notice"):
        raise ValueError("criterion must be 'abort' or 'notice'")
    counts = np.atleast_1d(np.asarray(n_pairs, dtype=float))
    s_th, q_th = theory_chsh(eve_fraction, noise), theory_qber(eve_fraction, eve_bases, noise)
    s_0, q_0 = theory_chsh(0.0, noise), theory_qber(0.0, eve_bases, noise)
    z = np.linspace(-8.0, 8.0, 641)
    weights = norm.pdf(z) / norm.pdf(z).sum()
    out = []
    for n in counts:
        sigma = _theory_chsh_stderr(n, eve_fraction, eve_bases, noise)
        q_sigma = math.sqrt(max(q_th * (1 - q_th), 1e-12) / (2 * n / 9))
        if criterion == "abort":
            s_low = s_th + sigma * z - CONFIDENCE_SIGMAS * sigma
            p_accept = float(np.sum(weights * norm.cdf(_qber_allowed(s_low), loc=q_th, scale=q_sigma)))
            out.append(1 - p_accept)
            continue
        s_cut = s_0 - CONFIDENCE_SIGMAS * _theory_chsh_stderr(n, 0.0, eve_bases, noise)
        q_cut = q_0 + CONFIDENCE_SIGMAS * math.sqrt(max(q_0 * (1 - q_0), 1e-12) / (2 * n / 9))
        out.append(1 - norm.sf(s_cut, loc=s_th, scale=sigma) * norm.cdf(q_cut, loc=q_th, scale=q_sigma))
    return out[0] if np.ndim(n_pairs) == 0 else np.array(out)
