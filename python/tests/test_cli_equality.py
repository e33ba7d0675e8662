"""The module and the command line give the same figures under the same keys: each case runs the built headroom
command with --json and compares every key, numbers to 1e-9 relative."""

from __future__ import annotations

from pathlib import Path

import pytest

import headroom as hr
from conftest import AUTOEQ_DIR, CURVES_DIR, SOURCE_DIR, assert_same

# (pair flags, the same gear through the module)
TYPED_IN = [
    (
        ["--impedance", "300", "--sensitivity", "97dB/mW", "--vmax", "7.5", "--imax", "250mA", "--zout", "0.5",
         "--target", "85", "--crest", "18"],
        lambda: hr.analyse(hr.OutputStage(vmax=7.5, imax="250mA", zout=0.5), hr.Headphone(300, "97dB/mW"), target=85, crest=18),
    ),
    (  # no programme, unstated Z_out, a power rating and noise
        ["--impedance", "32ohm", "--sensitivity", "102dB/V", "--pmax", "1W", "--noise", "3uV"],
        lambda: hr.analyse(hr.OutputStage(pmax="1W", noise=3e-6), hr.Headphone("32ohm", "102dB/V")),
    ),
    (  # a spec sheet's table, extrapolated below its lowest load
        ["--impedance", "8", "--sensitivity", "94dB@100mV", "--power", "1.2W@32ohm", "--power", "300mW@300",
         "--zout", "0.2", "--target", "90", "--crest", "15"],
        lambda: hr.analyse(hr.OutputStage(power=["1.2W@32ohm", (0.3, 300)], zout=0.2), hr.Headphone(8, "94dB@100mV"),
                           hr.Programme(90, crest=15)),
    ),
    (  # one leg bridged
        ["--impedance", "600", "--sensitivity", "96dB/1mW", "--vmax", "5", "--imax", "0.1", "--zout", "1", "--noise", "2uV",
         "--bridge", "--target", "100", "--crest", "20"],
        lambda: hr.analyse(hr.OutputStage(vmax=5, imax=0.1, zout=1, noise="2uV").bridged(), hr.Headphone(600, "96dB/1mW"),
                           target=100, crest=20),
    ),
    (  # figures that already describe a balanced output; a thermal limit; a rated power
        ["--impedance", "50", "--sensitivity", "94.6dB@5mA", "--rated-power", "200mW", "--vmax", "10", "--thermal-power", "0.5",
         "--balanced", "--target", "95", "--crest", "12"],
        lambda: hr.analyse(hr.OutputStage(vmax=10, thermal_power=0.5, topology="balanced"),
                           hr.Headphone(50, hr.Sensitivity(db=94.6, current="5mA"), rated_power="200mW"), target=95, crest=12),
    ),
    (  # source and gain: the gain stage keys; supply sag
        ["--impedance", "16", "--sensitivity", "327mV@94dB", "--vmax", "4", "--source-resistance", "3", "--zout", "1",
         "--source", "2V", "--gain", "6dB", "--target", "85", "--crest", "18"],
        lambda: hr.analyse(hr.OutputStage(vmax=4, source_resistance=3, zout=1, source="2V", gain=6),
                           hr.Headphone(16, "327mV@94dB"), target="85dB", crest="18dB"),
    ),
    (  # a sensitivity stated at 500 Hz
        ["--impedance", "250", "--sensitivity", "96dB/mW@500Hz", "--vmax", "8", "--target", "80"],
        lambda: hr.analyse(hr.OutputStage(vmax=8), hr.Headphone(250, "96dB/mW@500Hz"), target=80),
    ),
]


@pytest.mark.parametrize("flags,module", TYPED_IN, ids=range(len(TYPED_IN)))
def test_pair_typed_in(cli, flags, module):
    assert_same(module().to_dict(), cli("pair", *flags, "--json"))


def test_pair_catalog_gear(cli):
    cat = hr.catalog()
    stage = cat.amplifier("AFUL Snowy Night").output("4.4mm balanced").setting("high").stage
    expected = cli("pair", "--headphone", "HiFiMan Sundara", "--amp", "AFUL Snowy Night", "--output", "4.4mm balanced",
                   "--gain", "high", "--target", "90", "--crest", "18", "--json")
    assert_same(hr.analyse(stage, "HiFiMan Sundara", target=90, crest=18).to_dict(), expected)
    # The gain setting itself and the catalog entry are taken as well.
    setting = cat.amplifier("AFUL Snowy Night").output("4.4mm balanced").setting("HIGH")
    assert_same(hr.analyse(setting, cat.headphone("hifiman sundara"), target=90, crest=18).to_dict(), expected)


def test_pair_curve_and_eq(cli):
    # A catalog headphone with a measured curve, and an AutoEq file: the figures across frequency.
    eq_file = AUTOEQ_DIR / "Sennheiser HD 650 ParametricEQ.txt"
    expected = cli("pair", "--headphone", "Sennheiser HD650 (measured)", "--vmax", "3", "--zout", "10", "--target", "90",
                   "--crest", "15", "--eq", str(eq_file), "--json")
    got = hr.analyse(hr.OutputStage(vmax=3, zout=10), "Sennheiser HD650 (measured)", target=90, crest=15,
                     eq=hr.ParametricEQ.load(eq_file))
    assert "worst_headroom_db" in got and "eq_max_boost_db" in got and "fr_deviation_db" in got
    assert_same(got.to_dict(), expected)


def test_pair_curve_file_and_driver(cli):
    curve_file = CURVES_DIR / "sennheiser_hd650.csv"
    expected = cli("pair", "--impedance", "300", "--sensitivity", "97dB/mW", "--impedance-curve", str(curve_file), "--vmax", "7",
                   "--zout", "5", "--target", "85", "--json")
    hp = hr.Headphone(300, "97dB/mW", curve=hr.ImpedanceCurve.load(curve_file))
    assert_same(hr.analyse(hr.OutputStage(vmax=7, zout=5), hp, target=85).to_dict(), expected)

    driver = "Re=32,Le=0.05mH,fs=100Hz,Qms=2,Qes=0.5"
    expected = cli("pair", "--impedance", "40", "--sensitivity", "100dB/mW", "--driver", driver, "--vmax", "2", "--zout", "2",
                   "--target", "95", "--crest", "12", "--json")
    hp = hr.Headphone(40, "100dB/mW").with_curve(hr.ImpedanceCurve.driver(driver))
    assert_same(hr.analyse(hr.OutputStage(vmax=2, zout=2), hp, target=95, crest=12).to_dict(), expected)
    by_keywords = hr.ImpedanceCurve.driver(re=32, le=0.05e-3, fs=100, qms=2, qes=0.5)
    got = hr.analyse(hr.OutputStage(vmax=2, zout=2), hr.Headphone(40, "100dB/mW", curve=by_keywords), target=95, crest=12)
    for key in ("fr_deviation_db", "min_impedance_ohm", "worst_headroom_db", "worst_max_spl_db"):
        assert got[key] == pytest.approx(expected[key], rel=1e-12)


def test_compare_outputs(cli):
    expected = cli("pair", "--headphone", "Moondrop Blessing 2", "--amp", "AFUL Snowy Night", "--target", "85", "--crest", "18",
                   "--json")
    got = hr.compare_outputs("AFUL Snowy Night", "Moondrop Blessing 2", target=85, crest=18)
    assert_same(got.to_dict(), expected)
    assert got.best.output == expected["verdict"]["output"]
    assert got.best.gain_setting == expected["verdict"]["gain_setting"]
    # Without a programme, and for one output only.
    expected = cli("pair", "--headphone", "Sennheiser HD600", "--amp", "AFUL Snowy Night", "--output", "3.5mm", "--json")
    amp = hr.catalog().amplifier("AFUL Snowy Night")
    assert_same(hr.compare_outputs(amp.output("3.5mm"), "Sennheiser HD600").to_dict(), expected)


def test_need(cli):
    expected = cli("need", "--headphone", "HiFiMan Sundara", "--target", "110", "--crest", "18", "--zout", "2", "--source", "1.5V",
                   "--json")
    assert_same(hr.need("HiFiMan Sundara", target=110, crest=18, zout=2, source="1.5V").to_dict(), expected)
    expected = cli("need", "--impedance", "32", "--sensitivity", "105dB/mW", "--target", "100", "--json")
    assert_same(hr.need(hr.Headphone(32, "105dB/mW"), hr.Programme(100)).to_dict(), expected)


def test_fit(cli):
    points = ["1.8W@16", "1.2W@32", "130mW@600"]
    expected = cli("fit", *[f"--power={p}" for p in points], "--zout", "0.2", "--json")
    f = hr.fit(points, zout=0.2)
    assert_same(f.to_dict(), expected)
    assert f.stage.zout_stated
    # The fitted stage carries the table: at a stated load it gives exactly the stated power.
    hp = hr.Headphone(32, "100dB/mW")
    assert hr.analyse(f.stage, hp).load_power_w == pytest.approx(1.2, rel=1e-12)


def test_catalog_entries(cli):
    cat = hr.catalog()
    headphones = cli("catalog", "headphones", "--json")["headphones"]
    amps = cli("catalog", "amps", "--json")["amplifiers"]
    assert [h.name for h in cat.headphones] == [h["name"] for h in headphones]
    assert [a.name for a in cat.amplifiers] == [a["name"] for a in amps]
    # An installed package (the wheel) reads its own copy of the catalog; the command, the source tree's.
    own_data = str(Path(cat.headphones_file).resolve().parent)
    for entry, expected in zip(cat.headphones, headphones):
        got = entry.to_dict()
        if "impedance_curve" in got:
            got["impedance_curve"] = got["impedance_curve"].replace(own_data, str(SOURCE_DIR / "data"), 1)
        assert_same(got, expected, entry.name)
    for entry, expected in zip(cat.amplifiers, amps):
        assert_same(entry.to_dict(), expected, entry.name)


def test_rank_outputs(cli):
    expected = cli("sweep", "--headphone", "Sennheiser HD600 (measured)", "--min-headroom", "10", "--target", "85", "--crest", "18",
                   "--json")["recommendations"]
    got = hr.rank_outputs("Sennheiser HD600 (measured)", target=85, crest=18, min_headroom=10)
    assert_same([got.to_dict()], expected)
    assert got.qualifying == expected[0]["qualifying"] and len(got) == len(expected[0]["outputs"])
    # --top, a kind of amplifier, and a sensitive IEM (hiss ranks next).
    expected = cli("sweep", "--headphone", "Campfire Audio Andromeda 2020", "--kind", "dongle", "--top", "5", "--target", "80",
                   "--crest", "15", "--json")["recommendations"]
    dongles = [a for a in hr.catalog().amplifiers if a.kind == "dongle"]
    got = hr.rank_outputs("Campfire Audio Andromeda 2020", dongles, hr.Programme(80, crest=15), top=5)
    assert_same([got.to_dict()], expected)


def test_rank_headphones(cli):
    expected = cli("sweep", "--amp", "Schiit Magni 2", "--target", "95", "--crest", "18", "--min-headroom", "3", "--json")
    got = hr.rank_headphones("Schiit Magni 2", target=95, crest=18, min_headroom=3)
    assert_same([got.to_dict()], expected["recommendations"])
