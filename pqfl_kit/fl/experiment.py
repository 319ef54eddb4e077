"""One federated-learning experiment on a simulated Pi cluster: ``simulate(...) -> FLReport``.

Reproduces the set-up of the post-quantum FL overview (papers/pqfl-iomt-overview: Pi-class
nodes train locally, only model updates travel, sealed with ML-KEM/ML-DSA/Ascon, through a
broker; "a full cycle under 1.5 s" and "35 percent" lower latency than centralized learning).

A round (McMahan et al. 2017, Algorithm 1) here is:

1. *train*: every selected client trains its copy of the global model on its own device data
   (measured on this host, scaled to the client's Pi profile, clients run in parallel: the
   round waits for the slowest);
2. *seal*: each client signs (ML-DSA-65) and seals its update on its ``pqfl_kit.pqc`` channel
   (Ascon-AEAD128 keys from one ML-KEM-768 handshake per session); the aggregator, a pqc
   ``Gateway``, opens and verifies them (crypto on the gateway);
3. *upload*: the sealed updates cross the link (shared Wi-Fi airtime: transfers add up;
   Ethernet: each client has its own port, the gateway's port is shared);
4. *aggregate*: FedAvg / median / trimmed mean on the gateway;
5. *broadcast*: the gateway seals the new global model for every client and sends it.

The centralized baseline uses the same data, devices and network model: clients upload their
raw training windows (sealed the same way), the gateway trains one model on all of them for the
same number of epochs, then pushes it back.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from pqfl_kit.fl import cluster, fedavg, schedule, secure, wire
from pqfl_kit.fl.task import MODELS, make_federated_data, make_learner
from pqfl_kit.fl.transport import AGGREGATOR_QUEUE, client_queue, make_transport
from pqfl_kit.limits import real, whole
from pqfl_kit.pqc.sig import generate_identity

__all__ = ["simulate", "FLReport", "RoundStats", "CentralizedStats", "PAPER", "PHASES"]

PHASES = ("train", "seal", "upload", "aggregate", "broadcast")
PAPER = {"cycle_s": 1.5, "latency_reduction": 0.35}  # papers/pqfl-iomt-overview, results section


@dataclass
class RoundStats:
    """One round: accuracy, simulated seconds per phase, real seconds, bytes, energy, refusals."""

    round: int
    accuracy: float
    train: float
    seal: float
    upload: float
    aggregate: float
    broadcast: float
    wall_s: float  # real seconds on this host for the whole round (evaluation excluded)
    pqc_wall_s: float  # real seconds of that spent in ML-DSA / Ascon work
    bytes_up: int
    bytes_down: int
    participants: list[int]
    dropped: list[int]
    late: list[int]
    skipped_energy: list[int]
    rejected: dict[str, int]
    duplicates: int
    energy_j: list[float]  # per client (all clients; idle ones too)
    battery_pct: list[float | None]  # per client after the round (None: mains powered)

    @property
    def total(self) -> float:
        """Simulated round time (seconds): the sum of the phases."""
        return self.train + self.seal + self.upload + self.aggregate + self.broadcast


@dataclass
class CentralizedStats:
    """The centralized baseline: per-cycle simulated time split and accuracy per epoch."""

    upload: float
    train: float
    broadcast: float
    accuracy: list[float]
    bytes_up: int

    @property
    def total(self) -> float:
        return self.upload + self.train + self.broadcast


@dataclass
class FLReport:
    """Everything ``simulate`` measured. ``frame()`` gives one row per round (pandas)."""

    config: dict
    rounds: list[RoundStats]
    profiles: list[str]
    model_bytes: int
    handshake_s: float  # real seconds for all channel handshakes (once per session, not per round)
    poisoned_clients: list[int]
    centralized: CentralizedStats | None = None
    rejected_total: dict[str, int] = field(default_factory=dict)

    @property
    def final_accuracy(self) -> float:
        return self.rounds[-1].accuracy

    def mean_round_s(self) -> float:
        """Mean simulated round time (seconds), the first round included."""
        return float(np.mean([r.total for r in self.rounds]))

    def latency_reduction(self) -> float | None:
        """1 - FL round / centralized cycle (the paper's '35 percent' compares these)."""
        if self.centralized is None:
            return None
        return 1.0 - self.mean_round_s() / self.centralized.total

    def frame(self):
        import pandas as pd

        rows = []
        for r in self.rounds:
            row = {k: v for k, v in asdict(r).items() if k not in ("energy_j", "battery_pct", "rejected")}
            row.update(total=r.total, rejected=sum(r.rejected.values()), energy_j=float(np.sum(r.energy_j)),
                       participants=len(r.participants), dropped=len(r.dropped), late=len(r.late),
                       skipped_energy=len(r.skipped_energy))
            rows.append(row)
        return pd.DataFrame(rows).set_index("round")

    def paper_table(self):
        """The paper's figures next to the kit's (pandas)."""
        import pandas as pd

        reduction = self.latency_reduction()
        return pd.DataFrame({
            "paper": [f"< {PAPER['cycle_s']} s", f"{PAPER['latency_reduction']:.0%}"],
            "kit (simulated)": [f"{self.mean_round_s():.2f} s",
                                "n/a" if reduction is None else f"{reduction:.0%}"],
        }, index=["FL cycle (train + aggregate + redistribute)", "latency reduction vs centralized"])


_LEARNERS: dict[tuple, tuple] = {}


def _learner(model: str, steps: int, features: int, seed: int, warm_up=None):
    """Compiled learners are cached (building + compiling a Keras model costs seconds)."""
    key = (model, steps, features, seed)
    if key not in _LEARNERS:
        learner = make_learner(model, steps, features, seed)
        initial = learner.get_weights()
        if warm_up is not None:  # compile the training/prediction steps once, outside any timing
            learner.fit(*warm_up, 1)
            learner.accuracy(*warm_up)
        _LEARNERS[key] = (learner, initial)
    learner, initial = _LEARNERS[key]
    learner.set_weights(initial)
    return learner, [w.copy() for w in initial]


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def _shared_transfer(sizes: dict[int, int], links: dict[int, cluster.Link], gateway_link: cluster.Link,
                     medium: str) -> float:
    """Time to move one message per client: Wi-Fi airtime adds up, Ethernet ports run in parallel."""
    if not sizes:
        return 0.0
    if medium == "wifi":
        latency = max(links[c].latency_ms for c in sizes) / 1e3
        return latency + sum(cluster.transfer_seconds(n, links[c]) - links[c].latency_ms / 1e3
                             for c, n in sizes.items())
    own = max(cluster.transfer_seconds(n, links[c]) for c, n in sizes.items())
    return max(own, cluster.transfer_seconds(sum(sizes.values()), gateway_link))


# Limits of simulate()'s size parameters: the largest allowed run fits a 2 GB Binder pod (64 clients
# x 1,000 windows is ~300 MB of traffic at its peak, next to ~600 MB for JAX + Keras) and each
# limit is checked before any work starts.
MAX_CLIENTS = 64
MAX_ROUNDS = 1_000
MAX_LOCAL_EPOCHS = 100
MAX_WINDOWS_PER_CLIENT = 1_000
MIN_WINDOWS_PER_CLIENT = 10
MAX_INJECTED = 1_000  # forged / replayed updates an attacker injects per round
MAX_DEADLINE_S = 86_400.0  # a simulated day
MAX_POISON_FACTOR = 1_000.0
MAX_SEED = 2**63 - 1


def _check_args(n_clients, rounds, model, aggregator, poisoned, dropout, link, fraction, local_epochs, *,
                pqc=True, energy_aware=False, centralized=True, seed=0, deadline_s=None, poison_mode="sign_flip",
                poison_factor=10.0, forged=0, replayed=0, battery_threshold=30.0, windows_per_client=200,
                transport="memory", amqp_url=None) -> dict:
    """Check every argument of :func:`simulate` against its documented limit (microseconds, no
    work done); returns the numbers as Python ``int``/``float`` (numpy scalars are accepted)."""
    for name, flag in (("pqc", pqc), ("energy_aware", energy_aware), ("centralized", centralized)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r} ({type(flag).__name__})")
    n_clients = whole("n_clients", n_clients, 1, MAX_CLIENTS)
    out = dict(
        n_clients=n_clients, rounds=whole("rounds", rounds, 1, MAX_ROUNDS),
        local_epochs=whole("local_epochs", local_epochs, 1, MAX_LOCAL_EPOCHS),
        windows_per_client=whole("windows_per_client", windows_per_client, MIN_WINDOWS_PER_CLIENT,
                                 MAX_WINDOWS_PER_CLIENT),
        forged=whole("forged", forged, 0, MAX_INJECTED), replayed=whole("replayed", replayed, 0, MAX_INJECTED),
        poisoned=whole("poisoned", poisoned, 0, n_clients - 1), seed=whole("seed", seed, 0, MAX_SEED),
        dropout=real("dropout", dropout, 0.0, 1.0, high_open=True),
        fraction=real("fraction", fraction, 0.0, 1.0, low_open=True),
        poison_factor=real("poison_factor", poison_factor, 0.0, MAX_POISON_FACTOR),
        battery_threshold=real("battery_threshold", battery_threshold, 0.0, 100.0),
        deadline_s=None if deadline_s is None else real("deadline_s", deadline_s, 0.0, MAX_DEADLINE_S, low_open=True),
        pqc=bool(pqc), energy_aware=bool(energy_aware), centralized=bool(centralized),
    )
    for name, value, choices in (("model", model, MODELS), ("aggregator", aggregator, fedavg.AGGREGATORS),
                                 ("link", link, cluster.LINKS), ("poison_mode", poison_mode, fedavg.POISON_MODES),
                                 ("transport", transport, ("memory", "amqp"))):
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"Unknown {name} {value!r}; choose one of {list(choices)}.")
    if transport == "amqp" and not isinstance(amqp_url, str):
        raise ValueError("transport='amqp' needs amqp_url='amqp://user:pass@host:port/%2F'.")
    return out


def simulate(n_clients: int = 10, rounds: int = 5, model: str = "gru", profile: str | list[str] = "pi4",
             pqc: bool = True, transport: str = "memory", aggregator: str = "fedavg", poisoned: int = 0,
             dropout: float = 0.0, energy_aware: bool = False, seed: int = 0, *, link: str = "wifi",
             local_epochs: int = 1, fraction: float = 1.0, deadline_s: float | None = None,
             poison_mode: str = "sign_flip", poison_factor: float = 10.0, forged: int = 0, replayed: int = 0,
             battery_threshold: float = 30.0, windows_per_client: int = 200, centralized: bool = True,
             amqp_url: str | None = None) -> FLReport:
    """Run ``rounds`` of federated learning over ``n_clients`` simulated devices.

    ``profile``: a name of :data:`pqfl_kit.fl.cluster.PROFILES`, ``"mixed"`` or one name per
    client; ``link``: "wifi" or "ethernet". ``poisoned`` clients send ``poison_mode`` updates
    (see :func:`pqfl_kit.fl.fedavg.poison`). ``forged``/``replayed``: an attacker injects that many
    forged (wrongly signed) / replayed (copied from the previous round) updates per round.
    ``energy_aware``: battery nodes train only when charging or above ``battery_threshold`` %.
    ``transport="amqp"`` sends every message through the RabbitMQ broker at ``amqp_url``.

    Limits, checked before any work starts (``TypeError`` for a wrong type, bool included where a
    number is expected; ``ValueError`` naming the limit otherwise; numpy scalars are accepted).
    The largest allowed run fits a 2 GB Binder pod:

    * ``n_clients``: 1 to 64 (``MAX_CLIENTS``); ``poisoned``: 0 to ``n_clients - 1``;
    * ``rounds``: 1 to 1,000 (``MAX_ROUNDS``); ``local_epochs``: 1 to 100 (``MAX_LOCAL_EPOCHS``);
    * ``windows_per_client``: 10 to 1,000 (``MAX_WINDOWS_PER_CLIENT``; 64 x 1,000 windows peak
      at ~300 MB);
    * ``forged``, ``replayed``: 0 to 1,000 per round (``MAX_INJECTED``);
    * ``dropout``: [0, 1); ``fraction``: (0, 1]; ``battery_threshold``: [0, 100] percent;
    * ``deadline_s``: None or (0, 86,400] simulated seconds (``MAX_DEADLINE_S``);
    * ``poison_factor``: [0, 1,000] (``MAX_POISON_FACTOR``); ``seed``: 0 to 2**63 - 1;
    * ``pqc``, ``energy_aware``, ``centralized``: True or False only; NaN and inf are refused.
    """
    checked = _check_args(n_clients, rounds, model, aggregator, poisoned, dropout, link, fraction, local_epochs,
                          pqc=pqc, energy_aware=energy_aware, centralized=centralized, seed=seed,
                          deadline_s=deadline_s, poison_mode=poison_mode, poison_factor=poison_factor,
                          forged=forged, replayed=replayed, battery_threshold=battery_threshold,
                          windows_per_client=windows_per_client, transport=transport, amqp_url=amqp_url)
    (n_clients, rounds, local_epochs, windows_per_client, forged, replayed, poisoned, seed, dropout, fraction,
     poison_factor, battery_threshold, deadline_s, pqc, energy_aware, centralized) = (
        checked[k] for k in ("n_clients", "rounds", "local_epochs", "windows_per_client", "forged", "replayed",
                             "poisoned", "seed", "dropout", "fraction", "poison_factor", "battery_threshold",
                             "deadline_s", "pqc", "energy_aware", "centralized"))
    profiles = cluster.profiles_for(profile, n_clients)
    links = {c: cluster.get_link(p, link) for c, p in enumerate(profiles)}
    gateway = cluster.PROFILES["gateway"]
    gw_link = cluster.get_link(gateway, link)
    rng = np.random.default_rng(seed)
    data = make_federated_data(n_clients, windows_per_client, seed=seed)
    learner, global_w = _learner(model, data.steps, data.features, seed, warm_up=data.shards[0])
    poisoned_clients = sorted(int(i) for i in rng.choice(n_clients, size=poisoned, replace=False))
    ids = [f"c{c}" for c in range(n_clients)]

    net = make_transport(transport, amqp_url=amqp_url)
    if transport == "amqp":
        net.purge(AGGREGATOR_QUEUE, *[client_queue(i) for i in ids])
    if pqc:
        from pqfl_kit.pqc import ascon

        ascon.warm_up()  # load the compiled Ascon once, outside the timings
    t0 = time.perf_counter()
    # one pqc channel handshake per client (ephemeral ML-KEM-768, ML-DSA-65 identities pinned both ways)
    inbox, devices = secure.federation(ids) if pqc else (secure.Inbox(), {})
    handshake_s = time.perf_counter() - t0
    forger = generate_identity("forger") if pqc and forged else None  # a key no one has pinned

    batteries = {}
    for c, p in enumerate(profiles):
        batteries[c] = (None if p.battery_wh is None else
                        schedule.Battery(float(rng.uniform(10, 100)), bool(rng.random() < 0.3)))

    history: list[RoundStats] = []
    last_packets: list[bytes] = []
    for r in range(1, rounds + 1):
        wall0 = time.perf_counter()
        pqc_wall = 0.0
        selected = schedule.sample_clients(n_clients, fraction, rng)
        present, dropped = schedule.drop_out(selected, dropout, rng)
        skipped = []
        if energy_aware:
            skipped = [c for c in present if not schedule.eligible(batteries[c], battery_threshold)]
            present = [c for c in present if c not in skipped]
        train_s, seal_s, sizes, late, sent = {}, {}, {}, [], []
        for c in present:
            x, y = data.shards[c]
            learner.set_weights(global_w)
            _, host_train = _timed(learner.fit, x, y, local_epochs)
            weights = learner.get_weights()
            if c in poisoned_clients:
                weights = fedavg.poison(weights, global_w, poison_mode, poison_factor)
            payload = wire.pack(weights, n_samples=len(y))
            device = devices.get(ids[c])
            channel, identity = (device.channel, device.identity) if device else (None, None)
            packet, host_seal = _timed(secure.seal_update, channel, identity, ids[c], r, payload)
            if pqc:
                pqc_wall += host_seal
            train_s[c] = cluster.simulated_seconds(host_train, profiles[c])
            seal_s[c] = cluster.simulated_seconds(host_seal, profiles[c]) if pqc else 0.0
            arrival = train_s[c] + seal_s[c] + cluster.transfer_seconds(len(packet), links[c])
            if not schedule.meets_deadline(arrival, deadline_s):
                late.append(c)
                continue
            sizes[c] = len(packet)
            sent.append(packet)
            net.send(AGGREGATOR_QUEUE, packet, "update")
        for i in range(forged):  # an attacker holding a victim's session but not its signing key
            victim = devices.get(ids[i % n_clients])
            fake = wire.pack(global_w, n_samples=10_000)
            net.send(AGGREGATOR_QUEUE, secure.seal_update(victim.channel if victim else None, forger,
                                                          ids[i % n_clients], r, fake), "update")
        for packet in last_packets[:replayed]:  # an attacker re-sending recorded packets
            net.send(AGGREGATOR_QUEUE, packet, "update")
        last_packets = sent

        # aggregator: open, verify, count refusals, aggregate
        updates, counts = [], []
        before = dict(inbox.rejected)
        dup_before = inbox.duplicates
        open_host = 0.0
        while (d := net.receive(AGGREGATOR_QUEUE, timeout=0.5 if transport == "amqp" else 0.0)) is not None:
            verdict, dt = _timed(inbox.receive, d.body, r, redelivered=d.redelivered)
            d.ack()
            open_host += dt
            if verdict.status == "accepted":
                w, meta = wire.unpack(verdict.payload)
                updates.append(w)
                counts.append(int(meta["n_samples"]))
        if pqc:
            pqc_wall += open_host
        rejected = {k: v - before.get(k, 0) for k, v in inbox.rejected.items() if v - before.get(k, 0)}
        agg_host = 0.0
        if updates:
            global_w, agg_host = _timed(fedavg.aggregate, aggregator, updates, counts)

        # broadcast the new global model, sealed per client
        down_sizes, bcast_host, client_open = {}, 0.0, 0.0
        payload = wire.pack(global_w, round=r)
        for c in range(n_clients):
            cid = ids[c]
            start = time.perf_counter()
            body = inbox.seal_global(cid, r, payload)
            bcast_host += time.perf_counter() - start
            net.send(client_queue(cid), body, "global")
            d = net.receive(client_queue(cid), timeout=5.0)
            if d is None:
                raise ConnectionError(f"global model for {cid} was lost in transport")
            _, dt = _timed(secure.open_global, devices[cid].channel if pqc else None, d.body)
            d.ack()
            client_open = max(client_open, cluster.simulated_seconds(dt, profiles[c]))
            down_sizes[c] = len(body)
        if pqc:
            pqc_wall += bcast_host
        wall = time.perf_counter() - wall0

        learner.set_weights(global_w)
        accuracy = learner.accuracy(data.x_test, data.y_test)

        phase = {
            "train": max(train_s.values(), default=0.0),
            "seal": max((seal_s[c] for c in sizes), default=0.0) + (cluster.simulated_seconds(open_host, gateway) if pqc else 0.0),
            "upload": _shared_transfer(sizes, links, gw_link, link),
            "aggregate": cluster.simulated_seconds(agg_host, gateway),
        }
        phase["broadcast"] = (cluster.simulated_seconds(bcast_host, gateway) + client_open
                              + _shared_transfer(down_sizes, links, gw_link, link))
        round_total = sum(phase.values())
        energy, battery = [], []
        for c, p in enumerate(profiles):
            compute = train_s.get(c, 0.0) + seal_s.get(c, 0.0)
            radio = cluster.transfer_seconds(sizes.get(c, 0), links[c]) * (c in sizes) + \
                cluster.transfer_seconds(down_sizes.get(c, 0), links[c])
            joules = cluster.energy_joules(p, compute, radio, links[c], idle_s=max(round_total - compute - radio, 0.0))
            energy.append(joules)
            b = batteries[c]
            if b is not None and not b.charging:
                b.drain(cluster.battery_drain_pct(p, joules))
            battery.append(None if b is None else round(b.level_pct, 4))
        history.append(RoundStats(r, accuracy, **phase, wall_s=wall, pqc_wall_s=pqc_wall,
                                  bytes_up=sum(sizes.values()), bytes_down=sum(down_sizes.values()),
                                  participants=sorted(sizes), dropped=dropped, late=late,
                                  skipped_energy=skipped, rejected=rejected,
                                  duplicates=inbox.duplicates - dup_before, energy_j=energy, battery_pct=battery))
    net.close()

    config = dict(n_clients=n_clients, rounds=rounds, model=model, profile=profile, pqc=pqc, transport=transport,
                  aggregator=aggregator, poisoned=poisoned, dropout=dropout, energy_aware=energy_aware, seed=seed,
                  link=link, local_epochs=local_epochs, fraction=fraction, deadline_s=deadline_s)
    report = FLReport(config, history, [p.key for p in profiles], wire.model_bytes(global_w), handshake_s,
                      poisoned_clients, rejected_total=dict(inbox.rejected))
    if centralized:
        report.centralized = _centralized(data, model, seed, rounds, local_epochs, profiles, links, gateway, gw_link,
                                          link, pqc, wire.model_bytes(global_w))
    return report


def _centralized(data, model, seed, rounds, epochs, profiles, links, gateway, gw_link, medium, pqc, model_size):
    """Baseline: raw windows go up (sealed), the gateway trains on all of them, the model comes back."""
    from pqfl_kit.pqc import ascon

    key, nonce = bytes(16), bytes(16)  # timing only: the bytes are discarded
    sizes, seal_host = {}, {}
    for c, (x, y) in enumerate(data.shards):
        raw = x.tobytes() + y.tobytes()
        _, seal_host[c] = _timed(ascon.encrypt, key, nonce, b"raw", raw) if pqc else (None, 0.0)
        sizes[c] = len(raw) + (40 if pqc else 0)
    upload = max(cluster.simulated_seconds(seal_host[c], profiles[c]) for c in sizes) + \
        _shared_transfer(sizes, links, gw_link, medium)
    x_all = np.concatenate([x for x, _ in data.shards])
    y_all = np.concatenate([y for _, y in data.shards])
    learner, _ = _learner(model, data.steps, data.features, seed)
    accuracy, train_host = [], []
    for _ in range(rounds):
        _, dt = _timed(learner.fit, x_all, y_all, epochs)
        train_host.append(dt)
        accuracy.append(learner.accuracy(data.x_test, data.y_test))
    train = cluster.simulated_seconds(float(np.median(train_host)), gateway)
    broadcast = _shared_transfer({c: model_size for c in sizes}, links, gw_link, medium)
    return CentralizedStats(upload, train, broadcast, accuracy, sum(sizes.values()))
