"""Figures for notebook 04: learning curves (paper Figs. 3-4), confusion matrices, ROC and
precision-recall curves, and the per-seed results of a seed study."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_curves", "plot_confusions", "plot_roc", "plot_pr", "plot_seed_study"]

_STYLE = {"adam": "-", "nadam": "--", "rmsprop": ":"}
_COLOUR = {"tinyml": "tab:orange", "lstm": "tab:blue", "gru": "tab:green"}


def plot_curves(results: dict) -> Figure:
    """Validation loss and accuracy per epoch; ``results`` maps (arch, optimizer) -> (detector, ...)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
    for (arch, opt), value in results.items():
        det = value[0] if isinstance(value, tuple) else value
        epochs = np.arange(1, det.epochs_run + 1)
        kw = dict(color=_COLOUR.get(arch, "k"), ls=_STYLE.get(opt, "-"), lw=1.4, label=f"{arch}/{opt}")
        ax1.plot(epochs, det.history["val_loss"], **kw)
        ax2.plot(epochs, det.history["val_accuracy"], **kw)
        best = det.best_epoch if hasattr(det, "best_epoch") else 0
        if best:  # the weights early stopping kept
            ax1.plot([best], [det.history["val_loss"][best - 1]], "o", color=kw["color"], ms=4)
    ax1.set(xlabel="epoch", ylabel="validation loss", title="Validation loss")
    ax2.set(xlabel="epoch", ylabel="validation accuracy", title="Validation accuracy")
    ax2.legend(fontsize=7, ncol=3, loc="lower right")
    fig.tight_layout()
    return fig


def plot_confusions(metrics: dict) -> Figure:
    """One confusion matrix per model; ``metrics`` maps a label -> Metrics."""
    n = len(metrics)
    fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.5), squeeze=False)
    for ax, (label, met) in zip(axes[0], metrics.items()):
        cm = met.confusion
        ax.imshow(cm, cmap="Blues")
        for (r, c), v in np.ndenumerate(cm):
            ax.text(c, r, str(v), ha="center", va="center", color="white" if v > cm.max() / 2 else "black")
        ax.set_xticks([0, 1], ["normal", "anomaly"], fontsize=8)
        ax.set_yticks([0, 1], ["normal", "anomaly"], fontsize=8)
        ax.set_xlabel("predicted", fontsize=8)
        ax.set_title(str(label), fontsize=9)
    axes[0][0].set_ylabel("true", fontsize=8)
    fig.tight_layout()
    return fig


def plot_roc(metrics: dict) -> Figure:
    """ROC curves (scikit-learn) of several models on the same test split."""
    from sklearn.metrics import roc_curve  # scikit-learn takes a second to load: only when drawn

    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    for label, met in metrics.items():
        fpr, tpr, _ = roc_curve(met.labels, met.scores)
        ax.plot(fpr, tpr, lw=1.4, label=f"{label} (AUC {met.roc_auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    ax.set(xlabel="false-positive rate", ylabel="true-positive rate", title="ROC on the test split")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def plot_pr(metrics: dict, baseline: float | None = None) -> Figure:
    """Precision-recall curves (scikit-learn) with average precision, and each model's operating point.

    ``metrics`` maps a label -> Metrics on the same test split; the dot marks the model's
    threshold (chosen on validation data). ``baseline``: the prevalence, the precision of a
    detector without skill (default: the first model's test prevalence), drawn dashed.
    """
    from sklearn.metrics import precision_recall_curve

    fig, ax = plt.subplots(figsize=(4.4, 3.6))
    for label, met in metrics.items():
        precision, recall, _ = precision_recall_curve(met.labels, met.scores)
        line, = ax.step(recall, precision, where="post", lw=1.4, label=f"{label} (AP {met.average_precision:.3f})")
        ax.plot([met.recall], [met.precision], "o", color=line.get_color(), ms=5)
    if baseline is None and metrics:
        baseline = float(np.mean(next(iter(metrics.values())).labels))
    if baseline is not None:
        ax.axhline(baseline, color="grey", lw=0.8, ls="--", label=f"no skill (prevalence {baseline:.2f})")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall on the test split", ylim=(0, 1.02))
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def plot_seed_study(results, metric: str = "average_precision") -> Figure:
    """One dot per seed and configuration, the same seed joined by a line (a paired design), mean ± sd bars.

    ``results`` is :func:`pqfl_kit.models.study.seed_study`'s DataFrame.
    """
    configs = list(dict.fromkeys(results["config"]))
    wide = results.pivot(index="seed", columns="config", values=metric)[configs]
    fig, ax = plt.subplots(figsize=(1.3 * len(configs) + 2, 3.4))
    x = np.arange(len(configs))
    for _, row in wide.iterrows():
        ax.plot(x, row.to_numpy(), color="grey", lw=0.7, alpha=0.6, marker="o", ms=3)
    ax.errorbar(x + 0.12, wide.mean().to_numpy(), yerr=wide.std(ddof=1).to_numpy(), fmt="s", color="k",
                capsize=4, ms=5, label="mean ± sd")
    ax.set_xticks(x, configs, fontsize=8)
    ax.set(ylabel=metric.replace("_", " "), title=f"{len(wide)} seeds, same splits for every model")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
