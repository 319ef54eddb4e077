"""Issue 15 item 6: kill a gateway process with SIGKILL mid-stream and reopen its EHR.

A child process runs a real :class:`~pqfl_kit.hospital.WardGateway` on a real SQLite file and
streams packets into it; it tells the parent (one JSON line on stdout per event) each packet it
delivered and each alert it notified. The parent treats a received alert as *acknowledged* by
the staff, kills the child with SIGKILL mid-stream, reopens the file and checks the EHR's
promise (``pqfl_kit/hospital/ehr.py``): every acknowledged alert is on record, the audit chain
is intact, and the observations lost are only the newest ones, fewer than ``batch_size`` and
all received in the last ``max_delay_s`` seconds. No mocks.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pqfl_kit.hospital import EHR

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, sys, time
from pqfl_kit.hospital import EHR, WardGateway, aes_link

path, batch_size, max_delay_s, pause_s, alert_every = sys.argv[1:6]
batch_size, alert_every, max_delay_s, pause_s = int(batch_size), int(alert_every), float(max_delay_s), float(pause_s)
NOW = time.time()
CALM = dict(respiration_rate=16, spo2=97, systolic_bp=120, pulse=70, temperature=36.8)

def tell(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()

gateway = WardGateway(EHR(path, batch_size=batch_size, max_delay_s=max_delay_s), clock=lambda: NOW,
                  on_alert=lambda a: tell(event="alert", kind=a.kind, seq=a.seq, recorded=a.recorded))
sender, link = aes_link("bed-1", "patient-1", bytes(range(32)))
gateway.register(link)
for i in range(1, 10**6):
    frame = sender.packet(NOW, 0.95 if i % alert_every == 0 else 0.1, CALM)
    if i % 101 == 0:  # a corrupted packet: quarantined, with a security alert
        frame = frame[:-1] + bytes([frame[-1] ^ 1])
    out = gateway.receive(frame)
    if out.lane != "Quarantine":
        tell(event="delivered", seq=out.seq, t=time.time())
    if pause_s:
        time.sleep(pause_s)
"""


def run_and_kill(path: Path, *, batch_size: int, max_delay_s: float, pause_s: float, alert_every: int,
                 kill_after: int) -> tuple[list[dict], float]:
    """Start the child, read its events until ``kill_after`` deliveries, SIGKILL it, return all events."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(batch_size), str(max_delay_s),
                              str(pause_s), str(alert_every)], stdout=subprocess.PIPE, cwd=ROOT, env=env, text=True)
    events: list[dict] = []
    delivered = threading.Semaphore(0)

    def read() -> None:
        assert child.stdout is not None
        for line in child.stdout:  # ends at EOF, after the kill
            events.append(json.loads(line))
            if events[-1]["event"] == "delivered":
                delivered.release()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for _ in range(kill_after):
            assert delivered.acquire(timeout=60), "the child gateway stopped delivering"
    finally:
        killed_at = time.time()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        reader.join(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return events, killed_at


def reopen(path: Path) -> tuple[set, set, set]:
    with EHR(path) as ehr:  # a restart: WAL recovery, then the kit's own reader
        observed = {r["seq"] for r in ehr.rows("observations")}
        alerts = {(r["kind"], r["seq"]) for r in ehr.rows("alerts")}
        quarantined = {r["seq"] for r in ehr.rows("quarantine")}
        assert ehr.verify_audit().ok
    return observed, alerts, quarantined


@pytest.mark.parametrize("batch_size, max_delay_s, pause_s, alert_every, kill_after", [
    (64, 30.0, 0.0, 97, 1500),  # a fast stream: the batch bound (about 1 s)
    pytest.param(10_000, 0.2, 0.004, 37, 400, marks=pytest.mark.slow),  # a slow stream: the time bound
])
def test_sigkill_mid_stream_loses_no_acknowledged_alert(tmp_path, batch_size, max_delay_s, pause_s, alert_every,
                                                        kill_after):
    path = tmp_path / "ehr.sqlite"
    events, killed_at = run_and_kill(path, batch_size=batch_size, max_delay_s=max_delay_s, pause_s=pause_s,
                                     alert_every=alert_every, kill_after=kill_after)
    observed, alerts, quarantined = reopen(path)
    acknowledged = [(e["kind"], e["seq"]) for e in events if e["event"] == "alert"]
    assert sum(kind == "clinical" for kind, _ in acknowledged) >= 5 and ("security", 101) in acknowledged
    assert all(e["recorded"] for e in events if e["event"] == "alert")
    assert set(acknowledged) <= alerts  # every alert the staff saw is on record
    assert {seq for kind, seq in acknowledged if kind == "clinical"} <= observed  # with its observation
    assert {seq for kind, seq in acknowledged if kind == "security"} <= quarantined  # and its quarantine row

    delivered = {e["seq"]: e["t"] for e in events if e["event"] == "delivered"}
    lost = sorted(set(delivered) - observed)
    print(f"\nbatch_size={batch_size} max_delay_s={max_delay_s}: {len(delivered)} delivered, "
          f"{len(observed)} on record, {len(lost)} lost")
    assert len(lost) <= batch_size - 1  # the batch bound
    assert not lost or lost[0] > max(observed)  # only the newest observations
    slack = 1.5  # the timer's scheduling delay on a shared 2-core machine
    assert all(delivered[seq] > killed_at - max_delay_s - slack for seq in lost)  # the time bound
