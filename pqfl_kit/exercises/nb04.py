"""Exercises of notebook 04 (anomaly detection): grading, hints and reference solutions."""
from __future__ import annotations

import numpy as np

from . import Exercise, as_array, as_real, as_whole, close, register, register_thought, whole_number


# 04.1 ---------------------------------------------------------------------------------
def solution_zscore(train_X, test_X):
    """Standardize test windows with the mean and std of the TRAINING windows, per feature (Eq. 3)."""
    flat = train_X.reshape(-1, train_X.shape[-1])
    mean, std = flat.mean(axis=0), flat.std(axis=0)
    return (test_X - mean) / std


def _zscore_slips(train: np.ndarray, test: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Typical wrong standardizations, each with what it did wrong."""
    flat, own = train.reshape(-1, 3), test.reshape(-1, 3)
    return [
        ((test - own.mean(0)) / own.std(0),
         "you used the test windows' own statistics: that leaks test information into training"),
        ((flat.mean(0) - test) / flat.std(0), "the sign is flipped: subtract the mean from x, not x from the mean"),
        ((test - train.mean(0)) / train.std(0),
         "you took statistics per time step; Eq. 3 uses one mean and std per feature over all windows and steps"),
        ((test - flat.mean(0)) / flat.std(0, ddof=1), "that is the sample std (ddof=1); Eq. 3 uses np.std's ddof=0"),
        (test - flat.mean(0), "you subtracted the mean but did not divide by the std"),
    ]


def _grade_zscore(fn) -> tuple[bool, str]:
    rng = np.random.default_rng(4)
    train = rng.normal([5, -60, 80], [1, 3, 10], size=(30, 6, 3))
    test = rng.normal([9, -70, 80], [1, 3, 10], size=(10, 6, 3))
    want = solution_zscore(train, test)
    got = as_array(fn(train.copy(), test.copy()), "zscore returned", want.shape)
    if np.allclose(got, want, atol=1e-6):
        return True, "right: the test data is scaled with what the model saw in training, nothing more."
    for slip, why in _zscore_slips(train, test):
        if np.allclose(got, slip, atol=1e-6):
            return False, f"{why}."
    return False, "the values differ from (x - train mean) / train std per feature."


register(Exercise(
    id="04.1", title="Z-score without leakage", kind="function",
    question="Write zscore(train_X, test_X): standardize test_X (windows, steps, features) with the per-feature "
             "mean and standard deviation of train_X.",
    grade=_grade_zscore, solution=solution_zscore,
    hint="flatten train_X to rows of features: train_X.reshape(-1, n_features); take .mean(axis=0) and .std(axis=0)."))


# 04.2 ---------------------------------------------------------------------------------
def solution_f1(tn: int, fp: int, fn: int, tp: int) -> float:
    """F1 score from a confusion matrix: harmonic mean of precision and recall (0 if undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


_F1_CASES = [(90, 10, 5, 45), (50, 0, 0, 50), (80, 20, 20, 0), (10, 0, 30, 60), (99, 1, 0, 0), (60, 15, 5, 20)]
#: other scores of a confusion matrix that learners return by mistake
_F1_SLIPS = (
    (lambda tn, fp, fn, tp: (tn + tp) / (tn + fp + fn + tp),
     "that is the accuracy, which the many normal windows inflate"),
    (lambda tn, fp, fn, tp: tp / (tp + fp) if tp + fp else 0.0, "that is the precision alone"),
    (lambda tn, fp, fn, tp: tp / (tp + fn) if tp + fn else 0.0, "that is the recall alone"),
    (lambda tn, fp, fn, tp: (tp / (tp + fp) + tp / (tp + fn)) / 2 if tp + fp and tp + fn else 0.0,
     "that is the arithmetic mean of precision and recall; F1 is their harmonic mean 2PR / (P + R)"),
)


def _grade_f1(fn) -> tuple[bool, str]:
    from sklearn.metrics import f1_score

    got, want = [], []
    for tn, fp, fneg, tp in _F1_CASES:
        y = [0] * tn + [0] * fp + [1] * fneg + [1] * tp
        pred = [0] * tn + [1] * fp + [0] * fneg + [1] * tp
        want.append(float(f1_score(y, pred, zero_division=0)))
        got.append(as_real(fn(tn, fp, fneg, tp), f"f1(tn={tn}, fp={fp}, fn={fneg}, tp={tp}) returned"))
    for (tn, fp, fneg, tp), g, w in zip(_F1_CASES, got, want):
        if not close(g, w):
            slip = next((f": {why}" for score, why in _F1_SLIPS
                         if all(close(g2, score(*case)) for g2, case in zip(got, _F1_CASES))), "")
            return False, (f"for tn={tn}, fp={fp}, fn={fneg}, tp={tp} you returned {g:g}, "
                           f"scikit-learn says {w:.4f}{slip}.")
    return True, "matches scikit-learn, including the cases with no true positives."


register(Exercise(
    id="04.2", title="F1 from a confusion matrix", kind="function",
    question="Write f1(tn, fp, fn, tp): the F1 score of the anomaly class; return 0.0 when it is undefined.",
    grade=_grade_f1, solution=solution_f1,
    hint="precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2PR / (P + R); guard divisions by zero."))


# 04.3 ---------------------------------------------------------------------------------
_WEIGHT_MIX_UPS = {20 * 9 * 16 + 16: "that counts a bias, but this layer has use_bias=False "
                                     "(BatchNorm supplies the shift)",
                   20 * 9 * 16 * 4: "that is the float32 size in bytes (4 per weight): count the weights",
                   20 * 9: "180 is the number of inputs: each connects to all 16 units",
                   9 * 16: "you left out the 20 time steps: the window is flattened first",
                   20 * 16: "you left out the 9 features: the window is flattened first"}


def _grade_dense_weights(answer) -> tuple[bool, str]:
    weights = as_whole(answer, text=True)
    if weights == 20 * 9 * 16:
        return True, "20 x 9 = 180 inputs x 16 units = 2,880 weights: 2,880 bytes in int8, 11,520 in float32."
    if weights in _WEIGHT_MIX_UPS:
        return False, f"{_WEIGHT_MIX_UPS[weights]}."
    return False, f"{weights} is not the number of weights of that layer."


register(Exercise(
    id="04.3", title="Where a TinyML model's bytes go", kind="value", parse=whole_number,
    question="The TinyML model flattens a window of 20 steps x 9 features into a Dense layer of 16 units "
             "without bias. How many weights does that layer hold?",
    grade=_grade_dense_weights, solution=2880,
    hint="every input connects to every unit: inputs x units."))


# Think about it -----------------------------------------------------------------------
register_thought(
    "04.T1",
    prompt=("At 3 % prevalence the nurse gets about 13 false alarms for every real anomaly. What could the ward change "
            "(in the detector, the threshold or the way alarms are handled) to make the alarms useful, and what would "
            "each change cost?"),
    answer=("A higher threshold cuts false alarms but misses more real anomalies; where it sits is a clinical "
            "choice, made on validation data, never on the test set. A short baseline period per patient "
            "(per-device calibration) attacks the cause here, the models' poor transfer to unseen patients, at the "
            "price of a learning phase for every new sensor. Requiring the flag on several consecutive windows "
            "removes one-off blips but delays the alarm. Routing alarms by cause helps too: a network-looking "
            "anomaly can go to a device check rather than paging a nurse, and combining the score with a clinical "
            "early-warning score (notebook 06) keeps the pages for patients who look ill."))

register_thought(
    "04.T2",
    prompt=("For a replay window, which features would you expect at the top of the explanation, and why are the "
            "vitals alone not enough to catch it?"),
    answer=("A replay re-sends old but genuine readings, so every vital sign stays in a normal range and looks "
            "like the patient's own: the vitals alone cannot tell it from a calm patient. What gives it away is the "
            "way the packets travel: in the kit's generator replayed packets arrive with a suspiciously regular, "
            "clock-like delay, so delay_ms (its missing jitter) should rank near the top, possibly with other "
            "network features. That is also why an attacker would replay calm vitals to hide a deterioration, and "
            "why the channel of notebook 02 refuses replays by sequence number before any model sees them."))
