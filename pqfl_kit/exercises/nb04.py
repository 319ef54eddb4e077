"""Exercises of notebook 04 (anomaly detection): grading, hints and reference solutions."""
from __future__ import annotations

import numpy as np

from . import Exercise, register, whole_number


# 04.1 ---------------------------------------------------------------------------------
def solution_zscore(train_X, test_X):
    """Standardize test windows with the mean and std of the TRAINING windows, per feature (Eq. 3)."""
    flat = train_X.reshape(-1, train_X.shape[-1])
    mean, std = flat.mean(axis=0), flat.std(axis=0)
    return (test_X - mean) / std


def _grade_zscore(fn) -> tuple[bool, str]:
    rng = np.random.default_rng(4)
    train = rng.normal([5, -60, 80], [1, 3, 10], size=(30, 6, 3))
    test = rng.normal([9, -70, 80], [1, 3, 10], size=(10, 6, 3))
    got = np.asarray(fn(train.copy(), test.copy()), dtype=float)
    want = solution_zscore(train, test)
    if got.shape != want.shape:
        return False, f"the result has shape {got.shape}, expected {want.shape} (same as test_X)."
    leaked = (test - test.reshape(-1, 3).mean(0)) / test.reshape(-1, 3).std(0)
    if np.allclose(got, leaked, atol=1e-6):
        return False, "you used the test windows' own statistics: that leaks test information into training."
    if not np.allclose(got, want, atol=1e-6):
        return False, "the values differ from (x - train mean) / train std per feature."
    return True, "right: the test data is scaled with what the model saw in training, nothing more."


register(Exercise(
    id="04.1", title="Z-score without leakage", kind="function",
    question="Write zscore(train_X, test_X): standardize test_X (windows, steps, features) with the per-feature "
             "mean and standard deviation of train_X.",
    grade=_grade_zscore, solution=solution_zscore,
    hint="flatten train_X to rows of features: train_X.reshape(-1, n_features); take .mean(axis=0) and .std(axis=0)."))


# 04.2 ---------------------------------------------------------------------------------
def _grade_dense_weights(answer) -> tuple[bool, str]:
    if whole_number(answer) == 20 * 9 * 16:
        return True, "20 x 9 = 180 inputs x 16 units = 2,880 weights: 2,880 bytes in int8, 11,520 in float32."
    if whole_number(answer) == 20 * 9 * 16 + 16:
        return False, "that counts a bias, but this layer has use_bias=False (BatchNorm supplies the shift)."
    return False, f"{answer} is not the number of weights of that layer."


register(Exercise(
    id="04.2", title="Where a TinyML model's bytes go", kind="value", parse=whole_number,
    question="The TinyML model flattens a window of 20 steps x 9 features into a Dense layer of 16 units "
             "without bias. How many weights does that layer hold?",
    grade=_grade_dense_weights, solution=2880,
    hint="every input connects to every unit: inputs x units."))


# 04.3 ---------------------------------------------------------------------------------
def solution_f1(tn: int, fp: int, fn: int, tp: int) -> float:
    """F1 score from a confusion matrix: harmonic mean of precision and recall (0 if undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _grade_f1(fn) -> tuple[bool, str]:
    from sklearn.metrics import f1_score

    for tn, fp, fneg, tp in [(90, 10, 5, 45), (50, 0, 0, 50), (80, 20, 20, 0), (10, 0, 30, 60), (99, 1, 0, 0)]:
        y = [0] * tn + [0] * fp + [1] * fneg + [1] * tp
        pred = [0] * tn + [1] * fp + [0] * fneg + [1] * tp
        want = f1_score(y, pred, zero_division=0)
        got = fn(tn, fp, fneg, tp)
        if got is None or abs(float(got) - want) > 1e-9:
            return False, f"for tn={tn}, fp={fp}, fn={fneg}, tp={tp} you returned {got}, scikit-learn says {want:.4f}."
    return True, "matches scikit-learn, including the cases with no true positives."


register(Exercise(
    id="04.3", title="F1 from a confusion matrix", kind="function",
    question="Write f1(tn, fp, fn, tp): the F1 score of the anomaly class; return 0.0 when it is undefined.",
    grade=_grade_f1, solution=solution_f1,
    hint="precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2PR / (P + R); guard divisions by zero."))
