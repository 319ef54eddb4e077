"""Reliability of federated rounds over a real RabbitMQ broker (started by the tests).

Each test runs ``python -m pqfl_kit.fl.node`` processes: one aggregator and three clients, with
their own queue prefix, and stops every process it started.
"""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
import uuid

import pytest
from servers import ROOT

pytestmark = pytest.mark.broker
NODE = [sys.executable, "-m", "pqfl_kit.fl.node"]


class Federation:
    """An aggregator and clients as OS processes; ``events()`` yields the aggregator's JSON lines."""

    def __init__(self, broker, tmp_path, rounds=2, clients=3, quorum=3, round_timeout=10.0, client_args=None):
        self.keys = tmp_path / "keys"
        subprocess.run([*NODE, "keygen", "--keys", str(self.keys), "--clients", str(clients)], check=True, cwd=ROOT)
        common = ["--url", broker.url, "--keys", str(self.keys), "--clients", str(clients),
                  "--run", "t" + uuid.uuid4().hex[:8]]
        self.report = tmp_path / "report.json"
        self.aggregator = subprocess.Popen(
            [*NODE, "aggregator", *common, "--rounds", str(rounds), "--quorum", str(quorum),
             "--round-timeout", str(round_timeout), "--report", str(self.report)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.clients = [subprocess.Popen([*NODE, "client", *common, "--id", f"c{i}", *(client_args or {}).get(i, [])],
                                         cwd=ROOT) for i in range(clients)]
        self.lines: queue.Queue = queue.Queue()
        self.seen: list[dict] = []  # events read but not yet claimed by wait_for
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.aggregator.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def wait_for(self, event: str, timeout: float = 90.0, **match) -> dict:
        """The first not yet claimed event that matches, in any order (processes race on 2 cores)."""
        def matches(item):
            return item["event"] == event and all(item.get(k) == v for k, v in match.items())

        for item in self.seen:
            if matches(item):
                self.seen.remove(item)
                return item
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if item is None:
                raise AssertionError(f"aggregator exited ({self.aggregator.wait()}) before {event} {match}; "
                                     f"unclaimed events: {self.seen}")
            if matches(item):
                return item
            self.seen.append(item)
        raise AssertionError(f"no {event} {match} within {timeout} s")

    def finish(self, timeout: float = 90.0) -> dict:
        assert self.aggregator.wait(timeout) == 0
        return json.loads(self.report.read_text())

    def close(self):
        for p in [self.aggregator, *self.clients]:
            if p.poll() is None:
                p.kill()
            p.wait(10)
        if self.aggregator.stdout:
            self.aggregator.stdout.close()


@pytest.fixture
def federation(rabbitmq, tmp_path):
    started = []

    def start(**kwargs):
        fed = Federation(rabbitmq, tmp_path, **kwargs)
        started.append(fed)
        return fed

    yield start
    for fed in started:
        fed.close()


def _no_update_lost_or_counted_twice(report, clients):
    ids = [u for r in report["rounds"] for u in r["update_ids"]]
    assert len(ids) == len(set(ids))  # nothing counted twice
    for r in report["rounds"]:
        assert r["accepted"] == clients  # nothing lost
        assert all(u.startswith(f"{c}-r{r['round']}-") for c, u in zip(r["accepted"], r["update_ids"]))


def test_aggregator_and_three_clients_complete_two_rounds(federation):
    fed = federation(rounds=2)
    report = fed.finish()
    assert [r["round"] for r in report["rounds"]] == [1, 2]
    _no_update_lost_or_counted_twice(report, ["c0", "c1", "c2"])
    assert report["rejected"] == {} and report["rounds"][-1]["accuracy"] > 0.6
    for p in fed.clients:
        assert p.wait(30) == 0  # every client got the stop message


def test_broker_sigkill_mid_round_loses_nothing(federation, rabbitmq):
    fed = federation(rounds=3, client_args={i: ["--delay", "1.5"] for i in range(3)})
    fed.wait_for("round", round=1)
    time.sleep(0.5)  # round 2 is under way: globals sent, clients training
    rabbitmq.kill()
    time.sleep(1.0)
    rabbitmq.start()
    report = fed.finish(timeout=120)
    _no_update_lost_or_counted_twice(report, ["c0", "c1", "c2"])
    assert report["rounds"][-1]["reconnects"] >= 1  # the aggregator really lost its broker
    assert not report["rejected"]


def test_client_crash_round_completes_with_quorum(federation):
    # round 1 starts only once all three clients finished their handshake, and the straggler
    # deadline (2 s) only starts once the quorum (2) is in: a slow but live client still counts
    fed = federation(rounds=2, quorum=2, round_timeout=2.0, client_args={2: ["--crash-at-round", "2"]})
    report = fed.finish()
    assert report["clients"] == ["c0", "c1", "c2"]
    assert report["rounds"][0]["accepted"] == ["c0", "c1", "c2"]
    assert report["rounds"][1]["accepted"] == ["c0", "c1"]
    assert report["rounds"][1]["wall_s"] >= 2.0  # it waited the deadline for c2, then closed without it
    assert fed.clients[2].wait(30) == 3


def test_forged_and_replayed_updates_are_rejected_and_reported(federation):
    fed = federation(rounds=3, client_args={1: ["--attack", "replay"], 2: ["--attack", "forge"]})
    forged = fed.wait_for("rejected", reason="forged")
    replayed = fed.wait_for("rejected", reason="replayed")
    assert forged["client"] == "c2" and replayed["client"] == "c1"
    report = fed.finish()
    _no_update_lost_or_counted_twice(report, ["c0", "c1", "c2"])
    assert report["rejected"]["forged"] >= 1 and report["rejected"]["replayed"] >= 1
