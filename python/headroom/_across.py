"""The sweep across frequency from Python (``headroom.sweep(..., across_frequency=True)``): each pair's worst
headroom over 20 Hz-20 kHz on the compiled engine of ``headroom sweep --across-frequency`` (batch/across.hpp), with
the command's figures and top list, and with ``grid=True`` every pair's worst case (the command's ``--out`` rows).

The headphones reach the engine as the command packs them (batch/pack_across.hpp: each curve as its table or driver
model, each EQ preset as its boost on the grid), as NumPy columns: the same columns whether the sweep runs here or
is cut into parts for a cluster (distributed.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _core
from ._core import Headphone, ParametricEQ
from ._result import Result
from ._sweep import LIMITS, _error, _top_list, _headphone_models, _packed_outputs, _precision, _prepare_outputs, _settings


class AcrossPerHeadphone(NamedTuple):
    """Per headphone, over its pairs' worst cases across frequency (arrays of length N; ``binding`` (5, N): pairs
    per limit binding at the worst frequency, in LIMITS order)."""

    min_worst_headroom_db: npt.NDArray[np.float64]
    mean_worst_headroom_db: npt.NDArray[np.float64]
    max_worst_headroom_db: npt.NDArray[np.float64]
    above_threshold: npt.NDArray[np.int32]
    binding: npt.NDArray[np.int32]


class AcrossTop(NamedTuple):
    """The best outputs per headphone by worst headroom across frequency, best first: arrays of shape (N, k) with
    k = min(top, outputs); a headphone that meets fewer outputs has -1 (NaN) after its own."""

    output: npt.NDArray[np.int64]
    worst_headroom_db: npt.NDArray[np.float64]
    worst_headroom_hz: npt.NDArray[np.float64]
    limit: npt.NDArray[np.uint8]


NO_LIMIT = 255
"""The code ``AcrossGrid.worst_headroom_limit`` holds for a pair that does not exist (no limit of LIMITS)."""


class AcrossGrid(NamedTuple):
    """Every pair's worst case across frequency, as arrays of shape (outputs, headphones): the worst headroom (dB, in
    the sweep's precision), the frequency where it falls (Hz) and the code (LIMITS) of the limit binding there, as
    ``headroom sweep --across-frequency --out FILE`` writes them. A pair that does not exist (a load-sensed mode the
    headphone's load does not select) is NaN, NaN and NO_LIMIT."""

    worst_headroom_db: npt.NDArray[np.floating[Any]]
    worst_headroom_hz: npt.NDArray[np.float64]
    worst_headroom_limit: npt.NDArray[np.uint8]


class AcrossResult(Result):
    """What a sweep across frequency found (``sweep(..., across_frequency=True)``): a mapping with the keys of
    ``headroom sweep --across-frequency --json``, and as attributes ``per_headphone`` (AcrossPerHeadphone), ``top``
    (AcrossTop) and ``grid`` (AcrossGrid, None unless asked for). ``to_dict()`` adds the command's "top" list."""

    __slots__ = ("per_headphone", "top", "grid", "_names")

    across_frequency: bool
    outputs: int
    headphones: int
    pairs: int
    frequencies: int
    pair_frequencies: float
    evaluated_pair_frequencies: int
    seconds: float
    cpu_seconds: float
    pair_frequencies_per_second: float
    threads: int
    simd: str
    precision: str
    target_spl_db: float
    crest_factor_db: float
    min_headroom_db: float
    eq: str
    eq_headphones: int
    worst_headroom_db: dict[str, float]
    above_threshold: int
    above_threshold_fraction: float
    binding: dict[str, int]
    memory_bytes: int
    working_bytes: int

    per_headphone: AcrossPerHeadphone
    top: AcrossTop
    grid: AcrossGrid | None

    def __init__(self, raw: Mapping[str, Any], names: tuple[list[str], list[str]] | None = None) -> None:
        super().__init__({k: v for k, v in raw.items() if k not in ("per_headphone", "top", "grid")})
        object.__setattr__(self, "per_headphone", AcrossPerHeadphone(**raw["per_headphone"]))
        object.__setattr__(self, "top", AcrossTop(**raw["top"]))
        object.__setattr__(self, "grid", AcrossGrid(**raw["grid"]) if raw.get("grid") is not None else None)
        object.__setattr__(self, "_names", names)

    def top_list(self) -> list[dict[str, Any]]:
        """The best outputs per headphone as ``headroom sweep --across-frequency --top K --json`` lists them."""
        top = self.top
        return _top_list(self.headphones, self._names, top.output, lambda i, q: {
            "worst_headroom_db": float(top.worst_headroom_db[i, q]), "worst_headroom_hz": float(top.worst_headroom_hz[i, q]),
            "worst_headroom_limit": LIMITS[top.limit[i, q]]})

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.top.output.shape[1] > 0:
            d["top"] = self.top_list()
        return d


class _EQ(NamedTuple):
    """The EQ of a sweep across frequency as the engine takes it: the presets, per headphone its preset's index (or
    -1; empty: none for any), the "eq" figure ("given", "by headphone" or "") and the headphones with a preset."""

    presets: list[ParametricEQ]
    preset_of: list[int]
    name: str
    matched: int


def _eq_choice(eq: Any, models: list[Headphone]) -> _EQ:
    if eq is None:
        return _EQ([], [], "", 0)
    if isinstance(eq, ParametricEQ):
        return _EQ([eq], [0] * len(models), "given", len(models))
    if not isinstance(eq, Mapping):
        raise TypeError(f"sweep: eq: expected a ParametricEQ or a mapping of headphone names to ParametricEQ, not {type(eq).__name__}")
    by_name = dict(eq.items())
    for name, preset in by_name.items():
        if not isinstance(preset, ParametricEQ):
            raise TypeError(f"sweep: eq: expected ParametricEQ values, not {type(preset).__name__} for {name!r}")
    unknown = sorted(set(by_name) - {h.name for h in models})
    if unknown:
        raise _error("sweep", "eq", f"names no headphone of the sweep: {unknown[0]!r}")
    order = {name: e for e, name in enumerate(by_name)}
    preset_of = [order.get(h.name, -1) for h in models]
    return _EQ(list(by_name.values()), preset_of, "by headphone", sum(1 for e in preset_of if e >= 0))


def _across_columns(models: list[Headphone], eq: _EQ, first: int, last: int, dtype: type) -> dict[str, npt.NDArray[Any]]:
    """Headphones [first, last) with their curves and presets as the engine's columns (pack_across), the presets cut
    to those they use; r, s_v and mode_load in the sweep's dtype (converted as the command's float pack rounds)."""
    preset_of = eq.preset_of[first:last]
    used = sorted({e for e in preset_of if e >= 0})
    renumber = {e: k for k, e in enumerate(used)}
    packed = _core._pack_across(models[first:last], [eq.presets[e] for e in used], [renumber.get(e, -1) for e in preset_of])
    for name in ("r", "s_v", "mode_load"):
        packed[name] = packed[name].astype(dtype, copy=False)
    return packed


def _across_inputs(outputs: Any, headphones: Any, precision: str, eq: Any) -> tuple[dict[str, npt.NDArray[Any]], list[Headphone], _EQ, tuple[list[str], list[str]] | None]:
    """What both the local and the cluster sweep across frequency check and prepare: the output columns in the
    sweep's dtype, the headphone models (catalog gear: columns have no curves), the EQ and the gear's names."""
    dtype = _precision(precision)
    models = _headphone_models(headphones)
    if models is None:
        raise _error("headphones", "r", "must be catalog gear across frequency (each headphone with its impedance curve), not columns")
    settings = _settings(outputs)
    o = _packed_outputs(settings) if settings is not None else outputs
    o = _prepare_outputs(o, dtype, [])  # type: ignore[arg-type]
    names = ([s.name for s, _ in settings], [h.name for h in models]) if settings is not None else None
    return o, models, _eq_choice(eq, models), names


def sweep_across(outputs: Any, headphones: Any, prog: Any, tgt: Any, cr: Any, min_headroom: Any, n_threads: int, k: int,
                  precision: str, grid: bool, eq: Any) -> AcrossResult:
    o, models, e, names = _across_inputs(outputs, headphones, precision, eq)
    h = _across_columns(models, e, 0, len(models), _precision(precision))
    raw = _core._sweep_across(o, h, prog, tgt, cr, min_headroom, n_threads, k, precision, e.name, e.matched, grid)
    return AcrossResult(raw, names)
