"""Wire format of a model update / global model: numpy arrays + metadata, no pickle.

A message is a ``.npz`` archive (``numpy.savez``) holding the layer arrays ``w0..wN`` and a
``meta`` array with UTF-8 JSON. Loading uses ``allow_pickle=False``, so a hostile message cannot
run code; it can only fail to parse (``ValueError``).
"""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np

__all__ = ["pack", "unpack", "model_bytes"]


def pack(weights: list[np.ndarray], **meta) -> bytes:
    """Serialize ``weights`` (list of arrays) and JSON-able ``meta`` into bytes."""
    buf = io.BytesIO()
    arrays = {f"w{i}": np.asarray(w) for i, w in enumerate(weights)}
    np.savez(buf, meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8), **arrays)
    return buf.getvalue()


def unpack(data: bytes) -> tuple[list[np.ndarray], dict]:
    """Inverse of :func:`pack`; raises ``ValueError`` on anything that is not such a message."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode())
            n = len([k for k in npz.files if k.startswith("w")])
            weights = [npz[f"w{i}"] for i in range(n)]
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, EOFError) as error:
        raise ValueError(f"Not a model message: {error}") from None
    return weights, meta


def model_bytes(weights: list[np.ndarray]) -> int:
    """Raw parameter bytes of a model (what 'model size' means in the kit)."""
    return int(sum(np.asarray(w).nbytes for w in weights))
