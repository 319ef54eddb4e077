"""Hostile input for the federated-learning code (issue 12): bounded parsing, limits, key files.

* ``secure``: deep / long / truncated / wrongly typed headers end in ``SecurityError('malformed')``
  (counted), never ``RecursionError``; the inbox keeps working for the next good update.
* ``wire``: zip bombs (honest and lying sizes) are refused before they are inflated.
* ``simulate``: every size / number parameter refuses huge, zero, negative, NaN, inf, bool and
  wrong types in < 0.1 s; numpy integers are accepted.
* ``node.keygen``: seed files 0600 from creation, folder 0700.
"""
from __future__ import annotations

import io
import json
import math
import os
import stat
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from pqfl_kit.fl import secure, wire
from pqfl_kit.pqc.channel import ChannelError

FAST_S = 0.5  # the goal is < 0.1 s; the margin absorbs a loaded CI machine (a hang takes seconds)


# ---------------------------------------------------------------------------------------------
# hostile messages (also used by test_hostile_fl_broker)
# ---------------------------------------------------------------------------------------------
def frame(header: bytes, body: bytes = b"") -> bytes:
    return struct.pack(">H", len(header) % 65536) + header + body


def zip_bomb(size: int = 256 << 20, declare: int | None = None) -> bytes:
    """A .npz whose ``w0`` inflates to ``size`` bytes (about 1 KB compressed per MB); ``declare``:
    the (lying) uncompressed size written in the archive's headers."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": (size,)})
        with z.open("w0.npy", "w", force_zip64=size >= 2**31) as member:
            member.write(header.getvalue())
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
        meta = io.BytesIO()
        np.save(meta, np.frombuffer(b'{"n_samples": 1}', dtype=np.uint8))
        z.writestr("meta.npy", meta.getvalue())
    data = bytearray(buf.getvalue())
    if declare is not None:
        i = data.find(b"PK\x03\x04")
        data[i + 22:i + 26] = struct.pack("<I", declare)
        i = data.find(b"PK\x01\x02")
        data[i + 24:i + 28] = struct.pack("<I", declare)
    return bytes(data)


def junk_frames() -> dict[str, bytes]:
    """Unauthenticated junk for any queue of the aggregator: class name -> message bytes."""
    good_header = json.dumps({"client": "c0", "pqc": True, "round": 1, "update_id": "abcd"}).encode()
    rng = np.random.default_rng(12)
    return {
        "deep-list": frame(b"[" * 4000),
        "deep-list-max": b"\xff\xff" + b"[" * 65535,
        "deep-object": frame(b'{"a":' * 800 + b"1" + b"}" * 800),
        "deep-in-valid-object": frame(b'{"client": "c0", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"),
        "long-header": frame(json.dumps({"client": "c0", "pad": "x" * 60_000}).encode()),
        "garbage": bytes(rng.integers(0, 256, 1024, dtype=np.uint8)),
        "empty": b"",
        "one-byte": b"\x00",
        "truncated": frame(good_header, b"U" + b"x" * 50)[:20],
        "length-lies": struct.pack(">H", 500) + good_header,
        "not-utf8": frame(b"\xff\xfe{}"),
        "header-list": frame(b"[1, 2]"),
        "header-number": frame(b"1e999"),
        "wrong-types": frame(json.dumps({"client": ["c0"], "update_id": 5, "round": 1}).encode()),
        "round-string": frame(json.dumps({"client": "c0", "update_id": "u", "round": "1"}).encode()),
        "round-inf": frame(b'{"client": "c0", "update_id": "u", "round": 1e999}'),
        "no-client": frame(json.dumps({"round": 1}).encode()),
    }


# ---------------------------------------------------------------------------------------------
# secure: bounded header parsing
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fed():
    inbox, devices = secure.federation(["c0", "c1"])
    return inbox, devices


def test_every_junk_class_is_malformed_at_every_entry_point(fed):
    inbox, devices = fed
    junk = junk_frames()
    before = inbox.rejected["malformed"]
    for name, message in junk.items():
        verdict = inbox.receive(message, 1)
        assert (verdict.status, verdict.reason) == ("rejected", "malformed"), name
        for call in (inbox.respond, inbox.complete):
            with pytest.raises(secure.SecurityError) as error:
                call(message)
            assert error.value.reason in ("malformed", "unknown", "tampered"), name
        with pytest.raises((secure.SecurityError, ChannelError)):  # ChannelError: parsed, but not sealed
            secure.open_global(devices["c0"].channel, message)
        with pytest.raises((secure.SecurityError, ChannelError)):
            secure.client_finish(devices["c1"], message)
    assert inbox.rejected["malformed"] - before >= len(junk)
    for wrong in (None, "text", 123, [b"x"]):  # not bytes at all
        assert inbox.receive(wrong, 1).reason == "malformed"
        with pytest.raises(secure.SecurityError, match="bytes"):
            inbox.respond(wrong)
    # the inbox still takes the next good update
    good = secure.seal_update(devices["c0"].channel, devices["c0"].identity, "c0", 1,
                              wire.pack([np.ones(3)], n_samples=1))
    assert inbox.receive(good, 1).status == "accepted"


def test_header_limits_are_documented_and_cheap():
    assert secure.MAX_HEADER_BYTES == 4096 and secure.MAX_HEADER_DEPTH == 8
    assert "MAX_HEADER_BYTES" in secure.__doc__ and "MAX_HEADER_DEPTH" in secure.__doc__
    start = time.perf_counter()
    for _ in range(20):
        with pytest.raises(secure.SecurityError):
            secure._unframe(frame(b"[" * 4000 + b"]" * 4000)[:4098])
    assert time.perf_counter() - start < 20 * FAST_S
    with pytest.raises(ValueError, match="MAX_HEADER_BYTES"):
        secure.seal_update(None, None, "c" * 5000, 1, b"x")


def test_load_json_depth_scan_ignores_brackets_in_strings():
    assert wire.load_json(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[["}', 100, 2) == {"a": "[" * 24}
    assert wire.load_json(b'[[["\\"]]]]]]]]]"]]]', 100, 3) == [[['"]]]]]]]]]']]]
    with pytest.raises(ValueError, match="nests"):
        wire.load_json(b"[[[[1]]]]", 100, 3)
    with pytest.raises(ValueError, match="limit"):
        wire.load_json(b"1" * 101, 100, 3)


# ---------------------------------------------------------------------------------------------
# wire: decompressed-size limits before allocating
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bombs():
    return {"honest-1GiB": zip_bomb(1 << 30), "lying-256MiB": zip_bomb(256 << 20, declare=1000),
            "lying-small": zip_bomb(32 << 20, declare=100_000)}


@pytest.mark.slow  # building the 1 GiB bomb compresses a gigabyte of zeros (about 3 s)
def test_zip_bombs_are_refused_without_inflating(bombs):
    for name, data in bombs.items():
        assert len(data) < 2 << 20
        tracemalloc.start()
        start = time.perf_counter()
        with pytest.raises(ValueError, match="Not a model message"):
            wire.unpack(data)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 4 << 20, (name, peak)  # nothing near the bomb's size was allocated
        assert elapsed < 1.0, name


def test_wire_refuses_other_hostile_archives():
    good = wire.pack([np.arange(6.0).reshape(2, 3)], n_samples=3)
    cases = {"garbage": b"\x00" * 100, "truncated": good[:-30], "text": "not bytes"}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_LZMA) as z:  # unbounded decompressor steps
        z.writestr("w0.npy", b"x")
    cases["lzma"] = buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # header claims 10**12 elements, 8 bytes present
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
        z.writestr("w0.npy", header.getvalue() + bytes(8))
        z.writestr("meta.npy", b"")
    cases["shape-lies"] = buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(b"[" * 5000, dtype=np.uint8))
    cases["deep-meta"] = buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(b"[1]", dtype=np.uint8))
    cases["meta-list"] = buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, **{f"x{i}": np.zeros(1) for i in range(wire.MAX_ARRAYS + 1)})
    cases["too-many-arrays"] = buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(b"{}", dtype=np.uint8), w0=np.array([{"a": 1}], dtype=object))
    cases["object-dtype"] = buf.getvalue()
    for data in cases.values():
        with pytest.raises(ValueError, match="Not a model message"):
            wire.unpack(data)
    weights, meta = wire.unpack(good)  # still round-trips, writable, Fortran order too
    assert meta == {"n_samples": 3} and weights[0].flags.writeable
    fortran = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    assert np.array_equal(wire.unpack(wire.pack([fortran]))[0][0], fortran)


@pytest.mark.slow  # uses the zip bombs (building the 1 GiB one takes about 3 s)
def test_node_refuses_signed_but_unusable_updates(bombs):
    from pqfl_kit.fl.rounds import usable_update

    def _checked_update(payload, shapes):  # what the node's collector runs on every opened update
        return usable_update(payload, shapes, need_id=True)

    shapes = [((2, 3), np.dtype(np.float32))]
    ok = wire.pack([np.zeros((2, 3), np.float32)], n_samples=5, update_id="u")
    assert isinstance(_checked_update(ok, shapes), tuple)
    bad = {
        "bomb": bombs["honest-1GiB"],
        "shape": wire.pack([np.zeros((3, 2), np.float32)], n_samples=5, update_id="u"),
        "nan": wire.pack([np.full((2, 3), np.nan, np.float32)], n_samples=5, update_id="u"),
        "n_samples": wire.pack([np.zeros((2, 3), np.float32)], n_samples=10**12, update_id="u"),
        "n_samples-bool": wire.pack([np.zeros((2, 3), np.float32)], n_samples=True, update_id="u"),
        "no-id": wire.pack([np.zeros((2, 3), np.float32)], n_samples=5),
    }
    for name, payload in bad.items():
        assert isinstance(_checked_update(payload, shapes), str), name


# ---------------------------------------------------------------------------------------------
# simulate: one documented limit per parameter, checked in < 0.1 s
# ---------------------------------------------------------------------------------------------
HUGE = (10**9, 10**30, 2**63, np.int64(2**62))
WHOLE = {  # parameter -> (smallest valid, largest valid)
    "n_clients": (1, 64), "rounds": (1, 1_000), "local_epochs": (1, 100), "windows_per_client": (10, 1_000),
    "forged": (0, 1_000), "replayed": (0, 1_000), "poisoned": (0, 9), "seed": (0, 2**63 - 1),
}
REAL = {  # parameter -> values that must be refused besides NaN, inf, bool and text
    "dropout": (-0.1, 1.0, 5.0), "fraction": (0.0, -1.0, 1.5), "deadline_s": (0.0, -1.0, 1e9),
    "poison_factor": (-1.0, 1e4, 1e300), "battery_threshold": (-1.0, 100.5, 1e9),
}


def _refuses(**kwargs):
    from pqfl_kit.fl import simulate

    start = time.perf_counter()
    with pytest.raises((ValueError, TypeError)) as error:
        simulate(**{"model": "logreg", "n_clients": 10, **kwargs})
    elapsed = time.perf_counter() - start
    assert elapsed < FAST_S, (kwargs, elapsed)
    assert next(iter(kwargs)) in str(error.value), (kwargs, str(error.value))
    return error.value


@pytest.fixture(scope="module", autouse=True)
def _imported():
    from pqfl_kit.fl import experiment

    with pytest.raises(ValueError):
        experiment.simulate(n_clients=0)


@pytest.mark.parametrize("name", list(WHOLE))
def test_simulate_walk_whole_numbers(name):
    low, high = WHOLE[name]
    tried = 0
    for value in (*HUGE, high + 1, low - 1, -1, -(10**9)):
        if value > high or value < low:
            error = _refuses(**{name: value})
            assert isinstance(error, ValueError) and (f"{high:,}" in str(error) or f"{low:,}" in str(error))
            tried += 1
    for value in (math.nan, math.inf, -math.inf, 2.5, 1.0, True, False, "3", None, np.float64(2.0), [1]):
        assert isinstance(_refuses(**{name: value}), TypeError)
        tried += 1
    assert tried >= 15


@pytest.mark.parametrize("name", list(REAL))
def test_simulate_walk_real_numbers(name):
    for value in (math.nan, math.inf, -math.inf, np.float64("nan"), *REAL[name]):
        assert isinstance(_refuses(**{name: value}), ValueError)
    for value in (True, False, "0.5", [0.5]):
        assert isinstance(_refuses(**{name: value}), TypeError)


@pytest.mark.parametrize("name", ["pqc", "energy_aware", "centralized"])
def test_simulate_flags_must_be_bool(name):
    for value in ("no", "False", 0, 1, 1.0, None, np.int64(1)):
        assert isinstance(_refuses(**{name: value}), TypeError)


@pytest.mark.parametrize("kwargs", [{"transport": "carrier-pigeon"}, {"transport": "amqp"}, {"model": 3},
                                    {"poison_mode": "x"}, {"aggregator": None}, {"link": ["wifi"]}])
def test_simulate_refuses_bad_choices_fast(kwargs):
    _refuses(**kwargs)


def test_simulate_issue_examples_fail_fast_naming_the_limit():
    for kwargs, limit in (({"rounds": 10**9}, "1,000"), ({"local_epochs": 10**9}, "100"),
                          ({"forged": 10**7}, "1,000"), ({"windows_per_client": 10**8}, "1,000"),
                          ({"deadline_s": -1}, "86,400"), ({"forged": -5}, "1,000")):
        assert limit in str(_refuses(**kwargs))
    for kwargs in ({"deadline_s": math.nan}, {"poison_factor": math.nan}, {"battery_threshold": math.nan}):
        assert "finite" in str(_refuses(**kwargs))
    assert isinstance(_refuses(pqc="no"), TypeError)
    assert isinstance(_refuses(windows_per_client=10.5), TypeError)
    from pqfl_kit.fl import experiment

    for limit in ("64", "1,000", "100", "86,400", "True or False"):
        assert limit in experiment.simulate.__doc__


def test_simulate_accepts_numpy_numbers_where_valid():
    from pqfl_kit.fl import simulate

    r = simulate(n_clients=np.int64(3), rounds=np.int32(1), model="logreg", local_epochs=np.int64(1),
                 windows_per_client=np.int16(20), forged=np.int64(1), replayed=np.uint8(0), poisoned=np.int64(1),
                 seed=np.int64(2), dropout=np.float64(0.0), fraction=np.float32(1.0), deadline_s=np.float64(60),
                 poison_factor=np.float64(2), battery_threshold=np.float64(10), pqc=np.bool_(True),
                 centralized=False)
    assert len(r.rounds) == 1 and r.rejected_total.get("forged") == 1
    assert type(r.config["n_clients"]) is int and type(r.config["deadline_s"]) is float


# ---------------------------------------------------------------------------------------------
# keygen: secret files 0600 from creation, inside a 0700 folder
# ---------------------------------------------------------------------------------------------
def test_keygen_creates_secrets_0600_in_a_0700_folder(tmp_path, monkeypatch):
    from pqfl_kit.fl import node

    created = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *args, **kwargs):
        if str(path).startswith(str(tmp_path)) and flags & os.O_CREAT:
            created.append((path, flags, mode))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    old = os.umask(0)  # even with no umask at all
    try:
        node.keygen(tmp_path / "keys", 2)
        node.keygen(tmp_path / "keys", 2)  # a second run replaces the seeds, same modes
    finally:
        os.umask(old)
    keys = tmp_path / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    seeds = sorted(p.name for p in keys.glob("*.sig"))
    assert seeds == ["aggregator.sig", "c0.sig", "c1.sig"]
    for p in keys.glob("*.sig"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600 and len(p.read_bytes()) == 32
    assert not list(keys.glob(".*"))  # no temporary files left
    secret_creates = [c for c in created if ".sig" in str(c[0])]
    assert secret_creates and all(flags & os.O_EXCL and mode & 0o077 == 0 for _, flags, mode in secret_creates)
    existing = tmp_path / "open"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    node.keygen(existing, 1)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o700
    for bad in (0, -1, 10**9, 1.5, True):
        with pytest.raises((ValueError, TypeError), match="n_clients"):
            node.keygen(tmp_path / "k2", bad)


def test_a_hello_under_another_clients_name_is_refused():
    """The aggregator answers on the queue the clear header names: it must be the hello's own device."""
    from pqfl_kit.fl import secure

    inbox, devices = secure.federation(["c0", "c1"])
    from pqfl_kit.pqc.channel import Device

    d0 = devices["c0"]
    fresh = Device(d0.identity, inbox.gateway.identity.public_key)
    _, _, hello = secure._unframe(secure.client_hello(fresh))
    relabelled = secure._frame({"client": "c1", "step": "hello"}, hello)[1]
    with pytest.raises(secure.SecurityError) as error:
        inbox.respond(relabelled)
    assert error.value.reason == "malformed" and inbox.rejected["malformed"] == 1
    client, _ = inbox.respond(secure.client_hello(fresh))  # the honest copy still gets its answer
    assert client == "c0"
