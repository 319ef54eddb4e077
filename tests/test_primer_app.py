"""The notebook 00a app driven from Python: one qubit, Bell pairs, quiz; messages, never tracebacks."""
from __future__ import annotations

import matplotlib
import pytest
from widget_tree import find, one

matplotlib.use("Agg")


@pytest.fixture()
def app():
    from pqfl_kit.apps.primer import build_primer_app

    return build_primer_app()


def test_root_classes_tabs_and_initial_state(app):
    assert {"pqfl-app", "pqfl-primer-app"} <= set(app._dom_classes)
    tabs = one(app, "pqfl-primer-tabs")
    assert [tabs.get_title(i) for i in range(3)] == ["One qubit", "Two qubits", "Quiz"]
    assert "0.87|0⟩ + 0.50|1⟩" in one(app, "pqfl-primer-amplitudes").value
    assert "press Measure" in one(app, "pqfl-primer-status").value


def test_measure_one_qubit_counts_all_shots(app):
    one(app, "pqfl-primer-shots").value = 500
    one(app, "pqfl-primer-measure").click()
    status = one(app, "pqfl-primer-status").value
    assert "Measured 500 shots" in status and "pqfl-msg-ok" in status and "0.750" in status
    assert not one(app, "pqfl-primer-measure").disabled


def test_each_click_draws_new_seeded_shots(app):
    button, status = one(app, "pqfl-primer-measure"), one(app, "pqfl-primer-status")
    button.click()
    first = status.value
    button.click()
    assert status.value != first  # fresh shots
    from pqfl_kit.apps.primer import build_primer_app

    again = build_primer_app()
    one(again, "pqfl-primer-measure").click()
    assert one(again, "pqfl-primer-status").value == first  # the same sequence in a new app


def test_sliders_update_amplitudes_and_probabilities(app):
    one(app, "pqfl-primer-angle").value = 180
    assert "0.00|0⟩ + 1.00|1⟩" in one(app, "pqfl-primer-amplitudes").value
    one(app, "pqfl-primer-basis").value = 180
    assert "P(0) = cos²((θ − t)/2) = <b>1.000</b>" in one(app, "pqfl-primer-amplitudes").value
    one(app, "pqfl-primer-measure").click()
    assert "1 came 0 times" in one(app, "pqfl-primer-status").value


def test_bell_pairs_at_equal_angles_always_agree(app):
    one(app, "pqfl-primer-alice").value = 45
    one(app, "pqfl-primer-bob").value = 45
    one(app, "pqfl-primer-pairs-run").click()
    assert "agreed in 100.0%" in one(app, "pqfl-primer-pairs-status").value
    result = one(app, "pqfl-primer-pairs-result").value
    assert "cos²((a − b)/2) = 1.000" in result and "This is what E91 uses" in result


def test_bell_pairs_at_right_angles_agree_half_the_time(app):
    from pqfl_kit.apps.primer import pairs_html
    from pqfl_kit.primer.states import measure_pairs

    one(app, "pqfl-primer-alice").value = 90
    one(app, "pqfl-primer-bob").value = 0
    one(app, "pqfl-primer-pairs").value = 10_000
    one(app, "pqfl-primer-pairs-run").click()
    assert "cos(a − b) = +0.000" in one(app, "pqfl-primer-pairs-result").value
    run = measure_pairs(1.5707963267948966, 0.0, 10_000)
    assert abs(run.agree - 0.5) < 3 * run.stderr and "0.5 whatever the angles" in pairs_html(run)


def test_an_error_in_a_callback_is_a_message(app, monkeypatch):
    import pqfl_kit.apps.primer as primer

    def broken(*args, **kwargs):
        raise ValueError("shots must be in [1, 100,000], got 0")

    monkeypatch.setattr(primer, "sample_counts", broken)
    one(app, "pqfl-primer-measure").click()
    status = one(app, "pqfl-primer-status").value
    assert "pqfl-msg-error" in status and "shots must be" in status and "Traceback" not in status
    assert not one(app, "pqfl-primer-measure").disabled


def test_quiz_tab_grades_typed_answers(app):
    quiz = find(app, "pqfl-quiz-00a-1")
    assert quiz is not None and find(app, "pqfl-quiz-00a-4") is not None
    one(quiz, "pqfl-quiz-input").value = "64%"
    one(quiz, "pqfl-quiz-check").click()
    assert "Correct" in one(quiz, "pqfl-quiz-feedback").value
    one(quiz, "pqfl-quiz-input").value = "0.8"
    one(quiz, "pqfl-quiz-check").click()
    assert "amplitude itself" in one(quiz, "pqfl-quiz-feedback").value
