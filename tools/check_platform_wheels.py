"""Check that pqfl-kit resolves to wheels on the platforms where classes run.

For each platform (macOS arm64, Linux aarch64, Linux x86_64) and Python (3.11, 3.12), pip's own
resolver runs in dry-run mode with ``--only-binary=:all: --platform ... --python-version ...
--implementation cp --ignore-installed`` (nothing is installed, nothing is built) on

* ``pyproject[all]``: the ``[project]`` dependencies plus the ``all`` extra, read with tomllib
  (self-references such as ``pqfl-kit[ml]`` expanded), and
* ``requirements.txt``: the exact lock used by make, Binder and CI.

Environment markers: pip evaluates markers (``platform_machine == "aarch64"``, also those inside
the dependencies' own metadata) against the machine it runs on, not the ``--platform`` target. So
each pip runs in a child interpreter whose ``packaging.markers.default_environment`` is replaced
by the target's marker environment before pip starts: the markers are judged as on the target.

Prints one row per (platform, python, input): OK or FAIL, seconds, and either the TensorFlow
wheel chosen or pip's first error line. Exits 1 on any FAIL, 2 when PyPI cannot be reached.
The runs wait on the network and on the resolver, so they go in parallel (``--jobs``, default 4:
on 2 cores 12 runs take ~65 s instead of ~110 s one after the other).

    python tools/check_platform_wheels.py [--jobs N] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12")


def _manylinux(arch: str, newest: int = 28) -> tuple[str, ...]:
    """pip takes ``--platform`` tags literally, so list every glibc a 2.28 system accepts."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(newest, 16, -1)] + [f"manylinux2014_{arch}"]
    if arch == "x86_64":
        tags += [f"manylinux_2_{minor}_{arch}" for minor in range(16, 4, -1)]
        tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return tuple(tags)


# name -> (pip --platform tags, the target's marker environment). macOS: pip expands
# macosx_14_0_arm64 itself to every older macOS 11+ arm64 and universal2 tag.
PLATFORMS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "macos-arm64": (("macosx_14_0_arm64",),
                    {"sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64",
                     "os_name": "posix", "platform_release": "23.0.0",
                     "platform_version": "Darwin Kernel Version 23.0.0"}),
    "linux-aarch64": (_manylinux("aarch64"),
                      {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64",
                       "os_name": "posix", "platform_release": "6.1.0", "platform_version": "#1 SMP"}),
    "linux-x86_64": (_manylinux("x86_64"),
                     {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
                      "os_name": "posix", "platform_release": "6.1.0", "platform_version": "#1 SMP"}),
}

# Runs pip with the marker environment of the target (argv[1], JSON) instead of this machine's.
_PIP_AS_TARGET = r"""
import json, sys
from pip._vendor.packaging import markers
target = {**markers.default_environment(), **json.loads(sys.argv[1])}
markers.default_environment = lambda: dict(target)
from pip._internal.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def marker_environment(platform: str, python: str) -> dict[str, str]:
    return {**PLATFORMS[platform][1], "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "implementation_version": f"{python}.0",
            "platform_python_implementation": "CPython"}


def pyproject_requirements(extras: tuple[str, ...] = ("all",), path: Path = ROOT / "pyproject.toml") -> list[str]:
    """The core dependencies plus ``extras``, with ``pqfl-kit[...]`` self-references expanded."""
    project = tomllib.loads(path.read_text())["project"]
    name = re.sub(r"[-_.]+", "-", project["name"]).lower()
    optional = project.get("optional-dependencies", {})
    out, seen = list(project.get("dependencies", [])), set()

    def add(extra: str) -> None:
        if extra in seen:
            return
        if extra not in optional:
            raise KeyError(f"pyproject.toml has no extra {extra!r}")
        seen.add(extra)
        for req in optional[extra]:
            self_ref = re.fullmatch(r"([A-Za-z0-9_.\-]+)\[([^\]]+)\]\s*", req)
            if self_ref and re.sub(r"[-_.]+", "-", self_ref[1]).lower() == name:
                for sub in self_ref[2].split(","):
                    add(sub.strip())
            elif req not in out:
                out.append(req)

    for extra in extras:
        add(extra)
    return out


@dataclass
class Row:
    platform: str
    python: str
    source: str
    ok: bool
    seconds: float
    detail: str
    offline: bool = False


def _first_error(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    lines = [ln for ln in lines if "is ignored: it is neither a file nor a directory" not in ln]
    errors = [ln for ln in lines if ln.startswith("ERROR")]
    return (errors or lines or ["pip failed without output"])[0][:200]


_OFFLINE = re.compile(r"Failed to establish a new connection|Temporary failure in name resolution|"
                      r"Name or service not known|NameResolutionError|Network is unreachable|Connection refused|"
                      r"ConnectTimeout|ProxyError|Max retries exceeded")


def resolve(platform: str, python: str, source: str, requirement_args: list[str], timeout: float = 600) -> Row:
    """One dry-run resolution; ``requirement_args`` are pip install arguments (``-r file`` ...)."""
    tags, _ = PLATFORMS[platform]
    with tempfile.TemporaryDirectory(prefix="pqfl-wheels-") as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-c", _PIP_AS_TARGET, json.dumps(marker_environment(platform, python)),
               "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
               *[arg for tag in tags for arg in ("--platform", tag)],
               "--python-version", python, "--implementation", "cp",
               "--quiet", "--no-input", "--disable-pip-version-check", "--report", str(report), *requirement_args]
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=tmp,
                                  env={**os.environ, "PIP_NO_INPUT": "1"})
        except subprocess.TimeoutExpired:
            return Row(platform, python, source, False, time.perf_counter() - start,
                       f"pip timed out after {timeout:.0f} s")
        seconds = time.perf_counter() - start
        if proc.returncode != 0 or not report.exists():
            text = proc.stderr + proc.stdout
            offline = _OFFLINE.search(text)
            detail = _first_error(text) + (f" [index out of reach: {offline.group(0)}]" if offline else "")
            return Row(platform, python, source, False, seconds, detail, offline=bool(offline))
        installs = json.loads(report.read_text())["install"]
    names = {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in installs}
    tf = [f"{n} {v}" for n, v in sorted(names.items()) if n in ("tensorflow", "tensorflow-cpu", "tensorflow_cpu")]
    return Row(platform, python, source, True, seconds, f"{len(names)} wheels; " + (", ".join(tf) or "no TensorFlow"))


def pypi_reachable(timeout: float = 120) -> tuple[bool, str]:
    """(False, why) when pip cannot reach the index at all: one quick resolution of a small wheel."""
    row = resolve("linux-x86_64", PYTHONS[-1], "probe", ["--retries", "1", "--timeout", "20", "pika>=1.3"], timeout)
    return (not row.offline, row.detail)


def jobs() -> list[tuple[str, str, str, list[str]]]:
    out = []
    for platform in PLATFORMS:
        for python in PYTHONS:
            out.append((platform, python, "pyproject[all]", None))
            out.append((platform, python, "requirements.txt", ["-r", str(ROOT / "requirements.txt")]))
    return out


def run(n_jobs: int = 4) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="pqfl-wheels-") as tmp:
        reqs = Path(tmp) / "pyproject-all.txt"
        reqs.write_text("\n".join(pyproject_requirements(("all",))) + "\n")
        todo = [(p, py, src, args or ["-r", str(reqs)]) for p, py, src, args in jobs()]
        with ThreadPoolExecutor(max_workers=max(1, n_jobs)) as pool:
            return list(pool.map(lambda job: resolve(*job), todo))


def table(rows: list[Row]) -> str:
    head = ("platform", "python", "input", "result", "s", "wheels chosen / first error")
    body = [(r.platform, r.python, r.source, "OK" if r.ok else "FAIL", f"{r.seconds:.1f}", r.detail) for r in rows]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(5)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    return "\n".join(fmt.format(*line) for line in [head, *body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=4, help="pip resolutions run at once (network-bound)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = run(args.jobs)
    wall = time.perf_counter() - start
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=1))
    else:
        print(table(rows))
        print(f"{sum(r.ok for r in rows)}/{len(rows)} OK in {wall:.1f} s wall ({args.jobs} at once, "
              f"{sum(r.seconds for r in rows):.1f} s of pip time)")
    if any(r.offline for r in rows) and not any(r.ok for r in rows):
        print("PyPI cannot be reached: no resolution was possible.", file=sys.stderr)
        return 2
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
