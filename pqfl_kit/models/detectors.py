"""TinyML, LSTM and GRU anomaly detectors for nano-network traffic windows (Keras 3, JAX backend).

Implements the AI analytics layer of the quantum-assisted nano-network paper (IJISRT 10(4),
2025, Sec. III-A, Algorithm 1): Z-scored windows (Eq. 3) go into a model f_theta that outputs an
anomaly score in [0, 1] (Eq. 4), trained with binary cross-entropy (Eq. 5), BatchNorm (Eq. 6)
and Dropout, with Adam, Nadam or RMSprop; metrics from scikit-learn on a held-out test split.

Models (small on purpose: they must fit a nano-gateway, and 9 trainings run in under a minute):

* ``tinyml``: Flatten -> Dense(16) -> BatchNorm -> ReLU -> Dropout -> Dense(8, ReLU) -> sigmoid.
  After Warden & Situnayake, *TinyML* (O'Reilly 2021): a dense net that int8-quantizes well.
* ``lstm`` / ``gru``: LSTM(32) or GRU(32) over the time steps -> BatchNorm -> Dropout ->
  Dense(16, ReLU) -> sigmoid.

Public API (the federated-learning and hospital layers rely on it):

* ``build_model(arch, window, n_features, optimizer=...)`` -> a compiled ``keras.Model``; build it
  once and reuse it with ``get_weights``/``set_weights`` (FedAvg): repeated ``fit`` calls on the
  same model reuse its compiled JAX step, which is what makes many short trainings fast.
* ``train_detector(arch, train, val, ...)`` -> :class:`KerasDetector`, which implements the kit's
  one detector interface (:class:`pqfl_kit.models.interface.Detector`): ``score(windows)`` takes
  raw (unscaled) windows and returns anomaly scores in [0, 1]; ``fit``, ``get_weights`` and
  ``set_weights`` train it further and expose what FedAvg averages.
* ``evaluate(detector, test)`` -> :class:`Metrics` (overall and per anomaly kind).

Model size: the bytes of the deployable artifact (parameters as float32, or the ``.tflite``
file from :mod:`pqfl_kit.models.tinyml`), not the ``.keras`` file, which also stores the
optimizer state.

Size limits (a ``ValueError`` naming the limit, before Keras builds or fits anything), chosen
so that the largest allowed model trains in a 2 GB Binder pod:

* ``window`` <= ``MAX_WINDOW`` (1,000 steps, as in :mod:`pqfl_kit.traffic`), ``n_features`` <=
  ``MAX_FEATURES`` (256), ``units`` <= ``MAX_UNITS`` (1,024), ``batch_size`` <= ``MAX_BATCH_SIZE``
  (4,096), ``epochs`` and ``patience`` <= ``MAX_EPOCHS`` (500), ``learning_rate`` in (0, 1],
  ``dropout`` in [0, 1), seeds in [0, 2^63 - 1]; ``unroll=True`` needs ``window`` <=
  ``MAX_UNROLL_WINDOW`` (100: XLA compiles every unrolled step).
* ``MAX_PARAMETERS`` = 5,000,000 weights (20 MB of float32; weights + gradients + Adam's two
  moments = 80 MB), estimated from the architecture before it is built.
* ``MAX_ACTIVATIONS`` = 64,000,000 floats per training batch (256 MB; about batch x window x
  (n_features + 8 x units) for LSTM/GRU, which keep every step's gates for backpropagation).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np

from pqfl_kit import SEED
from pqfl_kit.limits import real, whole
from pqfl_kit.traffic import Standardizer, TrafficDataset

__all__ = ["ARCHITECTURES", "OPTIMIZERS", "PAPER", "build_model", "train_detector", "evaluate",
           "majority_baseline", "choose_threshold", "validation_threshold",
           "KerasDetector", "Metrics", "comparison_table", "free_backend_memory", "parameter_bytes",
           "seed_everything", "MAX_WINDOW", "MAX_FEATURES", "MAX_UNITS", "MAX_BATCH_SIZE", "MAX_EPOCHS",
           "MAX_UNROLL_WINDOW", "MAX_PARAMETERS", "MAX_ACTIVATIONS"]

MAX_WINDOW = 1_000  # = pqfl_kit.traffic.MAX_WINDOW
MAX_FEATURES = 256
MAX_UNITS = 1_024
MAX_BATCH_SIZE = 4_096
MAX_EPOCHS = 500
MAX_UNROLL_WINDOW = 100
MAX_PARAMETERS = 5_000_000  # 20 MB of float32 weights, ~80 MB with gradients and Adam's moments
MAX_ACTIVATIONS = 64_000_000  # floats kept per training batch: 256 MB
MAX_SEED = 2**63 - 1
_DEFAULT_UNITS = {"tinyml": 16, "lstm": 32, "gru": 32}

ARCHITECTURES = ("tinyml", "lstm", "gru")
OPTIMIZERS = ("adam", "nadam", "rmsprop")

# The paper's reported figures (Sec. IV, Figs. 3-5 and 7; all models trained with Adam, 20 epochs).
PAPER = {
    "gru": {"val_accuracy": 0.987, "test_accuracy": 0.935, "val_loss": 0.096, "size_kb": 238},
    "lstm": {"val_accuracy": 0.987, "test_accuracy": 0.935, "val_loss": 0.099, "size_kb": 293},
    "tinyml": {"val_accuracy": 0.965, "test_accuracy": 0.895, "val_loss": 0.158, "size_kb": 71},
}


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {choices}.")
    if value.lower() not in choices:
        raise ValueError(f"unknown {name} {value!r}: choose one of {choices}.")
    return value.lower()


def _estimate_parameters(arch: str, window: int, n_features: int, units: int) -> int:
    """Upper estimate of the weights :func:`build_model` creates (LSTM's 4 gates bound GRU's 3)."""
    if arch == "tinyml":
        return window * n_features * units + 4 * units + 8 * units + 8 + 9
    return 4 * units * (units + n_features + 2) + 4 * units + 16 * units + 16 + 17


def _estimate_activations(arch: str, batch: int, window: int, n_features: int, units: int) -> int:
    """Floats one training batch keeps for backpropagation (recurrent layers keep every step)."""
    if arch == "tinyml":
        return batch * (window * n_features + 4 * units + 16)
    return batch * window * (n_features + 8 * units)


def _check_parameters(arch: str, window: int, n_features: int, units: int) -> None:
    n = _estimate_parameters(arch, window, n_features, units)
    if n > MAX_PARAMETERS:
        raise ValueError(f"a {arch} model with window={window}, n_features={n_features}, units={units} would have "
                         f"about {n:,} weights, above the limit MAX_PARAMETERS = {MAX_PARAMETERS:,} (20 MB of "
                         "float32): lower units, window or n_features.")


def _seed(seed) -> int:
    return whole("seed", seed, 0, MAX_SEED)


def _optimizer(name: str, learning_rate: float):
    return {"adam": keras.optimizers.Adam, "nadam": keras.optimizers.Nadam,
            "rmsprop": keras.optimizers.RMSprop}[name](learning_rate=learning_rate)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and Keras like ``keras.utils.set_random_seed`` without importing TensorFlow.

    (Keras' own function imports TensorFlow just to seed it: +300 MB and seconds per kernel.)
    """
    import random

    from keras.src.backend.common import global_state
    from keras.src.random import seed_generator

    seed = _seed(seed)
    global_state.set_global_attribute("global_random_seed", int(seed))
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)


def build_model(arch: str, window: int, n_features: int, *, optimizer: str = "adam",
                learning_rate: float = 3e-3, units: int | None = None, dropout: float = 0.2,
                seed: int = SEED, unroll: bool = False, batch_size: int | None = None) -> keras.Model:
    """Build and compile a binary anomaly classifier (paper Sec. III-A).

    Args:
        arch: ``"tinyml"``, ``"lstm"`` or ``"gru"``.
        window, n_features: input shape of one window.
        optimizer: ``"adam"``, ``"nadam"`` or ``"rmsprop"``; loss is binary cross-entropy.
        units: width of the first layer (default 16 for TinyML, 32 for LSTM/GRU).
        dropout: dropout rate after BatchNorm.
        seed: seeds the weight initialisation (same seed, same model).
        unroll, batch_size: for export only: an unrolled recurrent layer with a fixed batch size
            converts to plain LiteRT ops (export with ``dropout=0``: Dropout is the identity at
            inference, and its random-state variable cannot be converted).

    Limits (``ValueError`` otherwise): ``1 <= window <= MAX_WINDOW`` (1,000),
    ``1 <= n_features <= MAX_FEATURES`` (256), ``units`` None or in [1, MAX_UNITS] (1,024),
    ``learning_rate`` in (0, 1], ``dropout`` in [0, 1), ``0 <= seed <= 2**63 - 1``,
    ``batch_size`` None or in [1, MAX_BATCH_SIZE] (4,096), ``window <= MAX_UNROLL_WINDOW`` (100)
    when unrolling a recurrent layer, and at most ``MAX_PARAMETERS`` (5,000,000) weights.
    """
    arch = _check_choice("architecture", arch, ARCHITECTURES)
    optimizer = _check_choice("optimizer", optimizer, OPTIMIZERS)
    window = whole("window", window, 1, MAX_WINDOW)
    n_features = whole("n_features", n_features, 1, MAX_FEATURES)
    units = _DEFAULT_UNITS[arch] if units is None else whole("units", units, 1, MAX_UNITS)
    dropout = real("dropout", dropout, 0.0, 1.0, high_open=True)
    learning_rate = real("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
    seed = _seed(seed)
    if not isinstance(unroll, (bool, np.bool_)):
        raise TypeError(f"unroll must be True or False, got {unroll!r}.")
    if unroll and arch != "tinyml" and window > MAX_UNROLL_WINDOW:
        raise ValueError(f"unroll=True copies the recurrent layer once per step: window must be <= "
                         f"MAX_UNROLL_WINDOW = {MAX_UNROLL_WINDOW}, got {window}.")
    if batch_size is not None:
        batch_size = whole("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    _check_parameters(arch, window, n_features, units)
    seed_everything(seed)
    layers = keras.layers
    inputs = keras.Input((window, n_features), batch_size=batch_size, name="window")
    if arch == "tinyml":
        x = layers.Flatten()(inputs)
        x = layers.Dense(units, use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Dropout(dropout)(x) if dropout else x
        x = layers.Dense(8, activation="relu")(x)
    else:
        recurrent = layers.LSTM if arch == "lstm" else layers.GRU
        x = recurrent(units, unroll=bool(unroll))(inputs)
        x = layers.BatchNormalization()(x)
        x = layers.Dropout(dropout)(x) if dropout else x
        x = layers.Dense(16, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="score")(x)
    model = keras.Model(inputs, outputs, name=f"{arch}_{optimizer}")
    model.compile(optimizer=_optimizer(optimizer, learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def parameter_bytes(model: keras.Model, bytes_per_weight: int = 4) -> int:
    """Bytes of the inference weights (float32 by default): the size of a deployable model.

    Limit: ``1 <= bytes_per_weight <= 8``.
    """
    bytes_per_weight = whole("bytes_per_weight", bytes_per_weight, 1, 8)
    return int(sum(int(np.prod(w.shape)) for w in model.weights) * bytes_per_weight)


class _Progress(keras.callbacks.Callback):
    """Report (epoch, epochs, logs) after each epoch to a callable, or to a tqdm bar."""

    def __init__(self, epochs: int, report: Callable[[int, int, dict], None] | None, label: str):
        super().__init__()
        self.epochs, self.report, self.bar = epochs, report, None
        if report is None:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=epochs, desc=label, unit="epoch", leave=False)

    def on_epoch_end(self, epoch, logs=None):
        logs = {k: float(v) for k, v in (logs or {}).items()}
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(val_acc=f"{logs.get('val_accuracy', float('nan')):.3f}")
        elif self.report is not None:
            self.report(epoch + 1, self.epochs, logs)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()


@dataclass
class KerasDetector:
    """A trained Keras detector: the model plus the Standardizer fitted on its training data.

    Implements :class:`pqfl_kit.models.interface.Detector` on raw windows (the standardizer is
    part of the detector, not of its weights).
    """

    model: keras.Model
    standardizer: Standardizer
    arch: str
    optimizer: str
    features: tuple[str, ...]
    window: int
    history: dict[str, list[float]] = field(default_factory=dict)
    train_seconds: float = 0.0
    epochs_cap: int = 0  # the epochs train_detector allowed (0: not trained by it)

    def _inputs(self, windows) -> np.ndarray:
        X = windows.X if isinstance(windows, TrafficDataset) else np.asarray(windows, dtype=np.float32)
        if X.ndim == 2:
            X = X[None]
        if X.ndim != 3 or X.shape[1:] != (self.window, len(self.features)):
            raise ValueError(f"expected windows shaped (n, {self.window}, {len(self.features)}), got {X.shape}.")
        return self.standardizer.transform(X)

    @property
    def name(self) -> str:
        return self.arch

    def score(self, windows) -> np.ndarray:
        """Anomaly scores in [0, 1] for raw windows: shape (n, window, features), or one window."""
        return self.model.predict(self._inputs(windows), verbose=0, batch_size=512).reshape(-1)

    def fit(self, windows: np.ndarray, labels: np.ndarray, epochs: int = 1) -> None:
        """Train further on raw labelled windows (1 = anomalous), standardized like the training data.

        Limit: ``1 <= epochs <= MAX_EPOCHS`` (500).
        """
        epochs = whole("epochs", epochs, 1, MAX_EPOCHS)
        y = np.asarray(labels, dtype=np.float32).reshape(-1)
        self.model.fit(self._inputs(windows), y, epochs=epochs, batch_size=128, verbose=0, shuffle=True)

    def get_weights(self) -> list[np.ndarray]:
        """The model's weights in Keras order (what FedAvg averages)."""
        return [np.asarray(w) for w in self.model.get_weights()]

    def set_weights(self, weights) -> None:
        self.model.set_weights(list(weights))

    def score_scaled(self, X: np.ndarray) -> np.ndarray:
        """Scores for windows that are already standardized (used by explanations)."""
        return self.model.predict(np.asarray(X, dtype=np.float32), verbose=0, batch_size=1024).reshape(-1)

    def predict(self, windows, threshold: float = 0.5) -> np.ndarray:
        """1 where the score exceeds ``threshold`` (anomalous), else 0. ``threshold`` is in [0, 1]."""
        threshold = real("threshold", threshold, 0.0, 1.0)
        return (self.score(windows) > threshold).astype(np.int8)

    @property
    def size_bytes(self) -> int:
        """Float32 parameter bytes (see :func:`parameter_bytes`)."""
        return parameter_bytes(self.model)

    @property
    def epochs_run(self) -> int:
        """Epochs trained: fewer than ``epochs_cap`` when early stopping fired."""
        return len(self.history.get("loss", []))

    @property
    def best_epoch(self) -> int:
        """The epoch (1-based) with the lowest validation loss: the weights the detector kept."""
        losses = self.history.get("val_loss", [])
        return int(np.argmin(losses)) + 1 if losses else 0

    @property
    def stopped_early(self) -> bool:
        """True when early stopping ended training before the epoch cap."""
        return 0 < self.epochs_run < self.epochs_cap


def train_detector(arch: str, train: TrafficDataset, val: TrafficDataset, *, optimizer: str = "adam",
                   epochs: int = 20, batch_size: int = 128, patience: int = 5, learning_rate: float = 3e-3,
                   seed: int = SEED, progress: bool | Callable[[int, int, dict], None] = False,
                   model: keras.Model | None = None, min_delta: float = 0.0) -> KerasDetector:
    """Fit the Z-score standardizer on ``train`` and train one model with early stopping.

    Early stopping (Prechelt, "Early stopping - but when?", in *Neural Networks: Tricks of the
    Trade*, 1998) watches the validation loss: training ends after ``patience`` epochs without an
    improvement larger than ``min_delta``, and the weights of the best epoch are restored
    (``best_epoch``, ``epochs_run``, ``stopped_early``). It can only fire when ``epochs`` leaves
    room: give a generous cap and let the validation loss decide. ``progress``:
    ``True`` shows a tqdm bar, a callable gets ``(epoch, epochs, logs)`` after every epoch.
    Pass ``model`` (from :func:`build_model`) to reuse an already compiled model.

    Limits (``ValueError`` otherwise): ``1 <= epochs <= MAX_EPOCHS`` (500),
    ``1 <= batch_size <= MAX_BATCH_SIZE`` (4,096), ``0 <= patience <= MAX_EPOCHS``,
    ``learning_rate`` in (0, 1], ``min_delta`` in [0, 1], ``0 <= seed <= 2**63 - 1``, the limits of
    :func:`build_model` for
    the windows' shape, and at most ``MAX_ACTIVATIONS`` (64,000,000 floats, 256 MB) per batch:
    about batch x window x (n_features + 8 x units) for LSTM/GRU.
    """
    arch = _check_choice("architecture", arch, ARCHITECTURES)
    optimizer = _check_choice("optimizer", optimizer, OPTIMIZERS)
    epochs = whole("epochs", epochs, 1, MAX_EPOCHS)
    batch_size = whole("batch_size", batch_size, 1, MAX_BATCH_SIZE)
    patience = whole("patience", patience, 0, MAX_EPOCHS)
    learning_rate = real("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
    min_delta = real("min_delta", min_delta, 0.0, 1.0)
    seed = _seed(seed)
    if not (isinstance(progress, bool) or callable(progress)):
        raise TypeError(f"progress must be True, False or a callable, got {type(progress).__name__}.")
    for name, part in (("train", train), ("val", val)):
        if not isinstance(part, TrafficDataset):
            raise TypeError(f"{name} must be a TrafficDataset (see pqfl_kit.traffic.split), got {type(part).__name__}.")
    if model is not None and not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model from build_model, got {type(model).__name__}.")
    window = whole("window", train.window, 1, MAX_WINDOW)
    n_features = whole("n_features", train.n_features, 1, MAX_FEATURES)
    units = _DEFAULT_UNITS[arch] if model is None else max(
        [int(getattr(layer, "units", 0)) for layer in model.layers] + [1])
    if model is None:
        _check_parameters(arch, window, n_features, units)
    floats = _estimate_activations(arch, min(batch_size, max(len(train), 1)), window, n_features, units)
    if floats > MAX_ACTIVATIONS:
        raise ValueError(f"batch_size={batch_size} with windows of {window} x {n_features} and {units} units keeps "
                         f"about {floats:,} floats per batch, above the limit MAX_ACTIVATIONS = {MAX_ACTIVATIONS:,} "
                         "(256 MB): lower batch_size.")
    if len(train) == 0 or len(val) == 0:
        raise ValueError("train and val must both hold windows: check the split sizes.")
    if len(np.unique(train.y)) < 2:
        raise ValueError("the training windows hold only one class: a detector needs normal and anomalous examples.")
    scaler = Standardizer().fit(train)
    if model is None:
        model = build_model(arch, train.window, train.n_features, optimizer=optimizer,
                            learning_rate=learning_rate, seed=seed)
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta,
                                               restore_best_weights=True)]
    if progress:
        callbacks.append(_Progress(epochs, progress if callable(progress) else None, f"{arch}/{optimizer}"))
    seed_everything(seed)
    start = time.perf_counter()
    fit = model.fit(scaler.transform(train), train.y.astype(np.float32), epochs=epochs, batch_size=batch_size,
                    validation_data=(scaler.transform(val), val.y.astype(np.float32)),
                    callbacks=callbacks, verbose=0, shuffle=True)
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    return KerasDetector(model, scaler, arch, optimizer, tuple(train.features), train.window, history, seconds,
                         epochs)


@dataclass(frozen=True)
class Metrics:
    """Test-split metrics (scikit-learn); ``per_kind`` maps each kind to the fraction flagged
    (the detection rate for anomaly kinds, the false-alarm rate for ``normal``).

    ``average_precision`` is the area under the precision-recall curve (scikit-learn's
    step-wise AP); a detector without skill scores the prevalence, ``labels.mean()``, whereas
    its ROC-AUC is 0.5 at any prevalence. Threshold-free, like ``roc_auc``.
    """

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    confusion: np.ndarray  # [[TN, FP], [FN, TP]]
    per_kind: dict[str, float]
    threshold: float
    scores: np.ndarray = field(repr=False)
    labels: np.ndarray = field(repr=False)
    average_precision: float = float("nan")

    @property
    def prevalence(self) -> float:
        """Fraction of anomalous windows in the test data: the AP of a detector without skill."""
        return float(np.mean(self.labels)) if len(self.labels) else float("nan")

    def as_dict(self) -> dict[str, float]:
        return {"accuracy": self.accuracy, "precision": self.precision, "recall": self.recall,
                "f1": self.f1, "roc_auc": self.roc_auc, "avg_precision": self.average_precision}


def free_backend_memory() -> int:
    """Drop the backend's compiled programs and give freed heap back to the OS; returns MB freed.

    Each trained model leaves XLA executables in JAX's caches (about 40 MB per recurrent model
    here); after the nine trainings of notebook 04 the kernel holds ~0.9 GB, ~0.5 GB after this.
    Models stay usable: their functions are compiled again on the next call. Binder gives 2 GB,
    so the LiteRT export calls this before it starts TensorFlow in a second process.
    """
    import ctypes
    import ctypes.util
    import gc

    import psutil

    before = psutil.Process().memory_info().rss
    if keras.backend.backend() == "jax":
        import jax

        jax.clear_caches()
    gc.collect()
    libc_path = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_path) if libc_path else None
    if libc is not None and hasattr(libc, "malloc_trim"):  # glibc only; elsewhere a no-op
        libc.malloc_trim(0)
    return max(0, (before - psutil.Process().memory_info().rss) >> 20)


def evaluate(detector: KerasDetector, test: TrafficDataset, threshold: float = 0.5) -> Metrics:
    """Accuracy, precision, recall, F1, ROC-AUC, average precision and confusion matrix on held-out windows.

    A window is flagged when its score exceeds ``threshold``. 0.5 is only the default: choose it
    on validation data with :func:`validation_threshold`, never on the test windows.
    Limit: ``threshold`` strictly between 0 and 1.
    """
    threshold = real("threshold", threshold, 0.0, 1.0, low_open=True, high_open=True)
    if not isinstance(test, TrafficDataset):
        raise TypeError(f"test must be a TrafficDataset, got {type(test).__name__}.")
    if len(test) == 0:
        raise ValueError("the test split is empty.")
    return _metrics(np.asarray(detector.score(test), dtype=float), test, threshold)


def _metrics(scores: np.ndarray, test: TrafficDataset, threshold: float) -> Metrics:
    from sklearn import metrics as skm

    pred = (scores > threshold).astype(np.int8)
    y = test.y.astype(np.int8)
    both = len(np.unique(y)) == 2
    auc = float(skm.roc_auc_score(y, scores)) if both else float("nan")
    ap = float(skm.average_precision_score(y, scores)) if both else float("nan")
    per_kind = {str(k): float(pred[test.kind == k].mean()) for k in dict.fromkeys(test.kind)}
    return Metrics(float(skm.accuracy_score(y, pred)), float(skm.precision_score(y, pred, zero_division=0)),
                   float(skm.recall_score(y, pred, zero_division=0)), float(skm.f1_score(y, pred, zero_division=0)),
                   auc, skm.confusion_matrix(y, pred, labels=[0, 1]), per_kind, threshold, scores, y, ap)


def majority_baseline(train: TrafficDataset, test: TrafficDataset) -> Metrics:
    """The majority-class baseline: every test window gets the training prevalence as its score.

    It predicts the class that is more common in ``train`` (normal, unless anomalies are the
    majority), so its accuracy is the share of that class in ``test``: the floor a detector has to
    beat. Its ROC-AUC is 0.5 and its average precision the test prevalence.
    """
    for name, part in (("train", train), ("test", test)):
        if not isinstance(part, TrafficDataset) or len(part) == 0:
            raise ValueError(f"{name} must be a non-empty TrafficDataset.")
    scores = np.full(len(test), float(np.mean(train.y)))  # above 0.5 only if anomalies are the majority
    return _metrics(scores, test, 0.5)


def choose_threshold(scores, labels, *, rule: str = "f1", min_recall: float = 0.9) -> float:
    """A decision threshold chosen on validation scores (never on test data).

    ``rule="f1"`` maximizes the F1 score of the anomaly class; ``rule="recall"`` takes the
    highest threshold whose recall is at least ``min_recall`` (a safety-first choice: fewer
    missed anomalies, more false alarms). Windows are flagged when ``score > threshold``; the
    threshold returned lies halfway between two neighbouring validation scores, inside (0, 1).

    Limits: as many labels as scores, both classes present, ``min_recall`` in (0, 1].
    """
    s = np.asarray(scores, dtype=float).reshape(-1)
    y = np.asarray(labels).reshape(-1).astype(int)
    if len(s) != len(y) or len(s) == 0:
        raise ValueError(f"give one label per score: {len(s)} scores, {len(y)} labels.")
    if len(np.unique(y)) < 2:
        raise ValueError("the validation windows hold only one class: a threshold needs normal and anomalous ones.")
    if rule not in ("f1", "recall"):
        raise ValueError(f"rule must be 'f1' or 'recall', got {rule!r}.")
    min_recall = real("min_recall", min_recall, 0.0, 1.0, low_open=True)
    levels = np.unique(s)  # flag score > levels[k]; below the lowest level everything is flagged
    cuts = np.concatenate(([levels[0] - 1e-6], levels))
    order = np.argsort(-s)
    # tp/fp when flagging the windows whose score is above each cut
    above = len(s) - np.searchsorted(np.sort(s), cuts, side="right")
    tp = np.concatenate(([0], np.cumsum(y[order])))[above]
    fp = above - tp
    recall = tp / y.sum()
    precision = np.divide(tp, above, out=np.zeros(len(cuts)), where=above > 0)
    if rule == "f1":
        f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(len(cuts)),
                       where=precision + recall > 0)
        k = int(np.argmax(f1 - 1e-12 * fp))  # ties: fewer false alarms
    else:
        k = int(np.flatnonzero(recall >= min_recall)[-1])
    upper = levels[np.searchsorted(levels, cuts[k], side="right")] if cuts[k] < levels[-1] else 1.0
    return float(np.clip((max(cuts[k], 0.0) + upper) / 2, 1e-6, 1 - 1e-6))


def validation_threshold(detector, val: TrafficDataset, *, rule: str = "f1", min_recall: float = 0.9) -> float:
    """:func:`choose_threshold` on ``detector``'s scores of the validation windows ``val``."""
    if not isinstance(val, TrafficDataset) or len(val) == 0:
        raise ValueError("val must be a non-empty TrafficDataset (the validation split).")
    return choose_threshold(detector.score(val), val.y, rule=rule, min_recall=min_recall)


def comparison_table(results: dict[tuple[str, str], tuple[KerasDetector, Metrics]], *,
                     artifact_bytes: dict | None = None):
    """The paper's figures next to the kit's (pandas DataFrame), one row per model.

    ``results`` maps (arch, optimizer) to (detector, test metrics); only Adam rows are compared
    with the paper, because the paper reports Adam. ``artifact_bytes`` may give a measured
    ``.tflite`` size per arch.
    """
    import pandas as pd

    rows = []
    for arch in ARCHITECTURES:
        if (arch, "adam") not in results:
            continue
        det, met = results[(arch, "adam")]
        best = int(np.argmin(det.history["val_loss"]))
        size = (artifact_bytes or {}).get(arch, det.size_bytes)
        rows.append({
            "model": arch.upper() if arch != "tinyml" else "TinyML",
            "paper val acc": PAPER[arch]["val_accuracy"], "kit val acc": round(det.history["val_accuracy"][best], 3),
            "paper test acc": PAPER[arch]["test_accuracy"], "kit test acc": round(met.accuracy, 3),
            "paper val loss": PAPER[arch]["val_loss"], "kit val loss": round(det.history["val_loss"][best], 3),
            "paper size KB": PAPER[arch]["size_kb"], "kit size KB": round(size / 1024, 1),
        })
    return pd.DataFrame(rows).set_index("model")
