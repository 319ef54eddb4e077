"""Notebook 06 app: the hospital gateway live (``build_hospital_app``); figures live in
:mod:`pqfl_kit.hospital.plots`.

Controls inject attacks and clinical events into a simulated ward; four lanes show where
every packet went (Critical / High / Normal / Quarantine), with the alert and notification log
and the EHR; the "Alert fatigue" tab moves tau_med / tau_high against alerts per patient-hour,
precision and recall, with thresholds recommended on a separate calibration ward; the
"Algorithm 3" tab puts the paper's steps next to the kit's code.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import SEED
from ..exercises import quiz_widget
from ..hospital import cds
from ..hospital.gateway import Delivered, Quarantined
from ..hospital.plots import plot_fatigue
from ..hospital.priority import Thresholds
from ..hospital.ward import (
    Calibration,
    Scenario,
    WardRun,
    calibrate,
    evaluate_routing,
    fatigue_curve,
    fit_detector,
    run_ward,
    score_ward,
    simulate_ward,
)
from .common import classed, figure_output, guarded, html_table, show_figure, show_status, status_line, tabs, titled

__all__ = ["build_hospital_app", "lanes_html", "alerts_html", "ehr_html", "algorithm_html", "level_text",
           "news2_chart_html"]

# Theme palette variables (pqfl_kit.apps.common.PALETTE: AA contrast in light and dark themes), light fallbacks.
_LANE_COLOURS = {"Critical": "var(--pqfl-error, #b3261e)", "High": "var(--pqfl-high, #a34f00)",
                 "Normal": "var(--pqfl-ok, #1b7f3b)", "Quarantine": "var(--pqfl-quarantine, #5b2a86)"}

ALGORITHM_3 = [  # (paper line, paper step, kit code path, checks)
    ("3", "for each d_i in D_enc do", "WardGateway.receive(frame)", "one outcome per packet, always"),
    ("-", "(not in the paper)",
     "size, header, length field, known device", "oversized / truncated / malformed / unknown-device"),
    ("-", "(not in the paper)", "ReplayWindow.check(seq)", "duplicate / out-of-window (RFC 4303 window)"),
    ("4", "decrypt d_i with AES-256 and K",
     "Link.open: qkd.records.open_record or PQC channel (Ascon)", "never returns unauthenticated data"),
    ("5", "verify integrity using HMAC (eq. 7)", "HMAC-SHA256 under K_auth = HKDF(K)", "constant-time compare"),
    ("6-8", "if it fails: quarantine, security alert",
     "_quarantine(...): EHR quarantine + alert to SOC", "reason is kept, the bytes are not"),
    ("-", "(not in the paper)", "authenticated timestamp older than max_age", "replay"),
    ("10", "extract anomaly score y_i", "payload 'score' (scored on the device)", "must be in [0, 1]"),
    ("11", "determine priority level (eq. 9)", "priority_level(score, Thresholds)", "0 <= tau_med < tau_high <= 1"),
    ("12", "route to clinical subsystem", "SUBSYSTEMS[priority]", "rapid-response / ward-monitoring / ehr-charting"),
    ("13", "update EHR with timestamped data", "EHR.add_observation (UTC, batched commits)",
     "SQLite WAL, append-only, hash-chained audit trail"),
    ("14-16", "if y_i > tau_med: clinical alert, notify staff",
     "cds.decide: NEWS2 (eq. 10) + priority -> roles",
     "committed to the EHR before anyone is notified; device/cyber alerts go to clinical engineering"),
]


_CELL = " style='text-align:left;padding:2px 8px;vertical-align:top'"


def algorithm_html() -> str:
    """The paper's Algorithm 3 next to the kit's code path, as an HTML table."""
    rows = "".join(
        f"<tr><td{_CELL}>{html.escape(a)}</td><td{_CELL}>{html.escape(b)}</td><td{_CELL}><code>{html.escape(c)}"
        f"</code></td><td{_CELL}>{html.escape(d)}</td></tr>" for a, b, c, d in ALGORITHM_3)
    return ("<table class='pqfl-algorithm' style='border-collapse:collapse;font-size:12px'>"
            f"<tr><th{_CELL}>line</th><th{_CELL}>paper (Algorithm 3)</th><th{_CELL}>kit code path</th>"
            f"<th{_CELL}>checks</th></tr>"
            f"{rows}</table>")


def _describe(outcome) -> str:
    if isinstance(outcome, Quarantined):
        return f"{outcome.device_id or '?'} #{outcome.seq if outcome.seq is not None else '?'}: {outcome.reason}"
    return f"{outcome.patient_id} #{outcome.seq}: score {outcome.score:.2f}, NEWS2 {outcome.decision.news2.score:g}"


def lanes_html(run: WardRun, lane: str, last: int = 6) -> str:
    """One lane: the count and the last few packets routed to it."""
    items = [o for o in run.outcomes if o.lane == lane]
    colour = _LANE_COLOURS[lane]
    lines = "".join(f"<div style='font-size:11px'>{html.escape(_describe(o))}</div>" for o in items[-last:])
    return (f"<div style='border-top:4px solid {colour};padding:4px;min-height:150px'>"
            f"<b style='color:{colour}'>{lane}</b> <span class='pqfl-lane-count' style='font-size:20px;"
            f"color:{colour}'>{len(items)}</span><br>{lines}</div>")


# RCP 2017 Chart 1 (SpO2 scale 1): the numeric rows come from the bands pqfl_kit.hospital.cds scores with;
# one cell per score column 3 2 1 0 1 2 3 (tests/test_hospital_ward.py checks every numeric cell against cds.subscores).
NEWS2_SCORES = cds.CHART_SCORES
NEWS2_CHART: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("respiration rate (per min)", "respiration_rate", cds.chart_row("respiration_rate")),
    ("SpO2 (%)", "spo2", cds.chart_row("spo2")),
    ("air or oxygen", "", ("", "oxygen", "", "air", "", "", "")),
    ("systolic BP (mmHg)", "systolic_bp", cds.chart_row("systolic_bp")),
    ("pulse (per min)", "pulse", cds.chart_row("pulse")),
    ("consciousness", "", ("", "", "", "alert", "", "", "new confusion, voice, pain, unresponsive")),
    ("temperature (°C)", "temperature", cds.chart_row("temperature")),
)


def news2_chart_html() -> str:
    """The NEWS2 chart the quiz needs (RCP 2017, Chart 1) and how the total maps to a risk."""
    table = html_table(["parameter", *map(str, NEWS2_SCORES)], [[label, *cells] for label, _, cells in NEWS2_CHART],
                       "pqfl-news2-chart", font_size="12px")
    return (f"<b>NEWS2 chart</b> (RCP 2017, Chart 1, SpO2 scale 1){table}<div style='font-size:12px'>Add the seven "
            "scores: 0-4 is low risk (a single 3 makes it low-medium), 5-6 medium, 7 or more high.</div>")


# Why a clinical alert has its level (cds.decide: the higher of the NEWS2 and the anomaly-priority levels).
_LEVEL_REASONS = {
    "clinical": "raised by NEWS2",
    "both": "raised by NEWS2 and by the device",
    "device/cyber": "raised by the device or link, not by NEWS2",
}


def level_text(level: str, cause: str) -> str:
    """A clinical alert's level with what raised it, e.g. ``emergency (raised by the device or link, not by NEWS2)``.

    A device/cyber alert keeps its fail-safe level (cds.decide never lowers an escalation: nobody
    can yet tell a failing probe from a patient in trouble); the reason says who must look and why.
    """
    reason = _LEVEL_REASONS.get(cause)
    return f"{level} ({reason})" if reason and level != "security" else level


def alerts_html(run: WardRun, last: int = 12) -> str:
    """The newest alerts and who was notified."""
    rows = [[a.kind, level_text(a.level, a.cause), a.patient_id or a.device_id or "?", "; ".join(a.roles),
             a.message[:90]] for a in list(run.gateway.alerts)[-last:][::-1]]
    return html_table(["kind", "level", "patient/device", "notified", "message"], rows, "pqfl-alert-table",
                      font_size="11px")


def ehr_html(run: WardRun, last: int = 10) -> str:
    """The newest EHR observations (the read is written to the audit trail)."""
    rows = run.gateway.ehr.rows("observations", limit=last, newest_first=True, reader="notebook-06")
    cells = [[r["recorded_at"][11:19], r["patient_id"], r["seq"], r["priority"], f"{r['anomaly_score']:.2f}",
              f"{r['news2']:g}", r["subsystem"]] for r in rows]
    return html_table(["recorded (UTC)", "patient", "seq", "priority", "score", "NEWS2", "subsystem"], cells,
                      "pqfl-ehr", font_size="11px")


def _fatigue_text(run: WardRun, thresholds: Thresholds, scores: np.ndarray, rec: Calibration) -> str:
    """The paper's rule at the chosen tau_med against the kit's fused rule, and the recommendation
    (calibrated on another ward, with the rule that chose it and its recall on this one)."""
    ward = run.ward
    here = fatigue_curve(scores, ward.clinical_truth, ward.patient_hours(),
                         np.array([thresholds.tau_med, rec.thresholds.tau_med]))
    fused = evaluate_routing(run, rule="fused")
    hours = ward.patient_hours()
    met = "meets" if here["recall"][1] >= rec.min_recall else "<b>misses</b>"
    return (
        f"At tau_med = {thresholds.tau_med:.2f} the paper's rule raises {here['alerts_per_hour'][0]:.1f} "
        f"alerts per patient-hour, precision {here['precision'][0]:.2f}, recall {here['recall'][0]:.2f}. "
        f"The kit's fused rule pages clinicians (every person, the ward nurse included) "
        f"{fused.clinician_pages(False) / hours:.1f} times per patient-hour (precision {fused.precision:.2f}, "
        f"recall {fused.recall:.2f}); with one page per patient and condition per {fused.suppress_minutes} min "
        f"(re-paged at once on escalation) {fused.clinician_pages(True) / hours:.1f}. Device/cyber alerts also go to "
        f"clinical engineering.<br><b>Recommended</b> (calibrated on another ward, seed {rec.seed}): tau_med = "
        f"{rec.thresholds.tau_med:.2f}, chosen by '{rec.tau_med_rule}'; on this ward its recall is "
        f"{here['recall'][1]:.2f}, which {met} the {rec.min_recall:.0%} constraint. tau_high = "
        f"{rec.thresholds.tau_high:.2f}, chosen by '{rec.tau_high_rule}': Critical catches "
        f"{rec.critical_recall:.0%} of real trouble there.")


def _counts_html(run: WardRun, scenario: Scenario) -> str:
    """Clinical and security alerts, and how many packets the gateway saw."""
    clinical = sum(1 for o in run.outcomes if isinstance(o, Delivered) and o.decision.alert)
    security = sum(1 for o in run.outcomes if isinstance(o, Quarantined))
    hours = run.ward.patient_hours()
    return (f"<b>Clinical alerts: <span class='pqfl-clinical-alerts'>{clinical}</span></b> "
            f"({clinical / hours:.1f} per patient-hour) &middot; security alerts: {security} &middot; "
            f"{len(run.outcomes)} packets from {scenario.n_patients} patients over {scenario.minutes} min")


def _calibration_ward(scorer, n_patients: int, seed: int):
    """A separate, scored ward to calibrate the thresholds on: two hours, two deteriorating patients."""
    ward = simulate_ward(Scenario(n_patients=n_patients, minutes=120, deteriorations=2, sensor_fault=True, seed=seed))
    score_ward(ward, scorer)
    return ward


@dataclass
class _Controls:
    """What the learner injects into the ward (attacks, events, link) and the eq. 9 thresholds."""

    tamper: widgets.FloatSlider
    replay: widgets.Checkbox
    fault: widgets.Checkbox
    worse: widgets.Checkbox
    link: widgets.Dropdown
    tau_med: widgets.FloatSlider
    tau_high: widgets.FloatSlider
    recommend: widgets.Button

    @classmethod
    def create(cls) -> _Controls:
        style = {"description_width": "130px"}

        def tick(value: bool, text: str, css: str) -> widgets.Checkbox:
            return classed(widgets.Checkbox(value, description=text, indent=False), css)

        def tau(value: float, low: float, high: float, name: str, css: str) -> widgets.FloatSlider:
            return classed(widgets.FloatSlider(value, min=low, max=high, step=0.01, description=name,
                                               continuous_update=False, style=style), css)

        links = [("E91 key: AES-256-GCM + HMAC", "aes"), ("PQC channel: ML-KEM + Ascon", "channel")]
        return cls(
            tamper=classed(widgets.FloatSlider(0.0, min=0.0, max=0.3, step=0.02, description="tampering rate",
                                               continuous_update=False, style=style, readout_format=".2f"),
                           "pqfl-tamper"),
            replay=tick(False, "replay attack", "pqfl-replay"),
            fault=tick(False, "SpO2 sensor fault (bed 3)", "pqfl-fault"),
            worse=tick(False, "patient deterioration (bed 2)", "pqfl-deterioration"),
            link=classed(widgets.Dropdown(options=links, value="aes", description="link", style=style,
                                          layout=widgets.Layout(width="380px")), "pqfl-link"),
            tau_med=tau(0.5, 0.0, 0.99, "tau_med", "pqfl-tau-med"),
            tau_high=tau(0.8, 0.01, 1.0, "tau_high", "pqfl-tau-high"),
            recommend=classed(widgets.Button(description="use recommended", button_style="success"),
                              "pqfl-recommend"))

    def thresholds(self) -> Thresholds:
        return Thresholds(self.tau_med.value, self.tau_high.value)  # raises ValueError with the rule

    def scenario(self, n_patients: int, minutes: int, seed: int) -> Scenario:
        return Scenario(n_patients=n_patients, minutes=minutes, tamper_rate=round(self.tamper.value, 2),
                        replay_attack=self.replay.value, sensor_fault=self.fault.value,
                        deterioration=self.worse.value, link=self.link.value, seed=seed)

    def watch(self, callback: Callable) -> None:
        for control in (self.tamper, self.replay, self.fault, self.worse, self.link, self.tau_med, self.tau_high):
            control.observe(callback, names="value")

    def box(self) -> widgets.HBox:
        return widgets.HBox([
            titled("Inject", self.tamper, self.replay, self.fault, self.worse, self.link,
                   css_class="pqfl-hospital-controls"),
            titled("Thresholds (eq. 9)", self.tau_med, self.tau_high, self.recommend,
                   css_class="pqfl-hospital-thresholds")])


@dataclass
class _LiveWard:
    """The "Live ward" tab: alert counts, the four lanes, the alert log and the newest EHR rows."""

    counts: widgets.HTML
    lanes: dict[str, widgets.HTML]
    alert_log: widgets.HTML
    ehr_table: widgets.HTML

    @classmethod
    def create(cls) -> _LiveWard:
        lanes = {lane: classed(widgets.HTML(layout=widgets.Layout(width="24%")), "pqfl-lane",
                               f"pqfl-lane-{lane.lower()}") for lane in ("Critical", "High", "Normal", "Quarantine")}
        return cls(classed(widgets.HTML(), "pqfl-alert-count"), lanes, classed(widgets.HTML(), "pqfl-alert-log"),
                   classed(widgets.HTML(), "pqfl-ehr-table"))

    def show(self, run: WardRun, scenario: Scenario) -> None:
        for lane, box in self.lanes.items():
            box.value = lanes_html(run, lane)
        self.counts.value = _counts_html(run, scenario)
        self.alert_log.value = alerts_html(run)
        self.ehr_table.value = ehr_html(run)

    def panel(self) -> widgets.VBox:
        return widgets.VBox([self.counts, widgets.HBox(list(self.lanes.values())),
                             titled("Alerts and notifications", self.alert_log),
                             titled("EHR (newest observations)", self.ehr_table)])


def _layout(controls: _Controls, status: widgets.HTML, live: _LiveWard, fatigue: widgets.VBox) -> widgets.Widget:
    """Controls on top, then the status line, then the tabs."""
    panels = {"Live ward": live.panel(), "Alert fatigue": fatigue, "Algorithm 3": widgets.HTML(algorithm_html()),
              "Quiz": widgets.VBox([classed(widgets.HTML(news2_chart_html()), "pqfl-news2"), quiz_widget("06.2")])}
    app = widgets.VBox([widgets.HTML("<h2 style='margin:4px 0'>Hospital gateway: quarantine, priority, alerts</h2>"),
                        controls.box(), status, tabs(panels, "pqfl-hospital-tabs")])
    return classed(app, "pqfl-app", "pqfl-hospital-app")


def build_hospital_app(scorer: Callable[[np.ndarray], np.ndarray] | None = None, *, n_patients: int = 6,
                       minutes: int = 120, seed: int | None = None) -> widgets.Widget:
    """The notebook 06 app. ``scorer`` maps traffic windows to anomaly scores (default: a quick
    logistic-regression detector from :func:`pqfl_kit.hospital.ward.fit_detector`)."""
    seed = SEED if seed is None else seed
    status = status_line("pqfl-hospital-status")
    controls, live = _Controls.create(), _LiveWard.create()
    fatigue_out, fatigue_text = figure_output("pqfl-fatigue-plot"), classed(widgets.HTML(), "pqfl-fatigue-stats")
    state: dict = {"scorer": scorer}

    @guarded(status)
    def refresh(_=None) -> None:
        thresholds, scenario = controls.thresholds(), controls.scenario(n_patients, minutes, seed)
        if state["scorer"] is None:
            show_status(status, "Training a quick detector on separate traffic ...", "info")
            state["scorer"] = fit_detector("logistic", seed=seed)
        run = run_ward(simulate_ward(scenario), state["scorer"], thresholds=thresholds)
        scores = run.ward.scores
        if scores is None:
            raise ValueError("the scorer gave the ward no anomaly scores")
        if "recommended" not in state:  # calibrated once, on another ward (another seed, other patients)
            state["recommended"] = calibrate(_calibration_ward(state["scorer"], n_patients, seed + 1))
        live.show(run, scenario)
        show_figure(fatigue_out, plot_fatigue(run, thresholds, state["recommended"].thresholds))
        fatigue_text.value = _fatigue_text(run, thresholds, scores, state["recommended"])
        show_status(status, f"Gateway processed {len(run.outcomes)} packets: "
                            f"{run.gateway.counts['delivered']} delivered, {run.gateway.counts['quarantined']} "
                            "quarantined.", "ok")

    @guarded(status)
    def use_recommended(_=None) -> None:
        rec = state.get("recommended")
        if rec is None:
            raise ValueError("Run the ward first.")
        controls.tau_high.value = rec.thresholds.tau_high  # order keeps tau_med < tau_high on the way
        controls.tau_med.value = rec.thresholds.tau_med

    controls.watch(refresh)
    controls.recommend.on_click(use_recommended)
    refresh()
    return _layout(controls, status, live, widgets.VBox([fatigue_out, fatigue_text]))
