"""Exercises of notebook 02 (post-quantum handshake, Ascon): grading, hints, reference solutions."""
from __future__ import annotations

import os

import numpy as np

from ..pqc import ascon
from ..pqc.channel import HEADER_SIZE, OVERHEAD
from . import Exercise, as_bytes, as_whole, register, register_thought, whole_number

# 02.1 ---------------------------------------------------------------------------------
_OVERHEAD_MIX_UPS = {ascon.TAG_SIZE: f"{ascon.TAG_SIZE} bytes is only the Ascon tag: the header travels too",
                     HEADER_SIZE: f"{HEADER_SIZE} bytes is only the header: the Ascon tag is appended too",
                     100 + OVERHEAD: f"{100 + OVERHEAD} bytes is the whole packet: subtract the 100-byte reading"}


def _grade_overhead(answer) -> tuple[bool, str]:
    extra = as_whole(answer, text=True)
    if extra == OVERHEAD:
        return True, f"{HEADER_SIZE}-byte header + {ascon.TAG_SIZE}-byte Ascon tag = {OVERHEAD} bytes per packet."
    if extra in _OVERHEAD_MIX_UPS:
        return False, f"{_OVERHEAD_MIX_UPS[extra]}."
    if abs(extra - OVERHEAD) == 1:
        return False, f"{extra} bytes is off by one: count the header field by field (1 + 8 + 8)."
    return False, f"{extra} bytes is not what a sealed packet adds."


register(Exercise(
    id="02.1", title="What does sealing cost per packet?", kind="value", parse=whole_number,
    question="A 100-byte reading is sealed by the channel. How many bytes longer is the packet than the reading?",
    grade=_grade_overhead, solution=33,
    hint="add up the fields of the packet figure that are not the reading: the header's three fields and the tag."))


# 02.2 ---------------------------------------------------------------------------------
def solution_recover_reading(ciphertext_a: bytes, ciphertext_b: bytes, known_a: bytes) -> bytes:
    """Two readings sealed under the same key and nonce: recover reading B (first block) from A."""
    n = len(known_a)
    return bytes(ca ^ cb ^ pa for ca, cb, pa in zip(ciphertext_a[:n], ciphertext_b[:n], known_a))


def _recover_slip(got: bytes, ct_a: bytes, ct_b: bytes, known: bytes) -> str:
    """What a wrong recovery computed instead (the keystream cancels: C_a xor C_b = P_a xor P_b)."""
    if len(got) != len(known):
        return f"return exactly len(known_a) = {len(known)} bytes, not {len(got)} (the tag is not part of it)"
    if got == bytes(x ^ y for x, y in zip(ct_a, ct_b[:len(known)])):
        return "that is P_a xor P_b: xor it with the reading you know"
    if got == known:
        return "that is the known reading itself"
    return "xor the two ciphertexts and the known reading, byte by byte"


def _grade_recover(fn) -> tuple[bool, str]:
    cases = [(b"HR=072 SpO2=98 ", b"HR=131 SpO2=85 "), (b"T=36.9C", b"T=39.4C"), (b"BP 120/80", b"BP 190/11")]
    for known, secret in cases:
        key, nonce = os.urandom(16), os.urandom(16)
        ct_a, ct_b = ascon.encrypt(key, nonce, b"", known), ascon.encrypt(key, nonce, b"", secret)
        got = as_bytes(fn(ct_a, ct_b, known), f"for the known reading {known!r} you returned")
        if got != secret:
            return False, (f"for the known reading {known!r} you recovered {got!r}, expected {secret!r}: "
                           f"{_recover_slip(got, ct_a, ct_b, known)}.")
    return True, "nonce reuse exposes the XOR of the plaintexts: one known reading reveals the other."


register(Exercise(
    id="02.2", title="Exploit a reused nonce", kind="function",
    question=("Write recover_reading(ciphertext_a, ciphertext_b, known_a): both readings were sealed with "
              "the same key and nonce; return reading B (as long as known_a)."),
    grade=_grade_recover, solution=solution_recover_reading,
    hint="C_a xor C_b = P_a xor P_b on the first block; xor that with the reading you know."))


# 02.3 ---------------------------------------------------------------------------------
def solution_flipped_bits(state_a, state_b) -> int:
    """How many of the 320 bits differ between two Ascon states (five 64-bit words each)?"""
    return sum(bin(int(a) ^ int(b)).count("1") for a, b in zip(state_a, state_b))


def _flipped_slip(got: int, a: np.ndarray, b: np.ndarray, expected: int) -> str:
    if got == 320 - expected:
        return "you counted the bits that are equal"
    if got == int(np.count_nonzero(a != b)):
        return "you counted the 64-bit words that differ: count the differing bits inside them"
    return "xor the words and count the ones"


def _grade_flipped(fn) -> tuple[bool, str]:
    start = ascon.initial_state()
    other = start.copy()
    other[2] ^= np.uint64(1)
    for rounds in (1, 2, 12):
        a, b = ascon.permutation(start, rounds), ascon.permutation(other, rounds)
        expected = int(ascon.state_bits(a ^ b).sum())
        got = as_whole(fn(a, b), f"after {rounds} round(s) flipped_bits returned")
        if got != expected:
            return False, (f"after {rounds} round(s) {expected} bits differ, you counted {got}: "
                           f"{_flipped_slip(got, a, b, expected)}.")
    if as_whole(fn(start, start), "for two identical states flipped_bits returned") != 0:
        return False, "identical states differ in 0 bits."
    return True, "after 12 rounds about half of the 320 bits flip: full diffusion."


register(Exercise(
    id="02.3", title="Count the avalanche", kind="function",
    question=("Write flipped_bits(state_a, state_b): the number of bit positions (of 320) where two Ascon "
              "states differ."),
    grade=_grade_flipped, solution=solution_flipped_bits,
    hint="xor the words pairwise and count the ones: bin(int(x)).count('1')."))


# Think about it -----------------------------------------------------------------------
register_thought(
    "02.T1",
    prompt=("The packet header travels in the clear, authenticated as associated data but not encrypted. Why not "
            "encrypt it too, and what could an attacker do if the sequence number were not authenticated?"),
    answer=("The gateway needs the header before it can decrypt anything: the channel id tells it which device's "
            "key to use, and the sequence number gives the nonce and lets it refuse a replay before any "
            "decryption. Nothing in it is secret (an eavesdropper sees that packets flow anyway), but all of it "
            "must be genuine, which is exactly what associated data gives. If the sequence number were not "
            "authenticated, an attacker could renumber a recorded packet so the replay window accepts it again; "
            "here it is both authenticated and part of the nonce, so a changed number makes the tag check fail."))

register_thought(
    "02.T2",
    prompt=("The channel's nonce is a counter. A sensor that reboots and starts counting from 0 again would reuse "
            "nonces. Why does that not happen with the kit's channel, and what would you do on a device that must "
            "keep one key across reboots?"),
    answer=("A (key, nonce) pair must never repeat, and the kit never reuses a key: every handshake derives fresh "
            "Ascon keys from a fresh ML-KEM secret, so after a reboot the device runs a new handshake and its "
            "counter restarts under a new key. A device that must keep a key across reboots has to store its "
            "counter in non-volatile memory before using it (jumping ahead by a safety margin after a crash), or "
            "use random 128-bit nonces, whose chance of a repeat is negligible for any realistic number of "
            "packets. Reusing a nonce exposes the XOR of the readings, as exercise 02.2 showed."))
