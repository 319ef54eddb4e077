"""Export detectors to LiteRT (TensorFlow Lite) and run them in the ``ai-edge-litert`` interpreter.

The TinyML route of the nano-network paper (Sec. III-A; Warden & Situnayake, *TinyML*, 2021,
ch. "Model optimization"): a trained model is converted to a flat ``.tflite`` file and, for
microcontrollers, fully quantized to int8 (weights, activations, input and output) using a
representative sample of (standardized) training windows to calibrate the ranges. The sample
(:func:`calibration_sample`) is drawn evenly across the training devices: every device has its
own baselines, so ranges calibrated on one or two devices clip the others' readings.

Why the unrolled int8 LSTM/GRU files are larger than their float32 weights: unrolling writes the
recurrent cell's operators and intermediate tensors once per time step (20 copies for a 20-step
window), each tensor with its own int8 scale and zero point and flatbuffer bookkeeping, while the
float32 weight count holds every weight once. The dense TinyML model has no loop to unroll, so
its int8 file is about a quarter of its float32 weights.

How: the conversion runs in a child Python process with the TensorFlow Keras backend
(``pqfl_kit.models._litert_worker``). The child rebuilds the same architecture with
``dropout=0`` (Dropout is the identity at inference) and, for LSTM/GRU, ``unroll=True`` with a
fixed batch size of 1, loads the trained weights, exports a SavedModel and converts it with
``tf.lite.TFLiteConverter`` restricted to built-in ops. Why a child process: TensorFlow costs
~0.5 GB and several seconds to import, and the notebook kernel (JAX backend) stays lean.
Why unrolled: a recurrent layer left as a loop needs TensorFlow "Flex" ops (TensorList,
While) that micro runtimes cannot run; with ``unroll=False`` the builtins-only conversion is
refused and the reason is reported.

TensorFlow is optional (the ``litert`` extra): without it (or without ``ai-edge-litert``) the export
raises :class:`LiteRTUnavailable` at once, before any child process starts, and the message says
what to install; :func:`litert_unavailable` returns that error (or ``None``) for code that would
rather show it than raise.

Model size = ``len(tflite bytes)``: the artifact a device stores.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pqfl_kit import SEED
from pqfl_kit.limits import whole
from pqfl_kit.traffic import Standardizer, TrafficDataset

__all__ = ["LiteRTModel", "ExportError", "LiteRTUnavailable", "litert_unavailable", "export_litert", "export_many",
           "calibration_sample"]

# the modules the export needs (find_spec names) -> what they are, for the message
_NEEDED = {"tensorflow": "the TensorFlow converter", "ai_edge_litert": "the LiteRT interpreter (ai-edge-litert)"}
UNAVAILABLE_EXIT = 3  # the worker's exit code when it cannot import what it needs


class ExportError(RuntimeError):
    """The converter refused a model; ``str(error)`` says why."""


class LiteRTUnavailable(RuntimeError):
    """The LiteRT export cannot run in this Python: TensorFlow or ai-edge-litert is not installed.

    ``str(error)`` says what to install; ``missing`` lists the module names that were not found.
    """

    def __init__(self, message: str, missing: tuple[str, ...] = ()):
        super().__init__(message)
        self.missing = missing


def _tensorflow_package(machine: str | None = None) -> str:
    """The TensorFlow wheel for this machine: ``tensorflow-cpu`` is published for x86_64 only."""
    machine = platform.machine() if machine is None else machine
    return "tensorflow-cpu" if machine.lower() in ("x86_64", "amd64") else "tensorflow"


def _unavailable(missing: tuple[str, ...], detail: str = "") -> LiteRTUnavailable:
    machine = platform.machine() or "this"
    packages = " ".join(_tensorflow_package() if m == "tensorflow" else "ai-edge-litert" for m in missing)
    what = " and ".join(_NEEDED.get(m, m) for m in missing)
    message = (f"The LiteRT export needs {what}: not installed in this Python ({sys.executable}). "
               f'Install the kit\'s LiteRT extra: pip install "pqfl-kit[litert]" (from the kit\'s folder: '
               f'pip install ".[litert]"), or only what is missing on this {machine} machine: pip install {packages}. '
               "Everything else in the kit runs without it.")
    return LiteRTUnavailable(message + (f" ({detail})" if detail else ""), missing)


def litert_unavailable() -> LiteRTUnavailable | None:
    """``None`` when the LiteRT export can run here, else the error saying what to install.

    Cheap: it looks for the modules (``importlib.util.find_spec``) without importing them, so a
    notebook can call it before deciding to export. A package installed since the kernel started
    is seen (the import caches are refreshed first).
    """
    importlib.invalidate_caches()
    missing = []
    for module in _NEEDED:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a blocked or half-imported module counts as missing
            found = False
        if not found:
            missing.append(module)
    return _unavailable(tuple(missing)) if missing else None


@dataclass
class LiteRTModel:
    """A converted model: its bytes, how it was quantized, and a scorer for raw windows."""

    arch: str
    content: bytes = field(repr=False)
    quantization: str  # "int8" or "float32"
    unrolled: bool
    standardizer: Standardizer = field(repr=False)
    ops: tuple[str, ...] = ()

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    def _interpreter(self):
        if not hasattr(self, "_interp"):
            from ai_edge_litert.interpreter import Interpreter

            self._interp = Interpreter(model_content=self.content)
            self._interp.allocate_tensors()
        return self._interp

    def score_scaled(self, X: np.ndarray) -> np.ndarray:
        """Anomaly scores for standardized windows, one interpreter call per window (batch 1)."""
        it = self._interpreter()
        inp, out = it.get_input_details()[0], it.get_output_details()[0]
        X = np.asarray(X, dtype=np.float32)
        if X.ndim == 2:
            X = X[None]
        if tuple(X.shape[1:]) != tuple(inp["shape"][1:]):
            raise ValueError(f"expected windows shaped (n, {inp['shape'][1]}, {inp['shape'][2]}), got {X.shape}.")
        in_scale, in_zero = inp["quantization"]
        out_scale, out_zero = out["quantization"]
        scores = np.empty(len(X), dtype=np.float32)
        for i, x in enumerate(X):
            if inp["dtype"] == np.int8:
                x = np.clip(np.round(x / in_scale + in_zero), -128, 127).astype(np.int8)
            it.set_tensor(inp["index"], x[None])
            it.invoke()
            y = it.get_tensor(out["index"]).reshape(-1)[0]
            scores[i] = (float(y) - out_zero) * out_scale if out["dtype"] == np.int8 else float(y)
        return scores

    def score(self, windows) -> np.ndarray:
        """Anomaly scores in [0, 1] for raw windows (standardized with the training statistics)."""
        return self.score_scaled(self.standardizer.transform(windows))

    def latency_us(self, window: np.ndarray, repeats: int = 300) -> float:
        """Median time of one interpreter call on one standardized window, in microseconds."""
        it = self._interpreter()
        inp = it.get_input_details()[0]
        x = np.asarray(window, dtype=np.float32)[None]
        if inp["dtype"] == np.int8:
            scale, zero = inp["quantization"]
            x = np.clip(np.round(x / scale + zero), -128, 127).astype(np.int8)
        it.set_tensor(inp["index"], x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            it.invoke()
            times.append(time.perf_counter() - start)
        return float(np.median(times) * 1e6)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the ``.tflite`` file."""
        path = Path(path)
        path.write_bytes(self.content)
        return path


def calibration_sample(data: TrafficDataset, samples: int = 200, *, seed: int = SEED) -> np.ndarray:
    """Indices of ``samples`` windows of ``data`` drawn evenly across its devices (int8 calibration).

    Round robin over the devices, each device's windows in a seeded random order: with ``d``
    devices every device gives ``samples // d`` or one more windows (all of its windows if it
    has fewer). Post-training quantization calibrates activation ranges on this sample
    (Jacob et al., "Quantization and training of neural networks for efficient
    integer-arithmetic-only inference", CVPR 2018, Sec. 3), so it must cover every device's
    baselines. Limits: ``1 <= samples <= 100,000``, ``0 <= seed <= 2**63 - 1``.
    """
    samples = whole("samples", samples, 1, 100_000)
    rng = np.random.default_rng(whole("seed", seed, 0, 2**63 - 1))
    per_device = [rng.permutation(np.flatnonzero(data.device == d)) for d in np.unique(data.device)]
    rounds = max((len(rows) for rows in per_device), default=0)
    order = [rows[r] for r in range(rounds) for rows in per_device if r < len(rows)]
    return np.asarray(order[:samples], dtype=np.int64)


def export_many(detectors, representative: TrafficDataset, *, quantize: str = "int8", unroll=True,
                samples: int = 200, timeout: float = 600.0) -> dict[str, LiteRTModel | ExportError]:
    """Convert several trained detectors in one child process (TensorFlow is imported once).

    Returns ``{"arch/optimizer": LiteRTModel or ExportError}`` (key suffix " (loop)" when not
    unrolled): a refused conversion is reported, not raised, so a notebook can show why.
    ``unroll`` is one flag for all detectors or one per detector. ``representative`` gives the calibration windows
    (raw; use training windows, never test windows); ``samples`` of them are drawn evenly across
    its devices (:func:`calibration_sample`). Raises :class:`LiteRTUnavailable` (saying
    what to install) when TensorFlow or ai-edge-litert is missing, before any work starts.
    """
    if quantize not in ("int8", "float32"):
        raise ValueError("quantize must be 'int8' or 'float32'.")
    detectors = list(detectors)
    if not detectors:
        raise ValueError("give at least one detector to export.")
    unrolls = [bool(unroll)] * len(detectors) if isinstance(unroll, (bool, np.bool_)) else [bool(u) for u in unroll]
    if len(unrolls) != len(detectors):
        raise ValueError("give one unroll flag per detector (or a single True/False).")
    if len(representative) == 0:
        raise ValueError("the representative dataset is empty: pass training windows.")
    unavailable = litert_unavailable()
    if unavailable is not None:
        raise unavailable
    with tempfile.TemporaryDirectory(prefix="pqfl-litert-") as tmp:
        work = Path(tmp)
        jobs = []
        calibration = representative.subset(calibration_sample(representative, samples))
        for i, det in enumerate(detectors):
            rep = det.standardizer.transform(calibration)
            np.save(work / f"rep{i}.npy", rep)
            np.savez(work / f"weights{i}.npz", *det.model.get_weights())
            jobs.append({"id": i, "arch": det.arch, "window": det.window, "n_features": len(det.features),
                         "quantize": quantize, "unroll": unrolls[i]})
        (work / "jobs.json").write_text(json.dumps(jobs))
        from pqfl_kit.models.detectors import free_backend_memory

        free_backend_memory()  # the converter process imports TensorFlow (~0.75 GB): make room
        env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3",
               "CUDA_VISIBLE_DEVICES": "-1"}
        proc = subprocess.run([sys.executable, "-m", "pqfl_kit.models._litert_worker", str(work)],
                              capture_output=True, text=True, timeout=timeout, env=env)
        results_path = work / "results.json"
        if proc.returncode == UNAVAILABLE_EXIT:  # found by find_spec, yet the child could not import it
            lines = (proc.stderr or "").strip().splitlines()
            missing = tuple(m for m in _NEEDED if any(m in ln for ln in lines[-3:])) or tuple(_NEEDED)
            raise _unavailable(missing, "the converter process said: " + (lines[-1] if lines else "nothing"))
        if proc.returncode != 0 or not results_path.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise ExportError("the LiteRT converter process failed: " + " | ".join(tail))
        results = json.loads(results_path.read_text())
        out: dict[str, LiteRTModel | ExportError] = {}
        for job, det in zip(jobs, detectors):
            res = results[str(job["id"])]
            key = f"{det.arch}/{det.optimizer}" + ("" if job["unroll"] or det.arch == "tinyml" else " (loop)")
            if res.get("error"):
                out[key] = ExportError(res["error"])
            else:
                content = (work / f"model{job['id']}.tflite").read_bytes()
                out[key] = LiteRTModel(det.arch, content, quantize, job["unroll"], det.standardizer,
                                       tuple(res["ops"]))
        return out


def export_litert(detector, representative: TrafficDataset, *, quantize: str = "int8", unroll: bool = True,
                  samples: int = 200) -> LiteRTModel:
    """Convert one trained detector to LiteRT (full int8 by default).

    Raises ``ExportError`` if the converter refuses it, ``LiteRTUnavailable`` if TensorFlow is missing.
    """
    result = next(iter(export_many([detector], representative, quantize=quantize, unroll=unroll,
                                   samples=samples).values()))
    if isinstance(result, ExportError):
        raise result
    return result
