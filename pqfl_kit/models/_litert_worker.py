"""Child process of :mod:`pqfl_kit.models.tinyml`: Keras (TensorFlow backend) -> LiteRT.

Run as ``python -m pqfl_kit.models._litert_worker WORKDIR`` with ``KERAS_BACKEND=tensorflow``.
Reads ``jobs.json``, ``weights<i>.npz`` and ``rep<i>.npy`` from WORKDIR and writes
``model<i>.tflite`` and ``results.json`` (``{id: {"ops": [...]} or {"error": "..."}}``).
Exit code 3: TensorFlow or ai-edge-litert cannot be imported (the parent raises ``LiteRTUnavailable``).
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np


def _short(error: Exception) -> str:
    """The first useful lines of a converter error (they can be pages long)."""
    import re

    text = str(error)
    flex = sorted(set(re.findall(r"(TensorList\w+|While|FlexDelegate)", text)))
    if flex:
        return ("the recurrent loop needs TensorFlow (Flex) ops " + ", ".join(flex) + " that LiteRT built-ins "
                "and micro runtimes do not have; export it unrolled (unroll=True) with a fixed batch size.")
    lines = [ln.strip() for ln in str(error).splitlines() if ln.strip()]
    useful = [ln for ln in lines if "error" in ln.lower() or "flex" in ln.lower() or "op" in ln.lower()]
    text = " ".join((useful or lines)[:3])
    return f"{type(error).__name__}: {text[:600]}"


def convert(job: dict, work: Path) -> dict:
    import tensorflow as tf

    from pqfl_kit.models.detectors import build_model

    i = job["id"]
    recurrent = job["arch"] != "tinyml"
    model = build_model(job["arch"], job["window"], job["n_features"], dropout=0.0,
                        unroll=bool(job["unroll"]) and recurrent, batch_size=1)
    weights = np.load(work / f"weights{i}.npz")
    model.set_weights([weights[f"arr_{k}"] for k in range(len(weights.files))])
    rep = np.load(work / f"rep{i}.npy").astype(np.float32)
    with tempfile.TemporaryDirectory() as saved:
        model.export(saved, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        if job["quantize"] == "int8":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = lambda: ([x[None]] for x in rep)
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        try:
            content = converter.convert()
        except Exception as error:  # noqa: BLE001 - the reason is the result
            return {"error": _short(error)}
    (work / f"model{i}.tflite").write_bytes(content)
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=content)
    ops = sorted({d["op_name"] for d in interpreter._get_ops_details()} - {"DELEGATE"})
    return {"ops": ops}


def main(workdir: str) -> int:
    if os.environ.get("KERAS_BACKEND") != "tensorflow":
        print("run with KERAS_BACKEND=tensorflow", file=sys.stderr)
        return 2
    for module in ("tensorflow", "ai_edge_litert"):  # exit 3 = tinyml.UNAVAILABLE_EXIT: LiteRTUnavailable
        try:
            importlib.import_module(module)
        except ImportError as error:
            print(f"cannot import {module}: {type(error).__name__}: {error}", file=sys.stderr)
            return 3
    work = Path(workdir)
    results = {}
    for job in json.loads((work / "jobs.json").read_text()):
        try:
            results[str(job["id"])] = convert(job, work)
        except Exception as error:  # noqa: BLE001
            results[str(job["id"])] = {"error": _short(error)}
    (work / "results.json").write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
