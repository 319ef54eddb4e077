"""Exercises of notebook 06 (alert routing): grading, hints and reference solutions."""
from __future__ import annotations

from typing import Any

from ..hospital.cds import Vitals, news2
from ..hospital.priority import Thresholds, priority_level
from ..pqc.replay import ReplayWindow
from . import Exercise, Rejected, as_choice, as_real, register, register_thought

# The patient of exercise 06.2 (values a nurse would chart).
NEWS2_PATIENT: dict[str, Any] = dict(respiration_rate=23, spo2=94, systolic_bp=105, pulse=112, temperature=38.4,
                                     consciousness="A", on_oxygen=False)


def _number(text: str) -> float:
    return float(str(text).strip())


# 06.1 ---------------------------------------------------------------------------------
def solution_priority(score: float, tau_med: float, tau_high: float) -> str:
    """Eq. 9: 'Critical' above tau_high, 'High' above tau_med (up to tau_high), else 'Normal'."""
    if score > tau_high:
        return "Critical"
    if score > tau_med:
        return "High"
    return "Normal"


_CASES = [(0.95, 0.5, 0.8), (0.8, 0.5, 0.8), (0.81, 0.5, 0.8), (0.5, 0.5, 0.8), (0.51, 0.5, 0.8),
          (0.0, 0.0, 1.0), (1.0, 0.0, 1.0), (0.3, 0.2, 0.25), (0.22, 0.2, 0.25), (0.1, 0.2, 0.25)]


LEVELS = ("Critical", "High", "Normal")


def _priority_slip(score: float, med: float, high: float) -> str:
    if score == high:
        return ": a score equal to tau_high is High (eq. 9 uses >, not >=)"
    if score == med:
        return ": a score equal to tau_med is Normal (eq. 9 uses >, not >=)"
    return ""


def _grade_priority(fn) -> tuple[bool, str]:
    for score, med, high in _CASES:
        call = f"priority({score}, tau_med={med}, tau_high={high})"
        expected = priority_level(score, Thresholds(med, high))
        got = as_choice(fn(score, med, high), f"{call} returned", LEVELS)
        if got != expected:
            return False, f"{call} gave {got!r}, expected {expected!r}{_priority_slip(score, med, high)}."
    return True, f"all {len(_CASES)} cases right, including scores exactly on a threshold."


register(Exercise(
    id="06.1", title="Priority routing (eq. 9)", kind="function",
    question="Write priority(score, tau_med, tau_high) returning 'Critical', 'High' or 'Normal' as in eq. 9.",
    grade=_grade_priority, solution=solution_priority,
    hint="Mind the boundaries: a score equal to tau_high is High, a score equal to tau_med is Normal."))


# 06.2 ---------------------------------------------------------------------------------
def _grade_news2(answer) -> tuple[bool, str]:
    result = news2(Vitals(**NEWS2_PATIENT))
    total = as_real(answer, text=True)
    if total == result.score:
        return True, (f"NEWS2 = {result.score:g} ({' + '.join(str(v) for v in result.subscores.values())}): "
                      f"risk '{result.risk}', so the RCP response is: {result.response}.")
    if not 0 <= total <= 20 or not total.is_integer():
        return False, f"{total:g} cannot be a NEWS2 total: it is a sum of whole subscores, from 0 to 20."
    if abs(total - result.score) == 1:
        return False, (f"{total:g} is off by one: one parameter is scored in the neighbouring band; "
                       "re-check the band edges (e.g. 21-24/min, 111-130/min, 38.1-39.0 °C).")
    return False, f"{total:g} is not the NEWS2 total for this patient."


register(Exercise(
    id="06.2", title="Score a patient with NEWS2", kind="value", parse=_number,
    question=("Respiration 23/min, SpO2 94% on air, systolic BP 105 mmHg, pulse 112/min, temperature "
              "38.4 °C, alert. What is the NEWS2 total?"),
    grade=_grade_news2, solution=7,
    hint="Score each parameter with the RCP chart (0-3) and add them: 21-24/min scores 2, 94-95% scores 1, ..."))


# 06.3 ---------------------------------------------------------------------------------
def solution_replay_check(seq: int, highest: int, window: int, delivered: set) -> str | None:
    """None if packet ``seq`` may be delivered, else 'duplicate' or 'out-of-window'."""
    if seq > highest:
        return None
    if highest - seq >= window:
        return "out-of-window"
    return "duplicate" if seq in delivered else None


_REPLAY_CASES = [(11, 10, 4, {7, 8, 9, 10}), (10, 10, 4, {7, 8, 9, 10}), (8, 10, 4, {7, 9, 10}),
                 (7, 10, 4, {7, 9, 10}), (6, 10, 4, {9, 10}), (1, 100, 64, set()), (40, 100, 64, set()),
                 (37, 100, 64, set()), (36, 100, 64, {36})]


VERDICTS = ("duplicate", "out-of-window")


def _replay_verdict(got, what: str) -> str | None:
    """The learner's verdict: None or one of VERDICTS (False, "" or "ok" are refused)."""
    if got is None:
        return None
    if isinstance(got, bool) or (isinstance(got, str) and not str.strip(got)):
        raise Rejected(f"{what} {got!r}: return None when the packet may go through (not a bool or empty text), "
                       f"else 'duplicate' or 'out-of-window'")
    return as_choice(got, what, VERDICTS)


def _replay_slip(seq: int, highest: int, window: int, got: str | None) -> str:
    """Why the answer for this case is what it is (RFC 4303, section 3.4.3)."""
    if seq > highest:
        return ": a packet newer than the highest one is always fine"
    if highest - seq >= window and got == "duplicate":
        return f": it was delivered, but it is {highest - seq} behind: check the distance before looking it up"
    if highest - seq == window:
        return f": a packet exactly window = {window} behind is already out of the window (use >=)"
    return ""


def _grade_replay(fn) -> tuple[bool, str]:
    for seq, highest, window, delivered in _REPLAY_CASES:
        delivered = set(delivered) | {highest}
        reference = ReplayWindow(window)
        for s in sorted(delivered):
            reference.accept(s)
        expected = reference.check(seq)
        case = f"seq={seq}, highest={highest}, window={window}, delivered={sorted(delivered)}"
        got = _replay_verdict(fn(seq, highest, window, set(delivered)), f"{case}: you returned")
        if got != expected:
            return False, (f"{case}: you returned {got!r}, expected {expected!r}"
                           f"{_replay_slip(seq, highest, window, got)}.")
    return True, "your window agrees with the gateway's (RFC 4303-style) on every case."


register(Exercise(
    id="06.3", title="The anti-replay window", kind="function",
    question=("Write replay_check(seq, highest, window, delivered): None if the packet may go through, "
              "'out-of-window' if it is `window` or more behind the highest delivered sequence number, "
              "'duplicate' if it was already delivered."),
    grade=_grade_replay, solution=solution_replay_check,
    hint="Newer than highest is always fine; then check the distance highest - seq before looking it up."))


# Think about it -----------------------------------------------------------------------
register_thought(
    "06.T1",
    prompt=("The gateway checks the HMAC before it decrypts, and quarantines a packet that fails without ever "
            "looking inside. Why not decrypt first and check afterwards?"),
    answer=("Until the tag verifies, the bytes may come from anyone, so nothing about them can be trusted, not even "
            "their length or format. Decrypting them first gives an attacker something to probe: differences in error "
            "messages or timing have leaked plaintext in real protocols (padding-oracle attacks on TLS and IPsec). "
            "Checking first (encrypt-then-MAC) means the gateway only ever acts on data the key holder sent, and it "
            "refuses a flood of forged packets cheaply. That is also why the quarantine keeps the reason and a "
            "digest, never a decrypted body."))

register_thought(
    "06.T2",
    prompt=("In the first two rows of the decision table the anomaly score and NEWS2 disagree. Give a real "
            "situation for each row, and say what would go wrong if the gateway listened to only one of the two "
            "signals."),
    answer=("Row 1 (NEWS2 10, normal traffic) is a patient turning septic while every device works perfectly: a "
            "gateway that listened only to the anomaly score would leave a very sick patient in the Normal lane. "
            "Row 2 (NEWS2 0, attacked link) is tampering, a jammed radio or a failing device whose vitals still look "
            "calm: a gateway that listened only to NEWS2 would trust numbers from a device that can no longer be "
            "trusted, which is exactly what an attacker replaying calm vitals to hide a deterioration wants. Each "
            "signal covers the other's blind spot, so `decide` takes the higher level of the two and lets the cause "
            "say whom to send."))

register_thought(
    "06.T3",
    prompt=("NEWS2 alone pages far fewer people but misses the kit's 90% recall target; adding the anomaly score "
            "reaches it at the price of many extra pages per bed-day. If you ran this ward, which would you switch "
            "on, and what evidence would you want first?"),
    answer=("The simulation cannot decide this: it is a trade between missed deteriorations and alert fatigue, and "
            "the ward's clinicians have to own it. Before choosing you would want real deteriorations rather than "
            "scripted ones, several wards and several calibration/evaluation pairs, recall per patient (how many "
            "minutes earlier the first page comes) rather than per packet, and evidence that staff still answer the "
            "pager at the higher rate. A common compromise is to let the anomaly score ask for a bedside check or "
            "more frequent observations instead of paging a team."))
