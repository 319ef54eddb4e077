"""Wire format of a model update / global model: numpy arrays + metadata, no pickle.

A message is a ``.npz`` archive (``numpy.savez``) holding the layer arrays ``w0..wN`` and a
``meta`` array with UTF-8 JSON. Loading never unpickles, so a hostile message cannot run code;
it can only fail to parse (``ValueError``).

Parsing is bounded, so a hostile message cannot exhaust memory or the parser's stack either:

* :data:`MAX_MESSAGE_BYTES` (16 MiB): the decompressed size of all arrays together. The size
  each member declares is checked against it *before* anything is decompressed, then members are
  inflated in 64 KiB steps that stop at the declared size (a "zip bomb" whose 1 MB expands to
  1 GiB is refused without allocating it). The kit's models are far smaller (tens of KiB), and
  an aggregator holding one update at the limit from each of 64 clients needs 1 GiB: it still
  fits a 2 GB Binder pod.
* :data:`MAX_ARRAYS` (256): members per message.
* :data:`MAX_META_BYTES` (64 KiB) and :data:`MAX_JSON_DEPTH` (16): the JSON metadata.
* Only stored or deflated members (no bzip2/LZMA, whose steps are unbounded), and only arrays
  whose header's shape times item size equals the bytes present (no object dtypes).
"""
from __future__ import annotations

import io
import json
import math
import re
import zipfile
from typing import Any

import numpy as np

__all__ = ["pack", "unpack", "model_bytes", "load_json", "MAX_MESSAGE_BYTES", "MAX_ARRAYS", "MAX_META_BYTES",
           "MAX_JSON_DEPTH"]

MAX_MESSAGE_BYTES = 16 * 2**20  # decompressed bytes of all arrays of one message
MAX_ARRAYS = 256  # members of one message
MAX_META_BYTES = 65_536  # the JSON metadata
MAX_JSON_DEPTH = 16  # nesting of the JSON metadata (the kit's is flat: depth 1)
_CHUNK = 65_536
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


def load_json(data: bytes, max_bytes: int, max_depth: int):
    """``json.loads(data)`` after checking, without recursion, that ``data`` has at most ``max_bytes``
    bytes and nests at most ``max_depth`` brackets deep; raises ``ValueError`` otherwise."""
    if len(data) > max_bytes:
        raise ValueError(f"JSON of {len(data)} bytes is over the limit of {max_bytes}")
    data = bytes(data)
    if data.count(b"[") + data.count(b"{") > max_depth:  # cheap: most JSON never gets here
        depth = deepest = 0
        for m in _BRACKETS.finditer(_JSON_STRING.sub(b'""', data)):
            depth += 1 if m.group() in (b"[", b"{") else -1
            deepest = max(deepest, depth)
        if deepest > max_depth:
            raise ValueError(f"JSON nests {deepest} deep; the limit is {max_depth}")
    try:
        return json.loads(data)
    except RecursionError:  # defensive: the scan above already bounds the depth
        raise ValueError("JSON nests too deep") from None


def pack(weights: list[np.ndarray], **meta) -> bytes:
    """Serialize ``weights`` (list of arrays) and JSON-able ``meta`` into bytes."""
    buf = io.BytesIO()
    arrays: dict[str, Any] = {f"w{i}": np.asarray(w) for i, w in enumerate(weights)}
    np.savez(buf, meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8), **arrays)
    return buf.getvalue()


def unpack(data: bytes) -> tuple[list[np.ndarray], dict]:
    """Inverse of :func:`pack`; raises ``ValueError`` on anything that is not such a message, or
    that is over the limits of the module docstring (checked before decompressing)."""
    try:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"expected bytes, got {type(data).__name__}")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARRAYS + 1:
                raise ValueError(f"{len(infos)} members; the limit is MAX_ARRAYS = {MAX_ARRAYS}")
            total = sum(info.file_size for info in infos)
            if total > MAX_MESSAGE_BYTES:
                raise ValueError(f"it declares {total:,} bytes uncompressed; the limit is "
                                 f"MAX_MESSAGE_BYTES = {MAX_MESSAGE_BYTES:,}")
            arrays = {}
            for info in infos:
                if not info.filename.endswith(".npy"):
                    raise ValueError(f"unexpected member {info.filename!r}")
                arrays[info.filename[:-4]] = _read_array(archive, info)
        meta_raw = arrays.pop("meta")
        if meta_raw.dtype != np.uint8 or meta_raw.ndim != 1:
            raise ValueError("meta is not UTF-8 bytes")
        meta_bytes = meta_raw.tobytes()
        meta_bytes.decode()  # UTF-8 or UnicodeDecodeError
        meta = load_json(meta_bytes, MAX_META_BYTES, MAX_JSON_DEPTH)
        if not isinstance(meta, dict):
            raise ValueError("meta is not a JSON object")
        n = len([k for k in arrays if k.startswith("w")])
        weights = [arrays[f"w{i}"] for i in range(n)]
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError, EOFError,
            ValueError, TypeError, OverflowError, NotImplementedError, RuntimeError, MemoryError,
            SyntaxError) as error:
        raise ValueError(f"Not a model message: {error}") from None
    return weights, meta


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """One ``.npy`` member, inflated in bounded steps up to its declared size, then checked."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"member {info.filename!r} uses compression method {info.compress_type}")
    raw = bytearray()
    with archive.open(info) as member:  # stops at info.file_size and checks the CRC
        while chunk := member.read(_CHUNK):
            raw += chunk
            if len(raw) > info.file_size:
                raise ValueError(f"member {info.filename!r} is larger than it declares")
    f = io.BytesIO(raw)
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise ValueError(f"unsupported .npy version {version}")
    if dtype.hasobject:
        raise ValueError("object arrays are not allowed")
    count, offset = math.prod(shape), f.tell()
    if count * dtype.itemsize != len(raw) - offset:
        raise ValueError(f"member {info.filename!r}: shape {shape} does not match its {len(raw) - offset} bytes")
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=offset)  # writable: raw is a bytearray
    return array.reshape(shape[::-1]).transpose() if fortran else array.reshape(shape)


def model_bytes(weights: list[np.ndarray]) -> int:
    """Raw parameter bytes of a model (what 'model size' means in the kit)."""
    return int(sum(np.asarray(w).nbytes for w in weights))
