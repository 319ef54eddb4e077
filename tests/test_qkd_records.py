"""The record API other modules use with an E91 key: AES-256-GCM + HMAC-SHA256 (HKDF keys)."""
from __future__ import annotations

import os

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pqfl_kit.qkd.records import RECORD_OVERHEAD, RecordError, bits_to_key, derive_record_keys, open_record, seal_record

KEY = bytes(range(32))


def test_round_trip_and_layout():
    packet = seal_record(KEY, b"HR=72;SpO2=98", b"device-7|seq=1")
    assert len(packet) == len(b"HR=72;SpO2=98") + RECORD_OVERHEAD
    assert b"HR=72" not in packet
    assert open_record(KEY, packet, b"device-7|seq=1") == b"HR=72;SpO2=98"


def test_fresh_nonce_per_record():
    assert seal_record(KEY, b"same") != seal_record(KEY, b"same")


def test_ciphertext_is_real_aes_gcm_under_the_hkdf_key():
    enc_key, auth_key = derive_record_keys(KEY)
    assert enc_key != auth_key and len(enc_key) == len(auth_key) == 32 and KEY not in (enc_key, auth_key)
    packet = seal_record(KEY, b"glucose=5.4", b"ad")
    nonce, body = packet[1:13], packet[13:-32]
    assert AESGCM(enc_key).decrypt(nonce, body, b"ad") == b"glucose=5.4"


@pytest.mark.parametrize("position", [0, 5, 20, -1, -20])
def test_any_flipped_byte_raises(position):
    packet = bytearray(seal_record(KEY, b"x" * 16, b"ad"))
    packet[position] ^= 0x01
    with pytest.raises(RecordError):
        open_record(KEY, bytes(packet), b"ad")


def test_wrong_key_wrong_ad_truncation_raise():
    packet = seal_record(KEY, b"payload", b"ad")
    with pytest.raises(RecordError, match="HMAC"):
        open_record(bytes(32), packet, b"ad")
    with pytest.raises(RecordError, match="HMAC"):
        open_record(KEY, packet, b"other")
    with pytest.raises(RecordError, match="short"):
        open_record(KEY, packet[:40], b"ad")


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        seal_record(b"short", b"x")
    with pytest.raises(ValueError, match="256 bits"):  # AES-256 records need a full 256-bit QKD key
        seal_record(bytes(16), b"x")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        open_record(bytes(31), bytes(100))
    assert open_record(bytes(32), seal_record(bytes(32), b"x")) == b"x"
    with pytest.raises(TypeError):
        seal_record("a string key of many characters", b"x")
    with pytest.raises(TypeError):
        seal_record(KEY, "text")


def test_bits_to_key():
    bits = np.array([1, 0, 1, 0, 1, 0, 1, 0] * 16 + [1, 1, 1])
    key = bits_to_key(bits)
    assert key == b"\xaa" * 16
    with pytest.raises(ValueError):
        bits_to_key([0, 2, 1])
    random_bits = np.random.default_rng(1).integers(0, 2, 300)
    assert open_record(bits_to_key(random_bits), seal_record(bits_to_key(random_bits), os.urandom(50)))
