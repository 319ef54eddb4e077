"""The steps of one federated round, shared by ``simulate``, the AMQP transport and the K3s node.

A round of FedAvg (McMahan et al. 2017, "Communication-Efficient Learning of Deep Networks from
Decentralized Data", Algorithm 1), with the kit's post-quantum sealing around it:

* client side: :func:`train` (ClientUpdate: E local epochs from the global weights), :func:`seal`
  (sign with ML-DSA-65, seal on the client's Ascon channel: :mod:`pqfl_kit.fl.secure`),
  :func:`upload` (onto the aggregator's queue of a :mod:`~pqfl_kit.fl.transport`);
* aggregator side: a :class:`Collector` opens and checks the updates of one round,
  :func:`aggregate` combines them (FedAvg or a robust rule, :mod:`pqfl_kit.fl.fedavg`) and
  :func:`broadcast` seals the new global model for every client, which opens it with
  :func:`receive_global`.

The *account* step (simulated time and energy on Pi profiles) belongs to the simulation only:
:mod:`pqfl_kit.fl.experiment`. ``python -m pqfl_kit.fl.node`` runs the same steps in separate
processes; ``simulate`` runs them in one.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from pqfl_kit.fl import fedavg, secure, wire
from pqfl_kit.fl.transport import Transport
from pqfl_kit.limits import is_whole
from pqfl_kit.pqc.channel import SecureChannel
from pqfl_kit.pqc.sig import Identity

__all__ = ["Update", "Collector", "train", "seal", "upload", "usable_update", "aggregate", "broadcast",
           "receive_global", "shapes_of", "MAX_SAMPLES"]

Weights = list[np.ndarray]
MAX_SAMPLES = 10**9  # the largest sample count an update may claim (FedAvg weighs by it)


@dataclass
class Update:
    """One accepted client update: who sent it, its weights and the n_k that FedAvg weighs it by."""

    client: str
    weights: Weights = field(repr=False)
    n_samples: int
    update_id: str


def train(learner, global_weights: Weights, x: np.ndarray, y: np.ndarray, epochs: int) -> tuple[Weights, float]:
    """ClientUpdate (Alg. 1): start from the global weights, run ``epochs`` local epochs on this
    client's data; returns ``(new weights, host seconds spent in fit)``."""
    learner.set_weights(global_weights)
    start = time.perf_counter()
    learner.fit(x, y, epochs)
    seconds = time.perf_counter() - start
    return learner.get_weights(), seconds


def seal(channel: SecureChannel | None, identity: Identity | None, client_id: str, round_no: int,
         weights: Weights, n_samples: int, *, update_id: str | None = None) -> tuple[bytes, float]:
    """Pack the update (:func:`pqfl_kit.fl.wire.pack`), sign and seal it
    (:func:`pqfl_kit.fl.secure.seal_update`); returns ``(packet, host seconds of the crypto)``.

    ``update_id`` (the node's clients set one) also travels in the packed metadata; without it
    the header carries a random id. ``channel``/``identity`` None: clear / unsigned (PQC off).
    """
    meta: dict = {"n_samples": n_samples} if update_id is None else {"n_samples": n_samples, "update_id": update_id}
    payload = wire.pack(weights, **meta)
    start = time.perf_counter()
    packet = secure.seal_update(channel, identity, client_id, round_no, payload, update_id=update_id)
    return packet, time.perf_counter() - start


def upload(net: Transport, queue: str, packet: bytes) -> None:
    """Send one sealed update to the aggregator's queue (Alg. 1: "return w to server")."""
    net.send(queue, packet, "update")


def shapes_of(weights: Weights) -> list[tuple]:
    """``(shape, dtype)`` per layer: what every update must match to be aggregated."""
    return [(w.shape, w.dtype) for w in weights]


def usable_update(payload: bytes, shapes: list[tuple], *, need_id: bool = False) -> tuple[Weights, dict] | str:
    """``(weights, meta)`` of an opened update, or why it cannot be aggregated (a reason for the log):
    not a model message (:func:`pqfl_kit.fl.wire.unpack`: size limits, no zip bombs), layers that
    do not match the global model, non-finite weights, no ``n_samples`` in [1, 10**9], or (with
    ``need_id``) no ``update_id``."""
    try:
        weights, meta = wire.unpack(payload)
    except ValueError as error:
        return str(error)
    if shapes_of(weights) != shapes:
        return "layers do not match the global model"
    if not all(np.isfinite(w).all() for w in weights if w.dtype.kind in "fc"):
        return "weights are not finite"
    n = meta.get("n_samples")
    if not is_whole(n, 1, MAX_SAMPLES):
        return "n_samples is not a whole number in [1, 10**9]"
    if need_id and not isinstance(meta.get("update_id"), str):
        return "update_id is missing"
    return weights, meta


@dataclass
class Collector:
    """The aggregator's side of one round: every message goes through the :class:`~secure.Inbox`
    (authentication, signature, replay, round), then :func:`usable_update`; usable updates are
    kept in arrival order.

    ``one_per_client``: a second, different update of a client in this round is a duplicate (a
    real aggregator, the node). ``need_id``: the packed metadata must name its update id.
    """

    inbox: secure.Inbox
    round_no: int
    shapes: list[tuple]
    one_per_client: bool = False
    need_id: bool = False
    updates: list[Update] = field(default_factory=list)

    @property
    def clients(self) -> list[str]:
        return [u.client for u in self.updates]

    def take(self, message: bytes, *, redelivered: bool = False) -> secure.Verdict:
        """Check one message and keep it if usable; the verdict says what happened (refusals are
        counted in ``inbox.rejected`` by reason, duplicates in ``inbox.duplicates``)."""
        verdict = self.inbox.receive(message, self.round_no, redelivered=redelivered)
        if verdict.status != "accepted":
            return verdict
        if self.one_per_client and verdict.client in self.clients:
            self.inbox.duplicates += 1
            return secure.Verdict("duplicate", verdict.client, verdict.update_id)
        checked = usable_update(verdict.payload, self.shapes, need_id=self.need_id)
        if isinstance(checked, str):  # authenticated and signed, but not something to aggregate
            self.inbox.rejected["malformed"] += 1
            return secure.Verdict("rejected", verdict.client, verdict.update_id, reason="malformed", detail=checked)
        weights, meta = checked
        self.updates.append(Update(verdict.client, weights, int(meta["n_samples"]),
                                   str(meta.get("update_id", verdict.update_id))))
        return verdict


def aggregate(rule: str, updates: Sequence[Update]) -> tuple[Weights, float]:
    """Server step of Alg. 1, w_{t+1} = sum_k n_k/n w_k (or a robust rule, :func:`fedavg.aggregate`),
    over ``updates`` in the order given; returns ``(new global weights, host seconds)``."""
    start = time.perf_counter()
    weights = fedavg.aggregate(rule, [u.weights for u in updates], [u.n_samples for u in updates])
    return weights, time.perf_counter() - start


def broadcast(inbox: secure.Inbox, net: Transport, queue_for: Callable[[str], str], clients: Sequence[str],
              round_no: int, weights: Weights) -> tuple[dict[str, int], float]:
    """Send the global model to every client, sealed on its own session (Alg. 1: "server sends
    w_t to the clients"); returns ``({client: bytes sent}, host seconds spent sealing)``."""
    payload = wire.pack(weights, round=round_no)
    sizes, host = {}, 0.0
    for cid in clients:
        start = time.perf_counter()
        body = inbox.seal_global(cid, round_no, payload)
        host += time.perf_counter() - start
        net.send(queue_for(cid), body, "global")
        sizes[cid] = len(body)
    return sizes, host


def receive_global(channel: SecureChannel | None, message: bytes) -> tuple[int, Weights]:
    """Client side of the broadcast: ``(round, global weights)``. Raises
    :class:`~pqfl_kit.pqc.channel.ChannelError` (not our aggregator's, or a replay) or
    ``ValueError`` (cannot be parsed)."""
    round_no, body = secure.open_global(channel, message)
    weights, _ = wire.unpack(body)
    return round_no, weights
