"""Hospital integration layer (notebook 06): paper Section III.C and Algorithm 3.

* :mod:`.packets`: the device -> gateway packet, sealed with the PQC channel (Ascon) or an
  E91-keyed AES-256-GCM + HMAC record (eq. 7).
* :mod:`.priority`: eq. 9 thresholds (validated) and the clinical subsystems.
* :mod:`.cds`: clinical decision support, eq. 10 with NEWS2 (RCP 2017) as reference weights.
* :mod:`.ehr`: the SQLite EHR log (WAL file or in memory): observations, alerts, quarantine, and a
  hash-chained, append-only audit trail; alerts committed before they are notified.
* :mod:`.gateway`: Algorithm 3 per packet, anti-replay window, quarantine, notifications.
* :mod:`.ward`: simulated patients and devices; thresholds calibrated on one ward, evaluated on another.

Nothing heavy is imported here (no Keras/TensorFlow/JAX/Qiskit).
"""
from __future__ import annotations

from .cds import Decision, News2, Vitals, decide, news2
from .ehr import EHR, AuditCheck, utc_now
from .gateway import LANES, REASONS, Alert, Delivered, Quarantined, ReplayWindow, WardGateway
from .packets import Link, Sender, aes_link, channel_link
from .priority import PRIORITIES, SUBSYSTEMS, Thresholds, priority_level, suppress_alarms

__all__ = ["Vitals", "News2", "Decision", "news2", "decide", "EHR", "AuditCheck", "utc_now", "WardGateway",
           "Delivered", "Quarantined", "Alert", "ReplayWindow", "REASONS", "LANES", "Link", "Sender", "aes_link",
           "channel_link", "Thresholds", "priority_level", "suppress_alarms", "PRIORITIES", "SUBSYSTEMS"]
