"""Shor, Grover, toy RSA and Mosca (pqfl_kit.threats) and the notebook 01 app without a browser."""
from __future__ import annotations

import math

import numpy as np
import pytest
from widget_tree import find as _find

from pqfl_kit import threats as T


@pytest.mark.slow  # over 2 s on a shared 2-core machine
@pytest.mark.parametrize("N", [15, 21])
def test_shor_factors_for_every_good_a(N):
    """Every a coprime to N whose order is even and a^(r/2) != -1 must give the true factors."""
    expected = {15: (3, 5), 21: (3, 7)}[N]
    n_count = 8 if N == 15 else 10
    for a in range(2, N):
        if math.gcd(a, N) != 1:
            continue
        result = T.run_shor(N, a, n_count, shots=256, seed=7)
        r = result.true_order
        good = r % 2 == 0 and pow(a, r // 2, N) != N - 1
        assert result.order == r, (N, a, result.table)
        if good:
            assert result.factors == expected, (a, result.reason)
        else:
            assert result.factors is None and ("odd" in result.reason or "-1" in result.reason)


def test_shor_phase_peaks_sit_at_multiples_of_one_over_r():
    result = T.run_shor(15, 7, 8, shots=1024, seed=1)
    assert set(result.counts) == {0, 64, 128, 192}
    assert all(abs(n / 1024 - 0.25) < 0.06 for n in result.counts.values())


def test_shor_circuit_size():
    qc = T.shor_circuit(21, 2, 10)
    assert qc.num_qubits == 15 and qc.num_clbits == 10


@pytest.mark.parametrize("args, message", [
    ((15, 5, 8), "not coprime"), ((15, 1, 8), "1 < a < N"), ((16, 3, 8), "must be one of"),
    ((15, 7, 1), "counting qubits"), ((15, 7, 40), "counting qubits")])
def test_shor_rejects_bad_choices_with_a_message(args, message):
    with pytest.raises(ValueError, match=message):
        T.run_shor(*args)


def test_shor_rejects_non_integers():
    with pytest.raises(TypeError):
        T.validate_shor_inputs(15, 7.5, 8)


def test_continued_fractions():
    assert T.order_from_phase(0.25, 15, 7) == 4
    assert T.order_from_phase(0.5, 15, 7) == 4  # denominator 2 divides r = 4: multiples are tried
    assert T.order_from_phase(0.0, 15, 7) is None
    assert T.order_from_phase(171 / 1024, 21, 2) == 6


def test_toy_rsa_round_trip_and_break():
    key = T.toy_rsa_key(3, 11)
    assert (key.n, key.e, key.d) == (33, 3, 7)
    ciphertext = T.rsa_encrypt_record("HR=72;SpO2=98", key.public)
    assert ciphertext != list(b"HR=72;SpO2=98")
    assert T.rsa_decrypt_record(ciphertext, key) == "HR=72;SpO2=98"
    assert T.rsa_decrypt_record(ciphertext, T.break_toy_rsa(key.public, (3, 11))) == "HR=72;SpO2=98"
    # the public exponent alone must not decrypt: that is what makes Shor necessary
    public_as_private = T.ToyRSAKey(key.n, key.e, key.e)
    try:
        assert T.rsa_decrypt_record(ciphertext, public_as_private) != "HR=72;SpO2=98"
    except ValueError:
        pass
    with pytest.raises(ValueError, match="not the factors"):
        T.break_toy_rsa(key.public, (3, 5))
    with pytest.raises(ValueError, match="private exponent"):
        T.rsa_decrypt_record(ciphertext, key.public)
    with pytest.raises(ValueError, match="not a prime"):
        T.toy_rsa_key(4, 7)
    for p, q in ((3, 5), (3, 7), (5, 7)):  # every e is its own inverse: refused
        with pytest.raises(ValueError, match="d = e"):
            T.toy_rsa_key(p, q)


def test_grover_simulation_follows_theory():
    result = T.run_grover(4, 11, shots=2000, seed=3)
    for sim, theory in zip(result.simulated, result.theory):
        assert abs(sim - theory) < 4 * math.sqrt(max(theory * (1 - theory), 1e-3) / 2000) + 0.01
    assert result.simulated[3] > 0.9 and result.simulated[0] < 0.15
    assert T.grover_optimal_iterations(4) == 3


def test_grover_rejects_bad_inputs():
    with pytest.raises(ValueError, match="between 0 and 15"):
        T.run_grover(4, 16)
    with pytest.raises(ValueError, match="2 to 6 qubits"):
        T.run_grover(9, 1)


def test_grover_key_strength_halves_exponent():
    assert T.grover_key_strength(256)["grover_log2"] == pytest.approx(127.65, abs=0.05)


def test_mosca():
    assert T.mosca(25, 5, 15).at_risk and T.mosca(25, 5, 15).exposed_years == 15
    assert T.mosca(25, 5, 15).exposed_years_today == 10 and "Even data encrypted today" in T.mosca(25, 5, 15).text
    assert T.mosca(8, 10, 15).at_risk and T.mosca(8, 10, 15).exposed_years_today == 0
    assert not T.mosca(10, 5, 15).at_risk  # boundary: x + y = z is not yet at risk
    assert "AT RISK" in T.mosca(30, 0, 10).text and "SAFE" in T.mosca(1, 1, 10).text
    with pytest.raises(ValueError):
        T.mosca(-1, 5, 15)
    with pytest.raises(TypeError):
        T.mosca("ten", 5, 15)


# NIST security categories: PQC Call for Proposals (2016) 4.A.5, FIPS 203 Sec. 8, FIPS 204 Sec. 4.
_FIPS_CATEGORIES = {"ML-KEM-512": 1, "ML-KEM-768": 3, "ML-KEM-1024": 5, "ML-DSA-44": 2, "ML-DSA-65": 3,
                    "ML-DSA-87": 5, "AES-128": 1, "AES-192": 3, "AES-256": 5, "Ascon-AEAD128": 1}


def test_security_categories_are_the_standards():
    assert {row["algorithm"]: row["category"] for row in T.SECURITY_CATEGORIES} == _FIPS_CATEGORIES
    for name, category in _FIPS_CATEGORIES.items():
        assert T.security_category(name) == category
    with pytest.raises(ValueError, match="ML-KEM-768") as error:  # the message lists the known names
        T.security_category("Kyber-768")
    assert "Kyber-768" in str(error.value)


def test_category_definitions_name_their_reference_problem():
    assert sorted(T.NIST_CATEGORIES) == [1, 2, 3, 4, 5]
    for category, key_bits in ((1, 128), (3, 192), (5, 256)):
        assert "key search" in T.NIST_CATEGORIES[category] and f"AES-{key_bits}" in T.NIST_CATEGORIES[category]
    for category, hash_bits in ((2, 256), (4, 384)):
        assert "collision" in T.NIST_CATEGORIES[category] and f"SHA-{hash_bits}" in T.NIST_CATEGORIES[category]


def test_hospital_crypto_categories_agree_with_the_category_table():
    for row in T.HOSPITAL_CRYPTO:
        if row["status"] == "broken":
            assert row["category"] is None, row["algorithm"]  # Shor: no post-quantum category
            continue
        assert row["category"] in T.NIST_CATEGORIES, row["algorithm"]
        name = row["algorithm"].split(" (")[0]
        if name in _FIPS_CATEGORIES:
            assert row["category"] == _FIPS_CATEGORIES[name], name


def test_depth_limited_key_search_costs_more_than_unlimited_grover():
    costs = T.QUANTUM_KEY_SEARCH_LOG2
    assert costs["AES-128"] < costs["AES-192"] < costs["AES-256"]
    for cipher, log2_gates in costs.items():
        key_bits = int(cipher.split("-")[1])
        for depth in T.MAXDEPTH_LOG2:  # the formula holds only where the depth limit binds
            assert log2_gates - depth > T.grover_key_strength(key_bits)["grover_log2"], (cipher, depth)


def test_rsa_estimates_fell_about_20x_in_qubits_only():
    old, new = T.RSA2048_ESTIMATES[1], T.RSA2048_ESTIMATES[2]
    assert "2019" in old["source"] or "1905" in old["source"]
    assert "2025" in new["source"]
    assert old["physical_qubits"] / new["physical_qubits"] == pytest.approx(20)
    assert new["hours"] / old["hours"] == pytest.approx(21)  # "< 1 week" vs 8 hours: runtime grew
    volume = (new["physical_qubits"] * new["hours"]) / (old["physical_qubits"] * old["hours"])
    assert 0.9 < volume < 1.2  # qubit-hours stayed about the same
    assert "20 million" in old["qubits"] and old["time"] == "8 hours" and "1 week" in new["time"]
    assert T.RSA2048_ESTIMATES[0]["physical_qubits"] is None  # Beauregard costs no error correction


@pytest.mark.slow  # over 2 s on a shared 2-core machine
def test_app_shows_factors_and_messages_instead_of_tracebacks():
    from pqfl_kit.apps.threats import build_threats_app

    app = build_threats_app()
    assert "pqfl-app" in app._dom_classes
    assert "3 × 5" in _find(app, "pqfl-shor-result").value
    _find(app, "pqfl-shor-n").value = 21
    _find(app, "pqfl-shor-a").value = 7
    _find(app, "pqfl-shor-run").click()
    assert "not coprime" in _find(app, "pqfl-shor-status").value
    _find(app, "pqfl-shor-a").value = 2
    _find(app, "pqfl-shor-run").click()
    assert "3 × 7" in _find(app, "pqfl-shor-result").value
    verdict = _find(app, "pqfl-mosca-verdict")
    assert "AT RISK" in verdict.value
    _find(app, "pqfl-mosca-x").value = 2
    assert "SAFE" in verdict.value


@pytest.mark.slow  # over 2 s on a shared 2-core machine
def test_mosca_preset_sets_sliders_and_manual_moves_switch_to_custom():
    from pqfl_kit.apps.threats import build_threats_app

    app = build_threats_app()
    preset, x = _find(app, "pqfl-mosca-preset"), _find(app, "pqfl-mosca-x")
    preset.value = "genomic data (a lifetime)"
    assert x.value == 70 and preset.value == "genomic data (a lifetime)"
    x.value = 3
    assert preset.value == "custom"


def test_order_and_powers_are_the_period_of_a_to_the_x():
    assert T.multiplicative_order(15, 7) == 4 and T.multiplicative_order(21, 2) == 6
    assert T.multiplicative_order(21, 4) == 3 and T.multiplicative_order(33, 5) == 10
    assert T.modular_powers(15, 7, 9) == [1, 7, 4, 13, 1, 7, 4, 13, 1]
    for N in T.SHOR_NS:  # the true order Shor's result reports agrees
        for a in (2, 4):
            assert T.multiplicative_order(N, a) == T.ShorResult(N, a, 2, {}, 1, 0, 0).true_order
    with pytest.raises(ValueError, match="shares the factor 3"):
        T.multiplicative_order(15, 6)
    with pytest.raises(ValueError):
        T.modular_powers(15, 7, T.MAX_POWERS + 1)
    with pytest.raises(TypeError):
        T.multiplicative_order(15, 7.0 + 0.5)


@pytest.mark.parametrize("n, marked, k", [(2, 3, 1), (3, 5, 2), (4, 11, 3), (4, 0, 5)])
def test_grover_amplitudes_match_the_qiskit_circuit(n, marked, k):
    """The numpy picture (oracle flips a sign, diffuser reflects about the mean) is what the circuit does."""
    from pqfl_kit.exercises.circuits import same_state, statevector

    stages = T.grover_amplitudes(n, marked, k)
    assert [label for label, _ in stages][:3] == ["start", "oracle 1", "diffuser 1"]
    assert same_state(statevector(T.grover_circuit(n, marked, k, measure=False)), stages[-1][1])
    assert stages[-1][1][marked] ** 2 == pytest.approx(float(T.grover_theory(n, k)))
    assert T.grover_angle(n) == pytest.approx(math.asin(2 ** (-n / 2)))


def test_grover_oracle_flips_only_the_marked_sign():
    from qiskit.quantum_info import Operator

    for marked in range(4):
        matrix = Operator(T.grover_oracle(2, marked)).data
        expected = np.eye(4)
        expected[marked, marked] = -1
        assert np.allclose(matrix, expected)
