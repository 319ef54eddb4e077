"""Notebook 00 app: the kit's map with links to every notebook's app, and a warm-up quiz."""
from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from ..exercises import quiz_widget
from .common import PALETTE_STYLE, classed

__all__ = ["KIT_MAP", "build_start_app", "kit_map_html"]

# (file stem, title, what a learner does there)
KIT_MAP = [
    ("00_start_here", "Start here", "how the kit works, the learning path, a warm-up exercise"),
    ("00a_quantum_primer", "Quantum primer",
     "new to quantum? start here: qubits, measurement, entanglement, the QFT, entropy, with Qiskit"),
    ("01_quantum_threats", "Quantum threats",
     "Shor factors N = 15 and 21, a toy RSA record is broken, Grover, Mosca's inequality"),
    ("02_pqc_handshake", "Post-quantum handshake",
     "ML-KEM + ML-DSA between a sensor and a gateway, Ascon-AEAD128 stream, attack toggles"),
    ("03_e91_qkd", "E91 quantum key distribution",
     "entangled pairs, CHSH test, an eavesdropper to switch on, key distillation"),
    ("04_anomaly_detection", "Anomaly detection",
     "nano-sensor traffic, TinyML / LSTM / GRU, optimizers, an int8 LiteRT model"),
    ("05_federated_pi_cluster", "Federated learning on Raspberry Pis",
     "FedAvg over PQC-sealed updates, energy, RabbitMQ, K3s"),
    ("06_alert_routing", "Alert routing in the hospital",
     "verify, quarantine, route by anomaly score, NEWS2 decision support, EHR"),
    ("07_capstone", "Capstone", "the whole chain end to end, with attack scenarios"),
]

_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def kit_map_html(link_suffix: str = ".ipynb") -> str:
    """The learning path as an HTML table; notebooks not written yet are marked 'coming'."""
    rows = []
    for stem, title, what in KIT_MAP:
        present = (_NOTEBOOKS / f"{stem}.ipynb").exists()
        name = (f"<a href='{stem}{link_suffix}' target='_blank'>{html.escape(title)}</a>" if present
                else f"{html.escape(title)} <i>(coming)</i>")
        rows.append(f"<tr><td style='padding:2px 8px'>{stem.split('_')[0]}</td><td style='padding:2px 8px'>{name}</td>"
                    f"<td style='padding:2px 8px'>{html.escape(what)}</td></tr>")
    return ("<table class='pqfl-kit-map'><tr><th>#</th><th style='text-align:left'>notebook</th>"
            "<th style='text-align:left'>what you do</th></tr>" + "".join(rows) + "</table>")


def build_start_app() -> widgets.Widget:
    """The start page app: the map (links open each app) and the warm-up quiz."""
    app = widgets.VBox([
        widgets.HTML("<h2 style='margin:4px 0'>pqfl-kit: securing medical IoT against quantum computers</h2>"
                     "<p>Open any notebook below; each one is also an app like this one.</p>"),
        classed(widgets.HTML(kit_map_html()), "pqfl-start-map"),
        widgets.HTML(f"{PALETTE_STYLE}<h3>Warm-up</h3>"),  # the palette: quiz feedback readable in both themes
        quiz_widget("00.1"),
    ])
    return classed(app, "pqfl-app", "pqfl-start-app")
