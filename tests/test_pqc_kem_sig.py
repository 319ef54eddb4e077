"""ML-KEM (FIPS 203) and ML-DSA (FIPS 204) through the kit's interface, on real backends."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pqfl_kit.pqc import backends
from pqfl_kit.pqc.kem import KEM_SIZES, Kem, KemError
from pqfl_kit.pqc.sig import SIG_SIZES, SignatureError, generate_identity, verify

OPENSSL_KEMS = ["ML-KEM-768", "ML-KEM-1024"]
OPENSSL_SIGS = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"]


@pytest.mark.parametrize("algorithm", OPENSSL_KEMS)
def test_kem_round_trip_and_sizes(algorithm):
    kem = Kem(algorithm, backend="openssl")
    keys = kem.generate_keypair()
    sizes = KEM_SIZES[algorithm]
    assert len(keys.public_key) == sizes["public_key"]
    secret, ciphertext = kem.encapsulate(keys.public_key)
    assert len(ciphertext) == sizes["ciphertext"] and len(secret) == 32
    assert kem.decapsulate(keys, ciphertext) == secret
    # a fresh encapsulation gives a fresh secret
    assert kem.encapsulate(keys.public_key)[0] != secret


def test_kem_seeded_keygen_is_deterministic_and_implicit_rejection():
    kem = Kem("ML-KEM-768", backend="openssl")
    a, b = kem.generate_keypair(seed=bytes(64)), kem.generate_keypair(seed=bytes(64))
    assert a.public_key == b.public_key
    assert kem.generate_keypair(seed=b"\x01" + bytes(63)).public_key != a.public_key  # d changes ek
    assert kem.generate_keypair(seed=bytes(63) + b"\x01").public_key == a.public_key  # z does not
    secret, ciphertext = kem.encapsulate(a.public_key)
    tampered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    # FIPS 203 implicit rejection: a changed ciphertext yields an unrelated secret, not an error
    assert kem.decapsulate(a, tampered) != secret
    assert "_secret" not in repr(a)


def test_kem_input_errors():
    kem = Kem("ML-KEM-768", backend="openssl")
    keys = kem.generate_keypair()
    with pytest.raises(KemError, match="1184 bytes"):
        kem.encapsulate(keys.public_key[:-1])
    with pytest.raises(KemError, match="1088 bytes"):
        kem.decapsulate(keys, bytes(10))
    with pytest.raises(TypeError):
        kem.encapsulate("not bytes")
    with pytest.raises(TypeError):
        kem.decapsulate(keys.public_key, bytes(1088))
    with pytest.raises(ValueError, match="1024"):
        Kem("ML-KEM-1024", backend="openssl").decapsulate(keys, bytes(1568))
    with pytest.raises(ValueError, match="unknown KEM"):
        Kem("Kyber-768")
    with pytest.raises(ValueError, match="unknown backend"):
        Kem("ML-KEM-768", backend="bouncycastle")
    with pytest.raises(KemError, match="seed"):
        kem.generate_keypair(seed=bytes(10))


def test_ml_kem_512_needs_liboqs():
    if backends.liboqs_available():
        pytest.skip("liboqs present: ML-KEM-512 is available")
    with pytest.raises(ValueError, match="liboqs"):
        Kem("ML-KEM-512", backend="openssl")
    with pytest.raises(ValueError, match="not installed"):
        Kem("ML-KEM-768", backend="liboqs")


@pytest.mark.parametrize("algorithm", OPENSSL_SIGS)
def test_sign_verify_and_sizes(algorithm):
    me = generate_identity("pump-7", algorithm, backend="openssl")
    assert len(me.public_key) == SIG_SIZES[algorithm]["public_key"]
    signature = me.sign(b"model update round 3", context=b"fl")
    assert len(signature) == SIG_SIZES[algorithm]["signature"]
    verify(me.public_key, b"model update round 3", signature, algorithm, context=b"fl", backend="openssl")
    with pytest.raises(SignatureError):
        verify(me.public_key, b"model update round 4", signature, algorithm, context=b"fl")
    with pytest.raises(SignatureError):  # the context is bound too
        verify(me.public_key, b"model update round 3", signature, algorithm, context=b"xx")
    other = generate_identity("pump-8", algorithm, backend="openssl")
    with pytest.raises(SignatureError):
        verify(other.public_key, b"model update round 3", signature, algorithm, context=b"fl")


def test_every_signature_bit_matters_sampled():
    me = generate_identity("ward", "ML-DSA-44", backend="openssl")
    sig = me.sign(b"alert")
    for bit in range(0, 8 * len(sig), 97):
        bad = bytearray(sig)
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(SignatureError):
            verify(me.public_key, b"alert", bytes(bad), "ML-DSA-44")


def test_identity_seed_and_errors():
    a = generate_identity("a", seed=bytes(32), backend="openssl")
    b = generate_identity("b", seed=bytes(32), backend="openssl")
    assert a.public_key == b.public_key and a.fingerprint == b.fingerprint and len(a.fingerprint) == 16
    with pytest.raises(ValueError, match="32 bytes"):
        generate_identity("a", seed=bytes(31))
    with pytest.raises(ValueError, match="unknown signature"):
        generate_identity("a", "Dilithium3")
    with pytest.raises(TypeError):
        generate_identity("")
    with pytest.raises(TypeError):
        a.sign("text")
    with pytest.raises(ValueError, match="255"):
        a.sign(b"x", context=bytes(256))
    with pytest.raises(SignatureError, match="3309 bytes"):
        verify(a.public_key, b"x", b"short")
    with pytest.raises(SignatureError, match="1952 bytes"):
        verify(a.public_key[:-1], b"x", a.sign(b"x"))


def test_signature_error_is_a_value_error():
    assert issubclass(SignatureError, ValueError)


def test_backend_detection_never_imports_oqs_without_liboqs():
    code = ("import sys; from pqfl_kit.pqc import backends; b = backends.active_backend(); "
            "print(b, 'oqs' in sys.modules, backends._liboqs_library_present())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    name, imported, present = out.stdout.split()
    assert name in backends.BACKENDS
    if present == "False":
        assert name == "openssl" and imported == "False"
    assert "openssl" in backends.backend_notice() or "liboqs" in backends.backend_notice()


def test_importing_pqc_is_light():
    code = "import sys, pqfl_kit.pqc; print(any(m in sys.modules for m in ('numba', 'cryptography', 'oqs')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not backends.liboqs_available(), reason="liboqs is not installed here (not in Debian)")
def test_liboqs_and_openssl_interoperate():
    for algorithm in OPENSSL_KEMS:
        for maker, user in (("openssl", "liboqs"), ("liboqs", "openssl")):
            keys = Kem(algorithm, backend=maker).generate_keypair()
            secret, ciphertext = Kem(algorithm, backend=user).encapsulate(keys.public_key)
            assert Kem(algorithm, backend=maker).decapsulate(keys, ciphertext) == secret
    for algorithm in OPENSSL_SIGS:
        for maker, user in (("openssl", "liboqs"), ("liboqs", "openssl")):
            me = generate_identity("x", algorithm, backend=maker)
            verify(me.public_key, b"m", me.sign(b"m", context=b"c"), algorithm, context=b"c", backend=user)
