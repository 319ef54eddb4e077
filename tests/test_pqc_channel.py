"""The device <-> gateway secure channel: handshake, sealing, replay window, key updates, attacks."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pqfl_kit.pqc import channel, errors, messages
from pqfl_kit.pqc.channel import ChannelError, Device, Gateway, HandshakeError, connect_pair, handshake
from pqfl_kit.pqc.sig import generate_identity


@pytest.fixture(scope="module", autouse=True)
def backend(pqc_backend_env):
    """Every test here runs on both backends (openssl, liboqs)."""
    return pqc_backend_env


@pytest.fixture(scope="module")
def pair(backend):
    device, gateway = connect_pair(seed=7)
    assert device.info.backend == gateway.info.backend == backend
    return device, gateway


@pytest.mark.parametrize("hybrid", [False, True])
def test_both_directions(hybrid):
    device, gateway = connect_pair(hybrid=hybrid)
    assert device.info.hybrid is hybrid and gateway.info.hybrid is hybrid
    assert device.channel_id == gateway.channel_id
    assert device.info.transcript_hash == gateway.info.transcript_hash
    for i in range(5):
        reading = f"HR={70 + i}".encode()
        packet = device.seal(reading, b"ward-3")
        assert reading not in packet and len(packet) == len(reading) + channel.OVERHEAD
        assert gateway.open(packet, b"ward-3") == reading
        assert device.open(gateway.seal(b"ack %d" % i)) == b"ack %d" % i


def test_sizes_reported():
    device, gateway = connect_pair(hybrid=True)
    sizes = device.info.message_sizes
    assert sizes == gateway.info.message_sizes
    assert sizes["ClientHello"] > 1184 + 32 and sizes["ServerHello"] > 1088 + 3309 and sizes["DeviceFinish"] > 3309


def test_seed_pins_identities_but_not_session_keys():
    a, _ = connect_pair(seed=1)
    b, _ = connect_pair(seed=1)
    c, _ = connect_pair(seed=2)
    assert a.info.peer_fingerprint == b.info.peer_fingerprint != c.info.peer_fingerprint
    assert a.channel_id != b.channel_id  # session secrets are always fresh


def test_nonces_never_repeat(pair):
    device, _ = pair
    headers = {device.seal(b"x")[:channel.HEADER_SIZE] for _ in range(200)}
    assert len(headers) == 200


def test_every_bit_flip_of_a_100_byte_packet_is_rejected():
    device, gateway = connect_pair()
    packet = device.seal(bytes(range(100)), b"hdr")
    for bit in range(8 * len(packet)):
        bad = bytearray(packet)
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ChannelError):
            gateway.open(bytes(bad), b"hdr")
    assert gateway.open(packet, b"hdr") == bytes(range(100))  # the real one still opens


def test_wrong_associated_data_rejected(pair):
    device, gateway = pair
    with pytest.raises(ChannelError, match="authentication"):
        gateway.open(device.seal(b"x", b"bed-1"), b"bed-2")


def test_replay_and_window():
    device, gateway = connect_pair(window=8)
    packets = [device.seal(bytes([i])) for i in range(30)]
    assert gateway.open(packets[0]) == b"\x00"
    with pytest.raises(ChannelError, match="replay"):
        gateway.open(packets[0])
    # reordering inside the window is fine, each packet once
    for i in (3, 1, 2, 9, 5):
        assert gateway.open(packets[i]) == bytes([i])
    with pytest.raises(ChannelError, match="replay"):
        gateway.open(packets[5])
    assert gateway.open(packets[20]) == bytes([20])
    with pytest.raises(ChannelError, match="older than the replay window"):
        gateway.open(packets[12])
    assert gateway.open(packets[13]) == bytes([13])  # 20 - 13 = 7 < 8: still inside


def test_failed_packet_does_not_move_the_window():
    device, gateway = connect_pair(window=4)
    first = device.seal(b"a")
    later = [device.seal(b"b") for _ in range(10)]
    bad = bytearray(later[-1])
    bad[-1] ^= 1
    with pytest.raises(ChannelError):
        gateway.open(bytes(bad))
    assert gateway.open(first) == b"a"  # a forged far-ahead packet did not push the window on


def test_key_update_and_out_of_order_across_epochs():
    device, gateway = connect_pair(rekey_after=3, window=6)
    packets = [device.seal(bytes([i])) for i in range(20)]
    assert device.key_epoch == 6
    order = [1, 0, 2, 5, 3, 4, 9, 8, 7, 6, 10, 15, 14, 13, 12, 11, 19, 18, 17, 16]
    assert [gateway.open(packets[i])[0] for i in order] == order
    # packets keep opening in both directions after many key updates
    for i in range(10):
        assert device.open(gateway.seal(b"r%d" % i)) == b"r%d" % i
    # the same plaintext under two epochs gives unrelated ciphertexts
    assert packets[0][channel.HEADER_SIZE:] != packets[3][channel.HEADER_SIZE:]


def test_packets_from_another_channel_or_direction():
    d1, g1 = connect_pair()
    d2, g2 = connect_pair()
    with pytest.raises(ChannelError, match="another channel"):
        g2.open(d1.seal(b"x"))
    with pytest.raises(ChannelError):  # a device cannot open its own packets (direction keys differ)
        d1.open(d1.seal(b"x"))


def test_truncated_garbage_and_types(pair):
    device, gateway = pair
    packet = device.seal(b"temperature 37.2")
    for bad in (b"", packet[:10], packet[:channel.OVERHEAD - 1], b"\x00" * 64, b"\x02" + packet[1:]):
        with pytest.raises(ChannelError):
            gateway.open(bad)
    with pytest.raises(TypeError):
        gateway.open("text")
    with pytest.raises(TypeError):
        device.seal("text")
    with pytest.raises(TypeError):
        device.seal(b"x", associated_data=5)
    with pytest.raises(ValueError):
        connect_pair(kem="ML-KEM-999")
    with pytest.raises(ValueError):
        connect_pair(sig="RSA")
    with pytest.raises(ValueError):
        connect_pair(rekey_after=0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_fuzz_open_only_raises_channel_error(pair, data):
    _, gateway = pair
    with pytest.raises(ChannelError):
        gateway.open(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(min_size=1, max_size=64), cut=st.integers(min_value=0, max_value=200))
def test_fuzz_mutated_real_packets(pair, payload, cut):
    device, gateway = pair
    packet = device.seal(payload)
    mutated = packet[:cut % len(packet)] + bytes([packet[cut % len(packet)] ^ 0x80]) + packet[cut % len(packet) + 1:]
    with pytest.raises(ChannelError):
        gateway.open(mutated)


def _parties(seed=3):
    dev = generate_identity("sensor-1", seed=bytes([seed]) * 32)
    gw = generate_identity("gateway", seed=bytes([seed + 1]) * 32)
    return dev, gw


def test_wrong_gateway_key_aborts_handshake():
    dev, gw = _parties()
    impostor = generate_identity("gateway")
    device = Device(dev, impostor.public_key)  # pinned key is not the real gateway's
    gateway = Gateway(gw, {"sensor-1": dev.public_key})
    with pytest.raises(HandshakeError, match="pinned gateway key"):
        handshake(device, gateway)


def test_unknown_or_impersonated_device_aborts():
    dev, gw = _parties()
    gateway = Gateway(gw, {"sensor-1": dev.public_key})
    stranger = generate_identity("sensor-9")
    with pytest.raises(HandshakeError, match="unknown device"):
        handshake(Device(stranger, gw.public_key), gateway)
    # same name, different key: the DeviceFinish signature fails
    fake = generate_identity("sensor-1")
    with pytest.raises(HandshakeError, match="does not verify"):
        handshake(Device(fake, gw.public_key), gateway)


def test_mitm_swapping_the_kem_key_is_caught():
    dev, gw = _parties()
    device = Device(dev, gw.public_key)
    gateway = Gateway(gw, {"sensor-1": dev.public_key})
    hello = device.hello()
    # the attacker replaces the device's ML-KEM key with their own
    from pqfl_kit.pqc.kem import Kem

    attacker = Kem("ML-KEM-768").generate_keypair()
    ek = device._state["keypair"].public_key
    forged = hello.replace(ek, attacker.public_key)
    assert forged != hello
    server_hello = gateway.respond(forged)
    with pytest.raises(HandshakeError, match="man-in-the-middle"):
        device.finish(server_hello)
    assert device.channel is None


def test_garbage_handshake_messages():
    dev, gw = _parties()
    gateway = Gateway(gw, {"sensor-1": dev.public_key})
    for bad in (b"", b"PQCH", b"PQCH\x00\x00\x00\x05ab", b"XXXX" + bytes(40)):
        with pytest.raises(HandshakeError):
            gateway.respond(bad)
    device = Device(dev, gw.public_key)
    with pytest.raises(HandshakeError, match="hello"):
        device.finish(b"PQSH")
    device.hello()
    with pytest.raises(HandshakeError):
        device.finish(b"PQSH" + bytes(20))
    with pytest.raises(HandshakeError):
        device.finish(b"anything")  # a handshake state is used once only
    with pytest.raises(HandshakeError, match="no handshake"):
        gateway.complete(b"PQDF\x00\x00\x00\x08sensor-1\x00\x00\x00\x01x")


def test_gateway_with_many_devices_routes_packets():
    gw = generate_identity("gateway")
    devices = {f"bed-{i}": generate_identity(f"bed-{i}") for i in range(3)}
    gateway = Gateway(gw, {name: ident.public_key for name, ident in devices.items()})
    channels = {}
    for name, ident in devices.items():
        device = Device(ident, gw.public_key, hybrid=name == "bed-1")
        channels[name], _ = handshake(device, gateway)
    assert set(gateway.channels) == set(devices)
    for name in ("bed-2", "bed-0", "bed-1", "bed-0"):
        sender, text = gateway.open(channels[name].seal(name.encode()))
        assert sender == name and text == name.encode()
        assert channels[name].open(gateway.seal(name, b"ok")) == b"ok"
    with pytest.raises(ChannelError, match="no connected device"):
        gateway.open(connect_pair()[0].seal(b"x"))
    with pytest.raises(ChannelError, match="no channel"):
        gateway.seal("bed-7", b"x")


@pytest.mark.parametrize("hybrid", [False, True])
def test_mitm_demo_on_this_backend(backend, hybrid):
    from pqfl_kit.pqc import attacks

    safe = attacks.mitm_demo(check_signatures=True, hybrid=hybrid)
    assert safe.aborted and "signature" in safe.message and not safe.attacker_read
    naive = attacks.mitm_demo(check_signatures=False, hybrid=hybrid)
    assert not naive.aborted
    assert naive.attacker_read == list(attacks.DEFAULT_READINGS)  # the attacker reads every reading
    assert naive.gateway_received[1] != attacks.DEFAULT_READINGS[1]  # and rewrote one undetected


# --- issue 12: hostile input ---------------------------------------------------------------------
def test_a_far_jump_costs_o_window_and_the_channel_keeps_working():
    """RFC 4303 Sec. 3.4.3: a jump of any size resets the bitmap instead of shifting it."""
    import time

    device, gateway = connect_pair(rekey_after=1 << 62, window=64)
    early = [device.seal(b"%d" % i) for i in range(3)]
    assert gateway.open(early[0]) == b"0"
    device._send_seq = (1 << 61) + 5  # an authenticated packet far ahead (a device after a long run)
    start = time.perf_counter()
    assert gateway.open(device.seal(b"far")) == b"far"
    assert time.perf_counter() - start < 0.1 and gateway._replay._bits.bit_length() <= 64
    for i in range(5):
        assert gateway.open(device.seal(b"next %d" % i)) == b"next %d" % i
    with pytest.raises(ChannelError, match="older than the replay window"):
        gateway.open(early[1])


def test_a_failed_check_commits_nothing():
    """A copy whose outer check fails (e.g. eq. 7 HMAC) must not get the real packet refused."""
    device, gateway = connect_pair()
    packet = device.seal(b"reading", b"hdr")

    def refuse(plaintext):
        raise ChannelError("outer MAC failed")

    with pytest.raises(ChannelError, match="outer MAC"):
        gateway.open(packet, b"hdr", check=refuse)
    assert gateway.open(packet, b"hdr", check=lambda p: None) == b"reading"
    with pytest.raises(ChannelError, match="replay"):
        gateway.open(packet, b"hdr")


def test_constructors_validate_window_and_rekey_interval():
    import numpy as np

    dev, gw = _parties()
    for bad, error in ((0, ValueError), (-1, ValueError), (channel.MAX_WINDOW + 1, ValueError), (10**30, ValueError),
                       ("x", TypeError), (True, TypeError), (8.0, TypeError), (None, TypeError)):
        with pytest.raises(error, match="window"):
            Gateway(gw, {"sensor-1": dev.public_key}, window=bad)
        with pytest.raises(error, match="window"):
            Device(dev, gw.public_key, window=bad)
        with pytest.raises(error, match="window"):
            connect_pair(window=bad)
    for bad, error in ((0, ValueError), (1 << 64, ValueError), ("3", TypeError), (False, TypeError)):
        with pytest.raises(error, match="rekey_after"):
            Device(dev, gw.public_key, rekey_after=bad)
    device = Device(dev, gw.public_key, window=np.int64(16), rekey_after=np.uint32(100))
    gateway = Gateway(gw, {"sensor-1": dev.public_key}, window=np.int16(16))
    d, g = handshake(device, gateway)
    assert g.open(d.seal(b"ok")) == b"ok" and d.window == g.window == 16


def test_a_replayed_or_concurrent_client_hello_does_not_abort_the_real_handshake():
    dev, gw = _parties()
    gateway = Gateway(gw, {"sensor-1": dev.public_key})
    old = Device(dev, gw.public_key)
    recorded = old.hello()  # an attacker recorded an earlier hello of this device
    device = Device(dev, gw.public_key)
    hello = device.hello()
    server_hello = gateway.respond(hello)
    assert gateway.respond(hello) == server_hello  # an identical replay gets the same answer, no new state
    gateway.respond(recorded)  # a different (old) hello for the same name is kept next to it
    finish = device.finish(server_hello)
    signature = messages.decode(messages.DEVICE_FINISH, finish, 2, "f")[1]
    forged = messages.encode(messages.DEVICE_FINISH, b"sensor-1", b"\x00" * len(signature))
    with pytest.raises(HandshakeError, match="does not verify") as aborted:
        gateway.complete(forged)  # a forged finish removes nothing
    assert aborted.value.reason == "forged"
    g = gateway.complete(finish)
    assert g.open(device.channel.seal(b"hello")) == b"hello"
    with pytest.raises(HandshakeError, match="no handshake"):
        gateway.complete(finish)  # used once; the stale recorded hello was dropped too
    assert not gateway._pending


def test_pending_handshakes_are_bounded(monkeypatch):
    dev, gw = _parties()
    names = [f"bed-{i}" for i in range(6)]
    idents = {n: generate_identity(n) for n in names}
    gateway = Gateway(gw, {n: i.public_key for n, i in idents.items()})
    monkeypatch.setattr(channel, "MAX_PENDING", 4)
    for _ in range(channel.MAX_PENDING_PER_DEVICE + 3):  # one device floods hellos
        gateway.respond(Device(idents["bed-0"], gw.public_key).hello())
    assert len(gateway._pending) <= channel.MAX_PENDING_PER_DEVICE
    devices = {n: Device(idents[n], gw.public_key) for n in names}
    answers = {n: gateway.respond(d.hello()) for n, d in devices.items()}
    assert len(gateway._pending) == 4  # the oldest were dropped first
    for n in names[-4:]:
        assert gateway.complete(devices[n].finish(answers[n])).info.peer == n


def test_every_channel_error_says_its_reason_in_an_attribute():
    """Callers branch on ``error.reason`` (one of errors.REASONS), never on the message text."""
    a, b = connect_pair(seed=5)
    first, second = a.seal(b"reading"), a.seal(b"next")
    assert b.open(first) == b"reading"
    cases = {"replayed": first, "tampered": second[:-1] + bytes([second[-1] ^ 1]), "malformed": first[:10]}
    for reason, packet in cases.items():
        with pytest.raises(ChannelError) as caught:
            b.open(packet)
        assert caught.value.reason == reason and reason in errors.REASONS
    dev, gw = _parties()
    stranger = generate_identity("stranger", seed=b"s" * 32)
    with pytest.raises(HandshakeError) as caught:
        Gateway(gw, {"sensor-1": dev.public_key}).respond(Device(stranger, gw.public_key).hello())
    assert caught.value.reason == "unknown"
    with pytest.raises(ValueError, match="reason"):
        ChannelError("x", "because")


def test_fl_reasons_come_from_the_attribute_not_the_words():
    from pqfl_kit.fl.secure import reason_for

    assert reason_for(ChannelError("replay: this text says replay", "tampered")) == "tampered"
    assert reason_for(HandshakeError("nothing about signatures here", "forged")) == "forged"
    assert reason_for(ChannelError("out of numbers", "exhausted")) == "tampered"
