"""Figures for notebook 04: learning curves (paper Figs. 3-4), confusion matrices, ROC curves."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_curves", "plot_confusions", "plot_roc"]

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
