"""Notebook 06 app: the hospital gateway live (``build_hospital_app``) and its figures.

Controls inject attacks and clinical events into a simulated ward; four lanes show where
every packet went (Critical / High / Normal / Quarantine), with the alert and notification log
and the EHR; the "Alert fatigue" tab moves tau_med / tau_high against alerts per patient-hour,
precision and recall; the "Algorithm 3" tab puts the paper's steps next to the kit's code.
"""
from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from ..exercises import quiz_widget
from ..hospital.gateway import Delivered, Quarantined
from ..hospital.priority import Thresholds
from ..hospital.stream import (
    Scenario,
    WardRun,
    clinician_pages,
    fatigue_curve,
    recommend_thresholds,
    run_ward,
    simulate_ward,
)
from .common import classed, figure_output, guarded, html_table, show_figure, show_status, status_line, tabs, titled

__all__ = ["build_hospital_app", "plot_fatigue", "lanes_html", "alerts_html", "ehr_html", "algorithm_html"]

_LANE_COLOURS = {"Critical": "#b3261e", "High": "#c26a00", "Normal": "#1b7f3b", "Quarantine": "#5b2a86"}

ALGORITHM_3 = [
    ("3", "for each d_i in D_enc do", "Gateway.receive(frame)", "one outcome per packet, always"),
    ("-", "(not in the paper)", "size, header, length field, known device", "oversized / truncated / malformed / unknown-device"),
    ("-", "(not in the paper)", "ReplayWindow.check(seq)", "duplicate / out-of-window (RFC 4303 window)"),
    ("4", "decrypt d_i with AES-256 and K", "Link.open: qkd.records.open_record or PQC channel (Ascon)", "never returns unauthenticated data"),
    ("5", "verify integrity using HMAC (eq. 7)", "HMAC-SHA256 under K_auth = HKDF(K)", "constant-time compare"),
    ("6-8", "if it fails: quarantine, security alert", "_quarantine(...): EHR quarantine + alert to SOC", "reason is kept, the bytes are not"),
    ("-", "(not in the paper)", "authenticated timestamp older than max_age", "replay"),
    ("10", "extract anomaly score y_i", "payload 'score' (scored on the device)", "must be in [0, 1]"),
    ("11", "determine priority level (eq. 9)", "priority_level(score, Thresholds)", "0 <= tau_med < tau_high <= 1"),
    ("12", "route to clinical subsystem", "SUBSYSTEMS[priority]", "rapid-response / ward-monitoring / ehr-charting"),
    ("13", "update EHR with timestamped data", "EHR.add_observation (UTC, batched commits)", "SQLite WAL, audit trail"),
    ("14-16", "if y_i > tau_med: clinical alert, notify staff", "cds.decide: NEWS2 (eq. 10) + priority -> roles", "device/cyber alerts go to clinical engineering"),
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


def alerts_html(run: WardRun, last: int = 12) -> str:
    """The newest alerts and who was notified."""
    rows = [[a.kind, a.level, a.patient_id or a.device_id or "?", "; ".join(a.roles), a.message[:90]]
            for a in list(run.gateway.alerts)[-last:][::-1]]
    return html_table(["kind", "level", "patient/device", "notified", "message"], rows, "pqfl-alert-table",
                      font_size="11px")


def ehr_html(run: WardRun, last: int = 10) -> str:
    """The newest EHR observations (the read is written to the audit trail)."""
    rows = run.gateway.ehr.rows("observations", limit=last, newest_first=True, reader="notebook-06")
    return html_table(["recorded (UTC)", "patient", "seq", "priority", "score", "NEWS2", "subsystem"],
                  [[r["recorded_at"][11:19], r["patient_id"], r["seq"], r["priority"], f"{r['anomaly_score']:.2f}",
                    f"{r['news2']:g}", r["subsystem"]] for r in rows], "pqfl-ehr", font_size="11px")


def plot_fatigue(run: WardRun, thresholds: Thresholds, recommended: Thresholds | None = None):
    """Alerts per patient-hour, precision and recall of clinical alerts as tau_med moves."""
    import matplotlib.pyplot as plt

    ward = run.ward
    curve = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours())
    fused = clinician_pages(run)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.3))
    left.plot(curve["tau"], curve["alerts_per_hour"], color="#1f4e79", label="score > tau_med (paper)")
    left.axhline(fused["pages_per_hour"], color="#1b7f3b", ls=":", label="kit: NEWS2 + score")
    left.set_xlabel("tau_med")
    left.set_ylabel("alerts per patient-hour")
    right.plot(curve["tau"], curve["precision"], color="#b3261e", label="precision")
    right.plot(curve["tau"], curve["recall"], color="#1f4e79", label="recall")
    right.scatter([thresholds.tau_med], [fused["precision"]], marker="*", s=120, color="#1b7f3b", zorder=3,
                  label="kit fused rule: precision")
    right.set_xlabel("tau_med")
    right.set_ylim(0, 1.05)
    for ax in (left, right):
        ax.axvline(thresholds.tau_med, color="#333333", lw=1, label="your tau_med")
        ax.axvline(thresholds.tau_high, color="#b3261e", lw=1, ls="--", label="your tau_high")
        if recommended is not None:
            ax.axvline(recommended.tau_med, color="#1b7f3b", lw=1, ls="-.", label="recommended tau_med")
        ax.legend(fontsize=7, loc="upper right" if ax is left else "lower left")
    fig.suptitle("Alert fatigue: clinical alerts (truth: a patient really deteriorating)", fontsize=10)
    fig.tight_layout()
    return fig


def build_hospital_app(scorer: Callable[[np.ndarray], np.ndarray] | None = None, *, n_patients: int = 6,
                       minutes: int = 120, seed: int | None = None) -> widgets.Widget:
    """The notebook 06 app. ``scorer`` maps traffic windows to anomaly scores (default: a quick
    logistic-regression detector from :func:`pqfl_kit.hospital.stream.fit_detector`)."""
    from .. import SEED
    from ..hospital.stream import fit_detector

    seed = SEED if seed is None else seed
    status = status_line("pqfl-hospital-status")
    style = {"description_width": "130px"}
    tamper = classed(widgets.FloatSlider(0.0, min=0.0, max=0.3, step=0.02, description="tampering rate",
                                         continuous_update=False, style=style, readout_format=".2f"), "pqfl-tamper")
    replay = classed(widgets.Checkbox(False, description="replay attack", indent=False), "pqfl-replay")
    fault = classed(widgets.Checkbox(False, description="SpO2 sensor fault (bed 3)", indent=False), "pqfl-fault")
    worse = classed(widgets.Checkbox(False, description="patient deterioration (bed 2)", indent=False),
                    "pqfl-deterioration")
    link = classed(widgets.Dropdown(options=[("E91 key: AES-256-GCM + HMAC", "aes"),
                                             ("PQC channel: ML-KEM + Ascon", "channel")],
                                    value="aes", description="link", style=style,
                                    layout=widgets.Layout(width="380px")), "pqfl-link")
    tau_med = classed(widgets.FloatSlider(0.5, min=0.0, max=0.99, step=0.01, description="tau_med",
                                          continuous_update=False, style=style), "pqfl-tau-med")
    tau_high = classed(widgets.FloatSlider(0.8, min=0.01, max=1.0, step=0.01, description="tau_high",
                                           continuous_update=False, style=style), "pqfl-tau-high")
    recommend = classed(widgets.Button(description="use recommended", button_style="success"), "pqfl-recommend")
    counts = classed(widgets.HTML(), "pqfl-alert-count")
    lanes = {lane: classed(widgets.HTML(layout=widgets.Layout(width="24%")), "pqfl-lane",
                           f"pqfl-lane-{lane.lower()}") for lane in ("Critical", "High", "Normal", "Quarantine")}
    alert_log = classed(widgets.HTML(), "pqfl-alert-log")
    ehr_table = classed(widgets.HTML(), "pqfl-ehr-table")
    fatigue_out = figure_output("pqfl-fatigue-plot")
    fatigue_text = classed(widgets.HTML(), "pqfl-fatigue-stats")
    state: dict = {"scorer": scorer, "ward_key": None}

    def current_thresholds() -> Thresholds:
        return Thresholds(tau_med.value, tau_high.value)  # raises ValueError with the rule

    @guarded(status)
    def refresh(_=None) -> None:
        thresholds = current_thresholds()
        scenario = Scenario(n_patients=n_patients, minutes=minutes, tamper_rate=round(tamper.value, 2),
                            replay_attack=replay.value, sensor_fault=fault.value, deterioration=worse.value,
                            link=link.value, seed=seed)
        if state["scorer"] is None:
            show_status(status, "Training a quick detector on separate traffic ...", "info")
            state["scorer"] = fit_detector("logistic", seed=seed)
        ward = simulate_ward(scenario)
        run = run_ward(ward, state["scorer"], thresholds=thresholds)
        state["run"] = run
        state["recommended"] = recommend_thresholds(ward.scores, ward.clinical_truth)
        for lane, box in lanes.items():
            box.value = lanes_html(run, lane)
        clinical = sum(1 for o in run.outcomes if isinstance(o, Delivered) and o.decision.alert)
        security = sum(1 for o in run.outcomes if isinstance(o, Quarantined))
        hours = ward.patient_hours()
        counts.value = (f"<b>Clinical alerts: <span class='pqfl-clinical-alerts'>{clinical}</span></b> "
                        f"({clinical / hours:.1f} per patient-hour) &middot; security alerts: {security} &middot; "
                        f"{len(run.outcomes)} packets from {scenario.n_patients} patients over {minutes} min")
        alert_log.value = alerts_html(run)
        ehr_table.value = ehr_html(run)
        draw_fatigue(thresholds)
        show_status(status, f"Gateway processed {len(run.outcomes)} packets: "
                            f"{run.gateway.counts['delivered']} delivered, {run.gateway.counts['quarantined']} "
                            "quarantined.", "ok")

    def draw_fatigue(thresholds: Thresholds) -> None:
        run, rec = state["run"], state["recommended"]
        show_figure(fatigue_out, plot_fatigue(run, thresholds, rec))
        ward = run.ward
        here = fatigue_curve(ward.scores, ward.clinical_truth, ward.patient_hours(), np.array([thresholds.tau_med]))
        fused = clinician_pages(run)
        fatigue_text.value = (
            f"At tau_med = {thresholds.tau_med:.2f} the paper's rule raises {here['alerts_per_hour'][0]:.1f} "
            f"alerts per patient-hour, precision {here['precision'][0]:.2f}, recall {here['recall'][0]:.2f}. "
            f"The kit's fused rule pages clinicians {fused['pages_per_hour']:.1f} times per patient-hour "
            f"(precision {fused['precision']:.2f}, recall {fused['recall']:.2f}) and sends device/cyber alerts to "
            f"clinical engineering.<br><b>Recommended:</b> tau_med = {rec.tau_med:.2f} (the fewest alerts that still "
            f"catch 90% of real deteriorations), tau_high = {rec.tau_high:.2f} (Critical pages as precise as the score allows).")

    @guarded(status)
    def use_recommended(_=None) -> None:
        rec = state.get("recommended")
        if rec is None:
            raise ValueError("Run the ward first.")
        tau_high.value = rec.tau_high  # order keeps tau_med < tau_high on the way
        tau_med.value = rec.tau_med

    for control in (tamper, replay, fault, worse, link, tau_med, tau_high):
        control.observe(refresh, names="value")
    recommend.on_click(use_recommended)
    refresh()

    controls = titled("Inject", tamper, replay, fault, worse, link, css_class="pqfl-hospital-controls")
    threshold_box = titled("Thresholds (eq. 9)", tau_med, tau_high, recommend, css_class="pqfl-hospital-thresholds")
    live = widgets.VBox([counts, widgets.HBox(list(lanes.values())),
                         titled("Alerts and notifications", alert_log), titled("EHR (newest observations)", ehr_table)])
    panels = {
        "Live ward": live,
        "Alert fatigue": widgets.VBox([fatigue_out, fatigue_text]),
        "Algorithm 3": widgets.HTML(algorithm_html()),
        "Quiz": quiz_widget("06.1"),
    }
    app = widgets.VBox([widgets.HTML("<h2 style='margin:4px 0'>Hospital gateway: quarantine, priority, alerts</h2>"),
                        widgets.HBox([controls, threshold_box]), status, tabs(panels, "pqfl-hospital-tabs")])
    return classed(app, "pqfl-app", "pqfl-hospital-app")
