"""Binder's postBuild, run for real but offline: liboqs from a local tarball, Ascon compiled at build time."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT.parent / "shared" / "vendor" / "liboqs-0.16.0-src.tar.gz"
BIN = Path(sys.executable).parent


def _pin(lines: str, name: str) -> str:
    found = re.findall(rf"^\s*-?\s*{re.escape(name)}==([\w.]+)", lines, re.M)
    assert found, f"no {name}== pin"
    return found[0]


def test_liboqs_python_is_pinned_the_same_everywhere():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["liboqs"]
    assert extra == ["liboqs-python==0.16.0.1"]
    for name in ("requirements.txt", "environment.yml", "binder/environment.yml"):
        assert _pin((ROOT / name).read_text(), "liboqs-python") == "0.16.0.1", name
    assert 'VERSION=0.16.0\n' in (ROOT / "tools" / "build_liboqs.sh").read_text()
    from pqfl_kit.pqc import backends

    assert backends.LIBOQS_VERSION == "0.16.0"


@pytest.mark.slow
def test_postbuild_builds_liboqs_and_fills_the_numba_cache(tmp_path):
    if not VENDORED.exists():
        pytest.skip("no local liboqs source (../shared/vendor): postBuild would clone it from GitHub")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PYTHON": sys.executable,
           "LIBOQS_SOURCE": str(VENDORED), "PQFL_LIBOQS_PREFIX": str(tmp_path / "liboqs"),
           "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "OQS_INSTALL_PATH": str(tmp_path / "liboqs")}
    env.pop("PQFL_PQC_BACKEND", None)
    built = subprocess.run(["bash", "binder/postBuild"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "liboqs 0.16.0 installed in" in built.stdout, built.stdout[-3000:] + built.stderr[-3000:]
    assert "PQC backend: liboqs" in built.stdout
    assert "faulthandler" not in built.stdout + built.stderr
    assert list((tmp_path / "numba").rglob("*.nbi")), "postBuild left no numba cache"

    # A fresh session (a new Binder kernel): liboqs from the built prefix, Ascon loaded from cache.
    code = ("import json, ctypes; from pqfl_kit.pqc import ascon, backends\n"
            "from pqfl_kit.pqc.channel import connect_pair\n"
            "d, g = connect_pair(seed=5); assert g.open(d.seal(b'x')) == b'x'\n"
            "from pqfl_kit.pqc.ascon import _aead_encrypt, _aead_decrypt\n"
            "lib = backends.oqs_module().native()._name\n"
            "print(json.dumps({'backend': d.info.backend, 'lib': lib,\n"
            "  'misses': sum(sum(f.stats.cache_misses.values()) for f in (_aead_encrypt, _aead_decrypt)),\n"
            "  'hits': sum(sum(f.stats.cache_hits.values()) for f in (_aead_encrypt, _aead_decrypt))}))")
    fresh = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert fresh.stderr == ""
    report = json.loads(fresh.stdout)
    assert report["backend"] == "liboqs" and report["lib"].startswith(str(tmp_path)), report
    assert report["misses"] == 0 and report["hits"] >= 2, report


def test_postbuild_never_fails_the_binder_build_and_uses_the_shared_script():
    text = (ROOT / "binder" / "postBuild").read_text()
    assert text.rstrip().endswith("exit 0") and "pip install --no-deps -e ." in text
    assert "tools/build_liboqs.sh" in text and "ascon.warm_up()" in text
