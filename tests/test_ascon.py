"""Ascon per NIST SP 800-232: official KAT vectors, properties, input validation, teaching helpers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pqfl_kit.pqc import ascon

DATA = Path(__file__).parent / "data"


def kat(name: str) -> list[dict[str, bytes]]:
    """Parse an official KAT file (blank-line separated records of 'Field = hex')."""
    records = []
    for block in (DATA / f"ascon_ascon{name}_KAT.txt").read_text().strip().split("\n\n"):
        record = {}
        for line in block.strip().splitlines():
            key, _, value = line.partition("=")
            record[key.strip()] = value.strip()
        records.append({k: (int(v) if k == "Count" else bytes.fromhex(v)) for k, v in record.items()})
    return records


AEAD, HASH, XOF, CXOF = kat("aead128"), kat("hash256"), kat("xof128"), kat("cxof128")


def test_kat_files_are_complete_enough():
    assert len(AEAD) == 1089 and len(CXOF) == 1089
    assert len(HASH) >= 300 and len(XOF) >= 300
    assert max(len(r["Msg"]) for r in HASH) == 1024  # long messages are covered too


@pytest.mark.slow
def test_aead_kat_encrypt_and_decrypt():
    for r in AEAD:
        ct = ascon.encrypt(r["Key"], r["Nonce"], r["AD"], r["PT"])
        assert ct == r["CT"], f"Count {r['Count']}"
        assert ascon.decrypt(r["Key"], r["Nonce"], r["AD"], r["CT"]) == r["PT"], f"Count {r['Count']}"


def test_hash256_kat():
    for r in HASH:
        assert ascon.hash256(r["Msg"]) == r["MD"], f"Count {r['Count']}"


def test_xof128_kat_and_prefix_property():
    for r in XOF:
        assert ascon.xof128(r["Msg"], len(r["MD"])) == r["MD"], f"Count {r['Count']}"
    # XOF output of a shorter length is a prefix of the longer one
    first = XOF[5]
    assert ascon.xof128(first["Msg"], 13) == first["MD"][:13]


def test_cxof128_kat():
    for r in CXOF:
        assert ascon.cxof128(r["Msg"], len(r["MD"]), r["Z"]) == r["MD"], f"Count {r['Count']}"


def test_recipes_first_vectors():
    key, nonce = bytes(range(16)), bytes(range(16, 32))
    assert ascon.encrypt(key, nonce, b"", b"").hex().upper() == "4F9C278211BEC9316BF68F46EE8B2EC6"
    assert ascon.encrypt(key, nonce, b"\x30", b"").hex().upper() == "CCCB674FE18A09A285D6AB11B35675C0"


def test_accepts_bytearray_and_memoryview():
    r = AEAD[100]
    ct = ascon.encrypt(bytearray(r["Key"]), memoryview(r["Nonce"]), bytearray(r["AD"]), memoryview(r["PT"]))
    assert ct == r["CT"]


@settings(max_examples=60, deadline=None)
@given(key=st.binary(min_size=16, max_size=16), nonce=st.binary(min_size=16, max_size=16),
       ad=st.binary(max_size=70), pt=st.binary(max_size=70))
def test_round_trip(key, nonce, ad, pt):
    ct = ascon.encrypt(key, nonce, ad, pt)
    assert len(ct) == len(pt) + ascon.TAG_SIZE
    assert ascon.decrypt(key, nonce, ad, ct) == pt


@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 40])
def test_every_single_bit_flip_is_rejected(length):
    key, nonce, ad = bytes(range(16)), bytes(range(16, 32)), b"hdr"
    pt = bytes(range(length))
    ct = ascon.encrypt(key, nonce, ad, pt)
    for where, data in (("ct", ct), ("ad", ad), ("key", key), ("nonce", nonce)):
        for bit in range(8 * len(data)):
            flipped = bytearray(data)
            flipped[bit // 8] ^= 1 << (bit % 8)
            args = {"key": key, "nonce": nonce, "ad": ad, "ct": ct, where: bytes(flipped)}
            with pytest.raises(ascon.InvalidTag):
                ascon.decrypt(args["key"], args["nonce"], args["ad"], args["ct"])


def test_truncated_or_extended_ciphertext_rejected():
    key, nonce = bytes(16), bytes(16)
    ct = ascon.encrypt(key, nonce, b"", b"sensor reading 42")
    for bad in (ct[:-1], ct[1:], ct + b"\x00", b"", ct[:15]):
        with pytest.raises(ascon.InvalidTag):
            ascon.decrypt(key, nonce, b"", bad)


def test_invalid_tag_is_a_value_error():
    assert issubclass(ascon.InvalidTag, ValueError)


@pytest.mark.parametrize("key,nonce,message", [
    (bytes(15), bytes(16), "key must be 16 bytes"),
    (bytes(17), bytes(16), "key must be 16 bytes"),
    (bytes(16), bytes(12), "nonce must be 16 bytes"),
])
def test_bad_key_nonce_lengths(key, nonce, message):
    with pytest.raises(ValueError, match=message):
        ascon.encrypt(key, nonce, b"", b"x")
    with pytest.raises(ValueError, match=message):
        ascon.decrypt(key, nonce, b"", bytes(32))


@pytest.mark.parametrize("args", [
    ("k" * 16, bytes(16), b"", b""), (bytes(16), None, b"", b""),
    (bytes(16), bytes(16), "ad", b""), (bytes(16), bytes(16), b"", [1, 2]),
])
def test_wrong_types(args):
    with pytest.raises(TypeError):
        ascon.encrypt(*args)


def test_hash_and_xof_input_checks():
    with pytest.raises(TypeError):
        ascon.hash256("text")
    with pytest.raises(TypeError):
        ascon.xof128(b"", 2.5)
    with pytest.raises(ValueError):
        ascon.xof128(b"", -1)
    with pytest.raises(ValueError, match="at most 256"):
        ascon.cxof128(b"", 16, bytes(257))
    assert ascon.xof128(b"abc", 0) == b""
    assert ascon.cxof128(b"abc", 32, bytes(256)) != ascon.cxof128(b"abc", 32, bytes(255))


def test_domain_separation_between_hash_xof_cxof():
    outs = {ascon.hash256(b"m"), ascon.xof128(b"m", 32), ascon.cxof128(b"m", 32), ascon.cxof128(b"m", 32, b"z")}
    assert len(outs) == 4


def test_permutation_trace_matches_full_permutation():
    state = ascon.initial_state()
    for rounds in (1, 6, 8, 12):
        trace = ascon.permutation_trace(state, rounds)
        assert trace.shape == (rounds + 1, 5)
        assert np.array_equal(trace[0], state)
        assert np.array_equal(trace[-1], ascon.permutation(state, rounds))
    # p[12] is one round more than p[11] started from the same state's first round
    assert not np.array_equal(ascon.permutation(state, 12), ascon.permutation(state, 8))


def test_permutation_input_checks_and_state_bits():
    with pytest.raises(ValueError):
        ascon.permutation(ascon.initial_state(), 0)
    with pytest.raises(ValueError):
        ascon.permutation_trace(np.zeros(4, dtype=np.uint64), 2)
    bits = ascon.state_bits(ascon.initial_state())
    assert bits.shape == (5, 64) and set(np.unique(bits)) <= {0, 1}
    # S0 is the IV 0x00001000808C0001: bit 0 set, bit 1 clear
    assert bits[0, 0] == 1 and bits[0, 1] == 0
    assert int(sum(int(b) << i for i, b in enumerate(bits[0]))) == ascon.IV_AEAD128


def test_differs_from_pre_standard_pyascon():
    """PyPI ascon 0.0.9 is Ascon-128 v1.2: same key/nonce/data, different ciphertext (new IV, byte order)."""
    pyascon = pytest.importorskip("ascon")
    if pyascon.__name__ == ascon.__name__:  # pragma: no cover
        pytest.skip("name clash")
    key, nonce = bytes(range(16)), bytes(range(16, 32))
    old = pyascon.encrypt(key, nonce, b"", b"heart rate 72", "Ascon-128")
    new = ascon.encrypt(key, nonce, b"", b"heart rate 72")
    assert len(old) == len(new) and old != new
