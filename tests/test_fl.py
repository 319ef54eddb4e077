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
    wifi, eth = cluster.get_link(cluster.get_profile("pi4"), "wifi"), cluster.get_link(cluster.get_profile("pi4"), "ethernet")
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
    from cryptography.hazmat.primitives.asymmetric import mlkem

    kem = mlkem.MLKEM768PrivateKey.generate()
    ident = secure.Identity()
    session, hello = secure.client_session("c0", ident, kem.public_key().public_bytes_raw())
    inbox = secure.Inbox({"c0": ident.public_bytes})
    inbox.sessions["c0"] = secure.server_session(hello, kem, inbox.identities)
    return session, ident, inbox, kem


def test_inbox_accepts_and_rejects_by_reason(federation):
    session, ident, inbox, _ = federation
    good = secure.seal_update(session, ident, "c0", 1, b"update-1")
    assert inbox.receive(good, 1).payload == b"update-1"
    assert inbox.receive(good, 1).status == "duplicate"  # same round: a harmless copy
    assert inbox.receive(good, 2).reason == "replayed"  # next round: a replay
    assert inbox.receive(secure.seal_update(session, secure.Identity(), "c0", 2, b"x"), 2).reason == "forged"
    assert inbox.receive(secure.seal_update(session, None, "c0", 2, b"x"), 2).reason == "unsigned"
    tampered = bytearray(secure.seal_update(session, ident, "c0", 2, b"x"))
    tampered[-1] ^= 1
    assert inbox.receive(bytes(tampered), 2).reason == "tampered"
    assert inbox.receive(secure.seal_update(session, ident, "c0", 1, b"old"), 2).reason == "stale"
    assert inbox.receive(secure.seal_update(session, ident, "c9", 2, b"x"), 2).reason == "unknown"
    assert inbox.receive(b"\x00", 2).reason == "malformed"
    assert dict(inbox.rejected) == {"replayed": 1, "forged": 1, "unsigned": 1, "tampered": 1, "stale": 1,
                                    "unknown": 1, "malformed": 1}


def test_hello_from_an_impostor_is_refused(federation):
    _, _, inbox, kem = federation
    _, hello = secure.client_session("c0", secure.Identity(), kem.public_key().public_bytes_raw())
    with pytest.raises(secure.SecurityError) as info:
        secure.server_session(hello, kem, inbox.identities)
    assert info.value.reason == "forged"


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

    r = simulate(n_clients=8, rounds=1, model="logreg", energy_aware=True, battery_threshold=101, seed=3,
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
