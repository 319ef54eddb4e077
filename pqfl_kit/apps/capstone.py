"""Notebook 07 app: the whole chain under a chosen attack (``build_capstone_app``).

Widgets only; the figures live in :mod:`pqfl_kit.capstone.plots`.
"""
from __future__ import annotations

import html

import ipywidgets as widgets

from ..capstone import SCENARIOS, STATUSES, ChainReport, Stage, run_chain
from ..capstone.plots import STATUS_COLOURS
from ..exercises import quiz_widget
from .common import (
    PALETTE_STYLE,
    classed,
    colour,
    html_table,
    progress_bar,
    run_button,
    show_status,
    status_line,
    titled,
)

__all__ = ["STATUS_COLOURS", "headline", "pipeline_html", "story_html", "table_html", "build_capstone_app"]
_STATUS_WORDS = {"ok": "ok", "blocked": "attack blocked", "alert": "alert", "degraded": "degraded"}
# Text and borders use the theme palette (readable on light and dark pages); STATUS_COLOURS stay the figures'.
_STATUS_KINDS = {"ok": "ok", "blocked": "info", "alert": "error", "degraded": "warn"}
_MUTED = colour("muted")


def pipeline_html(report: ChainReport) -> str:
    """The stages as coloured boxes, left to right, with their status and one key figure.

    CSS classes for tests and styling: ``pqfl-stage``, ``pqfl-stage-<status>``, ``pqfl-stage-<key>``.
    """
    boxes = []
    for stage in report.stages:
        tint = colour(_STATUS_KINDS[stage.status])
        figure = html.escape(headline(stage))
        boxes.append(
            f"<div class='pqfl-stage pqfl-stage-{stage.status} pqfl-stage-{stage.key}' "
            f"title='{html.escape(stage.explanation)}' "
            f"style='border:2px solid {tint};border-top:8px solid {tint};border-radius:6px;padding:6px 8px;"
            f"width:132px;min-height:92px;background:var(--jp-layout-color1, #fff);"
            f"color:var(--jp-content-font-color1, #000);font-size:12px;line-height:1.3'>"
            f"<div style='color:{_MUTED}'>stage {stage.number}</div>"
            f"<div style='font-weight:700'>{html.escape(stage.name)}</div>"
            f"<div class='pqfl-stage-status' style='color:{tint};font-weight:700;margin-top:3px'>"
            f"{html.escape(_STATUS_WORDS[stage.status])}</div>"
            f"<div style='color:{_MUTED};margin-top:2px'>{figure}</div></div>")
    arrow = f"<div style='align-self:center;font-size:20px;color:{_MUTED};padding:0 2px'>&rarr;</div>"
    legend = " ".join(f"<span style='color:{colour(_STATUS_KINDS[s])};font-weight:700'>&#9632; {_STATUS_WORDS[s]}"
                      "</span>" for s in STATUSES)
    return (f"{PALETTE_STYLE}<div class='pqfl-pipeline' "
            "style='display:flex;flex-wrap:wrap;gap:4px;align-items:stretch'>"
            f"{arrow.join(boxes)}</div><div style='font-size:12px;margin-top:4px'>{legend} · "
            f"ward packets sealed with: <b class='pqfl-cap-link'>{html.escape(report.link)}</b> · "
            f"chain ran in {report.seconds:.1f} s</div>")


def headline(stage: Stage) -> str:
    """The one figure a stage's box shows (the table holds them all)."""
    f = stage.figures
    if stage.key == "key_link":
        return "fell back to ML-KEM-768" if "fallback" in f else f"key: {f['final key bits']} bits"
    if stage.key == "handshake":
        return f"MITM: handshake {f['handshake']}" if "handshake" in f else f["suite"]
    if stage.key == "federated":
        if "accuracy" in f:
            return f"accuracy {f['accuracy']:.0%}"
        robust = next(v for k, v in f.items() if k.startswith("accuracy, ") and k != "accuracy, FedAvg")
        return f"FedAvg {f['accuracy, FedAvg']:.0%}, robust {robust:.0%}"
    if stage.key == "ward":
        attacked = f["attacker: tampered"] + f["attacker: replayed"]
        return f"{f['packets sealed']} packets" + (f", {attacked} attacked" if attacked else "")
    if stage.key == "gateway":
        return f"{f['quarantined']} quarantined of {f['received']}"
    if stage.key == "clinical":
        return "emergency: " + ", ".join(f["emergency patients"]) if f["emergency patients"] else "no emergency"
    if stage.key == "harvest":
        sealed = not f["ML-KEM + Ascon record read by attacker"]
        return "RSA copy read, ML-KEM copy sealed" if sealed else "PQC copy read!"
    return ""


def story_html(report: ChainReport) -> str:
    """'What happened': the attack, then every stage that was not ok, as a list."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in report.story())
    return (f"<div><b>{html.escape(report.scenario.title)}.</b> {html.escape(report.scenario.attack)}"
            f"<ul style='margin:4px 0'>{items}</ul></div>")


def table_html(report: ChainReport) -> str:
    """The per-stage summary table (status, what happened, key figures, seconds)."""
    table = report.table(timings=True).reset_index()
    return html_table(list(table.columns), table.values.tolist(), "pqfl-cap-summary-table", font_size="13px")


def build_capstone_app(report: ChainReport | None = None, *, fl_model: str = "tinyml") -> widgets.Widget:
    """Scenario dropdown + Run -> pipeline diagram, what happened, per-stage table, and a quiz.

    ``report``: show this run first (e.g. the notebook's calm run) instead of running "calm" now.
    """
    scenario = classed(widgets.Dropdown(options=[(s.title, k) for k, s in SCENARIOS.items()], value="calm",
                                        description="scenario", style={"description_width": "70px"},
                                        layout=widgets.Layout(width="420px")), "pqfl-cap-scenario")
    run = classed(widgets.Button(description="Run the chain", button_style="primary", icon="play"), "pqfl-cap-run")
    progress = progress_bar("pqfl-cap-progress", width="180px")
    status = status_line("pqfl-cap-status")
    attack = classed(widgets.HTML(), "pqfl-cap-attack")
    pipeline = classed(widgets.HTML(), "pqfl-cap-pipeline")
    story = classed(widgets.HTML(), "pqfl-cap-story")
    table = classed(widgets.HTML(), "pqfl-cap-table")

    def describe(_=None) -> None:
        attack.value = f"<i>{html.escape(SCENARIOS[scenario.value].attack)}</i>"

    def show(result: ChainReport) -> None:
        pipeline.value = pipeline_html(result)
        story.value = story_html(result)
        table.value = table_html(result)

    def on_progress(done: int, total: int, label: str) -> None:
        progress.max, progress.value = total, done
        if done < total:
            show_status(status, f"running stage {done + 1} of {total}: {label}...", "info")

    @run_button(run, status, bar=progress)  # the chain's own progress callback counts its stages
    def on_run(_step) -> None:
        pipeline.value = story.value = table.value = ""
        result = run_chain(scenario.value, fl_model=fl_model, progress=on_progress)
        show(result)
        flagged = sum(s.status != "ok" for s in result.stages)
        show_status(status, f"done: {SCENARIOS[scenario.value].title}, {flagged} stage(s) reacted.",
                    "ok" if flagged == 0 else "warn")

    scenario.observe(describe, names="value")
    describe()
    app = widgets.VBox([
        titled("The whole chain under attack", widgets.HBox([scenario, run, progress]), attack, status),
        titled("Pipeline", pipeline),
        titled("What happened", story),
        titled("Stage by stage", table),
        quiz_widget("07.1"),
    ])
    classed(app, "pqfl-app", "pqfl-cap-app")
    if isinstance(report, ChainReport):
        scenario.value = report.scenario.key
        show(report)
        progress.max = progress.value = len(report.stages)
        show_status(status, f"showing: {report.scenario.title}. Pick a scenario and press Run.", "info")
    elif report is not None:
        raise TypeError("report must be a ChainReport from run_chain() or None")
    else:
        on_run()
    return app
