"""Run federated learning on real machines: ``python -m pqfl_kit.fl.node keygen|aggregator|client``.

A thin shell over ``pqfl_kit.fl`` (after Flower's embedded-devices example): the round steps of
:mod:`pqfl_kit.fl.rounds` (train, seal, upload, collect, aggregate, broadcast) that ``simulate``
runs too, here in separate processes with a RabbitMQ broker between them.

* ``keygen --keys DIR --clients N``: ML-DSA-65 identities (FIPS 204) of the aggregator and of
  clients c0..c{N-1}, stored as their 32-byte key-generation seeds; ``public.json`` holds every
  public key (in K3s these files are Secrets; ``deploy/k3s``). Session keys are not stored: each
  session runs the three-message handshake of :mod:`pqfl_kit.pqc.channel` (ephemeral ML-KEM-768)
  through the queues.
* ``aggregator``: a pqc ``Gateway`` pinning every client's key; answers the clients' handshakes
  and waits until all of them joined (or ``--hello-timeout`` passed with at least ``--quorum``),
  then for every round seals the global model for each client on its channel, collects updates
  until every live client reported, or the quorum reported and ``--round-timeout`` more seconds
  passed (a straggler deadline that starts when the quorum is in, so a loaded machine does not
  drop slow but live clients), aggregates, evaluates, and prints one JSON line per round
  (``{"event": "round", ...}``); ``--report`` saves the whole run.
* ``client --id cK``: a pqc ``Device`` pinning the aggregator's key; trains on its own device's
  traffic (device K of the kit's generator), answers each global model with one sealed update
  signed by its ML-DSA identity. ``--crash-at-round R`` exits abruptly, ``--attack forge|replay``
  adds a forged / replayed update (for the tests and demos).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pqfl_kit import SEED
from pqfl_kit.fl import fedavg, rounds, secure, wire
from pqfl_kit.fl.task import make_federated_data, make_learner
from pqfl_kit.fl.transport import AmqpTransport, Delivery
from pqfl_kit.limits import whole
from pqfl_kit.pqc.channel import ChannelError, Device, Gateway
from pqfl_kit.pqc.sig import Identity, generate_identity

AGGREGATOR_ID = "aggregator"
ALGORITHM = "ML-DSA-65"
MAX_CLIENTS = 1000  # identities one keygen writes


def keygen(keys: Path, n_clients: int) -> dict:
    """Write fresh ML-DSA-65 identities for an aggregator and ``n_clients`` clients; return the public keys.

    ``keys`` is made (or set to) mode 0700; each seed file is created 0600 from the start (a
    ``mkstemp`` file, renamed into place), so no other user can ever read a private key.
    ``n_clients`` is a whole number in [1, :data:`MAX_CLIENTS`].
    """
    n_clients = whole("n_clients", n_clients, 1, MAX_CLIENTS)
    keys = Path(keys)
    keys.mkdir(mode=0o700, parents=True, exist_ok=True)
    keys.chmod(0o700)  # mkdir's mode is masked by the umask, and the folder may exist already
    public: dict[str, Any] = {"algorithm": ALGORITHM, "identities": {}}
    for name in [AGGREGATOR_ID, *[f"c{i}" for i in range(n_clients)]]:
        seed = secrets.token_bytes(32)  # xi of FIPS 204 Sec. 6.1: the whole private key
        _write_secret(keys / f"{name}.sig", seed)
        public["identities"][name] = _identity(name, seed).public_key.hex()
    (keys / "public.json").write_text(json.dumps(public, indent=1))
    return public


def _write_secret(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 atomically: a new 0600 file (O_CREAT|O_EXCL) renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600, O_EXCL
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _identity(name: str, seed: bytes) -> Identity:
    # the kit's active backend (liboqs or openssl): one seed gives the same key on both
    return generate_identity(name, ALGORITHM, seed=seed)


def _load(keys: Path, name: str) -> tuple[Identity, dict[str, bytes]]:
    """This node's identity and every pinned public key."""
    public = json.loads((keys / "public.json").read_text())
    if public.get("algorithm") != ALGORITHM:
        raise SystemExit(f"{keys / 'public.json'} holds no {ALGORITHM} keys: run `keygen` again")
    return (_identity(name, (keys / f"{name}.sig").read_bytes()),
            {k: bytes.fromhex(v) for k, v in public["identities"].items()})


def _queues(run: str) -> tuple[str, Callable[[str], str]]:
    """Queue names of one federation run: ``<run>.aggregator`` and ``<run>.client.<id>``."""
    return f"{run}.aggregator", (lambda cid: f"{run}.client.{cid}")


def _emit(**event) -> None:
    print(json.dumps(event), flush=True)


@dataclass
class _Aggregator:
    """The aggregator process: answers handshakes, runs the rounds with the steps of
    :mod:`pqfl_kit.fl.rounds`, counts every refusal in ``inbox.rejected`` and logs it."""

    args: argparse.Namespace
    inbox: secure.Inbox
    net: AmqpTransport
    queue: str
    client_queue: Callable[[str], str]
    shapes: list[tuple] = field(default_factory=list)

    def handle(self, d: Delivery, collector: rounds.Collector | None) -> None:
        """One message from the aggregator's queue. Nothing in it can stop the loop: every
        failure is counted in ``inbox.rejected`` (by reason) and the message is acknowledged."""
        try:
            if d.kind == "hello":
                client, reply = self.inbox.respond(d.body)
                self.net.send(self.client_queue(client), reply, "server_hello")
            elif d.kind == "finish":
                _emit(event="joined", client=self.inbox.complete(d.body))
            elif d.kind == "update" and collector is not None:
                verdict = collector.take(d.body, redelivered=d.redelivered)
                if verdict.status == "rejected":
                    detail = {"detail": verdict.detail[:200]} if verdict.detail else {}
                    _emit(event="rejected", client=verdict.client, reason=verdict.reason,
                          round=collector.round_no, **detail)
            elif d.kind not in ("hello", "finish", "update"):
                self.refuse(f"unknown message kind {d.kind[:40]!r}", step="kind")
        except secure.SecurityError as error:  # a refused handshake message (already counted)
            _emit(event="rejected", reason=error.reason, step=d.kind, detail=str(error))
        except ConnectionError:  # the broker is gone for good: not the message's fault
            raise
        except Exception as error:  # noqa: BLE001 - one bad message never stops the aggregator
            self.refuse(f"{type(error).__name__}: {error}", step=d.kind)
        finally:
            d.ack()

    def refuse(self, detail: str, **where) -> None:
        """Count and log a message that is not even a protocol message (``malformed``)."""
        self.inbox.rejected["malformed"] += 1
        _emit(event="rejected", reason="malformed", detail=detail[:200], **where)

    def join(self) -> None:
        """Answer handshakes until every client joined or ``--hello-timeout`` passed; then at
        least ``--quorum`` clients must have joined."""
        deadline = time.monotonic() + self.args.hello_timeout
        while len(self.inbox.clients) < self.args.clients and time.monotonic() < deadline:
            if (d := self.net.receive(self.queue, 0.2)) is not None:
                self.handle(d, None)
        if len(self.inbox.clients) < self.args.quorum:
            raise SystemExit(f"only {len(self.inbox.clients)} clients joined; quorum is {self.args.quorum}")

    def round(self, r: int, global_w: list) -> tuple[list, list[rounds.Update], float]:
        """Broadcast, collect, aggregate (McMahan et al. 2017, Alg. 1, server side); returns the
        new global weights, the updates (sorted by client) and the round's wall seconds."""
        start = time.monotonic()
        live = self.inbox.clients
        rounds.broadcast(self.inbox, self.net, self.client_queue, live, r, global_w)
        collector = rounds.Collector(self.inbox, r, self.shapes, one_per_client=True, need_id=True)
        self.collect(collector, len(live), start)
        updates = sorted(collector.updates, key=lambda u: u.client)
        global_w, _ = rounds.aggregate(self.args.aggregator, updates)
        return global_w, updates, time.monotonic() - start

    def collect(self, collector: rounds.Collector, expected: int, start: float) -> None:
        """Take updates until every live client reported, or the quorum did and ``--round-timeout``
        more seconds passed (a straggler deadline that starts when the quorum is in, so a loaded
        machine does not drop slow but live clients; Bonawitz et al. 2019, Sec. 4)."""
        quorum_at = None
        while len(collector.updates) < expected:
            now = time.monotonic()
            if quorum_at is None and len(collector.updates) >= self.args.quorum:
                quorum_at = now
            if quorum_at is not None and now - quorum_at > self.args.round_timeout:
                break
            if quorum_at is None and now - start > self.args.quorum_timeout:
                raise SystemExit(f"round {collector.round_no}: {len(collector.updates)} updates, "
                                 f"quorum {self.args.quorum} not reached")
            if (d := self.net.receive(self.queue, 0.2)) is not None:
                self.handle(d, collector)


def run_aggregator(args) -> dict:
    """The aggregator role: join the clients, run ``--rounds`` rounds, print one JSON line each."""
    me, pinned = _load(Path(args.keys), AGGREGATOR_ID)
    inbox = secure.Inbox(Gateway(me, {k: v for k, v in pinned.items() if k != AGGREGATOR_ID}))
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    global_w = learner.get_weights()
    net = AmqpTransport(args.url)
    server = _Aggregator(args, inbox, net, *_queues(args.run), shapes=rounds.shapes_of(global_w))
    server.join()
    report: dict = {"rounds": [], "clients": inbox.clients}
    for r in range(1, args.rounds + 1):
        global_w, updates, wall = server.round(r, global_w)
        learner.set_weights(global_w)
        row = {"round": r, "accepted": [u.client for u in updates], "update_ids": [u.update_id for u in updates],
               "accuracy": learner.accuracy(data.x_test, data.y_test), "wall_s": wall,
               "rejected": dict(inbox.rejected), "duplicates": inbox.duplicates, "reconnects": net.reconnects}
        report["rounds"].append(row)
        _emit(event="round", **row)
    for cid in inbox.clients:
        net.send(server.client_queue(cid), b"", "stop")
    report.update(rejected=dict(inbox.rejected), duplicates=inbox.duplicates)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1))
    net.close()
    return report


@dataclass
class _Client:
    """A client process: answers each global model with one sealed, signed update."""

    args: argparse.Namespace
    me: Identity
    device: Device
    learner: Any
    shard: tuple[np.ndarray, np.ndarray]
    net: AmqpTransport
    queue: str  # the aggregator's
    done: int = 0  # the last round answered
    previous: bytes | None = None

    def answer(self, message: bytes) -> None:
        """ClientUpdate (McMahan et al. 2017, Alg. 1) for one global model: open it, train, seal,
        upload (:mod:`pqfl_kit.fl.rounds`); ignores anything not from our aggregator or already
        answered. ``--crash-at-round`` exits here, ``--attack`` adds a forged / replayed update."""
        args = self.args
        try:
            r, weights = rounds.receive_global(self.device.channel, message)
        except (ChannelError, ValueError):  # not from our aggregator, garbage, or seen before
            return
        if r <= self.done:  # this round was answered already
            return
        if args.crash_at_round and r >= args.crash_at_round:
            os._exit(3)  # a crash: no goodbye, no ack
        x, y = self.shard
        trained, _ = rounds.train(self.learner, weights, x, y, args.epochs)
        time.sleep(args.delay)  # a slow device (tests use it to kill the broker mid-round)
        uid = f"{args.id}-r{r}-{os.urandom(4).hex()}"
        packet, _ = rounds.seal(self.device.channel, self.me, args.id, r, trained, len(y), update_id=uid)
        rounds.upload(self.net, self.queue, packet)
        if args.attack == "forge":  # signed by a key the aggregator has not pinned
            fake = wire.pack([w * 0 for w in weights], n_samples=10_000, update_id="forged")
            rounds.upload(self.net, self.queue,
                          secure.seal_update(self.device.channel, generate_identity(args.id), args.id, r, fake))
        if args.attack == "replay" and self.previous is not None:
            rounds.upload(self.net, self.queue, self.previous)
        self.previous, self.done = packet, r


def run_client(args) -> None:
    """The client role: handshake through the queues, then answer global models until "stop"."""
    me, pinned = _load(Path(args.keys), args.id)
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    net = AmqpTransport(args.url)
    agg_queue, client_queue = _queues(args.run)
    client = _Client(args, me, Device(me, pinned[AGGREGATOR_ID]), learner, data.shards[int(args.id.lstrip("c"))],
                     net, agg_queue)
    net.send(agg_queue, secure.client_hello(client.device), "hello")
    while True:
        d = net.receive(client_queue(args.id), 1.0)
        if d is None:
            continue
        if d.kind == "stop":
            d.ack()
            break
        if d.kind == "server_hello":
            if client.device.channel is None:  # a redelivered copy after the handshake is ignored
                net.send(agg_queue, secure.client_finish(client.device, d.body), "finish")
        else:
            client.answer(d.body)
        d.ack()
    net.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pqfl_kit.fl.node", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="role", required=True)
    k = sub.add_parser("keygen", help="write ML-DSA-65 identities for an aggregator and its clients")
    k.add_argument("--keys", required=True)
    k.add_argument("--clients", type=int, required=True)
    for role in ("aggregator", "client"):
        p = sub.add_parser(role)
        p.add_argument("--url", default=os.environ.get("PQFL_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
        p.add_argument("--keys", required=True)
        p.add_argument("--clients", type=int, required=True, help="clients in the federation")
        p.add_argument("--model", default="logreg")
        p.add_argument("--windows", type=int, default=200, help="traffic windows per client")
        p.add_argument("--seed", type=int, default=SEED)
        p.add_argument("--run", default="fl", help="run name: prefix of this federation's queues")
    a = sub.choices["aggregator"]
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("--quorum", type=int, default=1)
    a.add_argument("--round-timeout", type=float, default=10.0,
                   help="seconds to wait for stragglers once the quorum has reported")
    a.add_argument("--quorum-timeout", type=float, default=120.0,
                   help="seconds after which a round without a quorum aborts the run")
    a.add_argument("--hello-timeout", type=float, default=120.0, help="seconds to wait for every client to join")
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
