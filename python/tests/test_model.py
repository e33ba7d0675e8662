"""The model through the module, against figures worked by hand (docs/physics.md)."""

from __future__ import annotations

import math

import pytest

import headroom as hr


def db20(x: float) -> float:
    return 20.0 * math.log10(x)


SINE_CREST_DB = 10.0 * math.log10(2.0)  # 3.0103 dB


def test_sensitivity_forms_convert_as_by_hand():
    # S_V = S_mW + 10 lg(1000 ohm / R): 97 dB/mW into 300 ohm is 102.229 dB/V.
    assert hr.Headphone(300, "97dB/mW").sensitivity_db_per_v == pytest.approx(97 + 10 * math.log10(1000 / 300), abs=1e-12)
    assert hr.Headphone(300, "96dB/1mW").sensitivity_db_per_v == hr.Headphone(300, "96dB/mW").sensitivity_db_per_v
    assert hr.Headphone(32, "102dB/V").sensitivity_db_per_v == 102.0
    # 94 dB for 100 mV: 114 dB for 1 V, whatever the impedance.
    assert hr.Headphone(16, "94dB@100mV").sensitivity_db_per_v == pytest.approx(114.0, abs=1e-12)
    # 94.6 dB at 5 mA into 32 ohm: 5 mA takes 0.16 V.
    assert hr.Headphone(32, "94.6dB@5mA").sensitivity_db_per_v == pytest.approx(94.6 - db20(0.16), abs=1e-12)
    # The keyword forms equal the text forms.
    for text, keywords in [("97dB/mW", dict(db_per_mw=97)), ("102dB/V", dict(db_per_v=102)),
                           ("94.6dB@5mA", dict(db=94.6, current="5mA")), ("94dB@100mV", dict(db=94, voltage=0.1))]:
        a, b = hr.Sensitivity(text), hr.Sensitivity(**keywords)
        assert a.form == b.form and a.db_per_v(50) == pytest.approx(b.db_per_v(50), abs=1e-12), text
    s = hr.Sensitivity("98 dB SPL/1 mW @ 500 Hz")
    assert (s.form, s.level_db, s.frequency_hz) == ("db_per_mw", 98.0, 500.0)
    assert hr.Headphone(250, s).sensitivity_frequency_hz == 500.0
    assert hr.Sensitivity(db=94, voltage="100mV").voltage_v == pytest.approx(0.1)
    assert hr.Sensitivity(db=94.6, current=0.005).current_a == pytest.approx(0.005)
    assert hr.Sensitivity(db_per_mw=97).db_per_mw(32) == pytest.approx(97.0, abs=1e-12)


def test_voltage_limit_and_headroom_by_hand():
    hp = hr.Headphone(300, "97dB/mW")
    r = hr.analyse(hr.OutputStage(vmax=7.5, zout=0.5), hp, target=85, crest=18)
    v = 7.5 * 300 / 300.5  # the divider of Z_out and the load
    assert r.limit == "voltage" and r.load_voltage_vrms == pytest.approx(v, rel=1e-12)
    assert r.load_power_w == pytest.approx(v * v / 300, rel=1e-12)
    assert r.max_spl_db == pytest.approx(hp.sensitivity_db_per_v + db20(v), abs=1e-9)
    # Peaks CF - 3.01 dB above the average: headroom is the sine maximum less the target less that.
    assert r.headroom_db == pytest.approx(r.max_spl_db - 85 - (18 - SINE_CREST_DB), abs=1e-9)
    assert r.headroom_limit == "voltage"
    assert r.damping_factor == pytest.approx(600.0) and r.meets_one_eighth_rule
    assert r.required_voltage_vrms == pytest.approx(10 ** ((85 - hp.sensitivity_db_per_v) / 20), rel=1e-12)
    assert r.hiss_spl_db is None and r["target_spl_db"] == 85.0
    with pytest.raises(KeyError):
        r["hiss_spl_db"]  # as in the JSON: absent without a stated noise


def test_current_limit_into_a_low_impedance():
    r = hr.analyse(hr.OutputStage(vmax=7.5, imax="250mA"), hr.Headphone(8, "100dB/mW"))
    assert r.limit == "current" and r.load_voltage_vrms == pytest.approx(2.0, rel=1e-12)
    assert r.load_current_arms == pytest.approx(0.25, rel=1e-12)
    assert not r.zout_stated and r.damping_factor is None


def test_bridge_gives_four_times_the_power_into_a_high_impedance():
    leg = hr.OutputStage("leg", vmax=2.0, imax=0.1, noise="2uV")
    bridged = leg.bridged()
    assert (bridged.topology, bridged.derived, bridged.name) == ("balanced", True, "leg (bridged)")
    hp = hr.Headphone(600, "100dB/mW")
    se, bal = hr.analyse(leg, hp), hr.analyse(bridged, hp)
    assert bal.load_power_w == pytest.approx(4 * se.load_power_w, rel=1e-12)
    assert bal.max_spl_db - se.max_spl_db == pytest.approx(db20(2), abs=1e-9)
    # The noise of a derived output is a range: x1.41 (uncorrelated) to x2 (correlated).
    assert bal.hiss_spl_db - se.hiss_spl_db == pytest.approx(db20(math.sqrt(2)), abs=1e-9)
    assert bal.hiss_spl_db_max - se.hiss_spl_db == pytest.approx(db20(2), abs=1e-9)
    assert bridged.to_dict()["vmax_vrms"] == 4.0 and bridged.to_dict()["imax_arms"] == 0.1
    with pytest.raises(hr.SpecError) as e:
        bridged.bridged()
    assert e.value.field == "topology"


def test_quantities_as_numbers_or_text():
    hp = hr.Headphone(32, "100dB/mW")
    a = hr.analyse(hr.OutputStage(vmax="21.2132Vpp", imax=0.25), hp)
    b = hr.analyse(hr.OutputStage(vmax=21.2132 / (2 * math.sqrt(2)), imax="250 mA"), hp)
    assert a == b
    assert hr.OutputStage(vmax=1, power=[(1.2, "32ohm"), "300mW@300"]).to_dict()["ratings"] == [
        {"power_w": 1.2, "load_ohm": 32.0}, {"power_w": 0.3, "load_ohm": 300.0}]
    p = hr.Programme("85 dB", crest="18dB")
    assert (p.target_spl_db, p.crest_factor_db) == (85.0, 18.0)
    assert hr.Programme(85).crest_factor_db == pytest.approx(SINE_CREST_DB, abs=1e-4)
    assert hp.level_at("1V") == pytest.approx(hp.sensitivity_db_per_v)
    assert hp.voltage_for(hp.sensitivity_db_per_v + 20) == pytest.approx(10.0)


def test_need_without_an_amplifier():
    hp = hr.Headphone(300, "97dB/mW")
    n = hr.need(hp, target=110, crest=18)
    v = 10 ** ((110 - hp.sensitivity_db_per_v) / 20)
    assert n.required_voltage_vrms == pytest.approx(v, rel=1e-12)
    assert n.required_peak_voltage_v == pytest.approx(v * 10 ** (18 / 20), rel=1e-12)
    assert n.gain_after_source_db == pytest.approx(db20(v * 10 ** (18 / 20) / math.sqrt(2) / 2.0), abs=1e-9)


def test_results_are_read_only_mappings():
    r = hr.analyse(hr.OutputStage(vmax=1), hr.Headphone(32, "100dB/V"))
    assert isinstance(r, hr.Result) and dict(r) == r.to_dict() and "max_spl_db" in dir(r)
    with pytest.raises(AttributeError):
        r.max_spl_db = 0.0
    with pytest.raises(AttributeError, match="has no figure"):
        r.no_such_figure
    assert "Analysis(" in repr(r)


def test_curves_and_eq():
    curve = hr.ImpedanceCurve.from_points([20, 100, 1000, 20000], [305, 480, 320, 370], name="four points")
    assert curve.magnitude_at(100) == pytest.approx(480.0)
    assert curve.minimum() == pytest.approx((305.0, 20.0))
    import numpy as np

    z = curve.magnitude_at(np.array([[20.0, 1000.0]]))
    assert z.shape == (1, 2) and z[0, 1] == pytest.approx(320.0)
    assert abs(curve.impedance_at(1000)) == pytest.approx(320.0)
    driver = hr.ImpedanceCurve.driver("Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5")
    assert driver.is_driver_model and driver.magnitude_at(100) == pytest.approx(32 + 32 * 2 / 0.5, rel=1e-3)
    assert hr.ImpedanceCurve.resistive(50).magnitude_at(12345) == pytest.approx(50.0, rel=1e-12)
    eq = hr.ParametricEQ(-6, [hr.EQFilter("PK", 1000, 6, 1.0), hr.EQFilter("LSC", 105, 3, 0.7)])
    assert eq.gain_at(1000) == pytest.approx(6.0, abs=0.1)  # the peak; the shelf at 105 Hz adds next to nothing
    boost, at = eq.max_boost()
    assert boost >= eq.gain_at(1000) and 500 < at < 2000
    assert [f.type for f in eq.filters] == ["PK", "LSC"] and eq.preamp_db == -6.0


def test_reprs_say_what_they_are():
    assert repr(hr.Headphone(32, "97dB/mW", name="X")) == "Headphone(32.0, '97dB/mW', name='X')"
    assert repr(hr.Programme(85, crest=18)) == "Programme(85.0, crest=18.0)"
    assert repr(hr.OutputStage(vmax=1)) == "OutputStage('amplifier output', topology='single_ended')"
    assert repr(hr.Sensitivity("96dB/mW@500Hz")) == "Sensitivity('96dB/mW', frequency=500.0)"
    assert hr.__version__.count(".") == 2
