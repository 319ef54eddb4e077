"""Mosca's inequality (Mosca, "Cybersecurity in an era with quantum computers: will we be ready?",
IEEE Security & Privacy 16(5), 2018): data is at risk if x + y > z; and which parts of a
hospital's crypto Shor breaks or Grover weakens (NIST IR 8547 ipd, 2024), NIST's post-quantum security
categories (PQC Call for Proposals, 2016, evaluation criteria 4.A.5; FIPS 203 Sec. 8; FIPS 204 Sec. 4),
and published resource estimates for factoring RSA-2048.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pqfl_kit.limits import real

__all__ = ["MAX_YEARS", "MoscaVerdict", "mosca", "HOSPITAL_CRYPTO", "RSA2048_ESTIMATES", "NIST_CATEGORIES",
           "SECURITY_CATEGORIES", "QUANTUM_KEY_SEARCH_LOG2", "MAXDEPTH_LOG2", "security_category"]

MAX_YEARS = 200  # x, y and z are durations in years


@dataclass(frozen=True)
class MoscaVerdict:
    """Mosca's inequality: x (shelf life) + y (migration time) > z (years to a CRQC) -> at risk."""

    x: float
    y: float
    z: float

    @property
    def exposed_years(self) -> float:
        """Years the last data encrypted before the migration ends stays sensitive after z."""
        return max(0.0, self.x + self.y - self.z)

    @property
    def exposed_years_today(self) -> float:
        """Years data encrypted today stays sensitive after a quantum computer arrives."""
        return max(0.0, self.x - self.z)

    @property
    def at_risk(self) -> bool:
        return self.x + self.y > self.z

    @property
    def text(self) -> str:
        if self.at_risk:
            today = (f" Even data encrypted today stays sensitive for {self.exposed_years_today:g} years after that."
                     if self.exposed_years_today > 0 else "")
            return (f"AT RISK: x + y = {self.x + self.y:g} > z = {self.z:g}. Records encrypted until the migration "
                    f"ends can be harvested and read while still sensitive, for up to {self.exposed_years:g} years "
                    f"after a quantum computer arrives.{today} Start migrating to post-quantum crypto now.")
        return (f"SAFE FOR NOW: x + y = {self.x + self.y:g} <= z = {self.z:g}, a margin of "
                f"{self.z - self.x - self.y:g} years. Keep watching z: estimates keep moving.")


def mosca(x: float, y: float, z: float) -> MoscaVerdict:
    """Validate the three durations (years, 0..``MAX_YEARS`` = 200) and return the verdict (Mosca 2018)."""
    return MoscaVerdict(real("x (shelf life)", x, 0, MAX_YEARS), real("y (migration time)", y, 0, MAX_YEARS),
                        real("z (years to a quantum computer)", z, 0, MAX_YEARS))


# Which algorithms in a hospital's stack Shor breaks, Grover weakens, or neither (NIST IR 8547
# ipd, 2024, "Transition to Post-Quantum Cryptography Standards"; FIPS 203/204; SP 800-232), with
# the NIST security category each keeps against a quantum attacker (None: Shor breaks it).
HOSPITAL_CRYPTO: list[dict[str, Any]] = [
    {"algorithm": "RSA-2048", "used_for": "TLS certificates, HL7/FHIR API signatures",
     "quantum": "Shor breaks it", "status": "broken", "category": None},
    {"algorithm": "ECDH / ECDSA P-256", "used_for": "TLS key exchange, device firmware signing",
     "quantum": "Shor breaks it", "status": "broken", "category": None},
    {"algorithm": "Diffie-Hellman (finite field)", "used_for": "VPNs, legacy TLS",
     "quantum": "Shor breaks it", "status": "broken", "category": None},
    {"algorithm": "AES-128", "used_for": "disk and database encryption",
     "quantum": "Grover: ~2^64 iterations", "status": "weakened", "category": 1},
    {"algorithm": "Ascon-AEAD128", "used_for": "sensor streams (lightweight)",
     "quantum": "Grover: ~2^64 iterations", "status": "weakened", "category": 1},
    {"algorithm": "AES-256", "used_for": "EHR backups, records at rest",
     "quantum": "Grover: ~2^128 iterations", "status": "safe", "category": 5},
    {"algorithm": "SHA-256 / SHA3-256", "used_for": "integrity, HMAC",
     "quantum": "Grover: preimages ~2^128", "status": "safe", "category": 2},
    {"algorithm": "ML-KEM-768 (FIPS 203)", "used_for": "post-quantum key exchange",
     "quantum": "no known quantum attack", "status": "safe", "category": 3},
    {"algorithm": "ML-DSA-65 (FIPS 204)", "used_for": "post-quantum signatures",
     "quantum": "no known quantum attack", "status": "safe", "category": 3},
]

# NIST's five post-quantum security categories (PQC Call for Proposals, 2016, evaluation criteria
# 4.A.5): a scheme in category c is at least as hard to break, by any attack, classical or quantum,
# as the reference problem below. The categories are defined by these reference problems, not by bits.
NIST_CATEGORIES = {
    1: "key search on a block cipher with a 128-bit key (AES-128)",
    2: "collision search on a 256-bit hash function (SHA-256 / SHA3-256)",
    3: "key search on a block cipher with a 192-bit key (AES-192)",
    4: "collision search on a 384-bit hash function (SHA-384 / SHA3-384)",
    5: "key search on a block cipher with a 256-bit key (AES-256)",
}

# The Call's estimate of a quantum key search (Grover) on AES: 2^x / MAXDEPTH quantum gates, where
# MAXDEPTH is the longest sequential circuit an attacker can run: 2^40 gates is about what envisioned
# quantum machines run serially in a year, 2^64 what classical machines run serially in a decade.
# (The Call's range goes up to 2^96, but the formula only holds while the depth limit binds: an
# unlimited Grover search on AES-128 is shallower than 2^96, so that column is left out.) A depth
# limit forces Grover onto parallel machines, and m machines only gain sqrt(m): that is why AES-128
# stays in category 1.
QUANTUM_KEY_SEARCH_LOG2 = {"AES-128": 170, "AES-192": 233, "AES-256": 298}
MAXDEPTH_LOG2 = (40, 64)

# The category each algorithm the kit uses claims or, for symmetric ciphers, meets by definition.
SECURITY_CATEGORIES: list[dict[str, Any]] = [
    {"algorithm": "ML-KEM-512", "role": "key encapsulation", "category": 1, "source": "FIPS 203, Sec. 8"},
    {"algorithm": "ML-KEM-768", "role": "key encapsulation", "category": 3, "source": "FIPS 203, Sec. 8"},
    {"algorithm": "ML-KEM-1024", "role": "key encapsulation", "category": 5, "source": "FIPS 203, Sec. 8"},
    {"algorithm": "ML-DSA-44", "role": "signature", "category": 2, "source": "FIPS 204, Sec. 4"},
    {"algorithm": "ML-DSA-65", "role": "signature", "category": 3, "source": "FIPS 204, Sec. 4"},
    {"algorithm": "ML-DSA-87", "role": "signature", "category": 5, "source": "FIPS 204, Sec. 4"},
    {"algorithm": "AES-128", "role": "block cipher", "category": 1, "source": "defines category 1"},
    {"algorithm": "AES-192", "role": "block cipher", "category": 3, "source": "defines category 3"},
    {"algorithm": "AES-256", "role": "block cipher", "category": 5, "source": "defines category 5"},
    {"algorithm": "Ascon-AEAD128", "role": "authenticated encryption", "category": 1,
     "source": "128-bit key: key search as for AES-128; SP 800-232 states 128-bit security"},
]


def security_category(algorithm: str) -> int:
    """The NIST security category (1-5) of a name in ``SECURITY_CATEGORIES`` (Call for Proposals
    2016, 4.A.5). Raises ``ValueError`` listing the known names for any other name."""
    for row in SECURITY_CATEGORIES:
        if row["algorithm"] == algorithm:
            return int(row["category"])
    known = ", ".join(row["algorithm"] for row in SECURITY_CATEGORIES)
    raise ValueError(f"no NIST security category recorded for {algorithm!r}: choose one of {known}")


# Published resource estimates for factoring RSA-2048 on a quantum computer. The numeric columns
# (None where the paper gives none) are upper bounds where the paper says "less than". The two
# Gidney estimates share their hardware assumptions: a square grid with nearest-neighbour
# coupling, 0.1 % gate error, a 1 us surface-code cycle and a 10 us reaction time. From 2019 to
# 2025 the qubit count fell about 20x while the runtime grew from 8 hours to up to a week
# (more Toffoli gates, fewer magic-state factories, Gidney 2025, abstract).
RSA2048_ESTIMATES: list[dict[str, Any]] = [
    {"source": "Beauregard, Quantum Inf. Comput. 3(2), 2003", "qubits": "4,099 logical (2n+3)",
     "time": "O(n^3) gates, no error-correction costed", "physical_qubits": None, "hours": None},
    {"source": "Gidney & Ekerå, Quantum 5, 433 (2021), arXiv:1905.09749", "qubits": "20 million noisy",
     "time": "8 hours", "physical_qubits": 20_000_000, "hours": 8},
    {"source": "Gidney, arXiv:2505.15917 (2025)", "qubits": "< 1 million noisy", "time": "< 1 week",
     "physical_qubits": 1_000_000, "hours": 7 * 24},
]
