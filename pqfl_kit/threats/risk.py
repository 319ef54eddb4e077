"""Mosca's inequality (Mosca, "Cybersecurity in an era with quantum computers: will we be ready?",
IEEE Security & Privacy 16(5), 2018): data is at risk if x + y > z; and which parts of a
hospital's crypto Shor breaks or Grover weakens (NIST IR 8547 ipd, 2024).
"""
from __future__ import annotations

from dataclasses import dataclass

from pqfl_kit.limits import real

__all__ = ["MAX_YEARS", "MoscaVerdict", "mosca", "HOSPITAL_CRYPTO", "RSA2048_ESTIMATES"]

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
# ipd, 2024, "Transition to Post-Quantum Cryptography Standards"; FIPS 203/204; SP 800-232).
HOSPITAL_CRYPTO = [
    {"algorithm": "RSA-2048", "used_for": "TLS certificates, HL7/FHIR API signatures",
     "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "ECDH / ECDSA P-256", "used_for": "TLS key exchange, device firmware signing",
     "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "Diffie-Hellman (finite field)", "used_for": "VPNs, legacy TLS",
     "quantum": "Shor breaks it", "status": "broken"},
    {"algorithm": "AES-128", "used_for": "disk and database encryption",
     "quantum": "Grover: ~2^64 iterations", "status": "weakened"},
    {"algorithm": "Ascon-AEAD128", "used_for": "sensor streams (lightweight)",
     "quantum": "Grover: ~2^64 iterations", "status": "weakened"},
    {"algorithm": "AES-256", "used_for": "EHR backups, records at rest",
     "quantum": "Grover: ~2^128 iterations", "status": "safe"},
    {"algorithm": "SHA-256 / SHA3-256", "used_for": "integrity, HMAC",
     "quantum": "Grover: preimages ~2^128", "status": "safe"},
    {"algorithm": "ML-KEM-768 (FIPS 203)", "used_for": "post-quantum key exchange",
     "quantum": "no known quantum attack", "status": "safe"},
    {"algorithm": "ML-DSA-65 (FIPS 204)", "used_for": "post-quantum signatures",
     "quantum": "no known quantum attack", "status": "safe"},
]

# Published resource estimates for factoring RSA-2048 on a quantum computer.
RSA2048_ESTIMATES = [
    {"source": "Beauregard, Quantum Inf. Comput. 3(2), 2003", "qubits": "4,099 logical (2n+3)",
     "time": "O(n^3) gates, no error-correction costed"},
    {"source": "Gidney & Ekerå, Quantum 5, 433 (2021), arXiv:1905.09749", "qubits": "20 million noisy",
     "time": "8 hours"},
    {"source": "Gidney, arXiv:2505.15917 (2025)", "qubits": "< 1 million noisy", "time": "< 1 week"},
]
