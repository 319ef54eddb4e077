"""The app gallery: one entry per notebook, the single source for Voila's landing page and app views.

Each entry says what a learner sees before the app runs: a title, a one-line "what you do" for the
gallery card, and a short introduction shown above the app in its Voila app view
(:mod:`pqfl_kit.appview`). The lessons themselves stay in ``notebooks/``; only the cell tagged
``app`` (the one calling ``build_<topic>_app()``) is shown in the app view.

Importing this module is instant (standard library only): the Voila server reads it.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["APPS", "App", "by_builder", "by_notebook", "cards"]


@dataclass(frozen=True)
class App:
    """One notebook's app as the gallery shows it."""

    number: str  # "04": the notebook's number (two digits, "00a" for the primer)
    notebook: str  # "04_anomaly_detection": file name without ".ipynb"
    title: str  # card title and page title
    what_you_do: str  # one line on the card
    intro: str  # 2-3 sentences above the app in its app view (Markdown)
    builder: str  # "build_anomaly_app": the function the app cell calls
    module: str  # "pqfl_kit.apps.anomaly": where the builder lives
    css_class: str  # the app's own root CSS class (besides the shared "pqfl-app")

    @property
    def thumbnail(self) -> str:
        """File name of the card's screenshot in the Voila template's ``static/thumbnails/``."""
        return f"{self.notebook}.png"

    @property
    def lesson(self) -> str:
        """The lesson's path from the repository root (what JupyterLab opens)."""
        return f"notebooks/{self.notebook}.ipynb"


APPS: tuple[App, ...] = (
    App("00", "00_start_here", "00 · Start here: the kit at a glance",
        "See the learning path and answer a warm-up question.",
        "pqfl-kit follows one story: from why today's cryptography breaks to an alert reaching the "
        "right nurse, untampered. The map below links every app; the quiz checks your first answer.",
        "build_start_app", "pqfl_kit.apps.start", "pqfl-start-app"),
    App("00a", "00a_quantum_primer", "00a · Quantum primer: qubits, entanglement and information",
        "Measure a qubit at any angle and watch two entangled qubits agree.",
        "A qubit is two amplitudes, and measuring it gives 0 or 1 with probabilities set by them. Pick a "
        "state and a measurement direction and collect shots, then measure Bell pairs as Alice and Bob "
        "do in E91 and compare how often their bits agree with cos²((a − b)/2).",
        "build_primer_app", "pqfl_kit.apps.primer", "pqfl-primer-app"),
    App("01", "01_quantum_threats", "01 · Quantum threats to medical data",
        "Factor numbers with Shor's circuit, break a toy RSA key, and test Mosca's inequality.",
        "Health data often has to stay secret for decades, but RSA and elliptic-curve keys fall to a "
        "large quantum computer. Run Shor's order-finding circuit for N = 15 or 21 on a simulator, see "
        "how Grover's search speeds up key guessing, and move the Mosca sliders to decide whether a "
        "hospital's data is already at risk.",
        "build_threats_app", "pqfl_kit.apps.threats", "pqfl-threats-app"),
    App("02", "02_pqc_handshake", "02 · Post-quantum handshake: ML-KEM, ML-DSA and Ascon",
        "Run a sensor-to-gateway handshake, attack it, and seal readings with Ascon.",
        "A ward sensor agrees a key with its gateway using NIST's post-quantum standards ML-KEM "
        "(FIPS 203) and ML-DSA (FIPS 204), then seals every reading with Ascon-AEAD128 (SP 800-232). "
        "Switch a man in the middle on and off, flip a bit, replay a packet or reuse a nonce, and "
        "watch which check catches it.",
        "build_pqc_app", "pqfl_kit.apps.pqc", "pqfl-pqc-app"),
    App("03", "03_e91_qkd", "03 · E91: quantum key distribution with an eavesdropper",
        "Turn an eavesdropper on and watch the Bell test catch her.",
        "Alice and Bob measure halves of entangled photon pairs; the same measurements make a key and "
        "run a Bell (CHSH) test. Let Eve intercept some photons or add channel noise, and see S, the "
        "error rate and the final key length decide whether the key is kept or thrown away.",
        "build_qkd_app", "pqfl_kit.apps.qkd", "pqfl-qkd-app"),
    App("04", "04_anomaly_detection", "04 · Anomaly detection on nano-sensor traffic",
        "Train a small detector on sensor traffic and see which windows it flags, and why.",
        "Each window of nano-sensor traffic is normal, a broken sensor, a patient in trouble or an "
        "attack. Choose a model (TinyML, LSTM or GRU), an optimizer and how hard the data is, train "
        "it, and read the test metrics, the learning curves and an explanation of the window it "
        "flags most confidently.",
        "build_anomaly_app", "pqfl_kit.apps.anomaly", "pqfl-anomaly-app"),
    App("05", "05_federated_pi_cluster", "05 · Federated learning on a Pi cluster",
        "Train one detector across simulated Raspberry Pis, with and without poisoned clients.",
        "In federated learning the model travels and the patient data stays at the bedside: each "
        "Raspberry Pi trains on its own traffic and sends back sealed weights. Change the number of "
        "clients, poison one, pick an aggregator and a network link, and see accuracy, time and "
        "energy per round.",
        "build_fl_app", "pqfl_kit.apps.fl", "pqfl-fl-app"),
    App("06", "06_alert_routing", "06 · Alert routing in the hospital",
        "Inject attacks and faults into a ward and watch the gateway route every packet.",
        "The hospital gateway decrypts and verifies every packet, quarantines what fails, and routes "
        "the rest by anomaly score and the NEWS2 early-warning score. Inject tampering, replays, a "
        "sensor fault or a deteriorating patient, and move the two alert thresholds to trade missed "
        "alerts against alert fatigue.",
        "build_hospital_app", "pqfl_kit.apps.hospital", "pqfl-hospital-app"),
    App("07", "07_capstone", "07 · Capstone: the whole chain under attack",
        "Pick an attack and follow one reading through all six stages of the chain.",
        "Every piece of notebooks 01 to 06 wired together for a small ward. Pick a scenario such as "
        "an eavesdropper, a man in the middle or poisoned learning clients, run the chain, and see "
        "which stage notices, what it does, and what still reaches the nurse.",
        "build_capstone_app", "pqfl_kit.apps.capstone", "pqfl-cap-app"),
)


def by_notebook(name: str) -> App | None:
    """The entry for a notebook name ("04_anomaly_detection", with or without ".ipynb"), or None."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".ipynb")
    return next((app for app in APPS if app.notebook == stem), None)


def by_builder(source: str) -> App | None:
    """The entry whose builder ``source`` calls (``build_qkd_app(`` appears in it), or None."""
    return next((app for app in APPS if f"{app.builder}(" in source), None)


def cards(lab_url: str) -> list[dict[str, str]]:
    """The gallery cards as plain dicts (for the Voila tree template); ``lab_url`` ends with "/"."""
    return [{"notebook": f"{app.notebook}.ipynb", "number": app.number, "title": app.title,
             "what": app.what_you_do, "thumbnail": app.thumbnail, "lesson_url": f"{lab_url}lab/tree/{app.lesson}"}
            for app in APPS]
