"""The sweep across frequency from Python (``headroom.sweep(..., across_frequency=True)``): each pair's worst
headroom over 20 Hz-20 kHz on the compiled engine of ``headroom sweep --across-frequency`` (batch/across.hpp), with
the command's figures and top list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _core
from ._core import ParametricEQ
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


class AcrossResult(Result):
    """What a sweep across frequency found (``sweep(..., across_frequency=True)``): a mapping with the keys of
    ``headroom sweep --across-frequency --json``, and as attributes ``per_headphone`` (AcrossPerHeadphone) and
    ``top`` (AcrossTop). ``to_dict()`` adds the command's "top" list."""

    __slots__ = ("per_headphone", "top", "_names")

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

    def __init__(self, raw: Mapping[str, Any], names: tuple[list[str], list[str]] | None = None) -> None:
        super().__init__({k: v for k, v in raw.items() if k not in ("per_headphone", "top")})
        object.__setattr__(self, "per_headphone", AcrossPerHeadphone(**raw["per_headphone"]))
        object.__setattr__(self, "top", AcrossTop(**raw["top"]))
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


def sweep_across(outputs: Any, headphones: Any, prog: Any, tgt: Any, cr: Any, min_headroom: Any, n_threads: int, k: int,
                  precision: str, grid: bool, eq: Any) -> AcrossResult:
    if grid:
        raise _error("sweep", "grid", "is not available across frequency: the rows of every pair-frequency's worst case come with "
                     "`headroom sweep --across-frequency --out FILE`")
    dtype = _precision(precision)
    models = _headphone_models(headphones)
    if models is None:
        raise _error("headphones", "r", "must be catalog gear across frequency (each headphone with its impedance curve), not columns")
    settings = _settings(outputs)
    o = _packed_outputs(settings) if settings is not None else outputs
    o = _prepare_outputs(o, dtype, [])  # type: ignore[arg-type]
    presets: list[ParametricEQ] = []
    preset_of: list[int] = []
    eq_name = ""
    if isinstance(eq, ParametricEQ):
        presets, preset_of, eq_name = [eq], [0] * len(models), "given"
    elif isinstance(eq, Mapping):
        by_name = {name: preset for name, preset in eq.items()}
        for name, preset in by_name.items():
            if not isinstance(preset, ParametricEQ):
                raise TypeError(f"sweep: eq: expected ParametricEQ values, not {type(preset).__name__} for {name!r}")
        unknown = sorted(set(by_name) - {h.name for h in models})
        if unknown:
            raise _error("sweep", "eq", f"names no headphone of the sweep: {unknown[0]!r}")
        order = list(by_name)
        presets = [by_name[name] for name in order]
        preset_of = [order.index(h.name) if h.name in by_name else -1 for h in models]
        eq_name = "by headphone"
    elif eq is not None:
        raise TypeError(f"sweep: eq: expected a ParametricEQ or a mapping of headphone names to ParametricEQ, not {type(eq).__name__}")
    matched = sum(1 for e in preset_of if e >= 0)
    names = ([s.name for s, _ in settings], [h.name for h in models]) if settings is not None else None
    raw = _core._sweep_across(o, models, presets, preset_of, prog, tgt, cr, min_headroom, n_threads, k, precision, eq_name, matched)
    return AcrossResult(raw, names)
