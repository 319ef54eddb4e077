"""Which PQC backends the tests may use: both must run under `make test`, which builds liboqs."""
from __future__ import annotations

import os

import pytest

from pqfl_kit.pqc import backends

# `make test` sets this: it built liboqs, so a liboqs that does not load is a failure, not a skip.
REQUIRE_LIBOQS = os.environ.get("PQFL_REQUIRE_LIBOQS", "") == "1" or os.environ.get("CI", "").lower() in {
    "1", "true", "yes"}


def require_backend(name: str) -> str:
    """Skip (or, under `make test` and in CI, fail) when the PQC backend ``name`` cannot run here."""
    if name == backends.LIBOQS and not backends.liboqs_available():
        message = f"liboqs backend unavailable: {backends.liboqs_status()} (run `make liboqs`)"
        if REQUIRE_LIBOQS:
            pytest.fail(message)
        pytest.skip(message)
    return name
