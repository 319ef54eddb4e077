"""Quantum threats to today's medical-IoT crypto (notebook 01): Shor, Grover, a toy RSA record, Mosca.

* :mod:`.shor`    the order of a mod N (what Shor finds), Shor's order finding on Qiskit Aer and its
  classical post-processing (Shor 1994; Nielsen & Chuang sec. 5.3).
* :mod:`.rsa`     textbook RSA (1978) on a key small enough for the simulated circuit:
  "harvest now, decrypt later" made concrete.
* :mod:`.grover`  Grover search: its oracle, exact amplitudes, simulated runs and theory (Grover 1996;
  N&C sec. 6.1).
* :mod:`.risk`    Mosca's inequality x + y > z (IEEE S&P 16(5), 2018), the hospital crypto table,
  NIST's security categories (PQC Call for Proposals 2016, 4.A.5) and RSA-2048 estimates.
* :mod:`.plots`   the notebook's figures (matplotlib; import ``pqfl_kit.threats.plots`` to use them).

Every name is importable from here (``from pqfl_kit import threats as T; T.run_shor(...)``).
Qiskit is imported inside the functions that need it, so ``import pqfl_kit.threats`` is instant.
Each module lists its size limits: a ``ValueError`` naming the limit, checked before any circuit
is built, chosen so that the largest allowed call runs in seconds on a 2 GB Binder pod. Whole
numbers may be numpy integers; bools and floats such as 1.5 are refused (``TypeError``).
"""
from __future__ import annotations

from .grover import (
    MAX_GROVER_ITERATIONS,
    MAX_KEY_BITS,
    MAX_THEORY_QUBITS,
    GroverResult,
    grover_amplitudes,
    grover_angle,
    grover_circuit,
    grover_key_strength,
    grover_optimal_iterations,
    grover_oracle,
    grover_theory,
    run_grover,
)
from .risk import (
    HOSPITAL_CRYPTO,
    MAXDEPTH_LOG2,
    NIST_CATEGORIES,
    QUANTUM_KEY_SEARCH_LOG2,
    RSA2048_ESTIMATES,
    SECURITY_CATEGORIES,
    MoscaVerdict,
    mosca,
    security_category,
)
from .rsa import (
    MAX_RECORD_BYTES,
    MAX_TOY_PRIME,
    ToyRSAKey,
    break_toy_rsa,
    rsa_decrypt_record,
    rsa_encrypt_record,
    toy_rsa_key,
)
from .shor import (
    MAX_COUNTING_QUBITS,
    MAX_ORDER_N,
    MAX_POWERS,
    MAX_SHOTS,
    SHOR_NS,
    ShorResult,
    factors_from_order,
    modular_powers,
    multiplicative_order,
    order_from_phase,
    run_shor,
    shor_circuit,
    validate_shor_inputs,
)

__all__ = [
    "SHOR_NS", "validate_shor_inputs", "shor_circuit", "run_shor", "ShorResult", "order_from_phase",
    "factors_from_order", "multiplicative_order", "modular_powers", "ToyRSAKey", "toy_rsa_key",
    "rsa_encrypt_record", "rsa_decrypt_record", "break_toy_rsa", "grover_circuit", "grover_oracle", "grover_angle",
    "grover_amplitudes", "grover_optimal_iterations", "grover_theory", "run_grover", "GroverResult",
    "grover_key_strength", "mosca", "MoscaVerdict", "HOSPITAL_CRYPTO", "RSA2048_ESTIMATES", "NIST_CATEGORIES",
    "SECURITY_CATEGORIES", "security_category", "QUANTUM_KEY_SEARCH_LOG2", "MAXDEPTH_LOG2", "MAX_COUNTING_QUBITS",
    "MAX_SHOTS", "MAX_GROVER_ITERATIONS", "MAX_THEORY_QUBITS", "MAX_KEY_BITS", "MAX_TOY_PRIME", "MAX_RECORD_BYTES",
    "MAX_ORDER_N", "MAX_POWERS",
]
