"""`import pqfl_kit` is instant and loads no heavy framework."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("keras", "tensorflow", "jax", "qiskit", "qiskit_aer", "torch", "numba", "sklearn", "shap")


def _loaded_after(statement: str) -> list[str]:
    code = (f"import sys, time; t = time.perf_counter(); {statement}; dt = time.perf_counter() - t\n"
            f"print(dt); print(','.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    return float(out[0]), [m for m in out[1].split(",") if m]


def test_import_pqfl_kit_loads_nothing_heavy():
    seconds, heavy = _loaded_after("import pqfl_kit")
    assert heavy == [], f"import pqfl_kit loaded {heavy}"
    assert seconds < 1.0


def test_keras_backend_defaults_to_jax_but_respects_the_user():
    code = "import os; os.environ.pop('KERAS_BACKEND', None); import pqfl_kit; print(os.environ['KERAS_BACKEND'])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "jax"
    code = "import os; os.environ['KERAS_BACKEND'] = 'tensorflow'; import pqfl_kit; print(os.environ['KERAS_BACKEND'])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "tensorflow"


def test_threats_module_imports_without_qiskit():
    _, heavy = _loaded_after("import pqfl_kit.threats, pqfl_kit.exercises")
    assert "qiskit" not in heavy
