"""Simulated Raspberry Pi cluster: device profiles, network links, time scaling and energy.

Models the edge testbed of the post-quantum federated-learning overview (papers/pqfl-iomt-overview,
"empirical testing using a cluster of Raspberry Pi devices"): Pi-class clients train locally and a
gateway aggregates. The kit cannot run on real Pis here, so it *measures* work on this host and
*scales* it by a device profile:

    simulated seconds = host seconds x HOST_SPEED_VS_PI4 / profile.speed_vs_pi4

Network time is modelled per transfer: one-way latency plus bytes over the link's effective
bandwidth, inflated by 1 / (1 - loss) for retransmissions. Energy is power x time:
``load_w`` while computing, ``idle_w + radio_w`` while the radio moves bytes.

Every figure carries its source in ``sources``. Power figures are whole-board measurements at
the 5 V input; the kit rounds them and says so. Change them (``dataclasses.replace``) if you
measure your own boards.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DeviceProfile", "Link", "PROFILES", "LINKS", "HOST_SPEED_VS_PI4", "PI_TIME_ASSUMPTION", "get_profile",
           "get_link", "simulated_seconds", "transfer_seconds", "energy_joules", "battery_drain_pct",
           "profiles_for"]

# A recent x86-64 core is roughly 4x a Pi 4 Cortex-A72 core (1.5 GHz) on single-threaded
# numeric work (Geekbench 5/6 single-core class ratios). An assumption, stated, not measured here:
# the kit does not calibrate it at run time, so a host slower or faster than that (a shared
# Binder pod, a new laptop) moves every simulated Pi time by the same factor. Every place that
# shows Pi times states it with PI_TIME_ASSUMPTION.
HOST_SPEED_VS_PI4 = 4.0
PI_TIME_ASSUMPTION = (f"Simulated Pi times = time measured on this computer x {HOST_SPEED_VS_PI4:g} / the device's "
                      "speed vs a Pi 4: an assumed host-to-Pi-4 factor, not calibrated; on a slower or faster "
                      "computer (a busy Binder pod) every Pi compute time shifts by the same factor. Network "
                      "times are modelled, not scaled; the gateway is taken to be as fast as this computer.")


@dataclass(frozen=True)
class Link:
    """A network link as the kit models it: effective bandwidth, one-way latency, packet loss."""

    name: str
    bandwidth_mbps: float
    latency_ms: float
    loss: float
    radio_w: float  # extra power while the radio transmits (0 for wired)
    source: str = ""

    def __post_init__(self):
        if self.bandwidth_mbps <= 0 or self.latency_ms < 0 or not 0 <= self.loss < 1 or self.radio_w < 0:
            raise ValueError(f"Link {self.name!r}: bandwidth must be > 0, latency >= 0, 0 <= loss < 1.")


@dataclass(frozen=True)
class DeviceProfile:
    """One device class: relative speed, memory, power draw, battery and its links."""

    key: str
    label: str
    speed_vs_pi4: float  # Pi 4B = 1.0, higher is faster
    memory_mb: int
    idle_w: float
    load_w: float
    battery_wh: float | None  # None = mains powered
    links: dict[str, Link] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def link(self, medium: str) -> Link:
        """This device's link for ``medium`` ("wifi" or "ethernet")."""
        if medium not in self.links:
            raise ValueError(f"{self.label} has no {medium!r} link; choose one of {sorted(self.links)}.")
        return self.links[medium]


_RPI_BRIEFS = "Raspberry Pi Ltd product briefs (CPU, RAM, radios, Ethernet)"
_WIFI_N_24 = Link("wifi", 35.0, 3.0, 0.02, 0.4,
                  "2.4 GHz 802.11n single stream: ~30-40 Mbit/s TCP measured on Pi Zero 2 W/3B (iperf, "
                  "community measurements); latency/loss typical of a busy ward Wi-Fi (assumption); "
                  "radio ~0.4 W extra (CYW43xxx datasheet class, rounded)")
_WIFI_AC = Link("wifi", 100.0, 2.0, 0.01, 0.5,
                "5 GHz 802.11ac on Pi 3B+/4/5: ~100 Mbit/s TCP (Jeff Geerling, Pi 4/5 network "
                "benchmarks); latency/loss assumption for a ward AP; radio ~0.5 W extra (rounded)")
_ETH_USB2 = Link("ethernet", 300.0, 0.3, 0.0, 0.0,
                 "Pi 3B+ gigabit Ethernet behind USB 2.0: ~300 Mbit/s max (Raspberry Pi 3B+ brief)")
_ETH_GIGE = Link("ethernet", 940.0, 0.2, 0.0, 0.0,
                 "true gigabit Ethernet: ~940 Mbit/s TCP (Pi 4B/5 brief; iperf measurements)")

PROFILES: dict[str, DeviceProfile] = {
    "pi-zero-2w": DeviceProfile(
        "pi-zero-2w", "Pi Zero 2 W", speed_vs_pi4=0.3, memory_mb=512, idle_w=0.6, load_w=3.0,
        battery_wh=7.4, links={"wifi": _WIFI_N_24},
        sources={"speed": "RP3A0 = 4x Cortex-A53 @1.0 GHz, i.e. a Pi 3 at 1.0 GHz; Pi 4 is 'up to 3x' "
                          "a Pi 3B+ at 1.4 GHz (Pi 4 launch post) -> ~0.3",
                 "memory": _RPI_BRIEFS,
                 "power": "~120 mA idle / ~580 mA under stress at 5 V (raspi.tv and Jeff Geerling "
                          "Zero 2 W measurements, 2021), rounded to 0.6 W / 3.0 W",
                 "battery": "wearable-style 2000 mAh 3.7 V LiPo = 7.4 Wh (assumption)"}),
    "pi3b+": DeviceProfile(
        "pi3b+", "Pi 3B+", speed_vs_pi4=0.4, memory_mb=1024, idle_w=2.0, load_w=5.1,
        battery_wh=None, links={"wifi": _WIFI_AC, "ethernet": _ETH_USB2},
        sources={"speed": "Pi 4 launch post: 'up to 3x' the Pi 3B+; the kit uses 2.5x -> 0.4",
                 "memory": _RPI_BRIEFS,
                 "power": "~400 mA idle / ~980 mA stress at 5 V (raspi.tv 3B+ power measurements), rounded"}),
    "pi4": DeviceProfile(
        "pi4", "Pi 4B (4 GB)", speed_vs_pi4=1.0, memory_mb=4096, idle_w=2.7, load_w=6.4,
        battery_wh=37.0, links={"wifi": _WIFI_AC, "ethernet": _ETH_GIGE},
        sources={"speed": "reference device (Cortex-A72 @1.5 GHz)",
                 "memory": _RPI_BRIEFS,
                 "power": "2.7 W idle / 6.4 W stress-ng (Jeff Geerling, Pi 4 power measurements)",
                 "battery": "10,000 mAh 3.7 V power bank = 37 Wh, a bedside/mobile node (assumption)"}),
    "pi5": DeviceProfile(
        "pi5", "Pi 5 (8 GB)", speed_vs_pi4=2.5, memory_mb=8192, idle_w=2.7, load_w=8.8,
        battery_wh=None, links={"wifi": _WIFI_AC, "ethernet": _ETH_GIGE},
        sources={"speed": "Raspberry Pi 5 launch post: '2-3x' the CPU performance of Pi 4 -> 2.5",
                 "memory": _RPI_BRIEFS,
                 "power": "~2.7 W idle / ~8.8 W stress (Jeff Geerling, Pi 5 power measurements), rounded"}),
    "gateway": DeviceProfile(
        "gateway", "Ward gateway (x86 mini PC)", speed_vs_pi4=HOST_SPEED_VS_PI4, memory_mb=16384,
        idle_w=6.0, load_w=25.0, battery_wh=None, links={"wifi": _WIFI_AC, "ethernet": _ETH_GIGE},
        sources={"speed": "same class as this host (assumption: HOST_SPEED_VS_PI4)",
                 "power": "Intel N100-class mini PC: ~6 W idle, ~25 W load (vendor figures, rounded)"}),
}

LINKS = ("wifi", "ethernet")
MIXED = ("pi-zero-2w", "pi3b+", "pi4", "pi5")


def get_profile(key: str) -> DeviceProfile:
    """The profile named ``key`` (see ``PROFILES``)."""
    if not isinstance(key, str):
        raise TypeError(f"profile must be a name like 'pi4', got {type(key).__name__}.")
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"Unknown profile {key!r}; choose one of {sorted(PROFILES)} or 'mixed'.") from None


def profiles_for(profile: str | list[str] | tuple[str, ...], n_clients: int) -> list[DeviceProfile]:
    """One profile per client: a single name, 'mixed' (Zero 2 W, 3B+, 4, 5 in turn) or a list."""
    if isinstance(profile, str):
        names = [MIXED[i % len(MIXED)] for i in range(n_clients)] if profile == "mixed" else [profile] * n_clients
    elif isinstance(profile, (list, tuple)):
        if len(profile) != n_clients:
            raise ValueError(f"Give one profile per client: {len(profile)} names for {n_clients} clients.")
        names = list(profile)
    else:
        raise TypeError("profile must be a name, 'mixed' or a list of names.")
    return [get_profile(name) for name in names]


def get_link(profile: DeviceProfile, medium: str) -> Link:
    """The link of ``profile`` for ``medium``; raises ValueError if the device has none."""
    if medium not in LINKS:
        raise ValueError(f"Unknown link {medium!r}; choose one of {list(LINKS)}.")
    return profile.link(medium)


def simulated_seconds(host_seconds: float, profile: DeviceProfile) -> float:
    """Host compute time scaled to ``profile`` (see the module docstring)."""
    return host_seconds * HOST_SPEED_VS_PI4 / profile.speed_vs_pi4


def transfer_seconds(n_bytes: int, link: Link) -> float:
    """One transfer: latency + bytes over bandwidth, inflated by 1/(1-loss) for retransmissions."""
    if n_bytes < 0:
        raise ValueError("n_bytes must be >= 0.")
    return link.latency_ms / 1e3 + n_bytes * 8 / (link.bandwidth_mbps * 1e6) / (1.0 - link.loss)


def energy_joules(profile: DeviceProfile, compute_s: float, radio_s: float, link: Link, idle_s: float = 0.0) -> float:
    """Energy of one client in one round: load power while computing, idle + radio while sending."""
    return profile.load_w * compute_s + (profile.idle_w + link.radio_w) * radio_s + profile.idle_w * idle_s


def battery_drain_pct(profile: DeviceProfile, joules: float) -> float:
    """Battery percentage used by ``joules`` (0 for mains-powered devices)."""
    if profile.battery_wh is None:
        return 0.0
    return 100.0 * joules / (profile.battery_wh * 3600.0)
