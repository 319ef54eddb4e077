"""The anti-replay sliding window (RFC 4303 Sec. 3.4.3; RFC 9147 Sec. 4.5.1 for DTLS).

A receiver remembers the highest authenticated sequence number and a bitmap of the ``size``
numbers below it. A packet is refused if it was already received ("duplicate") or is ``size`` or
more behind the highest ("out-of-window"). ``accept`` is called only after the packet's integrity
check passed (RFC 4303: update the window only for authenticated packets), so a forged copy
arriving first cannot get the real packet refused. Every operation costs O(size) bits whatever the
jump in sequence numbers. Used by the PQC channel and the hospital gateway.
"""
from __future__ import annotations

from ..limits import whole

__all__ = ["ReplayWindow", "MAX_WINDOW"]

MAX_WINDOW = 4096            # the largest window, packets
_MAX_SEQ = (1 << 64) - 1     # 64-bit sequence numbers


class ReplayWindow:
    """Sliding anti-replay window of ``size`` (1..``MAX_WINDOW``) sequence numbers.

    ``highest`` = -1 (the default) means nothing was received yet; a restored receiver passes its
    last delivered number, and everything up to it then counts as already received. ``max_seq``
    is the largest sequence number the protocol allows (2**64 - 1 by default).
    """

    def __init__(self, size: int = 64, highest: int = -1, *, max_seq: int = _MAX_SEQ) -> None:
        self.size = whole("size (packets)", size, 1, MAX_WINDOW)
        self.max_seq = whole("max_seq", max_seq, 1, _MAX_SEQ)
        self.highest = whole("highest", highest, -1, self.max_seq)
        self._bits = (1 << self.size) - 1 if self.highest >= 0 else 0  # bit i: highest - i was received

    def check(self, seq: int) -> str | None:
        """None if ``seq`` may be delivered, else "duplicate" or "out-of-window". Changes nothing."""
        if seq > self.highest:
            return None
        offset = self.highest - seq
        if offset >= self.size:
            return "out-of-window"
        return "duplicate" if (self._bits >> offset) & 1 else None

    def accept(self, seq: int) -> None:
        """Mark ``seq`` received (call only after the integrity check passed)."""
        if seq > self.highest:
            shift = seq - self.highest
            self._bits = ((self._bits << shift) | 1) & ((1 << self.size) - 1) if shift < self.size else 1
            self.highest = seq
        else:
            self._bits |= 1 << (self.highest - seq)
