"""The AMQP aggregator survives any message (issue 12, "What to build" 3).

A real federation (``python -m pqfl_kit.fl.node``: one aggregator, three client processes) runs
over the test broker; the test itself is a fourth, enrolled client ``c3``. While round 1 is open
it puts every class of junk on the aggregator's queue (deep JSON, over-long headers, zip bombs,
garbage, truncated frames, wrong types, unknown message kinds, broken handshake messages) and,
as ``c3``, signed updates that cannot be aggregated (a zip bomb, wrong shapes, NaN weights). The
rounds still complete with every client's update and each piece of junk is counted as rejected.
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
from servers import ROOT
from test_hostile_fl import frame, junk_frames, zip_bomb

pytestmark = pytest.mark.broker
NODE = [sys.executable, "-m", "pqfl_kit.fl.node"]


def _wait(net, queue, kind, timeout=120.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = net.receive(queue, 1.0)
        if d is not None:
            d.ack()
            if d.kind == kind:
                return d
    raise AssertionError(f"no {kind} on {queue} within {timeout} s")


def test_aggregator_survives_every_malformed_class_and_the_rounds_complete(rabbitmq, tmp_path):
    from pqfl_kit.fl import node, secure, wire
    from pqfl_kit.fl.transport import AmqpTransport
    from pqfl_kit.pqc.channel import Device

    keys, report_path = tmp_path / "keys", tmp_path / "report.json"
    node.keygen(keys, 4)
    run = "h" + uuid.uuid4().hex[:8]
    common = ["--url", rabbitmq.url, "--keys", str(keys), "--clients", "4", "--run", run]
    procs = [subprocess.Popen([*NODE, "aggregator", *common, "--rounds", "2", "--quorum", "4",
                               "--report", str(report_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)]
    procs += [subprocess.Popen([*NODE, "client", *common, "--id", f"c{i}"], cwd=ROOT) for i in range(3)]
    net = None
    try:
        agg_q, my_q = f"{run}.aggregator", f"{run}.client.c3"
        net = AmqpTransport(rabbitmq.url)
        me, pinned = node._load(Path(keys), "c3")
        device = Device(me, pinned[node.AGGREGATOR_ID])
        net.send(agg_q, secure.client_hello(device), "hello")
        net.send(agg_q, secure.client_finish(device, _wait(net, my_q, "server_hello").body), "finish")

        r1 = _wait(net, my_q, "global")  # round 1 is open: the aggregator is collecting updates
        round_no, body = secure.open_global(device.channel, r1.body)
        weights, _ = wire.unpack(body)
        assert round_no == 1

        junk = junk_frames()
        sent: dict[str, int] = {}
        for kind in ("update", "hello", "finish"):
            for name, message in junk.items():
                net.send(agg_q, message, kind)
                sent[f"{kind}:{name}"] = 1
        unauthenticated_bomb = secure.seal_update(None, None, "c0", 1, zip_bomb(1 << 30), update_id="bomb")
        net.send(agg_q, unauthenticated_bomb, "update")
        net.send(agg_q, frame(b'{"client": "c0", "step": "hello"}', b"junk"), "hello")
        net.send(agg_q, frame(b'{"client": "c0", "step": "finish"}', b"junk"), "finish")
        for kind in ("global", "", "stop", "server_hello", "x" * 200):
            net.send(agg_q, b"\x00\x02{}", kind)
        n_unauthenticated = len(sent) + 3 + 5

        # signed by c3's pinned key and sealed on its session, but not usable updates
        def signed(payload, uid):
            return secure.seal_update(device.channel, me, "c3", 1, payload, update_id=uid)

        bad = [signed(zip_bomb(1 << 30), "c3-bomb"),
               signed(wire.pack([np.zeros((7,), np.float32)], n_samples=5, update_id="c3-shape"), "c3-shape"),
               signed(wire.pack([np.full_like(w, np.nan) for w in weights], n_samples=5, update_id="c3-nan"),
                      "c3-nan"),
               signed(b"not an npz", "c3-garbage")]
        for packet in bad:
            net.send(agg_q, packet, "update")
        for r in (1, 2):  # then c3's real updates
            if r == 2:
                round_no, body = secure.open_global(device.channel, _wait(net, my_q, "global").body)
                weights, _ = wire.unpack(body)
                assert round_no == 2
            uid = f"c3-r{r}-{uuid.uuid4().hex[:8]}"
            net.send(agg_q, secure.seal_update(device.channel, me, "c3", r,
                                               wire.pack(weights, n_samples=100, update_id=uid), update_id=uid),
                     "update")
        _wait(net, my_q, "stop")

        assert procs[0].wait(120) == 0  # the aggregator finished normally
        report = json.loads(report_path.read_text())
        events = [json.loads(line) for line in procs[0].stdout.read().splitlines()]
        assert [r["round"] for r in report["rounds"]] == [1, 2]
        for r in report["rounds"]:  # the rounds completed with every client, c3 included
            assert r["accepted"] == ["c0", "c1", "c2", "c3"]
            assert all(u.startswith(f"{c}-r{r['round']}-") for c, u in zip(r["accepted"], r["update_ids"]))
        rejected = report["rejected"]
        total = n_unauthenticated + len(bad)
        assert sum(rejected.values()) == total, (rejected, total)
        assert set(rejected) <= set(secure.REJECT_REASONS)
        # everything that cannot be parsed is "malformed": all but the well-framed handshake junk
        # and the unauthenticated bomb (which fail at the channel: tampered / unknown)
        assert rejected["malformed"] >= len(junk) * 3 + 5 + len(bad) - 10
        assert len([e for e in events if e["event"] == "rejected"]) == total
        assert report["rounds"][-1]["accuracy"] > 0.5
        for p in procs[1:]:
            assert p.wait(30) == 0
        print(f"junk classes: {len(junk)} x 3 kinds + {n_unauthenticated - len(sent)} others + {len(bad)} signed; "
              f"rejected by reason: {rejected}")
    finally:
        if net is not None:
            net.close()
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait(10)
        if procs[0].stdout:
            procs[0].stdout.close()
