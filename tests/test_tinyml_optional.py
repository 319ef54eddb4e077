"""TensorFlow is optional: without it the LiteRT export says what to install, and notebook 04 goes on.

"No TensorFlow" is simulated in a child Python whose ``sitecustomize`` sets
``sys.modules["tensorflow"] = None``: the standard import block, under which ``import tensorflow``
raises ModuleNotFoundError and ``importlib.util.find_spec("tensorflow")`` returns None, exactly as
when the package is not installed. The block is on PYTHONPATH, so the converter process the
export would start is blocked too.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SITECUSTOMIZE = "import sys\nsys.modules['tensorflow'] = None  # as if TensorFlow were not installed\n"

# A trained detector is not needed to reach the check: a stand-in with the attributes export_many reads.
FAKE_DETECTOR = textwrap.dedent("""
    import types
    import numpy as np
    from pqfl_kit import traffic as T
    data = T.generate(n_devices=2, windows_per_device=20, seed=3)
    det = types.SimpleNamespace(arch="tinyml", window=data.X.shape[1], features=list(range(data.X.shape[2])),
                                optimizer="adam", standardizer=T.Standardizer().fit(data),
                                model=types.SimpleNamespace(get_weights=lambda: [np.zeros((2, 2), np.float32)]))
""")


@pytest.fixture()
def no_tensorflow(tmp_path):
    """Environment for a child Python in which TensorFlow cannot be imported."""
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    path = os.pathsep.join(p for p in (str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _run(code: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=ROOT)


def _expected_package() -> str:
    import platform

    return "tensorflow-cpu" if platform.machine().lower() in ("x86_64", "amd64") else "tensorflow"


def test_export_without_tensorflow_raises_typed_error_before_any_child_process(no_tensorflow):
    code = FAKE_DETECTOR + textwrap.dedent("""
        import json, subprocess, sys
        def no_child(*a, **k):
            raise AssertionError("a converter process was started")
        subprocess.run = no_child
        from pqfl_kit.models import tinyml
        try:
            tinyml.export_litert(det, data)
        except tinyml.LiteRTUnavailable as error:
            print(json.dumps({"type": type(error).__name__, "runtime": isinstance(error, RuntimeError),
                              "missing": list(error.missing), "message": str(error),
                              "loaded": [m for m in ("tensorflow", "keras", "jax") if sys.modules.get(m)]}))
    """)
    proc = _run(code, no_tensorflow)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["type"] == "LiteRTUnavailable" and out["runtime"] and out["missing"] == ["tensorflow"]
    assert 'pip install "pqfl-kit[litert]"' in out["message"] and 'pip install ".[litert]"' in out["message"]
    assert f"pip install {_expected_package()}." in out["message"], out["message"]
    assert out["loaded"] == [], "the check must not import the heavy frameworks"


@pytest.mark.slow  # imports TensorFlow in a child process (about 2-3 s)
def test_litert_unavailable_is_none_when_tensorflow_is_installed():
    pytest.importorskip("tensorflow")  # find_spec only would do, but this is the real condition
    pytest.importorskip("ai_edge_litert")
    from pqfl_kit.models import tinyml

    assert tinyml.litert_unavailable() is None


@pytest.mark.parametrize(("machine", "package"), [("x86_64", "tensorflow-cpu"), ("AMD64", "tensorflow-cpu"),
                                                  ("arm64", "tensorflow"), ("aarch64", "tensorflow")])
def test_message_names_the_wheel_of_the_platform(monkeypatch, machine, package):
    import importlib.util

    from pqfl_kit.models import tinyml

    real = importlib.util.find_spec
    monkeypatch.setattr(tinyml.platform, "machine", lambda: machine)
    monkeypatch.setattr(tinyml.importlib.util, "find_spec",
                        lambda name, *a: None if name in ("tensorflow", "ai_edge_litert") else real(name, *a))
    error = tinyml.litert_unavailable()
    assert isinstance(error, tinyml.LiteRTUnavailable) and error.missing == ("tensorflow", "ai_edge_litert")
    assert f"pip install {package} ai-edge-litert." in str(error) and f"on this {machine} machine" in str(error)


def test_worker_without_tensorflow_exits_3_and_the_parent_raises_the_typed_error(no_tensorflow, tmp_path):
    worker = subprocess.run([sys.executable, "-m", "pqfl_kit.models._litert_worker", str(tmp_path)],
                            capture_output=True, text=True, env={**no_tensorflow, "KERAS_BACKEND": "tensorflow"},
                            cwd=ROOT, timeout=120)
    assert worker.returncode == 3 and "cannot import tensorflow" in worker.stderr, worker.stderr
    # find_spec fooled (say, a broken install): the converter process fails to import, the parent still says why
    code = FAKE_DETECTOR + textwrap.dedent("""
        import sys, types
        sys.modules["pqfl_kit.models.detectors"] = types.SimpleNamespace(free_backend_memory=lambda: 0)
        from pqfl_kit.models import tinyml
        tinyml.litert_unavailable = lambda: None
        try:
            tinyml.export_many([det], data)
        except tinyml.LiteRTUnavailable as error:
            print("TYPED:", error)
    """)
    proc = _run(code, no_tensorflow)
    assert proc.returncode == 0, proc.stderr
    assert "TYPED: The LiteRT export needs the TensorFlow converter" in proc.stdout, proc.stdout
    assert "cannot import tensorflow" in proc.stdout


def test_notebook_04_export_cells_print_the_message_instead_of_a_traceback(no_tensorflow):
    """Cells 'b2d401b5' (export) and '9705df97' (int8 check) of notebook 04 run without TensorFlow."""
    notebook = json.loads((ROOT / "notebooks" / "04_anomaly_detection.ipynb").read_text())
    cells = {c.get("id"): "".join(c["source"]) for c in notebook["cells"]}
    source = cells["b2d401b5"] + "\n" + cells["9705df97"]
    assert "export_many" in source
    code = textwrap.dedent("""
        import types, sys
        import pandas as pd
        from pqfl_kit import traffic as T
        train = test = T.generate(n_devices=2, windows_per_device=20, seed=3)
        detectors = types.SimpleNamespace(ARCHITECTURES=("tinyml", "lstm", "gru"))
        results = {(a, "adam"): (object(), types.SimpleNamespace(accuracy=0.9)) for a in detectors.ARCHITECTURES}
        exec(compile(sys.argv[1], "notebook-04-cells", "exec"))
    """)
    proc = subprocess.run([sys.executable, "-c", code, source], capture_output=True, text=True, env=no_tensorflow,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "The LiteRT export needs the TensorFlow converter" in proc.stdout and "[litert]" in proc.stdout
    assert "No int8 TinyML model to check" in proc.stdout
