"""Notebook 05 app: federated learning on a simulated Pi cluster (``build_fl_app``).

The figures live in :mod:`pqfl_kit.fl.plots`.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from .. import SEED
from ..exercises import quiz_widget
from ..fl import cluster, experiment
from ..fl.config import FLConfig
from ..fl.plots import figure_png, plot_report
from .common import classed, run_button, show_status, status_line, titled

__all__ = ["summary_html", "paper_html", "build_fl_app", "LABEL_SKEW"]

LABEL_SKEW = [("one device per client (equal sizes)", None), ("Dirichlet alpha 100 (near IID)", 100.0),
              ("Dirichlet alpha 1", 1.0), ("Dirichlet alpha 0.3", 0.3), ("Dirichlet alpha 0.1 (strong skew)", 0.1)]


def summary_html(report) -> str:
    """One line of headline numbers; the accuracy sits in ``.pqfl-fl-acc`` for tests."""
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(report.rejected_total.items())) or "none"
    central = report.centralized
    last = report.rounds[-1]
    return (f"<div>final accuracy <b class='pqfl-fl-acc'>{report.final_accuracy:.3f}</b>"
            f" · F1 <b class='pqfl-fl-f1'>{last.f1:.3f}</b> · recall {last.recall:.3f}"
            + (f" (centralized accuracy {central.accuracy[-1]:.3f}, F1 {central.f1[-1]:.3f})" if central else "")
            + f" · mean simulated Pi round <b>{report.mean_round_s() * 1e3:.0f} ms</b>"
            f" · model {report.model_bytes / 1e3:.1f} kB · rejected updates: <b class='pqfl-fl-rejected'>"
            f"{html.escape(rejected)}</b> · poisoned clients: {report.poisoned_clients or 'none'}</div>"
            f"<div class='pqfl-fl-assumption' style='font-size:85%;color:var(--pqfl-muted, #4b535c)'>"
            f"{html.escape(cluster.PI_TIME_ASSUMPTION)}</div>")


def paper_html(report) -> str:
    """The paper's figures next to the kit's simulated ones."""
    return report.paper_table().to_html(classes="pqfl-fl-paper-table", border=0)


@dataclass
class _Controls:
    """The federation's settings: the cluster (left column) and the learning and security (right)."""

    clients: widgets.IntSlider
    rounds: widgets.IntSlider
    poisoned: widgets.IntSlider
    dropout: widgets.FloatSlider
    forged: widgets.IntSlider
    profile: widgets.Dropdown
    link: widgets.ToggleButtons
    model: widgets.Dropdown
    aggregator: widgets.Dropdown
    skew: widgets.Dropdown
    pqc: widgets.Checkbox
    energy: widgets.Checkbox

    @classmethod
    def create(cls) -> _Controls:
        style = {"description_width": "110px"}
        profiles = [(p.label, k) for k, p in cluster.PROFILES.items() if k != "gateway"] + [("mixed Pis", "mixed")]
        return cls(
            clients=classed(widgets.IntSlider(5, min=2, max=12, description="clients", style=style), "pqfl-fl-clients"),
            rounds=classed(widgets.IntSlider(4, min=1, max=10, description="rounds", style=style), "pqfl-fl-rounds"),
            poisoned=classed(widgets.IntSlider(0, min=0, max=4, description="poisoned", style=style),
                             "pqfl-fl-poisoned"),
            dropout=classed(widgets.FloatSlider(0.0, min=0.0, max=0.5, step=0.1, description="dropout", style=style),
                            "pqfl-fl-dropout"),
            forged=classed(widgets.IntSlider(0, min=0, max=3, description="forged / round", style=style),
                           "pqfl-fl-forged"),
            profile=classed(widgets.Dropdown(options=profiles, value="pi4", description="Pi profile", style=style),
                            "pqfl-fl-profile"),
            link=classed(widgets.ToggleButtons(options=list(cluster.LINKS), value="wifi", description="link",
                                               style=style), "pqfl-fl-link"),
            model=classed(widgets.Dropdown(options=["gru", "tinyml", "logreg"], value="gru", description="model",
                                           style=style), "pqfl-fl-model"),
            aggregator=classed(widgets.Dropdown(options=["fedavg", "median", "trimmed_mean"], value="fedavg",
                                                description="aggregator", style=style), "pqfl-fl-aggregator"),
            skew=classed(widgets.Dropdown(options=LABEL_SKEW, value=None, description="client data", style=style),
                         "pqfl-fl-skew"),
            pqc=classed(widgets.Checkbox(True, description="PQC (ML-KEM + ML-DSA + Ascon)", indent=False),
                        "pqfl-fl-pqc"),
            energy=classed(widgets.Checkbox(False, description="energy-aware (battery >= 30% or charging)",
                                            indent=False, layout=widgets.Layout(width="360px")), "pqfl-fl-energy"))

    def columns(self) -> widgets.HBox:
        return widgets.HBox([widgets.VBox([self.clients, self.rounds, self.poisoned, self.dropout, self.forged]),
                             widgets.VBox([self.profile, self.link, self.model, self.aggregator, self.skew,
                                           self.pqc, self.energy])])

    def check(self) -> None:
        if self.poisoned.value >= self.clients.value:
            raise ValueError("Keep at least one honest client: poisoned must be below the number of clients.")

    def run_federation(self, on_round: Callable[[int, int], None]):
        """``simulate`` with these settings (seed pqfl_kit.SEED: every learner sees the same federation);
        ``on_round(r, rounds)`` after each round."""
        config = FLConfig(n_clients=self.clients.value, rounds=self.rounds.value, model=self.model.value,
                          profile=self.profile.value, pqc=self.pqc.value, aggregator=self.aggregator.value,
                          poisoned=self.poisoned.value, dropout=self.dropout.value, energy_aware=self.energy.value,
                          link=self.link.value, forged=self.forged.value, label_alpha=self.skew.value, seed=SEED)
        return experiment.run(config, on_round=on_round)


def build_fl_app() -> widgets.Widget:
    """Controls -> ``simulate`` -> accuracy, round-time breakdown, energy, bytes, paper table."""
    controls = _Controls.create()
    run = classed(widgets.Button(description="Run federation", button_style="primary"), "pqfl-fl-run")
    progress = classed(widgets.IntProgress(value=0, min=0, max=1, description="rounds",
                                           layout=widgets.Layout(width="260px")), "pqfl-fl-progress")
    status = status_line("pqfl-fl-status")
    summary = classed(widgets.HTML(), "pqfl-fl-summary")
    figure = classed(widgets.Image(format="png", layout=widgets.Layout(max_width="100%")), "pqfl-figure",
                     "pqfl-fl-figure")
    paper = classed(widgets.HTML(), "pqfl-fl-paper")

    def round_done(r: int, rounds: int) -> None:
        progress.max, progress.value = rounds, r
        show_status(status, f"round {r} of {rounds} done" + (", now the centralized baseline..." if r == rounds
                                                             else "..."), "info")

    @run_button(run, status, bar=progress)  # one federation at a time: disabled until success or an error
    def federate(step):
        controls.check()
        progress.value = 0
        show_status(status, f"training round 1 of {controls.rounds.value}...", "info")
        report = controls.run_federation(round_done)
        summary.value = summary_html(report)
        paper.value = paper_html(report)
        figure.value = figure_png(plot_report(report))
        show_status(status, f"done: {controls.rounds.value} rounds with {controls.clients.value} clients "
                            f"({report.config['aggregator']}, PQC {'on' if controls.pqc.value else 'off'}).", "ok")

    show_status(status, "Choose the settings, then press Run federation (a few seconds per round).", "info")
    app = widgets.VBox([
        titled("Federated learning on a simulated Raspberry Pi cluster",
               widgets.VBox([controls.columns(), widgets.HBox([run, progress, status])])),
        summary, figure, titled("Paper vs kit", paper), quiz_widget("05.1")])
    app.add_class("pqfl-app")
    app.add_class("pqfl-fl-app")
    return app
