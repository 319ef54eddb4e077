"""Unit tests of pqfl_kit.fl: profiles, energy, aggregators, poisoning, scheduling, security, simulate."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from pqfl_kit.fl import cluster, fedavg, schedule, secure, wire
from pqfl_kit.fl.transport import MemoryTransport, make_transport


def test_import_fl_is_light():
    code = "import sys, pqfl_kit.fl; print(any(m in sys.modules for m in ('keras','jax','tensorflow','qiskit')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_profiles_have_sources_and_scale_time():
    for p in cluster.PROFILES.values():
        assert p.sources.get("speed") and p.sources.get("power"), p.key
        assert p.load_w > p.idle_w > 0
    pi4, zero = cluster.get_profile("pi4"), cluster.get_profile("pi-zero-2w")
    assert cluster.simulated_seconds(1.0, pi4) == pytest.approx(cluster.HOST_SPEED_VS_PI4)
    assert cluster.simulated_seconds(1.0, zero) > cluster.simulated_seconds(1.0, cluster.get_profile("pi5"))
    with pytest.raises(ValueError, match="no 'ethernet'"):
        cluster.get_link(zero, "ethernet")
    with pytest.raises(ValueError, match="Unknown profile"):
        cluster.get_profile("pi9")
    assert [p.key for p in cluster.profiles_for("mixed", 5)] == ["pi-zero-2w", "pi3b+", "pi4", "pi5", "pi-zero-2w"]


def test_transfer_and_energy():
    pi4 = cluster.get_profile("pi4")
    wifi, eth = cluster.get_link(pi4, "wifi"), cluster.get_link(pi4, "ethernet")
    assert cluster.transfer_seconds(10**6, wifi) > 5 * cluster.transfer_seconds(10**6, eth)
    p = cluster.get_profile("pi4")
    e = cluster.energy_joules(p, compute_s=2.0, radio_s=1.0, link=wifi)
    assert e == pytest.approx(2 * p.load_w + p.idle_w + wifi.radio_w)
    assert cluster.battery_drain_pct(p, p.battery_wh * 3600) == pytest.approx(100.0)
    assert cluster.battery_drain_pct(cluster.get_profile("pi5"), 1e6) == 0.0


def _models(values):
    return [[np.full((2, 3), v, np.float32), np.full((3,), v, np.float32)] for v in values]


def test_fedavg_is_sample_weighted():
    out = fedavg.fedavg(_models([0.0, 1.0]), [1, 3])
    assert out[0].dtype == np.float32 and np.allclose(out[0], 0.75) and np.allclose(out[1], 0.75)
    with pytest.raises(ValueError, match="different layer shapes"):
        fedavg.fedavg([_models([1])[0], [np.zeros(2)]], [1, 1])
    with pytest.raises(ValueError, match="No client updates"):
        fedavg.median([], [])


def test_robust_aggregators_resist_an_outlier():
    updates = _models([1.0, 1.1, 0.9, 1.0, 1000.0])
    assert np.allclose(fedavg.median(updates)[0], 1.0)
    assert np.allclose(fedavg.trimmed_mean(updates, beta=0.2)[0], 1.0333, atol=1e-3)
    assert fedavg.fedavg(updates, [1] * 5)[0].mean() > 100


def test_poison_modes():
    g, h = _models([1.0])[0], _models([2.0])[0]
    assert np.allclose(fedavg.poison(h, g, "sign_flip", 10)[0], 1 - 10)
    assert np.allclose(fedavg.poison(h, g, "scale", 10)[0], 1 + 10)
    with pytest.raises(ValueError):
        fedavg.poison(h, g, "bogus")


def test_schedule_rules():
    rng = np.random.default_rng(0)
    assert len(schedule.sample_clients(10, 0.3, rng)) == 3
    kept, gone = schedule.drop_out(list(range(1000)), 0.25, np.random.default_rng(1))
    assert 200 < len(gone) < 300 and sorted(kept + gone) == list(range(1000))
    assert schedule.eligible(None, 50) and schedule.eligible(schedule.Battery(10, True), 50)
    assert not schedule.eligible(schedule.Battery(10, False), 50)
    assert schedule.meets_deadline(1.0, None) and not schedule.meets_deadline(2.0, 1.5)
    with pytest.raises(ValueError):
        schedule.drop_out([1], 1.0, rng)


def test_wire_roundtrip_and_rejects_garbage():
    w = _models([3.0])[0]
    back, meta = wire.unpack(wire.pack(w, n_samples=7))
    assert meta == {"n_samples": 7} and all(np.array_equal(a, b) for a, b in zip(w, back))
    with pytest.raises(ValueError):
        wire.unpack(b"not an npz")


@pytest.fixture
def federation():
    inbox, devices = secure.federation(["c0", "c1"])
    return inbox, devices["c0"], devices["c1"]


def test_federation_uses_pqc_channels_and_identities(federation):
    from pqfl_kit.pqc.channel import Gateway, SecureChannel
    from pqfl_kit.pqc.sig import Identity

    inbox, c0, c1 = federation
    assert isinstance(inbox.gateway, Gateway) and inbox.clients == ["c0", "c1"]
    assert isinstance(c0.channel, SecureChannel) and isinstance(c0.identity, Identity)
    assert inbox.gateway.trusted["c0"] == c0.identity.public_key  # the aggregator pins the client key
    assert c0.gateway_public_key == inbox.gateway.identity.public_key  # and the client pins the aggregator's
    assert c0.channel.info.kem == "ML-KEM-768" and c0.channel.info.sig == "ML-DSA-65"
    assert c0.channel.channel_id == inbox.gateway.channels["c0"].channel_id != c1.channel.channel_id


def test_inbox_accepts_and_rejects_by_reason(federation):
    from pqfl_kit.pqc.sig import generate_identity

    inbox, c0, c1 = federation
    ident = c0.identity
    good = secure.seal_update(c0.channel, ident, "c0", 1, b"update-1")
    assert b"update-1" not in good  # sealed, not in clear
    assert inbox.receive(good, 1).payload == b"update-1"
    assert inbox.receive(good, 1).status == "duplicate"  # same round: a harmless copy
    assert inbox.receive(good, 2).reason == "replayed"  # next round: a replay
    forged = secure.seal_update(c0.channel, generate_identity("c0"), "c0", 2, b"x")
    assert inbox.receive(forged, 2).reason == "forged"
    assert inbox.receive(forged, 2).reason == "replayed"  # the channel's anti-replay window
    assert inbox.receive(secure.seal_update(c0.channel, None, "c0", 2, b"x"), 2).reason == "unsigned"
    tampered = bytearray(secure.seal_update(c0.channel, ident, "c0", 2, b"x"))
    tampered[-1] ^= 1
    assert inbox.receive(bytes(tampered), 2).reason == "tampered"
    assert inbox.receive(secure.seal_update(c0.channel, ident, "c0", 1, b"old"), 2).reason == "stale"
    assert inbox.receive(secure.seal_update(c0.channel, ident, "c9", 2, b"x"), 2).reason == "unknown"
    # c1 signs with its own key but claims to be c0: it arrives over c1's session
    assert inbox.receive(secure.seal_update(c1.channel, c1.identity, "c0", 2, b"x"), 2).reason == "forged"
    assert inbox.receive(b"\x00", 2).reason == "malformed"
    assert dict(inbox.rejected) == {"replayed": 2, "forged": 2, "unsigned": 1, "tampered": 1, "stale": 1,
                                    "unknown": 1, "malformed": 1}
    assert inbox.receive(secure.seal_update(c0.channel, ident, "c0", 2, b"update-2"), 2).status == "accepted"


def test_redelivered_refusal_is_not_counted_twice(federation):
    from pqfl_kit.pqc.sig import generate_identity

    inbox, c0, _ = federation
    forged = secure.seal_update(c0.channel, generate_identity("c0"), "c0", 1, b"x")
    assert inbox.receive(forged, 1).reason == "forged"
    assert inbox.receive(forged, 1, redelivered=True).status == "duplicate"
    assert dict(inbox.rejected) == {"forged": 1} and inbox.duplicates == 1


def test_global_model_travels_sealed_on_the_channel(federation):
    from pqfl_kit.pqc.channel import ChannelError

    inbox, c0, c1 = federation
    packet = inbox.seal_global("c0", 3, b"global-weights")
    assert secure.open_global(c0.channel, packet) == (3, b"global-weights")
    with pytest.raises(ChannelError, match="replay"):
        secure.open_global(c0.channel, packet)
    with pytest.raises(ChannelError):  # sealed for c0: c1's keys cannot open it
        secure.open_global(c1.channel, inbox.seal_global("c0", 4, b"g"))
    assert secure.open_global(None, secure.Inbox().seal_global("c0", 1, b"plain")) == (1, b"plain")


def test_handshake_refuses_impostors_both_ways(federation):
    from pqfl_kit.pqc.channel import ChannelError, Device
    from pqfl_kit.pqc.sig import generate_identity

    inbox, c0, _ = federation
    impostor = Device(generate_identity("c0"), inbox.gateway.identity.public_key)  # c0's name, not its key
    with pytest.raises(secure.SecurityError) as info:
        secure.join(inbox, impostor)
    assert info.value.reason == "forged"
    stranger = Device(generate_identity("c7"), inbox.gateway.identity.public_key)
    with pytest.raises(secure.SecurityError) as info:
        secure.join(inbox, stranger)
    assert info.value.reason == "unknown"
    with pytest.raises(secure.SecurityError) as info:
        inbox.respond(b"\x00\x02{}")
    assert info.value.reason == "malformed"
    assert dict(inbox.rejected) == {"forged": 1, "unknown": 1, "malformed": 1}
    # a client that pinned another aggregator key refuses the real aggregator's ServerHello
    wary = Device(c0.identity, generate_identity("aggregator").public_key)
    _, reply = inbox.respond(secure.client_hello(wary))
    with pytest.raises(ChannelError, match="pinned"):
        secure.client_finish(wary, reply)
    # the old session of c0 still works after the refused attempts
    assert inbox.receive(secure.seal_update(c0.channel, c0.identity, "c0", 1, b"ok"), 1).status == "accepted"


def test_redelivered_handshake_messages_get_the_same_answer():
    from pqfl_kit.pqc.channel import Device, Gateway
    from pqfl_kit.pqc.sig import generate_identity

    me, ident = generate_identity("aggregator"), generate_identity("c0")
    inbox = secure.Inbox(Gateway(me, {"c0": ident.public_key}))
    device = Device(ident, me.public_key)
    hello = secure.client_hello(device)
    first = inbox.respond(hello)
    assert inbox.respond(hello) == first  # a redelivered hello does not restart the handshake
    finish = secure.client_finish(device, first[1])
    assert inbox.complete(finish) == "c0" and inbox.complete(finish) == "c0"
    assert inbox.clients == ["c0"] and not inbox.rejected


def test_memory_transport_and_bad_choice():
    t = MemoryTransport()
    t.send("q", b"abc", "update")
    d = t.receive("q")
    assert (d.body, d.kind) == (b"abc", "update") and t.receive("q") is None and t.bytes_sent == 3
    with pytest.raises(ValueError, match="amqp_url"):
        make_transport("amqp")
    with pytest.raises(TypeError):
        t.send("q", "text", "update")


@pytest.mark.parametrize("kwargs, message", [
    ({"n_clients": 0}, "n_clients"), ({"rounds": 2.5}, "rounds"), ({"model": "cnn"}, "model"),
    ({"aggregator": "mean"}, "aggregator"), ({"poisoned": 10}, "poisoned"), ({"dropout": 1.0}, "dropout"),
    ({"link": "5g"}, "link"), ({"profile": "pi9"}, "profile"),
])
def test_simulate_rejects_bad_arguments(kwargs, message):
    from pqfl_kit.fl import simulate

    with pytest.raises((ValueError, TypeError), match=message):
        simulate(**{"model": "logreg", **kwargs})


def test_simulate_logreg_pqc_report():
    from pqfl_kit.fl import simulate

    r = simulate(n_clients=6, rounds=3, model="logreg", forged=1, replayed=2, dropout=0.2, seed=1)
    assert len(r.rounds) == 3 and r.final_accuracy > 0.6
    assert r.rejected_total.get("forged") == 3 and r.rejected_total.get("replayed", 0) >= 2
    for row in r.rounds:
        assert row.total == pytest.approx(row.train + row.seal + row.upload + row.aggregate + row.broadcast)
        assert row.seal > 0 and row.bytes_up > 0 and len(row.energy_j) == 6 and min(row.energy_j) > 0
        assert sorted(row.participants + row.dropped) == list(range(6))
    plain = simulate(n_clients=6, rounds=1, model="logreg", pqc=False, forged=1, seed=1, centralized=False)
    assert plain.rounds[0].seal == 0 and plain.rejected_total == {}  # without PQC the forgery gets in
    assert plain.rounds[0].bytes_up < r.rounds[0].bytes_up  # signatures cost bytes
    assert r.centralized.bytes_up > 10 * r.rounds[0].bytes_up  # raw data is much bigger than updates
    assert r.frame().shape[0] == 3 and "paper" in r.paper_table().columns


def test_energy_aware_skips_low_battery_and_deadline_drops_stragglers():
    from pqfl_kit.fl import simulate

    r = simulate(n_clients=8, rounds=1, model="logreg", energy_aware=True, battery_threshold=100, seed=3,
                 centralized=False)
    row = r.rounds[0]
    assert row.skipped_energy and all(r.rounds[0].battery_pct[c] is not None for c in row.skipped_energy)
    assert not set(row.skipped_energy) & set(row.participants)
    late = simulate(n_clients=4, rounds=1, model="logreg", profile="mixed", deadline_s=1e-4, seed=3,
                    centralized=False).rounds[0]
    assert late.late == [0, 1, 2, 3] and late.participants == [] and late.bytes_up == 0
    on_time = simulate(n_clients=4, rounds=1, model="logreg", profile="mixed", deadline_s=30, seed=3,
                       centralized=False).rounds[0]
    assert on_time.late == [] and on_time.participants == [0, 1, 2, 3]


@pytest.mark.slow
def test_gru_poisoning_hurts_fedavg_but_not_median():
    from pqfl_kit.fl import simulate

    common = dict(n_clients=5, rounds=3, model="gru", poisoned=1, seed=0, centralized=False)
    bad = simulate(aggregator="fedavg", **common).final_accuracy
    good = simulate(aggregator="median", **common).final_accuracy
    assert good > bad + 0.15


@pytest.mark.slow
def test_gru_simulation_seeds_without_tensorflow():
    """Keras seeding goes through ``seed_everything``: ``keras.utils.set_random_seed`` imports
    TensorFlow (~0.5 GB), which a Binder kernel cannot afford."""
    code = ("import sys; from pqfl_kit.fl import simulate; "
            "r = simulate(n_clients=2, rounds=1, model='gru', centralized=False, windows_per_client=40); "
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]
