"""Write environment.yml and binder/environment.yml from requirements.txt (re-run after a pin changes).

The two environment files are identical (repo2docker reads binder/ when it exists) and their pip
list is exactly requirements.txt's pins; tests/test_environment.py checks both.
"""
from __future__ import annotations

from pathlib import Path

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


def pins(path: Path = ROOT / "requirements.txt") -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def render() -> str:
    return HEADER + "".join(f"      - {pin}\n" for pin in pins())


def main() -> None:
    text = render()
    for target in (ROOT / "environment.yml", ROOT / "binder" / "environment.yml"):
        target.write_text(text)
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
