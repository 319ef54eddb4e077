"""ML-KEM key encapsulation (NIST FIPS 203) behind one small interface, two real backends.

FIPS 203 Sec. 7 defines three algorithms, mirrored here:

* ``ML-KEM.KeyGen() -> (ek, dk)``      -> :meth:`Kem.generate_keypair` (optionally from the
  64-byte seed ``d || z`` of Sec. 6.1, for reproducible teaching keys)
* ``ML-KEM.Encaps(ek) -> (K, c)``      -> :meth:`Kem.encapsulate` (same order: secret first)
* ``ML-KEM.Decaps(dk, c) -> K``        -> :meth:`Kem.decapsulate`

Public keys (encapsulation keys), ciphertexts and shared secrets are plain ``bytes`` in the
standard's encoding, so they move between backends: a key made by OpenSSL is accepted by
liboqs and vice versa. Decapsulation keys stay backend objects inside :class:`KemKeyPair`.
Backends: see :mod:`pqfl_kit.pqc.backends` (openssl supports ML-KEM-768/1024; liboqs adds 512).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import backends

__all__ = ["KEM_SIZES", "Kem", "KemKeyPair", "KemError"]

# Byte sizes from FIPS 203 Table 3: (encapsulation key, decapsulation key, ciphertext, shared secret).
KEM_SIZES: dict[str, dict[str, int]] = {
    "ML-KEM-512": {"public_key": 800, "secret_key": 1632, "ciphertext": 768, "shared_secret": 32},
    "ML-KEM-768": {"public_key": 1184, "secret_key": 2400, "ciphertext": 1088, "shared_secret": 32},
    "ML-KEM-1024": {"public_key": 1568, "secret_key": 3168, "ciphertext": 1568, "shared_secret": 32},
}
_OPENSSL_CLASSES = {"ML-KEM-768": "MLKEM768", "ML-KEM-1024": "MLKEM1024"}
SEED_SIZE = 64  # d || z, FIPS 203 Sec. 6.1


class KemError(ValueError):
    """A KEM input was malformed (wrong length or type of key or ciphertext)."""


@dataclass(frozen=True)
class KemKeyPair:
    """A key pair: ``public_key`` is the encoded encapsulation key; the secret part stays hidden."""

    algorithm: str
    backend: str
    public_key: bytes
    _secret: Any = field(repr=False, compare=False)


def _check_bytes(value, name: str, size: int, algorithm: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes, got {type(value).__name__}")
    value = bytes(value)
    if len(value) != size:
        raise KemError(f"{algorithm} {name} must be {size} bytes, got {len(value)}")
    return value


class Kem:
    """One ML-KEM parameter set on one backend, e.g. ``Kem("ML-KEM-768")``."""

    def __init__(self, algorithm: str = "ML-KEM-768", backend: str | None = None):
        if not isinstance(algorithm, str):
            raise TypeError(f"algorithm must be a string like 'ML-KEM-768', got {type(algorithm).__name__}")
        if algorithm not in KEM_SIZES:
            raise ValueError(f"unknown KEM {algorithm!r}: choose one of {', '.join(KEM_SIZES)}")
        self.backend = backends.resolve(backend)
        if self.backend == backends.OPENSSL and algorithm not in _OPENSSL_CLASSES:
            raise ValueError(f"{algorithm} is not in OpenSSL's ML-KEM set ({', '.join(_OPENSSL_CLASSES)}); "
                             "use liboqs for it")
        self.algorithm = algorithm
        self.sizes = KEM_SIZES[algorithm]
        if self.backend == backends.OPENSSL:
            from cryptography.hazmat.primitives.asymmetric import mlkem

            self._private_cls = getattr(mlkem, _OPENSSL_CLASSES[algorithm] + "PrivateKey")
            self._public_cls = getattr(mlkem, _OPENSSL_CLASSES[algorithm] + "PublicKey")

    def __repr__(self) -> str:
        return f"Kem({self.algorithm!r}, backend={self.backend!r})"

    def generate_keypair(self, seed: bytes | None = None) -> KemKeyPair:
        """ML-KEM.KeyGen (FIPS 203 Alg. 19); with ``seed`` (64 bytes d || z) it is deterministic."""
        if seed is not None:
            seed = _check_bytes(seed, "seed", SEED_SIZE, self.algorithm)
        if self.backend == backends.OPENSSL:
            key = self._private_cls.from_seed_bytes(seed) if seed is not None else self._private_cls.generate()
            return KemKeyPair(self.algorithm, self.backend, key.public_key().public_bytes_raw(), key)
        oqs = backends.oqs_module()
        kem = oqs.KeyEncapsulation(self.algorithm)
        if seed is not None:
            # OQS_KEM_keypair_derand: ML-KEM.KeyGen_internal(d, z), FIPS 203 Alg. 16
            public = kem.generate_keypair_seed(seed)
        else:
            public = kem.generate_keypair()
        return KemKeyPair(self.algorithm, self.backend, bytes(public), kem)

    def encapsulate(self, public_key: bytes) -> tuple[bytes, bytes]:
        """ML-KEM.Encaps (FIPS 203 Alg. 20): returns ``(shared_secret, ciphertext)``."""
        public_key = _check_bytes(public_key, "public key", self.sizes["public_key"], self.algorithm)
        if self.backend == backends.OPENSSL:
            try:
                key = self._public_cls.from_public_bytes(public_key)
            except ValueError as error:  # FIPS 203 Sec. 7.2 input check (modulus check)
                raise KemError(f"invalid {self.algorithm} public key: {error}") from None
            return key.encapsulate()
        oqs = backends.oqs_module()
        with oqs.KeyEncapsulation(self.algorithm) as kem:
            ciphertext, secret = kem.encap_secret(public_key)
        return bytes(secret), bytes(ciphertext)

    def decapsulate(self, keypair: KemKeyPair, ciphertext: bytes) -> bytes:
        """ML-KEM.Decaps (FIPS 203 Alg. 21): the shared secret. A wrong-but-well-formed ciphertext
        gives an unrelated secret (implicit rejection), which the channel's transcript signature
        and AEAD then catch."""
        if not isinstance(keypair, KemKeyPair):
            raise TypeError(f"keypair must be a KemKeyPair from generate_keypair(), got {type(keypair).__name__}")
        if keypair.algorithm != self.algorithm or keypair.backend != self.backend:
            raise ValueError(f"keypair is {keypair.algorithm} on {keypair.backend}, this KEM is "
                             f"{self.algorithm} on {self.backend}")
        ciphertext = _check_bytes(ciphertext, "ciphertext", self.sizes["ciphertext"], self.algorithm)
        if self.backend == backends.OPENSSL:
            try:
                return keypair._secret.decapsulate(ciphertext)
            except ValueError as error:
                raise KemError(f"invalid {self.algorithm} ciphertext: {error}") from None
        return bytes(keypair._secret.decap_secret(ciphertext))
