"""Post-quantum layer of the kit (notebook 02).

* :mod:`~pqfl_kit.pqc.kem`      ML-KEM (FIPS 203) key encapsulation
* :mod:`~pqfl_kit.pqc.sig`      ML-DSA (FIPS 204) signatures and long-term identities
* :mod:`~pqfl_kit.pqc.backends` which library runs them: liboqs when installed, else OpenSSL
* :mod:`~pqfl_kit.pqc.ascon`    Ascon-AEAD128 / Hash256 / XOF128 / CXOF128 (NIST SP 800-232)
* :mod:`~pqfl_kit.pqc.channel`  device <-> gateway handshake and sealed packets
* :mod:`~pqfl_kit.pqc.messages` the handshake messages' wire format
* :mod:`~pqfl_kit.pqc.replay`   the RFC 4303 anti-replay window (also used by the hospital gateway)
* :mod:`~pqfl_kit.pqc.errors`   ``ChannelError`` / ``HandshakeError`` and their ``reason`` values
* :mod:`~pqfl_kit.pqc.attacks`  teaching demos: man-in-the-middle, nonce reuse, avalanche
* :mod:`~pqfl_kit.pqc.costs`    sizes, live timings, Ascon vs AES-GCM, energy per byte
* :mod:`~pqfl_kit.pqc.plots`    the notebook's figures (imported by the notebook and app only)

Importing the package takes about 0.3 s (numba and cryptography); liboqs loads on first use.
"""
from __future__ import annotations

from . import ascon, attacks, backends, channel, costs, errors, kem, messages, replay, sig

__all__ = ["ascon", "attacks", "backends", "channel", "costs", "errors", "kem", "messages", "replay", "sig"]
