"""The electronic health record log of the hospital layer (paper Algorithm 3 line 13), in SQLite.

Four tables, every row stamped in UTC (ISO 8601, ``+00:00``):

* ``observations``: one delivered packet (patient, device, sequence number, vitals, anomaly
  score, eq. 9 priority, NEWS2, routed subsystem). ``UNIQUE(device_id, seq)``: the database
  itself refuses a second copy of a packet.
* ``alerts``: clinical alerts (who was notified and why) and security alerts (Algorithm 3 line 8).
* ``quarantine``: packets that failed a check, with the reason, never in ``observations``.
* ``audit``: who did what to the record (open, close, device registration, threshold changes,
  reads), the trail a hospital must keep. Tamper-evident: each row stores
  ``hash = SHA-256(previous row's hash || row content)`` (a hash chain, as in RFC 6962 Sec. 2.1
  or the "Forward integrity" logs of Bellare and Yee 1997); :meth:`EHR.verify_audit` names the
  first broken link.

Append-only: SQLite triggers refuse ``UPDATE`` and ``DELETE`` on all four tables, so nothing
in the kit (or a mistaken SQL statement) can change a row; a correction is a new row. Whoever
can write the file can still drop the triggers: the hash chain is what makes that visible.

Durability (a file in WAL mode, ``synchronous=FULL`` by default: a commit is on disk, fsync'd,
before the call returns; ``"NORMAL"`` survives a killed process but not a power cut):

* an **alert** or **audit** entry is committed before :meth:`EHR.add_alert` / :meth:`EHR.audit`
  returns, together with every row buffered before it. The gateway records an alert first and
  notifies the staff second, so an alert anyone was told about is on record.
* **observations** and **quarantine** rows are buffered and committed in batches: when
  ``batch_size`` rows are waiting, ``max_delay_s`` after the oldest waiting row arrived (a
  timer), at the next alert or audit entry, or on :meth:`EHR.flush` / :meth:`EHR.close`.
  Loss bound on a crash (``kill -9``, power cut with ``FULL``): at most ``batch_size - 1``
  observations, all received in the last ``max_delay_s`` seconds (plus the timer's scheduling
  delay). ``tests/test_ehr_durability.py`` kills a gateway process to check it.

``":memory:"`` (the default, for the notebook) keeps nothing after the process ends and
starts no timer. One ``EHR`` object can be shared by threads (a lock serialises it), and
several ``EHR`` objects (threads or processes) can write to the same file (WAL + busy timeout;
each commit extends the hash chain inside its write transaction).

Limits: ``batch_size`` 1..``MAX_BATCH``; ``max_delay_s`` (0, 3600]; ``rows(limit=...)``
0..``MAX_ROWS``; sequence numbers 0..2**63 - 1 (an SQLite INTEGER). Security rows (quarantine,
alerts, audit) hold what a sender controls only after checks: an out-of-range integer is stored
as NULL, text is cut to ``MAX_TEXT`` characters, so recording a hostile packet never raises and
never poisons a batch. Files: schema version ``SCHEMA_VERSION`` (SQLite ``user_version``); a
file of the earlier kit (no hash chain, version 0) is upgraded on open, its existing audit rows
chained from that moment.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..limits import real, whole

__all__ = ["EHR", "AuditCheck", "audit_hash", "utc_now"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # 0: the kit before the hash chain (upgraded on open)
GENESIS = "0" * 64  # the "previous hash" of the first audit row
TABLES = ("observations", "alerts", "quarantine", "audit")
_TABLE_SQL = (
    """CREATE TABLE IF NOT EXISTS observations (
  id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL,
  measured_at TEXT NOT NULL, recorded_at TEXT NOT NULL, vitals TEXT NOT NULL, anomaly_score REAL NOT NULL,
  priority TEXT NOT NULL, news2 REAL NOT NULL, subsystem TEXT NOT NULL, UNIQUE (device_id, seq))""",
    """CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('clinical', 'security')),
  level TEXT NOT NULL, patient_id TEXT, device_id TEXT, seq INTEGER, roles TEXT NOT NULL, message TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, device_id TEXT, seq INTEGER, reason TEXT NOT NULL,
  detail TEXT NOT NULL, size INTEGER NOT NULL, digest TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
  hash TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS observations_patient ON observations (patient_id, id)",
)
_APPEND_ONLY_SQL = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the EHR is append-only: {table} rows cannot be changed, add a new row'); END"
    for table in TABLES for verb in ("UPDATE", "DELETE"))
_INSERT = {
    "observations": "INSERT INTO observations (patient_id, device_id, seq, measured_at, recorded_at, vitals, "
                    "anomaly_score, priority, news2, subsystem) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "alerts": "INSERT INTO alerts (created_at, kind, level, patient_id, device_id, seq, roles, message) "
              "VALUES (?,?,?,?,?,?,?,?)",
    "quarantine": "INSERT INTO quarantine (received_at, device_id, seq, reason, detail, size, digest) "
                  "VALUES (?,?,?,?,?,?,?)",
}
_INSERT_AUDIT = "INSERT INTO audit (id, at, actor, action, detail, hash) VALUES (?,?,?,?,?,?)"
_COMMIT_AT_ONCE = frozenset({"alerts", "audit"})  # committed before add_alert()/audit() returns
SYNCHRONOUS = ("FULL", "NORMAL")
MAX_BATCH = 100_000  # rows buffered before a commit
MAX_DELAY_S = 3600.0  # longest max_delay_s
MAX_ROWS = 1_000_000  # rows one rows() call may return
MAX_TEXT = 2_000  # characters kept of a detail or message
MAX_SEQ = (1 << 63) - 1  # largest SQLite INTEGER
_DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError, OverflowError,
                ValueError, TypeError)


def _int_or_none(value) -> int | None:
    """An int that fits an SQLite INTEGER, else None (a hostile number is never stored)."""
    try:
        return whole("value", value, -MAX_SEQ, MAX_SEQ)
    except (TypeError, ValueError):
        return None


def _text(value, limit: int = MAX_TEXT) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _id_or_none(value) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 128 and value.isprintable() else None


def utc_now() -> str:
    """The current time in UTC as ISO 8601 with microseconds, e.g. 2026-11-03T09:15:02.123456+00:00."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def audit_hash(previous: str, row_id: int, at: str, actor: str, action: str, detail: str) -> str:
    """One link of the audit hash chain: SHA-256(previous hash || row content), hex.

    The content is the JSON list ``[id, at, actor, action, detail]``, so editing any field,
    moving a row to another id, deleting or reordering rows changes a hash (FIPS 180-4 SHA-256)."""
    content = json.dumps([row_id, at, actor, action, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous + content).encode()).hexdigest()


@dataclass(frozen=True)
class AuditCheck:
    """The result of :meth:`EHR.verify_audit`: ``ok``, or the first broken link and why."""

    ok: bool
    rows: int  # audit rows checked
    head: str  # hash of the last row: keep it elsewhere to detect deleted newest rows later
    broken_at: int | None = None  # id of the first row that does not fit the chain
    reason: str = ""


def check_chain(rows: Iterable[tuple], expected_head: str | None = None) -> AuditCheck:
    """Walk audit rows ``(id, at, actor, action, detail, hash)`` in id order (see :func:`audit_hash`).

    Ids must run 1, 2, 3, ... (a gap is a deleted row) and every stored hash must equal the
    recomputed one. Deleting the newest rows leaves a valid shorter chain: only a head kept
    elsewhere (``expected_head``) reveals it."""
    previous, expected_id, n = GENESIS, 1, 0
    for row_id, at, actor, action, detail, stored in rows:
        if row_id != expected_id:
            return AuditCheck(False, n, previous, row_id, f"expected audit row {expected_id}, found {row_id} "
                                                          "(a row was deleted or moved)")
        if stored != audit_hash(previous, row_id, at, actor, action, detail):
            return AuditCheck(False, n, previous, row_id, f"audit row {row_id} does not match its hash (edited, "
                                                          "reordered, or an earlier row changed)")
        previous, expected_id, n = stored, expected_id + 1, n + 1
    if expected_head is not None and expected_head != previous:
        return AuditCheck(False, n, previous, None, f"the chain ends at row {n} with another hash than the head "
                                                    "kept elsewhere (newest rows deleted?)")
    return AuditCheck(True, n, previous)


class EHR:
    """An append-only, tamper-evident clinical log in SQLite (see the module docstring).

    Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path = ":memory:", *, batch_size: int = 256, max_delay_s: float = 1.0,
                 synchronous: str = "FULL", actor: str = "gateway", busy_timeout_s: float = 30.0) -> None:
        batch_size = whole("batch_size", batch_size, 1, MAX_BATCH)
        self.max_delay_s = real("max_delay_s", max_delay_s, 0, MAX_DELAY_S, low_open=True)
        busy_timeout_s = real("busy_timeout_s", busy_timeout_s, 0, 3600)
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be 'FULL' (fsync each commit) or 'NORMAL', got {synchronous!r}.")
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
        self._pending: dict[str, list[tuple]] = {name: [] for name in TABLES}
        self._n_pending = 0
        self._oldest = 0.0  # time.monotonic() when the oldest buffered row arrived
        self._timer: threading.Timer | None = None
        self._closed = False
        self._db = self._connect(busy_timeout_s, synchronous)
        self.audit("open", f"EHR opened ({'in memory' if self.path == ':memory:' else 'file, WAL'})")

    def _connect(self, busy_timeout_s: float, synchronous: str) -> sqlite3.Connection:
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=busy_timeout_s, check_same_thread=False,
                                 isolation_level=None)  # we BEGIN/COMMIT ourselves
            if self.path != ":memory:":
                mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if mode.lower() != "wal":  # pragma: no cover - only on file systems without WAL support
                    raise ValueError(f"SQLite could not switch {self.path} to WAL mode (got {mode}).")
                db.execute(f"PRAGMA synchronous={synchronous}")
            _prepare_schema(db, self.path)
        except (sqlite3.DatabaseError, ValueError) as error:
            if db is not None:
                db.close()
            if isinstance(error, ValueError):
                raise
            raise ValueError(f"cannot open the EHR at {self.path!r}: {error} (not an SQLite file, or not "
                             "writable)") from None
        return db

    # -- writing ---------------------------------------------------------------------------
    def _add(self, table: str, row: tuple) -> None:
        with self._lock:
            if self._closed:
                raise ValueError("This EHR is closed; open a new EHR(path) to keep writing.")
            if not self._n_pending:
                self._oldest = time.monotonic()
            self._pending[table].append(row)
            self._n_pending += 1
            if table in _COMMIT_AT_ONCE or self._n_pending >= self.batch_size:
                self.flush()
            elif self._timer is None and self.path != ":memory:":
                self._start_timer(self.max_delay_s)

    def _start_timer(self, delay: float) -> None:
        self._timer = threading.Timer(delay, self._flush_late)
        self._timer.daemon = True
        self._timer.start()

    def _flush_late(self) -> None:
        """The ``max_delay_s`` timer: commit rows that waited long enough, or wait for the rest."""
        with self._lock:
            self._timer = None
            if self._closed or not self._n_pending:
                return
            wait = self._oldest + self.max_delay_s - time.monotonic()
            if wait > 0:  # the rows that started this timer were committed; newer ones wait less long
                self._start_timer(wait)
                return
            try:
                self.flush()
            except Exception:  # e.g. a lock held past busy_timeout_s: retry later
                log.exception("timed EHR commit failed; retrying in max_delay_s")
                self._start_timer(self.max_delay_s)

    def add_observation(self, *, patient_id: str, device_id: str, seq: int, measured_at: str,
                        vitals: dict[str, Any], anomaly_score: float, priority: str, news2: float,
                        subsystem: str) -> None:
        """Buffer one delivered observation (Algorithm 3 line 13: EHR update with a timestamp)."""
        seq = whole("seq", seq, 0, MAX_SEQ)
        anomaly_score = real("anomaly_score", anomaly_score)
        news2 = real("news2", news2)
        self._add("observations", (patient_id, device_id, seq, measured_at, utc_now(),
                                   json.dumps(vitals, separators=(",", ":")), anomaly_score, priority,
                                   news2, subsystem))

    def add_alert(self, *, kind: str, level: str, message: str, roles: tuple[str, ...] = (),
                  patient_id: str | None = None, device_id: str | None = None, seq: int | None = None) -> None:
        """Record one clinical or security alert; committed (with every buffered row) before returning.

        Ids, seq and message are checked as the module says."""
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
        """Record one audit-trail entry (a new link of the hash chain), committed before returning."""
        self._add("audit", (utc_now(), _id_or_none(actor) or self.actor, _text(action, 64), _text(detail)))

    def flush(self) -> None:
        """Commit every buffered row in one transaction."""
        with self._lock:
            if not any(self._pending.values()):
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                refused: list[tuple] = []
                for table in ("observations", "alerts", "quarantine"):
                    if self._pending[table]:
                        refused += self._insert(table, self._pending[table])
                self._append_audit(self._pending["audit"] + refused)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            for rows in self._pending.values():
                rows.clear()
            self._n_pending = 0

    def _insert(self, table: str, rows: list[tuple]) -> list[tuple]:
        """Insert rows; returns audit entries for the rows SQLite refused (the others are kept)."""
        try:
            self._db.execute("SAVEPOINT batch")
            self._db.executemany(_INSERT[table], rows)
            self._db.execute("RELEASE batch")
            return []
        except _DATA_ERRORS:
            # A second copy of (device_id, seq), or a row SQLite cannot store: keep every other
            # row, log the refused one (so one bad row can never block later commits).
            self._db.execute("ROLLBACK TO batch")
            self._db.execute("RELEASE batch")
        refused = []
        for row in rows:
            try:
                self._db.execute(_INSERT[table], row)
            except _DATA_ERRORS as error:
                refused.append((utc_now(), self.actor, "refused",
                                _text(f"{table} row {row[1:3]!r}: {type(error).__name__}: {error}")))
        return refused

    def _append_audit(self, rows: list[tuple]) -> None:
        """Extend the hash chain; runs inside the write transaction, so writers never interleave."""
        if not rows:
            return
        last = self._db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        row_id, previous = last if last is not None else (0, GENESIS)
        for at, actor, action, detail in rows:
            row_id += 1
            previous = audit_hash(previous, row_id, at, actor, action, detail)
            self._db.execute(_INSERT_AUDIT, (row_id, at, actor, action, detail, previous))

    def close(self) -> None:
        """Flush, write the closing audit entry and close the database. Safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self.audit("close", "EHR closed")
            self.flush()
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
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

    def verify_audit(self, expected_head: str | None = None) -> AuditCheck:
        """Recompute the audit hash chain (see :func:`check_chain`); ``.ok`` or the first broken link."""
        with self._lock:
            if self._closed:
                raise ValueError("This EHR is closed; open a new EHR(path) to verify it.")
            self.flush()
            cursor = self._db.execute("SELECT id, at, actor, action, detail, hash FROM audit ORDER BY id")
            return check_chain(cursor, expected_head)

    def last_sequences(self) -> dict[str, int]:
        """Highest delivered sequence number per device (restores the replay window on restart)."""
        return {row["device_id"]: row["seq"] for row in
                self._query("SELECT device_id, MAX(seq) AS seq FROM observations GROUP BY device_id")}

    def has_observation(self, device_id: str, seq: int) -> bool:
        """True when the (device, sequence number) packet is on record (False for an impossible seq)."""
        number = _int_or_none(seq)
        if number is None or number < 0:
            return False
        return bool(self._query("SELECT 1 FROM observations WHERE device_id = ? AND seq = ?", (device_id, number)))


def _prepare_schema(db: sqlite3.Connection, path: str) -> None:
    """Create the tables and triggers, or upgrade a version-0 file (no hash chain) in place."""
    db.execute("BEGIN IMMEDIATE")  # one opener at a time decides what the file needs
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ValueError(f"the EHR at {path!r} has schema version {version}, newer than this pqfl-kit "
                             f"({SCHEMA_VERSION}): open it with that version, or start a new EHR file.")
        audit_columns = {row[1] for row in db.execute("PRAGMA table_info(audit)")}
        if version < SCHEMA_VERSION and audit_columns and "hash" not in audit_columns:
            _chain_old_audit(db)
        for statement in _TABLE_SQL + _APPEND_ONLY_SQL:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _chain_old_audit(db: sqlite3.Connection) -> None:
    """Version 0 -> 1: add the hash column and chain the existing audit rows, renumbered 1, 2, ...

    Tamper evidence starts at the upgrade: an edit made to the file before it cannot be seen."""
    rows = db.execute("SELECT at, actor, action, detail FROM audit ORDER BY id").fetchall()
    db.execute("ALTER TABLE audit RENAME TO audit_v0")
    db.execute(_TABLE_SQL[3])
    previous = GENESIS
    for row_id, (at, actor, action, detail) in enumerate(rows, start=1):
        previous = audit_hash(previous, row_id, at, actor, action, detail)
        db.execute(_INSERT_AUDIT, (row_id, at, actor, action, detail, previous))
    db.execute("DROP TABLE audit_v0")
    now = utc_now()
    detail = f"schema 0 -> {SCHEMA_VERSION}: hash chain and append-only triggers added; {len(rows)} rows chained"
    db.execute(_INSERT_AUDIT, (len(rows) + 1, now, "ehr-upgrade", "upgrade", detail,
                               audit_hash(previous, len(rows) + 1, now, "ehr-upgrade", "upgrade", detail)))
