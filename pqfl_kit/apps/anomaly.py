"""Notebook 04 app: train a nano-traffic anomaly detector and see why it flags a window.

``build_anomaly_app()``: choose model, optimizer, epochs and data difficulty -> train with a
progress bar -> test metrics, learning curves, model size, and a SHAP explanation of one flagged
window. Keras (JAX backend) loads on the first Train click, not when the app is built.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..exercises import all_exercises, quiz_widget
from .common import classed, figure_output, guarded, show_figure, show_status, status_line, tabs, titled

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
            f"confusion: TN {tn}, FP {fp}, FN {fn}, TP {tp}</div>")


def build_anomaly_app() -> widgets.Widget:
    """The widget app of notebook 04 (root CSS class ``pqfl-app``)."""
    model = classed(widgets.Dropdown(options=[("TinyML", "tinyml"), ("LSTM", "lstm"), ("GRU", "gru")],
                                     value="tinyml", description="Model"), "pqfl-anomaly-model")
    optimizer = classed(widgets.Dropdown(options=[("Adam", "adam"), ("Nadam", "nadam"), ("RMSprop", "rmsprop")],
                                         value="adam", description="Optimizer"), "pqfl-anomaly-optimizer")
    epochs = classed(widgets.IntSlider(value=8, min=1, max=30, description="Epochs"), "pqfl-anomaly-epochs")
    difficulty = classed(widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.1, description="Difficulty"),
                         "pqfl-anomaly-difficulty")
    train_button = classed(widgets.Button(description="Train", button_style="primary", icon="play"),
                           "pqfl-anomaly-train")
    progress = classed(widgets.IntProgress(value=0, min=0, max=1, description="Epoch"), "pqfl-anomaly-progress")
    status = status_line("pqfl-anomaly-status")
    metrics = classed(widgets.HTML(), "pqfl-anomaly-metrics")
    curves = figure_output("pqfl-anomaly-curves")
    explain_note = classed(widgets.HTML(), "pqfl-anomaly-explain-text")
    explain_fig = figure_output("pqfl-anomaly-explain")

    @guarded(status)
    def on_train(_=None):
        from .. import traffic as T
        from ..models import detectors as D
        from ..models.explain import explain_window, plot_explanation
        from ..models.plots import plot_curves

        train_button.disabled = True
        try:
            show_status(status, "Generating traffic and compiling the model...", "info")
            data = T.generate(**APP_DATA, difficulty=float(difficulty.value))
            train, val, test = T.split(data)
            progress.max, progress.value = int(epochs.value), 0

            def report(epoch, total, logs):
                progress.value = epoch
                show_status(status, f"epoch {epoch}/{total}: validation accuracy "
                                    f"{logs.get('val_accuracy', float('nan')):.3f}", "info")

            det = D.train_detector(model.value, train, val, optimizer=optimizer.value, epochs=int(epochs.value),
                                   progress=report)
            met = D.evaluate(det, test)
            progress.value = progress.max
            metrics.value = metrics_html(det, met, det.size_bytes)
            show_figure(curves, plot_curves({(det.arch, det.optimizer): det}))
            flagged = np.flatnonzero((met.scores > 0.5) & (test.y == 1))
            if len(flagged):
                i = int(flagged[np.argmax(met.scores[flagged])])
                e = explain_window(det, test.X[i], train, nsamples=300)
                explain_note.value = (f"<b>Window {i}</b> (true kind: {html.escape(str(test.kind[i]))} / "
                                      f"{html.escape(str(test.subkind[i]))}): {html.escape(e.summary())}")
                show_figure(explain_fig, plot_explanation(e))
            else:
                explain_note.value = "No window was flagged: train longer or lower the difficulty."
                explain_fig.clear_output()
            show_status(status, f"Trained: test accuracy {met.accuracy:.3f}, F1 {met.f1:.3f}, "
                                f"ROC-AUC {met.roc_auc:.3f}.", "ok")
        finally:
            train_button.disabled = False

    train_button.on_click(on_train)
    controls = widgets.VBox([widgets.HBox([model, optimizer]), widgets.HBox([epochs, difficulty]),
                             widgets.HBox([train_button, progress]), status])
    panels = {
        "Train": titled("Train a detector", controls, metrics, curves, css_class="pqfl-anomaly-train-panel"),
        "Explain": titled("Why was this window flagged?", explain_note, explain_fig,
                          css_class="pqfl-anomaly-explain-panel"),
        "Quiz": widgets.VBox([quiz_widget(e.id) for e in all_exercises("04") if e.kind == "value"]),
    }
    app = widgets.VBox([widgets.HTML("<h2 style='margin:4px 0'>Nano-traffic anomaly detector</h2>"),
                        tabs(panels, "pqfl-anomaly-tabs")])
    return classed(app, "pqfl-app", "pqfl-anomaly-app")
