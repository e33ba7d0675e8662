"""The batch sweep: every output stage of one catalog against every headphone of another, on the compiled engine of
``headroom sweep`` (include/headroom/batch/sweep.hpp), with NumPy arrays in and out.

A catalog reaches the engine as structure-of-arrays columns (the engine's own layout, batch/columns.hpp): model
objects are packed by the C++ code that packs them for the command line, and columns given as NumPy arrays are
checked here, converted only where their dtype or layout differs from what the engine reads, and then read in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, NamedTuple, Union

import numpy as np
import numpy.typing as npt

from . import _core
from ._core import (
    Amplifier,
    AmplifierOutput,
    Catalog,
    CatalogHeadphone,
    GainSetting,
    Headphone,
    OutputStage,
    Programme,
    SpecError,
)
from ._result import Result

LIMITS: tuple[str, ...] = tuple(_core._limit_names)
"""The limits by code: ``LIMITS[code]`` names the limit code a sweep's ``limit`` arrays hold."""

OUTPUT_COLUMNS = ("v_clip", "r_clip", "i_max", "sqrt_p_clip", "sqrt_p_thermal", "v_gain", "z_out")
"""An output stage's terms, SI base units: open-circuit RMS voltage at clipping (V), the resistance behind it (ohm),
RMS current limit (A), square roots of the sine power rating and the continuous power (sqrt W), open-circuit voltage
at full scale (V), output impedance (ohm). An absent limit is +inf."""
TABLE_COLUMNS = ("table_first", "table_ln_r", "table_ln_v")
"""Rating tables, packed end to end: output j's points are [table_first[j], table_first[j + 1]) of ln(load / ohm)
(ascending) and ln(V) = ln(sqrt(P R)) at each load."""
MODE_COLUMNS = ("load_min", "load_max")
"""Load-sensed modes (optional, both or neither): stage j is the mode its device selects for loads from load_min[j]
(inclusive) to load_max[j] (exclusive), in ohm, and is paired only with the headphones whose load lies there; a stage
that is no such mode has 0 and inf. Catalog gear with load-sensed outputs packs them (``output_columns``)."""
HEADPHONE_COLUMNS = ("r", "s_v")
"""A headphone's load (ohm) and its sensitivity for 1 Vrms (dB SPL)."""

Columns = Mapping[str, npt.ArrayLike]
"""Structure-of-arrays columns: a mapping from column name to a one-dimensional array."""
OutputsLike = Union[Catalog, Amplifier, AmplifierOutput, GainSetting, OutputStage, Iterable[Any], Columns]
HeadphonesLike = Union[Catalog, CatalogHeadphone, Headphone, str, Iterable[Any], Columns]

_DTYPES = {"float": np.float32, "double": np.float64}


class PerHeadphone(NamedTuple):
    """Per headphone (arrays of length N, ``binding`` of shape (5, N): pairs per limit, in LIMITS order)."""

    min_headroom_db: npt.NDArray[np.float64]
    mean_headroom_db: npt.NDArray[np.float64]
    max_headroom_db: npt.NDArray[np.float64]
    min_voltage_v: npt.NDArray[np.float64]
    max_voltage_v: npt.NDArray[np.float64]
    above_threshold: npt.NDArray[np.int64]
    binding: npt.NDArray[np.int64]


class Top(NamedTuple):
    """The best outputs per headphone, best first (more headroom, then the lower index): arrays of shape (N, k) with
    k = min(top, outputs). ``output`` indexes the output catalog; ``limit`` and ``max_limit`` are codes (LIMITS)."""

    output: npt.NDArray[np.int64]
    headroom_db: npt.NDArray[np.float64]
    limit: npt.NDArray[np.uint8]
    max_spl_db: npt.NDArray[np.float64]
    max_limit: npt.NDArray[np.uint8]
    voltage_v: npt.NDArray[np.float64]


class Grid(NamedTuple):
    """Every pair, as arrays of shape (outputs, headphones): headroom (dB) and its limit code, the maximum continuous
    sine level (dB SPL) and its limit code; values in the sweep's precision."""

    headroom_db: npt.NDArray[np.floating[Any]]
    limit: npt.NDArray[np.uint8]
    max_spl_db: npt.NDArray[np.floating[Any]]
    max_limit: npt.NDArray[np.uint8]


class SweepResult(Result):
    """What a sweep found: a mapping with the keys of ``headroom sweep --json`` (the statistics over all pairs, the
    programme, the timing), and as attributes ``per_headphone`` (PerHeadphone), ``top`` (Top) and ``grid`` (Grid,
    None unless asked for). ``copied`` names the columns that had to be converted (dtype or layout) before the
    engine could read them; the others were read in place. ``to_dict()`` adds the command's "top" list."""

    __slots__ = ("per_headphone", "top", "grid", "copied", "_names")

    outputs: int
    headphones: int
    pairs: int
    seconds: float
    pairs_per_second: float
    threads: int
    simd: str
    precision: str
    target_spl_db: float
    crest_factor_db: float
    min_headroom_db: float
    headroom_db: dict[str, float]
    above_threshold: int
    above_threshold_fraction: float
    binding: dict[str, int]
    memory_bytes: int
    working_bytes: int

    per_headphone: PerHeadphone
    top: Top
    grid: Grid | None
    copied: tuple[str, ...]

    def __init__(self, raw: Mapping[str, Any], names: tuple[list[str], list[str]] | None = None, copied: tuple[str, ...] = ()) -> None:
        data = {k: v for k, v in raw.items() if k not in ("per_headphone", "top", "grid")}
        super().__init__(data)
        object.__setattr__(self, "per_headphone", PerHeadphone(**raw["per_headphone"]))
        object.__setattr__(self, "top", Top(**raw["top"]))
        object.__setattr__(self, "grid", Grid(**raw["grid"]) if raw.get("grid") is not None else None)
        object.__setattr__(self, "copied", tuple(copied))
        object.__setattr__(self, "_names", names)

    def top_list(self) -> list[dict[str, Any]]:
        """The best outputs per headphone as ``headroom sweep --top K --json`` lists them ("top"); with catalog gear,
        with its names."""
        top = self.top
        return _top_list(self.headphones, self._names, top.output, lambda i, q: {
            "headroom_db": float(top.headroom_db[i, q]), "limit": LIMITS[top.limit[i, q]], "max_spl_db": float(top.max_spl_db[i, q])})

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.top.output.shape[1] > 0:
            d["top"] = self.top_list()
        return d


def _top_list(headphones: int, names: tuple[list[str], list[str]] | None, output: npt.NDArray[np.int64],
              figures: Callable[[int, int], dict[str, Any]]) -> list[dict[str, Any]]:
    """The command's "top" list from a sweep's (N, k) best outputs: per headphone its index (and name), and per entry
    the output's index (and name) and figures(i, q). An output of -1 ends a headphone's list (it meets fewer outputs:
    a load-sensed mode its load does not select)."""
    out: list[dict[str, Any]] = []
    for i in range(headphones):
        entry: dict[str, Any] = {"headphone": i}
        if names is not None:
            entry["headphone_name"] = names[1][i]
        best = []
        for q in range(output.shape[1]):
            j = int(output[i, q])
            if j < 0:
                break
            b: dict[str, Any] = {"output": j}
            if names is not None:
                b["output_name"] = names[0][j]
            b.update(figures(i, q))
            best.append(b)
        entry["best"] = best
        out.append(entry)
    return out


def _error(entity: str, field: str, problem: str) -> SpecError:
    e = SpecError(f"{entity}: {field} {problem}")
    e.entity, e.field, e.problem = entity, field, problem
    return e


_EVERY_LOAD = (0.0, float("inf"))


def _settings(outputs: Any) -> list[tuple[OutputStage, tuple[float, float]]] | None:
    """Output stages from catalog gear (every gain setting of every output of every amplifier, in catalog order, as
    ``headroom sweep`` takes them), each with the loads it answers for (a load-sensed mode's, else every load), or
    None for columns."""
    if isinstance(outputs, Mapping):
        return None
    if isinstance(outputs, OutputStage):
        return [(outputs, _EVERY_LOAD)]
    if isinstance(outputs, GainSetting):
        return [(outputs.stage, outputs.loads)]
    if isinstance(outputs, AmplifierOutput):
        return [(s.stage, s.loads) for s in outputs.settings]
    if isinstance(outputs, Amplifier):
        return [(s.stage, s.loads) for o in outputs.outputs for s in o.settings]
    if isinstance(outputs, Catalog):
        return [(s.stage, s.loads) for a in outputs.amplifiers for o in a.outputs for s in o.settings]
    if isinstance(outputs, (str, bytes)):
        from . import _bundled

        return _settings(_bundled().amplifier(outputs))
    try:
        items = iter(outputs)
    except TypeError:
        raise TypeError(f"outputs: expected catalog gear or a mapping of columns, not {type(outputs).__name__}") from None
    settings: list[tuple[OutputStage, tuple[float, float]]] = []
    for item in items:
        if not isinstance(item, (OutputStage, GainSetting, AmplifierOutput, Amplifier, str)):
            raise TypeError(f"outputs: expected OutputStage, GainSetting, AmplifierOutput, Amplifier or name items, not {type(item).__name__}")
        settings.extend(_settings(item) or [])
    return settings


def _packed_outputs(settings: list[tuple[OutputStage, tuple[float, float]]]) -> dict[str, npt.NDArray[Any]]:
    loads = [band for _, band in settings]
    return _core._pack_outputs([stage for stage, _ in settings], loads if any(b != _EVERY_LOAD for b in loads) else [])


def _headphone_models(headphones: Any) -> list[Headphone] | None:
    if isinstance(headphones, Mapping):
        return None
    if isinstance(headphones, Headphone):
        return [headphones]
    if isinstance(headphones, CatalogHeadphone):
        return [headphones.model]
    if isinstance(headphones, Catalog):
        return [h.model for h in headphones.headphones]
    if isinstance(headphones, (str, bytes)):
        from . import _bundled

        return [_bundled().headphone(headphones).model]
    try:
        items = iter(headphones)
    except TypeError:
        raise TypeError(f"headphones: expected catalog gear or a mapping of columns, not {type(headphones).__name__}") from None
    models: list[Headphone] = []
    for item in items:
        if not isinstance(item, (Headphone, CatalogHeadphone, str)):
            raise TypeError(f"headphones: expected Headphone, CatalogHeadphone or name items, not {type(item).__name__}")
        models.extend(_headphone_models(item) or [])
    return models


def output_columns(outputs: OutputsLike) -> dict[str, npt.NDArray[Any]]:
    """Output stages as the engine's columns (float64; OUTPUT_COLUMNS and TABLE_COLUMNS), packed by the code that
    packs them for ``headroom sweep``. Columns given as a mapping are returned as they are."""
    settings = _settings(outputs)
    if settings is None:
        return dict(outputs)  # type: ignore[arg-type]
    return _packed_outputs(settings)


def headphone_columns(headphones: HeadphonesLike) -> dict[str, npt.NDArray[Any]]:
    """Headphones as the engine's columns (float64; HEADPHONE_COLUMNS): the load the limits use (a known curve's
    minimum) and the sensitivity for 1 Vrms."""
    models = _headphone_models(headphones)
    if models is None:
        return dict(headphones)  # type: ignore[arg-type]
    return _core._pack_headphones(models)


def synthetic(outputs: int, headphones: int, seed: int = 1) -> tuple[dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]:
    """The seeded random catalog of ``headroom sweep --synthetic MxN --seed S``, as (output, headphone) columns:
    output stages with V_oc 0.5-20 V, I_max 0.02-1 A, Z_out 0-10 ohm, P_max 0.05-5 W; headphones of 8-600 ohm
    (log-uniform) and 90-125 dB SPL/V. The same arguments give the command line's catalog, bit for bit."""
    for name, value in (("outputs", outputs), ("headphones", headphones), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"synthetic catalog: {name}: expected a whole number, not {type(value).__name__}")
        if value < 0:
            raise _error("synthetic catalog", name, "must not be negative")
    return _core._synthetic(int(outputs), int(headphones), int(seed))


def _column(entity: str, field: str, value: Any, dtype: type, length: int | None, copied: list[str]) -> npt.NDArray[Any]:
    """One column as the engine reads it: one-dimensional, C-contiguous, of `dtype` (read in place when it is so).
    A masked array is refused: its hidden values would be swept as if they were data."""
    if isinstance(value, np.ma.MaskedArray):
        raise _error(entity, field, "is a masked array: fill its masked entries (or drop them) first, so that no hidden value is swept")
    a = np.asarray(value)
    if a.dtype.kind not in "fiu":
        raise _error(entity, field, f"must hold real numbers, not {a.dtype}")
    if a.ndim != 1:
        raise _error(entity, field, f"must be one-dimensional, not of shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise _error(entity, field, f"has {a.shape[0]} entries where {length} are expected")
    if dtype is not np.int64 and a.dtype.kind == "f" and a.dtype.itemsize > np.dtype(dtype).itemsize:
        with np.errstate(over="ignore"):
            b = np.ascontiguousarray(a, dtype=dtype)
    else:
        b = np.ascontiguousarray(a, dtype=dtype)
    if dtype is np.int64 and a.dtype.kind == "f":
        if not np.array_equal(b, a):
            raise _error(entity, field, "must hold whole numbers")
    if b is not value:
        copied.append(field)
    return b


def _prepare_outputs(columns: Mapping[str, Any], dtype: type, copied: list[str]) -> dict[str, npt.NDArray[Any]]:
    unknown = set(columns) - set(OUTPUT_COLUMNS) - set(TABLE_COLUMNS) - set(MODE_COLUMNS)
    if unknown:
        raise _error("outputs", sorted(unknown)[0], f"is not a column of output stages ({', '.join(OUTPUT_COLUMNS + TABLE_COLUMNS + MODE_COLUMNS)})")
    given = [c for c in OUTPUT_COLUMNS if c in columns]
    if not given and "table_first" not in columns:
        raise _error("outputs", "v_clip", "is missing: give at least one limit column or the rating tables")
    # The count of output stages: from the first limit column, or from the tables (a rating table is a limit).
    sizer = np.asarray(columns[given[0]] if given else columns["table_first"])
    if sizer.ndim < 1:
        raise _error("outputs", given[0] if given else "table_first", "must be one-dimensional, not a scalar")
    m = sizer.shape[0] if given else sizer.shape[0] - 1
    out: dict[str, npt.NDArray[Any]] = {}
    for name in OUTPUT_COLUMNS:
        if name in columns:
            out[name] = _column("outputs", name, columns[name], dtype, m, copied)
    # Absent columns: an absent limit is +inf; Z_out 0; the resistance behind the clipping voltage is Z_out.
    for name in ("v_clip", "i_max", "sqrt_p_clip", "sqrt_p_thermal", "v_gain"):
        out.setdefault(name, np.full(m, np.inf, dtype=dtype))
    out.setdefault("z_out", np.zeros(m, dtype=dtype))
    out.setdefault("r_clip", out["z_out"])
    tables = [c for c in TABLE_COLUMNS if c in columns]
    if tables and len(tables) != len(TABLE_COLUMNS):
        missing = next(c for c in TABLE_COLUMNS if c not in columns)
        raise _error("outputs", missing, "is missing: rating tables need table_first, table_ln_r and table_ln_v")
    if tables:
        first = _column("outputs", "table_first", columns["table_first"], np.int64, m + 1, copied)
        ln_r = _column("outputs", "table_ln_r", columns["table_ln_r"], dtype, None, copied)
        ln_v = _column("outputs", "table_ln_v", columns["table_ln_v"], dtype, ln_r.shape[0], copied)
    else:
        first = np.zeros(m + 1, dtype=np.int64)
        ln_r = np.zeros(0, dtype=dtype)
        ln_v = np.zeros(0, dtype=dtype)
    out["table_first"], out["table_ln_r"], out["table_ln_v"] = first, ln_r, ln_v
    modes = [c for c in MODE_COLUMNS if c in columns]
    if modes and len(modes) != len(MODE_COLUMNS):
        missing = next(c for c in MODE_COLUMNS if c not in columns)
        raise _error("outputs", missing, "is missing: load-sensed modes need load_min and load_max")
    for name in modes:
        out[name] = _column("outputs", name, columns[name], dtype, m, copied)

    # The values themselves (each within the model's ranges, every stage with a limit, tables ascending) are checked
    # by the engine, once for every caller (batch::column_error, raised as SpecError naming the column).
    return out


def _prepare_headphones(columns: Mapping[str, Any], dtype: type, copied: list[str]) -> dict[str, npt.NDArray[Any]]:
    unknown = set(columns) - set(HEADPHONE_COLUMNS)
    if unknown:
        raise _error("headphones", sorted(unknown)[0], "is not a column of headphones (r, s_v)")
    for name in HEADPHONE_COLUMNS:
        if name not in columns:
            raise _error("headphones", name, "is missing")
    r = _column("headphones", "r", columns["r"], dtype, None, copied)
    s_v = _column("headphones", "s_v", columns["s_v"], dtype, r.shape[0], copied)
    return {"r": r, "s_v": s_v}


def _threads(threads: int | None) -> int:
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"sweep: threads: expected a whole number or None, not {type(threads).__name__}")
    if not 1 <= threads <= 1024:
        raise _error("sweep", "threads", f"must be between 1 and 1024 (None: all cores), not {threads}")
    return int(threads)


def _top(top: int) -> int:
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)):
        raise TypeError(f"sweep: top: expected a whole number, not {type(top).__name__}")
    if not 0 <= top <= 1000:
        raise _error("sweep", "top", f"must be between 0 and 1000, not {top}")
    return int(top)


def _precision(precision: str) -> type:
    if precision not in _DTYPES:
        raise _error("sweep", "precision", f"must be 'float' or 'double', not {precision!r}")
    return _DTYPES[precision]


class _Inputs(NamedTuple):
    outputs: dict[str, npt.NDArray[Any]]
    headphones: dict[str, npt.NDArray[Any]]
    names: tuple[list[str], list[str]] | None
    copied: tuple[str, ...]


def _inputs(outputs: OutputsLike, headphones: HeadphonesLike, precision: str) -> _Inputs:
    dtype = _precision(precision)
    settings = _settings(outputs)
    models = _headphone_models(headphones)
    names = ([s.name for s, _ in settings], [h.name for h in models]) if settings is not None and models is not None else None
    copied: list[str] = []
    o = _packed_outputs(settings) if settings is not None else outputs
    h = _core._pack_headphones(models) if models is not None else headphones
    # Packed columns are the engine's own (float64): converted for a float sweep, not counted as the caller's copies.
    o_copied: list[str] = []
    h_copied: list[str] = []
    o = _prepare_outputs(o, dtype, o_copied)  # type: ignore[arg-type]
    h = _prepare_headphones(h, dtype, h_copied)  # type: ignore[arg-type]
    if settings is None:
        copied += o_copied
    if models is None:
        copied += h_copied
    return _Inputs(o, h, names, tuple(copied))


def _programme_args(programme: Programme | None, target: Any, crest: Any) -> tuple[Any, Any, Any]:
    if programme is not None:
        return programme, target, crest
    return None, 85.0 if target is None else target, crest


def sweep(
    outputs: OutputsLike,
    headphones: HeadphonesLike,
    programme: Programme | None = None,
    *,
    target: Any = None,
    crest: Any = None,
    min_headroom: Any = 0.0,
    top: int = 0,
    threads: int | None = None,
    precision: str = "float",
    grid: bool = False,
    across_frequency: bool = False,
    eq: Any = None,
) -> Any:
    """Every output stage against every headphone for a programme (default: 85 dB SPL, a sine), on the engine of
    ``headroom sweep``, in memory O(outputs + headphones x top) unless ``grid=True`` asks for every pair.

    ``outputs``: catalog gear (a Catalog, Amplifier, AmplifierOutput, GainSetting, OutputStage, or a list of them;
    every gain setting counts, in catalog order) or a mapping of columns (OUTPUT_COLUMNS, TABLE_COLUMNS; absent
    limits may be left out). ``headphones``: a Catalog, headphones or names, or a mapping of columns ("r", "s_v").
    ``min_headroom``: the threshold of ``above_threshold``; ``top``: best outputs kept per headphone; ``threads``:
    at most this many (None: all cores; small sweeps use fewer); ``precision``: "float" (fast, within 1e-3 dB) or
    "double" (the model's arithmetic). The compiled sweep runs with the GIL released.

    ``across_frequency=True`` (``headroom sweep --across-frequency``) gives each pair's worst headroom over 20 Hz-20
    kHz instead, each headphone at its own impedance curve: ``headphones`` are then catalog gear (models with their
    curves, not columns), ``eq`` a ParametricEQ applied to every headphone or a mapping from headphone name to its
    preset (the others without EQ), and the result an AcrossResult; with ``grid=True`` its ``grid`` holds every pair's
    worst headroom, its frequency and binding limit (the rows of ``headroom sweep --across-frequency --out FILE``).
    """
    prog, tgt, cr = _programme_args(programme, target, crest)
    n_threads, k = _threads(threads), _top(top)
    if not isinstance(grid, (bool, np.bool_)):
        raise TypeError(f"sweep: grid: expected True or False, not {type(grid).__name__}")
    if not isinstance(across_frequency, (bool, np.bool_)):
        raise TypeError(f"sweep: across_frequency: expected True or False, not {type(across_frequency).__name__}")
    if across_frequency:
        from ._across import sweep_across  # its module imports this one

        return sweep_across(outputs, headphones, prog, tgt, cr, min_headroom, n_threads, k, precision, bool(grid), eq)
    if eq is not None:
        raise _error("sweep", "eq", "applies with across_frequency=True (each pair's worst case over the band)")
    i = _inputs(outputs, headphones, precision)
    raw = _core._sweep(i.outputs, i.headphones, prog, tgt, cr, min_headroom, n_threads, k, precision, bool(grid))
    return SweepResult(raw, i.names, i.copied)
