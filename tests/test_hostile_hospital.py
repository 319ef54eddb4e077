"""Issue 12 (hostile input) for the hospital layer: one bad packet never breaks the gateway or EHR,
and every size a user can type has a limit that answers quickly with a clear error."""
from __future__ import annotations

import json
import struct
import time
import tracemalloc

import numpy as np
import pytest

from pqfl_kit.hospital import EHR, ReplayWindow, Vitals, WardGateway, aes_link, channel_link
from pqfl_kit.hospital.packets import KIND_AES, MAGIC, MAX_SEQ, build_header
from pqfl_kit.qkd.records import RECORD_OVERHEAD, seal_record

NOW = 1_800_000_000.0
CALM = dict(respiration_rate=16, spo2=97, systolic_bp=120, pulse=70, temperature=36.8)
KEY = bytes([1]) * 32


def raw_frame(device_id: str, seq: int, body: bytes, kind: int = KIND_AES) -> bytes:
    """A header the way an attacker writes it: any 64-bit sequence number."""
    dev = device_id.encode()
    return MAGIC + bytes([kind, len(dev)]) + dev + struct.pack(">QH", seq, len(body)) + body


def gateway(ehr=None, **kw):
    gw = WardGateway(ehr, clock=lambda: NOW, **kw)
    sender, link = aes_link("dev-0", "patient-0", KEY)
    gw.register(link)
    return gw, sender


@pytest.mark.parametrize("device", ["stranger", "dev-0"])
@pytest.mark.parametrize("seq", [1 << 63, (1 << 64) - 1, MAX_SEQ])
def test_a_huge_sequence_number_never_breaks_the_ehr(tmp_path, device, seq):
    """Why 1: a well-formed header, seq >= 2**63, four junk bytes; batch_size 1 commits at once."""
    path = tmp_path / "ehr.sqlite"
    gw, sender = gateway(EHR(path, batch_size=1))
    out = gw.receive(raw_frame(device, seq, b"junk"))
    assert out.lane == "Quarantine" and out.reason != "internal-error"
    good = [sender.packet(NOW, 0.2, CALM) for _ in range(5)]
    assert [gw.receive(f).lane for f in good] == ["Normal"] * 5
    gw.ehr.flush()
    assert gw.ehr.counts()["observations"] == 5 and gw.ehr.counts()["quarantine"] == 1
    gw.ehr.rows("audit")
    gw.close()
    with EHR(path) as again:
        assert again.counts()["observations"] == 5
        (q,) = again.rows("quarantine")
        assert q["seq"] in (None, MAX_SEQ) and q["device_id"] in (None, "dev-0")
        assert "stranger" not in json.dumps(again.rows("quarantine") + again.rows("alerts") + again.rows("audit"))


def test_security_rows_are_sanitised_and_a_bad_row_cannot_block_commits(tmp_path):
    ehr = EHR(tmp_path / "e.sqlite", batch_size=1000)
    ehr.add_quarantine(reason="x" * 10**5, detail="d" * 10**6, size=10**40, digest="ab" * 10**4,
                       device_id="\x00evil" * 100, seq=1 << 70)
    ehr.add_alert(kind="security", level="security", message="m" * 10**6, seq=-(1 << 80), device_id=5)
    ehr.audit("a" * 10**5, "b" * 10**6, actor="\n")
    ehr._pending["quarantine"].append(("t", None, 1 << 80, "r", "d", 1, "h"))  # a row SQLite cannot store
    ehr.flush()
    counts = ehr.counts()
    assert counts["quarantine"] == 1 and counts["alerts"] == 1
    q = ehr.rows("quarantine")[0]
    assert q["seq"] is None and q["device_id"] is None and len(q["detail"]) < 2100
    assert any(r["action"] == "refused" for r in ehr.rows("audit"))
    ehr.close()


@pytest.mark.parametrize("jump", [1 << 31, 1 << 34, 1 << 62, MAX_SEQ - 10])
def test_an_authenticated_far_jump_is_cheap_and_the_device_keeps_working(jump):
    """Why 2: O(window) whatever the jump (RFC 4303 Sec. 3.4.3); later packets still delivered."""
    gw, sender = gateway(window=64)
    assert gw.receive(sender.packet(NOW, 0.1, CALM)).lane == "Normal"
    tracemalloc.start()
    start = time.perf_counter()
    out = gw.receive(sender.packet(NOW, 0.1, CALM, seq=jump))
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert out.lane == "Normal" and elapsed < 0.5 and peak < 2_000_000
    sender.seq = jump
    assert [gw.receive(sender.packet(NOW, 0.1, CALM)).lane for _ in range(3)] == ["Normal"] * 3
    assert gw.receive(sender.packet(NOW, 0.1, CALM, seq=2)).reason == "out-of-window"
    assert not gw.counts["reason:internal-error"]


def test_replay_window_is_o_window():
    w = ReplayWindow(64)
    for seq in (1, 1 << 40, (1 << 40) + 3, MAX_SEQ):
        assert w.check(seq) is None
        w.accept(seq)
        assert w._bits.bit_length() <= 64
    assert w.check(MAX_SEQ) == "duplicate" and w.check(1) == "out-of-window"
    for bad, error in ((0, ValueError), (10**9, ValueError), ("64", TypeError), (True, TypeError)):
        with pytest.raises(error, match="size"):
            ReplayWindow(bad)
    with pytest.raises(ValueError, match="highest"):
        ReplayWindow(64, 1 << 63, max_seq=MAX_SEQ)


def test_a_tampered_copy_arriving_first_does_not_block_the_real_packet():
    """Why 3: the channel commits its sequence number only after the eq. 7 HMAC check."""
    gw = WardGateway(clock=lambda: NOW)
    sender, link = channel_link("pump-1", "patient-1", seed=11)
    gw.register(link)
    for position in (-1, -40, -33):  # eq. 7 HMAC tag, Ascon tag, last ciphertext byte
        real = sender.packet(NOW, 0.2, CALM)
        bad = bytearray(real)
        bad[position] ^= 1
        assert gw.receive(bytes(bad)).reason == "integrity"
        assert gw.receive(real).lane == "Normal"
    assert gw.ehr.counts()["observations"] == 3


@pytest.mark.parametrize("payload", [
    b"[" * 1900 + b"]" * 1900, b'{"t": ' + b"9" * 400 + b', "score": 0.5, "vitals": {}}',
    json.dumps({"t": 10**400, "score": 0.5, "vitals": CALM}).encode(),
    json.dumps({"t": NOW, "score": 0.5, "vitals": {**CALM, "pulse": 10**400}}).encode(),
    json.dumps({"t": NOW, "score": 0.5, "vitals": {**CALM, "consciousness": ["A"]}}).encode(),
    json.dumps({"t": NOW, "score": 10**30, "vitals": CALM}).encode(),
    b'{"t": 1e999, "score": 0.5, "vitals": {}}',
])
def test_authenticated_junk_payloads_are_malformed_not_internal_errors(payload):
    gw, _ = gateway()
    header = build_header(KIND_AES, "dev-0", 1, len(payload) + RECORD_OVERHEAD)
    out = gw.receive(header + seal_record(KEY, payload, header))
    assert out.reason == "malformed", out


def quick(fn, error, match):
    start = time.perf_counter()
    with pytest.raises(error, match=match):
        fn()
    assert time.perf_counter() - start < 0.1


def test_sizes_a_learner_can_type_have_limits():
    """Why 8: a clear ValueError/TypeError naming the limit, in under 0.1 s."""
    quick(lambda: Vitals(10**400, 97, 120, 70, 36.8), ValueError, r"respiration_rate must be in \[-10,000")
    quick(lambda: Vitals(16, 97, 120, 70, float("inf")), ValueError, "temperature must be a finite")
    quick(lambda: Vitals(16, 97, -1e6, 70, 36.8), ValueError, "systolic_bp must be in")
    quick(lambda: Vitals(16, True, 120, 70, 36.8), TypeError, "spo2")
    quick(lambda: EHR("/"), ValueError, "must name a file")
    quick(lambda: EHR("/no/such/folder/ehr.sqlite"), ValueError, "existing folder")
    quick(lambda: EHR().rows("audit", limit=10**30), ValueError, r"limit must be in \[0, 1,000,000\]")
    quick(lambda: EHR().rows("audit", limit=2.5), TypeError, "limit")
    quick(lambda: EHR(batch_size=10**12), ValueError, "batch_size must be in")
    quick(lambda: EHR(busy_timeout_s=float("nan")), ValueError, "busy_timeout_s")
    quick(lambda: WardGateway(window=10**9), ValueError, "window")
    quick(lambda: WardGateway(window="64"), TypeError, "window")
    quick(lambda: WardGateway(max_packet=10**12), ValueError, "max_packet")
    quick(lambda: WardGateway(max_age_s=float("nan")), ValueError, "max_age_s")
    quick(lambda: WardGateway(max_skew_s=0), ValueError, "max_skew_s")
    quick(lambda: WardGateway(keep_recent=-1), ValueError, "keep_recent")
    v = Vitals(np.int64(16), np.float32(97.0), 120, 70, 36.8)  # numpy numbers are fine
    assert type(v.respiration_rate) is float and type(v.spo2) is float
    assert EHR().has_observation("d", 1 << 70) is False


def test_quarantine_never_raises_even_with_a_closed_ehr():
    gw, sender = gateway()
    gw.ehr.close()
    out = gw.receive(raw_frame("dev-0", 1 << 63, b"junk"))
    assert out.lane == "Quarantine"
    assert gw.counts["received"] == gw.counts["quarantined"] == 1
