"""E91 quantum key distribution (notebook 03): simulation, post-processing, key use.

* ``pqfl_kit.qkd.e91``: ``run_e91`` simulates the protocol and returns ``E91Result``; Qiskit
  loads only when a circuit is built or run.
* ``pqfl_kit.qkd.postprocess``: Cascade error correction towards each key pair's reference
  side (``reconcile``), Toeplitz privacy amplification, key confirmation (``distill_key``);
  ``SECURITY_MODEL`` states what the key rate bound assumes.
* ``pqfl_kit.qkd.records``: ``seal_record`` / ``open_record`` use a key as in the paper
  (AES-256-GCM record + HMAC-SHA256 with an HKDF-derived key): computationally secure, not
  information-theoretically (that would need a one-time pad as long as the data).
* ``pqfl_kit.qkd.plots``: the notebook's figures (imported by the notebook and app only).
"""
from __future__ import annotations

from .e91 import KEY_REFERENCE, E91Result, run_e91
from .postprocess import (
    SECURITY_MODEL,
    DistilledKey,
    binary_entropy,
    cascade,
    distill_key,
    key_rate_bound,
    reconcile,
    toeplitz_hash,
)
from .records import RecordError, bits_to_key, derive_record_keys, open_record, seal_record

__all__ = ["E91Result", "run_e91", "KEY_REFERENCE", "SECURITY_MODEL", "DistilledKey", "binary_entropy", "cascade",
           "distill_key", "key_rate_bound", "reconcile", "toeplitz_hash", "RecordError", "bits_to_key",
           "derive_record_keys", "open_record", "seal_record"]
