"""Anomaly detectors for nano-network traffic (notebook 04).

* :mod:`pqfl_kit.models.interface`: the one ``Detector`` interface (score, fit, weights) that the
  Keras detectors, the federated learners and the ward's scorers all implement.
* :mod:`pqfl_kit.models.detectors`: TinyML / LSTM / GRU Keras builders, training, metrics.
* :mod:`pqfl_kit.models.tinyml`: LiteRT export (full int8 for the dense TinyML model).
* :mod:`pqfl_kit.models.explain`: which features and time steps drove a score (SHAP).
* :mod:`pqfl_kit.models.plots`: learning curves, confusion matrices, ROC.

Nothing heavy is imported here: Keras (JAX backend) loads with ``detectors``, TensorFlow only
inside the LiteRT conversion. The interface is imported here; the other names lazily.
"""
from __future__ import annotations

import importlib

from .interface import Detector, Standardized, probabilities

_LAZY = {
    "ARCHITECTURES": "detectors", "OPTIMIZERS": "detectors", "PAPER": "detectors",
    "build_model": "detectors", "train_detector": "detectors", "evaluate": "detectors",
    "KerasDetector": "detectors", "Metrics": "detectors", "comparison_table": "detectors",
    "export_litert": "tinyml", "export_many": "tinyml", "LiteRTModel": "tinyml",
    "LiteRTUnavailable": "tinyml", "litert_unavailable": "tinyml",
    "explain_window": "explain", "Explanation": "explain",
}

__all__ = ["Detector", "Standardized", "probabilities", *sorted(_LAZY)]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
