"""The chain's stage runners: each takes the :class:`ChainState` and returns a :class:`StageOutcome`.

Runners run in data-flow order (:data:`RUNNERS`); what a later stage needs travels in the state's
typed fields: the key link sets ``link``, the federated stage sets ``ward_detector`` (the model
the federation trained, behind the Z-score shipped with it), the ward stage sets ``run`` and
``alerts``. The figures and sentences are what notebook 07 shows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pqfl_kit import threats
from pqfl_kit.fl import simulate
from pqfl_kit.fl.task import make_federated_data
from pqfl_kit.hospital import Delivered, Quarantined, Thresholds
from pqfl_kit.hospital.ward import Scenario, WardRun, run_ward, score_ward, simulate_ward
from pqfl_kit.models.interface import Detector
from pqfl_kit.pqc.attacks import mitm_demo
from pqfl_kit.pqc.channel import ChannelError, connect_pair
from pqfl_kit.qkd import bits_to_key, distill_key, open_record, run_e91, seal_record

from .report import StageOutcome
from .scenarios import (
    E91_PAIRS,
    FL_CLIENTS,
    FL_ROUNDS,
    FL_WINDOWS,
    HARVESTED_RECORD,
    MIN_KEY_BITS,
    RAPID_RESPONSE,
    ROBUST_AGGREGATOR,
    WARD_MINUTES,
    WARD_PATIENTS,
    ChainScenario,
)

__all__ = ["ChainState", "RUNNERS", "key_link", "handshake", "federated", "ward", "gateway", "clinical", "harvest"]

WARD_THRESHOLDS = Thresholds(0.5, 0.8)  # eq. 9: tau_med, tau_high


@dataclass
class ChainState:
    """What one run carries from stage to stage (typed: no stage reads another's details)."""

    scenario: ChainScenario
    seed: int
    fl_model: str
    link: str = "aes"  # set by the key link: "aes" (E91 key records) or "channel" (ML-KEM fallback)
    ward_detector: Detector | None = None  # set by the federated stage
    deployed: str = ""  # which federated model scores the ward, in words
    run: WardRun | None = None  # set by the ward stage
    alerts: list = field(default_factory=list)

    def ward_run(self) -> WardRun:
        if self.run is None:
            raise RuntimeError("the ward stage has not run yet")
        return self.run


# ------------------------------------------------------------------------------- 1. key link
def key_link(state: ChainState) -> StageOutcome:
    """E91 (Ekert 1991; CHSH abort rule), distillation, a key-confirmation record; else ML-KEM."""
    result = run_e91(E91_PAIRS, eve_fraction=state.scenario.eve_fraction, seed=state.seed)
    key = distill_key(result, seed=state.seed)
    figures: dict[str, Any] = {"pairs": E91_PAIRS, "CHSH S": round(result.chsh, 3),
                               "S std. error": round(result.chsh_stderr, 3), "QBER": round(result.qber, 4),
                               "final key bits": key.final_length}
    details = {"e91": result, "distilled": key}
    if key.ok and key.final_length >= MIN_KEY_BITS:
        test = b"ward 7 -> hospital: key confirmation record"
        # Alice (ward) seals with her key, Bob (hospital) opens with his: equal keys or RecordError.
        opened = open_record(bits_to_key(key.key_bob), seal_record(key.key_bytes(), test, b"ward-7"), b"ward-7")
        figures["test record opened"] = opened == test
        state.link = "aes"
        return StageOutcome("ok", (f"E91 passed its CHSH test (S = {result.chsh:.2f} > 2) and distilled a "
                                   f"{key.final_length}-bit key that both ends hold: it seals the ward's records."),
                            figures, details)
    ward_end, hospital_end = connect_pair(seed=state.seed, device_name="ward-gateway", gateway_name="hospital-gateway")
    probe = b"fallback link check"
    figures["fallback"] = "ML-KEM-768 + ML-DSA-65 channel"
    figures["fallback works"] = hospital_end.open(ward_end.seal(probe)) == probe
    why = (f"CHSH S = {result.chsh:.2f} is not safely above 2, so the photons were measured on the way"
           if result.aborted else f"only {key.final_length} secret bits were left (< {MIN_KEY_BITS})")
    state.link = "channel"
    return StageOutcome("blocked", (f"E91 aborted: {why}. No key was made from the eavesdropped photons; the chain "
                                    "fell back to the post-quantum ML-KEM channel."), figures, details)


# ------------------------------------------------------------------------------- 2. handshake
def handshake(state: ChainState) -> StageOutcome:
    """ML-KEM-768 (FIPS 203) + ML-DSA-65 (FIPS 204) handshake; under MITM the signature check aborts."""
    if state.scenario.mitm:
        return _mitm(state.seed)
    device, gateway_end = connect_pair(seed=state.seed, device_name="bed1-monitor")
    reading = b'{"HR": 72, "SpO2": 98}'
    opened = gateway_end.open(device.seal(reading))  # raises ChannelError rather than return bad data
    info = device.info
    figures = {"suite": f"{info.kem} + {info.sig}", "handshake bytes": sum(info.message_sizes.values()),
               "reading delivered": opened == reading}
    return StageOutcome("ok", ("The sensor and the gateway agreed on a key with ML-KEM-768 and proved who they are "
                               "with ML-DSA-65 signatures; readings travel sealed with Ascon."), figures,
                        {"channel": info})


def _mitm(seed: int) -> StageOutcome:
    caught = mitm_demo(True, seed=seed)
    unchecked = mitm_demo(False, seed=seed)  # the same attack against a device that skips the check
    changed = sum(a != b for a, b in zip(unchecked.attacker_read, unchecked.gateway_received))
    figures = {"handshake": "aborted" if caught.aborted else "completed",
               "readings the attacker read": len(caught.attacker_read),
               "without the signature check she would read": len(unchecked.attacker_read), "and rewrite": changed}
    details = {"mitm": caught, "mitm_unchecked": unchecked}
    if caught.aborted:
        return StageOutcome("blocked", ("The sensor found that the gateway's ML-DSA-65 signature does not cover the "
                                        "keys it received, so it aborted the handshake: no reading reached the "
                                        "attacker."), figures, details)
    return StageOutcome("degraded", "The man-in-the-middle was NOT caught: the handshake completed.", figures, details)


# ------------------------------------------------------------------------------- 3. federated
def _train(state: ChainState, aggregator: str, poisoned: int = 0):
    """One federated run (the report; ``report.model`` is the final global model)."""
    return simulate(n_clients=FL_CLIENTS, rounds=FL_ROUNDS, model=state.fl_model, seed=state.seed, centralized=False,
                    windows_per_client=FL_WINDOWS, aggregator=aggregator, poisoned=poisoned)


def _deploy(state: ChainState, report, label: str) -> None:
    """The federation's final model goes to the bedside devices with the Z-score of its shards (Eq. 3)."""
    data = make_federated_data(FL_CLIENTS, FL_WINDOWS, seed=state.seed)  # the shards simulate() trained on
    state.ward_detector = data.deploy(report.model)
    state.deployed = label


def federated(state: ChainState) -> StageOutcome:
    """FedAvg (McMahan et al. 2017, Alg. 1) on simulated Pis; with poisoning, vs the median (Yin et al. 2018)."""
    if state.scenario.poisoned:
        return _poisoned(state)
    report = _train(state, "fedavg")
    _deploy(state, report, f"federated {state.fl_model} (FedAvg)")
    figures = {"clients": FL_CLIENTS, "rounds": FL_ROUNDS, "model": state.fl_model,
               "accuracy": round(report.final_accuracy, 3), "rejected updates": sum(report.rejected_total.values())}
    return StageOutcome("ok", (f"{FL_CLIENTS} simulated Raspberry Pis trained the detector for {FL_ROUNDS} rounds; "
                               "only signed, sealed model updates left the devices, never the patients' data. The "
                               "trained model is the bedside scorer of stage 4."), figures,
                        {"fl": {"fedavg": report}})


def _poisoned(state: ChainState) -> StageOutcome:
    poisoned = state.scenario.poisoned
    clean = _train(state, "fedavg")
    naive = _train(state, "fedavg", poisoned)
    robust = _train(state, ROBUST_AGGREGATOR, poisoned)
    _deploy(state, robust, f"federated {state.fl_model} ({ROBUST_AGGREGATOR})")
    acc = {"clean": clean.final_accuracy, "fedavg": naive.final_accuracy, "robust": robust.final_accuracy}
    figures = {"poisoned clients": naive.poisoned_clients, "accuracy, no attack": round(acc["clean"], 3),
               "accuracy, FedAvg": round(acc["fedavg"], 3),
               f"accuracy, {ROBUST_AGGREGATOR}": round(acc["robust"], 3)}
    details = {"fl": {"clean": clean, "fedavg": naive, ROBUST_AGGREGATOR: robust}}
    if acc["robust"] > acc["fedavg"] + 0.05:
        return StageOutcome("blocked", (f"Poisoned updates dragged FedAvg down to {acc['fedavg']:.0%} accuracy; the "
                                        f"coordinate-wise {ROBUST_AGGREGATOR} ignored the outliers and kept "
                                        f"{acc['robust']:.0%}, so the chain deploys its model to the ward."),
                            figures, details)
    return StageOutcome("degraded", (f"The {ROBUST_AGGREGATOR} ({acc['robust']:.0%}) did not beat FedAvg "
                                     f"({acc['fedavg']:.0%}): the poisoned clients still hurt the detector the ward "
                                     "uses."), figures, details)


# ------------------------------------------------------------------------------- 4. ward
def ward(state: ChainState) -> StageOutcome:
    """Devices score their own windows with the federated model (E91 paper Algorithm 1 step 4), then seal."""
    if state.ward_detector is None:
        raise RuntimeError("the federated stage has not run yet: the ward has no detector")
    sc = state.scenario
    the_ward = simulate_ward(Scenario(n_patients=WARD_PATIENTS, minutes=WARD_MINUTES, tamper_rate=sc.tamper_rate,
                                      replay_attack=sc.replay, deterioration=sc.deterioration, link=state.link,
                                      seed=state.seed))
    scores = score_ward(the_ward, state.ward_detector)
    state.run = run = run_ward(the_ward, thresholds=WARD_THRESHOLDS, on_alert=state.alerts.append)
    tampered, replayed = run.attack.count("tampered"), run.attack.count("replayed")
    link_name = "E91 key records (AES-256-GCM + HMAC)" if state.link == "aes" else "ML-KEM-768 channel (Ascon + HMAC)"
    figures = {"patients": WARD_PATIENTS, "packets sealed": len(the_ward.patient), "link": link_name,
               "detector": f"{state.deployed}, stage 3",
               "windows above tau_med": int((scores > WARD_THRESHOLDS.tau_med).sum()),
               "attacker: tampered": tampered, "attacker: replayed": replayed}
    text = (f"{WARD_PATIENTS} bedside devices scored {len(the_ward.patient)} traffic windows with the model the "
            f"federation trained in stage 3 ({state.deployed}) and sent them sealed over the {link_name}.")
    details = {"ward_run": run, "alerts": state.alerts, "ward_detector": state.ward_detector}
    if tampered or replayed:
        return StageOutcome("alert", text[:-1] + f"; on the way an attacker altered {tampered} and replayed "
                            f"{replayed}.", figures, details)
    return StageOutcome("ok", text, figures, details)


# ------------------------------------------------------------------------------- 5. gateway
def gateway(state: ChainState) -> StageOutcome:
    """Verify, anti-replay, quarantine (E91 paper Algorithm 3 lines 1-9)."""
    run = state.ward_run()
    counts = run.gateway.counts
    reasons = {k.split(":", 1)[1]: v for k, v in sorted(counts.items()) if k.startswith("reason:")}
    attacked = [o for o, a in zip(run.outcomes, run.attack) if a]
    leaked = [o for o in attacked if not isinstance(o, Quarantined)]
    ehr = run.gateway.ehr
    in_ehr = sum(1 for o, a in zip(run.outcomes, run.attack)  # tampered (device, seq) with an EHR row
                 if a == "tampered" and o.device_id and o.seq and ehr.has_observation(o.device_id, o.seq))
    figures = {"received": counts["received"], "delivered": counts["delivered"], "quarantined": counts["quarantined"],
               "reasons": reasons, "attack packets delivered": len(leaked), "tampered packets in the EHR": in_ehr,
               "security alerts": sum(a.kind == "security" for a in state.alerts)}
    if leaked or in_ehr:
        return StageOutcome("degraded", f"{len(leaked)} attacker packets got through the gateway checks.", figures)
    if counts["quarantined"]:
        return StageOutcome("blocked", (f"The gateway quarantined {counts['quarantined']} packets (failed integrity "
                                        "check or replayed sequence numbers) and told security; none of them reached "
                                        "the health record."), figures)
    return StageOutcome("ok", (f"All {counts['received']} packets passed the integrity check, the anti-replay window "
                               "and the timestamp check."), figures)


# ------------------------------------------------------------------------------- 6. clinical
def clinical(state: ChainState) -> StageOutcome:
    """Eq. 9 priority, NEWS2 decision support (RCP 2017), EHR (Algorithm 3 lines 10-16).

    An emergency is a delivered packet with NEWS2 high risk, whatever the anomaly score said:
    the clinical rule fails safe when the federated model scores a sick patient too low.
    """
    run = state.ward_run()
    ehr_rows = run.gateway.ehr.counts()
    emergencies = [o for o in run.outcomes if isinstance(o, Delivered) and o.decision.news2.risk == "high"]
    critical = [o for o in emergencies if o.subsystem == RAPID_RESPONSE]  # eq. 9 routed them Critical too
    patients = sorted({o.patient_id for o in emergencies})
    clinical_alerts = [a for a in state.alerts if a.kind == "clinical"]
    by_cause: dict[str, int] = {}
    for a in clinical_alerts:
        by_cause[a.cause] = by_cause.get(a.cause, 0) + 1
    roles = sorted({role for a in clinical_alerts if a.patient_id in patients for role in a.roles})
    lanes = run.lanes()
    figures = {"EHR observations": ehr_rows["observations"],
               "lanes": {k: lanes[k] for k in ("Critical", "High", "Normal")},
               "clinical alerts by cause": dict(sorted(by_cause.items())), "emergency patients": patients,
               "emergency packets": len(emergencies), "of them with a Critical score": len(critical),
               "roles paged for them": roles}
    if emergencies:
        first = min(emergencies, key=lambda o: o.measured_at)
        how = ("the rapid-response pager and the critical care outreach team were called" if critical else
               "the critical care outreach team was called on NEWS2 alone (the anomaly score stayed below tau_high)")
        return StageOutcome("alert", (f"{', '.join(patients)}: NEWS2 {first.decision.news2.score:g} (high risk): "
                                      f"{how}; {ehr_rows['observations']} observations are in the EHR."), figures)
    return StageOutcome("ok", (f"{ehr_rows['observations']} observations went to the EHR; no patient reached NEWS2 "
                               "high risk, and anomaly-only alerts went to clinical engineering and a bedside check by "
                               "the ward nurse, not to the rapid-response team."), figures)


# ------------------------------------------------------------------------------- 7. harvest
def harvest(state: ChainState) -> StageOutcome:
    """Shor breaks a recorded textbook-RSA record; the ML-KEM-768 + Ascon (SP 800-232) copy stays sealed."""
    key = threats.toy_rsa_key(3, 11)  # N = 33: small enough for the simulated Shor circuit, and d != e
    recorded_rsa = threats.rsa_encrypt_record(HARVESTED_RECORD, key.public)
    shor = threats.run_shor(key.n, 7, seed=state.seed)  # years later: a quantum computer factors N (order of 7 is 10)
    if shor.factors is None:
        raise RuntimeError(f"Shor found no factors of {key.n}: {shor.reason}")
    stolen = threats.rsa_decrypt_record(recorded_rsa, threats.break_toy_rsa(key.public, shor.factors))
    device, gateway_end = connect_pair(seed=state.seed, device_name="bed2-monitor")
    recorded_pqc = device.seal(HARVESTED_RECORD.encode())
    _, attacker_end = connect_pair(seed=state.seed + 1, device_name="bed2-monitor")  # her best guess at the session
    try:
        attacker_end.open(recorded_pqc)
        attacker_read = True
    except ChannelError:
        attacker_read = False
    legit = gateway_end.open(recorded_pqc).decode() == HARVESTED_RECORD
    if attacker_read or stolen != HARVESTED_RECORD:
        raise RuntimeError("harvest stage: unexpected outcome, the demo is broken")
    figures = {"RSA: N factored by Shor": f"{key.n} = {shor.factors[0]} x {shor.factors[1]}",
               "RSA record read": stolen == HARVESTED_RECORD, "ML-KEM + Ascon record read by attacker": attacker_read,
               "ML-KEM + Ascon record read by the hospital": legit,
               "Ascon key after Grover": f"2^{threats.grover_key_strength(128)['grover_log2']:g} steps"}
    return StageOutcome("blocked", (f"Shor factored the RSA modulus and the recorded RSA copy was read ('{stolen}'); "
                                    "the same record under ML-KEM-768 + Ascon stays sealed: Shor has no period to "
                                    "find there."), figures,
                        {"shor": shor, "rsa_ciphertext": recorded_rsa, "pqc_packet": recorded_pqc})


#: stage key -> runner, in data-flow order (harvest runs only in its scenario)
RUNNERS: dict[str, Callable[[ChainState], StageOutcome]] = {
    "key_link": key_link, "handshake": handshake, "federated": federated, "ward": ward,
    "gateway": gateway, "clinical": clinical, "harvest": harvest,
}
