"""The capstone's figures (notebook 07): the poisoning comparison and the scenario grid."""
from __future__ import annotations

import textwrap

import numpy as np

from .report import ChainReport, scenario_table
from .scenarios import SCENARIOS, STATUSES

__all__ = ["STATUS_COLOURS", "plot_poisoning", "plot_scenarios"]

STATUS_COLOURS = {"ok": "#1b7f3b", "blocked": "#1f4e79", "alert": "#b3261e", "degraded": "#8a6d00"}


def plot_poisoning(report: ChainReport):
    """Accuracy per round without attack, with FedAvg and with the robust aggregator (poisoning run)."""
    import matplotlib.pyplot as plt

    runs = report.details.get("fl", {})
    if len(runs) < 2:
        raise ValueError("this report has no poisoning comparison: run run_chain('poisoning')")
    styles = {"clean": ("no attack (FedAvg)", "#777777", "s--"), "fedavg": ("poisoned, FedAvg", "#b3261e", "o-")}
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for name, fl in runs.items():
        label, colour, style = styles.get(name, (f"poisoned, {name}", "#1f4e79", "^-"))
        ax.plot([r.round for r in fl.rounds], [r.accuracy for r in fl.rounds], style, color=colour, label=label)
    ax.set_xticks([r.round for r in runs["fedavg"].rounds])
    ax.set(title=f"Federated detector, {len(runs['fedavg'].poisoned_clients)} poisoned clients",
           xlabel="round", ylabel="test accuracy", ylim=(0, 1))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_scenarios(reports: dict[str, ChainReport]):
    """The scenario table as a coloured grid: scenarios down, stages across."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    table = scenario_table(reports)
    codes = {s: i for i, s in enumerate(STATUSES)} | {"-": len(STATUSES)}
    grid = table.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    cmap = ListedColormap([STATUS_COLOURS[s] for s in STATUSES] + ["#eeeeee"])
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(table) + 1.6))
    ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(STATUSES) + 0.5, aspect="auto")
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, value, ha="center", va="center", fontsize=8, color="white" if value != "-" else "#777777")
    ax.set_xticks(range(len(table.columns)), [textwrap.fill(f"{i + 1} · {c}", 15) for i, c in enumerate(table.columns)],
                  fontsize=8)
    ax.set_yticks(range(len(table)), [SCENARIOS[k].title for k in table.index], fontsize=8)
    ax.set_title("Which stage reacts to which attack")
    fig.tight_layout()
    return fig
