"""Fuzzing the gateway with hypothesis: every packet ends up exactly once in delivered or quarantined.

A stream of genuine packets from two devices is attacked by random operations (bit flips,
truncation, extension, duplicates, reordering, garbage, oversized packets, a forger with the
wrong key). Whatever the mix, the gateway must

* return exactly one outcome per received packet and count it exactly once,
* deliver only byte-identical genuine packets, each (device, seq) at most once,
* write exactly the delivered packets to the EHR, and never crash (no "internal-error").
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pqfl_kit.hospital import EHR, Delivered, Quarantined, WardGateway, aes_link

NOW = 1_800_000_000.0
VITALS = dict(respiration_rate=18, spo2=95, systolic_bp=105, pulse=95, temperature=37.9)
KEYS = {"dev-a": b"\x11" * 32, "dev-b": b"\x22" * 32}

op = st.one_of(
    st.tuples(st.just("send"), st.sampled_from(sorted(KEYS)), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000)),
    st.tuples(st.just("extend"), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000)),
    st.tuples(st.just("swap"), st.integers(0, 10_000)),
    st.tuples(st.just("garbage"), st.binary(max_size=300)),
    st.tuples(st.just("oversized"), st.integers(1, 64)),
    st.tuples(st.just("forge"), st.sampled_from(sorted(KEYS))),
)


def build_stream(ops):
    senders = {dev: aes_link(dev, "patient-" + dev, key)[0] for dev, key in KEYS.items()}
    forgers = {dev: aes_link(dev, "patient-" + dev, b"\x77" * 32)[0] for dev in KEYS}
    genuine: dict[bytes, tuple[str, int]] = {}
    stream: list[bytes] = []
    for o in ops:
        kind = o[0]
        if kind == "send":
            s = senders[o[1]]
            frame = s.packet(NOW, o[2], VITALS)
            genuine[frame] = (s.device_id, s.seq)
            stream.append(frame)
        elif kind == "forge":
            stream.append(forgers[o[1]].packet(NOW, 0.99, VITALS, seq=10_000))
        elif kind in ("garbage", "oversized"):
            stream.append(o[1] if kind == "garbage" else b"PQH1" + b"\x02" * (4096 + o[1]))
        elif stream:
            i = o[1] % len(stream) if kind != "extend" else len(stream) - 1
            frame = stream[i]
            if kind == "flip" and frame:
                b = bytearray(frame)
                b[o[1] % len(b)] ^= 1 << o[2]
                stream.append(bytes(b))
            elif kind == "truncate":
                stream.append(frame[: o[1] % max(len(frame), 1)])
            elif kind == "extend":
                stream.append(frame + o[1])
            elif kind == "duplicate":
                stream.append(frame)
            elif kind == "swap" and len(stream) > 1:
                stream[i], stream[-1] = stream[-1], stream[i]
    return stream, genuine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, min_size=1, max_size=60))
def test_every_packet_ends_up_exactly_once(ops):
    stream, genuine = build_stream(ops)
    gw = WardGateway(EHR(batch_size=16), clock=lambda: NOW, window=16)
    for dev, key in KEYS.items():
        gw.register(aes_link(dev, "patient-" + dev, key)[1])
    outcomes = gw.receive_many(stream)

    assert len(outcomes) == len(stream)
    delivered = [o for o in outcomes if isinstance(o, Delivered)]
    quarantined = [o for o in outcomes if isinstance(o, Quarantined)]
    assert len(delivered) + len(quarantined) == len(stream)
    assert gw.counts["received"] == len(stream)
    assert gw.counts["delivered"] == len(delivered) and gw.counts["quarantined"] == len(quarantined)
    assert not gw.counts["reason:internal-error"]

    for frame, out in zip(stream, outcomes):
        if isinstance(out, Delivered):
            assert genuine.get(frame) == (out.device_id, out.seq)  # only untouched genuine packets
    keys = [(o.device_id, o.seq) for o in delivered]
    assert len(keys) == len(set(keys))  # never twice

    rows = gw.ehr.rows("observations")
    assert sorted((r["device_id"], r["seq"]) for r in rows) == sorted(keys)
    assert gw.ehr.counts()["quarantine"] == len(quarantined)
