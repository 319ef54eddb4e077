"""Textbook RSA (Rivest, Shamir, Adleman 1978) on a key small enough for the simulated Shor circuit.

Deliberately insecure, to make "harvest now, decrypt later" concrete: a record encrypted today
under this key is read once Shor (:mod:`pqfl_kit.threats.shor`) has factored N.

Limits: primes up to ``MAX_TOY_PRIME`` (65,536; trial division needs <= 256 steps), records up
to ``MAX_RECORD_BYTES`` (10,000 bytes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from pqfl_kit.limits import whole

__all__ = ["MAX_TOY_PRIME", "MAX_RECORD_BYTES", "ToyRSAKey", "toy_rsa_key", "rsa_encrypt_record",
           "rsa_decrypt_record", "break_toy_rsa"]

MAX_TOY_PRIME = 65_536  # trial division up to 256
MAX_RECORD_BYTES = 10_000


@dataclass(frozen=True)
class ToyRSAKey:
    """Textbook RSA key (RSA 1978). Insecure on purpose: N is small enough for Shor above."""

    n: int
    e: int
    d: int | None = None  # None for a public key

    def __post_init__(self) -> None:
        n = whole("n", self.n, 6, MAX_TOY_PRIME ** 2)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "e", whole("e", self.e, 1, n))
        if self.d is not None:
            object.__setattr__(self, "d", whole("d", self.d, 1, n))

    @property
    def public(self) -> ToyRSAKey:
        return ToyRSAKey(self.n, self.e)


def toy_rsa_key(p: int, q: int) -> ToyRSAKey:
    """Key from two distinct primes; e is the smallest public exponent > 2 whose inverse d differs.

    For N = 15, 21 or 35 every valid e is its own inverse modulo (p-1)(q-1), so the "private"
    exponent would equal the public one and nobody would need Shor: such moduli are refused.
    Limits: ``p, q <= MAX_TOY_PRIME`` (65,536: trial division takes at most 256 steps).
    """
    p, q = whole("p", p, None, MAX_TOY_PRIME), whole("q", q, None, MAX_TOY_PRIME)
    for name, v in (("p", p), ("q", q)):
        if v < 2 or any(v % k == 0 for k in range(2, int(v ** 0.5) + 1)):
            raise ValueError(f"{name} = {v} is not a prime.")
    if p == q:
        raise ValueError("p and q must be different primes.")
    phi = (p - 1) * (q - 1)
    for e in range(3, phi):
        if math.gcd(e, phi) == 1 and pow(e, -1, phi) != e:
            return ToyRSAKey(p * q, e, pow(e, -1, phi))
    raise ValueError(f"For N = {p * q} every public exponent is its own private exponent (d = e): "
                     f"the key would protect nothing. Use larger primes, e.g. 3 and 11.")


def _digits_per_byte(n: int) -> int:
    return math.ceil(math.log(256, n))


def rsa_encrypt_record(record: str, key: ToyRSAKey) -> list[int]:
    """Encrypt a short text record: every byte as base-N digits, each digit m -> m^e mod N.

    Limit: at most ``MAX_RECORD_BYTES`` (10,000) bytes of UTF-8.
    """
    if not isinstance(record, str):
        raise TypeError(f"record must be a string, got {type(record).__name__}.")
    if not isinstance(key, ToyRSAKey):
        raise TypeError(f"key must be a ToyRSAKey, got {type(key).__name__}.")
    if len(record) > MAX_RECORD_BYTES or len(record.encode()) > MAX_RECORD_BYTES:
        raise ValueError(f"record is longer than the limit MAX_RECORD_BYTES = {MAX_RECORD_BYTES:,} bytes.")
    width = _digits_per_byte(key.n)
    out: list[int] = []
    for byte in record.encode():
        digits = [(byte // key.n ** i) % key.n for i in range(width)]
        out.extend(pow(m, key.e, key.n) for m in digits)
    return out


def rsa_decrypt_record(ciphertext: list[int], key: ToyRSAKey) -> str:
    """Decrypt with the private exponent d; raises ValueError if the key does not fit.

    Limit: at most ``MAX_RECORD_BYTES`` (10,000) bytes' worth of ciphertext numbers, each in [0, N).
    """
    if not isinstance(key, ToyRSAKey):
        raise TypeError(f"key must be a ToyRSAKey, got {type(key).__name__}.")
    if key.d is None:
        raise ValueError("This is a public key: decryption needs the private exponent d.")
    width = _digits_per_byte(key.n)
    if len(ciphertext) > MAX_RECORD_BYTES * width:
        raise ValueError(f"ciphertext is longer than the limit of MAX_RECORD_BYTES = {MAX_RECORD_BYTES:,} bytes "
                         f"({MAX_RECORD_BYTES * width:,} numbers for this key).")
    if len(ciphertext) % width:
        raise ValueError("Ciphertext length does not match this key's block size.")
    ciphertext = [whole("ciphertext number", c, 0, key.n - 1) for c in ciphertext]
    digits = [pow(c, key.d, key.n) for c in ciphertext]
    data = bytes(sum(d * key.n ** i for i, d in enumerate(digits[k:k + width])) % 256
                 for k in range(0, len(digits), width))
    try:
        return data.decode()
    except UnicodeDecodeError as error:
        raise ValueError("Decryption gave garbage: wrong key.") from error


def break_toy_rsa(public: ToyRSAKey, factors: tuple[int, int]) -> ToyRSAKey:
    """Rebuild the private key from the public key and the factors Shor found.

    Limits: each factor in [2, MAX_TOY_PRIME] (65,536).
    """
    if not isinstance(public, ToyRSAKey):
        raise TypeError(f"public must be a ToyRSAKey, got {type(public).__name__}.")
    if not isinstance(factors, (tuple, list)) or len(factors) != 2:
        raise TypeError("factors must be a pair (p, q), e.g. shor.factors.")
    p, q = whole("p", factors[0], 2, MAX_TOY_PRIME), whole("q", factors[1], 2, MAX_TOY_PRIME)
    if p * q != public.n:
        raise ValueError(f"{p} × {q} != N = {public.n}: these are not the factors.")
    phi = (p - 1) * (q - 1)
    if math.gcd(public.e, phi) != 1:
        raise ValueError(f"e = {public.e} has no inverse modulo (p-1)(q-1) = {phi}: not a valid RSA key.")
    return ToyRSAKey(public.n, public.e, pow(public.e, -1, phi))
