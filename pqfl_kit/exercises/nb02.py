"""Exercises of notebook 02 (post-quantum handshake, Ascon): grading, hints, reference solutions."""
from __future__ import annotations

import os

import numpy as np

from ..pqc import ascon
from ..pqc.channel import HEADER_SIZE, OVERHEAD
from . import Exercise, register, whole_number


# 02.1 ---------------------------------------------------------------------------------
def _grade_overhead(answer) -> tuple[bool, str]:
    if whole_number(answer) == OVERHEAD:
        return True, f"{HEADER_SIZE}-byte header + 16-byte Ascon tag = {OVERHEAD} bytes per packet."
    return False, f"{answer} bytes is not what a sealed packet adds."


register(Exercise(
    id="02.1", title="What does sealing cost per packet?", kind="value", parse=whole_number,
    question="A 100-byte reading is sealed by the channel. How many bytes longer is the packet than the reading?",
    grade=_grade_overhead, solution=33,
    hint="header = version (1) + channel id (8) + sequence number (8); Ascon-AEAD128 adds a 16-byte tag."))


# 02.2 ---------------------------------------------------------------------------------
def solution_recover_reading(ciphertext_a: bytes, ciphertext_b: bytes, known_a: bytes) -> bytes:
    """Two readings sealed under the same key and nonce: recover reading B (first block) from A."""
    n = len(known_a)
    return bytes(ca ^ cb ^ pa for ca, cb, pa in zip(ciphertext_a[:n], ciphertext_b[:n], known_a))


def _grade_recover(fn) -> tuple[bool, str]:
    cases = [(b"HR=072 SpO2=98 ", b"HR=131 SpO2=85 "), (b"T=36.9C", b"T=39.4C"), (b"BP 120/80", b"BP 190/11")]
    for known, secret in cases:
        key, nonce = os.urandom(16), os.urandom(16)
        ct_a, ct_b = ascon.encrypt(key, nonce, b"", known), ascon.encrypt(key, nonce, b"", secret)
        got = fn(ct_a, ct_b, known)
        if got != secret:
            return False, f"for the known reading {known!r} you recovered {got!r}, expected {secret!r}."
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


def _grade_flipped(fn) -> tuple[bool, str]:
    start = ascon.initial_state()
    other = start.copy()
    other[2] ^= np.uint64(1)
    for rounds in (1, 2, 12):
        a, b = ascon.permutation(start, rounds), ascon.permutation(other, rounds)
        expected = int(ascon.state_bits(a ^ b).sum())
        got = fn(a, b)
        if got != expected:
            return False, f"after {rounds} round(s) {expected} bits differ, you counted {got}."
    if fn(start, start) != 0:
        return False, "identical states differ in 0 bits."
    return True, "after 12 rounds about half of the 320 bits flip: full diffusion."


register(Exercise(
    id="02.3", title="Count the avalanche", kind="function",
    question=("Write flipped_bits(state_a, state_b): the number of bit positions (of 320) where two Ascon "
              "states differ."),
    grade=_grade_flipped, solution=solution_flipped_bits,
    hint="xor the words pairwise and count the ones: bin(int(x)).count('1')."))
