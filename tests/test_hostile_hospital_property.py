"""Issue 12, property test: random and structured junk interleaved with good packets.

Two registered devices (an E91-keyed AES link and a PQC Ascon channel link) send good packets in
order, sometimes jumping far ahead in sequence numbers. Between them hypothesis inserts junk:
random bytes; well-formed headers with any 64-bit sequence number, any kind, unknown or control
character ids; mutated copies of a good packet arriving *before* it (bit flips, truncation,
extension, a rewritten sequence number) or after it (the same, plus exact duplicates); forgeries
under a wrong key; authenticated but stale or malformed payloads. Whatever the mix:

* every good packet is delivered, and nothing else is;
* no outcome is an internal error, and ``received = delivered + quarantined`` in the gateway's
  counters, in the EHR tables and in the closing audit entry;
* the file-backed EHR (small batches) survives close and reopen with every row.
"""
from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pqfl_kit.hospital import EHR, Delivered, WardGateway, aes_link, channel_link
from pqfl_kit.hospital.packets import KIND_AES, MAGIC, MAX_SEQ, build_header
from pqfl_kit.qkd.records import RECORD_OVERHEAD, seal_record

NOW = 1_800_000_000.0
VITALS = dict(respiration_rate=18, spo2=95, systolic_bp=105, pulse=95, temperature=37.9)
KEY = b"\x11" * 32
DEVICES = ("aes-a", "ch-b")

seqs = st.one_of(st.integers(0, 20), st.integers(0, (1 << 64) - 1),
                 st.sampled_from([MAX_SEQ, MAX_SEQ + 1, 1 << 63, (1 << 64) - 1, 1 << 31, 1 << 34]))
mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000)),
    st.tuples(st.just("extend"), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("seq"), seqs),
)
op = st.one_of(
    st.tuples(st.just("good"), st.sampled_from(DEVICES), st.floats(0, 1)),
    st.tuples(st.just("good"), st.sampled_from(DEVICES), st.floats(0, 1)),
    st.tuples(st.just("jump"), st.sampled_from(DEVICES), st.integers(1, 62)),
    st.tuples(st.just("random"), st.binary(max_size=300)),
    st.tuples(st.just("header"), st.sampled_from(["aes-a", "ch-b", "stranger", "x" * 64, "bed\x07"]),
              st.sampled_from([0, 1, 2, 3, 255]), seqs, st.binary(max_size=120)),
    st.tuples(st.just("mutate-next"), st.sampled_from(DEVICES), mutation),
    st.tuples(st.just("mutate-last"), st.one_of(mutation, st.just(("duplicate",)))),
    st.tuples(st.just("forge"), st.sampled_from(DEVICES), seqs.filter(lambda s: s <= MAX_SEQ)),
    st.tuples(st.just("stale"), st.sampled_from(DEVICES)),
    st.tuples(st.just("authjunk"), st.sampled_from([b"[" * 1500 + b"]" * 1500, b"{}", b"\xff",
                                                     b'{"t": 1e999, "score": 0.5, "vitals": {}}',
                                                     json.dumps({"t": NOW, "score": 0.5,
                                                                 "vitals": {**VITALS, "pulse": 10**400}}).encode()])),
)


def raw_frame(device_id: str, kind: int, seq: int, body: bytes) -> bytes:
    dev = device_id.encode()
    return MAGIC + bytes([kind, len(dev)]) + dev + struct.pack(">QH", seq, len(body)) + body


def mutate(frame: bytes, m) -> bytes:
    kind = m[0]
    if kind == "flip":
        b = bytearray(frame)
        b[m[1] % len(b)] ^= 1 << m[2]
        return bytes(b)
    if kind == "truncate":
        return frame[: m[1] % len(frame)]
    if kind == "extend":
        return frame + m[1]
    if kind == "duplicate":
        return frame
    id_len = frame[5]
    old = struct.unpack_from(">Q", frame, 6 + id_len)[0]
    new = m[1] if m[1] != old else old ^ 1
    return frame[:6 + id_len] + struct.pack(">Q", new) + frame[14 + id_len:]


def run(ops, batch_size: int, folder: Path):
    senders, links = {}, {}
    senders["aes-a"], links["aes-a"] = aes_link("aes-a", "patient-a", KEY)
    senders["ch-b"], links["ch-b"] = channel_link("ch-b", "patient-b", seed=5)
    forgers = {"aes-a": aes_link("aes-a", "patient-a", b"\x77" * 32)[0],
               "ch-b": channel_link("ch-b", "patient-b", device_end=None, gateway_end=None, seed=6)[0]}
    path = folder / "ehr.sqlite"
    alerts = []
    # consistency, not power-loss durability, is under test: skip the fsync per alert
    gw = WardGateway(EHR(path, batch_size=batch_size, synchronous="NORMAL"), clock=lambda: NOW, window=16,
                 on_alert=alerts.append)
    for link in links.values():
        gw.register(link)
    stream: list[tuple[bytes, tuple | None]] = []  # (frame, (device, seq) if good)

    def good(dev, score=0.3):
        s = senders[dev]
        frame = s.packet(NOW, score, VITALS)
        return frame, (dev, s.seq)

    for o in ops:
        kind = o[0]
        if kind == "good":
            stream.append(good(o[1], o[2]))
        elif kind == "jump":
            s = senders[o[1]]
            s.seq = min(s.seq + (1 << o[2]), MAX_SEQ - 1000)
        elif kind == "random":
            stream.append((o[1], None))
        elif kind == "header":
            stream.append((raw_frame(o[1], o[2], o[3], o[4]), None))
        elif kind == "mutate-next":
            frame, key = good(o[1])
            stream.append((mutate(frame, o[2]), None))
            stream.append((frame, key))
        elif kind == "mutate-last":
            last = next((f for f, k in reversed(stream) if k is not None), None)
            if last is not None:
                stream.append((mutate(last, o[1]), None))
        elif kind == "forge":
            stream.append((forgers[o[1]].packet(NOW, 0.99, VITALS, seq=o[2]), None))
        elif kind == "stale":  # authenticated, but measured 10 min ago; takes no sequence number
            s = senders[o[1]]
            stream.append((s.packet(NOW - 600, 0.5, VITALS, seq=s.seq + 1), None))
        elif kind == "authjunk":  # a genuine key holder sending nonsense, at the next sequence number
            s = senders["aes-a"]
            header = build_header(KIND_AES, "aes-a", s.seq + 1, len(o[1]) + RECORD_OVERHEAD)
            stream.append((header + seal_record(KEY, o[1], header), None))
    outcomes = [gw.receive(frame) for frame, _ in stream]
    return gw, stream, outcomes, alerts, path, senders


@pytest.mark.slow  # 80 generated attack sequences, each on its own SQLite file
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=40), batch_size=st.integers(1, 8))
def test_junk_never_costs_a_good_packet_and_the_ehr_stays_consistent(ops, batch_size):
    with tempfile.TemporaryDirectory() as tmp:
        gw, stream, outcomes, alerts, path, senders = run(ops, batch_size, Path(tmp))
        for (frame, key), out in zip(stream, outcomes):
            if key is None:
                assert out.lane == "Quarantine", (frame, out)
            else:
                assert isinstance(out, Delivered) and (out.device_id, out.seq) == key, (key, out)
        assert not gw.counts["reason:internal-error"]
        delivered = sum(k is not None for _, k in stream)
        quarantined = len(stream) - delivered
        assert gw.counts["received"] == len(stream) == gw.counts["delivered"] + gw.counts["quarantined"]
        assert gw.counts["delivered"] == delivered
        counts = gw.ehr.counts()
        assert counts["observations"] == delivered and counts["quarantine"] == quarantined
        assert counts["alerts"] == len(alerts)
        highest = {k[0]: k[1] for _, k in stream if k is not None}
        gw.close()

        with EHR(path) as again:  # the file survives close and reopen
            assert again.counts() == {**counts, "audit": again.counts()["audit"]}
            stop = json.loads([r for r in again.rows("audit") if r["action"] == "gateway-stop"][-1]["detail"])
            assert stop.get("received", 0) == stop.get("delivered", 0) + stop.get("quarantined", 0) == len(stream)
            assert again.last_sequences() == highest
        gw2 = WardGateway(EHR(path), clock=lambda: NOW)  # a restart keeps refusing old packets
        gw2.register(aes_link("aes-a", "patient-a", KEY)[1])
        last = [f for f, k in stream if k is not None and k[0] == "aes-a"]
        if last:
            assert gw2.receive(last[-1]).reason == "duplicate"
        assert gw2.receive(senders["aes-a"].packet(NOW, 0.1, VITALS)).lane == "Normal"
        gw2.close()
