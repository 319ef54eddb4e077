"""Write environment.yml and binder/environment.yml from requirements.txt (re-run after a pin changes).

The two environment files are identical (repo2docker reads binder/ when it exists) and their pip
list is exactly requirements.txt's lines, environment markers included (conda hands the pip section
to ``pip install -r``, which evaluates them); tests/test_environment.py checks both.

``lines()`` are the requirement lines as written (``name==version`` or ``name==version; marker``);
``pins()`` are the ``name==version`` pins that apply to the running interpreter's platform (a line
whose marker is false here, e.g. ``tensorflow`` on x86_64, is left out).
"""
from __future__ import annotations

from pathlib import Path

try:
    from packaging.markers import Marker
except ImportError:  # pragma: no cover - pip always vendors packaging
    from pip._vendor.packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[1]
HEADER = """# Binder / conda environment for pqfl-kit, written by tools/sync_environment.py from
# requirements.txt: edit requirements.txt, then re-run the tool. binder/environment.yml is identical.
name: pqfl-kit
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - cmake
  - ninja
  - pip:
"""


def lines(path: Path = ROOT / "requirements.txt") -> list[str]:
    """Requirement lines of ``path`` as written (comments and blank lines dropped, markers kept)."""
    out = []
    for line in path.read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def pins(path: Path = ROOT / "requirements.txt") -> list[str]:
    """``name==version`` for every line whose environment marker holds on this machine."""
    out = []
    for line in lines(path):
        requirement, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        out.append(requirement.strip())
    return out


def render() -> str:
    return HEADER + "".join(f"      - {line}\n" for line in lines())


def main() -> None:
    text = render()
    for target in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        target.write_text(text)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
