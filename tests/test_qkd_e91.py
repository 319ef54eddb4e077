"""Physics of the E91 simulation: CHSH, QBER, noise, Eve, abort rates, engine agreement.

Sample sizes are chosen so the tolerance is about 4 standard errors of the estimate; every
statistical test uses a fixed seed, so a failure is reproducible, not flaky.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from pqfl_kit.qkd.e91 import (
    ALICE_ANGLES,
    BOB_ANGLES,
    CHSH_TERMS,
    KEY_BASES,
    KEY_REFERENCE,
    QBER_LIMIT,
    SECURITY_MODEL,
    detection_probability,
    e91_circuit,
    run_e91,
    theory_chsh,
    theory_key_rate,
    theory_qber,
)
from pqfl_kit.qkd.postprocess import EC_EFFICIENCY, binary_entropy, distill_key, key_rate_bound

SQRT2 = math.sqrt(2)


def qber_stderr(q: float, n: int) -> float:
    return math.sqrt(max(q * (1 - q), 1e-4) / n)


def test_theory_values_from_the_issue():
    assert theory_chsh() == pytest.approx(2 * SQRT2)
    assert theory_chsh(1.0) == pytest.approx(SQRT2)
    assert theory_chsh(0.0, 0.1) == pytest.approx(2 * SQRT2 * 0.81)
    assert theory_qber(1.0, "bob") == pytest.approx(5 / 24)  # 20.8 %
    assert theory_qber(1.0, "uniform") == pytest.approx(0.25)
    assert theory_qber() == 0.0
    # the QBER at which the Acin et al. rate with Cascade's leakage vanishes for a noisy channel
    # (S = 2 sqrt 2 (1 - 2Q)): ~6.5 %, not the 11 % of BB84 (Shor-Preskill)
    assert pytest.approx(0.0646, abs=5e-4) == QBER_LIMIT
    assert key_rate_bound(2 * SQRT2 * (1 - 2 * QBER_LIMIT), QBER_LIMIT) == pytest.approx(0.0, abs=1e-9)
    assert key_rate_bound(2 * SQRT2 * (1 - 2 * QBER_LIMIT), QBER_LIMIT, ec_efficiency=1.0) > 0  # Shannon limit: 7.1 %
    # Eve along Bob's angles leaves no key above f ~ 0.28; the Bell test alone would pass up to f ~ 0.59
    assert theory_key_rate(0.27) > 0 > theory_key_rate(0.29)
    assert theory_chsh(0.5) > 2


def test_key_reference_is_a_setting_the_chsh_test_covers():
    """Acin et al. 2007 bound Eve's information on a CHSH setting's outcome: the key must be that side's bits."""
    alice_chsh, bob_chsh = {i for i, _ in CHSH_TERMS}, {j for _, j in CHSH_TERMS}
    assert set(KEY_REFERENCE) == set(KEY_BASES)
    for (a, b), side in KEY_REFERENCE.items():
        assert ALICE_ANGLES[a] == BOB_ANGLES[b]  # a key pair: equal angles
        assert (b in bob_chsh) if side == "bob" else (a in alice_chsh)
    # Ekert's (pi/4, pi/4): Alice's pi/4 is not one of her CHSH settings, so Bob's bit must be the reference
    assert 1 not in alice_chsh and KEY_REFERENCE[(1, 0)] == "bob" and KEY_REFERENCE[(2, 1)] == "alice"
    r = run_e91(20_000, noise=0.05, seed=6)
    pair = (r.alice_bases * 3 + r.bob_bases)[r.key_mask]
    assert np.array_equal(r.key_from_bob, pair == 1 * 3 + 0)
    assert np.array_equal(r.key_reference_bits, np.where(pair == 3, r.key_bob, r.key_alice))
    assert sum(count for _q, count in r.qber_by_key_pair.values()) == len(r.key_alice)
    for q, count in r.qber_by_key_pair.values():
        assert abs(q - theory_qber(0.0, "bob", 0.05)) < 4 * qber_stderr(q, count)


def test_every_result_states_the_assumptions_of_its_key_rate():
    r = run_e91(12_000, seed=2)
    for words in ("device-independent", "collective attacks", "asymptotic", "2 log2(1/eps)", "S - 3 sigma"):
        assert words in r.security
    assert r.security == SECURITY_MODEL and r.summary()["security"] == SECURITY_MODEL
    assert not r.aborted and "collective attacks, asymptotic" in r.reason
    assert distill_key(r, seed=1).security == SECURITY_MODEL


@pytest.mark.parametrize("strategy", ["bob", "uniform"])
@pytest.mark.parametrize("fraction", [0.4, 0.5, 1.0])
def test_intercept_resend_gets_no_key_even_if_the_abort_is_ignored(strategy, fraction):
    """Privacy amplification on its own (not only the abort rule) leaves Eve's intercept-resend nothing."""
    r = run_e91(60_000, eve_fraction=fraction, eve_bases=strategy, seed=13)
    assert r.aborted
    key = distill_key(dataclasses.replace(r, aborted=False), seed=2)
    assert key.confirmed and key.final_length == 0 and not key.ok


def test_no_eve_no_noise_violates_chsh_maximally():
    r = run_e91(60_000, seed=11)
    assert abs(r.chsh - 2 * SQRT2) < 4 * r.chsh_stderr
    assert r.qber == 0.0 and np.array_equal(r.key_alice, r.key_bob)
    assert abs(r.key_fraction - 2 / 9) < 4 * math.sqrt((2 / 9) * (7 / 9) / r.n_pairs)
    assert not r.aborted and "QBER" in r.reason
    for (i, j), (_e, count) in r.correlations.items():
        assert count > 5000 and (i, j) in CHSH_TERMS
    assert set(KEY_BASES) == {(1, 0), (2, 1)}


@pytest.mark.parametrize("strategy", ["bob", "uniform"])
@pytest.mark.parametrize("fraction", [0.5, 1.0])
def test_eve_lowers_s_and_raises_qber(strategy, fraction):
    r = run_e91(60_000, eve_fraction=fraction, eve_bases=strategy, seed=21)
    assert abs(r.chsh - (2 * SQRT2 - fraction * SQRT2)) < 4 * r.chsh_stderr
    expected_q = theory_qber(fraction, strategy)
    assert abs(r.qber - expected_q) < 4 * qber_stderr(expected_q, len(r.key_alice))
    assert abs(r.eve_mask.mean() - fraction) < 4 * math.sqrt(fraction * (1 - fraction) / r.n_pairs) + 1e-12
    # both abort. Half interception passes the Bell test (S - 3 sigma > 2) but leaves no key: the
    # bound on Eve's information plus Cascade's leakage exceed one bit per sifted bit, and more
    # pairs cannot change that, so the reason must not suggest them.
    assert r.aborted and r.key_rate <= 0 and "more pairs" not in r.reason
    assert distill_key(r, seed=1).final_length == 0
    if fraction == 0.5:
        assert r.chsh - 3 * r.chsh_stderr > 2 and "no secret key possible" in r.reason
    else:
        assert "not above the classical bound" in r.reason


@pytest.mark.parametrize("n_pairs, kwargs", [
    (60_000, dict(eve_fraction=0.5)),  # S = 2.12, QBER 10.4 %: used to be KEY ACCEPTED with a 0-bit key
    (5_000, dict(eve_fraction=0.2)),
    (60_000, dict(noise=0.1)),  # QBER 9.5 %
    (60_000, dict(noise=0.05)),
    (5_000, dict(eve_fraction=0.1)),
    (12_000, dict()),  # the capstone's honest run
])
def test_accepted_runs_always_yield_a_key(n_pairs, kwargs):
    r = run_e91(n_pairs, seed=21, **kwargs)
    key = distill_key(r, seed=1)
    if r.aborted:
        assert key.final_length == 0
        # more pairs are suggested only when the rate at the measured S and QBER is positive
        assert ("more pairs" in r.reason) == (key_rate_bound(r.chsh, r.qber) > 0)
    else:
        assert r.key_rate > 0 and key.ok and key.final_length > 0
        if r.qber >= 0.02:  # the abort rule's leakage estimate is honest: Cascade leaked <= f_EC n h(Q) (+ 5 %)
            assert key.leaked_ec <= 1.05 * EC_EFFICIENCY * len(r.key_alice) * binary_entropy(r.qber)
    if theory_key_rate(kwargs.get("eve_fraction", 0.0), "bob", kwargs.get("noise", 0.0)) <= 0:
        assert r.aborted
    if not kwargs:
        assert not r.aborted and key.final_length >= 256


def test_few_pairs_abort_suggests_more_pairs_only_when_a_key_is_possible():
    small = run_e91(150, seed=3)  # no Eve: S ~ 2.83 but sigma ~ 0.3
    assert small.aborted and "more pairs" in small.reason
    tapped = run_e91(2000, eve_fraction=1.0, seed=3)
    assert tapped.aborted and "more pairs" not in tapped.reason


def test_eve_strategies_really_differ_at_full_interception():
    bob = run_e91(60_000, eve_fraction=1.0, eve_bases="bob", seed=5)
    uniform = run_e91(60_000, eve_fraction=1.0, eve_bases="uniform", seed=5)
    gap = uniform.qber - bob.qber
    assert gap > 4 * math.hypot(qber_stderr(0.25, 13_000), qber_stderr(0.208, 13_000))
    assert set(np.unique(bob.eve_angles[bob.eve_mask]).round(6)) == {round(math.pi / 4 * k, 6) for k in (1, 2, 3)}
    assert len(np.unique(uniform.eve_angles[uniform.eve_mask])) == 12


@pytest.mark.parametrize("p", [0.1, 0.3])
def test_depolarizing_noise_shrinks_s(p):
    r = run_e91(60_000, noise=p, seed=31)
    assert abs(r.chsh - 2 * SQRT2 * (1 - p) ** 2) < 4 * r.chsh_stderr
    expected_q = theory_qber(0.0, "bob", p)
    assert abs(r.qber - expected_q) < 4 * qber_stderr(expected_q, len(r.key_alice))


def test_abort_rate_with_full_eve_and_false_abort_rate_without():
    eve_aborts = [run_e91(2000, eve_fraction=1.0, seed=1000 + i).aborted for i in range(200)]
    clean_aborts = [run_e91(2000, seed=5000 + i).aborted for i in range(200)]
    assert np.mean(eve_aborts) >= 0.99
    assert np.mean(clean_aborts) <= 0.01


def test_detection_probability_model_matches_simulation():
    p = detection_probability(1000, 0.1)
    rate = np.mean([run_e91(1000, eve_fraction=0.1, seed=9000 + i).aborted for i in range(200)])
    assert 0.2 < p < 0.8
    assert abs(rate - p) < 4 * math.sqrt(p * (1 - p) / 200)
    sizes = [200, 500, 1000, 2000, 5000]
    assert np.all(np.diff(detection_probability(sizes, 0.6)) > 0)  # S < 2: more pairs, surer abort
    assert np.all(np.diff(detection_probability(sizes, 0.35)) > 0)  # S > 2 but no key possible: same
    assert np.all(np.diff(detection_probability(sizes, 0.1)) < 0)  # a key survives: more pairs, surer accept
    assert np.all(np.diff(detection_probability(sizes, 0.1, criterion="notice")) > 0)  # but Eve is noticed
    assert detection_probability(2000, 1.0) > 0.999 and detection_probability(2000, 0.0) < 1e-3


def test_seeds_reproduce_and_groups_are_independent():
    a, b = run_e91(5000, eve_fraction=0.4, seed=3), run_e91(5000, eve_fraction=0.4, seed=3)
    assert np.array_equal(a.alice_bits, b.alice_bits) and np.array_equal(a.eve_bits, b.eve_bits)
    c = run_e91(5000, eve_fraction=0.4, seed=4)
    assert not np.array_equal(a.alice_bits, c.alice_bits)
    # one seed reused for every group would give groups identical bit sequences
    r = run_e91(40_000, seed=8)
    g1 = r.alice_bits[(r.alice_bases == 0) & (r.bob_bases == 1)][:3000].astype(float)
    g2 = r.alice_bits[(r.alice_bases == 1) & (r.bob_bases == 2)][:3000].astype(float)
    assert abs(np.corrcoef(g1, g2)[0, 1]) < 4 / math.sqrt(3000)


def test_fast_path_agrees_with_straightforward_aer_midcircuit_path():
    kwargs = dict(eve_fraction=0.7, noise=0.05, seed=77)
    fast, aer = run_e91(12_000, engine="fast", **kwargs), run_e91(12_000, engine="aer", **kwargs)
    assert np.array_equal(fast.alice_bases, aer.alice_bases) and np.array_equal(fast.eve_mask, aer.eve_mask)
    assert abs(fast.chsh - aer.chsh) < 4 * math.hypot(fast.chsh_stderr, aer.chsh_stderr)
    q = theory_qber(0.7, "bob", 0.05)
    assert abs(fast.qber - aer.qber) < 4 * math.sqrt(2) * qber_stderr(q, len(fast.key_alice))
    # Eve's record agrees with what Bob then sees, at the rate theory predicts, on both paths
    for r in (fast, aer):
        assert abs(r.chsh - theory_chsh(0.7, 0.05)) < 4 * r.chsh_stderr


def test_circuits_deferred_and_midcircuit():
    deferred = e91_circuit(0.0, math.pi / 4, eve_angle=math.pi / 2, noise=0.1)
    mid = e91_circuit(0.0, math.pi / 4, eve_angle=math.pi / 2, eve_measurement="midcircuit")
    assert deferred.num_qubits == 3 and mid.num_qubits == 2
    assert deferred.count_ops()["measure"] == 3 and mid.count_ops()["measure"] == 3
    ops = [inst.operation.name for inst in mid.data]
    assert ops.index("measure") < ops.index("barrier", ops.index("measure"))  # Eve measures mid-circuit
    assert "kraus" in deferred.count_ops()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_pairs=50), ValueError, "too few"),
    (dict(n_pairs=10_000_000), ValueError, "more than"),
    (dict(n_pairs=2.5), TypeError, "whole number"),
    (dict(n_pairs=1000, eve_fraction=1.5), ValueError, r"outside \[0, 1\]"),
    (dict(n_pairs=1000, eve_fraction=-0.1), ValueError, r"outside \[0, 1\]"),
    (dict(n_pairs=1000, noise=2), ValueError, r"noise = 2 is outside"),
    (dict(n_pairs=1000, noise="lots"), TypeError, "number"),
    (dict(n_pairs=1000, eve_bases="diagonal"), ValueError, "unknown Eve strategy"),
    (dict(n_pairs=1000, engine="gpu"), ValueError, "unknown engine"),
])
def test_bad_parameters_raise_clear_errors(kwargs, error, match):
    n = kwargs.pop("n_pairs")
    with pytest.raises(error, match=match):
        run_e91(n, **kwargs)


def test_pairs_table_shows_what_each_party_knows():
    r = run_e91(500, eve_fraction=0.5, seed=2)
    table = r.pairs_table(12)
    assert len(table) == 12 and list(table.columns)[-1] == "used for"
    assert (table["Eve bit"] == "-").sum() == 12 - r.eve_mask[:12].sum()
    assert set(table["used for"]) <= {"key", "CHSH test", "discarded"}
    assert "E91Result(pairs=500" in repr(r)
