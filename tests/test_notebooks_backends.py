"""Notebooks 02, 05 and 07 (the ones that use ML-KEM/ML-DSA) run, and match their checked outputs, on both
PQC backends. `make test` runs every notebook on liboqs (PQFL_PQC_BACKEND=liboqs, what Binder learners
get); this test runs the three PQC notebooks again with nbval on OpenSSL, and checks the saved outputs
were made on liboqs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pqc_backends import require_backend

ROOT = Path(__file__).resolve().parents[1]
PQC_NOTEBOOKS = ["02_pqc_handshake", "05_federated_pi_cluster", "07_capstone"]


def test_saved_outputs_were_made_on_liboqs():
    """Learners on Binder get liboqs, so the committed notebooks show what they will see."""
    nb = json.loads((ROOT / "notebooks" / "02_pqc_handshake.ipynb").read_text())
    text = json.dumps(nb["cells"])
    assert "PQC backend: liboqs" in text and "backend openssl" not in text


@pytest.mark.slow
def test_pqc_notebooks_run_on_openssl_too():
    backend = require_backend("openssl")
    notebooks = [str(ROOT / "notebooks" / f"{name}.ipynb") for name in PQC_NOTEBOOKS]
    env = {**os.environ, "PQFL_PQC_BACKEND": backend}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--nbval-cell-timeout=600",
         "-o", "addopts=", *notebooks],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    tail = run.stdout[-4000:]
    assert run.returncode == 0, f"notebooks failed on {backend}:\n{tail}\n{run.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail
