"""Run every notebook top to bottom as a learner would; report wall time and peak kernel memory.

Goals: each notebook < 60 s here and its kernel's peak RSS well under Binder's 2 GB
(notebook 01: < 1 GB). Prints one table; exit code 0 even if a goal is missed (the table says so).

    python benchmarks/bench_notebooks.py            # all notebooks
    python benchmarks/bench_notebooks.py 01 04      # only those
"""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
GOAL_SECONDS = 60.0
GOAL_MB = {"01": 1024.0}
DEFAULT_GOAL_MB = 1536.0  # "well under" Binder's 2 GB


def _peak_rss(client: NotebookClient, stop: threading.Event, peak: list[float]) -> None:
    while not stop.is_set():
        km = getattr(client, "km", None)
        pid = getattr(getattr(km, "provisioner", None), "pid", None) if km else None
        if pid:
            try:
                proc = psutil.Process(pid)
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                peak[0] = max(peak[0], rss / 2 ** 20)
            except psutil.Error:
                pass
        time.sleep(0.05)


def run(path: Path) -> tuple[float, float]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
    stop, peak = threading.Event(), [0.0]
    watcher = threading.Thread(target=_peak_rss, args=(client, stop, peak), daemon=True)
    watcher.start()
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - start
        stop.set()
        watcher.join()
    return seconds, peak[0]


def main(prefixes: list[str]) -> int:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]*_*.ipynb"))
    if prefixes:
        paths = [p for p in paths if any(p.name.startswith(x) for x in prefixes)]
    rows = []
    for path in paths:
        seconds, mb = run(path)
        goal_mb = GOAL_MB.get(path.name.split("_")[0], DEFAULT_GOAL_MB)
        ok = seconds < GOAL_SECONDS and mb < goal_mb
        rows.append((path.name, seconds, mb, goal_mb, ok))
    print(f"{'notebook':32s} {'wall s':>8s} {'/goal':>6s} {'peak MB':>8s} {'/goal':>6s}  verdict")
    for name, seconds, mb, goal_mb, ok in rows:
        print(f"{name:32s} {seconds:8.1f} {seconds / GOAL_SECONDS:6.2f} {mb:8.0f} {mb / goal_mb:6.2f}  "
              f"{'PASS' if ok else 'MISS'} (goal < {GOAL_SECONDS:.0f} s, < {goal_mb:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
