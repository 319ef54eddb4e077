"""Why was a window flagged? SHAP values over (feature x time block) groups.

Method: Kernel SHAP (Lundberg & Lee, "A Unified Approach to Interpreting Model Predictions",
NeurIPS 2017, Sec. 4.1) from the ``shap`` library, applied to *groups* of inputs: a window is
cut into ``n_features x n_blocks`` cells (one feature over a few consecutive time steps); a
coalition keeps some cells and replaces the others by a typical normal window (the mean of
standardized normal training windows). The SHAP value of a cell is its fair share of
``score(window) - score(typical normal window)``: the values add up to that difference
(SHAP's local accuracy property), so they read directly as "points of anomaly score".

Works for every architecture and backend (the model is a black box), and it is cheap: 9 x 4
cells need a few hundred model calls in one batch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pqfl_kit import SEED
from pqfl_kit.limits import whole
from pqfl_kit.traffic import TrafficDataset

__all__ = ["Explanation", "explain_window", "plot_explanation"]


@dataclass(frozen=True)
class Explanation:
    """SHAP values of one window: ``values[f, b]`` is feature ``f`` over time block ``b``."""

    values: np.ndarray
    score: float
    base_score: float
    features: tuple[str, ...]
    blocks: tuple[tuple[int, int], ...]  # [start, end) time steps of each block

    def by_feature(self) -> dict[str, float]:
        """Total contribution of each feature, largest absolute first."""
        totals = self.values.sum(axis=1)
        order = np.argsort(-np.abs(totals))
        return {self.features[i]: float(totals[i]) for i in order}

    def by_time(self) -> np.ndarray:
        """Total contribution of each time block."""
        return self.values.sum(axis=0)

    def top_feature(self) -> str:
        return next(iter(self.by_feature()))

    def top_block(self) -> tuple[int, int]:
        return self.blocks[int(np.argmax(self.by_time()))]

    def summary(self) -> str:
        start, end = self.top_block()
        feats = list(self.by_feature().items())[:3]
        parts = ", ".join(f"{name} ({value:+.2f})" for name, value in feats)
        return (f"score {self.score:.2f} vs {self.base_score:.2f} for a typical normal window; "
                f"main drivers: {parts}; most telling time steps {start}-{end - 1}.")


def explain_window(detector, window: np.ndarray, background: TrafficDataset, *, block: int = 5,
                   nsamples: int = 400, seed: int = SEED) -> Explanation:
    """Explain ``detector``'s score of one raw window (shape (steps, features)).

    ``background`` supplies the normal reference (its normal windows; use training data).
    ``block`` is the number of time steps per group.
    """
    import shap

    x = np.asarray(window, dtype=np.float32)
    if x.shape != (detector.window, len(detector.features)):
        raise ValueError(f"expected one window shaped ({detector.window}, {len(detector.features)}), got {x.shape}.")
    block = whole("block", block, 1, detector.window)
    normal = background.X[background.y == 0]
    if len(normal) == 0:
        raise ValueError("the background data holds no normal windows.")
    xs = detector.standardizer.transform(x)
    reference = detector.standardizer.transform(normal).mean(axis=0)
    n_steps, n_feat = xs.shape
    edges = tuple((s, min(s + block, n_steps)) for s in range(0, n_steps, block))
    cell = np.zeros((n_feat * len(edges), n_steps, n_feat), dtype=bool)  # player -> its inputs
    for f in range(n_feat):
        for b, (s, e) in enumerate(edges):
            cell[f * len(edges) + b, s:e, f] = True

    def scores(z: np.ndarray) -> np.ndarray:
        keep = np.tensordot(z.astype(np.float32), cell.astype(np.float32), axes=1) > 0.5
        return detector.score_scaled(np.where(keep, xs, reference))

    players = cell.shape[0]
    np.random.seed(seed % 2**32)  # Kernel SHAP samples coalitions with NumPy's global generator
    explainer = shap.KernelExplainer(scores, np.zeros((1, players)))
    values = np.asarray(explainer.shap_values(np.ones((1, players)), nsamples=nsamples, silent=True)).reshape(-1)
    base = float(np.asarray(explainer.expected_value).reshape(-1)[0])
    return Explanation(values.reshape(n_feat, len(edges)), float(scores(np.ones((1, players)))[0]), base,
                       tuple(detector.features), edges)


def plot_explanation(explanation: Explanation, window: np.ndarray | None = None):
    """Heat map of SHAP values (features x time blocks) and a bar chart per feature."""
    import matplotlib.pyplot as plt

    e = explanation
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4), gridspec_kw={"width_ratios": [1.6, 1]})
    lim = max(1e-6, float(np.abs(e.values).max()))
    im = ax1.imshow(e.values, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    ax1.set_yticks(range(len(e.features)), e.features, fontsize=8)
    ax1.set_xticks(range(len(e.blocks)), [f"{s}-{t - 1}" for s, t in e.blocks], fontsize=8)
    ax1.set_xlabel("time steps")
    ax1.set_title("SHAP value per feature and time block", fontsize=10)
    fig.colorbar(im, ax=ax1, label="score points")
    totals = e.values.sum(axis=1)
    ax2.barh(range(len(e.features)), totals, color=np.where(totals > 0, "tab:red", "tab:blue"))
    ax2.set_yticks(range(len(e.features)), e.features, fontsize=8)
    ax2.invert_yaxis()
    ax2.axvline(0, color="k", lw=0.6)
    ax2.set_title(f"score {e.score:.2f} (normal reference {e.base_score:.2f})", fontsize=10)
    ax2.set_xlabel("contribution to the score")
    fig.tight_layout()
    return fig
