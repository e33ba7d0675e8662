"""The sweep on a Dask cluster: the headphone axis cut into contiguous parts, each swept by the compiled engine on a
worker against every output stage, the parts put back together into exactly the single-process result.

Exact, not approximately so: every figure the engine keeps per headphone (extremes, mean, counts, the best outputs)
depends on that headphone and the output catalog alone, so the parts' per-headphone arrays, joined in headphone
order, are the single sweep's. The figures over all pairs are made from them as the engine makes them: extremes
and counts (exact in any order), and the mean summed in the engine's order (headroom._core._overall_mean).

The workers import headroom: install the package where they run (docs/python.md, "Dask").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from . import _core
from ._sweep import (
    LIMITS,
    HeadphonesLike,
    OutputsLike,
    SweepResult,
    _error,
    _inputs,
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
    above = sum(p["above_threshold"] for p in parts)
    raw["above_threshold"] = above
    raw["above_threshold_fraction"] = above / pairs if pairs > 0 else float("nan")
    raw["binding"] = {name: sum(p["binding"][name] for p in parts) for name in LIMITS}
    raw["memory_bytes"] = max(p["memory_bytes"] for p in parts)
    raw["working_bytes"] = max(p["working_bytes"] for p in parts)
    raw["per_headphone"] = per
    raw["top"] = top
    raw["grid"] = None
    return raw


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
) -> SweepResult:
    """``headroom.sweep`` on a dask.distributed cluster: the headphones cut into ``partitions`` contiguous parts
    (default: two per worker), each swept on a worker with ``threads`` threads (default 1: one per task, for workers
    with one thread per core); the result equals ``headroom.sweep``'s with the same arguments, figure for figure.

    ``client``: a ``distributed.Client``. The output columns go to every worker once; each part's headphone columns
    to the worker that sweeps them. No grid: a cluster sweep is for catalogs whose grid would not fit. A cluster
    sweeps at one load: ``across_frequency=True`` (and its ``eq``) is refused; ``headroom.sweep`` takes it locally.
    """
    if across_frequency or eq is not None:
        raise _error("dask_sweep", "across_frequency" if across_frequency else "eq",
                     "is not available on a cluster, which sweeps each pair at one load: use headroom.sweep(..., across_frequency=True)")
    prog, tgt, cr = _programme_args(programme, target, crest)
    n_threads, k = _threads(threads), _top(top)
    i = _inputs(outputs, headphones, precision)
    n = i.headphones["r"].shape[0]
    # The settings are checked here, by the engine on no headphones, so that a mistake is raised at once and not
    # from a worker.
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
    parts = max(1, min(int(partitions), n))
    bounds = np.linspace(0, n, parts + 1).round().astype(np.int64)
    kwargs = {"programme": prog, "target": tgt, "crest": cr, "min_headroom": min_headroom, "threads": n_threads, "top": k,
              "precision": precision, "grid": False}

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
