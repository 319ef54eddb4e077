"""Warm-up exercises of notebook 00: learn how stubs, checks and reveal() work."""
from __future__ import annotations

from . import Exercise, register, whole_number


def _grade_key_bits(answer) -> tuple[bool, str]:
    if whole_number(answer) == 128:
        return True, "128-bit key, 128-bit nonce, 128-bit tag (NIST SP 800-232)."
    return False, f"{answer} bits is not the Ascon-AEAD128 key size."


register(Exercise(
    id="00.1", title="Read the name", kind="value", parse=whole_number,
    question="How many bits long is the key of Ascon-AEAD128, the sensor cipher of notebook 02?",
    grade=_grade_key_bits, solution=128, hint="The number is in the name."))


def solution_celsius_to_fahrenheit(celsius: float) -> float:
    """Convert a body temperature from degrees Celsius to degrees Fahrenheit."""
    return celsius * 9 / 5 + 32


def _grade_fahrenheit(fn) -> tuple[bool, str]:
    for c in (37.0, 38.5, 35.0, 0.0, -40.0):
        got = fn(c)
        want = solution_celsius_to_fahrenheit(c)
        if not isinstance(got, (int, float)) or abs(got - want) > 1e-9:
            return False, f"celsius_to_fahrenheit({c}) returned {got!r}, expected {want}."
    return True, "37 °C is 98.6 °F: a normal body temperature."


register(Exercise(
    id="00.2", title="A first function", kind="function",
    question="Write celsius_to_fahrenheit(celsius) for a patient's temperature.",
    grade=_grade_fahrenheit, solution=solution_celsius_to_fahrenheit, hint="F = C × 9/5 + 32."))
