"""Answers that fool a careless grader, shared by the per-notebook wrong-answer tables (wrong_answers_nbXX.py)."""
from __future__ import annotations

NAN, INF = float("nan"), float("inf")


class AlwaysEqual:
    """Equal to everything, true, hashable: fools ``got == expected`` and ``got != expected``."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "AlwaysEqual()"


class EqualStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class EqualFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class EqualBytes(bytes):
    def __eq__(self, other):
        return True

    __hash__ = bytes.__hash__


def returns(value):
    """A learner's function that ignores its arguments and returns ``value``."""
    return lambda *args, **kwargs: value
