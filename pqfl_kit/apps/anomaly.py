"""Notebook 04 app: train a nano-traffic anomaly detector and see why it flags a window.

``build_anomaly_app()``: choose model, optimizer, epochs and data difficulty -> train with a
progress bar on some devices -> test metrics on held-out devices (threshold chosen on validation
devices, majority baseline alongside), learning curves, model size, and a SHAP explanation of one
flagged window. Keras (JAX backend) loads on the first Train click, not when the app is built. The figures
live in :mod:`pqfl_kit.models.plots` and :mod:`pqfl_kit.models.explain`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import traffic as T
from ..exercises import all_exercises, quiz_widget
from ..models.explain import explain_window, plot_explanation
from ..models.plots import plot_curves
from .common import classed, figure_output, run_button, show_figure, show_status, status_line, tabs, titled

__all__ = ["build_anomaly_app", "metrics_html"]

APP_DATA = {"n_devices": 8, "windows_per_device": 150}  # small: a training takes seconds


def metrics_html(det, met, size_bytes: int) -> str:
    """A small HTML table of test metrics, per-kind detection rates and the model size."""
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:.3f}</td></tr>" for k, v in met.as_dict().items())
    kinds = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:.0%}</td></tr>" for k, v in sorted(met.per_kind.items()))
    tn, fp, fn, tp = met.confusion.ravel()
    return (f"<div class='pqfl-anomaly-table'><b>{html.escape(det.arch)} / {html.escape(det.optimizer)}</b>: "
            f"{det.epochs_run} epochs in {det.train_seconds:.1f} s; size {size_bytes / 1024:.1f} KB (float32 weights)"
            f"<table style='margin-top:4px'><tr><th>test metric</th><th></th></tr>{rows}</table>"
            f"<table><tr><th>kind</th><th>flagged</th></tr>{kinds}</table>"
            f"confusion at the threshold {met.threshold:.2f} (chosen on the validation devices): "
            f"TN {tn}, FP {fp}, FN {fn}, TP {tp}; the majority baseline scores accuracy "
            f"{max(met.prevalence, 1 - met.prevalence):.3f}, avg_precision {met.prevalence:.3f}</div>")


@dataclass
class _Controls:
    """Model, optimizer, epochs and data difficulty; the Train button and its progress bar."""

    model: widgets.Dropdown
    optimizer: widgets.Dropdown
    epochs: widgets.IntSlider
    difficulty: widgets.FloatSlider
    train: widgets.Button
    progress: widgets.IntProgress

    @classmethod
    def create(cls) -> _Controls:
        return cls(
            model=classed(widgets.Dropdown(options=[("TinyML", "tinyml"), ("LSTM", "lstm"), ("GRU", "gru")],
                                           value="tinyml", description="Model"), "pqfl-anomaly-model"),
            optimizer=classed(widgets.Dropdown(options=[("Adam", "adam"), ("Nadam", "nadam"),
                                                        ("RMSprop", "rmsprop")],
                                               value="adam", description="Optimizer"), "pqfl-anomaly-optimizer"),
            epochs=classed(widgets.IntSlider(value=8, min=1, max=30, description="Epochs"), "pqfl-anomaly-epochs"),
            difficulty=classed(widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description="Difficulty"),
                               "pqfl-anomaly-difficulty"),
            train=classed(widgets.Button(description="Train", button_style="primary", icon="play"),
                          "pqfl-anomaly-train"),
            progress=classed(widgets.IntProgress(value=0, min=0, max=1, description="Epoch"),
                             "pqfl-anomaly-progress"))

    def box(self, status: widgets.HTML) -> widgets.VBox:
        return widgets.VBox([widgets.HBox([self.model, self.optimizer]), widgets.HBox([self.epochs, self.difficulty]),
                             widgets.HBox([self.train, self.progress]), status])


def _train(c: _Controls, status: widgets.HTML):
    """Generate traffic, train the chosen detector with a progress report, evaluate it on the test split."""
    from ..models import detectors as D  # Keras: loaded on the first Train click

    show_status(status, "Generating traffic and compiling the model...", "info")
    data = T.generate(**APP_DATA, difficulty=float(c.difficulty.value))
    train, val, test = T.split(data, by="device", test_size=0.25, val_size=0.25)  # test patients never seen
    c.progress.max, c.progress.value = int(c.epochs.value), 0

    def report(epoch, total, logs):
        c.progress.value = epoch
        show_status(status, f"epoch {epoch}/{total}: validation accuracy "
                            f"{logs.get('val_accuracy', float('nan')):.3f}", "info")

    det = D.train_detector(c.model.value, train, val, optimizer=c.optimizer.value, epochs=int(c.epochs.value),
                           progress=report)
    met = D.evaluate(det, test, threshold=D.validation_threshold(det, val))
    c.progress.value = c.progress.max
    return det, met, train, test


def _explain_top_window(det, met, train, test, note: widgets.HTML, figure: widgets.Output) -> None:
    """SHAP (Lundberg & Lee 2017) on the flagged anomaly the detector is surest about, if any."""
    flagged = np.flatnonzero((met.scores > met.threshold) & (test.y == 1))
    if not len(flagged):
        note.value = "No window was flagged: train longer or lower the difficulty."
        figure.clear_output()
        return
    i = int(flagged[np.argmax(met.scores[flagged])])
    e = explain_window(det, test.X[i], train, nsamples=300)
    note.value = (f"<b>Window {i}</b> (true kind: {html.escape(str(test.kind[i]))} / "
                  f"{html.escape(str(test.subkind[i]))}): {html.escape(e.summary())}")
    show_figure(figure, plot_explanation(e))


def build_anomaly_app() -> widgets.Widget:
    """The widget app of notebook 04 (root CSS class ``pqfl-app``)."""
    controls, status = _Controls.create(), status_line("pqfl-anomaly-status")
    metrics = classed(widgets.HTML(), "pqfl-anomaly-metrics")
    curves = figure_output("pqfl-anomaly-curves")
    explain_note = classed(widgets.HTML(), "pqfl-anomaly-explain-text")
    explain_fig = figure_output("pqfl-anomaly-explain")

    @run_button(controls.train, status, bar=controls.progress)  # disabled while it trains, even after an error
    def on_train(step):
        det, met, train, test = _train(controls, status)
        metrics.value = metrics_html(det, met, det.size_bytes)
        show_figure(curves, plot_curves({(det.arch, det.optimizer): det}))
        _explain_top_window(det, met, train, test, explain_note, explain_fig)
        show_status(status, f"Trained: test accuracy {met.accuracy:.3f}, F1 {met.f1:.3f}, "
                            f"ROC-AUC {met.roc_auc:.3f}.", "ok")

    panels = {
        "Train": titled("Train a detector", controls.box(status), metrics, curves,
                        css_class="pqfl-anomaly-train-panel"),
        "Explain": titled("Why was this window flagged?", explain_note, explain_fig,
                          css_class="pqfl-anomaly-explain-panel"),
        "Quiz": widgets.VBox([quiz_widget(e.id) for e in all_exercises("04") if e.kind == "value"]),
    }
    app = widgets.VBox([widgets.HTML("<h2 style='margin:4px 0'>Nano-traffic anomaly detector</h2>"),
                        tabs(panels, "pqfl-anomaly-tabs")])
    return classed(app, "pqfl-app", "pqfl-anomaly-app")
