#!/usr/bin/python3
"""The baseline for the batch benchmarks: the same sweep as `headroom sweep --synthetic MxN`, written as careful
NumPy. Careful means: a chunk of output stages at a time (so the working set stays in cache and memory stays
O(chunk x N)), in-place ufuncs with out= (no temporaries per operation), per-headphone terms broadcast rather than
tiled, and the binding limit found with three comparisons rather than argmin over a stacked copy.

Per pair it computes what the model defines (docs/physics.md sections 3 and 5, include/headroom/limit.hpp): the five
limit voltages (voltage, current, power rating, thermal, gain), the maximum sine SPL and its binding limit, and the
headroom for a programme, where the peak-type limits (voltage, current, the power rating, gain) pass CF - 3.01 dB
less and the average-type thermal limit the same average power; then the same reductions as the C++ sweep
(headroom min/mean/max, count above a threshold, binding-limit counts, the k best outputs per headphone).

Prints one JSON object: pairs, seconds (the sweep alone, catalog generation excluded), pairs_per_second, the same
in CPU time (cpu_seconds, pairs_per_cpu_second) and the summary, so a driver can put it beside the C++ figures from the same run.
"""

import argparse
import json
import time

import numpy as np

SINE_CREST_DB = 3.0102999566398120  # 10 lg 2
DB20_PER_NEPER = 20.0 / np.log(10.0)
LIMITS = ("voltage", "current", "power", "thermal", "gain")  # limit.hpp's order: ties go to the first


def synthetic(m, n, seed, dtype):
    """The ranges of `headroom sweep --synthetic` (not the same random stream): V_oc behind Z_out (no separate supply
    sag), I_max and a sine power rating P_clip; no thermal limit and no source + gain (+inf, as in the C++ columns)."""
    rng = np.random.default_rng(seed)
    amps = {
        "v_oc": rng.uniform(0.5, 20.0, m),
        "i_max": rng.uniform(0.02, 1.0, m),
        "z_out": rng.uniform(0.0, 10.0, m),
        "p_clip": rng.uniform(0.05, 5.0, m),
        "p_thermal": np.full(m, np.inf),
        "v_gain": np.full(m, np.inf),
    }
    hps = {"r": 8.0 * (600.0 / 8.0) ** rng.uniform(0.0, 1.0, n), "s_v": rng.uniform(90.0, 125.0, n)}
    return ({k: v.astype(dtype) for k, v in amps.items()}, {k: v.astype(dtype) for k, v in hps.items()})


def sweep(amps, hps, target, crest, threshold, top_k, chunk):
    m = amps["v_oc"].size
    n = hps["r"].size
    dtype = hps["r"].dtype
    r = hps["r"][None, :]
    s_v = hps["s_v"][None, :]
    peak_scale = dtype.type(10.0 ** ((SINE_CREST_DB - crest) / 20.0))
    sine = crest == SINE_CREST_DB

    # Per-chunk buffers, reused.
    shape = (chunk, n)
    div = np.empty(shape, dtype)
    v0, v1, v2, v3, v4 = (np.empty(shape, dtype) for _ in range(5))
    best = np.empty(shape, dtype)
    code = np.empty(shape, np.uint8)
    mask = np.empty(shape, bool)
    level = np.empty(shape, dtype)
    margin = np.empty(shape, dtype)

    above = np.zeros(n, np.int64)
    by_limit = np.zeros(len(LIMITS), np.int64)
    h_min, h_max, h_sum = np.inf, -np.inf, 0.0
    top_h = np.full((0, n), -np.inf)
    top_j = np.zeros((0, n), np.int64)

    def bind(c, limits):
        """best = first smallest of the limits; code = its index (ties to the first)."""
        np.copyto(best[:c], limits[0])
        code[:c] = 0
        for k, x in enumerate(limits[1:], start=1):
            np.less(x, best[:c], out=mask[:c])
            np.copyto(best[:c], x, where=mask[:c])
            code[:c][mask[:c]] = k

    for first in range(0, m, chunk):
        c = min(chunk, m - first)
        sl = slice(first, first + c)
        col = lambda name: amps[name][sl][:, None]
        # limit voltages (limit.hpp): V_oc and the gain-limited voltage behind the divider R / (R + Z_out)
        np.add(r, col("z_out"), out=div[:c])
        np.divide(r, div[:c], out=div[:c])
        np.multiply(col("v_oc"), div[:c], out=v0[:c])
        np.multiply(col("i_max"), r, out=v1[:c])
        np.multiply(col("p_clip"), r, out=v2[:c])
        np.sqrt(v2[:c], out=v2[:c])
        np.multiply(col("p_thermal"), r, out=v3[:c])
        np.sqrt(v3[:c], out=v3[:c])
        np.multiply(col("v_gain"), div[:c], out=v4[:c])
        limits = (v0[:c], v1[:c], v2[:c], v3[:c], v4[:c])
        # maximum sine level and its binding limit
        bind(c, limits)
        np.log10(best[:c], out=level[:c])
        np.multiply(level[:c], 20.0, out=level[:c])
        np.add(level[:c], s_v, out=level[:c])
        # headroom for the programme (section 5): the peak-type limits scaled to the programme's peaks, the thermal
        # limit (average-type) as it is
        if sine:
            np.subtract(level[:c], target, out=margin[:c])
        else:
            for x in (v0, v1, v2, v4):
                np.multiply(x[:c], peak_scale, out=x[:c])
            bind(c, limits)
            np.log10(best[:c], out=margin[:c])
            np.multiply(margin[:c], 20.0, out=margin[:c])
            np.add(margin[:c], s_v - target, out=margin[:c])
        # reductions
        h = margin[:c]
        above += np.count_nonzero(h >= threshold, axis=0)
        by_limit += np.bincount(code[:c].ravel(), minlength=len(LIMITS))
        h_min = min(h_min, float(h.min()))
        h_max = max(h_max, float(h.max()))
        h_sum += float(h.sum(dtype=np.float64))
        if top_k > 0:
            idx = np.broadcast_to(np.arange(first, first + c)[:, None], (c, n))
            cand_h = np.concatenate([top_h, h])
            cand_j = np.concatenate([top_j, idx])
            keep = min(top_k, cand_h.shape[0])
            # best first: larger headroom, then lower output index (lexsort's last key is the primary one)
            order = np.lexsort((cand_j, -cand_h), axis=0)[:keep]
            top_h = np.take_along_axis(cand_h, order, axis=0)
            top_j = np.take_along_axis(cand_j, order, axis=0)

    return {
        "headroom_db": {"min": h_min, "mean": h_sum / (m * n), "max": h_max},
        "above_threshold": int(above.sum()),
        "binding": {name: int(k) for name, k in zip(LIMITS, by_limit)},
        "top_output_of_first_headphone": top_j[:, 0].tolist() if top_k > 0 else [],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synthetic", default="1000x20000", help="MxN: output stages x headphones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--target", type=float, default=85.0, help="programme average level, dB SPL")
    ap.add_argument("--crest", type=float, default=SINE_CREST_DB, help="crest factor, dB (default: sine)")
    ap.add_argument("--min-headroom", type=float, default=0.0, help="threshold, dB")
    ap.add_argument("--top", type=int, default=0, help="best outputs to keep per headphone")
    ap.add_argument("--chunk", type=int, default=0, help="output stages per chunk (default: about 1 MB of values)")
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    ap.add_argument("--repeat", type=int, default=1, help="report the fastest of this many runs")
    a = ap.parse_args()
    m, n = (int(x) for x in a.synthetic.lower().split("x"))
    dtype = np.dtype(a.dtype)
    chunk = a.chunk or max(1, min(m, (1 << 20) // (dtype.itemsize * n) or 1))
    amps, hps = synthetic(m, n, a.seed, dtype)
    best = best_cpu = None
    for _ in range(a.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        summary = sweep(amps, hps, a.target, a.crest, a.min_headroom, a.top, chunk)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        best = dt if best is None else min(best, dt)
        best_cpu = dc if best_cpu is None else min(best_cpu, dc)
    # Wall time, and the CPU time of the process, which a busy shared machine disturbs less.
    print(json.dumps({"implementation": f"numpy {np.__version__} {a.dtype}, chunk {chunk}", "pairs": m * n,
                      "seconds": best, "pairs_per_second": m * n / best, "cpu_seconds": best_cpu,
                      "pairs_per_cpu_second": m * n / best_cpu, **summary}))


if __name__ == "__main__":
    main()
