"""Which post-quantum library does the work: ``liboqs`` (liboqs-python) or ``openssl`` (cryptography).

Both are real, maintained implementations of FIPS 203 (ML-KEM) and FIPS 204 (ML-DSA):

* ``openssl``: the ``cryptography`` package (>= 48, bundling OpenSSL with ML-KEM-768/1024 and
  ML-DSA-44/65/87). Always available in the kit.
* ``liboqs``: Open Quantum Safe's liboqs 0.16 through liboqs-python (``import oqs``), every
  ML-KEM and ML-DSA parameter set. This is what Binder learners get: its ``postBuild`` (and
  ``make``) builds liboqs into ``<python prefix>/liboqs`` with ``tools/build_liboqs.sh``.

Finding liboqs never starts a download: importing ``oqs`` without the C library makes
liboqs-python git-clone and build liboqs itself (it hangs offline), so the kit first looks for the
library (``OQS_INSTALL_PATH``, ``<python prefix>/liboqs``, the system loader), checks that it
loads, points ``OQS_INSTALL_PATH`` at it and only then imports ``oqs``, with liboqs-python's
start-up line ("faulthandler is disabled") swallowed so it never reaches a notebook.

``active_backend()`` is liboqs when it loads, else openssl; the environment variable
``PQFL_PQC_BACKEND=openssl|liboqs`` picks one explicitly (the tests run the notebooks both ways).
The kit never switches backend silently: ``backend_notice()`` says which one runs and why, and a
fallback from a liboqs that is installed but broken is reported once on stderr.
"""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import io
import logging
import os
import sys
import warnings
from pathlib import Path

__all__ = ["OPENSSL", "LIBOQS", "BACKENDS", "LIBOQS_VERSION", "ENV_BACKEND", "BackendUnavailable",
           "liboqs_available", "liboqs_status", "active_backend", "resolve", "oqs_module", "backend_notice"]

OPENSSL = "openssl"
LIBOQS = "liboqs"
BACKENDS = (OPENSSL, LIBOQS)
LIBOQS_VERSION = "0.16.0"          # the liboqs release the kit builds and tests against
ENV_BACKEND = "PQFL_PQC_BACKEND"   # "openssl" or "liboqs": overrides the automatic choice
_HOW_TO_GET = ("build it with `make liboqs` (or `bash tools/build_liboqs.sh`), which installs liboqs "
               f"{LIBOQS_VERSION} into <python prefix>/liboqs; liboqs-python comes with the kit's requirements")


class BackendUnavailable(ValueError):
    """A backend was asked for by name but cannot run here (the message says how to get it)."""


def _library_names() -> tuple[str, ...]:
    if sys.platform == "darwin":
        return ("liboqs.dylib",)
    if sys.platform == "win32":
        return ("oqs.dll", "liboqs.dll")
    return ("liboqs.so",)


def _candidate_prefixes() -> list[Path]:
    """``OQS_INSTALL_PATH`` when the user set it (then only there), else ``<python prefix>/liboqs``."""
    if os.environ.get("OQS_INSTALL_PATH"):
        return [Path(os.environ["OQS_INSTALL_PATH"])]
    return [Path(sys.prefix) / "liboqs"]


def _find_library() -> tuple[Path | None, Path | None]:
    """(install prefix, library file) of the first liboqs found, without importing ``oqs``."""
    for prefix in _candidate_prefixes():
        for sub in ("lib", "lib64", "bin"):
            for name in _library_names():
                if (prefix / sub / name).exists():
                    return prefix, prefix / sub / name
    system = ctypes.util.find_library("oqs")
    return (None, Path(system)) if system else (None, None)


@functools.lru_cache(maxsize=1)
def _load() -> tuple[object | None, str]:
    """Import ``oqs`` if a working liboqs is installed: (module or None, one-line status)."""
    prefix, library = _find_library()
    if library is None:
        return None, "liboqs is not installed here"
    try:
        ctypes.CDLL(str(library))
    except OSError as error:
        return None, f"a liboqs library was found but does not load ({error})"
    if prefix is not None:
        # liboqs-python loads from OQS_INSTALL_PATH; without it, it would try ~/_oqs and then build
        os.environ["OQS_INSTALL_PATH"] = str(prefix)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import oqs
    except (ImportError, OSError, RuntimeError, SystemExit) as error:
        return None, f"liboqs-python could not be imported ({type(error).__name__}: {error})"
    # liboqs-python logs to the stdout it saw at import time; keep its chatter out of notebooks
    oqs_logger = logging.getLogger("oqs.oqs")
    oqs_logger.handlers.clear()
    oqs_logger.addHandler(logging.NullHandler())
    oqs_logger.propagate = False
    version = oqs.oqs_version()
    if not version.startswith(LIBOQS_VERSION.rsplit(".", 1)[0]):
        return None, f"liboqs {version} is installed, but the kit needs liboqs {LIBOQS_VERSION}"
    mismatch = [str(w.message) for w in caught if "differs" in str(w.message)]
    if mismatch:
        return None, f"liboqs and liboqs-python versions differ ({mismatch[0]})"
    return oqs, f"liboqs {version} via liboqs-python {oqs.oqs_python_version()}"


def oqs_module():
    """The ``oqs`` module if a working liboqs is installed, else ``None`` (never triggers a download)."""
    return _load()[0]


def liboqs_available() -> bool:
    """True when liboqs-python can be used with a liboqs the kit supports."""
    return oqs_module() is not None


def liboqs_status() -> str:
    """One line: which liboqs runs, or why none does."""
    return _load()[1]


def _liboqs_python_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("oqs") is not None


_fallback_said = False


def _report_fallback() -> None:
    """Say once per process, on stderr, that the kit uses OpenSSL although liboqs-python is installed."""
    global _fallback_said
    if not _fallback_said:
        _fallback_said = True
        print(f"pqfl-kit: {liboqs_status()}; ML-KEM/ML-DSA run on OpenSSL (cryptography) instead. "
              f"To use liboqs, {_HOW_TO_GET}.", file=sys.stderr)


def active_backend() -> str:
    """The default backend: ``PQFL_PQC_BACKEND`` if set, else liboqs when it loads, else openssl."""
    chosen = os.environ.get(ENV_BACKEND, "").strip().lower()
    if chosen:
        return resolve(chosen)
    if liboqs_available():
        return LIBOQS
    if _liboqs_python_installed():
        _report_fallback()
    return OPENSSL


def backend_notice() -> str:
    """One line for learners saying which backend runs and why."""
    backend = active_backend()
    if backend == LIBOQS:
        return f"PQC backend: liboqs (Open Quantum Safe) - {liboqs_status()}, every ML-KEM and ML-DSA parameter set."
    if os.environ.get(ENV_BACKEND):
        return f"PQC backend: openssl via the cryptography package (chosen with {ENV_BACKEND}=openssl)."
    return (f"PQC backend: openssl via the cryptography package ({liboqs_status()}; "
            "Binder builds liboqs, and `make liboqs` builds it on your machine).")


def resolve(backend: str | None) -> str:
    """Validate a backend name; ``None`` means :func:`active_backend`."""
    if backend is None:
        return active_backend()
    if not isinstance(backend, str):
        raise TypeError(f"backend must be a string such as 'openssl' or 'liboqs', got {type(backend).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if backend == LIBOQS and not liboqs_available():
        raise BackendUnavailable(f"the liboqs backend cannot run here: {liboqs_status()}. To get it, "
                                 f"{_HOW_TO_GET}. Or use backend='openssl'.")
    return backend


if __name__ == "__main__":  # pragma: no cover - a quick check from the command line
    print(backend_notice())
    sys.exit(0)
