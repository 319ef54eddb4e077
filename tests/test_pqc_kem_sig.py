"""ML-KEM (FIPS 203) and ML-DSA (FIPS 204) through the kit's interface, on both real backends.

Every test that takes ``pqc_backend`` runs on OpenSSL (cryptography) and on liboqs; the seeded
keys are checked against independent FIPS 203/204 implementations (kyber-py, dilithium-py).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from dilithium_py.ml_dsa import ML_DSA_44, ML_DSA_65, ML_DSA_87
from kyber_py.ml_kem import ML_KEM_512, ML_KEM_768, ML_KEM_1024
from pqc_backends import require_backend

from pqfl_kit.pqc import backends
from pqfl_kit.pqc.kem import KEM_SIZES, Kem, KemError
from pqfl_kit.pqc.sig import SIG_SIZES, SignatureError, generate_identity, verify

KEMS = {"openssl": ["ML-KEM-768", "ML-KEM-1024"], "liboqs": ["ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"]}
SIGS = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"]
SHARED_KEMS = sorted(set(KEMS["openssl"]) & set(KEMS["liboqs"]))
REFERENCE_KEM = {"ML-KEM-512": ML_KEM_512, "ML-KEM-768": ML_KEM_768, "ML-KEM-1024": ML_KEM_1024}
REFERENCE_SIG = {"ML-DSA-44": ML_DSA_44, "ML-DSA-65": ML_DSA_65, "ML-DSA-87": ML_DSA_87}
SEEDS = [bytes(64), bytes(range(64)), bytes.fromhex("5a" * 64)]


def test_kem_round_trip_and_sizes(pqc_backend):
    for algorithm in KEMS[pqc_backend]:
        kem = Kem(algorithm, backend=pqc_backend)
        keys = kem.generate_keypair()
        assert keys.backend == pqc_backend
        sizes = KEM_SIZES[algorithm]
        assert len(keys.public_key) == sizes["public_key"]
        secret, ciphertext = kem.encapsulate(keys.public_key)
        assert len(ciphertext) == sizes["ciphertext"] and len(secret) == 32
        assert kem.decapsulate(keys, ciphertext) == secret
        assert kem.encapsulate(keys.public_key)[0] != secret  # a fresh encapsulation, a fresh secret


def test_kem_seeded_keygen_is_deterministic_and_implicit_rejection(pqc_backend):
    kem = Kem("ML-KEM-768", backend=pqc_backend)
    a, b = kem.generate_keypair(seed=bytes(64)), kem.generate_keypair(seed=bytes(64))
    assert a.public_key == b.public_key
    assert kem.generate_keypair(seed=b"\x01" + bytes(63)).public_key != a.public_key  # d changes ek
    assert kem.generate_keypair(seed=bytes(63) + b"\x01").public_key == a.public_key  # z does not
    secret, ciphertext = kem.encapsulate(a.public_key)
    tampered = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    # FIPS 203 implicit rejection: a changed ciphertext yields an unrelated secret, not an error
    assert kem.decapsulate(a, tampered) != secret
    assert kem.decapsulate(b, ciphertext) == secret  # same seed, same decapsulation key
    assert "_secret" not in repr(a)


def test_kem_input_errors(pqc_backend):
    kem = Kem("ML-KEM-768", backend=pqc_backend)
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
        Kem("ML-KEM-1024", backend=pqc_backend).decapsulate(keys, bytes(1568))
    with pytest.raises(KemError, match="seed"):
        kem.generate_keypair(seed=bytes(10))
    other = "liboqs" if pqc_backend == "openssl" else "openssl"
    if backends.liboqs_available():
        with pytest.raises(ValueError, match=f"on {pqc_backend}"):  # a key object stays with its backend
            Kem("ML-KEM-768", backend=other).decapsulate(keys, bytes(1088))


def test_kem_name_errors():
    with pytest.raises(ValueError, match="unknown KEM"):
        Kem("Kyber-768", backend="openssl")
    with pytest.raises(ValueError, match="unknown backend"):
        Kem("ML-KEM-768", backend="bouncycastle")
    with pytest.raises(TypeError):
        Kem("ML-KEM-768", backend=3)
    with pytest.raises(ValueError, match="use liboqs"):
        Kem("ML-KEM-512", backend="openssl")


def test_sign_verify_and_sizes(pqc_backend):
    for algorithm in SIGS:
        me = generate_identity("pump-7", algorithm, backend=pqc_backend)
        assert me.backend == pqc_backend and len(me.public_key) == SIG_SIZES[algorithm]["public_key"]
        signature = me.sign(b"model update round 3", context=b"fl")
        assert len(signature) == SIG_SIZES[algorithm]["signature"]
        verify(me.public_key, b"model update round 3", signature, algorithm, context=b"fl", backend=pqc_backend)
        with pytest.raises(SignatureError):
            verify(me.public_key, b"model update round 4", signature, algorithm, context=b"fl", backend=pqc_backend)
        with pytest.raises(SignatureError):  # the context is bound too
            verify(me.public_key, b"model update round 3", signature, algorithm, context=b"xx", backend=pqc_backend)
        with pytest.raises(SignatureError):  # and an empty context is a context too
            verify(me.public_key, b"model update round 3", signature, algorithm, backend=pqc_backend)
        other = generate_identity("pump-8", algorithm, backend=pqc_backend)
        with pytest.raises(SignatureError):
            verify(other.public_key, b"model update round 3", signature, algorithm, context=b"fl", backend=pqc_backend)


def test_every_signature_bit_matters_sampled(pqc_backend):
    me = generate_identity("ward", "ML-DSA-44", backend=pqc_backend)
    sig = me.sign(b"alert")
    for bit in range(0, 8 * len(sig), 97):
        bad = bytearray(sig)
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(SignatureError):
            verify(me.public_key, b"alert", bytes(bad), "ML-DSA-44", backend=pqc_backend)


def test_identity_seed_and_errors(pqc_backend):
    a = generate_identity("a", seed=bytes(32), backend=pqc_backend)
    b = generate_identity("b", seed=bytes(32), backend=pqc_backend)
    assert a.public_key == b.public_key and a.fingerprint == b.fingerprint and len(a.fingerprint) == 16
    assert generate_identity("c", seed=b"\x01" + bytes(31), backend=pqc_backend).public_key != a.public_key
    verify(a.public_key, b"x", b.sign(b"x"), backend=pqc_backend)  # same seed, same signing key
    with pytest.raises(ValueError, match="32 bytes"):
        generate_identity("a", seed=bytes(31), backend=pqc_backend)
    with pytest.raises(ValueError, match="unknown signature"):
        generate_identity("a", "Dilithium3", backend=pqc_backend)
    with pytest.raises(TypeError):
        generate_identity("", backend=pqc_backend)
    with pytest.raises(TypeError):
        a.sign("text")
    with pytest.raises(ValueError, match="255"):
        a.sign(b"x", context=bytes(256))
    with pytest.raises(SignatureError, match="3309 bytes"):
        verify(a.public_key, b"x", b"short", backend=pqc_backend)
    with pytest.raises(SignatureError, match="1952 bytes"):
        verify(a.public_key[:-1], b"x", a.sign(b"x"), backend=pqc_backend)


@pytest.mark.parametrize("seed", SEEDS, ids=["zeros", "counting", "5a"])
def test_seeded_keys_equal_an_independent_fips_implementation(pqc_backend, seed):
    """FIPS 203 KeyGen(d||z) and FIPS 204 KeyGen(xi): one seed, one key, on every implementation."""
    for algorithm in KEMS[pqc_backend]:
        ek, dk = REFERENCE_KEM[algorithm].key_derive(seed)
        ours = Kem(algorithm, backend=pqc_backend)
        assert ours.generate_keypair(seed=seed).public_key == ek, algorithm
        secret, ciphertext = ours.encapsulate(ek)  # our encapsulation opens with kyber-py's dk
        assert REFERENCE_KEM[algorithm].decaps(dk, ciphertext) == secret, algorithm
    xi = seed[:32]
    for algorithm in SIGS:
        pk, _ = REFERENCE_SIG[algorithm].key_derive(xi)
        me = generate_identity("x", algorithm, seed=xi, backend=pqc_backend)
        assert me.public_key == pk, algorithm
        assert REFERENCE_SIG[algorithm].verify(pk, b"vitals", me.sign(b"vitals", context=b"ctx"), ctx=b"ctx")


def test_liboqs_and_openssl_interoperate():
    """Both directions, every parameter set the two backends share, seeded and fresh keys."""
    for name in backends.BACKENDS:
        require_backend(name)
    for algorithm in SHARED_KEMS:
        for maker, user in (("openssl", "liboqs"), ("liboqs", "openssl")):
            for seed in (None, SEEDS[1]):
                keys = Kem(algorithm, backend=maker).generate_keypair(seed=seed)
                secret, ciphertext = Kem(algorithm, backend=user).encapsulate(keys.public_key)
                assert Kem(algorithm, backend=maker).decapsulate(keys, ciphertext) == secret
        assert (Kem(algorithm, backend="openssl").generate_keypair(seed=SEEDS[2]).public_key
                == Kem(algorithm, backend="liboqs").generate_keypair(seed=SEEDS[2]).public_key)
    for algorithm in SIGS:
        for maker, user in (("openssl", "liboqs"), ("liboqs", "openssl")):
            for seed in (None, bytes(range(32))):
                me = generate_identity("x", algorithm, seed=seed, backend=maker)
                signature = me.sign(b"m", context=b"c")
                verify(me.public_key, b"m", signature, algorithm, context=b"c", backend=user)
                with pytest.raises(SignatureError):
                    verify(me.public_key, b"n", signature, algorithm, context=b"c", backend=user)
        assert (generate_identity("x", algorithm, seed=bytes(32), backend="openssl").public_key
                == generate_identity("x", algorithm, seed=bytes(32), backend="liboqs").public_key)


def test_signature_error_is_a_value_error():
    assert issubclass(SignatureError, ValueError)


def _python(code: str, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"OQS_INSTALL_PATH", backends.ENV_BACKEND}}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**environ, **env}, check=False)


def test_backend_detection_never_imports_oqs_without_liboqs(tmp_path):
    """With no liboqs where the user points, `oqs` (which would start a download) is never imported."""
    code = ("import sys; from pqfl_kit.pqc import backends; b = backends.active_backend(); "
            "print(b, 'oqs' in sys.modules); print(backends.backend_notice())")
    out = _python(code, OQS_INSTALL_PATH=str(tmp_path))
    assert out.returncode == 0, out.stderr
    first, notice = out.stdout.splitlines()
    assert first == "openssl False"
    assert "liboqs is not installed here" in notice and "make liboqs" in notice
    asked = _python("from pqfl_kit.pqc.kem import Kem; Kem('ML-KEM-768', backend='liboqs')",
                    OQS_INSTALL_PATH=str(tmp_path))
    assert asked.returncode != 0 and "BackendUnavailable" in asked.stderr
    assert "make liboqs" in asked.stderr and "backend='openssl'" in asked.stderr


def test_a_broken_liboqs_falls_back_to_openssl_and_says_so_once(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "liboqs.so").write_bytes(b"not a shared library")
    code = ("from pqfl_kit.pqc import backends; from pqfl_kit.pqc.channel import connect_pair\n"
            "print(backends.active_backend(), backends.active_backend())\n"
            "d, g = connect_pair(seed=1); print(g.open(d.seal(b'ok')).decode(), d.info.backend)")
    out = _python(code, OQS_INSTALL_PATH=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["openssl", "openssl", "ok", "openssl"]
    assert out.stderr.count("does not load") == 1 and "ML-KEM/ML-DSA run on OpenSSL" in out.stderr
    forced = _python("from pqfl_kit.pqc.channel import connect_pair; connect_pair()",
                     OQS_INSTALL_PATH=str(tmp_path), **{backends.ENV_BACKEND: "liboqs"})
    assert forced.returncode != 0 and "does not load" in forced.stderr  # asked for liboqs: no silent switch


def test_liboqs_prints_nothing():
    """liboqs-python's start-up line ("faulthandler is disabled") must not reach notebooks or tests."""
    require_backend("liboqs")
    code = ("from pqfl_kit.pqc.channel import connect_pair; from pqfl_kit.pqc import backends\n"
            "d, g = connect_pair(seed=3); g.open(d.seal(b'x')); import oqs; assert d.info.backend == 'liboqs'")
    out = _python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "" and out.stderr == ""


def test_env_variable_picks_the_backend():
    for name in backends.BACKENDS:
        require_backend(name)
        out = _python("from pqfl_kit.pqc.channel import connect_pair; print(connect_pair()[0].info.backend)",
                      **{backends.ENV_BACKEND: name})
        assert out.stdout.strip() == name, out.stderr
    bad = _python("from pqfl_kit.pqc.kem import Kem; Kem()", **{backends.ENV_BACKEND: "bouncycastle"})
    assert bad.returncode != 0 and "unknown backend" in bad.stderr


def test_importing_pqc_loads_no_liboqs_and_no_heavy_framework():
    """``import pqfl_kit.pqc`` loads its light submodules (numba, cryptography) but not liboqs-python,
    which starts only when a liboqs key is made, and no machine-learning or quantum framework."""
    code = ("import sys, pqfl_kit.pqc; print(sorted(m for m in ('oqs', 'keras', 'jax', 'tensorflow', 'qiskit') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_cost_timings_run_on_the_backend_asked_for(pqc_backend):
    from pqfl_kit.pqc import costs

    timings = costs.time_operations(repeat=1, number=1, include_rsa=False, backend=pqc_backend)
    assert all(ms > 0 for ms in timings.values()) and "full handshake (both sides)" in timings
    rows = costs.compare_backends(repeat=1, number=1)
    assert [r["operation"] for r in rows][:2] == ["ML-KEM-768 keygen", "ML-KEM-768 encaps"]
    assert all(set(r) == {"operation", *[b for b in backends.BACKENDS if b == "openssl" or backends.liboqs_available()]}
               for r in rows)
