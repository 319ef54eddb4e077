"""From a sifted E91 key to a secret key: Cascade, key confirmation, Toeplitz hashing.

The paper (Algorithm 2, step 21) says only "perform error correction and privacy
amplification". This module does both, and counts every bit that crosses the public channel:

1. **Error correction: Cascade** (Brassard & Salvail, EUROCRYPT 1993, LNCS 765), run per key
   basis pair **towards that pair's reference side** (``reconcile``; ``e91.KEY_REFERENCE``):
   the reference announces parities and the other side corrects its bits. Five passes; pass 1
   uses blocks of ``ceil(0.73 / QBER)`` bits, each later pass doubles the block size (while a
   pass keeps at least ``CASCADE_MIN_BLOCKS`` blocks) and uses a fresh public random
   permutation. Where parities differ, a binary search (one revealed parity per halving) finds
   and flips one error, and the cascade step re-checks the blocks of earlier passes that
   contain the flipped bit. Every revealed parity counts as one leaked bit.
2. **Key confirmation**: both sides hash the corrected key with the same public random
   Toeplitz matrix to ``CONFIRM_BITS`` bits and compare; a mismatch means Cascade left errors,
   and the key is dropped. Those bits are leaked too.
3. **Privacy amplification: Toeplitz hashing** of the reference bits, a 2-universal family
   (Krawczyk, CRYPTO 1994), so the leftover hash lemma applies (Impagliazzo, Levin & Luby 1989;
   Renner, PhD thesis 2005). Final length::

       l = floor( n * (1 - h((1 + sqrt((S/2)^2 - 1)) / 2)) - leak_EC - CONFIRM_BITS - 2 log2(1/eps) )

   using the conservative S_low = S - 3 sigma_S.

What the bound covers (``e91.SECURITY_MODEL``). h((1 + sqrt((S/2)^2 - 1)) / 2) bounds Eve's
Holevo information about the outcome of a setting that enters the CHSH test (Acin et al., PRL 98,
230501 (2007), eq. 12, the key from A0 and B1 with Eve's information on B1; proof in Pironio et
al., NJP 11, 045021 (2009)). It is device-independent but holds against **collective attacks**
only (Eve attacks every round independently and identically, and may keep quantum memory), and
it is an **asymptotic** rate (Devetak-Winter). The kit's only finite-size terms are S - 3 sigma and
2 log2(1/eps); a finite-key analysis against general attacks (entropy accumulation,
Arnon-Friedman et al., Nat. Commun. 9, 459 (2018)) would cost more bits. Cascade is interactive;
as is usual in practice, its leakage is counted as every disclosed parity.

The same bound decides, before any post-processing, whether a key is possible at all
(``key_rate_bound``): per sifted bit, r = 1 - I_E(S_low) - f_EC h(QBER), the Acin et al. rate
with the leakage of a real error-correcting code, f_EC h(QBER) (f_EC = 1 is the Shannon limit).
``run_e91`` aborts when r <= 0. ``EC_EFFICIENCY`` = 1.2 is Cascade's measured f_EC here (1.04 to
1.24 over QBER 1-10 %, five passes; see its comment).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .records import bits_to_key

__all__ = ["CascadeResult", "Reconciled", "DistilledKey", "cascade", "reconcile", "toeplitz_hash", "binary_entropy",
           "eve_information_bound", "key_rate_bound", "noise_only_key_rate", "key_rate_zero", "final_key_length",
           "distill_key", "CONFIRM_BITS", "EC_EFFICIENCY", "SECURITY_MODEL", "CASCADE_MIN_BLOCKS", "RECONCILE_PASSES"]

CONFIRM_BITS = 64
#: block sizes stop doubling once a pass would have fewer blocks than this: a block that spans
#: (nearly) the whole key can never see an even number of remaining errors
CASCADE_MIN_BLOCKS = 4
#: Cascade passes per key part in ``reconcile`` (two parts of about n/2 bits each need more
#: passes than one key of n bits; measured: confirmation fails in about 1 % of 5,000-pair runs)
RECONCILE_PASSES = 5
#: what the key rate bound, and so every key distilled here, assumes (see the module docstring)
SECURITY_MODEL = ("device-independent bound (Acin et al. 2007; Pironio et al. 2009) on the reference bits of "
                  "each key pair: collective attacks (i.i.d. rounds), asymptotic key rate; finite-size terms only "
                  "S - 3 sigma for the CHSH estimate and 2 log2(1/eps) in privacy amplification")
DEFAULT_EPSILON = 1e-10
#: Cascade's leakage relative to the Shannon limit n h(QBER), measured with ``cascade`` for QBER 1-10 %
#: and 500-13,000 bits: 1.13-1.22 (4 passes), 1.04-1.24 (5 passes, as in ``reconcile``). The abort rule
#: uses this factor; for the ~550-bit parts of a 5,000-pair run the median is about 1.25, so that
#: decision is slightly optimistic there, while the final key length always uses the real leakage.
EC_EFFICIENCY = 1.2


def _bits(array, name: str) -> np.ndarray:
    bits = np.asarray(array)
    if bits.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional bit array")
    if bits.size and not np.isin(bits, (0, 1)).all():
        raise ValueError(f"{name} must contain only 0 and 1")
    return bits.astype(np.uint8)


@dataclass
class CascadeResult:
    """Bob's corrected key and what Cascade disclosed."""

    corrected: np.ndarray
    leaked_bits: int
    errors_corrected: int
    block_size: int
    passes: int


def cascade(alice: np.ndarray, bob: np.ndarray, qber: float, *, passes: int = 4,
            seed: int | None = None) -> CascadeResult:
    """Correct the second key towards the first with Cascade (Brassard & Salvail 1993).

    ``alice`` is the reference (the side that announces parities), ``bob`` the side that
    corrects; ``reconcile`` passes Bob's bits first where Bob is the reference. ``qber`` is the
    expected error rate (sets the first block size). Returns the corrected copy of ``bob`` and
    the number of parities disclosed (``leaked_bits``).
    """
    alice, bob = _bits(alice, "alice"), _bits(bob, "bob").copy()
    if alice.size != bob.size:
        raise ValueError(f"keys differ in length ({alice.size} vs {bob.size})")
    if not 0.0 <= qber < 0.5:
        raise ValueError(f"qber = {qber} must be in [0, 0.5) for Cascade")
    if passes < 1:
        raise ValueError("passes must be at least 1")
    n = alice.size
    rng = np.random.default_rng(seed)
    first = max(4, math.ceil(0.73 / max(qber, 1e-6)))
    leaked, fixed = 0, 0
    perms: list[np.ndarray] = []  # per pass: permutation (position in shuffled order -> key index)
    where: list[np.ndarray] = []  # per pass: key index -> block number
    sizes: list[int] = []
    alice_parity: list[np.ndarray] = []

    def block_members(pass_no: int, block: int) -> np.ndarray:
        k = sizes[pass_no]
        return perms[pass_no][block * k:(block + 1) * k]

    def binary_search(members: np.ndarray) -> int:
        nonlocal leaked
        while members.size > 1:
            half = members[: members.size // 2]
            leaked += 1  # Alice announces the parity of the first half
            if (int(alice[half].sum()) + int(bob[half].sum())) % 2:
                members = half
            else:
                members = members[members.size // 2:]
        return int(members[0])

    for pass_no in range(passes):
        if n == 0:
            break
        k = min(n, first * 2**pass_no, max(first, n // CASCADE_MIN_BLOCKS))
        perm = np.arange(n) if pass_no == 0 else rng.permutation(n)
        block_of = np.empty(n, dtype=np.int64)
        block_of[perm] = np.arange(n) // k
        perms.append(perm)
        where.append(block_of)
        sizes.append(k)
        n_blocks = -(-n // k)
        alice_parity.append(np.bincount(block_of, weights=alice, minlength=n_blocks).astype(np.int64) % 2)
        leaked += n_blocks
        bob_parity = np.bincount(block_of, weights=bob, minlength=n_blocks).astype(np.int64) % 2
        queue = [(pass_no, int(b)) for b in np.flatnonzero(bob_parity != alice_parity[pass_no])]
        while queue:
            q, block = queue.pop()
            members = block_members(q, block)
            if int(bob[members].sum() % 2) == alice_parity[q][block]:
                continue  # already fixed by an earlier flip
            pos = binary_search(members)
            bob[pos] ^= 1
            fixed += 1
            for other in range(pass_no + 1):  # the cascade: earlier blocks holding this bit
                if other != q:
                    queue.append((other, int(where[other][pos])))
    return CascadeResult(bob, leaked, fixed, first, passes)


def toeplitz_hash(bits: np.ndarray, out_length: int, seed_bits: np.ndarray) -> np.ndarray:
    """Multiply ``bits`` (length n) by the m x n binary Toeplitz matrix given by ``seed_bits``.

    ``seed_bits`` has n + m - 1 entries: the first m form the first column, the rest the first
    row after its corner. Uses SciPy's FFT Toeplitz product, then reduces mod 2 (exact: the sums
    are integers far below 2**52).
    """
    from scipy.linalg import matmul_toeplitz

    bits = _bits(bits, "bits")
    seed_bits = _bits(seed_bits, "seed_bits")
    n, m = bits.size, int(out_length)
    if m < 0 or m > n:
        raise ValueError(f"out_length must be between 0 and the input length {n}, got {out_length}")
    if seed_bits.size != n + m - 1 and m > 0:
        raise ValueError(f"a {m} x {n} Toeplitz matrix needs {n + m - 1} seed bits, got {seed_bits.size}")
    if m == 0:
        return np.zeros(0, dtype=np.uint8)
    column = seed_bits[:m].astype(float)
    row = np.concatenate([seed_bits[:1], seed_bits[m:]]).astype(float)
    product = matmul_toeplitz((column, row), bits.astype(float))
    return (np.rint(product).astype(np.int64) % 2).astype(np.uint8)


def binary_entropy(p):
    """Shannon's binary entropy h(p) = -p log2 p - (1-p) log2(1-p) in bits (h(0) = h(1) = 0).

    Takes a number (returns a float) or an array (returns an array).
    """
    p = np.asarray(p, dtype=float)
    q = np.clip(p, 1e-300, 1 - 1e-16)
    out = np.where((p > 0) & (p < 1), -q * np.log2(q) - (1 - q) * np.log2(1 - q), 0.0)
    return float(out) if out.ndim == 0 else out


def eve_information_bound(chsh):
    """Eve's Holevo information per key bit given S (Acin et al. 2007, eq. 12); 1 if S <= 2.

    Takes a number (returns a float) or an array (returns an array).
    """
    s = np.asarray(chsh, dtype=float)
    entangled = np.isfinite(s) & (s > 2.0)
    s = np.where(entangled, np.minimum(s, 2 * math.sqrt(2)), 2.0)
    out = np.where(entangled, binary_entropy((1 + np.sqrt((s / 2) ** 2 - 1)) / 2), 1.0)
    return float(out) if out.ndim == 0 else out


def key_rate_bound(chsh: float, qber: float, *, ec_efficiency: float = EC_EFFICIENCY) -> float:
    """Secret bits per sifted bit, asymptotically: 1 - I_E(S) - f_EC h(QBER) (Acin et al. 2007, eq. 12).

    Pass the conservative S - 3 sigma to get the rate the abort rule and ``distill_key`` use.
    At or below 0 no key can be distilled, however many pairs are measured.
    """
    if not math.isfinite(qber) or not 0.0 <= qber <= 1.0:
        return float("-inf")
    return 1.0 - eve_information_bound(chsh) - ec_efficiency * binary_entropy(min(qber, 0.5))


def noise_only_key_rate(qber: float, *, ec_efficiency: float = EC_EFFICIENCY) -> float:
    """``key_rate_bound`` when a depolarizing channel alone causes the QBER Q: then S = 2 sqrt 2 (1 - 2Q)."""
    return key_rate_bound(2 * math.sqrt(2) * (1 - 2 * qber), qber, ec_efficiency=ec_efficiency)


def key_rate_zero(rate, lo: float = 1e-6, hi: float = 0.5) -> float:
    """The QBER in (lo, hi) where a decreasing ``rate(q)`` crosses zero (bisection to 1e-12)."""
    if not rate(lo) > 0 >= rate(hi):
        raise ValueError("the rate must be positive at lo and not positive at hi")
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if rate(mid) > 0 else (lo, mid)
    return lo


def final_key_length(n_bits: int, chsh_low: float, leaked_bits: int, *,
                     epsilon: float = DEFAULT_EPSILON) -> int:
    """Secret bits extractable from ``n_bits`` corrected bits (see the module docstring)."""
    if not 0 < epsilon < 1:
        raise ValueError("epsilon must be in (0, 1)")
    length = n_bits * (1 - eve_information_bound(chsh_low)) - leaked_bits - CONFIRM_BITS - 2 * math.log2(1 / epsilon)
    return max(0, math.floor(length))


@dataclass
class Reconciled:
    """Result of ``reconcile``: both sides' bits after Cascade (equal if it succeeded) and its ledger."""

    alice: np.ndarray
    bob: np.ndarray
    leaked_bits: int
    errors_corrected: int


def reconcile(result, *, seed: int | None = None) -> Reconciled:
    """Cascade per key basis pair towards its reference side (``e91.KEY_REFERENCE``; Acin et al. 2007).

    Where Bob's bit is the reference (pi/4, pi/4), Alice corrects hers; where Alice's is
    (pi/2, pi/2), Bob corrects his. Each part sets Cascade's block size from its own QBER (at
    least 1 %). On success both copies equal ``result.key_reference_bits``. Public randomness
    (Cascade's permutations) comes from ``seed``.
    """
    alice, bob = _bits(result.key_alice, "key_alice"), _bits(result.key_bob, "key_bob")
    from_bob = np.asarray(result.key_from_bob, dtype=bool)
    if not alice.shape == bob.shape == from_bob.shape:
        raise ValueError(f"key_alice, key_bob and key_from_bob differ in length "
                         f"({alice.size}, {bob.size}, {from_bob.size})")
    seeds = np.random.default_rng(seed).integers(2**63 - 1, size=2)
    corrected = {"alice": alice.copy(), "bob": bob.copy()}
    leaked = fixed = 0
    for bob_is_reference, part_seed in zip((True, False), seeds):
        part = from_bob == bob_is_reference
        if not part.any():
            continue
        reference, other, corrects = (bob, alice, "alice") if bob_is_reference else (alice, bob, "bob")
        qber = float(np.mean(reference[part] != other[part]))
        step = cascade(reference[part], other[part], min(max(qber, 0.01), 0.49), passes=RECONCILE_PASSES,
                       seed=int(part_seed))
        corrected[corrects][part] = step.corrected
        leaked, fixed = leaked + step.leaked_bits, fixed + step.errors_corrected
    return Reconciled(corrected["alice"], corrected["bob"], leaked, fixed)


@dataclass
class DistilledKey:
    """Result of ``distill_key``: the final keys (equal unless confirmation failed) and the ledger.

    The final key is a hash of the reference bits (``bob_reference_bits`` of them are Bob's);
    ``security`` states the assumptions of the bound that fixed its length.
    """

    key_alice: np.ndarray
    key_bob: np.ndarray
    sifted_bits: int
    leaked_ec: int
    leaked_confirm: int
    errors_corrected: int
    confirmed: bool
    eve_information: float
    final_length: int
    reason: str
    bob_reference_bits: int = 0
    security: str = SECURITY_MODEL

    @property
    def ok(self) -> bool:
        return self.confirmed and self.final_length > 0

    def key_bytes(self) -> bytes:
        """Alice's final key packed into bytes (for ``seal_record``)."""
        if not self.ok:
            raise ValueError(f"no final key: {self.reason}")
        return bits_to_key(self.key_alice)

    def summary(self) -> dict:
        return {"sifted bits": self.sifted_bits,
                "reference bits (Bob / Alice)": f"{self.bob_reference_bits} / "
                                                f"{self.sifted_bits - self.bob_reference_bits}",
                "errors corrected": self.errors_corrected,
                "leaked by Cascade": self.leaked_ec, "leaked by confirmation": self.leaked_confirm,
                "Eve info per bit (bound)": round(self.eve_information, 4),
                "final key bits": self.final_length, "confirmed": self.confirmed}


def distill_key(result, *, seed: int | None = None, epsilon: float = DEFAULT_EPSILON,
                sigmas: float = 3.0) -> DistilledKey:
    """Cascade towards the reference bits, key confirmation and Toeplitz privacy amplification.

    ``result`` is an ``E91Result``. Public randomness (Cascade permutations, hash seeds) comes
    from ``seed``; ``None`` (the default) draws it fresh, as a real run must. An aborted run
    yields no key (``ok`` is False, ``reason`` says why).
    """
    n = len(result.key_alice)
    empty = np.zeros(0, dtype=np.uint8)
    from_bob = int(np.count_nonzero(result.key_from_bob))
    chsh_low = float(result.chsh) - sigmas * float(result.chsh_stderr)
    info = eve_information_bound(chsh_low)

    if result.aborted:
        return DistilledKey(empty, empty, n, 0, 0, 0, False, 1.0, 0, f"protocol aborted: {result.reason}", from_bob)

    def no_key(leaked: int, fixed: int, confirmed: bool, reason: str) -> DistilledKey:
        return DistilledKey(empty, empty, n, leaked, CONFIRM_BITS, fixed, confirmed, info, 0, reason, from_bob)

    rng = np.random.default_rng(seed)
    fixed = reconcile(result, seed=int(rng.integers(2**63 - 1)))
    confirm_seed = rng.integers(0, 2, n + CONFIRM_BITS - 1)
    confirmed = n >= CONFIRM_BITS and np.array_equal(toeplitz_hash(fixed.alice, CONFIRM_BITS, confirm_seed),
                                                     toeplitz_hash(fixed.bob, CONFIRM_BITS, confirm_seed))
    length = final_key_length(n, chsh_low, fixed.leaked_bits, epsilon=epsilon)
    if not confirmed:
        return no_key(fixed.leaked_bits, fixed.errors_corrected, False,
                      "key confirmation failed: Cascade left errors, key discarded")
    if length == 0:
        reason = "no secret bits left after error correction, confirmation and privacy amplification"
        if key_rate_bound(chsh_low, float(result.qber)) > 0:  # finite-size costs ate a positive rate
            reason += ": use more pairs"
        return no_key(fixed.leaked_bits, fixed.errors_corrected, True, reason)
    pa_seed = rng.integers(0, 2, n + length - 1)
    return DistilledKey(toeplitz_hash(fixed.alice, length, pa_seed), toeplitz_hash(fixed.bob, length, pa_seed),
                        n, fixed.leaked_bits, CONFIRM_BITS, fixed.errors_corrected, True, info, length, "ok",
                        from_bob)
