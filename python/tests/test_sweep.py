"""headroom.sweep: the command's sweep from Python. Its statistics and top lists equal `headroom sweep --json`
exactly (the same engine on the same bits), for the bundled catalog and a --synthetic one; columns given in the
engine's dtype are read in place; the grid agrees with the statistics; bad columns raise a SpecError naming the
field. Sizes stay small: the suite runs in seconds."""

from __future__ import annotations

import numpy as np
import pytest

import headroom as hr

from conftest import AUTOEQ_DIR

TIMING = {"seconds", "pairs_per_second", "cpu_seconds", "pairs_per_cpu_second", "threads", "memory_bytes", "working_bytes"}


def figures(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in TIMING}


@pytest.mark.parametrize("precision", ["float", "double"])
def test_synthetic_sweep_equals_the_command(cli, precision):
    outputs, headphones = hr.synthetic(300, 3000, 7)
    got = hr.sweep(outputs, headphones, target=90, crest=18, min_headroom=3, top=3, precision=precision)
    expected = cli("sweep", "--synthetic", "300x3000", "--seed", "7", "--target", "90", "--crest", "18", "--min-headroom", "3",
                   "--top", "3", "--precision", precision, "--json")
    assert figures(got.to_dict()) == figures(expected)
    assert got.pairs == 900_000 and got.top.output.shape == (3000, 3)


def test_catalog_sweep_equals_the_command(cli):
    cat = hr.catalog()
    got = hr.sweep(cat, cat, hr.Programme(95, crest=18), top=2, threads=2)
    expected = cli("sweep", "--target", "95", "--crest", "18", "--top", "2", "--threads", "2", "--json")
    assert figures(got.to_dict()) == figures(expected)
    assert got.to_dict()["top"][0]["headphone_name"] == cat.headphones[0].name
    # The same gear as lists of objects (settings, which carry a load-sensed mode's loads), and as packed columns.
    settings = [s for a in cat.amplifiers for o in a.outputs for s in o.settings]
    by_objects = hr.sweep(settings, [h.model for h in cat.headphones], target=95, crest=18, top=2)
    by_columns = hr.sweep(hr.output_columns(cat), hr.headphone_columns(cat), target=95, crest=18, top=2)
    for other in (by_objects, by_columns):
        assert figures(dict(other)) == figures(dict(got))
        assert all(np.array_equal(a, b) for a, b in zip(other.top, got.top))


def test_a_load_sensed_mode_meets_only_the_headphones_whose_load_selects_it(cli):
    cat = hr.catalog()
    settings = [s for a in cat.amplifiers for o in a.outputs for s in o.settings]
    modes = [j for j, s in enumerate(settings) if s.kind == "load_sensed"]
    assert modes and all(settings[j].loads != (0.0, float("inf")) for j in modes)
    loads = hr.headphone_columns(cat)["r"]  # the load a device senses: a known curve's minimum
    selects = np.array([[lo <= r < hi for r in loads] for lo, hi in (s.loads for s in settings)])
    expected = int(selects.sum())
    assert expected < len(settings) * len(loads)
    got = hr.sweep(cat, cat, target=95, crest=18, top=len(settings), grid=True, precision="double")
    assert got.pairs == expected == cli("sweep", "--target", "95", "--crest", "18", "--json")["pairs"]
    assert (got.per_headphone.binding.sum(axis=0) == selects.sum(axis=0)).all()
    # The grid: NaN where the mode is not selected, a figure wherever a pair exists; the lists hold only pairs.
    assert np.array_equal(np.isnan(got.grid.headroom_db), ~selects)
    for i, entry in enumerate(got.to_dict()["top"]):
        assert len(entry["best"]) == selects[:, i].sum()
        assert all(selects[b["output"], i] for b in entry["best"])
    # The columns say so (MODE_COLUMNS); bare stages are no modes: every stage meets every headphone.
    columns = hr.output_columns(cat)
    assert set(hr.MODE_COLUMNS) <= set(columns)
    assert hr.sweep([s.stage for s in settings], cat, target=95, crest=18).pairs == len(settings) * len(loads)
    with pytest.raises(hr.SpecError) as e:
        hr.sweep({k: v for k, v in columns.items() if k != "load_max"}, cat, target=95)
    assert e.value.field == "load_max"
    bad = dict(columns, load_max=np.zeros(len(settings)))
    with pytest.raises(hr.SpecError) as e:
        hr.sweep(bad, cat, target=95)
    assert e.value.field == "load_max"


ACROSS_TIMING = {"seconds", "cpu_seconds", "pair_frequencies_per_second", "threads", "memory_bytes", "working_bytes"}


@pytest.mark.parametrize("precision", ["float", "double"])
def test_a_sweep_across_frequency_equals_the_command(cli, precision):
    cat = hr.catalog()
    got = hr.sweep(cat, cat, target=95, crest=18, min_headroom=6, top=3, precision=precision, across_frequency=True)
    expected = cli("sweep", "--across-frequency", "--target", "95", "--crest", "18", "--min-headroom", "6", "--top", "3",
                   "--precision", precision, "--json")
    assert isinstance(got, hr.AcrossResult)
    assert {k: v for k, v in got.to_dict().items() if k not in ACROSS_TIMING} == {k: v for k, v in expected.items() if k not in ACROSS_TIMING}
    per = got.per_headphone
    assert per.min_worst_headroom_db.min() == got.worst_headroom_db["min"]
    assert per.above_threshold.sum() == got.above_threshold
    assert dict(zip(hr.LIMITS, per.binding.sum(axis=1).tolist())) == got.binding


def test_a_sweep_across_frequency_with_eq_equals_the_command(cli):
    cat = hr.catalog()
    path = str(AUTOEQ_DIR / "Sennheiser HD 600 ParametricEQ.txt")
    eq = hr.ParametricEQ.load(path)
    got = hr.sweep(cat, cat, target=90, crest=15, top=2, across_frequency=True, eq=eq)
    expected = cli("sweep", "--across-frequency", "--eq", path, "--target", "90", "--crest", "15", "--top", "2", "--json")
    skip = ACROSS_TIMING | {"eq"}
    assert {k: v for k, v in got.to_dict().items() if k not in skip} == {k: v for k, v in expected.items() if k not in skip}
    assert got.eq_headphones == len(cat.headphones)
    # A preset by headphone name: the named headphone's figures are the single preset's, the others' without EQ.
    name = "Sennheiser HD600"
    one = hr.sweep(cat, cat, target=90, crest=15, across_frequency=True, eq={name: eq})
    none = hr.sweep(cat, cat, target=90, crest=15, across_frequency=True)
    i = [h.name for h in cat.headphones].index(name)
    assert one.eq_headphones == 1
    assert one.per_headphone.min_worst_headroom_db[i] == got.per_headphone.min_worst_headroom_db[i]
    others = np.arange(len(cat.headphones)) != i
    assert np.array_equal(one.per_headphone.min_worst_headroom_db[others], none.per_headphone.min_worst_headroom_db[others])


def out_rows(path) -> dict[tuple[str, str, str, str], tuple[str, str, str]]:
    """The rows of `headroom sweep --across-frequency --out FILE`, by (headphone, amplifier, output, gain)."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["headphone", "amplifier", "output", "gain", "worst_headroom_db", "worst_headroom_hz", "worst_headroom_limit"]
    by_pair = {tuple(r[:4]): tuple(r[4:]) for r in rows[1:]}
    assert len(by_pair) == len(rows) - 1, "a pair written twice"
    return by_pair  # type: ignore[return-value]


@pytest.mark.parametrize("precision,eq", [("float", None), ("double", None), ("float", "Sennheiser HD 600"), ("double", "HIFIMAN Sundara")])
def test_the_grid_across_frequency_is_the_commands_out_rows(cli, tmp_path, precision, eq):
    cat = hr.catalog()
    args = ["--target", "95", "--crest", "18", "--min-headroom", "6", "--precision", precision]
    kwargs: dict = {}
    if eq is not None:
        path = str(AUTOEQ_DIR / f"{eq} ParametricEQ.txt")
        args += ["--eq", path]
        kwargs["eq"] = hr.ParametricEQ.load(path)
    out = tmp_path / "pairs.csv"
    command = cli("sweep", "--across-frequency", "--out", str(out), *args, "--json")
    got = hr.sweep(cat, cat, target=95, crest=18, min_headroom=6, precision=precision, across_frequency=True, grid=True, **kwargs)
    g = got.grid
    m, n = got.outputs, got.headphones
    assert g.worst_headroom_db.shape == g.worst_headroom_hz.shape == g.worst_headroom_limit.shape == (m, n)
    assert g.worst_headroom_db.dtype == (np.float32 if precision == "float" else np.float64)
    assert g.worst_headroom_hz.dtype == np.float64 and g.worst_headroom_limit.dtype == np.uint8
    # Every cell is its pair's row, as the command formats it; a pair the command does not write is NaN, NaN, NO_LIMIT.
    rows = out_rows(out)
    settings = [(a.name, o.name, s.name or "") for a in cat.amplifiers for o in a.outputs for s in o.settings]
    headphones = [h.name for h in cat.headphones]
    assert len(settings) == m and len(set(settings)) == m
    written = 0
    for j, gear in enumerate(settings):
        for i, name in enumerate(headphones):
            row = rows.get((name, *gear))
            db = float(g.worst_headroom_db[j, i])
            if row is None:
                assert np.isnan(db) and np.isnan(g.worst_headroom_hz[j, i]) and g.worst_headroom_limit[j, i] == hr.NO_LIMIT, (j, i)
                continue
            written += 1
            assert (f"{db:.4f}", f"{g.worst_headroom_hz[j, i]:.2f}", hr.LIMITS[g.worst_headroom_limit[j, i]]) == row, (j, i)
    assert written == len(rows) == got.pairs == command["pairs"]
    assert np.isnan(g.worst_headroom_db).sum() == m * n - got.pairs > 0  # the catalog's load-sensed modes
    # The grid makes the statistics. Its cells are in the sweep's precision, the statistics in double of the same
    # worst cases: the extremes are the statistics rounded to the grid's dtype, the means within that rounding.
    cells, dtype = g.worst_headroom_db, g.worst_headroom_db.dtype
    per = got.per_headphone
    assert np.nanmin(cells) == dtype.type(got.worst_headroom_db["min"]) and np.nanmax(cells) == dtype.type(got.worst_headroom_db["max"])
    assert np.array_equal(np.nanmin(cells, axis=0), per.min_worst_headroom_db.astype(dtype))
    assert np.array_equal(np.nanmax(cells, axis=0), per.max_worst_headroom_db.astype(dtype))
    rounding = 1e-5 if precision == "float" else 1e-12  # dB: a float's resolution at 50 dB is 4e-6
    means = np.nanmean(cells.astype(np.float64), axis=0)
    assert np.allclose(means, per.mean_worst_headroom_db, rtol=0, atol=rounding)
    assert abs(means.mean() - got.worst_headroom_db["mean"]) < rounding
    counts = np.bincount(g.worst_headroom_limit.ravel(), minlength=hr.NO_LIMIT + 1)
    assert dict(zip(hr.LIMITS, counts.tolist())) == got.binding and counts[hr.NO_LIMIT] == m * n - got.pairs
    assert int((cells >= got.min_headroom_db).sum()) == got.above_threshold
    # The best output of each headphone holds the grid's best in its column (equal figures may be listed in either
    # order: the list ranks by the voltage ratio, whose last bit the dB figure can lose).
    top = hr.sweep(cat, cat, target=95, crest=18, precision=precision, across_frequency=True, top=1, **kwargs).top
    best = cells[top.output[:, 0], np.arange(n)]
    assert np.array_equal(best, np.nanmax(cells, axis=0)) and np.array_equal(best, top.worst_headroom_db[:, 0].astype(dtype))
    assert np.array_equal(g.worst_headroom_hz[top.output[:, 0], np.arange(n)], top.worst_headroom_hz[:, 0])
    # The grid does not change the figures, and is there only when asked for.
    plain = hr.sweep(cat, cat, target=95, crest=18, min_headroom=6, precision=precision, across_frequency=True, **kwargs)
    assert plain.grid is None
    timing = ACROSS_TIMING
    assert {k: v for k, v in plain.items() if k not in timing} == {k: v for k, v in got.items() if k not in timing}


def test_a_grid_across_frequency_that_cannot_fit_is_refused_before_anything_is_allocated():
    outputs = {"v_clip": np.full(10**6, 2.0), "z_out": np.ones(10**6)}
    many = [hr.Headphone(32, "100dB/V")] * 10**5  # 10^11 pairs of 13 bytes: 1.3 TB
    with pytest.raises(hr.SpecError, match="grid of every pair of 1000000 x 100000 needs 1.3e\\+03 GB") as e:
        hr.sweep(outputs, many, across_frequency=True, grid=True)
    assert e.value.field == "grid"


def test_a_sweep_across_frequency_refuses_what_it_cannot_honour():
    cat = hr.catalog()
    outputs, headphones = hr.synthetic(4, 5, 1)
    eq = hr.ParametricEQ.read("Preamp: -6 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6 dB Q 0.7")
    cases = [
        (lambda: hr.sweep(outputs, headphones, across_frequency=True), "r"),  # columns have no curves
        (lambda: hr.sweep(cat, cat, eq=eq), "eq"),  # EQ is a frequency's boost: across frequency only
        (lambda: hr.sweep(cat, cat, across_frequency=True, eq={"No Such Headphone": eq}), "eq"),
    ]
    for call, field in cases:
        with pytest.raises(hr.SpecError) as e:
            call()
        assert e.value.field == field
    with pytest.raises(TypeError):
        hr.sweep(cat, cat, across_frequency=True, eq={"Sennheiser HD600": "not an EQ"})
    with pytest.raises(TypeError):
        hr.sweep(cat, cat, across_frequency="yes")


def test_the_default_programme_is_the_commands(cli):
    outputs, headphones = hr.synthetic(40, 500, 3)
    expected = cli("sweep", "--synthetic", "40x500", "--seed", "3", "--json")
    assert figures(dict(hr.sweep(outputs, headphones))) == figures(expected)


def test_per_headphone_arrays_make_the_statistics():
    outputs, headphones = hr.synthetic(200, 1500, 11)
    r = hr.sweep(outputs, headphones, target=88, crest=15, min_headroom=6, top=4, precision="double")
    per = r.per_headphone
    assert per.min_headroom_db.min() == r.headroom_db["min"] and per.max_headroom_db.max() == r.headroom_db["max"]
    assert per.above_threshold.sum() == r.above_threshold
    assert dict(zip(hr.LIMITS, per.binding.sum(axis=1).tolist())) == r.binding
    assert (per.binding.sum(axis=0) == 200).all()
    assert np.array_equal(r.top.headroom_db[:, 0], per.max_headroom_db)
    assert not per.min_headroom_db.flags.writeable  # views of the result, read-only


@pytest.mark.parametrize("precision", ["float", "double"])
def test_the_grid_holds_every_pair(precision):
    outputs, headphones = hr.synthetic(150, 1200, 5)
    r = hr.sweep(outputs, headphones, target=85, crest=12, top=3, precision=precision, grid=True)
    g = r.grid
    assert g is not None and g.headroom_db.shape == (150, 1200) and g.limit.dtype == np.uint8
    assert g.headroom_db.dtype == (np.float32 if precision == "float" else np.float64)
    counts = np.bincount(g.limit.ravel(), minlength=len(hr.LIMITS))
    assert dict(zip(hr.LIMITS, counts.tolist())) == r.binding
    # The best output of each headphone is the grid's best in its column (ties to the lower index).
    assert np.array_equal(np.argmax(g.headroom_db, axis=0), r.top.output[:, 0])
    tol = 1e-3 if precision == "float" else 0.0
    assert np.allclose(g.headroom_db.max(axis=0), r.per_headphone.max_headroom_db, rtol=0, atol=tol)
    assert np.allclose(g.headroom_db.min(axis=0), r.per_headphone.min_headroom_db, rtol=0, atol=tol)
    assert hr.sweep(outputs, headphones, target=85, crest=12).grid is None


def test_columns_in_the_engines_dtype_are_read_in_place():
    outputs, headphones = hr.synthetic(50, 400, 2)
    as_float = {k: (v.astype(np.float32) if v.dtype == np.float64 else v) for k, v in outputs.items()}
    hp_float = {k: v.astype(np.float32) for k, v in headphones.items()}
    assert hr.sweep(as_float, hp_float).copied == ()
    assert hr.sweep(outputs, headphones, precision="double").copied == ()
    assert set(hr.sweep(outputs, headphones).copied) == set(hr.OUTPUT_COLUMNS) | {"table_ln_r", "table_ln_v", "r", "s_v"}
    strided = dict(headphones, r=np.repeat(headphones["r"], 2)[::2])
    assert hr.sweep(outputs, strided, precision="double").copied == ("r",)
    # Lists and absent limits are taken too: a stage with only a voltage limit and an output impedance.
    simple = hr.sweep({"v_clip": [2.0, 5.0], "z_out": [1.0, 10.0]}, {"r": [32.0, 300.0], "s_v": [100.0, 95.0]}, precision="double")
    stages = [hr.OutputStage(vmax=2.0, zout=1.0), hr.OutputStage(vmax=5.0, zout=10.0)]
    same = hr.sweep(stages, [hr.Headphone(32, "100dB/V"), hr.Headphone(300, "95dB/V")], precision="double")
    assert figures(dict(simple)) == figures(dict(same))


def test_a_sweep_keeps_its_arrays_after_the_inputs_are_gone():
    outputs, headphones = hr.synthetic(30, 300, 4)
    r = hr.sweep(outputs, headphones, top=2)
    del outputs, headphones
    top = r.top
    del r
    assert top.output.shape == (300, 2) and (top.output >= 0).all() and (top.output < 30).all()


def nan_at(column: np.ndarray, k: int) -> np.ndarray:
    c = column.astype(np.float64).copy()
    c[k] = np.nan
    return c


@pytest.mark.parametrize(
    "change,entity,field",
    [
        (lambda o, h: (dict(o, v_clip=nan_at(o["v_clip"], 3)), h), "outputs", "v_clip"),
        (lambda o, h: (dict(o, i_max=-o["i_max"]), h), "outputs", "i_max"),
        (lambda o, h: (dict(o, z_out=o["z_out"] + 2e6), h), "outputs", "z_out"),
        (lambda o, h: (dict(o, v_gain=o["v_gain"][:-1]), h), "outputs", "v_gain"),
        (lambda o, h: (dict(o, r_clip=o["r_clip"].reshape(2, -1)), h), "outputs", "r_clip"),
        (lambda o, h: (dict(o, sqrt_p_clip=o["sqrt_p_clip"].astype(str)), h), "outputs", "sqrt_p_clip"),
        (lambda o, h: (dict(o, sqrt_p_clip=o["sqrt_p_clip"].astype(complex)), h), "outputs", "sqrt_p_clip"),
        (lambda o, h: (dict(o, sqrt_p_clip=o["sqrt_p_clip"].astype(object)), h), "outputs", "sqrt_p_clip"),
        (lambda o, h: (dict(o, sqrt_p_thermal=o["sqrt_p_thermal"] > 0), h), "outputs", "sqrt_p_thermal"),
        (lambda o, h: (dict(o, table_first=o["table_first"] + 1), h), "outputs", "table_first"),
        (lambda o, h: ({k: v for k, v in o.items() if k != "table_ln_v"}, h), "outputs", "table_ln_v"),
        (lambda o, h: (dict(o, volts=o["v_clip"]), h), "outputs", "volts"),
        (lambda o, h: ({"z_out": o["z_out"]}, h), "outputs", "v_clip"),  # no limit at all
        (lambda o, h: (o, dict(h, r=nan_at(h["r"], 7))), "headphones", "r"),
        (lambda o, h: (o, dict(h, r=-h["r"])), "headphones", "r"),
        (lambda o, h: (o, dict(h, r=np.zeros_like(h["r"]))), "headphones", "r"),
        (lambda o, h: (o, dict(h, s_v=np.full_like(h["s_v"], np.inf))), "headphones", "s_v"),
        (lambda o, h: (o, dict(h, s_v=h["s_v"][:5])), "headphones", "s_v"),
        (lambda o, h: (o, dict(h, s_v=np.stack([h["s_v"], h["s_v"]]))), "headphones", "s_v"),
        (lambda o, h: (o, {"r": h["r"]}), "headphones", "s_v"),
    ],
)
def test_bad_columns_name_the_field(change, entity, field):
    outputs, headphones = hr.synthetic(20, 100, 1)
    o, h = change(outputs, headphones)
    with pytest.raises(hr.SpecError) as e:
        hr.sweep(o, h)
    assert isinstance(e.value, ValueError)
    assert (e.value.entity, e.value.field) == (entity, field), str(e.value)
    assert str(e.value).startswith(f"{entity}: {field} ")


def test_a_nan_is_named_with_its_index():
    outputs, headphones = hr.synthetic(20, 100, 1)
    with pytest.raises(hr.SpecError, match=r"headphones: r \[7\]") as e:
        hr.sweep(outputs, dict(headphones, r=nan_at(headphones["r"], 7)))
    assert e.value.field == "r"


@pytest.mark.parametrize(
    "side,column,value",
    [
        ("headphones", "s_v", 1e30),   # +1e30 dB of headroom otherwise
        ("headphones", "r", 1e-30),
        ("outputs", "i_max", 5e-324),  # a denormal: the pair's mean fell outside its min and max
        ("outputs", "v_clip", 1e9),
        ("outputs", "z_out", -1.0),
    ],
)
def test_columns_are_held_to_the_constructors_ranges(side, column, value):
    outputs, headphones = hr.synthetic(4, 6, 1)
    cols = {"outputs": dict(outputs), "headphones": dict(headphones)}
    x = np.array(cols[side][column], dtype=np.float64)
    x[0] = value
    cols[side][column] = x
    with pytest.raises(hr.SpecError) as e:
        hr.sweep(cols["outputs"], cols["headphones"])
    assert (e.value.entity, e.value.field) == (side, column)


def test_a_masked_array_is_refused_rather_than_swept_with_its_hidden_values():
    outputs, headphones = hr.synthetic(4, 6, 1)
    masked = np.ma.masked_array(headphones["r"], mask=[False, True, False, False, False, False])
    with pytest.raises(hr.SpecError, match="masked array") as e:
        hr.sweep(outputs, dict(headphones, r=masked))
    assert e.value.field == "r"


def test_outputs_given_by_their_rating_tables_alone_are_swept():
    stage = hr.OutputStage(power=["1W@32", "0.2W@300"])
    o = hr.output_columns([stage])
    tables = {k: o[k] for k in ("table_first", "table_ln_r", "table_ln_v")}
    r = hr.sweep(tables, hr.headphone_columns("Sennheiser HD600"), precision="double")
    assert r.pairs == 1
    assert r.headroom_db["max"] == pytest.approx(hr.analyse(stage, "Sennheiser HD600", target=85).headroom_db, abs=1e-9)


def test_bad_rating_tables_are_refused():
    stage = hr.OutputStage(power=["1W@32", "0.2W@300"])
    o = hr.output_columns([stage, stage])
    backwards = dict(o, table_ln_r=o["table_ln_r"][[1, 0, 3, 2]])
    with pytest.raises(hr.SpecError) as e:
        hr.sweep(backwards, hr.headphone_columns("Sennheiser HD600"))
    assert e.value.field == "table_ln_r"
    # Two tables back to back may step down from one to the next.
    assert hr.sweep(o, hr.headphone_columns("Sennheiser HD600")).pairs == 2


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"precision": "half"}, "precision"),
        ({"top": -1}, "top"),
        ({"threads": 0}, "threads"),
        ({"target": 300}, "target"),
        ({"target": "loud"}, "target"),
        ({"min_headroom": "lots"}, "min_headroom"),
    ],
)
def test_bad_settings_name_the_field(kwargs, field):
    outputs, headphones = hr.synthetic(5, 10, 1)
    with pytest.raises(hr.HeadroomError) as e:
        hr.sweep(outputs, headphones, **kwargs)
    assert e.value.field == field, str(e.value)


def test_wrong_kinds_of_argument_are_type_errors():
    outputs, headphones = hr.synthetic(5, 10, 1)
    with pytest.raises(TypeError):
        hr.sweep(42, headphones)
    with pytest.raises(TypeError):
        hr.sweep(outputs, [1.0, 2.0])
    with pytest.raises(TypeError):
        hr.sweep(outputs, headphones, top=2.5)
    with pytest.raises(TypeError):
        hr.synthetic(5.5, 10)
    with pytest.raises(hr.SpecError):
        hr.synthetic(-1, 10)


def test_empty_catalogs_give_no_figures():
    outputs, headphones = hr.synthetic(0, 10, 1)
    r = hr.sweep(outputs, headphones, top=3)
    assert r.pairs == 0 and np.isnan(r.headroom_db["mean"]) and r.top.output.shape == (10, 0)


def test_a_grid_that_cannot_fit_is_refused_before_anything_is_allocated():
    outputs, headphones = hr.synthetic(30000, 100000, 1)
    with pytest.raises(hr.SpecError, match="grid of every pair of 30000 x 100000 needs") as e:
        hr.sweep(outputs, headphones, grid=True)
    assert e.value.field == "grid"


def test_ctrl_c_stops_a_long_sweep(tmp_path):
    # The engine runs with the GIL released; the caller's thread wakes to let Python handle its signals.
    script = tmp_path / "long_sweep.py"
    script.write_text(
        "import os, signal, threading, time\n"
        "import headroom as hr\n"
        "o, h = hr.synthetic(20000, 100000, 1)\n"
        "threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "start = time.monotonic()\n"
        "try:\n"
        "    hr.sweep(o, h, precision='double', threads=1)\n"
        "    print('finished')\n"
        "except KeyboardInterrupt:\n"
        "    print(f'interrupted {time.monotonic() - start:.2f}')\n"
    )
    import subprocess, sys
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120).stdout
    assert out.startswith("interrupted"), out
    assert float(out.split()[1]) < 1.5
