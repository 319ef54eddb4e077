"""pqfl_kit.traffic: seeded generator, anomaly signatures, splits without leakage, CSV loader."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pqfl_kit import traffic as T

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "iomt_sample.csv"
SAMPLE_FEATURES = {"delay_ms": "Packet_Delay", "rssi_dbm": "Rssi", "loss_rate": "Loss", "tx_time_ms": "TxTime",
                   "ber": "Ber", "heart_rate": "Pulse_Rate", "spo2": "SpO2", "glucose": "Glucose", "bp_sys": "SYS"}


@pytest.fixture(scope="module")
def data():
    return T.generate(n_devices=6, windows_per_device=200, seed=11)


def test_same_seed_same_data_other_seed_other_data():
    a = T.generate(n_devices=3, windows_per_device=40, seed=5)
    b = T.generate(n_devices=3, windows_per_device=40, seed=5)
    c = T.generate(n_devices=3, windows_per_device=40, seed=6)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.kind, b.kind)
    assert not np.allclose(a.X, c.X)


def test_shapes_labels_and_every_kind_present(data):
    assert data.X.shape == (1200, 20, len(T.FEATURES)) and data.X.dtype == np.float32
    assert set(np.unique(data.kind)) == set(T.KINDS)
    assert set(np.unique(data.subkind)) == {s for subs in T.SUBKINDS.values() for s in subs}
    np.testing.assert_array_equal(data.y, (data.kind != "normal").astype(int))
    assert 0.3 < data.y.mean() < 0.5  # anomaly_rate=0.4
    anomalous = data.y == 1
    assert np.all((data.onset[anomalous] >= 0) & (data.onset[anomalous] < data.end[anomalous]))
    assert np.all(data.end[anomalous] <= data.window) and np.all(data.onset[~anomalous] == -1)


def _col(data, name):
    return data.X[..., T.FEATURES.index(name)]


def test_signatures_are_visible(data):
    """Each anomaly shows its documented signature against normal windows."""
    normal = data.kind == "normal"
    sub = data.subkind
    delay, loss, ber = _col(data, "delay_ms"), _col(data, "loss_rate"), _col(data, "ber")
    assert delay[sub == "flooding"].max(axis=1).mean() > delay[normal].max(axis=1).mean() + 5
    assert loss[sub == "jamming"].max(axis=1).mean() > loss[normal].max(axis=1).mean() + 0.08
    assert np.median(ber[sub == "jamming"].max(axis=1)) > 10 * np.median(ber[normal].max(axis=1))
    vitals = data.X[..., [T.FEATURES.index(v) for v in T.VITAL_FEATURES]]
    assert np.all((vitals[sub == "dropout"] == 0).any(axis=(1, 2)))
    assert not (vitals[normal] == 0).any()
    # stuck: some vital shows no change at all over >= 3 consecutive steps
    flat = (np.abs(np.diff(vitals, axis=1)) == 0).all(axis=2)
    assert flat[sub == "stuck"].sum(axis=1).min() >= 2 and flat[normal].sum() == 0
    hr = _col(data, "heart_rate")
    assert hr[sub == "tachycardia"].max(axis=1).mean() > hr[normal].max(axis=1).mean() + 15
    # replay: the delay is clock-regular during the episode
    jitter = np.array([np.std(delay[i, data.onset[i]:data.end[i]]) for i in np.flatnonzero(sub == "replay")])
    assert np.median(jitter) < 0.05 < np.median(np.std(delay[normal], axis=1))


def test_difficulty_shrinks_the_signatures():
    easy = T.generate(n_devices=4, windows_per_device=150, difficulty=0.0, seed=3)
    hard = T.generate(n_devices=4, windows_per_device=150, difficulty=1.0, seed=3)

    def flood_excess(d):
        delay = _col(d, "delay_ms")
        return delay[d.subkind == "flooding"].mean() - delay[d.kind == "normal"].mean()

    assert flood_excess(easy) > 2 * flood_excess(hard) > 0


def test_each_kind_is_detectable_by_a_simple_rule(data):
    """A logistic regression on per-window summaries flags every kind well above its false alarms."""
    from sklearn.linear_model import LogisticRegression

    train, _, test = T.split(data, val_size=0.0)
    scaler = T.Standardizer().fit(train)

    def summary(d):
        z = scaler.transform(d)
        return np.concatenate([z.mean(1), z.std(1), np.abs(np.diff(z, axis=1)).min(1), z.min(1), z.max(1)], axis=1)

    clf = LogisticRegression(max_iter=2000).fit(summary(train), train.y)
    pred = clf.predict(summary(test))
    false_alarm = pred[test.kind == "normal"].mean()
    assert false_alarm < 0.1
    for kind in T.KINDS[1:]:
        assert pred[test.kind == kind].mean() > 0.5 > false_alarm, kind


def test_split_has_no_leakage_and_is_stratified(data):
    train, val, test = T.split(data, test_size=0.2, val_size=0.1)
    assert len(train) + len(val) + len(test) == len(data)
    keys = [set(zip(part.device.tolist(), part.start.tolist())) for part in (train, val, test)]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    # windows do not overlap in time, so no time step is shared either
    for part in (train, test):
        assert np.all(part.start % data.window == 0)
    for kind in T.KINDS:
        share = np.mean(data.kind == kind)
        assert abs(np.mean(test.kind == kind) - share) < 0.02


def test_split_by_device_holds_out_whole_devices(data):
    train, val, test = T.split(data, by="device", test_size=0.2, val_size=0.2, seed=3)
    devices = [set(part.device.tolist()) for part in (train, val, test)]
    assert not (devices[0] & devices[1]) and not (devices[0] & devices[2]) and not (devices[1] & devices[2])
    assert [len(d) for d in devices] == [4, 1, 1]  # 6 devices: round(0.2 x 6) = 1 each for validation and test
    assert len(train) + len(val) + len(test) == len(data)
    assert devices != [set(p.device.tolist()) for p in T.split(data, by="device", seed=4)]  # the seed picks them
    again = T.split(data, by="device", test_size=0.2, val_size=0.2, seed=3)
    np.testing.assert_array_equal(again[2].X, test.X)
    with pytest.raises(ValueError, match="more devices"):
        T.split(T.generate(n_devices=2, windows_per_device=20, seed=1), by="device")
    with pytest.raises(ValueError, match="by must be one of"):
        T.split(data, by="patient")


def test_split_forward_in_time_tests_on_each_devices_future(data):
    train, val, test = T.split(data, by="time", test_size=0.2, val_size=0.1)
    assert len(train) + len(val) + len(test) == len(data)
    for d in np.unique(data.device):
        tr, va, te = (part.start[part.device == d] for part in (train, val, test))
        assert len(te) == 40 and len(va) == 20  # 200 windows per device
        assert tr.max() < va.min() and va.max() < te.min()


def test_rare_prevalence_option():
    rare = T.generate(n_devices=6, windows_per_device=400, anomaly_rate=T.RARE_ANOMALY_RATE, seed=2)
    assert 0.015 < rare.y.mean() < 0.05


def test_standardizer_uses_training_statistics_only(data):
    train, _, test = T.split(data)
    scaler = T.Standardizer().fit(train)
    flat = train.X.reshape(-1, train.n_features)
    np.testing.assert_allclose(scaler.mean, flat.mean(0), rtol=1e-4)
    z = scaler.transform(train).reshape(-1, train.n_features)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-3)
    np.testing.assert_allclose(z.std(0), 1, atol=1e-2)
    assert not np.allclose(scaler.transform(test).reshape(-1, 9).mean(0), 0, atol=1e-4)
    with pytest.raises(ValueError, match="not fitted"):
        T.Standardizer().transform(test)


def test_split_by_device_is_non_iid():
    data = T.generate(n_devices=8, windows_per_device=150, dirichlet_alpha=0.2, seed=4)
    parts = T.split_by_device(data)
    assert sorted(parts) == list(range(8)) and sum(len(p) for p in parts.values()) == len(data)
    mixes = np.array([[np.mean(p.kind[p.y == 1] == k) for k in T.KINDS[1:]] for p in parts.values()])
    assert mixes.max(axis=1).mean() > 0.6  # each device is dominated by one kind
    iid = T.split_by_device(T.generate(n_devices=8, windows_per_device=150, dirichlet_alpha=None, seed=4))
    iid_mix = np.array([[np.mean(p.kind[p.y == 1] == k) for k in T.KINDS[1:]] for p in iid.values()])
    assert iid_mix.max(axis=1).mean() < mixes.max(axis=1).mean()
    assert len({round(float(p.X[p.y == 0, :, 5].mean()), 1) for p in parts.values()}) > 4  # own baselines


def test_stream_matches_generate_per_device():
    windows = list(T.stream(2, n_windows=30, seed=9))
    ref = T.generate(n_devices=3, windows_per_device=30, anomaly_rate=0.2, seed=9)
    mine = ref.subset(ref.device == 2)
    assert [w.start for w in windows] == mine.start.tolist()
    np.testing.assert_array_equal(np.stack([w.x for w in windows]), mine.X)
    assert [w.kind for w in windows] == mine.kind.tolist() and all(w.label in (0, 1) for w in windows)


@pytest.mark.parametrize("kwargs, error", [
    ({"n_devices": 0}, ValueError), ({"difficulty": 1.5}, ValueError), ({"anomaly_rate": -0.1}, ValueError),
    ({"window": 2}, ValueError), ({"n_devices": 2.5}, TypeError), ({"difficulty": "hard"}, TypeError),
])
def test_generate_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        T.generate(**kwargs)


def test_load_csv_windows_per_patient():
    data = T.load_csv(SAMPLE, features=SAMPLE_FEATURES, label="Label", device="Patient", kind="Kind", window=10)
    assert data.features == tuple(SAMPLE_FEATURES) and data.X.shape == (12, 10, 9)
    assert sorted(np.unique(data.device)) == [0, 1]
    assert data.y.sum() > 0 and set(data.kind[data.y == 1]) <= {"sensor_fault", "physiological", "cyber_attack"}
    overlapping = T.load_csv(SAMPLE, features=["Pulse_Rate", "SpO2"], label="Label", window=10, stride=5)
    assert overlapping.features == ("Pulse_Rate", "SpO2") and len(overlapping) == 23


def test_load_csv_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No CSV"):
        T.load_csv(tmp_path / "missing.csv", features=["a"], label="y")
    with pytest.raises(ValueError, match=r"no column\(s\) \['Heart'\].*Fix the column mapping"):
        T.load_csv(SAMPLE, features={"heart_rate": "Heart"}, label="Label")
    with pytest.raises(ValueError, match="no column"):
        T.load_csv(SAMPLE, features=["SpO2"], label="Class")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,y\n1,0\nhello,1\n3,0\n")
    with pytest.raises(ValueError, match="non-numeric values in 1 row"):
        T.load_csv(bad, features=["a"], label="y", window=2)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="not a readable CSV"):
        T.load_csv(empty, features=["a"], label="y")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 20)
    with pytest.raises(ValueError):
        T.load_csv(binary, features=["a"], label="y")
    with pytest.raises(ValueError, match="fewer than window"):
        T.load_csv(SAMPLE, features=["SpO2"], label="Label", device="Patient", window=500)
    with pytest.raises(TypeError):
        T.load_csv(SAMPLE, features="SpO2", label="Label")


def test_load_csv_refuses_empty_labels_and_device_ids_instead_of_guessing(tmp_path):
    no_label = tmp_path / "no_label.csv"
    no_label.write_text("a,y,p\n1,0,x\n2,,x\n3,0,x\n4,1,x\n")
    with pytest.raises(ValueError, match="label column 'y' is empty in 1 row"):
        T.load_csv(no_label, features=["a"], label="y", device="p", window=2)
    no_device = tmp_path / "no_device.csv"
    no_device.write_text("a,y,p\n1,0,x\n2,0,\n3,0,x\n4,1,x\n")
    with pytest.raises(ValueError, match="device id column 'p' is empty in 1 row"):
        T.load_csv(no_device, features=["a"], label="y", device="p", window=2)


def test_load_csv_keeps_every_row_in_file_order(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("a,y,p\n" + "".join(f"{i},{int(i % 7 == 0)},{i % 2}\n" for i in range(40)))
    data = T.load_csv(path, features=["a"], label="y", device="p", window=4)
    assert len(data) == 10 and sorted(data.X[:, :, 0].ravel().tolist()) == list(range(40))
