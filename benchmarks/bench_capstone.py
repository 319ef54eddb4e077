"""Capstone benchmark (notebook 07): how long the whole chain takes, and how much memory.

One process, side by side:

  * kit, cold: the first ``run_chain("calm")`` in a fresh process (imports Keras/JAX, compiles and
    trains the federated TinyML model, which then scores the ward): what a learner waits for once;
  * kit, warm: every scenario again with everything cached (what the app's Run button costs);
  * peer "light models": the same chain with the numpy logistic federated model (it scores the
    ward too; no Keras), the cheapest configuration of the same stages.

Warm figures are the best of 2 runs (the machine is shared, so timings are noisy); peak memory
is this process's maximum resident set size after all runs.

Goals (notebook 07 brief): a full warm chain < 20 s for every scenario; the cold start plus all
seven scenarios (what the notebook does) < 60 s; peak memory < 1.5 GB.

    python benchmarks/bench_capstone.py
"""
from __future__ import annotations

import platform
import resource
import time

from pqfl_kit.capstone import SCENARIOS, run_chain

GOAL_WARM_S, GOAL_NOTEBOOK_S, GOAL_MEMORY_MB = 20.0, 60.0, 1536.0
REPEATS = 2


def timed(scenario: str, **kwargs) -> float:
    start = time.perf_counter()
    run_chain(scenario, **kwargs)
    return time.perf_counter() - start


def main() -> int:
    t0 = time.perf_counter()
    cold = timed("calm")
    first_pass = {name: (cold if name == "calm" else timed(name)) for name in SCENARIOS}
    notebook_like = time.perf_counter() - t0  # cold start + one run of every scenario
    warm = {name: min([first_pass[name], *(timed(name) for _ in range(REPEATS - 1))]) for name in SCENARIOS}
    warm["calm"] = min(timed("calm") for _ in range(REPEATS))
    light = {name: min(timed(name, fl_model="logreg") for _ in range(REPEATS))
             for name in SCENARIOS}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Capstone chain benchmark ({platform.machine()}, {platform.python_version()}; shared 2-core machine, "
          f"best of {REPEATS})")
    header = (f"{'scenario':14s} {'kit warm (s)':>13s} {'light models (s)':>17s} {'kit/light':>10s} {'goal':>8s} "
              f"{'':>5s}")
    print(header)
    print("-" * len(header))
    for name in SCENARIOS:
        ok = "PASS" if warm[name] < GOAL_WARM_S else "MISS"
        print(f"{name:14s} {warm[name]:13.2f} {light[name]:17.2f} {warm[name] / light[name]:10.1f} "
              f"{'< ' + str(int(GOAL_WARM_S)) + ' s':>8s} {ok:>5s}")
    print("-" * len(header))
    print(f"{'cold calm run':28s} {cold:13.2f} s")
    ok = "PASS" if notebook_like < GOAL_NOTEBOOK_S else "MISS"
    print(f"{'cold + all 7 scenarios':28s} {notebook_like:13.2f} s   goal < {GOAL_NOTEBOOK_S:.0f} s   {ok}")
    ok = "PASS" if peak_mb < GOAL_MEMORY_MB else "MISS"
    print(f"{'peak memory (RSS)':28s} {peak_mb:13.0f} MB  goal < {GOAL_MEMORY_MB:.0f} MB {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
