"""Bad input raises one clear exception, a ValueError subclass whose message and attributes name the entity and the
field; never a crash, never a half-made object."""

from __future__ import annotations

import json

import pytest

import headroom as hr


def test_the_classes_are_value_errors():
    for cls in (hr.SpecError, hr.ParseError, hr.InputFileError, hr.MissingFileError, hr.UnknownNameError):
        assert issubclass(cls, hr.HeadroomError) and issubclass(cls, ValueError), cls
    assert issubclass(hr.MissingFileError, FileNotFoundError) and issubclass(hr.MissingFileError, hr.InputFileError)
    assert issubclass(hr.UnknownNameError, LookupError)
    assert hr.CatalogError is hr.InputFileError


@pytest.mark.parametrize(
    "make,entity,field",
    [
        (lambda: hr.Headphone(0, "97dB/mW", name="X"), "headphone 'X'", "impedance"),
        (lambda: hr.Headphone(32, "97dB/mW", rated_power=-1), "headphone 'headphone'", "rated_power"),
        (lambda: hr.Headphone(32, "300dB/V"), "sensitivity", "sensitivity"),
        (lambda: hr.OutputStage("amp", vmax=-1), "output stage 'amp'", "vmax"),
        (lambda: hr.OutputStage("amp", vmax=1e6), "output stage 'amp'", "vmax"),
        (lambda: hr.OutputStage("amp", vmax=1, zout=-0.5), "output stage 'amp'", "zout"),
        (lambda: hr.OutputStage("amp"), "output stage 'amp'", "vmax"),
        (lambda: hr.OutputStage("amp", gain=6), "output stage 'amp'", "gain"),
        (lambda: hr.OutputStage("amp", vmax=1, snr=120, noise="2uV"), "output stage 'amp'", "snr"),
        (lambda: hr.OutputStage("amp", vmax=1, topology="tri-amped"), "output stage 'amp'", "topology"),
        (lambda: hr.OutputStage("amp", power=["1W@32", "2W@32"]), "output stage 'amp'", "power"),
        (lambda: hr.Programme(300), "programme", "target"),
        (lambda: hr.Programme(85, crest=50), "programme", "crest"),
        (lambda: hr.Sensitivity(db_per_mw=97, db_per_v=100), "sensitivity", "form"),
        (lambda: hr.Sensitivity(db=94), "sensitivity", "db"),
        (lambda: hr.ImpedanceCurve.from_points([100, 50], [30, 30]), "impedance curve 'curve'", "frequency"),
        (lambda: hr.EQFilter("PK", 30000, 3), "EQ filter", "Fc"),
        (lambda: hr.analyse(hr.OutputStage(vmax=1), hr.Headphone(32, "97dB/mW"), hr.Programme(85), target=90), "programme", "target"),
        (lambda: hr.compare_outputs([], hr.Headphone(32, "97dB/mW")), "comparison", "outputs"),
    ],
)
def test_spec_errors_name_entity_and_field(make, entity, field):
    with pytest.raises(hr.SpecError) as e:
        make()
    assert (e.value.entity, e.value.field) == (entity, field)
    assert str(e.value).startswith(f"{entity}: {field}")
    assert e.value.problem and e.value.problem in str(e.value)


@pytest.mark.parametrize(
    "make,entity,field,words",
    [
        (lambda: hr.Headphone("three hundred", "97dB/mW"), "headphone 'headphone'", "impedance", "is not an impedance"),
        (lambda: hr.Headphone(32, "97 dB"), "headphone 'headphone'", "sensitivity", "give its unit"),
        (lambda: hr.OutputStage("amp", vmax="7.5Q"), "output stage 'amp'", "vmax", "is not a voltage"),
        (lambda: hr.OutputStage("amp", imax="lots"), "output stage 'amp'", "imax", "is not a current"),
        (lambda: hr.OutputStage("amp", power=["1.2W at 32"]), "output stage 'amp'", "power", "is not a power into a load"),
        (lambda: hr.Programme("loud"), "programme", "target", "is not"),
        (lambda: hr.Sensitivity("ninety-seven"), "sensitivity", "text", "is not a sensitivity"),
        (lambda: hr.need(hr.Headphone(32, "97dB/mW"), target=85, source="2 volts"), "need", "source", "is not a voltage"),
    ],
)
def test_parse_errors_name_entity_and_argument(make, entity, field, words):
    with pytest.raises(hr.ParseError) as e:
        make()
    assert (e.value.entity, e.value.field) == (entity, field)
    assert str(e.value).startswith(f"{entity}: {field}: ") and words in str(e.value)


def test_wrong_types_are_type_errors_naming_the_argument():
    with pytest.raises(TypeError, match="vmax"):
        hr.OutputStage(vmax=[7.5])
    with pytest.raises(TypeError, match="sensitivity.*bare number"):
        hr.Headphone(32, 97)  # dB/mW or dB/V? 5-15 dB apart: refused
    with pytest.raises(TypeError, match="imax"):
        hr.OutputStage(imax=True)
    with pytest.raises(TypeError, match="output"):
        hr.analyse(hr.Headphone(32, "97dB/mW"), hr.OutputStage(vmax=1))


def test_catalog_lookups_suggest_the_nearest_names():
    cat = hr.catalog()
    with pytest.raises(hr.UnknownNameError, match="did you mean 'Sennheiser HD600'") as e:
        cat.headphone("HD 600")
    assert e.value.kind == "headphone"
    with pytest.raises(LookupError):
        cat.amplifier("Schiit Magni 99")
    with pytest.raises(hr.UnknownNameError) as e:
        cat.amplifier("AFUL Snowy Night").output("XLR")
    assert e.value.kind == "output"
    with pytest.raises(hr.UnknownNameError, match="low"):
        cat.amplifier("AFUL Snowy Night").output("3.5mm").setting("turbo")
    with pytest.raises(ValueError):
        hr.analyse(hr.OutputStage(vmax=1), "No Such Headphone")


def test_a_bad_catalog_file_names_file_line_entry_and_field(tmp_path):
    good = json.loads((hr._bundled_dir() / "headphones.json").read_text())
    good["headphones"] = good["headphones"][:2]
    good["headphones"][1]["impedance"] = "-32ohm"
    (tmp_path / "headphones.json").write_text(json.dumps(good, indent=2))
    (tmp_path / "amplifiers.json").write_text((hr._bundled_dir() / "amplifiers.json").read_text())
    with pytest.raises(hr.CatalogError) as e:
        hr.catalog(tmp_path)
    assert e.value.file.endswith("headphones.json") and e.value.field == "impedance"
    assert good["headphones"][1]["name"] in e.value.entry
    (tmp_path / "headphones.json").write_text('{"format": "headroom-catalog-1", "headphones": [\n  {,}\n]}')
    with pytest.raises(hr.InputFileError) as e:
        hr.catalog(tmp_path)
    assert e.value.file.endswith("headphones.json:2:4")


def test_missing_files_are_file_not_found_errors(tmp_path):
    for load in (lambda p: hr.catalog(p), hr.ImpedanceCurve.load, hr.ParametricEQ.load):
        with pytest.raises(FileNotFoundError) as e:
            load(tmp_path / "nothing here")
        assert isinstance(e.value, hr.InputFileError) and e.value.errno == 2 and "nothing here" in e.value.filename
    with pytest.raises(hr.InputFileError) as e:  # a folder is there, but is not a file
        hr.ImpedanceCurve.load(tmp_path)
    assert not isinstance(e.value, FileNotFoundError) and "folder" in str(e.value)


def test_bad_curve_and_eq_text_names_the_line(tmp_path):
    with pytest.raises(hr.InputFileError) as e:
        hr.ImpedanceCurve.read("frequency,magnitude\n20,300\n100,abc\n", "z.csv")
    assert e.value.file == "z.csv:3"
    f = tmp_path / "eq.txt"
    f.write_text("Preamp: -6 dB\nFilter 1: ON PK Fc 1000 Hz Gain 600 dB Q 1\n")
    with pytest.raises(hr.InputFileError) as e:
        hr.ParametricEQ.load(f)
    assert e.value.file.endswith("eq.txt:2") and "600" in str(e.value)
