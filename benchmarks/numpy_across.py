#!/usr/bin/python3
"""The baseline for the sweep across frequency: the same sweep as `headroom sweep --across-frequency`, written as
careful NumPy brute force. Every output stage meets every headphone at every frequency of the grid; nothing is
pruned (the engine, batch/across.hpp, proves most frequencies cannot be a pair's worst and skips them).

Per output stage j, headphone i and grid frequency f (1/48 octave over 20 Hz-20 kHz, frequency_grid.hpp's
audio_band_grid) it computes what response.hpp's headroom_across defines and the engine computes (src/batch/
across_impl.hpp, include/headroom/limit.hpp load_voltages): the headphone's complex impedance Z(f) (its curve, else
resistive at its nominal |Z|); the clipping divider |Z| / |Z + R_s| and the signal divider |Z| / |Z + Z_out|; the
five limit voltages for the programme (voltage V_oc x clipping divider, current I_max |Z|, power sqrt(P |Z|),
thermal sqrt(P_th |Z|), gain V_gain x signal divider x the EQ's digital factor 10^(min(preamp + boost, 0) / 20)),
the peak-type ones scaled to the programme's peaks (10^((3.01 dB - CF) / 20)), a rating table's voltage at |Z| in
the slot it stands for (rating_voltages_at); the smallest of them (ties to the first in limit.hpp's order) times
10^(-boost / 20). A pair's worst is the smallest over f (the lowest frequency on ties), its headroom
S_V + 20 lg v - target. Then the statistics of `headroom sweep --across-frequency --json`: min/mean/max of the
worst headroom (the mean of the per-headphone means, as the engine takes it), the pairs at or above the threshold,
the pairs per binding limit. A load-sensed mode (output columns load_min, load_max) pairs only with the headphones
whose load (the curve's minimum where there is one) lies in [load_min, load_max).

Careful means: tiles of output stages x headphones x frequencies (about 1 MB a buffer, so memory stays bounded
whatever the catalog), in-place ufuncs with out=, per-stage and per-headphone terms broadcast rather than tiled,
the stages grouped by the limits they state (a limit no stage of a tile states is +inf and is not computed), and
the binding limit found only at each pair's worst frequency, from the same arithmetic.

Catalogs: the bundled one (--catalog bundled, through the Python module: the engine's own packed output columns,
each headphone's curve evaluated by the model), or --synthetic MxN --seed S, generated here in NumPy with the
ranges of include/headroom/batch/synthetic.hpp and the three curve shapes of with_realistic_curves (dynamic driver
with a bass resonance, planar flat within 2 %, multi-driver IEM table with a deep minimum and phase swings) but
not the same random stream as `headroom sweep --synthetic` (so its statistics differ from the command's).

Prints one JSON object: pairs, frequencies, pair_frequencies, seconds (the sweep alone; for --synthetic the curves
on the grid included, as the engine's time includes them; catalog loading excluded), pair_frequencies_per_second,
the same in CPU time, and the statistics under the command's keys.

--check CLI runs `CLI sweep --across-frequency --json --precision double` on the bundled catalog (with the same
--eq, --target, --crest, --min-headroom; --eq may be repeated, 'none' for no EQ, each checked in turn) and exits 1
unless the statistics agree (headroom within 1e-6 dB, counts exactly); it also compares per headphone and per pair
(worst headroom, the frequency where it falls, the limit binding there) with the module's
`headroom.sweep(..., across_frequency=True, grid=True)` (the same engine), and sweeps what the bundled catalog does
not exercise (the bundled stages given a source + gain, a thermal limit and supply sag, against 60 synthetic
headphones whose curves are computed here and, as models, by the module) both ways.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from types import SimpleNamespace

import numpy as np

SINE_CREST_DB = 3.0102999566398120  # 10 lg 2 (decibel.hpp)
DB20_PER_NEPER = 20.0 / math.log(10.0)
LIMITS = ("voltage", "current", "power", "thermal", "gain")  # limit.hpp's order: ties go to the first
VOLTAGE, CURRENT, POWER, THERMAL, GAIN = range(5)
TOLERANCE_DB = 1e-6
RELATIVE_TIE = 1e-13  # two evaluations of one pair's worst that agree to rounding (some 10 roundings of 1.1e-16)


def audio_band_grid(steps_per_octave=48):
    """frequency_grid.hpp's audio_band_grid: f = 1 kHz 2^(k/n) strictly inside 20 Hz-20 kHz, plus both edges."""
    n = float(steps_per_octave)
    k_low = math.floor(n * math.log2(20.0 / 1000.0))
    k_high = math.ceil(n * math.log2(20000.0 / 1000.0))
    hz = [20.0]
    for k in range(k_low, k_high + 1):
        f = 1000.0 if k == 0 else 1000.0 * 2.0 ** (k / n)
        if f <= 20.0 * (1.0 + 1e-9) or f >= 20000.0 * (1.0 - 1e-9):
            continue
        hz.append(f)
    hz.append(20000.0)
    return np.array(hz)


# ---- Headphones: per headphone s_v, the load that selects a mode, its EQ preset, and Z on the grid (a callable
# for a range of headphones, so that a synthetic catalog's curves are evaluated a chunk at a time).

class Headphones:
    def __init__(self, s_v, mode_load, impedance, names=None, models=None):
        self.s_v = np.asarray(s_v, np.float64)
        self.mode_load = np.asarray(mode_load, np.float64)
        self.impedance = impedance  # (first, count) -> (re, im), each (count, F) float64
        self.eq_of = np.full(self.s_v.size, -1, np.int64)  # each headphone's preset, or -1 (choose_eq)
        self.names = names if names is not None else [""] * self.s_v.size  # for presets matched by name
        self.models = models  # () -> the module's Headphone models of a synthetic catalog (for --check)

    @property
    def size(self):
        return self.s_v.size


def bundled_catalog(grid):
    """The bundled catalog through the module: output stages as `headroom sweep` packs them (every gain setting of
    every output of every amplifier, with rating tables and load-sensed modes), headphones with their curves."""
    import headroom

    cat = headroom.catalog()
    outputs = {k: np.asarray(v) for k, v in headroom.output_columns(cat).items()}
    hp_cols = headroom.headphone_columns(cat)  # r: the load the limits use, a curve's minimum (limit_load)
    models = [h.model for h in cat.headphones]
    re = np.empty((len(models), grid.size))
    im = np.empty_like(re)
    for i, m in enumerate(models):
        if m.curve is None:  # resistive at the stated impedance
            re[i] = m.impedance_ohm
            im[i] = 0.0
        else:
            z = m.curve.impedance_at(grid)
            re[i] = z.real
            im[i] = z.imag
    return outputs, Headphones(hp_cols["s_v"], hp_cols["r"], lambda first, count: (re[first:first + count], im[first:first + count]),
                               names=[h.name for h in cat.headphones])


def synthetic_catalog(m, n, seed, grid):
    """The ranges of `headroom sweep --synthetic MxN --across-frequency` (synthetic.hpp), not its random stream:
    stages with V_oc 0.5-20 V behind Z_out 0-10 ohm, I_max 0.02-1 A, a sine power rating 0.05-5 W, no thermal limit
    and no source + gain; headphones of 8-600 ohm (log-uniform), 90-125 dB SPL/V, each with a curve of one of three
    shapes in turn (with_realistic_curves)."""
    rng = np.random.default_rng(seed)
    z_out = rng.uniform(0.0, 10.0, m)
    outputs = {
        "v_clip": rng.uniform(0.5, 20.0, m),
        "r_clip": z_out,
        "i_max": rng.uniform(0.02, 1.0, m),
        "sqrt_p_clip": np.sqrt(rng.uniform(0.05, 5.0, m)),
        "sqrt_p_thermal": np.full(m, np.inf),
        "v_gain": np.full(m, np.inf),
        "z_out": z_out.copy(),
        "table_first": np.zeros(m + 1, np.int64),
        "table_ln_r": np.zeros(0),
        "table_ln_v": np.zeros(0),
    }
    z = 8.0 * (600.0 / 8.0) ** rng.uniform(0.0, 1.0, n)
    s_v = rng.uniform(90.0, 125.0, n)
    kind = np.arange(n) % 3
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731 (one draw per headphone; each kind takes its own)
    # 0, dynamic: Z = Re + j w Le + Re Qms/Qes / (1 + j Qms (f/fs - fs/f)), the peak Re (1 + Qms/Qes) 1.5-6 Re
    peak, qms = u(1.5, 6.0), u(2.0, 8.0)
    d_re, d_le, d_fs, d_qms, d_qes = 0.9 * z, z * u(0.2e-6, 1.5e-6), u(40.0, 120.0), qms, qms / (peak - 1.0)
    # 1, planar: flat within 2 %, resistive
    planar_f = np.array([20.0, 1000.0, 20000.0])
    planar_z = z[:, None] * np.stack([np.ones(n), u(0.98, 1.02), u(0.98, 1.02)], axis=1)
    # 2, multi-driver IEM: a deep minimum at 2-6 kHz between crossovers, the phase swinging either side
    f_min, depth, swing = u(2000.0, 6000.0), u(0.2, 0.6), u(15.0, 45.0)
    iem_f = np.stack([np.full(n, 20.0), u(300.0, 900.0), f_min, f_min * u(1.8, 3.0), np.full(n, 20000.0)], axis=1)
    iem_z = z[:, None] * np.stack([np.ones(n), u(1.0, 1.4), depth, u(0.8, 1.6), u(0.5, 1.2)], axis=1)
    iem_deg = np.stack([np.zeros(n), swing, -swing, swing / 2.0, -swing / 2.0], axis=1)
    planar_hz, planar_ohm = np.log(planar_f), np.log(planar_z)
    iem_hz, iem_ohm, iem_phase = np.log(iem_f), np.log(iem_z), np.radians(iem_deg)
    ln_grid = np.log(grid)

    def impedance(first, count):
        sl = slice(first, first + count)
        k = kind[sl]
        re = np.empty((count, grid.size))
        im = np.empty_like(re)
        d = k == 0
        if d.any():
            r_d, le, fs, q_ms, q_es = (x[sl][d][:, None] for x in (d_re, d_le, d_fs, d_qms, d_qes))
            res = r_d * q_ms / q_es
            x = q_ms * (grid / fs - fs / grid)
            motional = res / (1.0 + x * x)
            re[d] = r_d + motional
            im[d] = 2.0 * np.pi * grid * le - motional * x
        p = k == 1
        if p.any():
            ln_mag = table_at(np.broadcast_to(planar_hz, (p.sum(), 3)), planar_ohm[sl][p], ln_grid)
            re[p] = np.exp(ln_mag)
            im[p] = 0.0
        t = k == 2
        if t.any():
            ln_hz = iem_hz[sl][t]
            ln_mag = table_at(ln_hz, iem_ohm[sl][t], ln_grid)
            phase = table_at(ln_hz, iem_phase[sl][t], ln_grid)
            mag = np.exp(ln_mag)
            c = np.cos(phase)
            re[t] = np.where(c > 0.0, mag * c, 0.0)  # a load never gives power back
            im[t] = mag * np.sin(phase)
        return re, im

    def models():
        """The same headphones as the module's models (for --check: the engine sweeps them with their curves)."""
        import headroom

        out = []
        for i in range(n):
            if kind[i] == 0:
                curve = headroom.ImpedanceCurve.driver(re=d_re[i], le=d_le[i], fs=d_fs[i], qms=d_qms[i], qes=d_qes[i])
            elif kind[i] == 1:
                curve = headroom.ImpedanceCurve.from_points(planar_f, planar_z[i])
            else:
                curve = headroom.ImpedanceCurve.from_points(iem_f[i], iem_z[i], iem_deg[i])
            out.append(headroom.Headphone(z[i], headroom.Sensitivity(db_per_v=s_v[i]), name=f"synthetic headphone {i}", curve=curve))
        return out

    # The mode load (limit_load) matters only for load-sensed modes, which a synthetic catalog has none of.
    return outputs, Headphones(s_v, z, impedance, names=[f"synthetic headphone {i}" for i in range(n)], models=models)


def table_at(ln_hz, values, u):
    """curve_math.hpp's table_at for tables of P points each (rows): linear in ln f between the points, the end
    values held outside. ln_hz, values (K, P); u (F) -> (K, F)."""
    k, p = ln_hz.shape
    above = np.zeros((k, u.size), np.intp)  # points at or below u
    for q in range(p):
        above += ln_hz[:, q:q + 1] <= u
    # Segment by segment (a few), each point's columns broadcast: no gathers.
    out = np.empty((k, u.size))
    for q in range(p - 1):
        x0, x1, y0, y1 = ln_hz[:, q:q + 1], ln_hz[:, q + 1:q + 2], values[:, q:q + 1], values[:, q + 1:q + 2]
        w = (u - x0) / (x1 - x0)
        np.copyto(out, y0 + w * (y1 - y0), where=(above == q + 1) | (q == 0))
    out = np.where(u <= ln_hz[:, :1], values[:, :1], out)
    return np.where(u >= ln_hz[:, -1:], values[:, -1:], out)


# ---- EQ: one AutoEq preset on every headphone, or a folder of '<name> ParametricEQ.txt' matched by name (as
# src/cli/sweep_across.cpp's choose_eq does).

def name_key(name):
    return "".join(c.lower() for c in name if c.isalnum())


def choose_eq(where, hps, grid):
    """Presets' boost on the grid (E, F) and preamp (E), and hps.eq_of; how many headphones have one."""
    import headroom

    def load(path):
        with open(path, encoding="utf-8") as f:
            e = headroom.ParametricEQ.read(f.read(), path)
        return e.gain_at(grid), e.preamp_db

    if os.path.isdir(where):
        suffix = " ParametricEQ.txt"
        files = {name_key(f[:-len(suffix)]): os.path.join(where, f) for f in sorted(os.listdir(where))
                 if f.endswith(suffix) and len(f) > len(suffix)}
        loaded, boost, preamp, eq_of = {}, [], [], []
        for name in hps.names:
            path = files.get(name_key(name))
            if path is None:
                eq_of.append(-1)
                continue
            if path not in loaded:
                loaded[path] = len(boost)
                b, p = load(path)
                boost.append(b)
                preamp.append(p)
            eq_of.append(loaded[path])
        hps.eq_of = np.array(eq_of, np.int64)
        return np.array(boost).reshape(len(boost), grid.size), np.array(preamp), int((hps.eq_of >= 0).sum())
    b, p = load(where)
    hps.eq_of = np.zeros(hps.size, np.int64)
    return b[None, :], np.array([p]), hps.size


# ---- The sweep.

def stage_groups(o, sizes):
    """Stage indices grouped by the limits they state, whether their two dividers coincide (R_s == Z_out) and their
    rating table's size, so that a tile computes only the limits its stages have."""
    m = o["v_clip"].size
    keys = {}
    for j in range(m):
        key = (np.isfinite(o["v_clip"][j]), np.isfinite(o["i_max"][j]), np.isfinite(o["sqrt_p_clip"][j]),
               np.isfinite(o["sqrt_p_thermal"][j]), np.isfinite(o["v_gain"][j]), o["r_clip"][j] == o["z_out"][j],
               int(sizes[j]))
        keys.setdefault(key, []).append(j)
    return [(key, np.array(js, np.int64)) for key, js in sorted(keys.items(), key=lambda kv: kv[1][0])]


def sweep(outputs, hps, grid, boost, preamp, target, crest, threshold, dtype, chunk, hp_chunk, pairs=False, at_f=None):
    """The statistics, and per headphone (as the module's per_headphone); with `pairs` also every pair's worst case
    as arrays (outputs, headphones): headroom (dB; NaN: no such pair), grid index, limit code (255: none), the
    smallest voltage per volt wanted, and that voltage at the grid index at_f of each pair (given: (outputs,
    headphones), -1 for none) for the check of near ties."""
    T = np.dtype(dtype).type
    m, n, n_f = outputs["v_clip"].size, hps.size, grid.size
    ps = 10.0 ** ((SINE_CREST_DB - crest) / 20.0)  # decibel.hpp peak_scale (1 for a sine)
    # The stages for the programme (stage_terms::for_programme): the peak-type limits times ps.
    o = {k: np.asarray(outputs[k], np.float64) for k in ("v_clip", "r_clip", "i_max", "sqrt_p_clip", "sqrt_p_thermal", "v_gain", "z_out")}
    prog = {k: v.astype(T) for k, v in o.items()}
    for k in ("v_clip", "i_max", "sqrt_p_clip", "v_gain"):
        prog[k] = (prog[k] * T(ps)).astype(T)
    table_first = np.asarray(outputs["table_first"], np.int64)
    table_ln_r = np.asarray(outputs["table_ln_r"], np.float64).astype(T)
    table_ln_v = np.asarray(outputs["table_ln_v"], np.float64).astype(T)
    load_min = np.asarray(outputs.get("load_min", np.zeros(m)), np.float64)
    load_max = np.asarray(outputs.get("load_max", np.full(m, np.inf)), np.float64)
    mode_load = hps.mode_load.astype(T).astype(np.float64)
    # Each preset's factors as the engine has them (across.cpp): w = 10^(-boost/20) on every limit (the level wanted
    # rises by the boost), gd = 10^(min(preamp + boost, 0)/20) on the gain limit; a headphone without EQ: 1 and 1.
    eq_w = np.power(10.0, -boost / 20.0).astype(T)
    eq_gd = np.power(10.0, np.minimum(preamp[:, None] + boost, 0.0) / 20.0).astype(T)
    tables = table_ln_r.size > 0
    st = SimpleNamespace(prog=prog, table_first=table_first, table_ln_r=table_ln_r, table_ln_v=table_ln_v, load_min=load_min,
                         load_max=load_max, groups=stage_groups(o, np.diff(table_first)), ps=ps, T=T)
    # Per headphone: pairs met, min, max and sum of the worst headroom, pairs at or above the threshold, per limit.
    acc = SimpleNamespace(met=np.zeros(n, np.int64), h_min=np.full(n, np.inf), h_max=np.full(n, -np.inf), h_sum=np.zeros(n),
                          above=np.zeros(n, np.int64), counts=np.zeros((len(LIMITS), n), np.int64), pair_db=None)
    if pairs:
        acc.pair_db, acc.pair_f, acc.pair_l = np.full((m, n), np.nan), np.full((m, n), -1), np.full((m, n), 255, np.uint8)
        acc.pair_u, acc.pair_u_at, acc.at_f = np.full((m, n), np.nan), np.full((m, n), np.nan), at_f

    shape = (chunk, hp_chunk, n_f)
    buf = [np.empty(shape, T) for _ in range(4)]
    # Headphones are prepared a block at a time (their curves evaluated with fewer, larger NumPy calls), then swept
    # in tiles of hp_chunk.
    block = hp_chunk * max(1, 256 // hp_chunk)
    for first_block in range(0, n, block):
        nb = min(block, n - first_block)
        # The block's headphones on the grid, as the engine prepares them (across_impl.hpp prepare): re, im in T,
        # |Z| = sqrt(re^2 + im^2), sqrt|Z|, ln|Z| (for rating tables), the EQ's factors.
        re64, im64 = hps.impedance(first_block, nb)
        re_b, im_b = re64.astype(T), im64.astype(T)
        im2_b = im_b * im_b
        mag_b = np.sqrt(re_b * re_b + im2_b)
        sqrt_b = np.sqrt(mag_b)
        ln_b = np.log(mag_b.astype(np.float64)).astype(T) if tables else mag_b
        e = hps.eq_of[first_block:first_block + nb]
        w_b = np.where(e[:, None] >= 0, eq_w[np.maximum(e, 0)], T(1)) if boost.size else np.ones((nb, n_f), T)
        gd_b = np.where(e[:, None] >= 0, eq_gd[np.maximum(e, 0)], T(1)) if boost.size else np.ones((nb, n_f), T)
        for first in range(first_block, first_block + nb, hp_chunk):
            hc = min(hp_chunk, first_block + nb - first)
            hs = slice(first, first + hc)
            bs = slice(first - first_block, first - first_block + hc)
            re, im, im2, mag, sqrt_mag, ln_mag, w, gd = (x[bs] for x in (re_b, im_b, im2_b, mag_b, sqrt_b, ln_b, w_b, gd_b))
            hp = SimpleNamespace(slice=hs, count=hc, re=re, im=im, im2=im2, mag=mag, sqrt_mag=sqrt_mag, ln_mag=ln_mag, w=w,
                                 gd=gd, s_v=hps.s_v[hs], mode_load=mode_load[hs], rows=np.arange(hc)[None, :])
            sweep_headphones(st, hp, chunk, buf, target, threshold, acc)

    met, h_min, h_max, h_sum, above, counts = acc.met, acc.h_min, acc.h_max, acc.h_sum, acc.above, acc.counts
    some = met > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_i = np.where(some, h_sum / met, np.nan)  # per headphone, over the stages it meets; the overall mean is theirs
    nan = float("nan")
    per_headphone = {"min_worst_headroom_db": np.where(some, h_min, np.nan), "mean_worst_headroom_db": mean_i,
                     "max_worst_headroom_db": np.where(some, h_max, np.nan), "above_threshold": above, "binding": counts}
    if pairs:
        per_headphone["pairs"] = (acc.pair_db, acc.pair_f, acc.pair_l, acc.pair_u, acc.pair_u_at)
    return per_headphone, {
        "pairs": int(met.sum()),
        "worst_headroom_db": {"min": float(h_min[some].min()) if some.any() else nan,
                              "mean": float(mean_i[some].mean()) if some.any() else nan,
                              "max": float(h_max[some].max()) if some.any() else nan},
        "above_threshold": int(above.sum()),
        "binding": {name: int(k) for name, k in zip(LIMITS, counts.sum(axis=1))},
    }


def sweep_headphones(st, hp, chunk, buf, target, threshold, acc):
    """Every stage (st) against a few headphones (hp: prepared on the grid, (hc, F) arrays), in tiles of `chunk`
    stages, into the per-headphone accumulators (acc)."""
    prog, T, ps, hs, hc = st.prog, st.T, st.ps, hp.slice, hp.count
    re, im, im2, mag, sqrt_mag, ln_mag, w, gd = hp.re, hp.im, hp.im2, hp.mag, hp.sqrt_mag, hp.ln_mag, hp.w, hp.gd
    for key, js in st.groups:
        has_v, has_i, has_p, has_th, has_g, one_divider, table_size = key
        for at in range(0, js.size, chunk):
            j = js[at:at + chunk]
            c = j.size
            col = lambda name: prog[name][j][:, None, None]  # noqa: E731
            d, best, tmp, sig = (b[:c, :hc] for b in buf)
            # The clipping divider |Z| / |Z + R_s|, as the engine writes it.
            np.add(re, col("r_clip"), out=d)
            np.multiply(d, d, out=d)
            np.add(d, im2, out=d)
            np.sqrt(d, out=d)
            np.divide(mag, d, out=d)
            if has_v:
                np.multiply(col("v_clip"), d, out=best)
            else:
                best.fill(np.inf)
            if has_g:
                if not one_divider:  # the signal divider |Z| / |Z + Z_out|
                    np.add(re, col("z_out"), out=sig)
                    np.multiply(sig, sig, out=sig)
                    np.add(sig, im2, out=sig)
                    np.sqrt(sig, out=sig)
                    np.divide(mag, sig, out=sig)
                    d = sig
                np.multiply(col("v_gain"), d, out=tmp)
                np.multiply(tmp, gd, out=tmp)
                np.minimum(best, tmp, out=best)
            if has_i:
                np.multiply(col("i_max"), mag, out=tmp)
                np.minimum(best, tmp, out=best)
            if has_p:
                np.multiply(col("sqrt_p_clip"), sqrt_mag, out=tmp)
                np.minimum(best, tmp, out=best)
            if has_th:
                np.multiply(col("sqrt_p_thermal"), sqrt_mag, out=tmp)
                np.minimum(best, tmp, out=best)
            if table_size:
                np.minimum(best, rated_voltage(st.table_first[j], st.table_ln_r, st.table_ln_v, table_size, ln_mag, ps, T), out=best)
            # The level wanted rises by the boost: the limit's voltage per volt wanted.
            np.multiply(best, w, out=best)
            worst_f = np.argmin(best, axis=2)  # the first (lowest frequency) where several tie
            u = best[np.arange(c)[:, None], hp.rows, worst_f]
            # The binding limit, only where each pair's worst falls.
            take = lambda a: a[hp.rows, worst_f]  # noqa: E731 ((hc, F) -> (c, hc))
            v = limits_at(st, j, table_size, take(re), take(im), take(mag), take(sqrt_mag), take(ln_mag), take(gd))
            binding = np.argmin(v, axis=0)  # ties to the first in limit.hpp's order
            assert np.array_equal(v.min(axis=0) * take(w), u), "the binding limit's arithmetic differs from the tile's"
            # headroom_db (batch/math.hpp): (S_V + 20 lg v) - target, in double
            h = (hp.s_v[None, :] + DB20_PER_NEPER * np.log(u.astype(np.float64))) - target
            # A load-sensed mode meets only the headphones whose load it answers for; other stages every one.
            ok = (st.load_min[j][:, None] <= hp.mode_load[None, :]) & (hp.mode_load[None, :] < st.load_max[j][:, None])
            acc.met[hs] += ok.sum(axis=0)
            acc.h_min[hs] = np.minimum(acc.h_min[hs], np.where(ok, h, np.inf).min(axis=0))
            acc.h_max[hs] = np.maximum(acc.h_max[hs], np.where(ok, h, -np.inf).max(axis=0))
            acc.h_sum[hs] += np.where(ok, h, 0.0).sum(axis=0)
            acc.above[hs] += (ok & (h >= threshold)).sum(axis=0)
            for lim in range(len(LIMITS)):
                acc.counts[lim, hs] += (ok & (binding == lim)).sum(axis=0)
            if acc.pair_db is not None:
                acc.pair_db[j, hs] = np.where(ok, h, np.nan)
                acc.pair_f[j, hs] = np.where(ok, worst_f, -1)
                acc.pair_l[j, hs] = np.where(ok, binding, 255)
                acc.pair_u[j, hs] = np.where(ok, u, np.nan)
                if acc.at_f is not None:
                    fe = np.maximum(acc.at_f[j, hs], 0)
                    take_e = lambda a: a[hp.rows, fe]  # noqa: E731
                    ve = limits_at(st, j, table_size, take_e(re), take_e(im), take_e(mag), take_e(sqrt_mag), take_e(ln_mag),
                                   take_e(gd))
                    acc.pair_u_at[j, hs] = np.where(ok & (acc.at_f[j, hs] >= 0), ve.min(axis=0) * take_e(w), np.nan)


def rated_voltage(first, ln_r, ln_v, size, ln_z, ps, T):
    """A rating table's voltage at |Z| for the programme (limit.hpp rating_voltages_at, times ps), whichever slot it
    stands in: the stages' tables (all of `size` points) against ln|Z| (hc, F) -> (c, hc, F)."""
    x, _, _ = rated_parts(first, ln_r, ln_v, size, ln_z[None, :, :])
    return np.exp(x) * T(ps)


def rated_parts(first, ln_r, ln_v, size, ln_z):
    """ln of the table's voltage at ln_z and where ln_z lies (below the first load, above the last); per stage
    first[c], ln_z broadcast against (c, 1, ...)."""
    ex = (slice(None),) + (None,) * (ln_z.ndim - 1)
    r = [ln_r[first + p][ex] for p in range(size)]
    v = [ln_v[first + p][ex] for p in range(size)]
    last = size - 1
    lo_r, lo_v = r[0], v[0]
    hi_r, hi_v = r[min(1, last)], v[min(1, last)]
    for p in range(1, last):  # the last inner stated load below ln_z
        past = ln_z > r[p]
        lo_r, lo_v = np.where(past, r[p], lo_r), np.where(past, v[p], lo_v)
        hi_r, hi_v = np.where(past, r[p + 1], hi_r), np.where(past, v[p + 1], hi_v)
    width = hi_r - lo_r if last > 0 else np.ones_like(lo_r)
    w = (ln_z - lo_r) / width
    within = np.where(ln_z == hi_r, hi_v, lo_v + w * (hi_v - lo_v))
    below, beyond = ln_z < r[0], ln_z > r[last]
    x = np.where(below, v[0] + (ln_z - r[0]), np.where(beyond, v[last], within))
    return x, below, beyond


def limits_at(st, j, table_size, re, im, mag, sqrt_mag, ln_mag, gd):
    """limit.hpp's five load voltages for the programme of stages j, each at its own load (c, hc): (5, c, hc)."""
    col = lambda name: st.prog[name][j][:, None]  # noqa: E731
    x = re + col("r_clip")
    clip = mag / np.sqrt(x * x + im * im)
    x2 = re + col("z_out")
    signal = mag / np.sqrt(x2 * x2 + im * im)
    v = np.stack([col("v_clip") * clip, col("i_max") * mag, col("sqrt_p_clip") * sqrt_mag, col("sqrt_p_thermal") * sqrt_mag,
                  col("v_gain") * signal])
    v[GAIN] *= gd  # the EQ's digital factor on the gain limit
    if table_size:
        lx, below, beyond = rated_parts(st.table_first[j], st.table_ln_r, st.table_ln_v, table_size, ln_mag)
        e = np.exp(lx) * st.T(st.ps)
        for slot, where in ((VOLTAGE, beyond), (CURRENT, below), (POWER, ~below & ~beyond)):
            rated = np.where(where, e, st.T(np.inf))
            v[slot] = np.where(rated < v[slot], rated, v[slot])
    return v


# ---- The command's statistics, and the comparison.

def run_cli(cli, a, eq_path):
    cmd = [cli, "sweep", "--across-frequency", "--json", "--precision", "double"]
    if eq_path:
        cmd += ["--eq", eq_path]
    for flag, value in (("--target", a.target), ("--crest", a.crest_text), ("--min-headroom", a.min_headroom_text)):
        if value is not None:
            cmd += [flag, str(value)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"numpy_across: {' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout), cmd


def module_result(eq_path, target, crest, threshold):
    """The bundled catalog on the module's sweep (the command's engine) with every pair's worst case, or None where
    the EQ is a folder of presets (the module takes those as a mapping by name; the overall check covers it)."""
    import headroom

    eq = None
    if eq_path:
        if os.path.isdir(eq_path):
            return None
        with open(eq_path, encoding="utf-8") as f:
            eq = headroom.ParametricEQ.read(f.read(), eq_path)
    cat = headroom.catalog()
    return headroom.sweep(cat, cat, target=target, crest=crest, min_headroom=threshold, precision="double",
                          across_frequency=True, eq=eq, grid=True)


def compare_engine(ours, r, grid, rerun, info):
    """Differences from the module's result r per headphone and per pair, as sentences. rerun(at_f): our pairs
    again, with each pair's voltage at grid index at_f; info["ties"] counts the pairs whose worst frequency differs
    within a tie."""
    if r is None:
        return []
    theirs = r.per_headphone._asdict()
    bad = []
    for k in ("min_worst_headroom_db", "mean_worst_headroom_db", "max_worst_headroom_db"):
        x, y = ours[k], np.asarray(theirs[k])
        off = ~((np.abs(x - y) <= TOLERANCE_DB) | (np.isnan(x) & np.isnan(y)))
        if off.any():
            i = int(np.flatnonzero(off)[0])
            bad.append(f"per_headphone.{k}: {off.sum()} headphones differ, the first {i}: NumPy {x[i]!r}, the engine {y[i]!r}")
    for k in ("above_threshold", "binding"):
        x, y = ours[k], np.asarray(theirs[k])
        if not np.array_equal(x, y):
            bad.append(f"per_headphone.{k}: {int((x != y).sum())} entries differ")
    # Every pair: its worst headroom, the frequency where it falls (the first on ties), the limit binding there.
    db, f, lim = ours["pairs"][:3]
    g = r.grid
    off = ~((np.abs(db - g.worst_headroom_db) <= TOLERANCE_DB) | (np.isnan(db) & np.isnan(g.worst_headroom_db)))
    if off.any():
        j, i = np.argwhere(off)[0]
        bad.append(f"grid.worst_headroom_db: {off.sum()} pairs differ, the first ({j}, {i}): NumPy {db[j, i]!r}, the engine "
                   f"{g.worst_headroom_db[j, i]!r}")
    hz = np.where(f >= 0, grid[np.maximum(f, 0)], np.nan)
    off = ~((hz == g.worst_headroom_hz) | (np.isnan(hz) & np.isnan(g.worst_headroom_hz)))
    if off.any():
        # Where the worst is flat in exact arithmetic (a gain limit through an EQ whose preamp cancels its boost, a
        # flat curve), which frequency comes first is decided by the last bit of the curve's exponential and
        # trigonometry, which are the engine's own polynomials there and libm's in NumPy: the engine's frequency
        # must then be as bad as ours, to rounding.
        engine_f = np.where(np.isnan(g.worst_headroom_hz), -1, np.searchsorted(grid, np.nan_to_num(g.worst_headroom_hz)))
        u_at = rerun(engine_f)[4]
        # Where our own values tie exactly, ours must be the first of them (an earlier engine frequency would be one).
        u = ours["pairs"][3]
        tie = off & (np.abs(u_at / u - 1.0) <= RELATIVE_TIE) & ~((u_at == u) & (engine_f < f))
        info["ties"] = info.get("ties", 0) + int(tie.sum())
        if (off & ~tie).any():
            j, i = np.argwhere(off & ~tie)[0]
            bad.append(f"grid.worst_headroom_hz: {(off & ~tie).sum()} pairs differ beyond a tie, the first ({j}, {i}): NumPy "
                       f"{hz[j, i]!r}, the engine {g.worst_headroom_hz[j, i]!r} (the voltage there {u_at[j, i]!r}, "
                       f"at NumPy's {u[j, i]!r})")
    if not np.array_equal(lim, g.worst_headroom_limit):
        bad.append(f"grid.worst_headroom_limit: {int((lim != g.worst_headroom_limit).sum())} pairs differ")
    return bad


def stressed_outputs(outputs, seed):
    """The bundled stages with every limit the bundled catalog leaves out: a source + gain (some below the rails),
    a thermal limit, a clipping resistance above Z_out (supply sag) on every other stage; tables and modes kept."""
    rng = np.random.default_rng(seed)
    o = {k: np.array(v, copy=True) for k, v in outputs.items()}
    m = o["v_clip"].size
    o["v_gain"] = np.where(np.isfinite(o["v_clip"]), o["v_clip"], 2.0) * rng.uniform(0.3, 3.0, m)
    o["sqrt_p_thermal"] = np.where(np.isfinite(o["sqrt_p_clip"]), o["sqrt_p_clip"], 0.5) * rng.uniform(0.6, 1.5, m)
    o["r_clip"] = o["z_out"] + np.where(np.arange(m) % 2 == 0, rng.uniform(0.0, 3.0, m), 0.0)
    return o


def engine_check(eq_path, grid, target, crest, threshold, info):
    """The limits and curves the bundled catalog does not exercise (the gain limit and the EQ's digital factor on
    it, the thermal limit, two dividers, the synthetic curves computed here): stressed bundled stages against a
    small synthetic catalog, in NumPy and on the module's engine (headroom.sweep(..., across_frequency=True),
    double). Differences as sentences."""
    import headroom

    outputs, _ = bundled_catalog(grid)
    o = stressed_outputs(outputs, 7)
    _, hps = synthetic_catalog(1, 60, 7, grid)
    models = hps.models()
    hps.mode_load = np.asarray(headroom.headphone_columns(models)["r"])  # limit_load: a curve's minimum
    eq = None
    boost, preamp = np.zeros((0, grid.size)), np.zeros(0)
    if eq_path and not os.path.isdir(eq_path):
        with open(eq_path, encoding="utf-8") as f:
            eq = headroom.ParametricEQ.read(f.read(), eq_path)
        boost, preamp, _ = choose_eq(eq_path, hps, grid)
    run = lambda at_f=None: sweep(o, hps, grid, boost, preamp, target, crest, threshold, np.float64, 8, 16, True, at_f)  # noqa: E731
    per_headphone, stats = run()
    r = headroom.sweep(o, models, target=target, crest=crest, min_headroom=threshold, precision="double", across_frequency=True,
                       eq=eq, grid=True)
    stats["frequencies"] = int(grid.size)
    bad = compare(stats, r, "the module") + compare_engine(per_headphone, r, grid, lambda at_f: run(at_f)[0]["pairs"], info)
    bound = sum(r["binding"][k] > 0 for k in ("thermal", "gain"))
    if not bad and bound < 2:
        bad.append(f"the stressed stages were meant to bind at the thermal and gain limits too: {r['binding']}")
    return ["stressed stages x synthetic headphones: " + line for line in bad]


def compare(ours, theirs, who="the command"):
    """Differences between our statistics and the command's (or the module's), as sentences (none: they agree)."""
    bad = []
    for k in ("min", "mean", "max"):
        a, b = ours["worst_headroom_db"][k], theirs["worst_headroom_db"][k]
        if not abs(a - b) <= TOLERANCE_DB:
            bad.append(f"worst_headroom_db.{k}: NumPy {a!r}, {who} {b!r} (difference {a - b:.3g} dB)")
    for k in ("pairs", "above_threshold"):
        if ours[k] != theirs[k]:
            bad.append(f"{k}: NumPy {ours[k]}, {who} {theirs[k]}")
    for name in LIMITS:
        if ours["binding"][name] != theirs["binding"][name]:
            bad.append(f"binding.{name}: NumPy {ours['binding'][name]}, {who} {theirs['binding'][name]}")
    if ours["frequencies"] != theirs["frequencies"]:
        bad.append(f"frequencies: NumPy {ours['frequencies']}, {who} {theirs['frequencies']}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--catalog", choices=("bundled",), default="bundled", help="the bundled catalog (default)")
    ap.add_argument("--synthetic", help="MxN: a synthetic catalog of M output stages x N headphones, with curves")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--eq", action="append", help="an AutoEq ParametricEQ.txt for every headphone, or a folder of "
                    "'<name> ParametricEQ.txt'; with --check it may be repeated, each checked in turn ('none': no EQ)")
    ap.add_argument("--target", type=float, help="programme average level, dB SPL (default 85)")
    ap.add_argument("--crest", dest="crest_text", help="crest factor, dB (default: a sine, 3.01 dB)")
    ap.add_argument("--min-headroom", dest="min_headroom_text", help="threshold, dB (default 0)")
    ap.add_argument("--chunk", type=int, default=0, help="output stages per tile (default: about 1 MB a buffer)")
    ap.add_argument("--headphone-chunk", type=int, default=32, help="headphones per tile (default 32)")
    ap.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    ap.add_argument("--repeat", type=int, default=1, help="report the fastest of this many runs")
    ap.add_argument("--check", metavar="CLI", help="compare with `CLI sweep --across-frequency --json --precision double` "
                    "on the bundled catalog, and with the module's engine; exit 1 if they differ")
    a = ap.parse_args()
    if a.check and a.synthetic:
        ap.error("--check compares the bundled catalog's statistics; leave out --synthetic")
    if a.check and a.dtype != "float64":
        ap.error("--check compares with the command's double precision; leave out --dtype float32")
    if not a.check and a.eq and len(a.eq) > 1:
        ap.error("--eq: one preset (or folder) per sweep; several are for --check")
    if a.chunk < 0 or a.headphone_chunk < 1 or a.repeat < 1:
        ap.error("--chunk must not be negative, --headphone-chunk and --repeat must be at least 1")
    target = 85.0 if a.target is None else a.target
    crest = SINE_CREST_DB if a.crest_text is None else float(a.crest_text)
    threshold = 0.0 if a.min_headroom_text is None else float(a.min_headroom_text)

    grid = audio_band_grid()
    if a.synthetic:
        m, n = (int(x) for x in a.synthetic.lower().split("x"))
        outputs, hps = synthetic_catalog(m, n, a.seed, grid)
        catalog = f"synthetic {m}x{n} seed {a.seed} (NumPy's random stream)"
    else:
        outputs, hps = bundled_catalog(grid)
        catalog = "bundled"
    dtype = np.dtype(a.dtype)
    m = outputs["v_clip"].size
    hp_chunk = max(1, min(a.headphone_chunk, hps.size))
    chunk = a.chunk or max(1, min(m, (1 << 20) // (dtype.itemsize * hp_chunk * grid.size)))

    failed = False
    for eq_path in [None if e == "none" else e for e in (a.eq or ["none"])]:
        boost, preamp, eq_headphones = np.zeros((0, grid.size)), np.zeros(0), 0
        hps.eq_of = np.full(hps.size, -1, np.int64)
        if eq_path:
            boost, preamp, eq_headphones = choose_eq(eq_path, hps, grid)
        best = best_cpu = None
        for _ in range(a.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            per_headphone, stats = sweep(outputs, hps, grid, boost, preamp, target, crest, threshold, dtype, chunk, hp_chunk,
                                         pairs=bool(a.check))
            dt, dc = time.perf_counter() - t0, time.process_time() - c0
            best = dt if best is None else min(best, dt)
            best_cpu = dc if best_cpu is None else min(best_cpu, dc)
        # Pair-frequencies are counted as the command counts them: every pair (a mode only with the loads it
        # answers for) at every frequency of the grid.
        pf = stats["pairs"] * grid.size
        result = {"implementation": f"numpy {np.__version__} {a.dtype}, tiles of {chunk} outputs x {hp_chunk} headphones x {grid.size} frequencies",
                  "catalog": catalog, "outputs": m, "headphones": hps.size, "pairs": stats["pairs"], "frequencies": int(grid.size),
                  "pair_frequencies": pf, "seconds": best, "pair_frequencies_per_second": pf / best, "cpu_seconds": best_cpu,
                  "pair_frequencies_per_cpu_second": pf / best_cpu if best_cpu > 0 else None,
                  "target_spl_db": target, "crest_factor_db": crest, "min_headroom_db": threshold}
        if eq_path:
            result.update({"eq": eq_path, "eq_headphones": eq_headphones})
        result.update({k: v for k, v in stats.items() if k != "pairs"})
        print(json.dumps(result), flush=True)
        if not a.check:
            continue
        theirs, cmd = run_cli(a.check, a, eq_path)
        info = {}
        rerun = lambda at_f: sweep(outputs, hps, grid, boost, preamp, target, crest, threshold, dtype, chunk, hp_chunk,  # noqa: E731
                                   True, at_f)[0]["pairs"]
        bad = compare(result, theirs) + compare_engine(per_headphone, module_result(eq_path, target, crest, threshold), grid, rerun, info)
        bad += engine_check(eq_path, grid, target, crest, threshold, info)
        if bad:
            print(f"numpy_across: the NumPy sweep and `{' '.join(cmd)}` differ:", file=sys.stderr)
            for line in bad:
                print("  " + line, file=sys.stderr)
            failed = True
        else:
            print(f"numpy_across: the same statistics as `{' '.join(cmd)}`, per headphone and per pair as the module's sweep, and the same on "
                  f"stressed stages x synthetic headphones (headroom within {TOLERANCE_DB:g} dB, counts exactly; "
                  f"{info.get('ties', 0)} pairs whose worst is flat to rounding fall at another frequency of the tie)", file=sys.stderr)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
