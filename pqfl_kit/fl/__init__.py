"""Federated learning on a simulated Raspberry Pi cluster, PQC-sealed (notebook 05).

* :mod:`~pqfl_kit.fl.cluster`: Pi device profiles, links, time scaling, energy.
* :mod:`~pqfl_kit.fl.fedavg`: FedAvg, coordinate-wise median, trimmed mean, poisoning.
* :mod:`~pqfl_kit.fl.schedule`: client sampling, dropouts, straggler deadline, energy-aware rule.
* :mod:`~pqfl_kit.fl.secure`: updates signed (ML-DSA) and sealed on ``pqfl_kit.pqc`` channels; the inbox.
* :mod:`~pqfl_kit.fl.transport`: in-memory and RabbitMQ (AMQP) transports, one interface.
* :mod:`~pqfl_kit.fl.config`: ``FLConfig``, every setting of an experiment checked once.
* :mod:`~pqfl_kit.fl.rounds`: the steps of a round (train, seal, upload, aggregate, broadcast),
  shared by the simulation and the node.
* :mod:`~pqfl_kit.fl.experiment`: ``simulate(...) -> FLReport`` and the centralized baseline.
* :mod:`~pqfl_kit.fl.evaluation`: FL vs centralized to a target (the raw upload counted once) over
  seeds, poisoning over attacker shares, a simulated day of energy-aware rounds.
* :mod:`~pqfl_kit.fl.node`: ``python -m pqfl_kit.fl.node aggregator|client`` on real machines.

Nothing heavy is imported here: Keras loads only when a Keras model trains.
"""
from __future__ import annotations

from pqfl_kit.fl.config import FLConfig
from pqfl_kit.fl.experiment import FLReport, simulate

__all__ = ["simulate", "FLReport", "FLConfig"]
