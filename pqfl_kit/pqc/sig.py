"""ML-DSA signatures (NIST FIPS 204) and long-term identities, two real backends.

FIPS 204 Sec. 5 defines ``ML-DSA.KeyGen``, ``ML-DSA.Sign(sk, M, ctx)`` and
``ML-DSA.Verify(pk, M, sigma, ctx)`` (pure ML-DSA, context string up to 255 bytes). Here:

* :func:`generate_identity` -> an :class:`Identity` (a named key pair; optionally from the
  32-byte seed xi of Sec. 6.1 for reproducible teaching keys) with :meth:`Identity.sign`;
* :func:`verify` raises :class:`SignatureError` when a signature does not verify (after
  pyca/cryptography: ``verify`` raises instead of returning False).

Public keys and signatures are bytes in the standard's encoding and move between backends.
The federated-learning layer uses identities to sign model updates; the secure channel uses
them for mutual authentication with pinned public keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import backends

__all__ = ["SIG_SIZES", "Identity", "SignatureError", "generate_identity", "verify", "fingerprint"]

# Byte sizes from FIPS 204 Table 2: public key, private key, signature.
SIG_SIZES: dict[str, dict[str, int]] = {
    "ML-DSA-44": {"public_key": 1312, "secret_key": 2560, "signature": 2420},
    "ML-DSA-65": {"public_key": 1952, "secret_key": 4032, "signature": 3309},
    "ML-DSA-87": {"public_key": 2592, "secret_key": 4896, "signature": 4627},
}
_OPENSSL_CLASSES = {"ML-DSA-44": "MLDSA44", "ML-DSA-65": "MLDSA65", "ML-DSA-87": "MLDSA87"}
SEED_SIZE = 32       # xi, FIPS 204 Sec. 6.1
MAX_CONTEXT = 255    # bytes, FIPS 204 Sec. 5.2


class SignatureError(ValueError):
    """A signature did not verify (wrong key, changed message or context, or forged signature)."""


def _check_algorithm(algorithm) -> str:
    if not isinstance(algorithm, str):
        raise TypeError(f"algorithm must be a string like 'ML-DSA-65', got {type(algorithm).__name__}")
    if algorithm not in SIG_SIZES:
        raise ValueError(f"unknown signature scheme {algorithm!r}: choose one of {', '.join(SIG_SIZES)}")
    return algorithm


def _as_bytes(value, name: str) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes, got {type(value).__name__}")
    return bytes(value)


def _check_context(context) -> bytes:
    context = _as_bytes(context, "context")
    if len(context) > MAX_CONTEXT:
        raise ValueError(f"context must be at most {MAX_CONTEXT} bytes (FIPS 204), got {len(context)}")
    return context


def fingerprint(public_key: bytes, length: int = 8) -> str:
    """A short hex fingerprint (SHA-256 prefix) of a public key, for showing pinned identities."""
    import hashlib

    return hashlib.sha256(_as_bytes(public_key, "public_key")).hexdigest()[: 2 * length]


@dataclass(frozen=True)
class Identity:
    """A long-term ML-DSA identity: a name, the public key to pin, and a hidden signing key."""

    name: str
    algorithm: str
    backend: str
    public_key: bytes
    _secret: Any = field(repr=False, compare=False)

    def sign(self, message: bytes, context: bytes = b"") -> bytes:
        """ML-DSA.Sign (FIPS 204 Alg. 2; hedged, so two signatures of one message differ)."""
        message = _as_bytes(message, "message")
        context = _check_context(context)
        if self.backend == backends.OPENSSL:
            return self._secret.sign(message, context or None)
        return bytes(self._secret.sign_with_ctx_str(message, context) if context else self._secret.sign(message))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def generate_identity(name: str = "device", algorithm: str = "ML-DSA-65", *, seed: bytes | None = None,
                      backend: str | None = None) -> Identity:
    """ML-DSA.KeyGen (FIPS 204 Alg. 1) wrapped as a named identity; ``seed`` = 32-byte xi."""
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    algorithm = _check_algorithm(algorithm)
    backend = backends.resolve(backend)
    if seed is not None:
        seed = _as_bytes(seed, "seed")
        if len(seed) != SEED_SIZE:
            raise ValueError(f"an ML-DSA seed is {SEED_SIZE} bytes, got {len(seed)}")
    if backend == backends.OPENSSL:
        from cryptography.hazmat.primitives.asymmetric import mldsa

        cls = getattr(mldsa, _OPENSSL_CLASSES[algorithm] + "PrivateKey")
        key = cls.from_seed_bytes(seed) if seed is not None else cls.generate()
        return Identity(name, algorithm, backend, key.public_key().public_bytes_raw(), key)
    oqs = backends.oqs_module()
    if seed is None:
        signer = oqs.Signature(algorithm)
        public = signer.generate_keypair()
    else:
        public, secret = _liboqs_keygen_from_seed(oqs, algorithm, seed)
        signer = oqs.Signature(algorithm, secret_key=secret)
    return Identity(name, algorithm, backend, bytes(public), signer)


def _liboqs_keygen_from_seed(oqs, algorithm: str, seed: bytes) -> tuple[bytes, bytes]:
    """ML-DSA.KeyGen_internal(xi) (FIPS 204 Alg. 6) run by liboqs itself.

    liboqs-python 0.16.0.1 offers no seeded ML-DSA key generation, and liboqs's OQS_SIG API has no
    derandomized keypair. liboqs 0.16 does export the step its ``OQS_SIG_ml_dsa_*_keypair`` runs
    after drawing xi: mldsa-native's ``keypair_internal(pk, sk, xi)``, built in every liboqs as the
    portable C variant. We call it through the library handle liboqs-python already loaded, then
    sign with the returned secret key through liboqs-python as usual (its fast AVX2/NEON code).
    The tests check the keys against OpenSSL's and dilithium-py's KeyGen for the same xi.
    """
    import ctypes

    level = algorithm.rsplit("-", 1)[1]
    keygen = getattr(oqs.native(), f"PQCP_MLDSA_NATIVE_MLDSA{level}_C_keypair_internal", None)
    if keygen is None:
        raise backends.BackendUnavailable(
            f"this liboqs ({backends.liboqs_status()}) has no seeded {algorithm} key generation: the kit "
            f"needs liboqs {backends.LIBOQS_VERSION}; or pass backend='openssl' for seeded identities")
    keygen.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    keygen.restype = ctypes.c_int
    sizes = SIG_SIZES[algorithm]
    public = ctypes.create_string_buffer(sizes["public_key"])
    secret = ctypes.create_string_buffer(sizes["secret_key"])
    if keygen(public, secret, seed) != 0:
        raise RuntimeError(f"liboqs {algorithm} key generation failed")
    return public.raw, secret.raw


def verify(public_key: bytes, message: bytes, signature: bytes, algorithm: str = "ML-DSA-65", *,
           context: bytes = b"", backend: str | None = None) -> None:
    """ML-DSA.Verify (FIPS 204 Alg. 3). Returns ``None`` when valid, raises :class:`SignatureError`
    otherwise (never returns False)."""
    algorithm = _check_algorithm(algorithm)
    backend = backends.resolve(backend)
    public_key = _as_bytes(public_key, "public_key")
    message = _as_bytes(message, "message")
    signature = _as_bytes(signature, "signature")
    context = _check_context(context)
    sizes = SIG_SIZES[algorithm]
    if len(public_key) != sizes["public_key"]:
        raise SignatureError(f"{algorithm} public key must be {sizes['public_key']} bytes, got {len(public_key)}")
    if len(signature) != sizes["signature"]:
        raise SignatureError(f"{algorithm} signature must be {sizes['signature']} bytes, got {len(signature)}")
    if backend == backends.OPENSSL:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric import mldsa

        try:
            key = getattr(mldsa, _OPENSSL_CLASSES[algorithm] + "PublicKey").from_public_bytes(public_key)
            key.verify(signature, message, context or None)
        except (InvalidSignature, ValueError):
            raise SignatureError(f"{algorithm} signature does not verify with this public key") from None
        return
    oqs = backends.oqs_module()
    with oqs.Signature(algorithm) as verifier:
        ok = (verifier.verify_with_ctx_str(message, signature, context, public_key) if context
              else verifier.verify(message, signature, public_key))
    if not ok:
        raise SignatureError(f"{algorithm} signature does not verify with this public key")
