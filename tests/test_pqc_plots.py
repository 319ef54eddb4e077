"""Notebook 02's figures of the Ascon duplex and the sealed packet tell the truth about the kit:
the packet figure's byte counts are those of a real sealed packet, and the duplex's rate is the
part of the state that the real cipher exposes (SP 800-232 Sec. 4: rate 128 bits, capacity 192)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from pqfl_kit.pqc import ascon, channel
from pqfl_kit.pqc import plots as pqc_plots


@pytest.fixture(autouse=True)
def no_figure_left_open():
    plt.close("all")
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


@pytest.fixture(scope="module")
def pair():
    return channel.connect_pair(seed=7)


@pytest.mark.parametrize("size", [0, 1, 14, 15, 16, 100])
def test_the_packet_fields_add_up_to_a_real_sealed_packet(pair, size):
    device, gateway = pair
    reading = bytes(range(size))
    packet = device.seal(reading)
    fields = pqc_plots.packet_fields(size)
    assert sum(n for _, n in fields) == len(packet)
    assert gateway.open(packet) == reading


def test_each_field_sits_where_the_figure_says(pair):
    device, _ = pair
    packet = device.seal(b"HR=072 SpO2=98")
    offsets, start = {}, 0
    for name, n in pqc_plots.packet_fields(14):
        offsets[name], start = packet[start:start + n], start + n
    assert offsets["version"] == bytes([channel.VERSION])
    assert offsets["channel id"] == device.channel_id
    assert int.from_bytes(offsets["sequence number"], "big") == device._send_seq - 1
    assert len(offsets["ciphertext"]) == 14 and len(offsets["tag"]) == ascon.TAG_SIZE
    header = sum(n for _, n in pqc_plots.HEADER_FIELDS)
    assert header == channel.HEADER_SIZE and header + ascon.TAG_SIZE == channel.OVERHEAD


def test_the_packet_figure_shows_each_fields_bytes_but_not_the_total_overhead():
    fig = pqc_plots.plot_packet_layout(14)
    shown = [int(m.group(1)) for t in _texts(fig) if (m := re.fullmatch(r"(\d+) B", t))]
    assert shown == [n for _, n in pqc_plots.packet_fields(14)]
    # exercise 02.1 asks for the overhead: no figure above it may print the answer
    for figure in (fig, pqc_plots.plot_handshake()):
        assert not any(re.search(rf"\b{channel.OVERHEAD} ?B", t) for t in _texts(figure)), _texts(figure)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "14"])
def test_packet_fields_refuses_a_size_that_is_not_a_byte_count(bad):
    with pytest.raises(ValueError, match="whole number"):
        pqc_plots.packet_fields(bad)


def test_the_duplex_figure_names_the_standard_split_and_rounds():
    text = "\n".join(_texts(pqc_plots.plot_ascon_duplex()))
    assert pqc_plots.RATE_BITS + pqc_plots.CAPACITY_BITS == ascon.state_bits(ascon.initial_state()).size == 320
    for label in ("128 bits", "192 bits", "p$^{12}$", "p$^{8}$", "initialization", "associated data",
                  "finalization", "tag"):
        assert label in text, label


def test_the_real_cipher_exposes_exactly_the_rate():
    """Under a reused nonce only the first 128-bit block leaks P_a xor P_b: the second block is
    encrypted with a state the first plaintext block has already changed (through p^8)."""
    key, nonce = bytes(16), bytes(range(16))
    rng = np.random.default_rng(1)
    pa, pb = rng.bytes(32), rng.bytes(32)
    ca, cb = ascon.encrypt(key, nonce, b"", pa), ascon.encrypt(key, nonce, b"", pb)
    xor = lambda x, y: bytes(i ^ j for i, j in zip(x, y))  # noqa: E731
    rate_bytes = pqc_plots.RATE_BITS // 8
    assert xor(ca[:rate_bytes], cb[:rate_bytes]) == xor(pa[:rate_bytes], pb[:rate_bytes])
    assert xor(ca[rate_bytes:32], cb[rate_bytes:32]) != xor(pa[rate_bytes:], pb[rate_bytes:])
