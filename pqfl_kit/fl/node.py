"""Run federated learning on real machines: ``python -m pqfl_kit.fl.node keygen|aggregator|client``.

A thin shell over ``pqfl_kit.fl`` (after Flower's embedded-devices example): the same sealing,
signing, inbox and aggregation code as ``simulate``, with a RabbitMQ broker between processes.

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
from pathlib import Path

import numpy as np

from pqfl_kit.fl import fedavg, secure, wire
from pqfl_kit.fl.task import make_federated_data, make_learner
from pqfl_kit.fl.transport import AmqpTransport
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
    public = {"algorithm": ALGORITHM, "identities": {}}
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


def _queues(run: str):
    """Queue names of one federation run: ``<run>.aggregator`` and ``<run>.client.<id>``."""
    return f"{run}.aggregator", (lambda cid: f"{run}.client.{cid}")


def _emit(**event) -> None:
    print(json.dumps(event), flush=True)


def run_aggregator(args) -> dict:
    me, pinned = _load(Path(args.keys), AGGREGATOR_ID)
    clients = {k: v for k, v in pinned.items() if k != AGGREGATOR_ID}
    inbox = secure.Inbox(Gateway(me, clients))
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    global_w = learner.get_weights()
    net = AmqpTransport(args.url)
    AGGREGATOR_QUEUE, client_queue = _queues(args.run)

    shapes = [(w.shape, w.dtype) for w in global_w]

    def refuse(reason, detail, **where):
        inbox.rejected[reason] += 1
        _emit(event="rejected", reason=reason, detail=detail[:200], **where)

    def handle(d, round_no, got):
        """One message from the aggregator's queue. Nothing in it can stop the loop: every
        failure is counted in ``inbox.rejected`` (by reason) and the message is acknowledged."""
        try:
            if d.kind == "hello":
                client, reply = inbox.respond(d.body)
                net.send(client_queue(client), reply, "server_hello")
            elif d.kind == "finish":
                client = inbox.complete(d.body)
                _emit(event="joined", client=client)
            elif d.kind == "update" and round_no is not None:
                verdict = inbox.receive(d.body, round_no, redelivered=d.redelivered)
                if verdict.status == "accepted":
                    if verdict.client in got:  # a second, different update for this round
                        inbox.duplicates += 1
                    else:
                        update = _checked_update(verdict.payload, shapes)
                        if isinstance(update, str):  # signed by a pinned key, but not a usable update
                            refuse("malformed", update, client=verdict.client, round=round_no)
                        else:
                            got[verdict.client] = update
                elif verdict.status == "rejected":
                    _emit(event="rejected", client=verdict.client, reason=verdict.reason, round=round_no)
            elif d.kind not in ("hello", "finish", "update"):
                refuse("malformed", f"unknown message kind {d.kind[:40]!r}", step="kind")
        except secure.SecurityError as error:  # a refused handshake message (already counted)
            _emit(event="rejected", reason=error.reason, step=d.kind, detail=str(error))
        except ConnectionError:  # the broker is gone for good: not the message's fault
            raise
        except Exception as error:  # noqa: BLE001 - one bad message never stops the aggregator
            refuse("malformed", f"{type(error).__name__}: {error}", step=d.kind)
        finally:
            d.ack()

    deadline = time.monotonic() + args.hello_timeout
    while len(inbox.clients) < args.clients and time.monotonic() < deadline:
        if (d := net.receive(AGGREGATOR_QUEUE, 0.2)) is not None:
            handle(d, None, {})
    if len(inbox.clients) < args.quorum:
        raise SystemExit(f"only {len(inbox.clients)} clients joined; quorum is {args.quorum}")
    report = {"rounds": [], "clients": inbox.clients}
    for r in range(1, args.rounds + 1):
        start = time.monotonic()
        payload = wire.pack(global_w, round=r)
        live = inbox.clients
        for cid in live:
            net.send(client_queue(cid), inbox.seal_global(cid, r, payload), "global")
        got: dict[str, tuple] = {}
        quorum_at = None  # when the quorum was in: the straggler deadline starts then
        while len(got) < len(live):
            now = time.monotonic()
            if quorum_at is None and len(got) >= args.quorum:
                quorum_at = now
            if quorum_at is not None and now - quorum_at > args.round_timeout:
                break
            if quorum_at is None and now - start > args.quorum_timeout:
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
    for cid in inbox.clients:
        net.send(client_queue(cid), b"", "stop")
    report.update(rejected=dict(inbox.rejected), duplicates=inbox.duplicates)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1))
    net.close()
    return report


def _checked_update(payload: bytes, shapes: list[tuple]) -> tuple[list, dict] | str:
    """``(weights, meta)`` of an update, or why it cannot be aggregated (a reason for the log):
    not a model message (:func:`pqfl_kit.fl.wire.unpack`: size limits, no zip bombs), layers that
    do not match the global model, non-finite weights, or no ``n_samples`` in [1, 10**9]."""
    try:
        weights, meta = wire.unpack(payload)
    except ValueError as error:
        return str(error)
    if [(w.shape, w.dtype) for w in weights] != shapes:
        return "layers do not match the global model"
    if not all(np.isfinite(w).all() for w in weights if w.dtype.kind in "fc"):
        return "weights are not finite"
    n = meta.get("n_samples")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10**9:
        return "n_samples is not a whole number in [1, 10**9]"
    if not isinstance(meta.get("update_id"), str):
        return "update_id is missing"
    return weights, meta


def run_client(args) -> None:
    me, pinned = _load(Path(args.keys), args.id)
    index = int(args.id.lstrip("c"))
    data = make_federated_data(args.clients, args.windows, seed=args.seed)
    x, y = data.shards[index]
    learner = make_learner(args.model, data.steps, data.features, args.seed)
    net = AmqpTransport(args.url)
    AGGREGATOR_QUEUE, client_queue = _queues(args.run)
    device = Device(me, pinned[AGGREGATOR_ID])
    net.send(AGGREGATOR_QUEUE, secure.client_hello(device), "hello")
    done, previous = 0, None
    while True:
        d = net.receive(client_queue(args.id), 1.0)
        if d is None:
            continue
        if d.kind == "stop":
            d.ack()
            break
        if d.kind == "server_hello":
            if device.channel is None:  # a redelivered copy after the handshake is ignored
                net.send(AGGREGATOR_QUEUE, secure.client_finish(device, d.body), "finish")
            d.ack()
            continue
        try:
            r, body = secure.open_global(device.channel, d.body)
            weights, _ = wire.unpack(body)
        except (ChannelError, ValueError):  # not from our aggregator, garbage, or seen before
            d.ack()
            continue
        if r <= done:  # this round was answered already
            d.ack()
            continue
        if args.crash_at_round and r >= args.crash_at_round:
            os._exit(3)  # a crash: no goodbye, no ack
        learner.set_weights(weights)
        learner.fit(x, y, args.epochs)
        time.sleep(args.delay)  # a slow device (tests use it to kill the broker mid-round)
        uid = f"{args.id}-r{r}-{os.urandom(4).hex()}"
        packet = secure.seal_update(device.channel, me, args.id, r, wire.pack(learner.get_weights(), n_samples=len(y),
                                                                                 update_id=uid), update_id=uid)
        net.send(AGGREGATOR_QUEUE, packet, "update")
        if args.attack == "forge":  # signed by a key the aggregator has not pinned
            fake = wire.pack([w * 0 for w in weights], n_samples=10_000, update_id="forged")
            net.send(AGGREGATOR_QUEUE, secure.seal_update(device.channel, generate_identity(args.id), args.id, r, fake),
                     "update")
        if args.attack == "replay" and previous is not None:
            net.send(AGGREGATOR_QUEUE, previous, "update")
        previous, done = packet, r
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
        p.add_argument("--seed", type=int, default=0)
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
