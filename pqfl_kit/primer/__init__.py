"""The quantum primer (notebook 00a): what notebooks 01 (Shor, Grover) and 03 (E91) rely on.

* ``pqfl_kit.primer.states``: one- and two-qubit circuits, the Born rule, seeded shots, measuring
  at an angle (Ry(−t) then Z, as E91 does), phase kickback, the QFT of a periodic state, and
  privacy amplification in miniature; Qiskit loads only when a circuit is built or run.
* ``pqfl_kit.primer.plots``: the notebook's figures (imported by the notebook and app only).
"""
from __future__ import annotations

from .states import (
    agreement_theory,
    bell_at_angles,
    bell_pair,
    binary_entropy,
    correlation_theory,
    ket,
    measure_along,
    measure_pairs,
    prepare_angle,
    sample_counts,
    state_of,
)

__all__ = ["agreement_theory", "bell_at_angles", "bell_pair", "binary_entropy", "correlation_theory", "ket",
           "measure_along", "measure_pairs", "prepare_angle", "sample_counts", "state_of"]
