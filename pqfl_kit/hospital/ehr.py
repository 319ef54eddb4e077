"""The electronic health record log of the hospital layer (paper Algorithm 3 line 13), in SQLite.

Four tables, every row stamped in UTC (ISO 8601, ``+00:00``):

* ``observations``: one delivered packet (patient, device, sequence number, vitals, anomaly
  score, eq. 9 priority, NEWS2, routed subsystem). ``UNIQUE(device_id, seq)``: the database
  itself refuses a second copy of a packet.
* ``alerts``: clinical alerts (who was notified and why) and security alerts (Algorithm 3 line 8).
* ``quarantine``: packets that failed a check, with the reason, never in ``observations``.
* ``audit``: who did what to the record (open, close, device registration, threshold changes,
  reads), the trail a hospital must keep.

Storage: a file in WAL mode (readers do not block the writer; commits survive a restart), or
``":memory:"`` (the default, for the notebook). Writes are buffered and committed in batches
(``batch_size`` rows) or on :meth:`EHR.flush`; :meth:`EHR.close` flushes, so a gateway restart
loses nothing. One ``EHR`` object can be shared by threads (a lock serialises it), and several
``EHR`` objects (threads or processes) can write to the same file (WAL + busy timeout).

Limits: ``batch_size`` 1..``MAX_BATCH``; ``rows(limit=...)`` 0..``MAX_ROWS``; sequence numbers
0..2**63 - 1 (an SQLite INTEGER). Security rows (quarantine, alerts, audit) hold what a sender
controls only after checks: an out-of-range integer is stored as NULL, text is cut to
``MAX_TEXT`` characters, so recording a hostile packet never raises and never poisons a batch.
"""
from __future__ import annotations

import json
import math
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..limits import real, whole

__all__ = ["EHR", "utc_now"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS observations (
  id INTEGER PRIMARY KEY,
  patient_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  measured_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  vitals TEXT NOT NULL,
  anomaly_score REAL NOT NULL,
  priority TEXT NOT NULL,
  news2 REAL NOT NULL,
  subsystem TEXT NOT NULL,
  UNIQUE (device_id, seq)
);
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('clinical', 'security')),
  level TEXT NOT NULL,
  patient_id TEXT,
  device_id TEXT,
  seq INTEGER,
  roles TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  device_id TEXT,
  seq INTEGER,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  size INTEGER NOT NULL,
  digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS observations_patient ON observations (patient_id, id);
"""

_INSERT = {
    "observations": "INSERT INTO observations (patient_id, device_id, seq, measured_at, recorded_at, vitals, "
                    "anomaly_score, priority, news2, subsystem) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "alerts": "INSERT INTO alerts (created_at, kind, level, patient_id, device_id, seq, roles, message) "
              "VALUES (?,?,?,?,?,?,?,?)",
    "quarantine": "INSERT INTO quarantine (received_at, device_id, seq, reason, detail, size, digest) "
                  "VALUES (?,?,?,?,?,?,?)",
    "audit": "INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
}
TABLES = tuple(_INSERT)
MAX_BATCH = 100_000  # rows buffered before a commit
MAX_ROWS = 1_000_000  # rows one rows() call may return
MAX_TEXT = 2_000  # characters kept of a detail or message
MAX_SEQ = (1 << 63) - 1  # largest SQLite INTEGER
_DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError, OverflowError,
                ValueError, TypeError)


def _int_or_none(value) -> int | None:
    """An int that fits an SQLite INTEGER, else None (a hostile number is never stored)."""
    if type(value) is int and -MAX_SEQ <= value <= MAX_SEQ:
        return value
    return None


def _text(value, limit: int = MAX_TEXT) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _id_or_none(value) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 128 and value.isprintable() else None


def utc_now() -> str:
    """The current time in UTC as ISO 8601 with microseconds, e.g. 2026-11-03T09:15:02.123456+00:00."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class EHR:
    """An append-only clinical log in SQLite. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path = ":memory:", *, batch_size: int = 256, actor: str = "gateway",
                 busy_timeout_s: float = 30.0) -> None:
        batch_size = whole("batch_size", batch_size, 1, MAX_BATCH)
        busy_timeout_s = real("busy_timeout_s", busy_timeout_s, 0, 3600)
        if not isinstance(path, (str, Path)):
            raise TypeError(f"path must be a file path or ':memory:', got {type(path).__name__}.")
        if _id_or_none(actor) is None:
            raise ValueError(f"actor must be a printable name of 1 to 128 characters, got {actor!r}.")
        self.path = str(path)
        if self.path != ":memory:":
            where = Path(self.path)
            if "\0" in self.path or where.is_dir() or not where.parent.is_dir():
                raise ValueError(f"EHR path {self.path!r} must name a file in an existing folder "
                                 "(e.g. 'ehr.sqlite'), or be ':memory:'.")
        self.batch_size = batch_size
        self.actor = actor
        self._lock = threading.RLock()
        self._pending: dict[str, list[tuple]] = {name: [] for name in _INSERT}
        self._n_pending = 0
        self._closed = False
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False,
                                       isolation_level=None)  # we BEGIN/COMMIT ourselves
            if self.path != ":memory:":
                mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if mode.lower() != "wal":  # pragma: no cover - only on file systems without WAL support
                    raise RuntimeError(f"SQLite could not switch {self.path} to WAL mode (got {mode}).")
                self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, safe on crash
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            if getattr(self, "_db", None) is not None:
                self._db.close()
            raise ValueError(f"cannot open the EHR at {self.path!r}: {error} (not an SQLite file, or not "
                             "writable)") from None
        self.audit("open", f"EHR opened ({'in memory' if self.path == ':memory:' else 'file, WAL'})")
        self.flush()

    # -- writing ---------------------------------------------------------------------------
    def _add(self, table: str, row: tuple) -> None:
        with self._lock:
            if self._closed:
                raise ValueError("This EHR is closed; open a new EHR(path) to keep writing.")
            self._pending[table].append(row)
            self._n_pending += 1
            if self._n_pending >= self.batch_size:
                self.flush()

    def add_observation(self, *, patient_id: str, device_id: str, seq: int, measured_at: str,
                        vitals: dict[str, Any], anomaly_score: float, priority: str, news2: float,
                        subsystem: str) -> None:
        """Buffer one delivered observation (Algorithm 3 line 13: EHR update with a timestamp)."""
        if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
            raise ValueError(f"seq must be a whole number in [0, 2**63 - 1], got {seq!r}.")
        for name, value in (("anomaly_score", anomaly_score), ("news2", news2)):
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}.")
        self._add("observations", (patient_id, device_id, seq, measured_at, utc_now(),
                                   json.dumps(vitals, separators=(",", ":")), anomaly_score, priority,
                                   news2, subsystem))

    def add_alert(self, *, kind: str, level: str, message: str, roles: tuple[str, ...] = (),
                  patient_id: str | None = None, device_id: str | None = None, seq: int | None = None) -> None:
        """Buffer one clinical or security alert (ids, seq and message checked as the module says)."""
        if kind not in ("clinical", "security"):
            raise ValueError(f"alert kind must be 'clinical' or 'security', got {kind!r}.")
        self._add("alerts", (utc_now(), kind, _text(level, 64), _id_or_none(patient_id), _id_or_none(device_id),
                             _int_or_none(seq), json.dumps([_text(r, 200) for r in roles]), _text(message)))

    def add_quarantine(self, *, reason: str, detail: str, size: int, digest: str,
                       device_id: str | None = None, seq: int | None = None) -> None:
        """Buffer one quarantined packet (only its size and SHA-256 digest are kept, not its bytes).

        Never raises for the packet's content: out-of-range numbers become NULL, text is cut."""
        self._add("quarantine", (utc_now(), _id_or_none(device_id), _int_or_none(seq), _text(reason, 64),
                                 _text(detail), _int_or_none(size) or 0, _text(digest, 64)))

    def audit(self, action: str, detail: str = "", actor: str | None = None) -> None:
        """Buffer one audit-trail entry."""
        self._add("audit", (utc_now(), _id_or_none(actor) or self.actor, _text(action, 64), _text(detail)))

    def flush(self) -> None:
        """Commit every buffered row in one transaction (the batched commit)."""
        with self._lock:
            if not self._n_pending:
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for table, rows in self._pending.items():
                    if rows:
                        self._insert(table, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            for rows in self._pending.values():
                rows.clear()
            self._n_pending = 0

    def _insert(self, table: str, rows: list[tuple]) -> None:
        try:
            self._db.execute("SAVEPOINT batch")
            self._db.executemany(_INSERT[table], rows)
            self._db.execute("RELEASE batch")
        except _DATA_ERRORS:
            # A second copy of (device_id, seq), or a row SQLite cannot store: keep every other
            # row, log the refused one (so one bad row can never block later commits).
            self._db.execute("ROLLBACK TO batch")
            self._db.execute("RELEASE batch")
            for row in rows:
                try:
                    self._db.execute(_INSERT[table], row)
                except _DATA_ERRORS as error:
                    self._db.execute(_INSERT["audit"], (utc_now(), self.actor, "refused",
                                                        _text(f"{table} row {row[1:3]!r}: {type(error).__name__}: "
                                                              f"{error}")))

    def close(self) -> None:
        """Flush, write the closing audit entry and close the database. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self.audit("close", "EHR closed")
            self.flush()
            self._closed = True
            self._db.close()

    def __enter__(self) -> EHR:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------
    def _query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        with self._lock:
            if self._closed:
                raise ValueError("This EHR is closed; open a new EHR(path) to read it.")
            self.flush()  # a reader sees everything written so far
            cursor = self._db.execute(sql, args)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        """Rows per table (committed plus buffered)."""
        with self._lock:
            self.flush()
            return {t: self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}

    def rows(self, table: str, *, limit: int | None = None, newest_first: bool = False,
             patient_id: str | None = None, reader: str | None = None) -> list[dict[str, Any]]:
        """Rows of one table as dicts. Reading observations or alerts is written to the audit trail."""
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)}, got {table!r}.")
        if limit is not None:
            limit = whole("limit", limit, 0, MAX_ROWS)
        args: tuple[str, ...] = ()
        sql = f"SELECT * FROM {table}"
        if patient_id is not None:
            if not isinstance(patient_id, str):
                raise TypeError(f"patient_id must be a string, got {type(patient_id).__name__}.")
            if table not in ("observations", "alerts"):
                raise ValueError("patient_id filters only observations and alerts.")
            sql, args = sql + " WHERE patient_id = ?", (patient_id,)
        sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {limit}"
        if table in ("observations", "alerts"):
            self.audit("read", f"{table}" + (f" of {patient_id}" if patient_id else ""), actor=reader)
        return self._query(sql, args)

    def last_sequences(self) -> dict[str, int]:
        """Highest delivered sequence number per device (restores the replay window on restart)."""
        return {row["device_id"]: row["seq"] for row in
                self._query("SELECT device_id, MAX(seq) AS seq FROM observations GROUP BY device_id")}

    def has_observation(self, device_id: str, seq: int) -> bool:
        if type(seq) is not int or not 0 <= seq <= MAX_SEQ:
            return False
        return bool(self._query("SELECT 1 FROM observations WHERE device_id = ? AND seq = ?", (device_id, seq)))
