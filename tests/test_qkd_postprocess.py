"""Cascade, Toeplitz privacy amplification, key confirmation and the end-to-end key use."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.linalg import toeplitz

from pqfl_kit.qkd.e91 import run_e91
from pqfl_kit.qkd.postprocess import (
    CONFIRM_BITS,
    EC_EFFICIENCY,
    binary_entropy,
    cascade,
    distill_key,
    eve_information_bound,
    final_key_length,
    key_rate_bound,
    reconcile,
    toeplitz_hash,
)
from pqfl_kit.qkd.records import open_record, seal_record


def h(q):
    return -q * math.log2(q) - (1 - q) * math.log2(1 - q)


@pytest.mark.parametrize("q", [0.01, 0.05, 0.1])
def test_cascade_corrects_and_leaks_near_the_shannon_limit(q):
    rng = np.random.default_rng(int(q * 1000))
    alice = rng.integers(0, 2, 8000)
    bob = alice ^ (rng.random(8000) < q)
    result = cascade(alice, bob, q, seed=1)
    assert np.array_equal(result.corrected, alice)
    assert result.errors_corrected == int((alice != bob).sum())
    # no code can leak less than n h(q); Cascade is known to be within ~20-25 % of it, and the
    # abort rule's EC_EFFICIENCY must describe this Cascade
    assert 8000 * h(q) * 0.95 < result.leaked_bits < 8000 * h(q) * 1.4
    assert abs(result.leaked_bits / (8000 * h(q)) - EC_EFFICIENCY) < 0.08


def test_cascade_input_checks():
    with pytest.raises(ValueError, match="length"):
        cascade(np.zeros(10), np.zeros(11), 0.05)
    with pytest.raises(ValueError, match="0 and 1"):
        cascade(np.array([0, 2]), np.array([0, 1]), 0.05)
    with pytest.raises(ValueError, match="qber"):
        cascade(np.zeros(10), np.zeros(10), 0.7)


def test_toeplitz_hash_equals_the_explicit_matrix_product():
    rng = np.random.default_rng(3)
    for n, m in ((40, 1), (64, 20), (300, 299)):
        x, seed = rng.integers(0, 2, n), rng.integers(0, 2, n + m - 1)
        matrix = toeplitz(seed[:m], np.concatenate([seed[:1], seed[m:]]))
        assert np.array_equal(matrix @ x % 2, toeplitz_hash(x, m, seed))
    with pytest.raises(ValueError, match="seed bits"):
        toeplitz_hash(np.ones(10, int), 4, np.ones(5, int))
    with pytest.raises(ValueError, match="between 0"):
        toeplitz_hash(np.ones(10, int), 11, np.ones(20, int))


def test_eve_information_bound():
    assert eve_information_bound(2 * math.sqrt(2)) == pytest.approx(0.0, abs=1e-12)
    assert eve_information_bound(2.0) == 1.0 and eve_information_bound(float("nan")) == 1.0
    values = [eve_information_bound(s) for s in np.linspace(2.01, 2.82, 10)]
    assert all(a > b for a, b in zip(values, values[1:]))
    bounds = eve_information_bound(np.array([1.5, 2.4, float("nan")]))
    assert np.allclose(bounds, [1.0, eve_information_bound(2.4), 1.0])
    # Acin et al. 2007 eq. 12 by hand at S = 2.5: h((1 + sqrt(0.5625)) / 2) = h(0.875)
    assert eve_information_bound(2.5) == pytest.approx(h(0.875))


def test_binary_entropy_and_key_rate_bound():
    assert binary_entropy(0.5) == 1.0 and binary_entropy(0) == 0.0 and binary_entropy(1) == 0.0
    assert binary_entropy(0.11) == pytest.approx(h(0.11))
    assert np.allclose(binary_entropy(np.array([0.0, 0.05, 0.5])), [0.0, h(0.05), 1.0])
    assert key_rate_bound(2 * math.sqrt(2), 0.0) == pytest.approx(1.0)
    assert key_rate_bound(2.5, 0.03) == pytest.approx(1 - h(0.875) - EC_EFFICIENCY * h(0.03))
    assert key_rate_bound(2.5, 0.03, ec_efficiency=1.0) > key_rate_bound(2.5, 0.03)
    assert key_rate_bound(1.9, 0.0) == 0.0  # S <= 2: Eve may know everything
    assert key_rate_bound(2.8, float("nan")) == float("-inf")


def test_distilled_key_is_shared_shorter_and_seals_a_record():
    run = run_e91(30_000, noise=0.03, seed=4)
    assert not run.aborted and run.qber > 0
    key = distill_key(run, seed=9)
    assert key.ok and key.confirmed and np.array_equal(key.key_alice, key.key_bob)
    assert key.errors_corrected == int((run.key_alice != run.key_bob).sum())
    assert key.final_length == len(key.key_alice) == final_key_length(
        len(run.key_alice), run.chsh - 3 * run.chsh_stderr, key.leaked_ec)
    assert 0 < key.final_length < len(run.key_alice) - key.leaked_ec - CONFIRM_BITS
    packet = seal_record(key.key_bytes(), b"patient 17: SpO2 91%", b"ward-3")
    from pqfl_kit.qkd.records import bits_to_key
    assert open_record(bits_to_key(key.key_bob), packet, b"ward-3") == b"patient 17: SpO2 91%"


def test_aborted_run_gives_no_key():
    run = run_e91(3000, eve_fraction=1.0, seed=1)
    key = distill_key(run, seed=1)
    assert run.aborted and not key.ok and key.final_length == 0 and "aborted" in key.reason
    with pytest.raises(ValueError, match="no final key"):
        key.key_bytes()


def test_more_noise_leaks_more_and_leaves_less():
    lengths = []
    for p in (0.0, 0.02, 0.05):
        key = distill_key(run_e91(40_000, noise=p, seed=12), seed=3)
        lengths.append((key.leaked_ec, key.final_length))
    assert lengths[0][0] < lengths[1][0] < lengths[2][0]
    assert lengths[0][1] > lengths[1][1] > lengths[2][1] > 0


def test_reconcile_corrects_each_key_pair_towards_its_reference_side():
    run = run_e91(30_000, noise=0.04, seed=7)
    fixed = reconcile(run, seed=3)
    bob_ref = run.key_from_bob
    assert np.array_equal(fixed.alice, run.key_reference_bits) and np.array_equal(fixed.bob, run.key_reference_bits)
    assert np.array_equal(fixed.bob[bob_ref], run.key_bob[bob_ref])  # (pi/4, pi/4): Alice corrected hers
    assert np.array_equal(fixed.alice[~bob_ref], run.key_alice[~bob_ref])  # (pi/2, pi/2): Bob corrected his
    assert fixed.errors_corrected == int((run.key_alice != run.key_bob).sum())
    with pytest.raises(ValueError, match="differ in length"):
        reconcile(dataclasses.replace(run, key_from_bob=run.key_from_bob[:-1]))


def test_final_key_is_a_hash_of_the_reference_bits():
    run = run_e91(30_000, noise=0.03, seed=4)
    key = distill_key(run, seed=9)
    n = len(run.key_alice)
    rng = np.random.default_rng(9)  # distill_key's public randomness, in its order
    rng.integers(2**63 - 1)
    rng.integers(0, 2, n + CONFIRM_BITS - 1)
    pa_seed = rng.integers(0, 2, n + key.final_length - 1)
    assert np.array_equal(key.key_alice, toeplitz_hash(run.key_reference_bits, key.final_length, pa_seed))
    assert not np.array_equal(key.key_alice, toeplitz_hash(run.key_alice, key.final_length, pa_seed))
    assert key.bob_reference_bits == int(run.key_from_bob.sum())


def test_cascade_rarely_leaves_errors_in_short_keys():
    rng = np.random.default_rng(5)
    failures = 0
    for _ in range(200):
        alice = rng.integers(0, 2, 500)
        bob = alice ^ (rng.random(500) < 0.03)
        failures += not np.array_equal(cascade(alice, bob, 0.03, passes=5, seed=int(rng.integers(1 << 30))).corrected,
                                       alice)
    # reconcile's setting (5 passes, >= 4 blocks per pass) on a key part of a 5,000-pair run: 0 of 200
    # keep errors (4 passes with blocks growing to the whole key: about 2.5 %)
    assert failures <= 2
