"""Argument checks shared by the kit: whole numbers and real numbers inside documented limits.

Every public size parameter a learner can type has one limit, chosen so that the largest allowed
value still runs in a 2 GB Binder pod. The checks run before any work starts, so a bad value
costs microseconds and ends in a ``ValueError`` (or ``TypeError``) that names the parameter and
its limit. ``bool`` is refused where a number is expected (``True`` is an ``int`` in Python);
numpy integers and floats are accepted and returned as Python numbers.
"""
from __future__ import annotations

import math
import numbers
from typing import TypeGuard

__all__ = ["whole", "real", "is_whole"]


def whole(name: str, value, low: int | None = None, high: int | None = None) -> int:
    """``value`` as a Python ``int`` if it is a whole number (not bool) with ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r} ({type(value).__name__})")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {_range(low, high)}, got {value}")
    return value


def is_whole(value: object, low: int | None = None, high: int | None = None) -> TypeGuard[int]:
    """Whether ``value`` is a whole number (not bool) in ``[low, high]``: for parsers of untrusted
    input, which report a refusal instead of raising."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return False
    number = int(value)
    return (low is None or number >= low) and (high is None or number <= high)


def real(name: str, value, low: float | None = None, high: float | None = None, *,
         low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite Python ``float`` (not bool) inside ``[low, high]`` (open ends if asked)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    try:
        value = float(value)
    except OverflowError:  # an int too large for a float (10**400)
        bounds = _range(low, high, low_open, high_open) if low is not None or high is not None else "finite"
        raise ValueError(f"{name} must be {bounds}, got an integer of {int(value).bit_length()} bits") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {_range(low, high, low_open, high_open)}, got {value:g}")
    return value


def _range(low, high, low_open: bool = False, high_open: bool = False) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:,}, {high:,}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:,}"
    return f"{'<' if high_open else '<='} {high:,}"
