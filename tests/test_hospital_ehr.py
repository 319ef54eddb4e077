"""The SQLite EHR: WAL file, UTC timestamps, audit trail, batching, restart, concurrent writers."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta

import pytest

from pqfl_kit.hospital.ehr import EHR


def obs(ehr: EHR, device: str, seq: int, patient: str = "p1") -> None:
    ehr.add_observation(patient_id=patient, device_id=device, seq=seq, measured_at="2026-01-01T00:00:00+00:00",
                        vitals={"pulse": 70}, anomaly_score=0.1, priority="Normal", news2=0, subsystem="ehr-charting")


def count(path, table="observations") -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_in_memory_default_and_utc_timestamps():
    ehr = EHR()
    assert ehr.path == ":memory:"
    obs(ehr, "d1", 1)
    ehr.add_alert(kind="clinical", level="urgent", message="m", roles=("ward doctor",), patient_id="p1")
    rows = ehr.rows("observations") + ehr.rows("alerts") + ehr.rows("audit")
    stamps = [r.get("recorded_at") or r.get("created_at") or r.get("at") for r in rows]
    for stamp in stamps:
        parsed = datetime.fromisoformat(stamp)
        assert parsed.utcoffset() == timedelta(0)
    assert abs(datetime.fromisoformat(stamps[0]) - datetime.now(parsed.tzinfo)) < timedelta(minutes=1)
    with pytest.raises(ValueError):
        ehr.add_alert(kind="gossip", level="x", message="m")
    with pytest.raises(ValueError):
        ehr.rows("patients")


def test_file_is_in_wal_mode_and_commits_in_batches(tmp_path):
    path = tmp_path / "ehr.sqlite"
    ehr = EHR(path, batch_size=10)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for seq in range(1, 6):
        obs(ehr, "d1", seq)
    assert count(path) == 0  # buffered, not yet committed
    for seq in range(6, 11):
        obs(ehr, "d1", seq)
    assert count(path) == 10  # the 10th row triggered the batched commit
    obs(ehr, "d1", 11)
    ehr.flush()
    assert count(path) == 11
    ehr.close()
    ehr.close()  # twice is fine
    with pytest.raises(ValueError, match="closed"):
        obs(ehr, "d1", 12)


def test_restart_keeps_everything_and_the_audit_trail(tmp_path):
    path = tmp_path / "ehr.sqlite"
    with EHR(path, batch_size=1000) as ehr:
        for seq in range(1, 301):
            obs(ehr, "d1", seq)
        ehr.add_quarantine(reason="integrity", detail="bad tag", size=100, digest="ab" * 32, device_id="d1", seq=7)
    # nothing was flushed by hand: close() must have committed the 300 buffered rows
    with EHR(path) as again:
        assert again.counts()["observations"] == 300
        assert again.counts()["quarantine"] == 1
        assert again.last_sequences() == {"d1": 300}
        again.rows("observations", limit=5, reader="dr-house")
        actions = [(r["actor"], r["action"]) for r in again.rows("audit")]
    assert actions[0] == ("gateway", "open") and ("gateway", "close") in actions
    assert ("dr-house", "read") in actions


def test_a_second_copy_of_a_packet_is_refused_without_losing_the_batch():
    ehr = EHR(batch_size=100)
    obs(ehr, "d1", 1)
    obs(ehr, "d1", 2)
    obs(ehr, "d1", 1)  # same (device, seq)
    obs(ehr, "d1", 3)
    ehr.flush()
    assert [r["seq"] for r in ehr.rows("observations")] == [1, 2, 3]
    assert any(r["action"] == "refused" for r in ehr.rows("audit"))


def test_one_shared_ehr_many_threads_lose_nothing(tmp_path):
    ehr = EHR(tmp_path / "shared.sqlite", batch_size=37)
    n_threads, per_thread = 8, 400

    def writer(t: int) -> None:
        for seq in range(1, per_thread + 1):
            obs(ehr, f"dev-{t}", seq)
            if seq % 50 == 0:
                ehr.add_alert(kind="clinical", level="urgent", message=f"{t}/{seq}")

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ehr.close()
    assert count(tmp_path / "shared.sqlite") == n_threads * per_thread
    assert count(tmp_path / "shared.sqlite", "alerts") == n_threads * per_thread // 50


def test_separate_connections_to_one_wal_file_lose_nothing(tmp_path):
    path = tmp_path / "multi.sqlite"
    EHR(path).close()
    n_threads, per_thread = 4, 300
    errors: list[BaseException] = []

    def writer(t: int) -> None:
        try:
            with EHR(path, batch_size=25, actor=f"writer-{t}") as ehr:
                for seq in range(1, per_thread + 1):
                    obs(ehr, f"dev-{t}", seq)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert count(path) == n_threads * per_thread
    with sqlite3.connect(path) as db:
        per_device = dict(db.execute("SELECT device_id, COUNT(DISTINCT seq) FROM observations GROUP BY device_id"))
    assert per_device == {f"dev-{t}": per_thread for t in range(n_threads)}


def test_bad_arguments():
    with pytest.raises(ValueError):
        EHR(batch_size=0)
    with pytest.raises(TypeError):
        EHR(path=42)
    with pytest.raises(ValueError):
        EHR().rows("observations", limit=-1)
