"""pqfl-kit: post-quantum + quantum-key security and federated learning for medical IoT.

Importing the package is instant: no Keras, TensorFlow, JAX or Qiskit is loaded here. Each
subpackage imports its heavy dependency itself, so the E91 app never pays for TensorFlow.
"""
from __future__ import annotations

import os

# Keras 3 reads KERAS_BACKEND when it is first imported. JAX is the kit's default (lighter and
# faster than TensorFlow on small CPUs, and Binder gives 2 GB); a user's own choice wins.
os.environ.setdefault("KERAS_BACKEND", "jax")

__version__ = "0.1.0"
SEED = 2026  # the kit-wide default seed: learners comparing numbers see the same ones

__all__ = ["SEED", "__version__"]
