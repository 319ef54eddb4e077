"""The notebook 02 packets panel driven from Python: tamper, replay and short readings; the size and
NIST-category tables notebook 02 prints (pqfl_kit.pqc.costs)."""
from __future__ import annotations

import matplotlib
import pytest
from widget_tree import one

matplotlib.use("Agg")


@pytest.fixture()
def app():
    from pqfl_kit.apps.pqc import build_pqc_app

    return build_pqc_app()


def status(app) -> str:
    return one(app, "pqfl-pqc-packet-status").value


def test_replay_before_any_delivery_is_a_message(app):
    one(app, "pqfl-pqc-replay").click()
    assert "no packet has reached the gateway yet" in status(app) and "pqfl-msg-error" in status(app)


def test_replay_after_a_tampered_send_replays_what_was_delivered(app):
    one(app, "pqfl-pqc-send").click()
    assert "Gateway accepted packet 0: HR=072 SpO2=98" in status(app)
    one(app, "pqfl-pqc-tamper").value = True
    one(app, "pqfl-pqc-send").click()
    assert "REJECTED packet 1 (tampered)" in status(app) and "failed authentication" in status(app)
    assert "ciphertext byte" in one(app, "pqfl-pqc-wire").value
    # the untampered packet 1 never reached the gateway: a replay must resend packet 0's bytes
    one(app, "pqfl-pqc-replay").click()
    assert "REJECTED the replayed packet" in status(app)
    assert "replay: packet 0 was already received" in status(app)
    one(app, "pqfl-pqc-tamper").value = False
    one(app, "pqfl-pqc-send").click()
    assert "Gateway accepted packet 2" in status(app)
    one(app, "pqfl-pqc-replay").click()
    assert "replay: packet 2 was already received" in status(app)


@pytest.mark.parametrize("text", ["1", "HR", "T=9"])
def test_bit_flip_on_a_short_reading_hits_the_ciphertext_not_the_header(app, text):
    one(app, "pqfl-pqc-reading").value = text
    one(app, "pqfl-pqc-tamper").value = True
    one(app, "pqfl-pqc-send").click()
    assert "failed authentication" in status(app) and "epoch" not in status(app)
    assert "ciphertext byte" in one(app, "pqfl-pqc-wire").value


def test_status_is_cleared_before_each_action(app):
    one(app, "pqfl-pqc-send").click()
    one(app, "pqfl-pqc-reading").value = "   "
    one(app, "pqfl-pqc-send").click()
    assert "type a reading" in status(app) and "accepted" not in status(app)
    assert one(app, "pqfl-pqc-wire").value == ""


def test_parameter_sets_pair_fips_sizes_with_categories():
    from pqfl_kit.pqc import costs

    rows = {row["scheme"]: row for row in costs.parameter_sets()}
    assert {name: row["NIST category"] for name, row in rows.items()} == {
        "ML-KEM-512": 1, "ML-KEM-768": 3, "ML-KEM-1024": 5, "ML-DSA-44": 2, "ML-DSA-65": 3, "ML-DSA-87": 5}
    assert rows["ML-KEM-768"]["public key"] == 1184 and rows["ML-KEM-768"]["ciphertext / signature"] == 1088
    assert rows["ML-DSA-65"]["public key"] == 1952 and rows["ML-DSA-65"]["ciphertext / signature"] == 3309
    for family in ("ML-KEM", "ML-DSA"):  # a higher category costs more bytes
        sets = sorted((row for row in rows.values() if row["scheme"].startswith(family)),
                      key=lambda row: row["NIST category"])
        assert [row["public key"] for row in sets] == sorted(row["public key"] for row in sets)


def test_handshake_sizes_name_a_category_only_for_post_quantum_schemes():
    from pqfl_kit.pqc import costs

    rows = {row["scheme"]: row["NIST category"] for row in costs.handshake_sizes("ML-KEM-1024", "ML-DSA-44")}
    assert rows["ML-KEM-1024"] == 5 and rows["ML-DSA-44"] == 2
    assert all(category == "none (Shor)" for name, category in rows.items() if not name.startswith("ML-"))
