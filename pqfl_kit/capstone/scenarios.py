"""The capstone's stages, attack scenarios and sizes (notebook 07)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STATUSES", "STAGES", "SCENARIOS", "ChainScenario", "E91_PAIRS", "MIN_KEY_BITS", "EVE_FRACTION",
           "FL_CLIENTS", "FL_ROUNDS", "FL_WINDOWS", "POISONED_CLIENTS", "ROBUST_AGGREGATOR", "WARD_PATIENTS",
           "WARD_MINUTES", "TAMPER_RATE", "DETERIORATING_PATIENT", "RAPID_RESPONSE", "HARVESTED_RECORD"]

STATUSES = ("ok", "blocked", "alert", "degraded")
#: stage key -> short name (the boxes of the pipeline diagram, in order)
STAGES = {
    "key_link": "Key link (E91)",
    "handshake": "Sensor handshake (ML-KEM + ML-DSA)",
    "federated": "Federated detector",
    "ward": "Ward stream",
    "gateway": "Gateway checks",
    "clinical": "Clinical routing",
    "harvest": "Harvest now, decrypt later",
}

# Sizes: small enough that one chain runs in seconds, large enough that every check is meaningful.
E91_PAIRS = 12_000  # ~2,700 sifted bits; an honest run keeps ~1,900 secret bits after distillation
MIN_KEY_BITS = 256  # an AES-256 key: below this the E91 key is not used
EVE_FRACTION = 1.0  # the eavesdropper intercepts every photon (S -> sqrt 2)
FL_CLIENTS, FL_ROUNDS, FL_WINDOWS = 8, 3, 200  # fewer windows stay near the majority-class baseline;
# with 6 clients, 2 poisoned ones shift the median too much for a clear FedAvg-vs-median contrast
POISONED_CLIENTS = 2
ROBUST_AGGREGATOR = "median"
WARD_PATIENTS, WARD_MINUTES = 5, 90
TAMPER_RATE = 0.05
DETERIORATING_PATIENT = "patient-2"  # hospital.ward deteriorates device index 1 (bed 2)
RAPID_RESPONSE = "rapid-response"  # the subsystem eq. 9 routes Critical packets to
HARVESTED_RECORD = "patient-2 HR=118 SpO2=91 NEWS2=7"


@dataclass(frozen=True)
class ChainScenario:
    """A named attack (or no attack) and the stage that should catch it."""

    key: str
    title: str
    attack: str  # what happens, one sentence
    catches: str | None  # the stage key that should stop or flag it (None: nothing to catch)
    eve_fraction: float = 0.0
    mitm: bool = False
    poisoned: int = 0
    tamper_rate: float = 0.0
    replay: bool = False
    deterioration: bool = False
    harvest: bool = False


SCENARIOS: dict[str, ChainScenario] = {s.key: s for s in (
    ChainScenario("calm", "Calm shift", "No attacker, no sick patient: the baseline.", None),
    ChainScenario("eavesdropper", "Quantum eavesdropper on the key link",
                  "Eve measures every entangled photon on its way to the hospital and resends it.",
                  "key_link", eve_fraction=EVE_FRACTION),
    ChainScenario("mitm", "Man-in-the-middle on a sensor handshake",
                  "Mallory swaps the ML-KEM keys between a bedside sensor and the gateway.",
                  "handshake", mitm=True),
    ChainScenario("tampering", "Tampering and replay on the ward network",
                  "An attacker flips bits in 5% of the packets and re-sends recorded ones.",
                  "gateway", tamper_rate=TAMPER_RATE, replay=True),
    ChainScenario("poisoning", "Poisoned federated clients",
                  f"{POISONED_CLIENTS} of the {FL_CLIENTS} Raspberry Pi clients send sign-flipped model updates.",
                  "federated", poisoned=POISONED_CLIENTS),
    ChainScenario("deterioration", "Patient deterioration",
                  "The patient in bed 2 turns septic over the last hour: a real emergency.",
                  "clinical", deterioration=True),
    ChainScenario("harvest", "Harvest now, decrypt later",
                  "An attacker records today's traffic and waits for a quantum computer.",
                  "harvest", harvest=True),
)}
