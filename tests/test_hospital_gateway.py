"""The hospital gateway (paper Algorithm 3): integrity, quarantine, routing, alerts, restart."""
from __future__ import annotations

import json
import os
import threading

import pytest

from pqfl_kit.hospital import EHR, Thresholds, WardGateway, aes_link, channel_link
from pqfl_kit.hospital.packets import KIND_AES, build_header
from pqfl_kit.qkd.records import RECORD_OVERHEAD, seal_record

NOW = 1_800_000_000.0
CALM = dict(respiration_rate=16, spo2=97, systolic_bp=120, pulse=70, temperature=36.8)
SICK = dict(respiration_rate=27, spo2=91, systolic_bp=88, pulse=125, temperature=39.4)


def clock():
    return NOW


def make(n_devices=2, ehr=None, **kw):
    gw = WardGateway(ehr, clock=clock, **kw)
    senders = []
    for i in range(n_devices):
        sender, link = aes_link(f"dev-{i}", f"patient-{i}", bytes([i + 1]) * 32)
        gw.register(link)
        senders.append(sender)
    return gw, senders


def test_routes_by_eq9_and_writes_the_ehr():
    alerts = []
    gw, (s,) = make(1, thresholds=Thresholds(0.4, 0.7), on_alert=alerts.append)
    lanes = [gw.receive(s.packet(NOW, score, CALM)).lane for score in (0.1, 0.4, 0.5, 0.7, 0.71, 1.0)]
    assert lanes == ["Normal", "Normal", "High", "High", "Critical", "Critical"]
    rows = gw.ehr.rows("observations")
    assert [r["priority"] for r in rows] == lanes
    assert [r["subsystem"] for r in rows][-1] == "rapid-response"
    assert json.loads(rows[0]["vitals"])["pulse"] == 70
    clinical = [a for a in alerts if a.kind == "clinical"]
    assert len(clinical) == 4  # score > tau_med (Algorithm 3 line 14)
    assert all(a.roles and a.latency_s >= 0 for a in clinical)


def test_a_sick_patient_alerts_even_with_normal_traffic():
    alerts = []
    gw, (s,) = make(1, on_alert=alerts.append)
    out = gw.receive(s.packet(NOW, 0.05, SICK))
    assert out.lane == "Normal" and out.decision.cause == "clinical" and out.decision.news2.risk == "high"
    assert any("critical care" in r for r in alerts[-1].roles)


def flip(frame: bytes, position: int) -> bytes:
    b = bytearray(frame)
    b[position] ^= 0x01
    return bytes(b)


def test_every_single_bit_flip_is_quarantined_and_never_reaches_the_ehr():
    gw, (s,) = make(1)
    frames = [s.packet(NOW, 0.9, CALM) for _ in range(3)]
    victim = frames[0]
    for position in range(len(victim)):
        out = gw.receive(flip(victim, position))
        assert out.lane == "Quarantine", position
        assert out.reason != "internal-error"
    assert gw.ehr.counts()["observations"] == 0
    assert gw.counts["reason:integrity"] > len(victim) // 2  # body flips fail eq. 7 / AES-GCM
    # the genuine packets still get through afterwards: a forgery cannot move the window
    assert [gw.receive(f).lane for f in frames] == ["Critical"] * 3
    assert gw.ehr.counts()["observations"] == 3
    assert gw.ehr.counts()["alerts"] >= len(victim)  # one security alert per quarantined packet


def test_wrong_key_is_an_integrity_failure():
    gw, _ = make(1)
    forger, _ = aes_link("dev-0", "patient-0", b"\x99" * 32)
    out = gw.receive(forger.packet(NOW, 0.2, CALM))
    assert out.reason == "integrity"


def test_replay_duplicate_reorder_and_stale_packets():
    gw, (s,) = make(1, window=8)
    frames = [s.packet(NOW, 0.1, CALM) for _ in range(12)]
    order = [1, 0, 2, 3]  # reordered within the window: fine
    assert [gw.receive(frames[i]).lane for i in order] == ["Normal"] * 4
    assert gw.receive(frames[2]).reason == "duplicate"
    for f in frames[4:]:
        gw.receive(f)
    assert gw.receive(frames[0]).reason == "out-of-window"
    late = s.packet(NOW - 301, 0.1, CALM)  # a fresh sequence number but an old authenticated time
    assert gw.receive(late).reason == "replay"
    future = s.packet(NOW + 120, 0.1, CALM)
    assert gw.receive(future).reason == "malformed"
    assert gw.ehr.counts()["observations"] == 12


def test_truncated_oversized_malformed_and_unknown():
    gw, (s,) = make(1, max_packet=512)
    frame = s.packet(NOW, 0.1, CALM)
    assert gw.receive(frame[:3]).reason == "truncated"
    assert gw.receive(frame[:12]).reason == "truncated"
    assert gw.receive(frame[:-1]).reason == "truncated"
    assert gw.receive(frame + b"\x00").reason == "malformed"
    assert gw.receive(b"X" * 100).reason == "malformed"
    assert gw.receive(b"").reason == "truncated"
    assert gw.receive(s.packet(NOW, 0.1, {**CALM, "note": "x" * 600})).reason == "oversized"
    stranger, _ = aes_link("dev-9", "patient-9", b"\x01" * 32)
    assert gw.receive(stranger.packet(NOW, 0.1, CALM)).reason == "unknown-device"
    with pytest.raises(TypeError):
        gw.receive("not bytes")
    assert gw.ehr.counts()["observations"] == 0


@pytest.mark.parametrize("payload", [
    b"not json", b"[1, 2]", b'{"t": 1, "score": 0.5}', json.dumps({"t": NOW, "score": 1.5, "vitals": CALM}).encode(),
    json.dumps({"t": NOW, "score": 0.5, "vitals": {**CALM, "pulse": "fast"}}).encode(),
    json.dumps({"t": NOW, "score": True, "vitals": CALM}).encode(), b"\xff\xfe",
])
def test_authenticated_but_malformed_payloads(payload):
    """A genuine key holder sending nonsense (a buggy device) is quarantined, not crashed on."""
    gw, _ = make(1)
    key = bytes([1]) * 32
    header = build_header(KIND_AES, "dev-0", 1, len(payload) + RECORD_OVERHEAD)
    out = gw.receive(header + seal_record(key, payload, header))
    assert out.reason == "malformed"
    assert gw.ehr.counts()["observations"] == 0


def test_restart_loses_nothing_and_keeps_refusing_old_packets(tmp_path):
    path = tmp_path / "ehr.sqlite"
    gw, (s,) = make(1, ehr=EHR(path, batch_size=50))
    frames = [s.packet(NOW, 0.95 if i % 10 == 0 else 0.1, CALM) for i in range(123)]
    outs = gw.receive_many(frames[:-1])
    gw.receive(frames[-1])  # buffered, not yet committed: close() must commit it
    assert all(o.lane != "Quarantine" for o in outs)
    gw.close()

    gw2 = WardGateway(EHR(path), clock=clock)
    _, link = aes_link("dev-0", "patient-0", bytes([1]) * 32)
    gw2.register(link)
    assert gw2.ehr.counts()["observations"] == 123
    assert gw2.ehr.counts()["alerts"] == 13
    assert gw2.receive(frames[-1]).reason == "duplicate"
    assert gw2.receive(frames[5]).reason == "out-of-window"
    assert gw2.receive(s.packet(NOW, 0.1, CALM)).lane == "Normal"  # the device carries on at seq 124
    actions = [r["action"] for r in gw2.ehr.rows("audit")]
    assert actions.count("gateway-start") == 2 and "gateway-stop" in actions
    gw2.close()


def test_thresholds_change_is_validated_and_audited():
    gw, (s,) = make(1)
    with pytest.raises(ValueError, match="tau_med < tau_high"):
        gw.set_thresholds(0.9, 0.3)
    gw.set_thresholds(0.2, 0.3, actor="charge-nurse")
    assert gw.receive(s.packet(NOW, 0.25, CALM)).lane == "High"
    assert any(r["actor"] == "charge-nurse" and r["action"] == "set-thresholds" for r in gw.ehr.rows("audit"))
    with pytest.raises(TypeError):
        WardGateway(thresholds=(0.2, 0.3))


def test_channel_link_ascon_packets():
    gw = WardGateway(clock=clock)
    sender, link = channel_link("pump-7", "patient-7", seed=7)
    gw.register(link)
    frames = [sender.packet(NOW, 0.3 * i, CALM) for i in range(4)]
    assert [gw.receive(f).lane for f in frames] == ["Normal", "Normal", "High", "Critical"]
    tampered = sender.packet(NOW, 0.1, CALM)
    assert gw.receive(flip(tampered, len(tampered) - 40)).reason == "integrity"  # Ascon tag
    assert gw.receive(flip(tampered, len(tampered) - 1)).reason == "integrity"  # eq. 7 HMAC
    assert gw.receive(frames[1]).reason == "duplicate"
    assert gw.ehr.counts()["observations"] == 4


def test_gateway_shared_by_threads_delivers_everything_once():
    gw, senders = make(6, ehr=EHR(batch_size=64))
    per_device = 300
    frames = {s.device_id: [s.packet(NOW, (i % 100) / 100, CALM) for i in range(per_device)] for s in senders}
    results: dict[str, list] = {}

    def run(dev: str) -> None:
        results[dev] = [gw.receive(f) for f in frames[dev]]

    threads = [threading.Thread(target=run, args=(d,)) for d in frames]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o.lane != "Quarantine" for outs in results.values() for o in outs)
    assert gw.counts["delivered"] == gw.ehr.counts()["observations"] == 6 * per_device
    assert gw.counts["received"] == gw.counts["delivered"] + gw.counts["quarantined"]


def test_bad_gateway_arguments():
    with pytest.raises(ValueError):
        WardGateway(window=0)
    with pytest.raises(ValueError):
        WardGateway(max_age_s=-1)
    with pytest.raises(TypeError):
        WardGateway().register("dev-1")
    with pytest.raises(ValueError):
        aes_link("dev\n1", "p", os.urandom(32))
    with pytest.raises(ValueError):
        aes_link("dev-1", "p", b"short")


def test_priority_accepts_numpy_scores_and_thresholds():
    import numpy as np

    from pqfl_kit.hospital.priority import Thresholds, priority_level

    thresholds = Thresholds(np.float32(0.5), np.float64(0.8))
    assert priority_level(np.float32(0.7), thresholds) == "High"
    assert priority_level(np.float32(0.9), thresholds) == "Critical"
    with pytest.raises(ValueError):
        priority_level(np.float32(1.5), thresholds)


def test_every_alert_is_on_record_before_the_staff_are_notified(tmp_path):
    """Issue 15 item 6: record, then notify (a batched EHR must not hold back an alert's row)."""
    import sqlite3

    path = tmp_path / "ehr.sqlite"
    seen = []

    def pager(alert) -> None:  # a separate connection sees only what is committed
        with sqlite3.connect(path) as db:
            alerts = db.execute("SELECT COUNT(*) FROM alerts WHERE seq IS ?", (alert.seq,)).fetchone()[0]
            if alert.kind == "clinical":
                observed = db.execute("SELECT COUNT(*) FROM observations WHERE seq = ?", (alert.seq,)).fetchone()[0]
            else:
                observed = db.execute("SELECT COUNT(*) FROM quarantine WHERE seq IS ?", (alert.seq,)).fetchone()[0]
        seen.append((alert.kind, alert.recorded, alerts >= 1, observed))  # seq 11: security, then clinical

    gw, (s,) = make(1, ehr=EHR(path, batch_size=1000, max_delay_s=600), on_alert=pager)
    frames = [s.packet(NOW, 0.95 if i % 5 == 0 else 0.1, CALM) for i in range(20)]
    gw.receive_many(frames[:10])
    gw.receive(flip(frames[10], len(frames[10]) - 1))  # a security alert
    gw.receive_many(frames[10:])
    assert len(seen) == 5 and seen.count(("clinical", True, True, 1)) == 4 and ("security", True, True, 1) in seen
    gw.close()


def test_an_ehr_failure_never_silences_a_clinical_alert():
    alerts = []
    gw, (s,) = make(1, on_alert=alerts.append)
    gw.ehr.close()  # e.g. the disk is gone
    out = gw.receive(s.packet(NOW, 0.05, SICK))
    assert out.reason == "internal-error"  # the packet could not be recorded ...
    clinical = [a for a in alerts if a.kind == "clinical"]
    assert len(clinical) == 1 and clinical[0].recorded is False  # ... but the staff were told
    assert any(a.kind == "security" and a.recorded is False for a in alerts)
