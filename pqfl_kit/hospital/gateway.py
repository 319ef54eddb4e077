"""The hospital gateway: paper Algorithm 3 (Hospital Layer Processing), packet by packet.

For each received packet d_i:

1. structural checks (size, header, length field) -> quarantine "oversized", "truncated",
   "malformed"; unknown sender -> "unknown-device";
2. anti-replay window on the authenticated sequence number (after IPsec ESP, RFC 4303
   section 3.4.3): a sequence number already delivered -> "duplicate" (a network duplicate and
   an immediate replay look the same); older than the window -> "out-of-window";
3. decrypt (line 4) and verify the HMAC-SHA256 under K_auth = HKDF(K) (line 5, eq. 7); a
   failure -> quarantine "integrity" (line 7) and a security alert (line 8);
4. decode the payload ("malformed" if it is not a valid observation) and check its
   authenticated timestamp: older than ``max_age_s`` -> "replay" (a recorded packet sent again
   later, e.g. after its sequence number fell out of the window);
5. read the anomaly score (line 10), assign the priority with eq. 9 (line 11), route to the
   clinical subsystem of that priority (line 12), write the EHR (line 13), and when the
   decision of :func:`pqfl_kit.hospital.cds.decide` raises a clinical alert (line 14: the score
   is above tau_med, or NEWS2 asks for an urgent response) notify the staff roles (15-16).

Record, then notify: every alert (clinical or security) is committed to the EHR, together with
its observation or quarantine row, before ``on_alert`` is called, so an alert the staff were
told about survives a crash of the gateway (``tests/test_ehr_durability.py``). If the EHR
cannot write, the alert is still sent, with ``recorded=False``: a full disk must not silence a
pager. Observations without an alert are batched by the EHR (its loss bound: ``batch_size - 1``
rows, ``max_delay_s`` seconds).

Invariant: every call to :meth:`WardGateway.receive` returns exactly one outcome, either
:class:`Delivered` or :class:`Quarantined`; only delivered packets reach ``observations``.
The sliding window advances only after the integrity check, so a forged packet cannot move it.
Of an unauthenticated packet the EHR keeps only range-checked fields (sequence number <= 2**63-1,
the device id only if it is registered, else its length and hash), and quarantining never raises.

Limits: ``window`` 1..``MAX_WINDOW``, ``max_packet`` 32..2**20 bytes (capped at 65,605), ``max_age_s`` and
``max_skew_s`` in (0, 1e7] s, ``keep_recent`` 0..100,000.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC

from ..limits import real, whole
from ..pqc.replay import MAX_WINDOW, ReplayWindow
from .cds import Decision, Vitals, decide
from .ehr import EHR
from .packets import MAX_BODY, MAX_SEQ, Link, PacketError, parse_header
from .priority import SUBSYSTEMS, Thresholds, priority_level

__all__ = ["WardGateway", "Delivered", "Quarantined", "Alert", "ReplayWindow", "REASONS", "LANES"]

log = logging.getLogger(__name__)

REASONS = ("oversized", "truncated", "malformed", "unknown-device", "duplicate", "out-of-window",
           "integrity", "replay", "internal-error")
LANES = ("Critical", "High", "Normal", "Quarantine")
SECURITY_ROLE = "security operations (SOC)"


@dataclass(frozen=True)
class Delivered:
    """A packet that passed every check (lane = its eq. 9 priority)."""

    device_id: str
    patient_id: str
    seq: int
    measured_at: float
    score: float
    vitals: Vitals
    decision: Decision
    subsystem: str

    @property
    def lane(self) -> str:
        return self.decision.priority


@dataclass(frozen=True)
class Quarantined:
    """A packet that failed a check; it never reached the EHR's observations."""

    reason: str
    detail: str
    size: int
    digest: str  # SHA-256 of the raw packet, hex
    device_id: str | None = None
    seq: int | None = None
    lane: str = field(default="Quarantine", init=False)


@dataclass(frozen=True)
class Alert:
    """A clinical or security alert and the staff roles notified."""

    kind: str  # "clinical" or "security"
    level: str
    roles: tuple[str, ...]
    message: str
    patient_id: str | None
    device_id: str | None
    seq: int | None
    cause: str
    latency_s: float  # packet arrival -> notification (after the EHR commit)
    recorded: bool = True  # False: the EHR could not store it (the staff were notified anyway)


def _digest(frame: bytes) -> str:
    return hashlib.sha256(frame).hexdigest()


class WardGateway:
    """Receives encrypted packets from many devices and runs Algorithm 3 on each.

    (The ward's packet gateway; :class:`pqfl_kit.pqc.channel.Gateway` is the handshake responder
    that a :func:`~pqfl_kit.hospital.packets.channel_link` runs in front of it.)

    ``ehr`` is where everything is recorded (default: a new in-memory EHR); ``on_alert`` is
    called synchronously with each :class:`Alert` (the staff notification: a pager, a queue),
    after the alert is committed to the EHR;
    ``clock`` gives the gateway's time in Unix seconds (a simulation passes its own).
    """

    def __init__(self, ehr: EHR | None = None, *, thresholds: Thresholds | None = None,
                 window: int = 64, max_packet: int = 4096, max_age_s: float = 300.0, max_skew_s: float = 30.0,
                 on_alert: Callable[[Alert], None] | None = None, clock: Callable[[], float] = time.time,
                 cds_weights: Mapping[str, float] | None = None, keep_recent: int = 200) -> None:
        if thresholds is None:
            thresholds = Thresholds()
        if not isinstance(thresholds, Thresholds):
            raise TypeError("thresholds must be a pqfl_kit.hospital.Thresholds(tau_med, tau_high)")
        window = whole("window (packets)", window, 1, MAX_WINDOW)
        max_packet = whole("max_packet (bytes)", max_packet, 32, 1 << 20)  # then capped at the format maximum
        max_age_s = real("max_age_s", max_age_s, 0, 1e7, low_open=True)
        max_skew_s = real("max_skew_s", max_skew_s, 0, 1e7, low_open=True)
        keep_recent = whole("keep_recent", keep_recent, 0, 100_000)
        self.ehr = ehr if ehr is not None else EHR()
        self.thresholds = thresholds
        self.window_size = window
        self.max_packet = min(max_packet, MAX_BODY + 6 + 64 + 10)
        self.max_age_s = float(max_age_s)
        self.max_skew_s = float(max_skew_s)
        self.on_alert = on_alert
        self.clock = clock
        self.cds_weights = cds_weights
        self._links: dict[str, Link] = {}
        self._windows: dict[str, ReplayWindow] = {}
        self._restored = self.ehr.last_sequences()  # a restart keeps refusing old sequence numbers
        self._lock = threading.RLock()
        self.counts: Counter = Counter()
        self.recent: deque = deque(maxlen=keep_recent)  # (outcome) for displays
        self.alerts: deque = deque(maxlen=keep_recent)
        self.ehr.audit("gateway-start", f"tau_med={thresholds.tau_med:g} tau_high={thresholds.tau_high:g} "
                                        f"window={window} max_age_s={max_age_s:g}")

    # -- configuration ---------------------------------------------------------------------
    def register(self, link: Link) -> None:
        """Accept packets from one device (its :class:`~pqfl_kit.hospital.packets.Link`)."""
        if not isinstance(link, Link):
            raise TypeError("register() needs a Link from aes_link() or channel_link()")
        with self._lock:
            self._links[link.device_id] = link
            self._windows[link.device_id] = ReplayWindow(self.window_size, self._restored.get(link.device_id, 0),
                                                         max_seq=MAX_SEQ)
            self.ehr.audit("register-device", f"{link.device_id} -> patient {link.patient_id}")

    def set_thresholds(self, tau_med: float, tau_high: float, *, actor: str = "gateway") -> Thresholds:
        """Change tau_med/tau_high (validated; recorded in the audit trail)."""
        new = Thresholds(tau_med, tau_high)
        with self._lock:
            self.thresholds = new
            self.ehr.audit("set-thresholds", f"tau_med={new.tau_med:g} tau_high={new.tau_high:g}", actor=actor)
        return new

    # -- Algorithm 3 -------------------------------------------------------------------------
    def receive(self, frame: bytes) -> Delivered | Quarantined:
        """Run Algorithm 3 on one packet; returns exactly one outcome and never raises for bad packets."""
        arrived = time.perf_counter()
        if not isinstance(frame, (bytes, bytearray, memoryview)):
            raise TypeError(f"a packet is bytes, got {type(frame).__name__}")
        frame = bytes(frame)
        with self._lock:
            try:
                outcome = self._process(frame, arrived)
            except Exception as error:
                log.exception("gateway internal error")
                outcome = self._quarantine(frame, "internal-error", type(error).__name__, None, None)
            self.counts["received"] += 1
            self.counts[outcome.lane] += 1
            if isinstance(outcome, Quarantined):
                self.counts["quarantined"] += 1
                self.counts["reason:" + outcome.reason] += 1
            else:
                self.counts["delivered"] += 1
            self.recent.append(outcome)
            return outcome

    def receive_many(self, frames: Iterable[bytes]) -> list[Delivered | Quarantined]:
        """Process a batch, then commit the observations the EHR still buffers."""
        outcomes = [self.receive(frame) for frame in frames]
        self.ehr.flush()
        return outcomes

    def _quarantine(self, frame: bytes, reason: str, detail: str, device_id: str | None,
                    seq: int | None) -> Quarantined:
        """Record a refused packet. Never raises: a failing EHR or pager is logged, the outcome stands."""
        q = Quarantined(reason, detail, len(frame), _digest(frame), device_id, seq)
        try:  # buffered: the security alert below commits it
            self.ehr.add_quarantine(reason=reason, detail=detail, size=q.size, digest=q.digest,
                                    device_id=device_id, seq=seq)
        except Exception:
            log.exception("could not record a quarantined packet")
        self._alert(Alert("security", "security", (SECURITY_ROLE,), f"packet quarantined: {reason} ({detail})",
                          None, device_id, seq, "device/cyber", 0.0))
        return q

    def _alert(self, alert: Alert, arrived: float | None = None) -> None:
        """Commit the alert to the EHR, then notify: a notified alert is always on record.

        Never raises: a failing EHR is logged and the alert sent with ``recorded=False``."""
        recorded = True
        try:
            self.ehr.add_alert(kind=alert.kind, level=alert.level, roles=alert.roles, message=alert.message,
                               patient_id=alert.patient_id, device_id=alert.device_id, seq=alert.seq)
        except Exception:
            log.exception("could not record an alert; notifying the staff anyway")
            recorded = False
        latency = alert.latency_s if arrived is None else time.perf_counter() - arrived
        alert = replace(alert, latency_s=latency, recorded=recorded)
        self.alerts.append(alert)
        if self.on_alert is not None:
            try:
                self.on_alert(alert)
            except Exception:
                log.exception("on_alert callback failed")

    def _process(self, frame: bytes, arrived: float) -> Delivered | Quarantined:
        if len(frame) > self.max_packet:
            return self._quarantine(frame, "oversized", f"{len(frame)} bytes > {self.max_packet}", None, None)
        try:
            header, body = parse_header(frame)
        except PacketError as error:
            return self._quarantine(frame, error.reason, error.detail, None, None)
        dev, seq = header.device_id, header.seq
        link = self._links.get(dev)
        if link is None:  # the id is the sender's claim: keep its length and hash, not its text
            return self._quarantine(frame, "unknown-device", f"no device with this id is registered (id of "
                                    f"{len(dev)} chars, SHA-256 {_digest(dev.encode())[:16]})", None, seq)
        if header.kind != link.kind:
            return self._quarantine(frame, "malformed", "packet kind does not match the device's link", dev, seq)
        window = self._windows[dev]
        problem = "malformed" if seq == 0 else window.check(seq)
        if problem:
            detail = {"malformed": "sequence number 0 is never sent",
                      "duplicate": f"sequence {seq} was already delivered",
                      "out-of-window": f"sequence {seq} is older than the window (highest {window.highest}, "
                                       f"window {window.size})"}[problem]
            return self._quarantine(frame, problem, detail, dev, seq)
        try:  # Algorithm 3 lines 4-5: decrypt, verify HMAC (eq. 7); never returns unauthenticated data
            plaintext = link.open(header.raw, body)
        except Exception as error:  # noqa: BLE001 - every crypto failure is an integrity failure
            return self._quarantine(frame, "integrity", f"{type(error).__name__}: {error}", dev, seq)
        try:
            measured_at, score, vitals = _decode(plaintext)
        except (ValueError, TypeError, KeyError, RecursionError) as error:
            return self._quarantine(frame, "malformed", f"payload: {type(error).__name__}: {error}"[:300], dev, seq)
        now = self.clock()
        if now - measured_at > self.max_age_s:
            return self._quarantine(frame, "replay", f"measured {now - measured_at:.0f} s ago "
                                                     f"(max {self.max_age_s:g} s)", dev, seq)
        if measured_at - now > self.max_skew_s:
            return self._quarantine(frame, "malformed", f"timestamp {measured_at - now:.0f} s in the future", dev, seq)
        window.accept(seq)
        return self._deliver(link, seq, measured_at, score, vitals, arrived)

    def _deliver(self, link: Link, seq: int, measured_at: float, score: float, vitals: Vitals,
                 arrived: float) -> Delivered:
        """Algorithm 3 lines 10-16 for an authenticated packet: priority, route, record, alert."""
        priority = priority_level(score, self.thresholds)  # lines 10-11: anomaly score -> eq. 9
        decision = decide(vitals, priority, self.cds_weights)  # eq. 10 fused with eq. 9
        dev = link.device_id
        delivered = Delivered(dev, link.patient_id, seq, measured_at, score, vitals, decision,
                              SUBSYSTEMS[priority])  # line 12: the clinical subsystem
        ehr_error = None
        try:
            self.ehr.add_observation(patient_id=link.patient_id, device_id=dev, seq=seq,
                                     measured_at=_iso(measured_at), vitals=_vitals_dict(vitals),
                                     anomaly_score=score, priority=priority, news2=decision.news2.score,
                                     subsystem=delivered.subsystem)  # line 13 (buffered)
        except Exception as error:  # noqa: BLE001 - raised below, after the staff are told
            ehr_error = error
        if decision.alert:  # lines 14-16: the alert commits itself and the observation, then notifies
            self._alert(Alert("clinical", decision.level, decision.roles,
                              f"{link.patient_id}: {decision.cause} alert, NEWS2 {decision.news2.score:g} "
                              f"({decision.news2.risk}), anomaly {score:.2f} ({priority})",
                              link.patient_id, dev, seq, decision.cause, 0.0), arrived)
        if ehr_error is not None:  # an EHR failure never silences the alert; receive() reports it
            raise ehr_error
        return delivered

    def close(self) -> None:
        """Flush and close the EHR (a clean gateway stop)."""
        with self._lock:
            self.ehr.audit("gateway-stop", json.dumps(dict(self.counts), sort_keys=True))
            self.ehr.close()

    def __enter__(self) -> WardGateway:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decode(plaintext: bytes) -> tuple[float, float, Vitals]:
    data = json.loads(plaintext)
    if not isinstance(data, dict) or set(data) != {"t", "score", "vitals"}:
        raise ValueError("expected the keys t, score, vitals")
    measured_at, score = data["t"], data["score"]
    for name, value in (("t", measured_at), ("score", score)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{name} must be a finite number")
        if type(value) is int and not -(1 << 53) <= value <= 1 << 53:
            raise ValueError(f"{name} is out of range")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number")
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"anomaly score {score} is outside [0, 1]")
    return float(measured_at), float(score), Vitals.from_dict(data["vitals"])


def _vitals_dict(vitals: Vitals) -> dict:
    return {name: getattr(vitals, name) for name in vitals.__dataclass_fields__}


def _iso(unix_s: float) -> str:
    from datetime import datetime

    try:
        return datetime.fromtimestamp(unix_s, UTC).isoformat(timespec="microseconds")
    except (OverflowError, OSError, ValueError):
        return f"unix:{unix_s!r}"
