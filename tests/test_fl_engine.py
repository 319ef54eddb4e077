"""One FL engine: FLConfig checks every argument once, simulate's real signature, the report's final
model, and the simulation and the node running the same round steps (pqfl_kit.fl.rounds)."""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import math

import numpy as np
import pytest

from pqfl_kit.fl import experiment, rounds
from pqfl_kit.fl.config import FLConfig
from pqfl_kit.fl.task import make_learner
from pqfl_kit.fl.transport import AGGREGATOR_QUEUE, client_queue

SIMULATE_PARAMETERS = [
    "n_clients", "rounds", "model", "profile", "pqc", "transport", "aggregator", "poisoned", "dropout",
    "energy_aware", "seed", "link", "local_epochs", "fraction", "deadline_s", "poison_mode", "poison_factor",
    "forged", "replayed", "battery_threshold", "windows_per_client", "label_alpha", "centralized", "amqp_url"]


def test_simulate_shows_its_real_signature():
    import pqfl_kit.fl

    signature = inspect.signature(pqfl_kit.fl.simulate)
    assert list(signature.parameters) == SIMULATE_PARAMETERS
    assert signature.parameters["n_clients"].default == 10 and signature.parameters["link"].kind.name == "KEYWORD_ONLY"
    assert pqfl_kit.fl.simulate is experiment.simulate and "n_clients" in pqfl_kit.fl.simulate.__doc__
    # FLConfig has the same fields with the same defaults: one place for the settings
    fields = {f.name: f.default for f in dataclasses.fields(FLConfig)}
    assert list(fields) == SIMULATE_PARAMETERS
    assert all(fields[n] == p.default for n, p in signature.parameters.items())


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n_clients": 0}, ValueError, "n_clients must be in [1, 64]"),
    ({"rounds": 2.5}, TypeError, "rounds must be a whole number"),
    ({"poisoned": 3, "n_clients": 3}, ValueError, "poisoned must be in [0, 2]"),
    ({"dropout": 1.0}, ValueError, "dropout must be in [0.0, 1.0)"),
    ({"deadline_s": math.nan}, ValueError, "deadline_s must be a finite"),
    ({"pqc": 1}, TypeError, "pqc must be True or False"),
    ({"model": "cnn"}, ValueError, "Unknown model 'cnn'"),
    ({"transport": "amqp"}, ValueError, "needs amqp_url"),
    ({"profile": "pi9"}, ValueError, "Unknown profile 'pi9'"),
    ({"profile": "pi-zero-2w", "link": "ethernet"}, ValueError, "no 'ethernet' link"),
    ({"label_alpha": 0.001}, ValueError, "label_alpha must be in [0.01, 1,000"),
    ({"label_alpha": True}, TypeError, "label_alpha must be a number"),
])
def test_config_refuses_what_simulate_refuses(kwargs, error, words):
    with pytest.raises(error) as from_config:
        FLConfig(**{"model": "logreg", **kwargs})
    with pytest.raises(error) as from_simulate:
        experiment.simulate(**{"model": "logreg", **kwargs})
    assert words in str(from_config.value) and str(from_config.value) == str(from_simulate.value)


def test_config_is_frozen_and_holds_python_numbers():
    config = FLConfig(n_clients=np.int64(4), dropout=np.float32(0.25), pqc=np.bool_(True), profile="mixed")
    assert type(config.n_clients) is int and type(config.dropout) is float and config.pqc is True
    assert [p.key for p in config.profiles] == ["pi-zero-2w", "pi3b+", "pi4", "pi5"] and len(config.links) == 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.rounds = 3  # type: ignore[misc]
    assert config.report_dict()["n_clients"] == 4 and "amqp_url" not in config.report_dict()


def test_report_holds_the_final_global_model_outside_its_dict_and_repr():
    report = experiment.simulate(n_clients=3, rounds=2, model="logreg", seed=4, windows_per_client=40)
    model = report.model
    assert model is report.model  # built once
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), report.final_weights))
    data = experiment.make_federated_data(3, 40, seed=4)
    assert model.accuracy(data.x_test, data.y_test) == pytest.approx(report.final_accuracy)
    text = repr(report)
    assert " model=" not in text and "NumpyLogReg" not in text and "final_weights" not in text
    exported = report.to_dict()
    assert "model" not in exported and "final_weights" not in exported
    assert json.loads(json.dumps(exported))["rounds"][1]["round"] == 2


def _simulation(n_clients: int = 3, seed: int = 5):
    return experiment._Simulation.start(FLConfig(n_clients=n_clients, rounds=1, model="logreg", seed=seed,
                                                 windows_per_client=40, centralized=False))


def test_node_client_and_simulated_client_send_the_same_update():
    """Same global model, same shard, same learner state: the node's client process and the
    simulation's client step put the same weights on the aggregator's queue."""
    from pqfl_kit.fl import node

    sim = _simulation()
    steps, features = sim.data.steps, sim.data.features
    device = sim.devices["c0"]
    args = argparse.Namespace(id="c0", epochs=1, crash_at_round=0, delay=0.0, attack=None)
    client = node._Client(args, device.identity, device, make_learner("logreg", steps, features, 5),
                          sim.data.shards[0], sim.net, "node.aggregator")
    rounds.broadcast(sim.inbox, sim.net, client_queue, ["c0"], 1, sim.global_w)
    client.answer(sim.net.receive(client_queue("c0")).body)
    from_node = rounds.Collector(sim.inbox, 1, rounds.shapes_of(sim.global_w), need_id=True)
    assert from_node.take(sim.net.receive("node.aggregator").body).status == "accepted"

    sim.learner = make_learner("logreg", steps, features, 5)
    experiment._client_steps(sim, 1, [0])
    from_sim, _ = experiment._gather(sim, 1)
    (a,), (b,) = from_node.updates, from_sim.updates
    assert a.client == b.client == "c0" and a.n_samples == b.n_samples == len(sim.data.shards[0][1])
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))


def test_node_aggregator_and_simulation_aggregate_the_same_weights():
    """The same three client updates, sealed and signed: the node's aggregator round and the
    simulation's aggregator step give the same new global model, FedAvg's by hand."""
    from pqfl_kit.fl import node

    sim = _simulation()
    rng = np.random.default_rng(0)
    updates = {cid: ([rng.normal(size=w.shape).astype(w.dtype) for w in sim.global_w], 10 * (i + 1))
               for i, cid in enumerate(sim.ids)}
    for cid, (weights, n) in updates.items():  # round 1: the simulation's aggregator
        device = sim.devices[cid]
        packet, _ = rounds.seal(device.channel, device.identity, cid, 1, weights, n)
        rounds.upload(sim.net, AGGREGATOR_QUEUE, packet)
    collector, _ = experiment._gather(sim, 1)
    simulated, _ = rounds.aggregate("fedavg", collector.updates)

    for cid, (weights, n) in updates.items():  # round 2: the node's aggregator, same updates
        device = sim.devices[cid]
        packet, _ = rounds.seal(device.channel, device.identity, cid, 2, weights, n, update_id=f"{cid}-r2")
        rounds.upload(sim.net, AGGREGATOR_QUEUE, packet)
    args = argparse.Namespace(quorum=3, round_timeout=1.0, quorum_timeout=5.0, aggregator="fedavg")
    server = node._Aggregator(args, sim.inbox, sim.net, AGGREGATOR_QUEUE, client_queue,
                              rounds.shapes_of(sim.global_w))
    from_node, accepted, _ = server.round(2, sim.global_w)

    assert [u.client for u in accepted] == sim.ids and [u.update_id for u in accepted] == ["c0-r2", "c1-r2", "c2-r2"]
    total = sum(n for _, n in updates.values())
    by_hand = [sum(updates[c][0][i].astype(np.float64) * updates[c][1] / total for c in sim.ids).astype(np.float32)
               for i in range(len(sim.global_w))]
    for a, b, c in zip(simulated, from_node, by_hand):
        assert np.array_equal(a, b) and np.allclose(a, c, atol=1e-6)
    assert sim.inbox.rejected == {}
