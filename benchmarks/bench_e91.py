"""E91 benchmark: 100,000 Bell pairs with Eve intercepting every photon (issue 4).

Side by side in one run:
  * kit fast path  (``engine="fast"``): deferred measurement, one Qiskit DensityMatrix
    simulation per basis group, outcomes drawn from its Born probabilities;
  * peer: the straightforward Aer route (``engine="aer"``): Eve as a real mid-circuit
    measurement on qiskit_aer.AerSimulator, one circuit per basis group, memory=True.
Both use the same basis choices and per-group seeds. Goals: fast path <= 0.5 s, >= 10x faster
than the peer, same S and QBER within statistical error (4 combined standard errors).
Times are the best of several repeats (imports excluded; the fast path's cache of group
distributions is cleared before every repeat, so "cold" includes every circuit simulation).

    python benchmarks/bench_e91.py [n_pairs]
"""
from __future__ import annotations

import math
import platform
import sys
import time

import qiskit
import qiskit_aer

from pqfl_kit import SEED
from pqfl_kit.qkd import e91 as Q

N_PAIRS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
GOAL_SECONDS, GOAL_SPEEDUP = 0.5, 10.0


def timed(engine: str, repeats: int, cold: bool = True):
    best, result = math.inf, None
    for _ in range(repeats):
        if cold:
            Q._born_distribution.cache_clear()
            Q._depolarizing.cache_clear()
        start = time.perf_counter()
        result = Q.run_e91(N_PAIRS, eve_fraction=1.0, eve_bases="bob", seed=SEED, engine=engine)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    Q.run_e91(1000, eve_fraction=1.0, seed=1)  # load Qiskit's modules once (not timed)
    Q.run_e91(200, eve_fraction=1.0, seed=1, engine="aer")
    fast_cold, fast = timed("fast", 5)
    fast_warm, _ = timed("fast", 5, cold=False)
    aer_time, aer = timed("aer", 2)

    s_gap = abs(fast.chsh - aer.chsh) / math.hypot(fast.chsh_stderr, aer.chsh_stderr)
    q_se = math.hypot(*(math.sqrt(r.qber * (1 - r.qber) / len(r.key_alice)) for r in (fast, aer)))
    q_gap = abs(fast.qber - aer.qber) / q_se
    speedup = aer_time / fast_cold

    print(f"E91, {N_PAIRS:,} pairs, Eve intercepts every photon along Bob's angles "
          f"(theory: S = {Q.theory_chsh(1.0):.3f}, QBER = {Q.theory_qber(1.0):.2%})")
    print(f"qiskit {qiskit.__version__}, qiskit-aer {qiskit_aer.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}; best of repeats on a shared machine\n")
    header = f"{'method':52s} {'time (s)':>9s} {'ratio':>7s} {'S':>15s} {'QBER':>8s}"
    print(header)
    print("-" * len(header))
    rows = [("kit fast path, cold (deferred meas., DensityMatrix)", fast_cold, fast),
            ("kit fast path, warm (group distributions cached)", fast_warm, fast),
            ("peer: Aer mid-circuit measurement, per group", aer_time, aer)]
    for name, seconds, r in rows:
        print(f"{name:52s} {seconds:9.3f} {seconds / fast_cold:6.2f}x {r.chsh:8.3f}±{r.chsh_stderr:.3f} {r.qber:8.2%}")
    print()
    goals = [
        (f"fast path (cold) <= {GOAL_SECONDS} s", f"{fast_cold:.3f} s", fast_cold <= GOAL_SECONDS),
        (f"speed-up vs Aer mid-circuit >= {GOAL_SPEEDUP:g}x", f"{speedup:.1f}x", speedup >= GOAL_SPEEDUP),
        ("same S (|dS| < 4 combined SE)", f"{s_gap:.2f} SE", s_gap < 4),
        ("same QBER (|dQ| < 4 combined SE)", f"{q_gap:.2f} SE", q_gap < 4),
    ]
    print(f"{'goal':52s} {'measured':>12s}  verdict")
    for goal, measured, ok in goals:
        print(f"{goal:52s} {measured:>12s}  {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
