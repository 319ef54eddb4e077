"""Notebook 02 as a Voila app in a real Chromium: MITM aborts the handshake, a flipped bit is rejected."""
from __future__ import annotations

import pytest
from test_gallery import serve_gallery

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """The apps as `make apps` and Binder serve them: the kit's Voila configuration (app views)."""
    with serve_gallery(tmp_path_factory.mktemp("test_pqc_browser"), "voila-test_pqc_browser") as url:
        yield url


def test_pqc_app_mitm_and_tamper(open_app, shot):
    page = open_app("02_pqc_handshake", ".pqfl-pqc-app")
    app = page.locator(".pqfl-pqc-app")
    page.wait_for_selector(".pqfl-pqc-handshake-status >> text=Secure channel established")

    # man in the middle, signatures checked: the handshake aborts
    page.locator(".pqfl-pqc-mitm input").check()
    page.locator(".pqfl-pqc-run").click()
    page.wait_for_selector(".pqfl-pqc-handshake-status >> text=ABORTED")
    shot("02_mitm_aborted", app)

    # signatures off: the attacker reads the readings
    page.locator(".pqfl-pqc-verify input").uncheck()
    page.locator(".pqfl-pqc-run").click()
    page.wait_for_selector(".pqfl-pqc-handshake-status >> text=READ every reading")
    assert page.locator(".pqfl-pqc-stolen td", has_text="HR=118").count() == 1
    shot("02_mitm_no_signatures", app)

    # packets: a genuine one is accepted, a flipped bit is rejected, a replay is rejected
    page.locator(".pqfl-pqc-tabs .lm-TabBar-tab", has_text="Packets").click()
    page.locator(".pqfl-pqc-send").click()
    page.wait_for_selector(".pqfl-pqc-packet-status >> text=Gateway accepted packet 0: HR=072")
    page.locator(".pqfl-pqc-tamper input").check()
    page.locator(".pqfl-pqc-send").click()
    page.wait_for_selector(".pqfl-pqc-packet-status >> text=failed authentication")
    page.wait_for_selector(".pqfl-pqc-wire >> text=flipped in transit")
    shot("02_tamper_rejected", app)
    # the replay re-sends packet 0, the last one the gateway accepted: a replay-specific message
    page.locator(".pqfl-pqc-replay").click()
    page.wait_for_selector(".pqfl-pqc-packet-status >> text=replay: packet 0 was already received")
    assert page.locator(".pqfl-pqc-packet-status", has_text="failed authentication").count() == 0
    shot("02_replay_rejected", app)

    # an empty reading is a message, not a traceback
    page.locator(".pqfl-pqc-reading input").fill("")
    page.locator(".pqfl-pqc-send").click()
    page.wait_for_selector(".pqfl-pqc-packet-status >> text=type a reading")
    assert page.locator("text=Traceback").count() == 0

    page.locator(".pqfl-pqc-tabs .lm-TabBar-tab", has_text="Inside Ascon").click()
    page.wait_for_selector(".pqfl-pqc-ascon-status >> text=After 3 round")
    page.locator(".pqfl-pqc-rounds [role=slider]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(".pqfl-pqc-ascon-status >> text=After 4 round")
    shot("02_ascon_rounds", app)
