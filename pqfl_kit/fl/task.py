"""The learning task of the federated round: data shards and a local learner per model name.

Data: the kit's nano-network traffic windows (``pqfl_kit.traffic``, notebook 04); each client is
one device/patient, so the split is naturally non-IID. Models: "gru", "lstm" and "tinyml" are the
Keras detectors of ``pqfl_kit.models.detectors`` (JAX backend); "logreg" is a numpy logistic
regression with the same interface that needs no Keras (light processes, quick tests).

Every learner implements the kit's one detector interface (:class:`pqfl_kit.models.Detector`):
``name``, ``score(x)`` (probabilities in [0, 1]), ``fit(x, y, epochs)`` and ``get_weights`` /
``set_weights`` (a list of numpy arrays, Keras order: what federated averaging needs), plus
``accuracy(x, y)`` for the round's test. Learners work on Z-scored windows, as the shards hold
them; :meth:`FederatedData.deploy` puts the shipped Z-score in front, so that the trained model
scores raw device windows (the capstone's ward does exactly that).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pqfl_kit import SEED, traffic
from pqfl_kit.limits import real, whole
from pqfl_kit.models.interface import Detector, Standardized, probabilities

__all__ = ["MODELS", "FederatedData", "make_federated_data", "make_learner", "NumpyLogReg", "KerasLearner",
           "WINDOW", "dirichlet_partition", "MIN_LABEL_ALPHA", "MAX_LABEL_ALPHA", "MIN_CLIENT_WINDOWS"]

MODELS = ("gru", "lstm", "tinyml", "logreg")
WINDOW = 20  # steps per window: one packet of the ward (pqfl_kit.hospital.ward), so its windows fit the model
MIN_LABEL_ALPHA = 0.01  # below this nearly every client holds one class only (and numpy's Dirichlet underflows)
MAX_LABEL_ALPHA = 1_000.0  # far above this the split is IID: nothing more to see
MIN_CLIENT_WINDOWS = 4  # every client keeps at least this many training windows (it must be able to train)


@dataclass(frozen=True)
class FederatedData:
    """Per-client training shards (one device/patient each: non-IID) and a pooled test set.

    Windows are Z-scored (paper Eq. 3) with ``standardizer``, fitted on the training windows; a
    real deployment would ship that normalization with the initial model.
    """

    shards: list[tuple[np.ndarray, np.ndarray]]
    x_test: np.ndarray
    y_test: np.ndarray
    standardizer: traffic.Standardizer | None = None

    def deploy(self, model: Detector) -> Standardized:
        """``model`` (trained on these Z-scored shards) as a detector of raw device windows."""
        if self.standardizer is None:
            raise ValueError("this FederatedData has no standardizer: build it with make_federated_data().")
        return Standardized(model, self.standardizer)

    @property
    def steps(self) -> int:
        return self.x_test.shape[1]

    @property
    def features(self) -> int:
        return self.x_test.shape[2]

    @property
    def n_train(self) -> int:
        return sum(len(y) for _, y in self.shards)

    def class_counts(self) -> np.ndarray:
        """Training windows per client and class: shape ``(n_clients, 2)``, columns normal, anomalous."""
        return np.array([[int(np.sum(y == 0)), int(np.sum(y == 1))] for _, y in self.shards])


def dirichlet_partition(y: np.ndarray, n_clients: int, alpha: float, rng: np.random.Generator,
                        min_size: int = MIN_CLIENT_WINDOWS) -> list[np.ndarray]:
    """Split the indices of ``y`` over ``n_clients``: for every class, client shares drawn from
    Dirichlet(alpha, ..., alpha) (Hsu, Qi and Brown 2019, "Measuring the Effects of Non-Identical
    Data Distribution for Federated Visual Classification", Section 3). Small ``alpha`` gives
    strong label skew *and* unequal client sizes; large ``alpha`` approaches an IID, equal split.

    Every client keeps at least ``min_size`` windows: the largest clients give their surplus to
    the smallest (a client with no data could not train). Returns sorted index arrays.
    """
    if len(y) < n_clients * min_size:
        raise ValueError(f"{len(y)} windows cannot give {n_clients} clients {min_size} each: use more windows.")
    owner = np.empty(len(y), dtype=np.int64)
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        share = rng.dirichlet(np.full(n_clients, alpha))
        cuts = (np.cumsum(share)[:-1] * len(idx)).astype(np.int64)
        for client, part in enumerate(np.split(idx, cuts)):
            owner[part] = client
    sizes = np.bincount(owner, minlength=n_clients)
    while sizes.min() < min_size:  # move one window at a time from the largest client to the smallest
        small, big = int(np.argmin(sizes)), int(np.argmax(sizes))
        owner[rng.choice(np.flatnonzero(owner == big))] = small
        sizes[small], sizes[big] = sizes[small] + 1, sizes[big] - 1
    return [np.flatnonzero(owner == c) for c in range(n_clients)]


def make_federated_data(n_clients: int, windows_per_client: int = 200, *, test_fraction: float = 0.2,
                        difficulty: float = 0.5, label_alpha: float | None = None, seed: int = SEED) -> FederatedData:
    """Traffic of ``n_clients`` devices from :func:`pqfl_kit.traffic.generate`.

    ``label_alpha=None`` (the default): device k is client k, every client holds the same number
    of windows. ``label_alpha`` a number: the training windows of all devices are pooled and dealt
    out again with :func:`dirichlet_partition` (unequal sizes, label skew controlled by alpha).
    The test set (``test_fraction`` of every device's windows) is the same either way.

    Windows of ``WINDOW`` (20) steps, the ward's packets. Limits: ``1 <= n_clients <=
    traffic.MAX_DEVICES``, ``10 <= windows_per_client <= traffic.MAX_WINDOWS_PER_DEVICE``,
    ``label_alpha`` None or in [0.01, 1,000] (``MIN_LABEL_ALPHA``, ``MAX_LABEL_ALPHA``).
    """
    n_clients = whole("n_clients", n_clients, 1, traffic.MAX_DEVICES)
    windows_per_client = whole("windows_per_client", windows_per_client, 10, traffic.MAX_WINDOWS_PER_DEVICE)
    if label_alpha is not None:
        label_alpha = real("label_alpha", label_alpha, MIN_LABEL_ALPHA, MAX_LABEL_ALPHA)
    data = traffic.generate(n_clients, windows_per_client, window=WINDOW, difficulty=difficulty, seed=seed)
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for d in range(n_clients):
        idx = rng.permutation(np.flatnonzero(data.device == d))
        n_test = max(int(len(idx) * test_fraction), 1)
        test_idx.append(idx[:n_test])
        train_idx.append(np.sort(idx[n_test:]))
    scaler = traffic.Standardizer().fit(data.X[np.concatenate(train_idx)])
    x = scaler.transform(data.X)
    y = data.y.astype(np.float32)
    if label_alpha is not None:  # its own generator: the device split above stays the same
        pool = np.concatenate(train_idx)
        parts = dirichlet_partition(y[pool], n_clients, label_alpha, np.random.default_rng([seed, 1]))
        train_idx = [pool[p] for p in parts]
    test = np.concatenate(test_idx)
    return FederatedData([(x[i], y[i]) for i in train_idx], x[test], y[test], scaler)


class NumpyLogReg:
    """Logistic regression on the flattened window, trained by minibatch SGD (numpy only)."""

    name = "logreg"

    def __init__(self, steps: int, features: int, seed: int = SEED, lr: float = 0.1, batch_size: int = 32):
        rng = np.random.default_rng(seed)
        self.w = (rng.normal(0, 0.01, size=(steps * features, 1))).astype(np.float32)
        self.b = np.zeros((1,), dtype=np.float32)
        self.lr, self.batch_size, self.rng = lr, batch_size, rng

    def get_weights(self) -> list[np.ndarray]:
        return [self.w.copy(), self.b.copy()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        self.w, self.b = (np.array(weights[0], dtype=np.float32), np.array(weights[1], dtype=np.float32))

    def score(self, x: np.ndarray) -> np.ndarray:
        """Anomaly probabilities in [0, 1] for Z-scored windows."""
        return self._proba(np.asarray(x, dtype=np.float32))

    def _proba(self, x: np.ndarray) -> np.ndarray:
        z = x.reshape(len(x), -1) @ self.w[:, 0] + self.b[0]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def fit(self, x: np.ndarray, y: np.ndarray, epochs: int = 1) -> None:
        """Minibatch SGD on the log loss, ``epochs`` passes in a seeded random order."""
        flat = x.reshape(len(x), -1)
        for _ in range(epochs):
            order = self.rng.permutation(len(y))
            for start in range(0, len(y), self.batch_size):
                idx = order[start:start + self.batch_size]
                err = self._proba(x[idx]) - y[idx]
                self.w[:, 0] -= self.lr * (flat[idx].T @ err) / len(idx)
                self.b[0] -= self.lr * err.mean()

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean((self._proba(x) >= 0.5) == y))


class KerasLearner:
    """A compiled Keras binary classifier wrapped in the ``Learner`` interface."""

    def __init__(self, model, batch_size: int = 32, name: str = "keras"):
        import keras

        class _SyncCallbacks(keras.callbacks.Callback):
            """Keras 3 starts a thread pool in every ``fit()`` to run batch callbacks asynchronously.
            A federated round makes many tiny fits (one per client) on a 2-core machine, where those
            threads cost more than they save and add jitter; a callback with its own (empty)
            ``on_train_batch_end`` makes Keras dispatch callbacks in line instead."""

            def on_train_batch_end(self, batch, logs=None):
                return None

        self.model, self.batch_size, self.name = model, batch_size, name
        self._callbacks = [_SyncCallbacks()]

    def get_weights(self) -> list[np.ndarray]:
        return [np.asarray(w) for w in self.model.get_weights()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        self.model.set_weights(list(weights))

    def score(self, x: np.ndarray) -> np.ndarray:
        """Anomaly probabilities in [0, 1] for Z-scored windows."""
        return probabilities(self.model.predict(np.asarray(x, dtype=np.float32), batch_size=512, verbose=0))

    def fit(self, x: np.ndarray, y: np.ndarray, epochs: int = 1) -> None:
        # each client starts from a fresh optimizer state, as on its own device
        for var in self.model.optimizer.variables:
            if not var.path.endswith("learning_rate"):
                var.assign(np.zeros(var.shape, dtype=var.dtype))
        self.model.fit(x, y, epochs=epochs, batch_size=self.batch_size, verbose=0, shuffle=True,
                       callbacks=self._callbacks)

    def accuracy(self, x: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean((self.score(x) >= 0.5) == y))


def _keras_model(name: str, steps: int, features: int, seed: int):
    from pqfl_kit.models.detectors import build_model

    return build_model(name, steps, features, seed=seed, learning_rate=5e-3)


def make_learner(model: str, steps: int, features: int, seed: int = SEED) -> NumpyLogReg | KerasLearner:
    """A fresh learner for ``model`` (one of ``MODELS``), seeded; it implements ``models.Detector``."""
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}; choose one of {list(MODELS)}.")
    if model == "logreg":
        return NumpyLogReg(steps, features, seed=seed)
    return KerasLearner(_keras_model(model, steps, features, seed), name=model)
