"""The primer's helpers (notebook 00a): Born rule, seeded shots, angles, Bell pairs, QFT peaks, hashing."""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from pqfl_kit.primer import states as P

matplotlib.use("Agg")
pytest.importorskip("qiskit")


def test_prepare_angle_has_half_angle_amplitudes_and_ry_turns_the_point():
    state = P.state_of(P.prepare_angle(2 * math.pi / 3))
    assert np.allclose(state, [0.5, math.sqrt(3) / 2])
    turned = P.prepare_angle(math.pi / 3)
    turned.ry(math.pi / 6, 0)
    assert np.allclose(P.state_of(turned), P.state_of(P.prepare_angle(math.pi / 2)))


@pytest.mark.parametrize("theta, t", [(0.3, 1.2), (2.0, -0.5), (math.pi, 0.0), (1.0, 1.0)])
def test_measure_along_gives_cos_squared_of_half_the_angle(theta, t):
    circuit = P.prepare_angle(theta).compose(P.measure_along(t))
    assert P.probabilities_of(P.state_of(circuit))[0] == pytest.approx(math.cos((theta - t) / 2) ** 2)


def test_measure_along_matches_the_e91_convention():
    from pqfl_kit.qkd.e91 import e91_circuit

    kit = e91_circuit(0.3, 1.1).remove_final_measurements(inplace=False)
    assert np.allclose(np.abs(P.state_of(kit)) ** 2, np.abs(P.state_of(P.bell_at_angles(0.3, 1.1))) ** 2)


def test_probabilities_reject_unnormalised_or_odd_sized_states():
    assert np.allclose(P.probabilities_of([0.6, 0.8]), [0.36, 0.64])
    with pytest.raises(ValueError, match="normalise"):
        P.probabilities_of([1, 1])
    with pytest.raises(ValueError, match="2, 4, 8"):
        P.probabilities_of([1, 0, 0])


def test_sample_counts_is_seeded_complete_and_limited():
    bell = P.bell_pair()
    first, again = P.sample_counts(bell, 1000), P.sample_counts(bell, 1000)
    assert first == again and list(first) == ["00", "01", "10", "11"] and sum(first.values()) == 1000
    assert first["01"] == first["10"] == 0
    assert P.sample_counts(bell, 1000, seed=1) != first
    assert all(type(k) is str and type(v) is int for k, v in first.items())
    with pytest.raises(ValueError, match="shots"):
        P.sample_counts(bell, P.MAX_SHOTS + 1)
    with pytest.raises(TypeError, match="whole number"):
        P.sample_counts(bell, 10.5)
    with pytest.raises(TypeError, match="QuantumCircuit"):
        P.state_of("bell")


def test_ket_uses_qiskit_order():
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(2)
    qc.x(0)
    assert P.ket(P.state_of(qc)) == "1.00|01>"
    assert P.ket(P.state_of(P.bell_pair())) == "0.71|00> + 0.71|11>"


@pytest.mark.parametrize("a, b", [(0.0, 0.0), (0.0, math.pi / 4), (1.0, 2.5), (math.pi / 2, 0.0)])
def test_bell_pairs_agree_with_cos_squared_within_three_standard_errors(a, b):
    run = P.measure_pairs(a, b, 20_000)
    assert abs(run.agree - P.agreement_theory(a, b)) <= 3 * run.stderr + 1e-12
    assert run.correlation == pytest.approx(2 * run.agree - 1)
    assert P.correlation_theory(a, b) == pytest.approx(2 * P.agreement_theory(a, b) - 1)


def test_chsh_reaches_two_root_two():
    assert P.chsh_theory() == pytest.approx(2 * math.sqrt(2))
    s, terms = P.chsh_simulated(4000)
    assert len(terms) == 4 and abs(s - 2 * math.sqrt(2)) < 0.15 and s > 2


def test_grover_finds_the_marked_item_in_one_round():
    circuit, steps = P.grover_two_qubits()
    assert list(steps) == ["equal superposition", "after the oracle", "after the diffuser"]
    assert np.allclose(steps["after the oracle"].real, [0.5, 0.5, 0.5, -0.5])
    assert np.allclose(steps["after the diffuser"], [0, 0, 0, 1])  # reflected about the mean 0.25: 2·0.25 + 0.5
    assert np.allclose(np.abs(P.state_of(circuit)) ** 2, [0, 0, 0, 1])


def test_phase_kickback_lands_on_the_control():
    state = P.state_of(P.kickback_circuit(math.pi / 2))
    assert np.allclose(state, [0, 0, 1 / math.sqrt(2), 1j / math.sqrt(2)])
    for phi in (0.0, 0.7, math.pi, 4.0):
        probs = np.abs(P.state_of(P.kickback_circuit(phi, read_out=True))) ** 2
        assert probs[0b10] == pytest.approx(math.cos(phi / 2) ** 2)


@pytest.mark.parametrize("period, offset", [(4, 0), (4, 3), (2, 1), (8, 5)])
def test_qft_turns_a_period_into_peaks_at_multiples(period, offset):
    probs = np.abs(P.qft_state(P.periodic_state(4, period, offset))) ** 2
    peaks = np.flatnonzero(probs > 1e-9)
    assert peaks.tolist() == list(range(0, 16, 16 // period))
    assert np.allclose(probs[peaks], 1 / period)


def test_qft_matches_the_textbook_formula():
    rng = np.random.default_rng(0)
    vector = rng.normal(size=8) + 1j * rng.normal(size=8)
    vector /= np.linalg.norm(vector)
    k, x = np.meshgrid(range(8), range(8), indexing="ij")
    want = np.exp(2j * np.pi * k * x / 8) @ vector / math.sqrt(8)
    assert np.allclose(P.qft_state(vector), want)


def test_periodic_state_validates():
    with pytest.raises(ValueError, match="offset"):
        P.periodic_state(4, 4, 4)
    with pytest.raises(ValueError, match="n_qubits"):
        P.periodic_state(P.MAX_QUBITS + 1, 2)


def test_gf2_rank():
    assert P.gf2_rank(np.eye(4, dtype=int)) == 4
    assert P.gf2_rank([[1, 1], [1, 1]]) == 1
    assert P.gf2_rank([[1, 1, 0], [0, 1, 1], [1, 0, 1]]) == 2  # the rows add to zero modulo 2
    assert P.gf2_rank(np.zeros((3, 3))) == 0


def test_toeplitz_has_constant_diagonals():
    m = P.toeplitz_matrix(5, 9, seed=3)
    assert m.shape == (5, 9) and set(np.unique(m)) <= {0, 1}
    assert all(m[i, j] == m[i + 1, j + 1] for i in range(4) for j in range(8))


def test_hashing_shorter_than_the_unknown_part_hides_the_key():
    assert P.eve_known_output_bits(64, 24, 64) == 24  # no hashing: she keeps what she knew
    assert P.eve_known_output_bits(64, 24, 48) >= 8  # longer than her unknown 40 bits
    assert all(P.eve_known_output_bits(64, 24, m, seed=s) == 0 for m in (16, 30) for s in range(5))
    assert P.eve_known_output_bits(64, 0, 32) == 0
    with pytest.raises(ValueError, match="eve_knows"):
        P.eve_known_output_bits(16, 17, 8)


def test_key_budget_adds_up():
    budget = P.key_budget(10_000, 0.03, 0.2)
    assert budget["revealed by error correction"] == math.ceil(10_000 * 1.2 * P.binary_entropy(0.03))
    assert budget["secret after hashing"] == 10_000 - budget["revealed by error correction"] - 2000
    assert P.key_budget(100, 0.11, 0.5)["secret after hashing"] == 0
    with pytest.raises(ValueError, match="qber"):
        P.key_budget(100, 0.6, 0.1)


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    from pqfl_kit.primer import plots

    runs = [P.measure_pairs(d, 0.0, 100) for d in (0.0, 1.0)]
    for fig in (plots.plot_counts({"0": 3, "1": 7}, [0.3, 0.7]), plots.plot_amplitudes({"a": [1, 0], "b": [0, 1j]}),
                plots.plot_amplitudes({"p": P.periodic_state(4, 4)}), plots.plot_bloch_circle(1.0, 0.5),
                plots.plot_agreement(runs), plots.plot_entropy((0.1,))):
        assert fig.axes
        plt.close(fig)


@pytest.mark.slow
def test_importing_the_primer_loads_no_qiskit():
    import subprocess
    import sys

    code = "import sys, pqfl_kit.primer, pqfl_kit.apps.primer; print('qiskit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
