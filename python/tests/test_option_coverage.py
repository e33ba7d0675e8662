"""Every keyword reaches the answer or is refused: for every parameter of every public function (as inspect lists
them) and every keyword of OutputStage and Headphone (the fields table's), a probe shows that giving it changes the
result, or that it is refused with a HeadroomError or a TypeError. A parameter without a probe fails the test, so a
new keyword cannot arrive untested."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np
import pytest

import headroom as hr
from conftest import AUTOEQ_DIR

EQ = AUTOEQ_DIR / "Sennheiser HD 650 ParametricEQ.txt"


def _plain(x: Any) -> Any:
    """A result as plain data, timings left out, so that two results compare by what they say."""
    if isinstance(x, hr.SweepResult):
        d = {k: v for k, v in x.to_dict().items() if k not in {"seconds", "pairs_per_second", "memory_bytes", "working_bytes"}}
        d["per_headphone"] = [a.tolist() for a in x.per_headphone]
        d["top"] = [a.tolist() for a in x.top]
        d["grid"] = None if x.grid is None else [a.tolist() for a in x.grid]
        return d
    if isinstance(x, hr.AcrossResult):
        d = {k: v for k, v in x.to_dict().items() if k not in {"seconds", "cpu_seconds", "pair_frequencies_per_second", "memory_bytes", "working_bytes"}}
        d["per_headphone"] = [a.tolist() for a in x.per_headphone]
        d["grid"] = None if x.grid is None else [a.tolist() for a in x.grid]
        return d
    if hasattr(x, "to_dict"):
        return x.to_dict()
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (hr.Headphone, hr.OutputStage)):
        return repr(x) + repr(getattr(x, "to_dict", lambda: None)())
    return repr(x)


def changes_or_refuses(base: Callable[[], Any], probe: Callable[[], Any]) -> None:
    expected = _plain(base())
    try:
        got = probe()
    except (hr.HeadroomError, TypeError, ValueError):
        return
    assert _plain(got) != expected


hp = hr.Headphone(32, "100dB/V")
stage = hr.OutputStage(vmax=1)
OUTPUT_VALUES = {
    "vmax": "0.2V", "imax": "2mA", "pmax": "1mW", "thermal_power": "1mW", "source_resistance": "30ohm",
    "power": ["1mW@32ohm"], "zout": "10ohm", "source": "0.1V", "noise": "5uV", "snr": "100dB", "volume": "digital",
}
HEADPHONE_VALUES = {"impedance": 300, "sensitivity": "97dB/mW", "sensitivity_frequency": "500Hz", "rated_power": "1mW"}


def test_every_output_stage_keyword_of_the_fields_table():
    assert set(hr.OUTPUT_FIELDS) == set(OUTPUT_VALUES) | {"gain", "noise_weighting", "snr_reference"}, "a keyword without a probe"
    base = lambda **kw: hr.analyse(hr.OutputStage(vmax=1, **kw), hp, target=90, crest=12)  # noqa: E731
    for key, value in OUTPUT_VALUES.items():
        changes_or_refuses(lambda: base(), lambda: base(**{key: value}))
    changes_or_refuses(lambda: base(source="1V"), lambda: base(source="1V", gain="-6dB"))
    changes_or_refuses(lambda: base(snr="100dB"), lambda: base(snr="100dB", snr_reference="0.1V"))
    changes_or_refuses(lambda: base(noise="5uV"), lambda: base(noise="5uV", noise_weighting="A-weighted"))
    changes_or_refuses(lambda: base(), lambda: base(topology="balanced"))
    assert hr.OutputStage("named", vmax=1).name == "named"  # the name reaches the stage (and its messages)


def test_every_attenuator_keyword_of_the_fields_table():
    assert set(hr.ATTENUATOR_FIELDS) == {"series", "shunt", "resistor_rating"}, "a keyword without a probe"
    iem_hp = hr.Headphone(16, "120dB/V")
    base = lambda **kw: hr.analyse(hr.OutputStage(vmax=2, zout=1), iem_hp, target=75, attenuator=hr.Attenuator(**kw))  # noqa: E731
    changes_or_refuses(lambda: base(series="10ohm"), lambda: base(series="75ohm"))
    changes_or_refuses(lambda: base(series="10ohm"), lambda: base(series="10ohm", shunt="1ohm"))
    changes_or_refuses(lambda: base(series="10ohm"), lambda: base(series="10ohm", resistor_rating="1mW"))
    with pytest.raises(hr.HeadroomError):
        hr.Attenuator(shunt="1ohm")  # a shunt alone is no attenuator
    # Before a catalog IEM, rank_outputs' attenuator changes every row (a non-IEM is refused, in PROBES).
    changes_or_refuses(lambda: hr.rank_outputs(iem, target=75), lambda: hr.rank_outputs(iem, target=75, attenuator=ADAPTER))


def test_every_headphone_keyword_of_the_fields_table():
    assert set(hr._core._headphone_fields) == set(HEADPHONE_VALUES), "a keyword without a probe"
    args = dict(impedance=32, sensitivity="100dB/V")
    base = lambda **kw: hr.analyse(stage, hr.Headphone(**(args | kw)), target=90)  # noqa: E731
    for key, value in HEADPHONE_VALUES.items():
        changes_or_refuses(lambda: base(), lambda: base(**{key: value}))
    curve = hr.ImpedanceCurve.driver("Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5")
    changes_or_refuses(lambda: base(), lambda: base(curve=curve))
    changes_or_refuses(lambda: hr.Headphone(**args).name, lambda: hr.Headphone(**args, name="mine").name)


# For each public function: a base call and, per parameter, a call with it.
eq = hr.ParametricEQ.load(EQ)
outputs, headphones = hr.synthetic(6, 40, 1)
amp = hr.catalog().amplifier("FiiO K19")
adapter = hr.Attenuator(series="75ohm")
ADAPTER = "Etymotic ER4PT P-to-S adapter"  # a catalog attenuator, by name
iem = "Sennheiser IE 300"
PROBES: dict[str, tuple[Callable[[], Any], dict[str, Callable[[], Any]]]] = {
    "analyse": (lambda: hr.analyse(stage, hp, target=90), {
        "output": lambda: hr.analyse(hr.OutputStage(vmax=2), hp, target=90),
        "headphone": lambda: hr.analyse(stage, hr.Headphone(300, "97dB/mW"), target=90),
        "programme": lambda: hr.analyse(stage, hp, hr.Programme(95, crest=18)),
        "target": lambda: hr.analyse(stage, hp, target=95),
        "crest": lambda: hr.analyse(stage, hp, target=90, crest=18),
        "eq": lambda: hr.analyse(stage, hp, target=90, eq=eq),
        "attenuator": lambda: hr.analyse(stage, hp, target=90, attenuator=adapter),
    }),
    "need": (lambda: hr.need(hp, target=90), {
        "headphone": lambda: hr.need(hr.Headphone(300, "97dB/mW"), target=90),
        "programme": lambda: hr.need(hp, hr.Programme(95)),
        "target": lambda: hr.need(hp, target=95),
        "crest": lambda: hr.need(hp, target=90, crest=18),
        "zout": lambda: hr.need(hp, target=90, zout=10),
        "source": lambda: hr.need(hp, target=90, source="1V"),
        "eq": lambda: hr.need(hp, target=90, eq=eq),
        "attenuator": lambda: hr.need(hp, target=90, attenuator=ADAPTER),
    }),
    "fit": (lambda: hr.fit(["1W@32", "100mW@300"]), {
        "power": lambda: hr.fit(["1W@32", "50mW@300"]),
        "zout": lambda: hr.fit(["1W@32", "100mW@300"], zout=2),
    }),
    "compare_outputs": (lambda: hr.compare_outputs(amp, "Sennheiser HD600"), {
        "outputs": lambda: hr.compare_outputs("Schiit Magni 2", "Sennheiser HD600"),
        "headphone": lambda: hr.compare_outputs(amp, "HiFiMan Sundara"),
        "programme": lambda: hr.compare_outputs(amp, "Sennheiser HD600", hr.Programme(90)),
        "target": lambda: hr.compare_outputs(amp, "Sennheiser HD600", target=90),
        "crest": lambda: hr.compare_outputs(amp, "Sennheiser HD600", target=90, crest=18),
        "enough": lambda: hr.compare_outputs(amp, "Sennheiser HD600", target=90, enough=40),
        "eq": lambda: hr.compare_outputs(amp, "Sennheiser HD600", target=90, eq=eq),
        "attenuator": lambda: hr.compare_outputs(amp, "Sennheiser HD600", target=90, attenuator=adapter),
    }),
    "rank_outputs": (lambda: hr.rank_outputs("Sennheiser HD600", target=90), {
        "headphone": lambda: hr.rank_outputs("HiFiMan Sundara", target=90),
        "amplifiers": lambda: hr.rank_outputs("Sennheiser HD600", "FiiO K19", target=90),
        "programme": lambda: hr.rank_outputs("Sennheiser HD600", programme=hr.Programme(100)),
        "target": lambda: hr.rank_outputs("Sennheiser HD600", target=100),
        "crest": lambda: hr.rank_outputs("Sennheiser HD600", target=90, crest=18),
        "min_headroom": lambda: hr.rank_outputs("Sennheiser HD600", target=90, min_headroom=20),
        "top": lambda: hr.rank_outputs("Sennheiser HD600", target=90, top=2),
        # An attenuator stands before an IEM; --max-hiss keeps only outputs known to be that quiet in it.
        "attenuator": lambda: hr.rank_outputs("Sennheiser HD600", target=90, attenuator=ADAPTER),  # refused: not an IEM
        "max_hiss": lambda: hr.rank_outputs("Sennheiser HD600", target=90, max_hiss=0),
    }),
    "rank_headphones": (lambda: hr.rank_headphones("FiiO K19", target=90), {
        "amplifier": lambda: hr.rank_headphones("Schiit Magni 2", target=90),
        "headphones": lambda: hr.rank_headphones("FiiO K19", "Sennheiser HD600", target=90),
        "programme": lambda: hr.rank_headphones("FiiO K19", programme=hr.Programme(100)),
        "target": lambda: hr.rank_headphones("FiiO K19", target=100),
        "crest": lambda: hr.rank_headphones("FiiO K19", target=90, crest=18),
        "min_headroom": lambda: hr.rank_headphones("FiiO K19", target=90, min_headroom=30),
        "top": lambda: hr.rank_headphones("FiiO K19", target=90, top=2),
        "attenuator": lambda: hr.rank_headphones("FiiO K19", target=90, attenuator=ADAPTER),
        "max_hiss": lambda: hr.rank_headphones("FiiO K19", target=90, max_hiss=0),
    }),
    "sweep": (lambda: hr.sweep(outputs, headphones), {
        "outputs": lambda: hr.sweep(hr.synthetic(6, 40, 2)[0], headphones),
        "headphones": lambda: hr.sweep(outputs, hr.synthetic(6, 40, 2)[1]),
        "programme": lambda: hr.sweep(outputs, headphones, hr.Programme(100)),
        "target": lambda: hr.sweep(outputs, headphones, target=100),
        "crest": lambda: hr.sweep(outputs, headphones, crest=18),
        "min_headroom": lambda: hr.sweep(outputs, headphones, min_headroom=30),
        "top": lambda: hr.sweep(outputs, headphones, top=2),
        "threads": lambda: hr.sweep(outputs, headphones, threads=0),  # refused: 1 to 1024, None for all cores
        "precision": lambda: hr.sweep(outputs, headphones, precision="double"),
        "grid": lambda: hr.sweep(outputs, headphones, grid=True),
        "across_frequency": lambda: hr.sweep(outputs, headphones, across_frequency=True),  # refused: columns have no curves
        "eq": lambda: hr.sweep(outputs, headphones, eq=hr.ParametricEQ.read("Preamp: -6 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6 dB Q 0.7")),
    }),
    "catalog": (lambda: hr.catalog(), {
        "directory": lambda: hr.catalog("/nonexistent"),
        "headphones": lambda: hr.catalog(headphones="/nonexistent.json"),
        "amplifiers": lambda: hr.catalog(amplifiers="/nonexistent.json"),
    }),
    "synthetic": (lambda: hr.synthetic(3, 4, 1), {
        "outputs": lambda: hr.synthetic(4, 4, 1),
        "headphones": lambda: hr.synthetic(3, 5, 1),
        "seed": lambda: hr.synthetic(3, 4, 2),
    }),
    "headphone_columns": (lambda: hr.headphone_columns("Sennheiser HD600"), {
        "headphones": lambda: hr.headphone_columns("HiFiMan Sundara"),
    }),
    "output_columns": (lambda: hr.output_columns(amp), {
        "outputs": lambda: hr.output_columns("Schiit Magni 2"),
    }),
}


@pytest.mark.parametrize("name", sorted(n for n in hr.__all__ if inspect.isfunction(getattr(hr, n)) and n != "dask_sweep"))
def test_every_parameter_of_every_function(name):
    assert name in PROBES, f"headroom.{name} has no probes in test_option_coverage.py"
    base, probes = PROBES[name]
    params = list(inspect.signature(getattr(hr, name)).parameters)
    missing = [p for p in params if p not in probes]
    assert not missing, f"headroom.{name}: parameters without a probe: {missing}"
    for p in params:
        changes_or_refuses(base, probes[p])


def test_sweep_across_frequency_takes_its_keywords():
    # Across frequency (catalog gear), each keyword of sweep reaches the answer there too, grid and eq included.
    few = [h.model for h in hr.catalog().headphones[:4]]
    base = lambda **kw: hr.sweep(outputs, few, **({"across_frequency": True} | kw))  # noqa: E731
    probes = {
        "outputs": lambda: hr.sweep(hr.synthetic(6, 1, 2)[0], few, across_frequency=True),
        "headphones": lambda: hr.sweep(outputs, few[:3], across_frequency=True),
        "programme": lambda: base(programme=hr.Programme(100)),
        "target": lambda: base(target=100),
        "crest": lambda: base(crest=18),
        "min_headroom": lambda: base(min_headroom=30),
        "top": lambda: base(top=2),
        "threads": lambda: base(threads=0),  # refused: 1 to 1024
        "precision": lambda: base(precision="double"),
        "grid": lambda: base(grid=True),
        "across_frequency": lambda: base(across_frequency=False),
        "eq": lambda: base(eq=eq),
    }
    assert set(probes) == set(inspect.signature(hr.sweep).parameters), "a keyword of sweep without a probe across frequency"
    for probe in probes.values():
        changes_or_refuses(base, probe)
    grid = base(grid=True).grid
    assert grid is not None and grid.worst_headroom_db.shape == (6, 4)


def test_dask_sweep_takes_the_sweep_keywords_and_partitions():
    # Its keywords are sweep's (probed above, and held to sweep's result in test_dask.py, across frequency and its
    # eq included), less grid, plus client and partitions; a keyword of sweep it does not take is refused rather
    # than dropped, and so is what it cannot honour, naming the keyword (before the client is used).
    params = set(inspect.signature(hr.dask_sweep).parameters)
    assert params == set(inspect.signature(hr.sweep).parameters) - {"grid"} | {"client", "partitions"}
    with pytest.raises(TypeError):
        hr.dask_sweep(None, outputs, headphones, grid=True)  # type: ignore[call-arg]
    with pytest.raises(hr.SpecError) as e:
        hr.dask_sweep(None, outputs, headphones, eq=eq)  # EQ applies across frequency only
    assert e.value.field == "eq"
    with pytest.raises(hr.SpecError) as e:
        hr.dask_sweep(None, outputs, headphones, across_frequency=True)  # columns have no curves
    assert e.value.field == "r"
