"""The notebook 03 app driven from Python: verdicts, key length, error messages instead of tracebacks."""
from __future__ import annotations

import matplotlib
import pytest
from widget_tree import one

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def app():
    from pqfl_kit.apps.qkd import build_qkd_app

    return build_qkd_app()


def test_app_root_and_initial_verdict(app):
    assert "pqfl-app" in app._dom_classes
    assert "KEY ACCEPTED" in one(app, "pqfl-qkd-verdict").value
    numbers = one(app, "pqfl-qkd-numbers").value
    assert "final key" in numbers and "0 bits" not in numbers
    assert "Bob opened it" in one(app, "pqfl-qkd-record").value


def test_eve_on_aborts_and_off_accepts(app):
    one(app, "pqfl-qkd-eve").value = True
    assert "ABORTED" in one(app, "pqfl-qkd-verdict").value
    assert "0 bits" in one(app, "pqfl-qkd-numbers").value
    one(app, "pqfl-qkd-strategy").value = "uniform"
    assert "ABORTED" in one(app, "pqfl-qkd-verdict").value
    one(app, "pqfl-qkd-eve").value = False
    assert "KEY ACCEPTED" in one(app, "pqfl-qkd-verdict").value


def test_bad_input_shows_a_message(app):
    one(app, "pqfl-qkd-pairs").value = 10
    status = one(app, "pqfl-qkd-status").value
    assert "too few" in status and "pqfl-msg-error" in status and "Traceback" not in status
    assert one(app, "pqfl-qkd-verdict").value == ""  # no stale verdict next to the error
    one(app, "pqfl-qkd-pairs").value = 5000
    assert "pqfl-msg-error" not in one(app, "pqfl-qkd-status").value


def test_heavy_noise_alone_aborts(app):
    one(app, "pqfl-qkd-noise").value = 0.3
    assert "ABORTED" in one(app, "pqfl-qkd-verdict").value
    one(app, "pqfl-qkd-noise").value = 0.0
    assert "KEY ACCEPTED" in one(app, "pqfl-qkd-verdict").value


def test_half_interception_passes_the_bell_test_but_aborts(app):
    one(app, "pqfl-qkd-pairs").value = 60_000  # enough pairs for S = 2.12 to pass S - 3 sigma > 2
    one(app, "pqfl-qkd-fraction").value = 0.5
    one(app, "pqfl-qkd-eve").value = True
    verdict = one(app, "pqfl-qkd-verdict").value
    assert "ABORTED" in verdict and "no secret key possible" in verdict and "more pairs" not in verdict
    assert "0 bits" in one(app, "pqfl-qkd-numbers").value
    assert "No record sent" in one(app, "pqfl-qkd-record").value
    one(app, "pqfl-qkd-eve").value = False
    one(app, "pqfl-qkd-fraction").value = 1.0
    one(app, "pqfl-qkd-pairs").value = 5000
    assert "KEY ACCEPTED" in one(app, "pqfl-qkd-verdict").value


def test_comparison_states_cnsa_requires_ml_kem_1024():
    from pqfl_kit.apps.qkd import comparison_html

    text = comparison_html()
    assert "ML-KEM-1024" in text and "recommended by NSA CNSA 2.0" not in text
