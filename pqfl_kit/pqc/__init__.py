"""Post-quantum layer of the kit (notebook 02).

* :mod:`~pqfl_kit.pqc.kem`      ML-KEM (FIPS 203) key encapsulation
* :mod:`~pqfl_kit.pqc.sig`      ML-DSA (FIPS 204) signatures and long-term identities
* :mod:`~pqfl_kit.pqc.backends` which library runs them: liboqs when installed, else OpenSSL
* :mod:`~pqfl_kit.pqc.ascon`    Ascon-AEAD128 / Hash256 / XOF128 / CXOF128 (NIST SP 800-232)
* :mod:`~pqfl_kit.pqc.channel`  device <-> gateway handshake and sealed packets
* :mod:`~pqfl_kit.pqc.attacks`  teaching demos: man-in-the-middle, nonce reuse, avalanche
* :mod:`~pqfl_kit.pqc.costs`    sizes, live timings, Ascon vs AES-GCM, energy per byte

Submodules load on first use (``pqfl_kit.pqc.channel`` or ``from pqfl_kit.pqc import channel``),
so importing this package costs nothing: numba and cryptography load only when needed.
"""
from __future__ import annotations

import importlib

__all__ = ["ascon", "attacks", "backends", "channel", "costs", "kem", "sig"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
