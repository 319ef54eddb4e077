"""NEWS2 (RCP 2017 Chart 1-3), eq. 10 fusion, eq. 9 thresholds."""
from __future__ import annotations

import math

import pytest

from pqfl_kit.hospital.cds import DEVICE_ROLE, LEVELS, Vitals, decide, news2, subscores
from pqfl_kit.hospital.priority import Thresholds, priority_level

NORMAL = dict(respiration_rate=16, spo2=97, systolic_bp=120, pulse=70, temperature=36.8)


def vit(**changes) -> Vitals:
    return Vitals(**{**NORMAL, **changes})


# Band edges read off the RCP 2017 NEWS2 chart (Chart 1): (value, expected parameter score).
CHART = {
    "respiration_rate": [(5, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (40, 3)],
    "spo2": [(85, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)],
    "systolic_bp": [(70, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)],
    "pulse": [(35, 3), (40, 3), (41, 1), (50, 1), (51, 0), (90, 0), (91, 1), (110, 1), (111, 2), (130, 2),
              (131, 3)],
    "temperature": [(34.0, 3), (35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1),
                    (39.1, 2), (41.0, 2)],
}


@pytest.mark.parametrize("parameter,value,expected",
                         [(p, v, s) for p, rows in CHART.items() for v, s in rows])
def test_news2_band_edges_match_the_rcp_chart(parameter, value, expected):
    assert subscores(vit(**{parameter: value}))[parameter] == expected


@pytest.mark.parametrize("spo2,on_oxygen,expected", [
    (83, False, 3), (84, False, 2), (85, True, 2), (86, False, 1), (87, True, 1), (88, False, 0),
    (92, True, 0), (93, False, 0), (99, False, 0), (93, True, 1), (94, True, 1), (95, True, 2),
    (96, True, 2), (97, True, 3), (100, True, 3)])
def test_spo2_scale_2_for_hypercapnic_patients(spo2, on_oxygen, expected):
    assert subscores(vit(spo2=spo2, on_oxygen=on_oxygen, spo2_scale=2))["spo2"] == expected


def test_oxygen_and_consciousness_parameters():
    assert subscores(vit(on_oxygen=True))["air_or_oxygen"] == 2
    for level in "CVPU":
        assert subscores(vit(consciousness=level))["consciousness"] == 3
    assert subscores(vit())["consciousness"] == 0


def test_aggregate_and_rcp_risk_bands():
    assert news2(vit()).score == 0 and news2(vit()).risk == "low"
    four = news2(vit(respiration_rate=22, pulse=100, temperature=38.5))  # 2 + 1 + 1
    assert four.score == 4 and four.risk == "low"
    red = news2(vit(respiration_rate=26))  # a single 3
    assert red.red_score and red.risk == "low-medium"
    five = news2(vit(respiration_rate=22, spo2=93, pulse=95))  # 2 + 2 + 1
    assert five.score == 5 and five.risk == "medium"
    seven = news2(vit(respiration_rate=26, spo2=93, systolic_bp=95))  # 3 + 2 + 2
    assert seven.score == 7 and seven.risk == "high"
    assert "critical care" in seven.response


def test_weights_change_the_fusion_and_are_validated():
    sick = vit(temperature=39.5, pulse=115)  # 2 + 2
    assert news2(sick).score == 4
    assert news2(sick, {"temperature": 0}).score == 2
    assert news2(sick, {"pulse": 2.5}).score == 2 + 5
    with pytest.raises(ValueError, match="unknown weight"):
        news2(sick, {"heart": 1})
    with pytest.raises(ValueError, match=">= 0"):
        news2(sick, {"pulse": -1})
    with pytest.raises(TypeError):
        news2(sick, [1, 2])


def test_vitals_reject_bad_input_clearly():
    with pytest.raises(ValueError, match="ACVPU"):
        vit(consciousness="Z")
    with pytest.raises(TypeError, match="number"):
        vit(pulse="70")
    with pytest.raises(ValueError, match="finite"):
        vit(pulse=math.nan)
    with pytest.raises(ValueError, match="unknown vital"):
        Vitals.from_dict({**NORMAL, "glucose": 5})
    with pytest.raises(TypeError):
        news2({"pulse": 70})


def test_decide_separates_a_sick_patient_from_a_suspicious_device():
    sick = decide(vit(respiration_rate=26, spo2=93, systolic_bp=95), "Normal")
    assert sick.alert and sick.cause == "clinical" and sick.level == "emergency"
    assert any("critical care" in r for r in sick.roles) and DEVICE_ROLE not in sick.roles

    attack = decide(vit(), "Critical")
    assert attack.alert and attack.cause == "device/cyber" and attack.level == "emergency"
    assert DEVICE_ROLE in attack.roles

    fault = decide(vit(spo2=12), "Normal")  # an impossible saturation: the sensor, not the patient
    assert fault.implausible == ("spo2",) and fault.cause == "device/cyber" and DEVICE_ROLE in fault.roles

    calm = decide(vit(), "Normal")
    assert not calm.alert and calm.roles == () and calm.level == "none"
    assert decide(vit(), "High").alert  # Algorithm 3 line 14: score > tau_med alerts
    with pytest.raises(ValueError):
        decide(vit(), "Urgent")


def test_thresholds_are_validated_with_a_clear_message():
    assert Thresholds(0.0, 1.0).tau_high == 1.0
    for med, high in [(0.8, 0.5), (0.5, 0.5), (-0.1, 0.5), (0.2, 1.5), (math.nan, 0.9)]:
        with pytest.raises(ValueError, match="0 <= tau_med < tau_high <= 1|finite number"):
            Thresholds(med, high)
    with pytest.raises(TypeError):
        Thresholds("0.5", 0.9)
    with pytest.raises(TypeError):
        Thresholds(True, 0.9)


def test_eq9_priority_boundaries():
    t = Thresholds(0.4, 0.7)
    assert priority_level(0.7, t) == "High"  # score == tau_high is High, not Critical
    assert priority_level(0.7000001, t) == "Critical"
    assert priority_level(0.4, t) == "Normal"  # score == tau_med is Normal
    assert priority_level(0.4000001, t) == "High"
    assert priority_level(0.0, t) == "Normal" and priority_level(1.0, t) == "Critical"
    for bad in (-0.01, 1.01, math.nan, "0.5", None):
        with pytest.raises(ValueError):
            priority_level(bad, t)


def test_an_impossible_reading_never_hides_a_sick_patient():
    """A SpO2 probe reading 0 on a septic patient whose other parameters score NEWS2 >= 7."""
    septic = dict(respiration_rate=26, systolic_bp=88, pulse=135, temperature=39.5, consciousness="C")
    honest = decide(vit(spo2=96, **septic), "Normal")
    faulty = decide(vit(spo2=0, **septic), "Normal")
    assert honest.level == faulty.level == "emergency"
    assert faulty.implausible == ("spo2",) and faulty.cause == "both"
    assert any("critical care" in r for r in faulty.roles) and DEVICE_ROLE in faulty.roles
    assert faulty.news2.subscores["spo2"] == 0  # the impossible reading itself is scored as missing
    for probe in (0, 12, 49, 101, 150):  # no impossible value may lower the level the others call for
        assert LEVELS.index(decide(vit(spo2=probe, **septic), "Normal").level) >= LEVELS.index(honest.level)


@pytest.mark.parametrize("name, between, milder, severe", [
    ("respiration_rate", 20.5, 20, 21), ("respiration_rate", 8.5, 9, 8), ("respiration_rate", 11.2, 12, 11),
    ("pulse", 90.4, 90, 91), ("pulse", 40.5, 41, 40), ("systolic_bp", 110.5, 111, 110),
    ("systolic_bp", 219.5, 219, 220), ("spo2", 95.5, 96, 95), ("temperature", 38.05, 38.0, 38.1),
    ("temperature", 35.95, 36.1, 35.9)])
def test_a_reading_between_chart_values_is_scored_in_the_more_severe_band(name, between, milder, severe):
    score = subscores(vit(**{name: between}))[name]
    assert score == subscores(vit(**{name: severe}))[name] > subscores(vit(**{name: milder}))[name]
