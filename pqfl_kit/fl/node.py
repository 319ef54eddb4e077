"""Run federated learning on real machines: ``python -m pqfl_kit.fl.node keygen|aggregator|client``.

A thin shell over ``pqfl_kit.fl`` (after Flower's embedded-devices example): the same sealing,
signing, inbox and aggregation code as ``simulate``, with a RabbitMQ broker between processes.

* ``keygen --keys DIR --clients N``: ML-KEM-768 key of the aggregator, ML-DSA-65 identities of
  the aggregator and of clients c0..c{N-1}; ``public.json`` holds every public key (in K3s these
  files are Secrets; ``deploy/k3s``).
* ``aggregator``: waits for the clients' signed ML-KEM hellos, then for every round seals and
  signs the global model for each client, collects updates until all live clients reported or
  ``--round-timeout`` passed with at least ``--quorum`` updates, aggregates, evaluates, and prints
  one JSON line per round (``{"event": "round", ...}``); ``--report`` saves the whole run.
* ``client --id cK``: trains on its own device's traffic (device K of the kit's generator),
  answers each global model with one sealed, signed update. ``--crash-at-round R`` exits
  abruptly, ``--attack forge|replay`` adds a forged / replayed update (for the tests and demos).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from pqfl_kit.fl import fedavg, secure, wire
from pqfl_kit.fl.task import make_federated_data, make_learner
from pqfl_kit.fl.transport import AmqpTransport

AGGREGATOR_ID = "aggregator"


def keygen(keys: Path, n_clients: int) -> dict:
    """Write fresh keys for an aggregator and ``n_clients`` clients; return the public keys."""
    from cryptography.hazmat.primitives.asymmetric import mlkem

    keys.mkdir(parents=True, exist_ok=True)
    kem = mlkem.MLKEM768PrivateKey.generate()
    (keys / "aggregator.kem").write_bytes(kem.private_bytes_raw())
    public = {"kem": kem.public_key().public_bytes_raw().hex(), "identities": {}}
    for name in [AGGREGATOR_ID, *[f"c{i}" for i in range(n_clients)]]:
        identity = secure.Identity()
        path = keys / f"{name}.sig"
        path.write_bytes(identity.seed())
        path.chmod(0o600)
        public["identities"][name] = identity.public_bytes.hex()
    (keys / "public.json").write_text(json.dumps(public, indent=1))
    return public


def _public(keys: Path) -> dict:
    return json.loads((keys / "public.json").read_text())


def _queues(run: str):
    """Queue names of one federation run: ``<run>.aggregator`` and ``<run>.client.<id>``."""
    return f"{run}.aggregator", (lambda cid: f"{run}.client.{cid}")


def _emit(**event) -> None:
    print(json.dumps(event), flush=True)


def run_aggregator(args) -> dict:
    from cryptography.hazmat.primitives.asymmetric import mlkem

    keys = Path(args.keys)
    public = _public(keys)
    kem = mlkem.MLKEM768PrivateKey.from_seed_bytes((keys / "aggregator.kem").read_bytes())
    me = secure.Identity.from_seed((keys / f"{AGGREGATOR_ID}.sig").read_bytes())
    clients = {k: bytes.fromhex(v) for k, v in public["identities"].items() if k != AGGREGATOR_ID}
    inbox = secure.Inbox(identities=clients)
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    global_w = learner.get_weights()
    net = AmqpTransport(args.url)
    AGGREGATOR_QUEUE, client_queue = _queues(args.run)

    def handle(d, round_no, got):
        if d.kind == "hello":
            try:
                session = secure.server_session(d.body, kem, clients)
                inbox.sessions[session.client_id] = session
                _emit(event="hello", client=session.client_id)
            except secure.SecurityError as error:
                inbox.rejected[error.reason] += 1
        elif d.kind == "update" and round_no is not None:
            verdict = inbox.receive(d.body, round_no, redelivered=d.redelivered)
            if verdict.status == "accepted":
                if verdict.client in got:  # a second, different update for this round
                    inbox.duplicates += 1
                else:
                    got[verdict.client] = wire.unpack(verdict.payload)
            elif verdict.status == "rejected":
                _emit(event="rejected", client=verdict.client, reason=verdict.reason, round=round_no)
        d.ack()

    deadline = time.monotonic() + args.hello_timeout
    while len(inbox.sessions) < args.clients and time.monotonic() < deadline:
        if (d := net.receive(AGGREGATOR_QUEUE, 0.2)) is not None:
            handle(d, None, {})
    if len(inbox.sessions) < args.quorum:
        raise SystemExit(f"only {len(inbox.sessions)} clients said hello; quorum is {args.quorum}")
    report = {"rounds": [], "clients": sorted(inbox.sessions)}
    for r in range(1, args.rounds + 1):
        start = time.monotonic()
        payload = wire.pack(global_w, round=r)
        live = sorted(inbox.sessions)
        for cid in live:
            net.send(client_queue(cid), secure.seal_update(inbox.sessions[cid], me, AGGREGATOR_ID, r, payload),
                     "global")
        got: dict[str, tuple] = {}
        while True:
            waited = time.monotonic() - start
            if len(got) >= len(live) or (waited > args.round_timeout and len(got) >= args.quorum):
                break
            if waited > args.round_timeout * 4:
                raise SystemExit(f"round {r}: {len(got)} updates, quorum {args.quorum} not reached")
            if (d := net.receive(AGGREGATOR_QUEUE, 0.2)) is not None:
                handle(d, r, got)
        ids = sorted(got)
        global_w = fedavg.aggregate(args.aggregator, [got[c][0] for c in ids], [got[c][1]["n_samples"] for c in ids])
        learner.set_weights(global_w)
        row = {"round": r, "accepted": ids, "update_ids": [got[c][1]["update_id"] for c in ids],
               "accuracy": learner.accuracy(data.x_test, data.y_test), "wall_s": time.monotonic() - start,
               "rejected": dict(inbox.rejected), "duplicates": inbox.duplicates, "reconnects": net.reconnects}
        report["rounds"].append(row)
        _emit(event="round", **row)
    for cid in inbox.sessions:
        net.send(client_queue(cid), b"", "stop")
    report.update(rejected=dict(inbox.rejected), duplicates=inbox.duplicates)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1))
    net.close()
    return report


def run_client(args) -> None:
    keys = Path(args.keys)
    public = _public(keys)
    me = secure.Identity.from_seed((keys / f"{args.id}.sig").read_bytes())
    index = int(args.id.lstrip("c"))
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    x, y = data.shards[index]
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    net = AmqpTransport(args.url)
    AGGREGATOR_QUEUE, client_queue = _queues(args.run)
    session, hello = secure.client_session(args.id, me, bytes.fromhex(public["kem"]))
    gate = secure.Inbox(identities={AGGREGATOR_ID: bytes.fromhex(public["identities"][AGGREGATOR_ID])},
                        sessions={AGGREGATOR_ID: session})
    net.send(AGGREGATOR_QUEUE, hello, "hello")
    done, previous = 0, None
    while True:
        d = net.receive(client_queue(args.id), 1.0)
        if d is None:
            continue
        if d.kind == "stop":
            d.ack()
            break
        verdict = gate.receive(d.body, None, redelivered=d.redelivered)
        if verdict.status != "accepted":
            d.ack()
            continue
        weights, meta = wire.unpack(verdict.payload)
        r = int(meta["round"])
        if r <= done:  # this round was answered already
            d.ack()
            continue
        if args.crash_at_round and r >= args.crash_at_round:
            os._exit(3)  # a crash: no goodbye, no ack
        learner.set_weights(weights)
        learner.fit(x, y, args.epochs)
        time.sleep(args.delay)  # a slow device (tests use it to kill the broker mid-round)
        uid = f"{args.id}-r{r}-{os.urandom(4).hex()}"
        packet = secure.seal_update(session, me, args.id, r, wire.pack(learner.get_weights(), n_samples=len(y),
                                                                         update_id=uid), update_id=uid)
        net.send(AGGREGATOR_QUEUE, packet, "update")
        if args.attack == "forge":
            fake = wire.pack([w * 0 for w in weights], n_samples=10_000, update_id="forged")
            net.send(AGGREGATOR_QUEUE, secure.seal_update(session, secure.Identity(), args.id, r, fake), "update")
        if args.attack == "replay" and previous is not None:
            net.send(AGGREGATOR_QUEUE, previous, "update")
        previous, done = packet, r
        d.ack()
    net.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pqfl_kit.fl.node", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="role", required=True)
    k = sub.add_parser("keygen", help="write ML-KEM/ML-DSA keys for an aggregator and its clients")
    k.add_argument("--keys", required=True)
    k.add_argument("--clients", type=int, required=True)
    for role in ("aggregator", "client"):
        p = sub.add_parser(role)
        p.add_argument("--url", default=os.environ.get("PQFL_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
        p.add_argument("--keys", required=True)
        p.add_argument("--clients", type=int, required=True, help="clients in the federation")
        p.add_argument("--model", default="logreg")
        p.add_argument("--windows", type=int, default=200, help="traffic windows per client")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--run", default="fl", help="run name: prefix of this federation's queues")
    a = sub.choices["aggregator"]
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--quorum", type=int, default=1)
    a.add_argument("--round-timeout", type=float, default=10.0)
    a.add_argument("--hello-timeout", type=float, default=120.0)
    a.add_argument("--aggregator", default="fedavg", choices=list(fedavg.AGGREGATORS))
    a.add_argument("--report")
    c = sub.choices["client"]
    c.add_argument("--id", required=True, help="c0, c1, ...")
    c.add_argument("--epochs", type=int, default=1)
    c.add_argument("--crash-at-round", type=int, default=0)
    c.add_argument("--delay", type=float, default=0.0, help="extra seconds per local training")
    c.add_argument("--attack", choices=["forge", "replay"])
    args = parser.parse_args(argv)
    if args.role == "keygen":
        keygen(Path(args.keys), args.clients)
    elif args.role == "aggregator":
        run_aggregator(args)
    else:
        run_client(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
