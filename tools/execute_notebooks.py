"""Execute notebooks in place (as committed: outputs saved), then check them for problems.

    python tools/execute_notebooks.py                 # every notebook
    python tools/execute_notebooks.py 01 03           # only those whose name starts so

Fails (exit 1) if a saved output is an error, shows a machine path or library noise.
`make notebooks` runs it with PQFL_PQC_BACKEND=liboqs: saved outputs show what Binder learners see.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATH_PATTERN = re.compile(r"(/tmp/|/root/|/home/[a-z]|/work/|site-packages|\.venv)")


def problems(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: error output {out.get('ename')}: {out.get('evalue')}")
            elif out.get("name") == "stderr" and "Traceback" in out.get("text", ""):
                found.append(f"cell {i}: a traceback on stderr")
            if PATH_PATTERN.search(json.dumps(out)):
                found.append(f"cell {i}: output shows a machine path")
            if "faulthandler is disabled" in json.dumps(out):
                found.append(f"cell {i}: liboqs-python's start-up line leaked into the output")
    return found


def execute(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:  # keep the notebook as it was; show the short reason
        lines = [line for line in str(error).splitlines() if line.strip()]
        return [f"execution stopped: {lines[-1] if lines else error}"]
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    # JupyterLab rewrites a kernelspec that differs from the installed one, and the notebook opens "modified"
    spec = KernelSpecManager().get_kernel_spec(client.kernel_name)
    nb.metadata["kernelspec"] = {"name": client.kernel_name, "display_name": spec.display_name,
                                 "language": spec.language}
    nbformat.write(nb, path)
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    return problems(nb)


def main(prefixes: list[str]) -> int:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    bad = 0
    for path in paths:
        for problem in execute(path):
            print(f"  {path.name} {problem}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
