"""The whole chain end to end, under attack (notebook 07): ``run_chain(scenario) -> ChainReport``.

One concept: take a named attack scenario, push a small ward's data through every layer the
kit built, and report what each stage did. The stages, in the order data flows (DESIGN.md:
traffic -> models -> fl -> hospital, with pqc/qkd as the locks on every hop):

1. **Key link** ward <-> hospital by E91 (Ekert 1991; CHSH test and abort rule of
   :mod:`pqfl_kit.qkd.e91`, distillation of :mod:`pqfl_kit.qkd.postprocess`, record sealing of
   :mod:`pqfl_kit.qkd.records`, E91 nano-network paper eq. 2 and 7). If E91 aborts (or leaves
   fewer than 256 key bits) the chain falls back to the ML-KEM-768 channel and says so.
2. **Sensor handshake** ML-KEM-768 (FIPS 203) + ML-DSA-65 (FIPS 204) between a bedside sensor
   and the gateway (:func:`pqfl_kit.pqc.channel.connect_pair`); under a man-in-the-middle the
   transcript-signature check aborts it (:func:`pqfl_kit.pqc.attacks.mitm_demo`).
3. **Federated detector**: FedAvg (McMahan et al. 2017, Alg. 1) over simulated Raspberry Pi
   clients with signed and sealed updates (:func:`pqfl_kit.fl.simulate`); with poisoned
   clients FedAvg is compared with the coordinate-wise median (Yin et al. 2018).
4. **Ward stream**: patients' devices score their own traffic windows with the model the
   federation trained in stage 3 (E91 paper Algorithm 1 step 4; the Z-score of the FL shards,
   paper Eq. 3, ships with it) and send sealed packets (:mod:`pqfl_kit.hospital.ward`).
5. **Gateway checks**: verify, anti-replay, quarantine (E91 paper Algorithm 3 lines 1-9).
6. **Clinical routing**: eq. 9 priority, NEWS2 decision support (RCP 2017), EHR (lines 10-16).
7. **Harvest now, decrypt later** (only in that scenario): a record under textbook RSA is
   broken by Shor's algorithm (:mod:`pqfl_kit.threats`), the same record under ML-KEM-768 +
   Ascon-AEAD128 (SP 800-232) is not (Shor needs a hidden period; ML-KEM has none).

Package layout: :mod:`.scenarios` (stages, scenarios, sizes), :mod:`.report` (``StageOutcome``,
``Stage``, ``ChainReport``), :mod:`.stages` (one runner per stage, each returning a
``StageOutcome``), :mod:`.chain` (``run_chain``), :mod:`.plots` (the notebook's figures).

Honest limit, said in notebook 07 as well: :func:`pqfl_kit.hospital.ward.run_ward` draws each
bedside device's record key at random where a deployment would derive it from the E91 key of
stage 1.

Statuses: ``ok`` (nothing unusual), ``blocked`` (an attack was stopped here), ``alert``
(something needs a person now), ``degraded`` (working, but worse than it should be).
"""
from __future__ import annotations

from .chain import run_chain
from .report import ChainReport, Stage, StageOutcome, scenario_table
from .scenarios import (
    DETERIORATING_PATIENT,
    E91_PAIRS,
    FL_CLIENTS,
    FL_ROUNDS,
    HARVESTED_RECORD,
    MIN_KEY_BITS,
    POISONED_CLIENTS,
    ROBUST_AGGREGATOR,
    SCENARIOS,
    STAGES,
    STATUSES,
    WARD_MINUTES,
    WARD_PATIENTS,
    ChainScenario,
)

__all__ = ["STATUSES", "STAGES", "SCENARIOS", "ChainScenario", "Stage", "StageOutcome", "ChainReport", "run_chain",
           "scenario_table", "E91_PAIRS", "MIN_KEY_BITS", "WARD_PATIENTS", "WARD_MINUTES", "FL_CLIENTS",
           "FL_ROUNDS", "POISONED_CLIENTS", "ROBUST_AGGREGATOR", "DETERIORATING_PATIENT", "HARVESTED_RECORD"]
