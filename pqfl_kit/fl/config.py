"""The settings of one federated-learning experiment, checked once: :class:`FLConfig`.

Every size parameter a learner can type has one documented limit (CONTRIBUTING, "Limits"),
checked with :func:`pqfl_kit.limits.whole` / :func:`~pqfl_kit.limits.real` before any work
starts: a wrong type is a ``TypeError`` (``bool`` included where a number is expected), a value
outside its limit a ``ValueError`` naming the limit. The largest allowed run fits a 2 GB Binder
pod (64 clients x 1,000 windows is ~300 MB of traffic at its peak, next to ~600 MB for JAX + Keras).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pqfl_kit import SEED
from pqfl_kit.fl import cluster, fedavg
from pqfl_kit.fl.task import MAX_LABEL_ALPHA, MIN_LABEL_ALPHA, MODELS
from pqfl_kit.limits import real, whole

__all__ = ["FLConfig", "TRANSPORTS", "MAX_CLIENTS", "MAX_ROUNDS", "MAX_LOCAL_EPOCHS", "MAX_WINDOWS_PER_CLIENT",
           "MIN_WINDOWS_PER_CLIENT", "MAX_INJECTED", "MAX_DEADLINE_S", "MAX_POISON_FACTOR", "MAX_SEED",
           "MIN_LABEL_ALPHA", "MAX_LABEL_ALPHA"]

MAX_CLIENTS = 64
MAX_ROUNDS = 1_000
MAX_LOCAL_EPOCHS = 100
MAX_WINDOWS_PER_CLIENT = 1_000
MIN_WINDOWS_PER_CLIENT = 10
MAX_INJECTED = 1_000  # forged / replayed updates an attacker injects per round
MAX_DEADLINE_S = 86_400.0  # a simulated day
MAX_POISON_FACTOR = 1_000.0
MAX_SEED = 2**63 - 1
TRANSPORTS = ("memory", "amqp")

_FLAGS = ("pqc", "energy_aware", "centralized")
_WHOLE = {  # name -> (lowest, highest); "poisoned" depends on n_clients
    "n_clients": (1, MAX_CLIENTS), "rounds": (1, MAX_ROUNDS), "local_epochs": (1, MAX_LOCAL_EPOCHS),
    "windows_per_client": (MIN_WINDOWS_PER_CLIENT, MAX_WINDOWS_PER_CLIENT), "forged": (0, MAX_INJECTED),
    "replayed": (0, MAX_INJECTED),
}
_CHOICES = {"model": MODELS, "aggregator": fedavg.AGGREGATORS, "link": cluster.LINKS,
            "poison_mode": fedavg.POISON_MODES, "transport": TRANSPORTS}
_REPORTED = ("n_clients", "rounds", "model", "profile", "pqc", "transport", "aggregator", "poisoned", "dropout",
             "energy_aware", "seed", "link", "local_epochs", "fraction", "deadline_s", "windows_per_client",
             "label_alpha")


@dataclass(frozen=True)
class FLConfig:
    """The arguments of :func:`pqfl_kit.fl.simulate`, validated when the object is made.

    Numbers are stored as Python ``int``/``float`` (numpy scalars are accepted), flags as
    ``bool``. ``profiles`` and ``links`` give one device profile and link per client.
    ``label_alpha`` None keeps one device per client (equal sizes); a number deals the training
    windows out by a Dirichlet(alpha) label split (:func:`pqfl_kit.fl.task.dirichlet_partition`).
    """

    n_clients: int = 10
    rounds: int = 5
    model: str = "gru"
    profile: str | list[str] | tuple[str, ...] = "pi4"
    pqc: bool = True
    transport: str = "memory"
    aggregator: str = "fedavg"
    poisoned: int = 0
    dropout: float = 0.0
    energy_aware: bool = False
    seed: int = SEED
    link: str = "wifi"
    local_epochs: int = 1
    fraction: float = 1.0
    deadline_s: float | None = None
    poison_mode: str = "sign_flip"
    poison_factor: float = 10.0
    forged: int = 0
    replayed: int = 0
    battery_threshold: float = 30.0
    windows_per_client: int = 200
    label_alpha: float | None = None
    centralized: bool = True
    amqp_url: str | None = None

    def __post_init__(self) -> None:
        for name, value in self._checked().items():
            object.__setattr__(self, name, value)
        _ = self.links  # an unknown profile name or a device without that link fails here, before any work

    def _checked(self) -> dict:
        """Every argument against its limit, in the order the checks always ran."""
        for name in _FLAGS:
            flag = getattr(self, name)
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r} ({type(flag).__name__})")
        out: dict = {name: whole(name, getattr(self, name), *limits) for name, limits in _WHOLE.items()}
        out.update(
            poisoned=whole("poisoned", self.poisoned, 0, out["n_clients"] - 1),
            seed=whole("seed", self.seed, 0, MAX_SEED),
            dropout=real("dropout", self.dropout, 0.0, 1.0, high_open=True),
            fraction=real("fraction", self.fraction, 0.0, 1.0, low_open=True),
            poison_factor=real("poison_factor", self.poison_factor, 0.0, MAX_POISON_FACTOR),
            battery_threshold=real("battery_threshold", self.battery_threshold, 0.0, 100.0),
            label_alpha=None if self.label_alpha is None else real("label_alpha", self.label_alpha,
                                                                   MIN_LABEL_ALPHA, MAX_LABEL_ALPHA),
            deadline_s=None if self.deadline_s is None else real("deadline_s", self.deadline_s, 0.0, MAX_DEADLINE_S,
                                                                 low_open=True),
            **{name: bool(getattr(self, name)) for name in _FLAGS})
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if not isinstance(value, str) or value not in choices:
                raise ValueError(f"Unknown {name} {value!r}; choose one of {list(choices)}.")
        if self.transport == "amqp" and not isinstance(self.amqp_url, str):
            raise ValueError("transport='amqp' needs amqp_url='amqp://user:pass@host:port/%2F'.")
        return out

    @property
    def profiles(self) -> list[cluster.DeviceProfile]:
        """One device profile per client (:func:`pqfl_kit.fl.cluster.profiles_for`)."""
        return cluster.profiles_for(self.profile, self.n_clients)

    @property
    def links(self) -> dict[int, cluster.Link]:
        """Client index -> its link for ``self.link`` ("wifi" or "ethernet")."""
        return {c: cluster.get_link(p, self.link) for c, p in enumerate(self.profiles)}

    def report_dict(self) -> dict:
        """The settings ``FLReport.config`` records (JSON-ready)."""
        return {name: getattr(self, name) for name in _REPORTED}
