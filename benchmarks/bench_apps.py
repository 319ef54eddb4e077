"""Cold start of every Voila app view: seconds until the app is on screen, and the kernel's peak memory.

For each app: a fresh standalone Voila (the kit's configuration, etc/jupyter/voila.py) over a
temporary copy of notebooks/ with the app cells tagged (tools/tag_app_cells.py), then Chromium opens
``/voila/render/NN_name.ipynb`` and the clock stops when ``.pqfl-app`` is visible. The kernel's
peak RSS (with its children) is sampled every 50 ms until then. Goal: <= 10 s (issue 14) and well
under Binder's 2 GB. The peer is the whole lesson rendered by Voila before the app view existed
(issue 14's measurements on this machine). Exit code 0 even if a goal is missed (the table says so).

    python benchmarks/bench_apps.py          # every app
    python benchmarks/bench_apps.py 04 07    # only those
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from servers import free_port, start, stop

from pqfl_kit import gallery

GOAL_SECONDS = 10.0
GOAL_MB = 1536.0  # "well under" Binder's 2 GB
# Whole lesson in Voila, cold, before app views (issue 14's table; a range means several runs: its middle).
LESSON_SECONDS = {"00": 1.5, "01": 4.3, "02": 3.9, "03": 4.9, "04": 53.5, "05": 13.6, "06": 9.7, "07": 14.1}
CHROMIUM = os.environ.get("PQFL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def tagged_copy(dest: Path) -> Path:
    """notebooks/ copied to ``dest`` with its app cells tagged, as the tag tool would."""
    spec = importlib.util.spec_from_file_location("tag_app_cells", ROOT / "tools" / "tag_app_cells.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    folder = dest / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    tool.main([str(folder)])
    return folder


def _kernel_rss(server: psutil.Process) -> float:
    """MB held by the server's kernels (every child process tree of the server)."""
    total = 0
    for child in server.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2 ** 20


def _watch(pid: int, stop_event: threading.Event, peak: list[float]) -> None:
    server = psutil.Process(pid)
    while not stop_event.is_set():
        try:
            peak[0] = max(peak[0], _kernel_rss(server))
        except psutil.Error:
            pass
        time.sleep(0.05)


def _only_loopback(route) -> None:
    host = urlparse(route.request.url).hostname or ""
    if host in {"127.0.0.1", "localhost", "::1"} or route.request.url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def cold_start(browser, folder: Path, app: gallery.App, log_dir: Path) -> tuple[float, float]:
    """(seconds to a visible .pqfl-app, kernel peak MB) for one app on a fresh Voila server."""
    port = free_port()
    env = {"JUPYTER_CONFIG_PATH": os.pathsep.join([str(ROOT / "etc" / "jupyter"),
                                                   *filter(None, [os.environ.get("JUPYTER_CONFIG_PATH")])])}
    args = [sys.executable, "-m", "voila", str(folder), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}"]
    proc = start(args, f"http://127.0.0.1:{port}/favicon.ico", log_dir / f"voila-{app.number}.log", env=env)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", _only_loopback)
    stop_event, peak = threading.Event(), [0.0]
    watcher = threading.Thread(target=_watch, args=(proc.pid, stop_event, peak), daemon=True)
    watcher.start()
    try:
        began = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/voila/render/{app.notebook}.ipynb", wait_until="commit")
        page.wait_for_selector(".pqfl-app", state="visible", timeout=300_000)
        seconds = time.perf_counter() - began
    finally:
        stop_event.set()
        watcher.join()
        page.close()
        stop(proc)
    return seconds, peak[0]


def main(prefixes: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    apps = [a for a in gallery.APPS if not prefixes or a.number in prefixes]
    rows = []
    with tempfile.TemporaryDirectory(prefix="pqfl-bench-apps-") as tmp, sync_playwright() as pw:
        folder = tagged_copy(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for app in apps:
                seconds, mb = cold_start(browser, folder, app, Path(tmp) / "logs")
                rows.append((app, seconds, mb))
        finally:
            browser.close()
    print(f"{'app':26s} {'cold s':>7s} {'/goal':>6s} {'lesson s':>9s} {'app/lesson':>10s} {'kernel MB':>10s}  verdict")
    for app, seconds, mb in rows:
        lesson = LESSON_SECONDS[app.number]
        ok = seconds <= GOAL_SECONDS and mb < GOAL_MB
        print(f"{app.notebook:26s} {seconds:7.1f} {seconds / GOAL_SECONDS:6.2f} {lesson:9.1f} {seconds / lesson:10.2f} "
              f"{mb:10.0f}  {'PASS' if ok else 'MISS'} (goal <= {GOAL_SECONDS:.0f} s, < {GOAL_MB:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
