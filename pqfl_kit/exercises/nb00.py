"""Warm-up exercises of notebook 00: learn how stubs, checks and reveal() work."""
from __future__ import annotations

from . import Exercise, as_real, as_whole, close, register, whole_number

# 00.1 ---------------------------------------------------------------------------------
#: typical wrong key sizes and what they really are (Ascon: NIST SP 800-232, section 3)
_KEY_SIZE_MIX_UPS = {256: "256 bits is the key of AES-256", 320: "320 bits is Ascon's whole state (five 64-bit words)",
                     64: "64 bits is one word of Ascon's state"}


def _grade_key_bits(answer) -> tuple[bool, str]:
    bits = as_whole(answer, text=True)
    if bits == 128:
        return True, "128-bit key, 128-bit nonce, 128-bit tag (NIST SP 800-232)."
    if bits in _KEY_SIZE_MIX_UPS:
        return False, f"{_KEY_SIZE_MIX_UPS[bits]}, not the key of Ascon-AEAD128."
    return False, f"{bits} bits is not the Ascon-AEAD128 key size."


register(Exercise(
    id="00.1", title="Read the name", kind="value", parse=whole_number,
    question="How many bits long is the key of Ascon-AEAD128, the sensor cipher of notebook 02?",
    grade=_grade_key_bits, solution=128, hint="The number is in the name."))


# 00.2 ---------------------------------------------------------------------------------
def solution_celsius_to_fahrenheit(celsius: float) -> float:
    """Convert a body temperature from degrees Celsius to degrees Fahrenheit."""
    return celsius * 9 / 5 + 32


#: typical slips, each with what it computes instead
_FAHRENHEIT_SLIPS = (
    (lambda c: c * 9 / 5, "you forgot to add 32"),
    (lambda c: c * 5 / 9 + 32, "the factor is 9/5, not 5/9"),
    (lambda c: (c + 32) * 9 / 5, "multiply by 9/5 first, then add 32"),
    (lambda c: (c - 32) * 5 / 9, "that converts Fahrenheit to Celsius, the other way round"),
)


def _grade_fahrenheit(fn) -> tuple[bool, str]:
    for c in (37.0, 38.5, 35.0, 0.0, -40.0):
        call = f"celsius_to_fahrenheit({c})"
        got = as_real(fn(c), f"{call} returned")
        want = solution_celsius_to_fahrenheit(c)
        if not close(got, want):
            slip = next((f": {why}" for slip, why in _FAHRENHEIT_SLIPS if close(got, slip(c))), "")
            return False, f"{call} returned {got:g}, expected {want:g}{slip}."
    return True, "37 °C is 98.6 °F: a normal body temperature."


register(Exercise(
    id="00.2", title="A first function", kind="function",
    question="Write celsius_to_fahrenheit(celsius) for a patient's temperature.",
    grade=_grade_fahrenheit, solution=solution_celsius_to_fahrenheit, hint="F = C × 9/5 + 32."))
