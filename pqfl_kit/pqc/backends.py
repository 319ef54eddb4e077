"""Which post-quantum library does the work: ``liboqs`` (liboqs-python) or ``openssl`` (cryptography).

Both are real, maintained implementations of FIPS 203 (ML-KEM) and FIPS 204 (ML-DSA):

* ``openssl``: the ``cryptography`` package (>= 48, bundling OpenSSL with ML-KEM-768/1024 and
  ML-DSA-44/65/87). Always available in the kit.
* ``liboqs``: Open Quantum Safe's liboqs through liboqs-python (``import oqs``), every parameter
  set. Only used when the liboqs C library is already installed: importing ``oqs`` without it
  starts a git clone and build of liboqs, which hangs offline, so we look for the library first
  (``OQS_INSTALL_PATH``, the default ``~/_oqs`` install dir, the system loader) and import ``oqs``
  only when it is there.

``active_backend()`` says which one the kit picked (liboqs when it loads, else openssl).
"""
from __future__ import annotations

import ctypes.util
import functools
import os
import sys
from pathlib import Path

__all__ = ["OPENSSL", "LIBOQS", "BACKENDS", "liboqs_available", "active_backend", "resolve", "oqs_module",
           "backend_notice"]

OPENSSL = "openssl"
LIBOQS = "liboqs"
BACKENDS = (OPENSSL, LIBOQS)


def _liboqs_library_present() -> bool:
    """True if a liboqs shared library can be found without importing ``oqs``."""
    candidates = []
    install = os.environ.get("OQS_INSTALL_PATH")
    if install:
        candidates.append(Path(install))
    candidates.append(Path.home() / "_oqs")
    for base in candidates:
        for sub in ("lib", "lib64", "bin"):
            folder = base / sub
            if folder.is_dir() and any(any(folder.glob(p)) for p in ("*oqs*.so*", "*oqs*.dylib", "*oqs*.dll")):
                return True
    return ctypes.util.find_library("oqs") is not None


@functools.lru_cache(maxsize=1)
def oqs_module():
    """The ``oqs`` module if liboqs is installed, else ``None`` (never triggers oqs's auto-build)."""
    if not _liboqs_library_present():
        return None
    try:
        import oqs  # noqa: PLC0415 - only imported once we know the C library exists
    except (ImportError, OSError, RuntimeError, SystemExit):
        return None
    return oqs


def liboqs_available() -> bool:
    """True when liboqs-python can be used."""
    return oqs_module() is not None


def active_backend() -> str:
    """The default backend: ``"liboqs"`` when it loads, else ``"openssl"``."""
    return LIBOQS if liboqs_available() else OPENSSL


def backend_notice() -> str:
    """One line for learners saying which backend runs and why."""
    if liboqs_available():
        return "PQC backend: liboqs (Open Quantum Safe), all ML-KEM and ML-DSA parameter sets."
    return ("PQC backend: openssl via the cryptography package (liboqs is not installed here; "
            "install liboqs + liboqs-python to use it).")


def resolve(backend: str | None) -> str:
    """Validate a backend name; ``None`` means :func:`active_backend`."""
    if backend is None:
        return active_backend()
    if not isinstance(backend, str):
        raise TypeError(f"backend must be a string such as 'openssl' or 'liboqs', got {type(backend).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == LIBOQS and not liboqs_available():
        raise ValueError("the liboqs backend needs the liboqs C library and liboqs-python; "
                         "they are not installed here, use backend='openssl'")
    return backend


if __name__ == "__main__":  # pragma: no cover - a quick check from the command line
    print(backend_notice())
    sys.exit(0)
