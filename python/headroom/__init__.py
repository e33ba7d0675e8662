"""headroom: can this amplifier drive these headphones, how loud, with how much headroom, and what limits it?

The model (docs/model.md) in Python, on the same compiled core as the ``headroom`` command::

    import headroom
    hp = headroom.Headphone(300, "97dB/mW")
    out = headroom.OutputStage(vmax=7.5, imax="250mA", zout=0.5)
    r = headroom.analyse(out, hp, target=85, crest=18)
    r.max_spl_db, r.limit, r.headroom_db, r.headroom_limit

``headroom.sweep`` runs the command's batch engine over whole catalogs (catalog gear or NumPy columns in, NumPy
arrays out) and ``headroom.dask_sweep`` the same over a Dask cluster, with the same result.

Results carry the command line's JSON keys and units (SI base units and dB, the unit in the key); bad input raises
a ``headroom.HeadroomError``, a ``ValueError`` naming the entity and the field. docs/python.md is the tour.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence, Union

from . import _core
from ._core import (
    Amplifier,
    AmplifierOutput,
    Attenuator,
    Catalog,
    CatalogAttenuator,
    CatalogError,
    CatalogHeadphone,
    EQFilter,
    GainSetting,
    HeadroomError,
    Headphone,
    ImpedanceCurve,
    InputFileError,
    MissingFileError,
    OutputStage,
    ParametricEQ,
    ParseError,
    Programme,
    Sensitivity,
    SpecError,
    UnknownNameError,
    __version__,
)
from ._result import (
    Analysis,
    ComparedOutput,
    Comparison,
    Fit,
    Need,
    Recommendation,
    Recommendations,
    Result,
    Verdict,
)
from ._across import NO_LIMIT, AcrossGrid, AcrossPerHeadphone, AcrossResult, AcrossTop
from ._sweep import (
    HEADPHONE_COLUMNS,
    LIMITS,
    MODE_COLUMNS,
    OUTPUT_COLUMNS,
    TABLE_COLUMNS,
    Grid,
    PerHeadphone,
    SweepResult,
    Top,
    headphone_columns,
    output_columns,
    sweep,
    synthetic,
)

if TYPE_CHECKING:
    from .distributed import dask_sweep as dask_sweep

__all__ = [
    "ATTENUATOR_FIELDS", "HEADPHONE_COLUMNS", "LIMITS", "MODE_COLUMNS", "NO_LIMIT", "OUTPUT_COLUMNS", "OUTPUT_FIELDS", "TABLE_COLUMNS",
    "AcrossGrid", "AcrossPerHeadphone", "AcrossResult", "AcrossTop", "Amplifier", "AmplifierOutput", "Analysis", "Attenuator", "Catalog", "CatalogAttenuator", "CatalogError", "CatalogHeadphone",
    "ComparedOutput",
    "Comparison", "EQFilter", "Fit", "GainSetting", "HeadroomError", "Headphone", "ImpedanceCurve", "InputFileError",
    "MissingFileError", "Need", "OutputStage", "ParametricEQ", "ParseError", "Programme", "Recommendation",
    "Recommendations", "Result", "Sensitivity", "SpecError", "UnknownNameError", "Verdict", "__version__",
    "Grid", "PerHeadphone", "SweepResult", "Top",
    "analyse", "catalog", "compare_outputs", "dask_sweep", "fit", "headphone_columns", "need", "output_columns",
    "rank_headphones", "rank_outputs", "sweep", "synthetic",
]

Quantity = Union[float, int, str]
"""A value in its SI base unit (V, A, W, ohm, Hz) or text with a unit as the command line takes it ("250mA")."""
Decibels = Union[float, int, str]
"""A level or gain in dB: a number or text ("85", "85dB")."""
HeadphoneLike = Union[Headphone, CatalogHeadphone, str]
"""A Headphone, a catalog entry, or the name of a headphone in the bundled catalog."""
OutputLike = Union[OutputStage, GainSetting]
"""An OutputStage, or a catalog amplifier's gain setting (its stage)."""


OUTPUT_FIELDS: tuple[str, ...] = tuple(_core._output_fields)
"""The keywords of OutputStage (the fields table every face reads: include/headroom/fields.hpp)."""
ATTENUATOR_FIELDS: tuple[str, ...] = tuple(_core._attenuator_fields)
"""The keywords of Attenuator (series, shunt, resistor_rating), from the same table."""
AttenuatorLike = Union[Attenuator, CatalogAttenuator, str]
"""An Attenuator, a catalog entry, or the name of an attenuator in the bundled catalog (data/attenuators.json)."""

def _bundled_dir() -> Path:
    # An installed package (cmake --install, the wheel) carries the catalog; the build tree reads the source tree's.
    here = Path(__file__).resolve().parent / "data"
    if (here / "headphones.json").is_file():
        return here
    return Path(_core._source_data_dir)


def _attenuators_in(d: Path) -> Path | None:
    f = d / "attenuators.json"
    return f if f.is_file() else None


@functools.lru_cache(maxsize=1)
def _bundled() -> Catalog:
    d = _bundled_dir()
    return _core._load_catalog(d / "headphones.json", d / "amplifiers.json", _attenuators_in(d))


def catalog(
    directory: str | os.PathLike[str] | None = None,
    *,
    headphones: str | os.PathLike[str] | None = None,
    amplifiers: str | os.PathLike[str] | None = None,
) -> Catalog:
    """The bundled catalog, or the one in ``directory`` (headphones.json and amplifiers.json), or two given files.

    ``Catalog.headphones``, ``Catalog.amplifiers`` and ``Catalog.attenuators`` (attenuators.json, where the folder has
    one) list the entries; ``Catalog.headphone(name)``, ``Catalog.amplifier(name)`` and ``Catalog.attenuator(name)``
    look one up (case-insensitive; a miss raises UnknownNameError naming the nearest).
    A file that does not follow the format raises InputFileError (CatalogError) naming file:line, entry and field.
    """
    if directory is None and headphones is None and amplifiers is None:
        return _bundled()
    base = Path(directory) if directory is not None else _bundled_dir()
    return _core._load_catalog(
        Path(headphones) if headphones is not None else base / "headphones.json",
        Path(amplifiers) if amplifiers is not None else base / "amplifiers.json",
        _attenuators_in(base),
    )


def _attenuator(a: AttenuatorLike | None) -> Attenuator | None:
    if a is None or isinstance(a, Attenuator):
        return a
    if isinstance(a, CatalogAttenuator):
        return a.model
    if isinstance(a, str):
        return _bundled().attenuator(a).model
    raise TypeError(f"attenuator: expected an Attenuator, a CatalogAttenuator or a catalog name, not {type(a).__name__}")


def _headphone(h: HeadphoneLike) -> Headphone:
    if isinstance(h, Headphone):
        return h
    if isinstance(h, CatalogHeadphone):
        return h.model
    if isinstance(h, str):
        return _bundled().headphone(h).model
    raise TypeError(f"headphone: expected a Headphone, a CatalogHeadphone or a catalog name, not {type(h).__name__}")


def _output(o: OutputLike) -> OutputStage:
    if isinstance(o, OutputStage):
        return o
    if isinstance(o, GainSetting):
        return o.stage
    raise TypeError(f"output: expected an OutputStage or a GainSetting, not {type(o).__name__}")


def analyse(
    output: OutputLike,
    headphone: HeadphoneLike,
    programme: Programme | None = None,
    *,
    target: Decibels | None = None,
    crest: Decibels | None = None,
    eq: ParametricEQ | None = None,
    attenuator: AttenuatorLike | None = None,
) -> Analysis:
    """One output stage driving one headphone, as ``headroom pair ... --json`` reports it.

    The programme is a Programme, or ``target`` (average dB SPL) and ``crest`` (dB; default a sine); without one the
    result has the maximum level and no headroom. A headphone with an impedance curve, or an ``eq``, adds the figures
    across 20 Hz-20 kHz (``worst_headroom_db`` includes the EQ's boost). ``hiss_audibility`` says whether the hiss is
    heard ("inaudible", "quiet_room", "audible"; None where the noise is not known), ``volume_attenuation_db`` where the
    volume sits at the programme's level. An ``attenuator`` stands between the output and the headphone: every figure
    is then through it, and ``attenuator`` says what it buys and costs.
    """
    return Analysis(_core._analyse(_output(output), _headphone(headphone), programme, target, crest, eq, _attenuator(attenuator)))


def need(
    headphone: HeadphoneLike,
    programme: Programme | None = None,
    *,
    target: Decibels | None = None,
    crest: Decibels | None = None,
    zout: Quantity | None = None,
    source: Quantity = "2V",
    eq: ParametricEQ | None = None,
    attenuator: AttenuatorLike | None = None,
) -> Need:
    """What a headphone needs to play a programme, without an amplifier (``headroom need --json``): the voltage,
    current and power, the sine rating the peaks need, and the gain after a ``source`` at full scale (default 2 V);
    ``zout`` sizes the unloaded swing behind an output impedance; with an ``eq``, at its largest boost; through an
    ``attenuator``, what the amplifier gives at its own terminals under ``attenuator``."""
    return Need(_core._need(_headphone(headphone), programme, target, crest, zout, source, eq, _attenuator(attenuator)))


def fit(power: Sequence[str | tuple[Quantity, Quantity]], *, zout: Quantity | None = None) -> Fit:
    """The simplest set of limits that explains a spec sheet's power table (``headroom fit --json``).

    ``power``: points as text ("1.2W@32ohm") or (watts, ohms) pairs; ``zout``: the maker's output impedance. The
    result's ``stage`` is an OutputStage to analyse with (the fitted limits and the stated table itself).
    """
    data, stage = _core._fit(power, zout)
    return Fit(data, stage)


def compare_outputs(
    outputs: Amplifier | AmplifierOutput | Iterable[OutputStage | tuple[str, str | None, OutputStage]] | str,
    headphone: HeadphoneLike,
    programme: Programme | None = None,
    *,
    target: Decibels | None = None,
    crest: Decibels | None = None,
    enough: Decibels = 0.0,
    eq: ParametricEQ | None = None,
    attenuator: AttenuatorLike | None = None,
) -> Comparison:
    """Every output and gain setting of an amplifier for one headphone, with the advised gain per output, the
    ranking and the verdict: the document of ``headroom pair --headphone H --amp A --json``.

    ``outputs``: an Amplifier (or its name in the bundled catalog), one AmplifierOutput, or a list of OutputStage or
    (output, gain_setting, OutputStage). ``enough``: the headroom in dB that counts as enough (default 0). An ``eq``
    (or the headphone's impedance curve) takes every option across frequency, and each is judged by its worst headroom.
    """
    if isinstance(outputs, str):
        outputs = _bundled().amplifier(outputs)
    elif not isinstance(outputs, (Amplifier, AmplifierOutput)):
        outputs = list(outputs)
    return Comparison(_core._compare_outputs(outputs, _headphone(headphone), programme, target, crest, enough, eq, _attenuator(attenuator)))


def _amplifiers(amplifiers: Catalog | Amplifier | str | Iterable[Amplifier | str] | None) -> list[Amplifier]:
    if amplifiers is None:
        return list(_bundled().amplifiers)
    if isinstance(amplifiers, Catalog):
        return list(amplifiers.amplifiers)
    if isinstance(amplifiers, (str, Amplifier)):  # one amplifier, by name or itself: never its name's characters
        return [_bundled().amplifier(amplifiers) if isinstance(amplifiers, str) else amplifiers]
    return [_bundled().amplifier(a) if isinstance(a, str) else a for a in amplifiers]


def _headphones(headphones: Catalog | CatalogHeadphone | str | Iterable[CatalogHeadphone | str] | None) -> list[CatalogHeadphone]:
    if headphones is None:
        return list(_bundled().headphones)
    if isinstance(headphones, Catalog):
        return list(headphones.headphones)
    if isinstance(headphones, (str, CatalogHeadphone)):
        return [_bundled().headphone(headphones) if isinstance(headphones, str) else headphones]
    return [_bundled().headphone(h) if isinstance(h, str) else h for h in headphones]


def rank_outputs(
    headphone: Headphone | CatalogHeadphone | str,
    amplifiers: Catalog | Amplifier | str | Iterable[Amplifier | str] | None = None,
    programme: Programme | None = None,
    *,
    target: Decibels | None = None,
    crest: Decibels | None = None,
    min_headroom: Decibels = 0.0,
    top: int | None = None,
    attenuator: AttenuatorLike | None = None,
    max_hiss: Decibels | None = None,
) -> Recommendations:
    """Every output of every amplifier (default: the bundled catalog's) for one headphone, each at its advised gain
    setting, best first by the one fitness rule (docs/model.md, "Choosing an output"); the rows are those with at
    least ``min_headroom`` and, with ``max_hiss`` (dB SPL A-weighted at the listener), a known hiss within it (outputs
    whose noise is not known are counted in ``noise_unknown``, never listed), at most ``top`` of them. An
    ``attenuator`` stands before a catalog IEM (as ``sweep --attenuator``) or before a Headphone of one's own.
    ``to_dict()`` equals an element of ``headroom sweep --headphone H --json`` "recommendations"."""
    h = _bundled().headphone(headphone) if isinstance(headphone, str) else headphone
    return Recommendations(
        _core._rank_outputs(h, _amplifiers(amplifiers), programme, target, crest, min_headroom, top, _attenuator(attenuator), max_hiss)
    )


def rank_headphones(
    amplifier: Amplifier | str,
    headphones: Catalog | CatalogHeadphone | str | Iterable[CatalogHeadphone | str] | None = None,
    programme: Programme | None = None,
    *,
    target: Decibels | None = None,
    crest: Decibels | None = None,
    min_headroom: Decibels = 0.0,
    top: int | None = None,
    attenuator: AttenuatorLike | None = None,
    max_hiss: Decibels | None = None,
) -> Recommendations:
    """Every headphone (default: the bundled catalog's) on one amplifier, each with the amplifier's fittest output,
    most headroom first; the rows are those with at least ``min_headroom`` (and ``max_hiss``, as in rank_outputs), at
    most ``top``. An ``attenuator`` stands before every IEM. A programme is needed. ``to_dict()`` equals an element of
    ``headroom sweep --amp A --json`` "recommendations"."""
    a = _bundled().amplifier(amplifier) if isinstance(amplifier, str) else amplifier
    return Recommendations(
        _core._rank_headphones(a, _headphones(headphones), programme, target, crest, min_headroom, top, _attenuator(attenuator), max_hiss)
    )


def __getattr__(name: str) -> Any:
    # headroom.dask_sweep (headroom/distributed.py) imports Dask only when it is used.
    if name == "dask_sweep":
        from .distributed import dask_sweep

        return dask_sweep
    raise AttributeError(f"module 'headroom' has no attribute {name!r}")
