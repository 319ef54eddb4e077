"""The errors of the secure channel, each with a machine-readable ``reason``.

Callers (the federated-learning inbox, the hospital gateway, the apps) branch on ``error.reason``,
never on the wording of the message, which is written for people and may change.
"""
from __future__ import annotations

__all__ = ["ChannelError", "HandshakeError", "REASONS"]

REASONS = {
    "malformed": "cannot be parsed: truncated, garbage, wrong sizes, unsupported version or suite",
    "tampered": "failed authentication, or a header that does not belong to this channel",
    "replayed": "a packet already received, or older than the anti-replay window",
    "unknown": "from a peer with no pinned key, no channel or no handshake in progress",
    "forged": "a handshake signature does not verify with the pinned key",
    "exhausted": "this side has used up its sequence numbers: run a new handshake",
}


class ChannelError(Exception):
    """A packet or handshake was rejected; ``reason`` is one of :data:`REASONS`.

    A caller's own integrity check (the ``check`` hook of ``open``) may raise it without a reason:
    a packet that fails a check is "tampered".
    """

    def __init__(self, message: str, reason: str = "tampered"):
        if reason not in REASONS:
            raise ValueError(f"unknown ChannelError reason {reason!r}: choose one of {', '.join(REASONS)}")
        super().__init__(message)
        self.reason = reason


class HandshakeError(ChannelError):
    """The handshake was aborted: a signature failed, the peer is not the pinned one, or a
    handshake message was malformed (``reason`` "forged", "unknown" or "malformed")."""
