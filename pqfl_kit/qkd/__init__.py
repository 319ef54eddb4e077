"""E91 quantum key distribution (notebook 03): simulation, post-processing, key use.

* ``pqfl_kit.qkd.e91``: ``run_e91`` simulates the protocol with Qiskit and returns ``E91Result``.
* ``pqfl_kit.qkd.postprocess``: Cascade error correction, Toeplitz privacy amplification,
  key confirmation (``distill_key``).
* ``pqfl_kit.qkd.records``: ``seal_record`` / ``open_record`` use a key as in the paper
  (AES-256-GCM record + HMAC-SHA256 with an HKDF-derived key).

Names are loaded lazily, so ``import pqfl_kit.qkd`` does not import Qiskit.
"""
from __future__ import annotations

import importlib

_LAZY = {
    "run_e91": "e91", "E91Result": "e91",
    "distill_key": "postprocess", "DistilledKey": "postprocess", "cascade": "postprocess",
    "toeplitz_hash": "postprocess", "key_rate_bound": "postprocess", "binary_entropy": "postprocess",
    "seal_record": "records", "open_record": "records", "RecordError": "records",
    "bits_to_key": "records", "derive_record_keys": "records",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))
