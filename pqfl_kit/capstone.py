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
4. **Ward stream**: patients' devices score their own traffic windows (E91 paper Algorithm 1
   step 4) and send sealed packets (:mod:`pqfl_kit.hospital.stream`).
5. **Gateway checks**: verify, anti-replay, quarantine (E91 paper Algorithm 3 lines 1-9).
6. **Clinical routing**: eq. 9 priority, NEWS2 decision support (RCP 2017), EHR (lines 10-16).
7. **Harvest now, decrypt later** (only in that scenario): a record under textbook RSA is
   broken by Shor's algorithm (:mod:`pqfl_kit.threats`), the same record under ML-KEM-768 +
   Ascon-AEAD128 (SP 800-232) is not (Shor needs a hidden period; ML-KEM has none).

Honest limits, said in the stage texts as well: the federated model of stage 3 is not the
bedside scorer of stage 4 (``pqfl_kit.fl.simulate`` reports accuracy, not weights), so the ward
is scored by :func:`pqfl_kit.hospital.stream.fit_detector`, the same TinyML architecture trained
on pooled traffic; and :func:`pqfl_kit.hospital.stream.run_ward` draws each bedside device's
record key at random where a deployment would derive it from the E91 key of stage 1.

Statuses: ``ok`` (nothing unusual), ``blocked`` (an attack was stopped here), ``alert``
(something needs a person now), ``degraded`` (working, but worse than it should be).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pqfl_kit import SEED

__all__ = ["STATUSES", "STAGES", "SCENARIOS", "ChainScenario", "Stage", "ChainReport", "run_chain",
           "scenario_table", "E91_PAIRS", "MIN_KEY_BITS", "WARD_PATIENTS", "WARD_MINUTES", "FL_CLIENTS",
           "FL_ROUNDS", "POISONED_CLIENTS", "ROBUST_AGGREGATOR", "DETERIORATING_PATIENT"]

STATUSES = ("ok", "blocked", "alert", "degraded")
#: stage key -> short name (the boxes of the pipeline diagram, in order)
STAGES = {
    "key_link": "Key link (E91)",
    "handshake": "Sensor handshake (ML-KEM + ML-DSA)",
    "federated": "Federated detector",
    "ward": "Ward stream",
    "gateway": "Gateway checks",
    "clinical": "Clinical routing",
    "harvest": "Harvest now, decrypt later",
}

# Sizes: small enough that one chain runs in seconds, large enough that every check is meaningful.
E91_PAIRS = 12_000  # ~2,700 sifted bits; an honest run keeps ~1,900 secret bits after distillation
MIN_KEY_BITS = 256  # an AES-256 key: below this the E91 key is not used
EVE_FRACTION = 1.0  # the eavesdropper intercepts every photon (S -> sqrt 2)
FL_CLIENTS, FL_ROUNDS, FL_WINDOWS = 8, 3, 200  # fewer windows stay near the majority-class baseline;
# with 6 clients, 2 poisoned ones shift the median too much for a clear FedAvg-vs-median contrast
POISONED_CLIENTS = 2
ROBUST_AGGREGATOR = "median"
WARD_PATIENTS, WARD_MINUTES = 5, 90
TAMPER_RATE = 0.05
DETERIORATING_PATIENT = "patient-2"  # hospital.stream deteriorates device index 1 (bed 2)
RAPID_RESPONSE = "rapid-response"  # the subsystem eq. 9 routes Critical packets to
HARVESTED_RECORD = "patient-2 HR=118 SpO2=91 NEWS2=7"


@dataclass(frozen=True)
class ChainScenario:
    """A named attack (or no attack) and the stage that should catch it."""

    key: str
    title: str
    attack: str  # what happens, one sentence
    catches: str | None  # the stage key that should stop or flag it (None: nothing to catch)
    eve_fraction: float = 0.0
    mitm: bool = False
    poisoned: int = 0
    tamper_rate: float = 0.0
    replay: bool = False
    deterioration: bool = False
    harvest: bool = False


SCENARIOS: dict[str, ChainScenario] = {s.key: s for s in (
    ChainScenario("calm", "Calm shift", "No attacker, no sick patient: the baseline.", None),
    ChainScenario("eavesdropper", "Quantum eavesdropper on the key link",
                  "Eve measures every entangled photon on its way to the hospital and resends it.",
                  "key_link", eve_fraction=EVE_FRACTION),
    ChainScenario("mitm", "Man-in-the-middle on a sensor handshake",
                  "Mallory swaps the ML-KEM keys between a bedside sensor and the gateway.",
                  "handshake", mitm=True),
    ChainScenario("tampering", "Tampering and replay on the ward network",
                  "An attacker flips bits in 5% of the packets and re-sends recorded ones.",
                  "gateway", tamper_rate=TAMPER_RATE, replay=True),
    ChainScenario("poisoning", "Poisoned federated clients",
                  f"{POISONED_CLIENTS} of the {FL_CLIENTS} Raspberry Pi clients send sign-flipped model updates.",
                  "federated", poisoned=POISONED_CLIENTS),
    ChainScenario("deterioration", "Patient deterioration",
                  "The patient in bed 2 turns septic over the last hour: a real emergency.",
                  "clinical", deterioration=True),
    ChainScenario("harvest", "Harvest now, decrypt later",
                  "An attacker records today's traffic and waits for a quantum computer.",
                  "harvest", harvest=True),
)}


@dataclass(frozen=True)
class Stage:
    """One stage's outcome: a status, one sentence a learner understands, and its key figures."""

    key: str
    number: int
    name: str
    status: str
    explanation: str
    figures: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def figures_text(self) -> str:
        """The figures as 'name: value; ...' (floats with 3 significant digits)."""
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in self.figures.items())


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    return str(value)


@dataclass
class ChainReport:
    """What ``run_chain`` found: one :class:`Stage` per stage, plus the raw results for digging."""

    scenario: ChainScenario
    seed: int
    stages: list[Stage]
    link: str  # which key protected the ward's packets: "E91" or "ML-KEM-768 (fallback)"
    seconds: float
    details: dict[str, Any] = field(default_factory=dict, repr=False)

    def stage(self, key: str) -> Stage:
        """The stage with this key (see :data:`STAGES`)."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(f"no stage {key!r} in this run; stages: {[s.key for s in self.stages]}")

    @property
    def statuses(self) -> dict[str, str]:
        return {s.key: s.status for s in self.stages}

    def story(self) -> list[str]:
        """What happened, in plain sentences: every stage that was not 'ok'."""
        flagged = [f"Stage {s.number} · {s.name} [{s.status}]: {s.explanation}" for s in self.stages if s.status != "ok"]
        return flagged or ["Every stage ran normally: no attack was seen and no patient needed urgent help."]

    def table(self, *, timings: bool = False):
        """One row per stage: status, what happened, key figures (and seconds if ``timings``)."""
        import pandas as pd

        rows = [{"stage": f"{s.number} · {s.name}", "status": s.status, "what happened": s.explanation,
                 "key figures": s.figures_text(), **({"seconds": round(s.seconds, 2)} if timings else {})}
                for s in self.stages]
        return pd.DataFrame(rows).set_index("stage")


def scenario_table(reports: dict[str, ChainReport] | list[ChainReport]):
    """Scenarios x stages, each cell the stage's status ('-' where a stage did not run)."""
    import pandas as pd

    reports = list(reports.values()) if isinstance(reports, dict) else list(reports)
    if not reports or not all(isinstance(r, ChainReport) for r in reports):
        raise TypeError("scenario_table needs ChainReport objects from run_chain()")
    present = [k for k in STAGES if any(k in r.statuses for r in reports)]
    rows = {r.scenario.key: {STAGES[k]: r.statuses.get(k, "-") for k in present} for r in reports}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("scenario")


# ------------------------------------------------------------------------------- the stages
@lru_cache(maxsize=4)
def _scorer(kind: str, seed: int):
    """The bedside detector, trained once per (kind, seed) and reused by every scenario."""
    from pqfl_kit.hospital.stream import fit_detector

    return fit_detector(kind, seed=seed)


def _key_link(sc: ChainScenario, seed: int) -> tuple[str, str, dict, dict]:
    from pqfl_kit.qkd import bits_to_key, distill_key, open_record, run_e91, seal_record

    result = run_e91(E91_PAIRS, eve_fraction=sc.eve_fraction, seed=seed)
    key = distill_key(result, seed=seed)
    figures = {"pairs": E91_PAIRS, "CHSH S": round(result.chsh, 3), "S std. error": round(result.chsh_stderr, 3),
               "QBER": round(result.qber, 4), "final key bits": key.final_length}
    details = {"e91": result, "distilled": key}
    if key.ok and key.final_length >= MIN_KEY_BITS:
        test = b"ward 7 -> hospital: key confirmation record"
        # Alice (ward) seals with her key, Bob (hospital) opens with his: equal keys or RecordError.
        opened = open_record(bits_to_key(key.key_bob), seal_record(key.key_bytes(), test, b"ward-7"), b"ward-7")
        figures["test record opened"] = opened == test
        return "ok", (f"E91 passed its CHSH test (S = {result.chsh:.2f} > 2) and distilled a {key.final_length}-bit "
                      "key that both ends hold: it seals the ward's records."), figures, {**details, "link": "aes"}
    from pqfl_kit.pqc.channel import connect_pair

    ward_end, hospital_end = connect_pair(seed=seed, device_name="ward-gateway", gateway_name="hospital-gateway")
    probe = b"fallback link check"
    figures["fallback"] = "ML-KEM-768 + ML-DSA-65 channel"
    figures["fallback works"] = hospital_end.open(ward_end.seal(probe)) == probe
    why = (f"CHSH S = {result.chsh:.2f} is not safely above 2, so the photons were measured on the way"
           if result.aborted else f"only {key.final_length} secret bits were left (< {MIN_KEY_BITS})")
    return "blocked", (f"E91 aborted: {why}. No key was made from the eavesdropped photons; the chain fell back "
                       "to the post-quantum ML-KEM channel."), figures, {**details, "link": "channel"}


def _handshake(sc: ChainScenario, seed: int) -> tuple[str, str, dict, dict]:
    from pqfl_kit.pqc.attacks import mitm_demo
    from pqfl_kit.pqc.channel import connect_pair

    if sc.mitm:
        caught = mitm_demo(True, seed=seed)
        unchecked = mitm_demo(False, seed=seed)  # the same attack against a device that skips the check
        changed = sum(a != b for a, b in zip(unchecked.attacker_read, unchecked.gateway_received))
        figures = {"handshake": "aborted" if caught.aborted else "completed",
                   "readings the attacker read": len(caught.attacker_read),
                   "without the signature check she would read": len(unchecked.attacker_read),
                   "and rewrite": changed}
        details = {"mitm": caught, "mitm_unchecked": unchecked}
        if caught.aborted:
            return "blocked", ("The sensor found that the gateway's ML-DSA-65 signature does not cover the keys it "
                               "received, so it aborted the handshake: no reading reached the attacker."), figures, details
        return "degraded", "The man-in-the-middle was NOT caught: the handshake completed.", figures, details
    device, gateway = connect_pair(seed=seed, device_name="bed1-monitor")
    reading = b'{"HR": 72, "SpO2": 98}'
    opened = gateway.open(device.seal(reading))  # raises ChannelError rather than return bad data
    info = device.info
    figures = {"suite": f"{info.kem} + {info.sig}", "handshake bytes": sum(info.message_sizes.values()),
               "reading delivered": opened == reading}
    return "ok", ("The sensor and the gateway agreed on a key with ML-KEM-768 and proved who they are with "
                  "ML-DSA-65 signatures; readings travel sealed with Ascon."), figures, {"channel": info}


def _federated(sc: ChainScenario, seed: int, model: str) -> tuple[str, str, dict, dict]:
    from pqfl_kit.fl import simulate

    common = dict(n_clients=FL_CLIENTS, rounds=FL_ROUNDS, model=model, seed=seed, centralized=False,
                  windows_per_client=FL_WINDOWS)
    if not sc.poisoned:
        report = simulate(aggregator="fedavg", **common)
        figures = {"clients": FL_CLIENTS, "rounds": FL_ROUNDS, "model": model,
                   "accuracy": round(report.final_accuracy, 3),
                   "rejected updates": sum(report.rejected_total.values())}
        return "ok", (f"{FL_CLIENTS} simulated Raspberry Pis trained the detector for {FL_ROUNDS} rounds; only "
                      "signed, sealed model updates left the devices, never the patients' data."), figures, \
            {"fl": {"fedavg": report}}
    clean = simulate(aggregator="fedavg", **common)
    naive = simulate(aggregator="fedavg", poisoned=sc.poisoned, **common)
    robust = simulate(aggregator=ROBUST_AGGREGATOR, poisoned=sc.poisoned, **common)
    acc = {"clean": clean.final_accuracy, "fedavg": naive.final_accuracy, "robust": robust.final_accuracy}
    figures = {"poisoned clients": naive.poisoned_clients, "accuracy, no attack": round(acc["clean"], 3),
               "accuracy, FedAvg": round(acc["fedavg"], 3),
               f"accuracy, {ROBUST_AGGREGATOR}": round(acc["robust"], 3)}
    details = {"fl": {"clean": clean, "fedavg": naive, ROBUST_AGGREGATOR: robust}}
    if acc["robust"] > acc["fedavg"] + 0.05:
        return "blocked", (f"Poisoned updates dragged FedAvg down to {acc['fedavg']:.0%} accuracy; the coordinate-wise "
                           f"{ROBUST_AGGREGATOR} ignored the outliers and kept {acc['robust']:.0%}, so the chain uses "
                           "it."), figures, details
    return "degraded", (f"The {ROBUST_AGGREGATOR} ({acc['robust']:.0%}) did not beat FedAvg ({acc['fedavg']:.0%}): the "
                        "poisoned clients still hurt the detector."), figures, details


def _ward(sc: ChainScenario, seed: int, detector: str, link: str):
    from pqfl_kit.hospital import Thresholds
    from pqfl_kit.hospital.stream import Scenario, run_ward, simulate_ward

    ward = simulate_ward(Scenario(n_patients=WARD_PATIENTS, minutes=WARD_MINUTES, tamper_rate=sc.tamper_rate,
                                  replay_attack=sc.replay, deterioration=sc.deterioration, link=link, seed=seed))
    alerts: list = []
    thresholds = Thresholds(0.5, 0.8)
    run = run_ward(ward, _scorer(detector, seed), thresholds=thresholds, on_alert=alerts.append)
    return run, alerts, thresholds


def _ward_stage(sc: ChainScenario, run, thresholds, link: str, detector: str) -> tuple[str, str, dict]:
    ward = run.ward
    tampered, replayed = run.attack.count("tampered"), run.attack.count("replayed")
    link_name = "E91 key records (AES-256-GCM + HMAC)" if link == "aes" else "ML-KEM-768 channel (Ascon + HMAC)"
    figures = {"patients": WARD_PATIENTS, "packets sealed": len(ward.patient), "link": link_name,
               "detector": f"{detector} (trained on pooled traffic)", "windows above tau_med": int((ward.scores > thresholds.tau_med).sum()),
               "attacker: tampered": tampered, "attacker: replayed": replayed}
    text = (f"{WARD_PATIENTS} bedside devices scored {len(ward.patient)} traffic windows with the {detector} detector "
            f"and sent them sealed over the {link_name}.")
    if tampered or replayed:
        return "alert", text[:-1] + f"; on the way an attacker altered {tampered} and replayed {replayed}.", figures
    return "ok", text, figures


def _gateway_stage(run, alerts) -> tuple[str, str, dict]:
    from pqfl_kit.hospital.gateway import Quarantined

    counts = run.gateway.counts
    reasons = {k.split(":", 1)[1]: v for k, v in sorted(counts.items()) if k.startswith("reason:")}
    attacked = [o for o, a in zip(run.outcomes, run.attack) if a]
    leaked = [o for o in attacked if not isinstance(o, Quarantined)]
    ehr = run.gateway.ehr
    in_ehr = sum(1 for o, a in zip(run.outcomes, run.attack)  # tampered (device, seq) with an EHR row
                 if a == "tampered" and o.device_id and o.seq and ehr.has_observation(o.device_id, o.seq))
    figures = {"received": counts["received"], "delivered": counts["delivered"], "quarantined": counts["quarantined"],
               "reasons": reasons, "attack packets delivered": len(leaked), "tampered packets in the EHR": in_ehr,
               "security alerts": sum(a.kind == "security" for a in alerts)}
    if leaked or in_ehr:
        return "degraded", f"{len(leaked)} attacker packets got through the gateway checks.", figures
    if counts["quarantined"]:
        return "blocked", (f"The gateway quarantined {counts['quarantined']} packets (failed integrity check or replayed "
                           "sequence numbers) and told security; none of them reached the health record."), figures
    return "ok", (f"All {counts['received']} packets passed the integrity check, the anti-replay window and the "
                  "timestamp check."), figures


def _clinical_stage(run, alerts) -> tuple[str, str, dict]:
    from pqfl_kit.hospital.gateway import Delivered

    ehr_rows = run.gateway.ehr.counts()
    delivered = [o for o in run.outcomes if isinstance(o, Delivered)]
    # A real emergency: routed Critical (eq. 9) to the rapid-response pager AND NEWS2 risk high.
    emergencies = [o for o in delivered if o.subsystem == RAPID_RESPONSE and o.decision.news2.risk == "high"]
    patients = sorted({o.patient_id for o in emergencies})
    clinical = [a for a in alerts if a.kind == "clinical"]
    by_cause: dict[str, int] = {}
    for a in clinical:
        by_cause[a.cause] = by_cause.get(a.cause, 0) + 1
    roles = sorted({role for a in clinical if a.patient_id in patients for role in a.roles})
    lanes = run.lanes()
    figures = {"EHR observations": ehr_rows["observations"], "lanes": {k: lanes[k] for k in ("Critical", "High", "Normal")},
               "clinical alerts by cause": dict(sorted(by_cause.items())), "emergency patients": patients,
               "emergency packets": len(emergencies), "roles paged for them": roles}
    if emergencies:
        first = min(emergencies, key=lambda o: o.measured_at)
        return "alert", (f"{', '.join(patients)}: Critical anomaly score and NEWS2 {first.decision.news2.score:g} "
                         f"(high risk): the rapid-response pager and the critical care outreach team were called; "
                         f"{ehr_rows['observations']} observations are in the EHR."), figures
    return "ok", (f"{ehr_rows['observations']} observations went to the EHR; no patient reached NEWS2 high risk, and "
                  "anomaly-only alerts went to clinical engineering, not to the rapid-response team."), figures


def _harvest(seed: int) -> tuple[str, str, dict, dict]:
    from pqfl_kit import threats
    from pqfl_kit.pqc.channel import ChannelError, connect_pair

    key = threats.toy_rsa_key(3, 11)  # N = 33: small enough for the simulated Shor circuit, and d != e
    recorded_rsa = threats.rsa_encrypt_record(HARVESTED_RECORD, key.public)
    shor = threats.run_shor(key.n, 7, seed=seed)  # years later: a quantum computer factors N (order of 7 is 10)
    if shor.factors is None:
        raise RuntimeError(f"Shor found no factors of {key.n}: {shor.reason}")
    stolen = threats.rsa_decrypt_record(recorded_rsa, threats.break_toy_rsa(key.public, shor.factors))

    device, gateway = connect_pair(seed=seed, device_name="bed2-monitor")
    recorded_pqc = device.seal(HARVESTED_RECORD.encode())
    _, attacker_end = connect_pair(seed=seed + 1, device_name="bed2-monitor")  # her best guess at the session
    try:
        attacker_end.open(recorded_pqc)
        attacker_read = True
    except ChannelError:
        attacker_read = False
    legit = gateway.open(recorded_pqc).decode() == HARVESTED_RECORD
    figures = {"RSA: N factored by Shor": f"{key.n} = {shor.factors[0]} x {shor.factors[1]}",
               "RSA record read": stolen == HARVESTED_RECORD,
               "ML-KEM + Ascon record read by attacker": attacker_read,
               "ML-KEM + Ascon record read by the hospital": legit,
               "Ascon key after Grover": f"2^{threats.grover_key_strength(128)['grover_log2']:g} steps"}
    details = {"shor": shor, "rsa_ciphertext": recorded_rsa, "pqc_packet": recorded_pqc}
    if attacker_read or stolen != HARVESTED_RECORD:
        raise RuntimeError("harvest stage: unexpected outcome, the demo is broken")
    return "blocked", (f"Shor factored the RSA modulus and the recorded RSA copy was read ('{stolen}'); the same "
                       "record under ML-KEM-768 + Ascon stays sealed: Shor has no period to find there."), figures, details


# ------------------------------------------------------------------------------- the chain
def run_chain(scenario: str = "calm", *, seed: int = SEED, fl_model: str = "tinyml", detector: str = "tinyml",
              progress: Callable[[int, int, str], None] | None = None) -> ChainReport:
    """Run every stage for the named scenario (a key of :data:`SCENARIOS`) and report each one.

    ``fl_model``: the federated model ("tinyml", "gru", "lstm" or "logreg": numpy, no Keras);
    ``detector``: the bedside scorer ("tinyml" or "logistic": scikit-learn, quick);
    ``progress(done, total, label)`` is called before each stage and once at the end.
    """
    if not isinstance(scenario, str) or scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}: choose one of {', '.join(SCENARIOS)}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    from pqfl_kit.fl.task import MODELS

    if fl_model not in MODELS:
        raise ValueError(f"unknown fl_model {fl_model!r}: choose one of {', '.join(MODELS)}")
    if detector not in ("tinyml", "logistic"):
        raise ValueError(f"detector must be 'tinyml' or 'logistic', got {detector!r}")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a function (done, total, label) or None")
    sc = SCENARIOS[scenario]
    keys = [k for k in STAGES if k != "harvest" or sc.harvest]
    notify = progress or (lambda done, total, label: None)
    stages: list[Stage] = []
    details: dict[str, Any] = {}
    start = time.perf_counter()

    def add(key: str, status: str, text: str, figures: dict, t0: float) -> None:
        stages.append(Stage(key, len(stages) + 1, STAGES[key], status, text, figures, time.perf_counter() - t0))

    notify(0, len(keys), STAGES["key_link"])
    t0 = time.perf_counter()
    status, text, figures, more = _key_link(sc, seed)
    link = more.pop("link")
    details.update(more)
    add("key_link", status, text, figures, t0)

    notify(1, len(keys), STAGES["handshake"])
    t0 = time.perf_counter()
    status, text, figures, more = _handshake(sc, seed)
    details.update(more)
    add("handshake", status, text, figures, t0)

    notify(2, len(keys), STAGES["federated"])
    t0 = time.perf_counter()
    status, text, figures, more = _federated(sc, seed, fl_model)
    details.update(more)
    add("federated", status, text, figures, t0)

    notify(3, len(keys), STAGES["ward"])
    t0 = time.perf_counter()
    run, alerts, thresholds = _ward(sc, seed, detector, link)
    details.update(ward_run=run, alerts=alerts)
    add("ward", *_ward_stage(sc, run, thresholds, link, detector), t0)

    notify(4, len(keys), STAGES["gateway"])
    t0 = time.perf_counter()
    add("gateway", *_gateway_stage(run, alerts), t0)

    notify(5, len(keys), STAGES["clinical"])
    t0 = time.perf_counter()
    add("clinical", *_clinical_stage(run, alerts), t0)

    if sc.harvest:
        notify(6, len(keys), STAGES["harvest"])
        t0 = time.perf_counter()
        status, text, figures, more = _harvest(seed)
        details.update(more)
        add("harvest", status, text, figures, t0)
    notify(len(keys), len(keys), "done")
    link_name = "E91" if link == "aes" else "ML-KEM-768 (fallback)"
    return ChainReport(sc, seed, stages, link_name, time.perf_counter() - start, details)
