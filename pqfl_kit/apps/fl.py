"""Notebook 05 app and figures: federated learning on a simulated Pi cluster (``build_fl_app``)."""
from __future__ import annotations

import html
import io

import ipywidgets as widgets
import numpy as np

from ..exercises import quiz_widget
from ..fl import cluster
from .common import classed, guarded, show_status, status_line, titled

__all__ = ["plot_report", "summary_html", "paper_html", "figure_png", "build_fl_app"]

_PHASE_COLOURS = {"train": "#1f4e79", "seal": "#b3261e", "upload": "#e0a100", "aggregate": "#1b7f3b",
                  "broadcast": "#7a5195"}


def plot_report(report):
    """Four panels: accuracy per round (FL vs centralized), round-time breakdown, energy, bytes."""
    import matplotlib.pyplot as plt

    from ..fl.experiment import PHASES

    rounds = [r.round for r in report.rounds]
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
    ax = axes[0, 0]
    ax.plot(rounds, [r.accuracy for r in report.rounds], "o-", color="#1f4e79", label=f"FL ({report.config['aggregator']})")
    if report.centralized is not None:
        ax.plot(rounds, report.centralized.accuracy[:len(rounds)], "s--", color="#777777", label="centralized")
    ax.set(title="Test accuracy per round", xlabel="round", ylabel="accuracy", ylim=(0, 1))
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    bottom = np.zeros(len(rounds))
    for phase in PHASES:
        values = np.array([getattr(r, phase) for r in report.rounds]) * 1e3
        ax.bar(rounds, values, bottom=bottom, color=_PHASE_COLOURS[phase], label=phase)
        bottom += values
    if report.centralized is not None:
        ax.axhline(report.centralized.total * 1e3, color="#777777", ls="--", label="centralized cycle")
    ax.set(title="Simulated round time (ms)", xlabel="round", ylabel="ms")
    ax.legend(fontsize=7, ncol=2)
    ax = axes[1, 0]
    energy = np.sum([r.energy_j for r in report.rounds], axis=0)
    colours = ["#b3261e" if c in report.poisoned_clients else "#1f4e79" for c in range(len(energy))]
    ax.bar(range(len(energy)), energy, color=colours)
    ax.set(title="Energy per device, all rounds (J; red = poisoned)", xlabel="client", ylabel="J")
    last = report.rounds[-1].battery_pct
    for c, level in enumerate(last):
        if level is not None:
            ax.text(c, energy[c], f"{level:.0f}%", ha="center", va="bottom", fontsize=7)
    ax = axes[1, 1]
    ax.bar(np.array(rounds) - 0.2, [r.bytes_up / 1e3 for r in report.rounds], 0.4, label="up (updates)", color="#e0a100")
    ax.bar(np.array(rounds) + 0.2, [r.bytes_down / 1e3 for r in report.rounds], 0.4, label="down (global)", color="#7a5195")
    ax.set(title="Bytes on the wire per round (kB)", xlabel="round", ylabel="kB")
    ax.legend(fontsize=8)
    for ax in (axes[0, 0], axes[0, 1], axes[1, 1]):
        ax.set_xticks(rounds)
    fig.tight_layout()
    return fig


def summary_html(report) -> str:
    """One line of headline numbers; the accuracy sits in ``.pqfl-fl-acc`` for tests."""
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(report.rejected_total.items())) or "none"
    central = report.centralized
    return (f"<div>final accuracy <b class='pqfl-fl-acc'>{report.final_accuracy:.3f}</b>"
            + (f" (centralized {central.accuracy[-1]:.3f})" if central else "")
            + f" · mean simulated round <b>{report.mean_round_s() * 1e3:.0f} ms</b>"
            f" · model {report.model_bytes / 1e3:.1f} kB · rejected updates: <b class='pqfl-fl-rejected'>"
            f"{html.escape(rejected)}</b> · poisoned clients: {report.poisoned_clients or 'none'}</div>")


def paper_html(report) -> str:
    """The paper's figures next to the kit's simulated ones."""
    return report.paper_table().to_html(classes="pqfl-fl-paper-table", border=0)


def figure_png(fig, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (and closed). The app shows figures in an ``Image`` widget, not an
    ``Output`` widget: Voila 0.5 can hang for good when an ``Output`` widget captures a display
    while the notebook still executes (voila-dashboards/voila#1428), and this app draws its first
    figure while Voila renders it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def build_fl_app() -> widgets.Widget:
    """Controls -> ``simulate`` -> accuracy, round-time breakdown, energy, bytes, paper table."""
    from ..fl import simulate

    style = {"description_width": "110px"}
    clients = classed(widgets.IntSlider(5, min=2, max=12, description="clients", style=style), "pqfl-fl-clients")
    rounds = classed(widgets.IntSlider(4, min=1, max=10, description="rounds", style=style), "pqfl-fl-rounds")
    profile = classed(widgets.Dropdown(options=[(p.label, k) for k, p in cluster.PROFILES.items() if k != "gateway"]
                                       + [("mixed Pis", "mixed")], value="pi4", description="Pi profile",
                                       style=style), "pqfl-fl-profile")
    link = classed(widgets.ToggleButtons(options=list(cluster.LINKS), value="wifi", description="link", style=style),
                   "pqfl-fl-link")
    model = classed(widgets.Dropdown(options=["gru", "tinyml", "logreg"], value="gru", description="model",
                                     style=style), "pqfl-fl-model")
    pqc = classed(widgets.Checkbox(True, description="PQC (ML-KEM + ML-DSA + Ascon)", indent=False), "pqfl-fl-pqc")
    aggregator = classed(widgets.Dropdown(options=["fedavg", "median", "trimmed_mean"], value="fedavg",
                                          description="aggregator", style=style), "pqfl-fl-aggregator")
    poisoned = classed(widgets.IntSlider(0, min=0, max=4, description="poisoned", style=style), "pqfl-fl-poisoned")
    dropout = classed(widgets.FloatSlider(0.0, min=0.0, max=0.5, step=0.1, description="dropout", style=style),
                      "pqfl-fl-dropout")
    forged = classed(widgets.IntSlider(0, min=0, max=3, description="forged / round", style=style), "pqfl-fl-forged")
    energy = classed(widgets.Checkbox(False, description="energy-aware (battery >= 30% or charging)", indent=False,
                                     layout=widgets.Layout(width="360px")),
                     "pqfl-fl-energy")
    run = classed(widgets.Button(description="Run federation", button_style="primary"), "pqfl-fl-run")
    status = status_line("pqfl-fl-status")
    summary = classed(widgets.HTML(), "pqfl-fl-summary")
    figure = classed(widgets.Image(format="png", layout=widgets.Layout(max_width="100%")), "pqfl-figure",
                     "pqfl-fl-figure")
    paper = classed(widgets.HTML(), "pqfl-fl-paper")

    @guarded(status)
    def on_run(_=None):
        if poisoned.value >= clients.value:
            raise ValueError("Keep at least one honest client: poisoned must be below the number of clients.")
        show_status(status, "training...", "info")
        report = simulate(n_clients=clients.value, rounds=rounds.value, model=model.value, profile=profile.value,
                          pqc=pqc.value, aggregator=aggregator.value, poisoned=poisoned.value,
                          dropout=dropout.value, energy_aware=energy.value, link=link.value,
                          forged=forged.value, seed=0)
        summary.value = summary_html(report)
        paper.value = paper_html(report)
        figure.value = figure_png(plot_report(report))
        show_status(status, f"done: {rounds.value} rounds with {clients.value} clients "
                            f"({report.config['aggregator']}, PQC {'on' if pqc.value else 'off'}).", "ok")

    run.on_click(on_run)
    controls = widgets.VBox([
        widgets.HBox([widgets.VBox([clients, rounds, poisoned, dropout, forged]),
                      widgets.VBox([profile, link, model, aggregator, pqc, energy])]),
        widgets.HBox([run, status])])
    app = widgets.VBox([
        titled("Federated learning on a simulated Raspberry Pi cluster", controls),
        summary, figure, titled("Paper vs kit", paper), quiz_widget("05.1")])
    app.add_class("pqfl-app")
    app.add_class("pqfl-fl-app")
    on_run()
    return app
