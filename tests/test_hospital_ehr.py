"""The SQLite EHR: WAL file, UTC timestamps, audit trail, batching, restart, concurrent writers,
alerts committed at once, the timed commit, append-only triggers and the audit hash chain."""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime, timedelta

import pytest

from pqfl_kit.hospital.ehr import EHR, GENESIS, SCHEMA_VERSION, audit_hash


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
    ehr = EHR(path, batch_size=10, max_delay_s=600)  # no timed commit during this test
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


def test_alerts_and_audit_entries_are_committed_before_the_call_returns(tmp_path):
    path = tmp_path / "ehr.sqlite"
    ehr = EHR(path, batch_size=1000, max_delay_s=600)
    obs(ehr, "d1", 1)
    ehr.add_quarantine(reason="integrity", detail="bad tag", size=10, digest="ab" * 32)
    assert count(path) == 0 and count(path, "quarantine") == 0  # batched
    ehr.add_alert(kind="clinical", level="urgent", message="m")
    assert (count(path, "alerts"), count(path), count(path, "quarantine")) == (1, 1, 1)  # with what came before
    ehr.audit("set-thresholds", "tau_med=0.5")
    assert count(path, "audit") == 2  # open + this one
    ehr.close()


def test_the_timer_commits_observations_within_max_delay(tmp_path):
    path = tmp_path / "ehr.sqlite"
    ehr = EHR(path, batch_size=1000, max_delay_s=0.2)
    obs(ehr, "d1", 1)
    assert count(path) == 0
    deadline = time.monotonic() + 10  # generous: the machine is shared
    while count(path) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count(path) == 1
    obs(ehr, "d1", 2)  # a later row starts a new timer
    while count(path) == 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count(path) == 2
    ehr.close()
    with pytest.raises(ValueError):
        EHR(max_delay_s=0)
    with pytest.raises(ValueError, match="synchronous"):
        EHR(synchronous="OFF")


def test_the_kit_cannot_change_or_delete_a_row(tmp_path):
    path = tmp_path / "ehr.sqlite"
    with EHR(path) as ehr:
        obs(ehr, "d1", 1)
        ehr.add_alert(kind="clinical", level="urgent", message="m")
        ehr.add_quarantine(reason="integrity", detail="x", size=1, digest="ab")
    with sqlite3.connect(path) as db:
        for table in ("observations", "alerts", "quarantine", "audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(f"UPDATE {table} SET id = id + 100")
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(f"DELETE FROM {table}")


def tampered(path, *statements: str):
    """What someone with write access to the file can do: drop the triggers, then edit."""
    with sqlite3.connect(path) as db:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            db.execute(statement)
    with EHR(path) as again:  # reopening appends an 'open' row: the damage is still found
        return again.verify_audit()


def chained_file(tmp_path, name="ehr.sqlite"):
    path = tmp_path / name
    with EHR(path) as ehr:
        for i in range(5):
            ehr.audit("set-thresholds", f"step {i}", actor=f"nurse-{i}")
        check = ehr.verify_audit()
        assert check.ok and check.rows == 6 and check.broken_at is None
    return path


@pytest.mark.parametrize("statements, broken_at", [
    (["UPDATE audit SET detail = 'step 9' WHERE id = 3"], 3),  # edit one field
    (["UPDATE audit SET actor = 'dr-who' WHERE id = 6"], 6),
    (["DELETE FROM audit WHERE id = 4"], 5),  # a gap
    (["UPDATE audit SET id = 100 WHERE id = 2", "UPDATE audit SET id = 2 WHERE id = 3",
      "UPDATE audit SET id = 3 WHERE id = 100"], 2),  # two rows swapped
])
def test_the_hash_chain_finds_the_first_edited_deleted_or_reordered_row(tmp_path, statements, broken_at):
    check = tampered(chained_file(tmp_path), *statements)
    assert not check.ok and check.broken_at == broken_at and check.reason


def test_a_recomputed_tail_is_caught_by_a_head_kept_elsewhere(tmp_path):
    path = chained_file(tmp_path)
    with EHR(path) as ehr:
        head = ehr.verify_audit().head
    # delete the newest rows (the chain stays valid) ...
    assert tampered(path, "DELETE FROM audit WHERE id >= 7").ok
    with EHR(path) as ehr:
        check = ehr.verify_audit(expected_head=head)
    assert not check.ok and "head" in check.reason
    # ... and the hash itself is the documented formula
    rows = sqlite3.connect(path).execute("SELECT id, at, actor, action, detail, hash FROM audit ORDER BY id")
    first = rows.fetchone()
    assert first[5] == audit_hash(GENESIS, *first[:5])


OLD_SCHEMA = """
CREATE TABLE observations (id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, device_id TEXT NOT NULL,
  seq INTEGER NOT NULL, measured_at TEXT NOT NULL, recorded_at TEXT NOT NULL, vitals TEXT NOT NULL,
  anomaly_score REAL NOT NULL, priority TEXT NOT NULL, news2 REAL NOT NULL, subsystem TEXT NOT NULL,
  UNIQUE (device_id, seq));
CREATE TABLE alerts (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL,
  patient_id TEXT, device_id TEXT, seq INTEGER, roles TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE quarantine (id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, device_id TEXT, seq INTEGER,
  reason TEXT NOT NULL, detail TEXT NOT NULL, size INTEGER NOT NULL, digest TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  detail TEXT NOT NULL);
INSERT INTO observations VALUES (1, 'p1', 'd1', 7, 't', 't', '{}', 0.1, 'Normal', 0, 'ehr-charting');
INSERT INTO audit VALUES (1, '2026-01-01T00:00:00+00:00', 'gateway', 'open', 'EHR opened (file, WAL)');
INSERT INTO audit VALUES (2, '2026-01-01T00:01:00+00:00', 'gateway', 'close', 'EHR closed');
"""


def test_a_file_of_the_earlier_kit_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    with EHR(path) as ehr:
        assert ehr.last_sequences() == {"d1": 7}
        actions = [r["action"] for r in ehr.rows("audit")]
        assert actions[:4] == ["open", "close", "upgrade", "open"]
        assert ehr.verify_audit().ok
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM observations")
    with EHR(path) as ehr:  # and it reopens as a current file
        assert ehr.verify_audit().ok


def test_a_file_from_a_newer_kit_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ValueError, match="start a new EHR file"):
        EHR(path)
    (tmp_path / "junk.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(ValueError, match="not an SQLite file"):
        EHR(tmp_path / "junk.sqlite")
