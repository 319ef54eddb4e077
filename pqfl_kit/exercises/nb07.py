"""Exercises of notebook 07 (capstone): grading, hints and reference solutions."""
from __future__ import annotations

import re

from ..capstone import SCENARIOS, STAGES
from ..limits import is_whole
from . import Exercise, as_bool, as_choice, register, register_thought

#: 07.1 asks about these scenarios, in this order
ATTACKS = ("eavesdropper", "mitm", "tampering", "poisoning")


def _stage_numbers() -> list[int]:
    """The stage that catches each attack in ATTACKS, numbered as in the chain (1 = key link)."""
    order = list(STAGES)
    return [order.index(str(SCENARIOS[name].catches)) + 1 for name in ATTACKS]


def _numbers(text: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;\[\]()]+", str(text)) if p]
    return [int(p) for p in parts]


# 07.1 ---------------------------------------------------------------------------------
def _grade_stages(answer) -> tuple[bool, str]:
    expected = _stage_numbers()
    usage = f"give {len(expected)} whole stage numbers, one per attack, e.g. 1, 2, 3, 4."
    if isinstance(answer, str):
        try:
            answer = _numbers(answer)
        except ValueError:
            return False, usage
    if not isinstance(answer, (list, tuple)) or len(answer) != len(expected) or not all(is_whole(n) for n in answer):
        return False, usage
    stages = [int(n) for n in answer]
    names = list(STAGES.values())
    wrong = []
    for attack, got, want in zip(ATTACKS, stages, expected):
        if got != want:
            wrong.append(f"'{SCENARIOS[attack].title}' is not caught by stage {got}")
    if wrong:
        return False, "; ".join(wrong) + "."
    return True, ("every attack matched: " + ", ".join(f"{SCENARIOS[a].title} -> stage {n} ({names[n - 1]})"
                                        for a, n in zip(ATTACKS, expected)) + ".")


register(Exercise(
    id="07.1", title="Which stage stops which attack?", kind="value", parse=_numbers,
    question=("Stages: 1 key link (E91), 2 sensor handshake, 3 federated detector, 4 ward stream, "
              "5 gateway checks, 6 clinical routing. Which stage stops each attack: a quantum eavesdropper, "
              "a man-in-the-middle, tampering + replay, poisoned FL clients? Four numbers, e.g. 1, 2, 3, 4."),
    grade=_grade_stages, solution=[1, 2, 5, 3],
    hint=("For each attack, find the stage in the table whose check the attacker cannot pass; sections 2-5 "
          "then run every attack, and the scenario table of section 7 shows where each was blocked.")))


# 07.2 ---------------------------------------------------------------------------------
def solution_choose_link(chsh: float, chsh_stderr: float, qber: float, final_key_bits: int) -> str:
    """'E91' if the run passed its tests and left a long enough key, else the ML-KEM fallback."""
    from pqfl_kit.capstone import MIN_KEY_BITS
    from pqfl_kit.qkd.e91 import CONFIDENCE_SIGMAS
    from pqfl_kit.qkd.postprocess import key_rate_bound

    s_low = chsh - CONFIDENCE_SIGMAS * chsh_stderr
    if s_low > 2.0 and key_rate_bound(s_low, qber) > 0 and final_key_bits >= MIN_KEY_BITS:
        return "E91"
    return "ML-KEM-768"


_LINK_CASES = [(2.83, 0.03, 0.0, 2000), (1.41, 0.05, 0.25, 0), (2.10, 0.05, 0.02, 900), (2.16, 0.05, 0.02, 900),
               (2.23, 0.01, 0.03, 1500), (2.53, 0.01, 0.09, 1500), (2.43, 0.01, 0.03, 1500),
               (2.80, 0.04, 0.01, 255), (2.80, 0.04, 0.01, 256),
               (2.5, 0.2, 0.03, 3000), (2.60, 0.02, 0.04, 1500)]


def _link_reason(chsh: float, chsh_stderr: float, qber: float, final_key_bits: int) -> str:
    """Which of the three conditions decides this run (Acin et al. 2007 bound, capstone MIN_KEY_BITS)."""
    from pqfl_kit.capstone import MIN_KEY_BITS
    from pqfl_kit.qkd.e91 import CONFIDENCE_SIGMAS
    from pqfl_kit.qkd.postprocess import key_rate_bound

    s_low = chsh - CONFIDENCE_SIGMAS * chsh_stderr
    if s_low <= 2.0:
        return f"S − 3·stderr = {s_low:.2f} is not above 2 (subtract the 3 standard errors before comparing)"
    rate = key_rate_bound(s_low, qber)
    if rate <= 0:
        return f"key_rate_bound(S − 3·stderr, QBER) = {rate:.3f} is not positive"
    if final_key_bits < MIN_KEY_BITS:
        return f"{final_key_bits} key bits are fewer than {MIN_KEY_BITS}"
    return f"all three conditions hold ({final_key_bits} ≥ {MIN_KEY_BITS} bits is enough)"


def _grade_link(fn) -> tuple[bool, str]:
    for case in _LINK_CASES:
        s, e, q, bits = case
        call = f"choose_link(S={s}, stderr={e}, QBER={q}, key bits={bits})"
        expected = solution_choose_link(*case)
        got = as_choice(fn(*case), f"{call} returned", ("E91", "ML-KEM-768"))
        if got != expected:
            return False, f"{call} gave {got!r}, expected {expected!r}: {_link_reason(*case)}."
    return True, f"all {len(_LINK_CASES)} runs routed right, borderline ones included."


register(Exercise(
    id="07.2", title="When does the chain fall back to ML-KEM?", kind="function",
    question=("Write choose_link(chsh, chsh_stderr, qber, final_key_bits): 'E91' when S - 3 standard errors is "
              "above 2, the key-rate bound key_rate_bound(S - 3 stderr, qber) is positive and at least 256 key "
              "bits are left; otherwise 'ML-KEM-768'."),
    grade=_grade_link, solution=solution_choose_link,
    hint="Three conditions must all hold: s_low = S - 3*stderr > 2, key_rate_bound(s_low, qber) > 0, bits >= 256."))


# 07.3 ---------------------------------------------------------------------------------
def solution_harvest_risk(algorithm: str, shelf_life: float, migration: float, years_to_qc: float) -> bool:
    """True if records harvested today under ``algorithm`` can be read while still sensitive."""
    from pqfl_kit.threats import HOSPITAL_CRYPTO

    status = {row["algorithm"]: row["status"] for row in HOSPITAL_CRYPTO}[algorithm]
    return status == "broken" and shelf_life + migration > years_to_qc


_RISK_CASES = [("RSA-2048", 25, 5, 15), ("RSA-2048", 5, 2, 15), ("RSA-2048", 10, 5, 15), ("RSA-2048", 10, 6, 15),
               ("ECDH / ECDSA P-256", 30, 5, 10), ("ML-KEM-768 (FIPS 203)", 30, 5, 10),
               ("AES-256", 50, 10, 5), ("Ascon-AEAD128", 30, 5, 10)]


def _risk_reason(algorithm: str, shelf_life: float, migration: float, years_to_qc: float) -> str:
    """Which half of the condition decides this case: Shor's reach or Mosca's inequality."""
    from pqfl_kit.threats import HOSPITAL_CRYPTO

    status = {row["algorithm"]: row["status"] for row in HOSPITAL_CRYPTO}[algorithm]
    if status != "broken":
        return f"{algorithm} is '{status}' in HOSPITAL_CRYPTO: Shor does not break it"
    if shelf_life + migration == years_to_qc:
        return "x + y = z exactly is not yet at risk: Mosca's inequality is strict (>)"
    relation = ">" if shelf_life + migration > years_to_qc else "<"
    return f"{algorithm} falls to Shor and x + y = {shelf_life + migration} {relation} z = {years_to_qc}"


def _grade_risk(fn) -> tuple[bool, str]:
    for case in _RISK_CASES:
        call = f"harvest_risk{case}"
        expected = solution_harvest_risk(*case)
        got = as_bool(fn(*case), f"{call} returned")
        if got != expected:
            return False, f"{call} gave {got!r}, expected {expected!r}: {_risk_reason(*case)}."
    return True, "only Shor-breakable algorithms with x + y > z put today's recordings at risk."


register(Exercise(
    id="07.3", title="Is today's recording at risk?", kind="function",
    question=("Write harvest_risk(algorithm, shelf_life, migration, years_to_qc): True if an attacker who records "
              "traffic today under `algorithm` (a name from threats.HOSPITAL_CRYPTO) reads it while it is still "
              "sensitive: Shor breaks the algorithm AND Mosca's x + y > z."),
    grade=_grade_risk, solution=solution_harvest_risk,
    hint="Look the algorithm up in HOSPITAL_CRYPTO: only status 'broken' falls to Shor; Grover only weakens."))


# Think about it -----------------------------------------------------------------------
register_thought(
    "07.T1",
    prompt=("Eve learned nothing about the key, yet she achieved something. What, and what would the hospital lose "
            "if the chain had no ML-KEM fallback?"),
    answer=("She achieved a denial of service on the quantum link: as long as she keeps measuring photons, every E91 "
            "run aborts and no quantum key is made. With the fallback the ward keeps sending its readings under "
            "ML-KEM-768, for which no efficient quantum attack is known, so the attack costs the hospital the extra "
            "assurance of QKD, not its data. Without a fallback, anyone who can reach the fibre could silence the "
            "ward's monitoring, which is a patient-safety failure. Repeated aborts should still raise a security "
            "alert: they mean someone is on the line."))

register_thought(
    "07.T2",
    prompt=("The coordinate-wise median held with 2 of 8 clients poisoned. How many poisoned clients would it take "
            "to break it, and what would you add so that it never comes to that?"),
    answer=("The median follows the middle of the clients' values, so it stays within the range of the honest values "
            "while the attackers are a minority. With 4 of 8 the middle pair already includes an attacker's value, "
            "and with 5 or more the attackers choose the median, so they control the model. Real federations add "
            "defences that do not depend on an honest majority: updates only from enrolled devices (stage 3 already "
            "signs and seals them), checks of each update's size and direction against the others, and a test of "
            "the new global model on trusted held-out data before it is sent to the ward."))

register_thought(
    "07.T3",
    prompt=("A hospital with a small budget can build only some of these stages this year. Which would you build "
            "first, and why?"),
    answer=("A defensible order starts with what protects every packet in software today: the gateway checks "
            "(stage 5: integrity, anti-replay, quarantine) and the post-quantum handshake (stage 2), because "
            "recordings made now can be decrypted later (harvest now, decrypt later) and migrations take years. "
            "Clinical routing with NEWS2 (stage 6) comes with them, since an attack that only causes alert fatigue "
            "still harms patients. The federated detector needs data and operations staff, and the E91 key link "
            "needs fibre and quantum hardware; both add assurance on top, but neither replaces the other stages."))
