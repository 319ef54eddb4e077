"""The one detector interface shared by notebook 04's models, federated learning and the ward.

A detector is the paper's f_theta (IJISRT 10(4), 2025, Sec. III-A, Eq. 4): it maps traffic
windows ``(n, steps, features)`` to anomaly probabilities in [0, 1]. What every caller needs:

* ``name``: which model this is (``"tinyml"``, ``"logreg"``, ...);
* ``score(windows)``: probabilities in [0, 1], one per window;
* ``fit(windows, labels, epochs)``: local training on the same kind of windows ``score`` takes;
* ``get_weights()`` / ``set_weights(weights)``: a list of numpy arrays, what FedAvg averages
  (McMahan et al. 2017, Alg. 1).

Implementations: :class:`pqfl_kit.models.detectors.KerasDetector` (notebook 04),
the learners of :mod:`pqfl_kit.fl.task` (notebook 05), the ward's scorers of
:mod:`pqfl_kit.hospital.ward` (notebook 06), and :class:`Standardized`, which puts the Z-score of
the training data (paper Eq. 3) in front of any of them so that it scores raw device windows.
This module is light: numpy only, no Keras.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from pqfl_kit.traffic import Standardizer

__all__ = ["Detector", "Standardized", "probabilities"]


@runtime_checkable
class Detector(Protocol):
    """An anomaly detector: scores windows, trains on windows, exposes its weights for FedAvg."""

    @property
    def name(self) -> str: ...

    def score(self, windows: np.ndarray) -> np.ndarray:
        """Anomaly probabilities in [0, 1], shape ``(n,)``, for windows ``(n, steps, features)``."""
        ...

    def fit(self, windows: np.ndarray, labels: np.ndarray, epochs: int = 1) -> None:
        """Train on labelled windows (1 = anomalous), continuing from the current weights."""
        ...

    def get_weights(self) -> list[np.ndarray]: ...

    def set_weights(self, weights: Sequence[np.ndarray]) -> None: ...


def probabilities(scores) -> np.ndarray:
    """Scores as a flat float array clipped to [0, 1] (Eq. 4's range, whatever the numerics did)."""
    return np.clip(np.asarray(scores, dtype=float).reshape(-1), 0.0, 1.0)


@dataclass
class Standardized:
    """A detector behind the Z-score (Eq. 3) its training windows were normalized with.

    The normalization ships with the model (it is not averaged): ``score`` and ``fit`` take raw
    device windows, the weights are the inner detector's.
    """

    detector: Detector
    standardizer: Standardizer

    @property
    def name(self) -> str:
        return self.detector.name

    def score(self, windows: np.ndarray) -> np.ndarray:
        return probabilities(self.detector.score(self.standardizer.transform(windows)))

    def fit(self, windows: np.ndarray, labels: np.ndarray, epochs: int = 1) -> None:
        self.detector.fit(self.standardizer.transform(windows), labels, epochs)

    def get_weights(self) -> list[np.ndarray]:
        return self.detector.get_weights()

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        self.detector.set_weights(weights)
