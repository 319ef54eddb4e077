"""Federated-learning round speed: in memory (PQC on vs off) and over a real RabbitMQ broker.

Goals (issue 6): in-memory simulation, 10 clients, GRU, 1 local epoch, PQC on: <= 1.0 s real wall
per round after the first, PQC share of the round <= 5%; AMQP with 3 client processes on this
machine: <= 2 s per round. Peers in the same run: the same rounds with PQC off, and the
in-memory transport. Each figure is the best of ``REPEATS`` runs (the machine may be shared).
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
REPEATS = 2
ROUNDS = 4


def memory_round(pqc: bool) -> tuple[float, float]:
    """(median wall s per round after the first, PQC share of it), best of REPEATS."""
    from pqfl_kit.fl import simulate

    best = None
    for _ in range(REPEATS):
        r = simulate(n_clients=10, rounds=ROUNDS, model="gru", pqc=pqc, seed=0, centralized=False)
        rounds = r.rounds[1:]
        wall = statistics.median(x.wall_s for x in rounds)
        share = sum(x.pqc_wall_s for x in rounds) / sum(x.wall_s for x in rounds)
        if best is None or wall < best[0]:
            best = (wall, share)
    return best


def amqp_round(model: str = "gru") -> float:
    """Median aggregator wall seconds per round (after the first), 3 client processes."""
    from fixtures_rabbitmq import RabbitBroker

    best = float("inf")
    base = Path(tempfile.mkdtemp(prefix="pqfl-bench-"))
    broker = RabbitBroker(base)
    try:
        broker.start()
        for rep in range(REPEATS):
            keys = base / f"keys{rep}"
            node = [sys.executable, "-m", "pqfl_kit.fl.node"]
            subprocess.run([*node, "keygen", "--keys", str(keys), "--clients", "3"], check=True, cwd=ROOT)
            common = ["--url", broker.url, "--keys", str(keys), "--clients", "3", "--model", model, "--run", f"b{rep}"]
            report = base / f"report{rep}.json"
            procs = [subprocess.Popen([*node, "aggregator", *common, "--rounds", str(ROUNDS + 1), "--quorum", "3",
                                       "--report", str(report)], cwd=ROOT, stdout=subprocess.DEVNULL)]
            procs += [subprocess.Popen([*node, "client", *common, "--id", f"c{i}"], cwd=ROOT) for i in range(3)]
            try:
                procs[0].wait(300)
            finally:
                for p in procs:
                    if p.poll() is None:
                        p.kill()
                    p.wait(10)
            rounds = json.loads(report.read_text())["rounds"][1:]
            best = min(best, statistics.median(r["wall_s"] for r in rounds))
    finally:
        broker.close()
    return best


def main() -> int:
    t0 = time.time()
    on_wall, on_share = memory_round(True)
    off_wall, _ = memory_round(False)
    amqp = amqp_round()
    rows = [
        ("memory, 10 clients, GRU, PQC on: s/round", on_wall, f"PQC off {off_wall:.3f}", on_wall / off_wall, "<= 1.0 s",
         on_wall <= 1.0),
        ("PQC share of the round (on)", on_share, f"PQC off 0", (on_wall - off_wall) / on_wall, "<= 5%",
         on_share <= 0.05),
        ("AMQP, 3 client processes, GRU: s/round", amqp, f"memory {on_wall:.3f}", amqp / on_wall, "<= 2.0 s", amqp <= 2.0),
    ]
    print(f"bench_fl: best of {REPEATS} runs, rounds 2..{ROUNDS} (the first compiles); machine may be shared")
    print(f"{'measure':42s} {'kit':>8s}  {'peer (same run)':>18s} {'ratio':>7s}  {'goal':>8s}  result")
    for name, value, peer, ratio, goal, ok in rows:
        shown = f"{value:.1%}" if "share" in name else f"{value:.3f}"
        print(f"{name:42s} {shown:>8s}  {peer:>18s} {ratio:7.2f}  {goal:>8s}  {'PASS' if ok else 'MISS'}")
    print(f"(total {time.time() - t0:.0f} s; for the share row the ratio is (on - off) / on wall time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
