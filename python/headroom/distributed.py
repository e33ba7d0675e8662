"""The sweep on a Dask cluster: the headphone axis cut into contiguous parts, each swept by the compiled engine on a
worker against every output stage, the parts put back together into exactly the single-process result.

Exact, not approximately so: every figure the engine keeps per headphone (extremes, mean, counts, the best outputs)
depends on that headphone and the output catalog alone, so the parts' per-headphone arrays, joined in headphone
order, are the single sweep's. The figures over all pairs are made from them as the engine makes them: extremes
and counts (exact in any order), and the mean summed in the engine's order (headroom._core._overall_mean).

Across frequency (``across_frequency=True``) the parts are the same, cut at multiples of the engine's chunk of
headphones, and each part travels as the packed columns of its headphones (their curves, and the EQ presets they
use as boosts on the grid: batch/pack_across.hpp), packed here by the code that packs them for the local sweep: the
workers get plain NumPy arrays, read by the engine as they are, whatever the model objects are made of.

The workers import headroom: install the package where they run (docs/python.md, "Dask").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Mapping, Union

import numpy as np

from . import _core
from ._across import _EQ, AcrossResult, _across_columns, _across_inputs
from ._sweep import (
    LIMITS,
    HeadphonesLike,
    OutputsLike,
    SweepResult,
    _error,
    _inputs,
    _precision,
    _programme_args,
    _threads,
    _top,
)

if TYPE_CHECKING:
    from distributed import Client

    from ._core import Programme


def _sweep_part(outputs: Mapping[str, Any], headphones: Mapping[str, Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """One part, on a worker: the compiled sweep of every output stage against a range of headphones."""
    from . import _core as core  # on the worker

    return core._sweep(dict(outputs), dict(headphones), **kwargs)


def _sweep_across_part(outputs: Mapping[str, Any], headphones: Mapping[str, Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """One part across frequency, on a worker: every output stage against a range of headphones, from their packed
    columns."""
    from . import _core as core  # on the worker

    return core._sweep_across(dict(outputs), dict(headphones), **kwargs)


ACROSS_CHUNK: int = _core._across_chunk
"""Headphones per chunk of the engine across frequency (the engine's own constant, batch::across_chunk_headphones in
headroom/batch/across.hpp): it prepares and sweeps the headphones a chunk at a time and sums the per-headphone means
chunk by chunk, so the parts are cut at multiples of it (each chunk then swept as the local sweep sweeps it) and the
mean is summed in the same chunks (a sequential sum differs in the last bits)."""


def _across_mean(per_headphone_mean_db: np.ndarray) -> float:
    """The mean over all pairs as the engine across frequency makes it from the per-headphone means: summed in
    order within each chunk, the chunks' sums in order, a headphone that meets no output (NaN) left out."""
    values = per_headphone_mean_db.tolist()
    total, counted = 0.0, 0
    for c in range(0, len(values), ACROSS_CHUNK):
        chunk = 0.0
        for x in values[c:c + ACROSS_CHUNK]:
            if x != x:  # NaN
                continue
            chunk += x
            counted += 1
        total += chunk
    return total / counted if counted > 0 else float("nan")


def _with_counts(raw: dict[str, Any], parts: list[dict[str, Any]], pairs: float, per: dict[str, Any], top: dict[str, Any],
                 empty_fraction: float) -> dict[str, Any]:
    """The parts' counts (exact in any order), their largest memory, and the joined per-headphone figures and lists,
    into the raw result of either sweep."""
    above = sum(p["above_threshold"] for p in parts)
    raw["above_threshold"] = above
    raw["above_threshold_fraction"] = above / pairs if pairs > 0 else empty_fraction
    raw["binding"] = {name: sum(p["binding"][name] for p in parts) for name in LIMITS}
    raw["memory_bytes"] = max(p["memory_bytes"] for p in parts)
    raw["working_bytes"] = max(p["working_bytes"] for p in parts)
    raw["per_headphone"] = per
    raw["top"] = top
    raw["grid"] = None
    return raw


def _join_across(parts: list[dict[str, Any]], seconds: float, eq: _EQ) -> dict[str, Any]:
    """The parts across frequency (in headphone order) as one sweep's raw result, in the keys' order of
    ``headroom sweep --across-frequency --json``."""
    raw = {k: v for k, v in parts[0].items() if k not in ("per_headphone", "top", "grid")}
    per = {key: np.concatenate([p["per_headphone"][key] for p in parts], axis=-1) for key in parts[0]["per_headphone"]}
    top = {key: np.concatenate([p["top"][key] for p in parts], axis=0) for key in parts[0]["top"]}
    pairs = sum(p["pairs"] for p in parts)
    pair_frequencies = float(pairs) * float(raw["frequencies"])
    raw.update({
        "headphones": sum(p["headphones"] for p in parts),
        "pairs": pairs,
        "pair_frequencies": pair_frequencies,
        "evaluated_pair_frequencies": sum(p["evaluated_pair_frequencies"] for p in parts),
        "seconds": seconds,
        "cpu_seconds": sum(p["cpu_seconds"] for p in parts),
        "pair_frequencies_per_second": pair_frequencies / seconds if seconds > 0 else float("inf"),
        "threads": max(p["threads"] for p in parts),
        "simd": ",".join(sorted({p["simd"] for p in parts})),
    })
    if eq.name:
        raw["eq_headphones"] = eq.matched
    lo, hi = per["min_worst_headroom_db"], per["max_worst_headroom_db"]
    met = ~np.isnan(lo)  # a headphone that meets no output (a load no mode of a device-only catalog selects) has NaN
    raw["worst_headroom_db"] = {
        "min": float(lo[met].min()) if met.any() else float("nan"),
        "mean": _across_mean(per["mean_worst_headroom_db"]),
        "max": float(hi[met].max()) if met.any() else float("nan"),
    }
    # As the command's JSON has it: a sweep of no pair has none above the threshold.
    return _with_counts(raw, parts, pairs, per, top, empty_fraction=0.0)


def _join(parts: list[dict[str, Any]], precision: str, seconds: float) -> dict[str, Any]:
    """The parts (in headphone order) as one sweep's raw result."""
    first = parts[0]
    m = first["outputs"]
    n = sum(p["headphones"] for p in parts)
    pairs = float(sum(p["pairs"] for p in parts))  # a load-sensed mode meets only the loads that select it
    per = {key: np.concatenate([p["per_headphone"][key] for p in parts], axis=-1) for key in first["per_headphone"]}
    top = {key: np.concatenate([p["top"][key] for p in parts], axis=0) for key in first["top"]}
    raw: dict[str, Any] = {
        "outputs": m,
        "headphones": n,
        "pairs": sum(p["pairs"] for p in parts),
        "seconds": seconds,
        "pairs_per_second": pairs / seconds if seconds > 0 else float("inf"),
        "threads": max(p["threads"] for p in parts),
        "simd": ",".join(sorted({p["simd"] for p in parts})),
        "precision": precision,
        "target_spl_db": first["target_spl_db"],
        "crest_factor_db": first["crest_factor_db"],
        "min_headroom_db": first["min_headroom_db"],
    }
    if m == 0 or n == 0:
        lo = mean = hi = float("nan")
    else:
        lo = min(p["headroom_db"]["min"] for p in parts if p["headphones"] > 0)
        hi = max(p["headroom_db"]["max"] for p in parts if p["headphones"] > 0)
        mean = _core._overall_mean(per["mean_headroom_db"], precision)
    raw["headroom_db"] = {"min": lo, "mean": mean, "max": hi}
    return _with_counts(raw, parts, pairs, per, top, empty_fraction=float("nan"))


def dask_sweep(
    client: Client,
    outputs: OutputsLike,
    headphones: HeadphonesLike,
    programme: Programme | None = None,
    *,
    target: Any = None,
    crest: Any = None,
    min_headroom: Any = 0.0,
    top: int = 0,
    threads: int | None = 1,
    precision: str = "float",
    across_frequency: bool = False,
    eq: Any = None,
    partitions: int | None = None,
) -> Union[SweepResult, AcrossResult]:
    """``headroom.sweep`` on a dask.distributed cluster: the headphones cut into ``partitions`` contiguous parts
    (default: two per worker), each swept on a worker with ``threads`` threads (default 1: one per task, for workers
    with one thread per core); the result equals ``headroom.sweep``'s with the same arguments, figure for figure.

    ``client``: a ``distributed.Client``. The output columns go to every worker once; each part's headphone columns
    to the worker that sweeps them. No grid: a cluster sweep is for catalogs whose grid would not fit.

    ``across_frequency=True`` (and its ``eq``, as ``headroom.sweep`` takes them) sweeps each pair's worst case over
    20 Hz-20 kHz and returns an AcrossResult: the headphones are then catalog gear, packed here with their curves and
    presets, and each part holds whole chunks of the engine's headphones (ACROSS_CHUNK), so that every figure but the
    timings is the local sweep's.
    """
    if not isinstance(across_frequency, (bool, np.bool_)):
        raise TypeError(f"dask_sweep: across_frequency: expected True or False, not {type(across_frequency).__name__}")
    if eq is not None and not across_frequency:
        raise _error("dask_sweep", "eq", "applies with across_frequency=True (each pair's worst case over the band)")
    prog, tgt, cr = _programme_args(programme, target, crest)
    n_threads, k = _threads(threads), _top(top)
    # The settings are checked here, by the engine on no headphones, so that a mistake is raised at once and not from
    # a worker.
    if across_frequency:
        o, models, e, names = _across_inputs(outputs, headphones, precision, eq)
        n = len(models)
        _core._sweep_across(o, _across_columns(models, e, 0, 0, _precision(precision)), prog, tgt, cr, min_headroom, n_threads, k,
                            precision, e.name, 0, False)
    else:
        i = _inputs(outputs, headphones, precision)
        n = i.headphones["r"].shape[0]
        no_headphones = {name: col[:0] for name, col in i.headphones.items()}
        _core._sweep(i.outputs, no_headphones, prog, tgt, cr, min_headroom, n_threads, k, precision, False)
    if prog is not None:  # sent to the workers as numbers: the compiled Programme does not pickle
        prog, tgt, cr = None, prog.target_spl_db, prog.crest_factor_db
    if partitions is None:
        partitions = 2 * max(1, len(client.scheduler_info().get("workers", {})))
    if isinstance(partitions, bool) or not isinstance(partitions, (int, np.integer)):
        raise TypeError(f"dask_sweep: partitions: expected a whole number or None, not {type(partitions).__name__}")
    if partitions < 1:
        raise _error("dask_sweep", "partitions", f"must be at least 1, not {partitions}")
    kwargs: dict[str, Any] = {"programme": prog, "target": tgt, "crest": cr, "min_headroom": min_headroom, "threads": n_threads, "top": k,
                              "precision": precision, "grid": False}

    if across_frequency:
        # Whole chunks of the engine's headphones per part: each chunk is then swept as the local sweep sweeps it.
        chunks = -(-n // ACROSS_CHUNK)
        parts = max(1, min(int(partitions), chunks))
        bounds = np.minimum(np.linspace(0, chunks, parts + 1).round().astype(np.int64) * ACROSS_CHUNK, n)
        # Packed here, part by part, by the local sweep's code: each part carries its headphones' curves and only
        # the presets they use. Model objects do not pickle; these plain arrays do, and the engine reads them as
        # they are.
        columns = [_across_columns(models, e, int(bounds[p]), int(bounds[p + 1]), _precision(precision)) for p in range(parts)]
        kwargs.update(eq_name=e.name, eq_headphones=0)
        start = time.perf_counter()
        outs = client.scatter([o], broadcast=True, hash=False)[0]  # unique keys, as below
        hps = client.scatter(columns, hash=False)
        futures = [client.submit(_sweep_across_part, outs, h, kwargs, pure=False) for h in hps]
        results = client.gather(futures)
        return AcrossResult(_join_across(results, time.perf_counter() - start, e), names)

    parts = max(1, min(int(partitions), n))
    bounds = np.linspace(0, n, parts + 1).round().astype(np.int64)
    start = time.perf_counter()
    # Unique keys (hash=False): with hashed keys a second call on the same data would reuse the key the first call's
    # futures released, and fail with CancelledError or hang.
    outs = client.scatter([i.outputs], broadcast=True, hash=False)[0]
    slices = [{name: col[bounds[p]:bounds[p + 1]] for name, col in i.headphones.items()} for p in range(parts)]
    hps = client.scatter(slices, hash=False)
    futures = [client.submit(_sweep_part, outs, h, kwargs, pure=False) for h in hps]
    results = client.gather(futures)
    seconds = time.perf_counter() - start
    return SweepResult(_join(results, precision, seconds), i.names, i.copied)
