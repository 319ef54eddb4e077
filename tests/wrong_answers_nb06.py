"""Typical wrong answers to the exercises of notebook 06 (alert routing): (answer, words the hint must contain)."""
from __future__ import annotations

from fooling import NAN, AlwaysEqual, EqualStr, returns

from pqfl_kit.exercises import nb06


def replay_off_by_one(seq, highest, window, delivered):
    if seq > highest:
        return None
    if highest - seq > window:
        return "out-of-window"
    return "duplicate" if seq in delivered else None


def replay_lookup_first(seq, highest, window, delivered):
    if seq > highest:
        return None
    if seq in delivered:
        return "duplicate"
    return "out-of-window" if highest - seq >= window else None


WRONG_ANSWERS: dict[str, list[tuple[object, str]]] = {
    "06.1": [(lambda s, m, h: "Critical" if s >= h else "High" if s >= m else "Normal", "equal to tau_high is High"),
             (lambda s, m, h: "critical" if s > h else "high" if s > m else "normal", "spell it exactly"),
             (returns(AlwaysEqual()), "return one of the strings"), (returns(EqualStr("?")), "none of"),
             (returns(None), "forget to `return`")],
    "06.2": [(6, "off by one"), (8, "off by one"), (21, "cannot be a NEWS2 total"), (NAN, "not a finite number"),
             (AlwaysEqual(), "not a plain number")],
    "06.3": [(replay_off_by_one, "exactly window"), (replay_lookup_first, "check the distance"),
             (lambda seq, highest, window, delivered: False, "return None when"),
             (returns(AlwaysEqual()), "return one of the strings"), (returns(EqualStr("ok")), "none of")],
}

#: right answers in other plain types (a tuple for a list, numpy scalars, text): they must still pass
RIGHT_ANSWERS: list[tuple[str, object]] = [
    ("06.1", lambda s, m, h: str(nb06.solution_priority(s, m, h))),
]
