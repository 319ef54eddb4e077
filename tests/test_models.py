"""pqfl_kit.models: builders, training, metrics, LiteRT export, explanations (real Keras/JAX, real LiteRT)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from pqfl_kit import traffic as T

keras = pytest.importorskip("keras")
from pqfl_kit.models import detectors as D  # noqa: E402

pytestmark = pytest.mark.slow  # Keras builds and trainings: 2-5 s each


@pytest.fixture(scope="module")
def splits():
    data = T.generate(n_devices=6, windows_per_device=150, difficulty=0.3, seed=21)
    return T.split(data, seed=21)


@pytest.fixture(scope="module")
def tiny(splits):
    train, val, _ = splits
    return D.train_detector("tinyml", train, val, epochs=25, seed=21)


def test_import_pqfl_kit_models_stays_light():
    code = ("import sys, pqfl_kit, pqfl_kit.models, pqfl_kit.traffic; "
            "print([m for m in ('keras', 'jax', 'tensorflow') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("arch", D.ARCHITECTURES)
@pytest.mark.parametrize("optimizer", D.OPTIMIZERS)
def test_builders(arch, optimizer):
    model = D.build_model(arch, 20, 9, optimizer=optimizer, seed=1)
    assert model.input_shape == (None, 20, 9) and model.output_shape == (None, 1)
    names = [type(layer).__name__ for layer in model.layers]
    assert "BatchNormalization" in names and "Dropout" in names
    assert ("LSTM" in names) == (arch == "lstm") and ("GRU" in names) == (arch == "gru")
    assert type(model.optimizer).__name__.lower() == optimizer
    assert model.loss == "binary_crossentropy"
    out = np.asarray(model(np.random.default_rng(0).normal(size=(5, 20, 9)).astype("float32"), training=False))
    assert out.shape == (5, 1) and np.all((out >= 0) & (out <= 1))
    # same seed -> same initial weights (FedAvg clients start alike)
    again = D.build_model(arch, 20, 9, optimizer=optimizer, seed=1)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_builder_rejects_bad_choices():
    with pytest.raises(ValueError, match="choose one of"):
        D.build_model("transformer", 20, 9)
    with pytest.raises(ValueError, match="optimizer"):
        D.build_model("gru", 20, 9, optimizer="sgd")
    with pytest.raises(ValueError):
        D.build_model("gru", 0, 9)
    with pytest.raises(ValueError):
        D.build_model("gru", 20, 9, dropout=1.5)
    with pytest.raises(TypeError):
        D.build_model(3, 20, 9)


def test_weights_round_trip_for_fedavg():
    a = D.build_model("gru", 10, 9, seed=1)
    b = D.build_model("gru", 10, 9, seed=2)
    mean = [(x + y) / 2 for x, y in zip(a.get_weights(), b.get_weights())]
    a.set_weights(mean)
    for got, want in zip(a.get_weights(), mean):
        np.testing.assert_allclose(got, want)


def test_tinyml_learns_and_metrics_are_consistent(tiny, splits):
    _, _, test = splits
    met = D.evaluate(tiny, test)
    assert met.accuracy > 0.85 and met.roc_auc > 0.9
    tn, fp, fn, tp = met.confusion.ravel()
    assert tn + fp + fn + tp == len(test)
    assert met.accuracy == pytest.approx((tp + tn) / len(test))
    assert met.precision == pytest.approx(tp / (tp + fp)) and met.recall == pytest.approx(tp / (tp + fn))
    assert met.per_kind["normal"] < 0.1
    assert max(met.per_kind[k] for k in T.KINDS[1:]) > 0.8
    assert tiny.history["val_loss"][-1] < tiny.history["val_loss"][0]
    scores = tiny.score(test)
    assert scores.shape == (len(test),) and np.all((scores >= 0) & (scores <= 1))
    assert tiny.score(test.X[0]).shape == (1,)  # one raw window (hospital use)
    with pytest.raises(ValueError, match="expected windows shaped"):
        tiny.score(np.zeros((3, 7, 9)))


def test_training_is_reproducible_and_reports_progress(splits):
    train, val, _ = splits
    seen = []
    a = D.train_detector("tinyml", train, val, optimizer="rmsprop", epochs=2, seed=3,
                         progress=lambda e, n, logs: seen.append((e, n, round(logs["val_loss"], 6))))
    b = D.train_detector("tinyml", train, val, optimizer="rmsprop", epochs=2, seed=3)
    assert [s[:2] for s in seen] == [(1, 2), (2, 2)]
    np.testing.assert_allclose(a.history["val_loss"], b.history["val_loss"], rtol=1e-5)
    assert [s[2] for s in seen] == [round(v, 6) for v in a.history["val_loss"]]


def test_train_detector_errors(splits):
    train, val, _ = splits
    with pytest.raises(ValueError, match="epochs"):
        D.train_detector("tinyml", train, val, epochs=0)
    with pytest.raises(ValueError, match="only one class"):
        D.train_detector("tinyml", train.subset(train.y == 0), val)
    with pytest.raises(ValueError, match="both hold windows"):
        D.train_detector("tinyml", train, val.subset(np.zeros(len(val), bool)))


def test_size_is_parameter_bytes(tiny):
    n_params = sum(int(np.prod(w.shape)) for w in tiny.model.weights)
    assert tiny.size_bytes == 4 * n_params < 20_000


def test_explanation_points_at_the_attacked_features(tiny, splits):
    from pqfl_kit.models.explain import explain_window

    train, _, test = splits
    scores = tiny.score(test)
    i = int(np.flatnonzero((test.subkind == "flooding") & (scores > 0.9))[0])
    e = explain_window(tiny, test.X[i], train, block=5)
    assert e.values.shape == (9, 4)
    assert e.base_score + e.values.sum() == pytest.approx(e.score, abs=0.02)  # SHAP local accuracy
    top3 = list(e.by_feature())[:3]
    assert set(top3) & {"delay_ms", "loss_rate", "tx_time_ms"}
    with pytest.raises(ValueError):
        explain_window(tiny, test.X[:2], train)


@pytest.mark.slow
def test_free_backend_memory_keeps_models_usable(splits):
    train, val, test = splits
    gru = D.train_detector("gru", train, val, epochs=1, seed=3)
    before = gru.score(test)
    freed = D.free_backend_memory()
    assert isinstance(freed, int) and freed >= 0
    np.testing.assert_allclose(gru.score(test), before, rtol=1e-5, atol=1e-6)  # recompiled, same answers


@pytest.mark.slow
def test_litert_export_int8_tinyml_and_recurrent(splits):
    from pqfl_kit.models.tinyml import ExportError, export_many

    train, val, test = splits
    tiny = D.train_detector("tinyml", train, val, epochs=12, seed=5)
    gru = D.train_detector("gru", train, val, epochs=2, seed=5)
    results = export_many([tiny, gru, gru], train, unroll=[True, True, False])
    lite = results["tinyml/adam"]
    assert lite.quantization == "int8" and lite.size_bytes <= 8 * 1024
    assert "FULLY_CONNECTED" in lite.ops and not any(op.startswith("Flex") for op in lite.ops)
    float_acc = D.evaluate(tiny, test).accuracy
    int8_acc = float(np.mean((lite.score(test) > 0.5) == test.y))
    assert abs(int8_acc - float_acc) <= 0.02
    assert 0 < lite.latency_us(tiny.standardizer.transform(test.X[:1])[0], repeats=50) < 10_000
    unrolled = results["gru/adam"]
    gru_float = gru.score(test)
    assert np.mean((unrolled.score(test) > 0.5) == (gru_float > 0.5)) > 0.95
    refused = results["gru/adam (loop)"]
    assert isinstance(refused, ExportError) and "unroll" in str(refused)


def _detectors(tiny, splits):
    """One detector of every kind the kit has: notebook 04's, the FL learners, the ward's, a standardized one."""
    from pqfl_kit.fl.task import make_learner
    from pqfl_kit.hospital.ward import LogisticDetector
    from pqfl_kit.models import Standardized

    train, _, _ = splits
    scaler = T.Standardizer().fit(train)
    logistic = LogisticDetector(scaler)
    logistic.fit(train.X, train.y)
    return {"keras": tiny, "fl logreg": make_learner("logreg", train.window, train.n_features),
            "fl tinyml": make_learner("tinyml", train.window, train.n_features), "ward logistic": logistic,
            "standardized fl logreg": Standardized(make_learner("logreg", train.window, train.n_features), scaler)}


def test_every_detector_kind_implements_the_one_interface(tiny, splits):
    from pqfl_kit.models import Detector

    _, _, test = splits
    for kind, det in _detectors(tiny, splits).items():
        assert isinstance(det, Detector), kind
        assert isinstance(det.name, str) and det.name, kind
        scores = det.score(test.X[:40])
        assert scores.shape == (40,) and np.all((scores >= 0) & (scores <= 1)), kind
        weights = det.get_weights()
        assert all(isinstance(w, np.ndarray) for w in weights), kind
        det.set_weights([np.zeros_like(w) for w in weights])
        assert not np.allclose(det.score(test.X[:40]), scores), kind
        det.set_weights(weights)  # the round trip restores the detector exactly
        np.testing.assert_allclose(det.score(test.X[:40]), scores, rtol=1e-6, atol=1e-7, err_msg=kind)
        for mine, again in zip(weights, det.get_weights()):
            np.testing.assert_array_equal(mine, again)


def test_fit_through_the_interface_trains(splits):
    from pqfl_kit.fl.task import make_learner
    from pqfl_kit.models import Standardized

    train, _, test = splits
    det = Standardized(make_learner("logreg", train.window, train.n_features), T.Standardizer().fit(train))
    before = np.mean((det.score(test.X) > 0.5) == test.y)
    det.fit(train.X, train.y, epochs=5)
    assert np.mean((det.score(test.X) > 0.5) == test.y) > max(before, 0.7)


def test_choose_threshold_maximizes_validation_f1_and_respects_a_recall_floor():
    from sklearn.metrics import f1_score, recall_score

    rng = np.random.default_rng(7)
    y = rng.integers(0, 2, 300)
    scores = np.clip(0.35 * y + 0.65 * rng.random(300), 0, 1)
    t = D.choose_threshold(scores, y)
    best = max(f1_score(y, scores > c) for c in np.unique(scores))
    assert f1_score(y, scores > t) == pytest.approx(best) and 0 < t < 1
    assert t != pytest.approx(0.5, abs=0.01)  # not the fixed default
    safe = D.choose_threshold(scores, y, rule="recall", min_recall=0.95)
    above = np.unique(scores)[np.unique(scores) > safe]
    assert recall_score(y, scores > safe) >= 0.95 > recall_score(y, scores > above[0])  # the highest such threshold
    with pytest.raises(ValueError, match="only one class"):
        D.choose_threshold(scores, np.zeros(300))
    with pytest.raises(ValueError, match="one label per score"):
        D.choose_threshold(scores, y[:10])


def test_majority_baseline_and_average_precision(tiny, splits):
    train, val, test = splits
    base = D.majority_baseline(train, test)
    normal_share = float(np.mean(test.y == 0))
    assert base.accuracy == pytest.approx(normal_share) and base.recall == 0 and base.roc_auc == 0.5
    assert base.average_precision == pytest.approx(base.prevalence) == pytest.approx(1 - normal_share)
    met = D.evaluate(tiny, test, threshold=D.validation_threshold(tiny, val))
    assert met.average_precision > base.average_precision + 0.3 and met.accuracy > base.accuracy
    assert "avg_precision" in met.as_dict() and met.threshold != 0.5


def test_early_stopping_fires_and_keeps_the_best_epoch():
    data = T.generate(n_devices=6, windows_per_device=100, difficulty=0.5, seed=8)
    train, val, _ = T.split(data, by="device", test_size=0.2, val_size=0.2, seed=8)
    det = D.train_detector("tinyml", train, val, epochs=80, patience=2, min_delta=1e-3, seed=8)
    assert det.stopped_early and det.epochs_run < 80 and det.epochs_cap == 80
    assert det.best_epoch <= det.epochs_run - 2  # patience epochs without improvement followed it
    losses = det.history["val_loss"]
    assert losses[det.best_epoch - 1] == min(losses)
    assert not D.train_detector("tinyml", train, val, epochs=2, seed=8).stopped_early  # the cap ended that one


def test_calibration_sample_covers_every_device(splits):
    from pqfl_kit.models.tinyml import calibration_sample

    train, _, _ = splits
    idx = calibration_sample(train, 60)
    assert len(idx) == len(set(idx.tolist())) == 60
    counts = np.bincount(train.device[idx], minlength=train.device.max() + 1)[np.unique(train.device)]
    assert counts.min() == counts.max() == 10  # 6 devices x 10: even, not the first 60 rows (one device)
    assert len(set(train.device[:60].tolist())) == 1
    np.testing.assert_array_equal(calibration_sample(train, 60), idx)  # seeded


def test_seed_study_paired_comparison_and_summary():
    from pqfl_kit.models import study

    data = {"n_devices": 6, "windows_per_device": 60, "difficulty": 0.3}
    res = study.seed_study([("tinyml", "adam"), ("tinyml", "rmsprop")], seeds=[1, 2, 3], data=data, epochs=6)
    assert len(res) == 3 * 3 and set(res["config"]) == {"majority", "tinyml/adam", "tinyml/rmsprop"}
    models = res[res.config != "majority"]
    assert (models.average_precision > res[res.config == "majority"].average_precision.max()).all()
    assert models.threshold.nunique() > 1 and models.best_epoch.between(1, 6).all()
    table = study.summarize(res, ("average_precision",))
    ap = res[res.config == "tinyml/adam"].average_precision
    assert table.loc["tinyml/adam", "average_precision"] == f"{ap.mean():.3f} ± {ap.std(ddof=1):.3f}"
    pairs = study.paired_comparison(res)
    assert list(pairs[["A", "B"]].iloc[0]) == ["tinyml/adam", "tinyml/rmsprop"] and len(pairs) == 1


def test_paired_comparison_separates_a_real_difference_from_noise():
    import pandas as pd

    from pqfl_kit.models import study

    rng = np.random.default_rng(0)
    seeds = np.arange(8)
    level = rng.normal(0.8, 0.05, 8)  # the seed moves every model (shared data and split)
    rows = [{"seed": s, "config": c, "average_precision": level[s] + shift + rng.normal(0, 0.003)}
            for s in seeds for c, shift in (("a", 0.02), ("b", 0.0), ("c", 0.001))]
    pairs = study.paired_comparison(pd.DataFrame(rows)).set_index(["A", "B"])
    assert pairs.loc[("a", "b"), "verdict"] == "A better" and pairs.loc[("a", "c"), "verdict"] == "A better"
    assert pairs.loc[("b", "c"), "verdict"] == "within noise"
    assert pairs.loc[("a", "b"), "A wins"] == "8/8"
    assert (pairs["p (Holm)"] >= pairs["p (paired t)"]).all()
    # unpaired, the 0.02 gap would drown in the seed spread (sd 0.05): pairing is what detects it
    assert pairs.loc[("a", "b"), "sd diff"] < 0.01
