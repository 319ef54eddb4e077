"""The set-up files agree with each other: pins, Binder copy, README commands, CI script."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import sync_environment  # noqa: E402


def test_binder_environment_is_identical_to_root():
    assert (ROOT / "binder" / "environment.yml").read_text() == (ROOT / "environment.yml").read_text(), \
        "binder/environment.yml differs from environment.yml: run python tools/sync_environment.py"


def test_environment_pip_list_matches_requirements():
    assert (ROOT / "environment.yml").read_text() == sync_environment.render(), \
        "environment.yml is out of date with requirements.txt: run python tools/sync_environment.py"


def test_requirements_are_exact_pins_and_widget_stack_pinned_together():
    pins = sync_environment.pins()
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][\w.]*", p) for p in pins), pins
    names = {p.split("==")[0].lower().replace("-", "_") for p in pins}
    assert {"jupyterlab", "ipywidgets", "jupyterlab_widgets", "voila"} <= names


def test_installed_versions_match_pins():
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for pin in sync_environment.pins():
        name, wanted = pin.split("==")
        try:
            got = version(name)
        except PackageNotFoundError:
            got = "missing"
        if got != wanted:
            wrong.append(f"{name}: pinned {wanted}, installed {got}")
    assert not wrong, "run `make test` to re-install: " + "; ".join(wrong)


def test_readme_has_the_two_setup_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make lab$", readme, re.M) and re.search(r"^make test$", readme, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_makefile_targets_exist():
    out = subprocess.run(["make", "-n", "-C", str(ROOT), "help"], capture_output=True, text=True)
    assert out.returncode == 0
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab:", "test:", "apps:", "system-test-deps:"):
        assert target in makefile
