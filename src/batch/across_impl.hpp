// The sweep across frequency's loops, written once in plain C++ and compiled once per instruction set: each
// target's translation unit (targets/across_*.cpp) defines HEADROOM_BATCH_TARGET and includes this file with its
// own compiler flags (CMakeLists.txt). Not a header to include anywhere else.
//
// A chunk of 16 headphones is prepared once: each curve evaluated on the grid (curve_math.hpp's formulas), the EQ's
// factors, and, per cell of output stages, the frequencies that can be a pair's worst (docs/batch.md: the bound).
// Then every output stage passes over the chunk's candidate frequencies (or every frequency, without pruning):
// per frequency limit.hpp's load voltages into Z(f) through the complex dividers, the EQ's digital factor on the
// gain limit, the smallest limit (smallest_of), times 10^(-boost/20); the smallest of these over the frequencies is
// the pair's worst case, the first where several tie. As in kernel_impl.hpp, every path performs the same IEEE
// operations in the same order (-ffp-contract=off; the exponential, sine and cosine are our own polynomials), so
// all paths give the same bits.

#ifndef HEADROOM_BATCH_TARGET
#error "across_impl.hpp is included by a target's translation unit, which defines HEADROOM_BATCH_TARGET"
#endif

#include "batch/across_api.hpp"
#include "batch/math.hpp"
#include "batch/target_macros.hpp"
#include "headroom/curve_math.hpp"
#include "headroom/limit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace headroom::batch::detail::HEADROOM_BATCH_TARGET {
namespace {

constexpr index lanes = across_lanes;
// Output stages per pass over a chunk's frequencies: a frequency's values are loaded once per pass.
constexpr int pass_outputs = 8;
constexpr double inf = std::numeric_limits<double>::infinity();

// ---- Sine and cosine for |x| <= pi/2 (a curve's phase): Taylor series to x^23 and x^22, whose truncation is
// below 1e-18 there. Our own, as the exponential is, so that every path computes the same curve.

template <int First, int Terms>
inline constexpr std::array<double, Terms> alternating_taylor = [] {
    std::array<double, Terms> c{};
    double factorial = 1.0;
    for (int n = 1; n <= First; ++n) factorial *= n;
    for (int k = 0; k < Terms; ++k) {
        c[static_cast<std::size_t>(k)] = (k % 2 == 0 ? 1.0 : -1.0) / factorial;
        const int n = First + 2 * k;
        factorial *= static_cast<double>((n + 1) * (n + 2));
    }
    return c;
}();

HEADROOM_INLINE double sin_of(double x) noexcept {
    constexpr auto& c = alternating_taylor<1, 12>;
    const double x2 = x * x;
    double p = c[11];
    for (int k = 10; k >= 0; --k) p = p * x2 + c[static_cast<std::size_t>(k)];
    return x * p;
}

HEADROOM_INLINE double cos_of(double x) noexcept {
    constexpr auto& c = alternating_taylor<0, 12>;
    const double x2 = x * x;
    double p = c[11];
    for (int k = 10; k >= 0; --k) p = p * x2 + c[static_cast<std::size_t>(k)];
    return p;
}

// ---- A curve on the grid, in double, as impedance_curve evaluates it.

template <class T>
HEADROOM_INLINE void curve_on_grid(const across_prepare_job<T>& job, index h, double* HEADROOM_RESTRICT re,
                                   double* HEADROOM_RESTRICT im, double* HEADROOM_RESTRICT ln_mag,
                                   double* HEADROOM_RESTRICT phase) noexcept {
    const index n_f = job.frequencies;
    const std::int32_t c = job.curve[h];
    if (c < 0) {  // no curve: the headphone's stated impedance at every frequency
        const auto r = static_cast<double>(job.r[h]);
        for (index f = 0; f < n_f; ++f) re[f] = r;
        for (index f = 0; f < n_f; ++f) im[f] = 0.0;
        return;
    }
    const index first = job.table_first[c];
    const auto points = static_cast<std::size_t>(job.table_first[c + 1] - first);
    if (points == 0) {  // a driver model
        const double d_re = job.d_re[c], d_le = job.d_le[c], d_fs = job.d_fs[c], d_qms = job.d_qms[c], d_qes = job.d_qes[c];
        const double* HEADROOM_RESTRICT hz = job.grid_hz;
        for (index f = 0; f < n_f; ++f) {
            const auto z = curves::driver_at(d_re, d_le, d_fs, d_qms, d_qes, hz[f]);
            re[f] = z.re;
            im[f] = z.im;
        }
        return;
    }
    const double* ln_hz = job.ln_hz + first;
    const double* ln_ohm = job.ln_ohm + first;
    const double* phase_rad = job.phase_rad + first;
    // The segments by a walk along the ascending grid (the typed curve searches for each frequency: same index).
    std::size_t above = 0;
    for (index f = 0; f < n_f; ++f) {
        const double u = job.grid_ln_hz[f];
        while (above < points && ln_hz[above] <= u) ++above;
        const auto p = curves::table_at(ln_hz, ln_ohm, phase_rad, points, above, u);
        ln_mag[f] = p.ln_mag;
        phase[f] = p.phase;
    }
    bool phased = false;
    for (std::size_t p = 0; p < points; ++p) phased = phased || phase_rad[p] != 0.0;
    for (index f = 0; f < n_f; ++f) re[f] = limits::detail::exp(ln_mag[f]);
    if (!phased) {
        for (index f = 0; f < n_f; ++f) im[f] = 0.0;
        return;
    }
    // |Z| e^{j phi}; a cosine a rounding below zero at +-90 degrees is zero (a load never gives power back).
    for (index f = 0; f < n_f; ++f) {
        const double m = re[f];
        const double c_phi = cos_of(phase[f]);
        im[f] = m * sin_of(phase[f]);
        re[f] = c_phi > 0.0 ? m * c_phi : 0.0;
    }
}

// ---- The candidate frequencies (docs/batch.md, "Pruning across frequency").

// One headphone's values on the grid, in double: exactly the kernels' T inputs.
struct lane_values {
    const double* re;
    const double* im;
    const double* mag;
    const double* sqrt_mag;
    const double* ln_mag;
    const double* w;
    const double* gd;
    index n;
};

// Marks every frequency whose h is within a factor (1 + margin) of the smallest h, unless the frequency before it
// has the same inputs for this limit (dup): then that one has the same value for every output stage and is the
// first of the two, so this one cannot be the first where a pair's worst falls.
template <class Dup>
HEADROOM_INLINE void mark_near_min(const double* HEADROOM_RESTRICT h, index n, double margin, std::uint8_t* HEADROOM_RESTRICT keep,
                                   std::uint8_t bit, Dup dup) noexcept {
    double lo = inf;
    for (index f = 0; f < n; ++f) lo = h[f] < lo ? h[f] : lo;
    const double bound = lo * (1.0 + margin);
    for (index f = 0; f < n; ++f) keep[f] |= (h[f] <= bound && !dup(f)) ? bit : std::uint8_t{0};
}

// 1 / h^2 for a source resistance R, h = |Z| / |Z + R| W the limit's value per volt of the stage (W: the factors of
// the EQ the limit takes): (|Z + R|^2) / (|Z|^2 W^2), a quadratic in R with non-negative coefficients (Re Z >= 0).
HEADROOM_INLINE double phi(const lane_values& v, const double* W, index f, double r) noexcept {
    const double num = (v.re[f] * v.re[f] + v.im[f] * v.im[f]) + r * (2.0 * v.re[f] + r);
    const double den = (v.mag[f] * v.mag[f]) * (W[f] * W[f]);
    return num / den;
}

// Whether phi(f, R) >= kappa phi(g, R) somewhere in [s0, s1]: the largest of a quadratic on an interval is at an
// end or at its vertex.
HEADROOM_INLINE bool reaches(const lane_values& v, const double* W, index f, index g, double kappa, double s0, double s1) noexcept {
    const auto d = [&](double r) { return phi(v, W, f, r) - kappa * phi(v, W, g, r); };
    if (d(s0) >= 0.0 || d(s1) >= 0.0) return true;
    const double den_f = (v.mag[f] * v.mag[f]) * (W[f] * W[f]);
    const double den_g = (v.mag[g] * v.mag[g]) * (W[g] * W[g]);
    const double dc = 1.0 / den_f - kappa / den_g;
    if (!(dc < 0.0)) return false;
    const double db = 2.0 * v.re[f] / den_f - kappa * 2.0 * v.re[g] / den_g;
    const double vertex = -db / (2.0 * dc);
    return vertex > s0 && vertex < s1 && d(vertex) >= 0.0;
}

// The family of a limit behind a divider (voltage: R = R_s, W = w; gain: R = Z_out, W = gd w) for source resistances
// in [lo, hi], lo > 0. Frequency f can be the worst for some R there only if phi(f, R) >= kappa max_g phi(g, R),
// kappa = (1 + margin)^-2. phi grows with R, so phi(f, hi) >= kappa max phi(., lo) must hold (a cheap first cut);
// then the exact test against the frequencies that are largest at the ends, each on its side of where the two
// cross. Any reference is safe: the test only discards f where a reference beats it throughout.
template <class Dup>
void mark_divider_family(const lane_values& v, const double* W, double lo, double hi, double margin, std::uint8_t* keep,
                         std::uint8_t bit, double* scratch, Dup dup) noexcept {
    const index n = v.n;
    // The test's own arithmetic errs by some 1e-16: a little more slack.
    const double kappa = (1.0 - 1e-13) / ((1.0 + margin) * (1.0 + margin));
    double* HEADROOM_RESTRICT at_hi = scratch;
    index g_lo = 0, g_hi = 0;
    double best_lo = -inf, best_hi = -inf;
    for (index f = 0; f < n; ++f) {
        const double p_lo = phi(v, W, f, lo);
        at_hi[f] = phi(v, W, f, hi);
        if (p_lo > best_lo) best_lo = p_lo, g_lo = f;
        if (at_hi[f] > best_hi) best_hi = at_hi[f], g_hi = f;
    }
    const double cut = kappa * best_lo;
    // Where the two references cross (they do: g_lo is largest at lo, g_hi at hi), by bisection in ln R.
    double cross = hi;
    if (g_lo != g_hi) {
        double a = lo, b = hi;
        for (int step = 0; step < 60 && b > a * (1.0 + 1e-15); ++step) {
            const double m = std::sqrt(a * b);
            (phi(v, W, g_lo, m) >= phi(v, W, g_hi, m) ? a : b) = m;
        }
        cross = a;
    }
    for (index f = 0; f < n; ++f) {
        if (!(at_hi[f] >= cut) || dup(f)) continue;
        const bool near = g_lo == g_hi ? reaches(v, W, f, g_lo, kappa, lo, hi)
                                       : reaches(v, W, f, g_lo, kappa, lo, cross) || reaches(v, W, f, g_hi, kappa, cross, hi);
        if (near) keep[f] |= bit;
    }
}

enum : std::uint8_t { bit_current = 1, bit_root = 2, bit_voltage = 4, bit_gain = 8, bit_table = 16 };

// The candidate frequencies of one headphone for every cell of output stages, ascending, into the job's lists.
template <class T>
void candidates(const across_prepare_job<T>& job, index lane, const lane_values& v, double* tmp) noexcept {
    const index n = v.n;
    std::uint8_t* keep = job.ws.keep + lane * n;
    const auto same_w = [&](index f) { return f > 0 && v.w[f] == v.w[f - 1]; };
    const auto same_gdw = [&](index f) { return same_w(f) && v.gd[f] == v.gd[f - 1]; };
    const auto same_mw = [&](index f) { return same_w(f) && v.mag[f] == v.mag[f - 1]; };
    const auto same_v = [&](index f) { return same_mw(f) && v.re[f] == v.re[f - 1] && v.im[f] == v.im[f - 1]; };
    const auto same_g = [&](index f) { return same_v(f) && v.gd[f] == v.gd[f - 1]; };
    constexpr double margin = candidate_margin<T>;

    // The limits that need no output stage's parameters: current I |Z| w, power and thermal sqrt|Z| w.
    std::fill_n(keep, n, std::uint8_t{0});
    for (index f = 0; f < n; ++f) tmp[f] = v.mag[f] * v.w[f];
    mark_near_min(tmp, n, margin, keep, bit_current, same_mw);
    for (index f = 0; f < n; ++f) tmp[f] = v.sqrt_mag[f] * v.w[f];
    mark_near_min(tmp, n, margin, keep, bit_root, same_mw);
    double* gdw = tmp + n;
    for (index f = 0; f < n; ++f) gdw[f] = v.gd[f] * v.w[f];

    for (index c = 0; c < job.cell_count; ++c) {
        const cell_summary& cell = job.cells[c];
        std::int32_t* list = job.ws.list + (lane * job.cell_count + c) * n;
        std::int32_t& size = job.ws.list_size[lane * job.cell_count + c];
        size = 0;
        if (cell.dense) continue;
        const std::uint8_t base = static_cast<std::uint8_t>((cell.current ? bit_current : 0) | (cell.root ? bit_root : 0));
        auto* mark = reinterpret_cast<std::uint8_t*>(tmp + 2 * n);  // n bytes
        for (index f = 0; f < n; ++f) mark[f] = keep[f] & base;
        // Behind a source resistance of 0 the divider is exactly 1 (|Z + 0| is computed as |Z| is): the voltage limit
        // goes as w, the gain limit as gd w.
        if (cell.voltage_zero) mark_near_min(v.w, n, margin, mark, bit_voltage, same_w);
        if (cell.gain_zero) mark_near_min(gdw, n, margin, mark, bit_gain, same_gdw);
        if (cell.voltage_lo <= cell.voltage_hi)
            mark_divider_family(v, v.w, cell.voltage_lo, cell.voltage_hi, margin, mark, bit_voltage, tmp + 3 * n, same_v);
        if (cell.gain_lo <= cell.gain_hi)
            mark_divider_family(v, gdw, cell.gain_lo, cell.gain_hi, margin, mark, bit_gain, tmp + 3 * n, same_g);
        // A rating table's voltage at |Z| (its current, rating or voltage slot), in double.
        for (std::int32_t t = 0; t < cell.table_count; ++t) {
            const limits::rating_table_view<T>& table = job.tables[cell.tables[t]];
            std::array<double, 32> ln_r{}, ln_v{};
            for (std::size_t p = 0; p < table.size; ++p) {
                ln_r[p] = static_cast<double>(table.ln_r[p]);
                ln_v[p] = static_cast<double>(table.ln_v[p]);
            }
            const limits::rating_table_view<double> view{ln_r.data(), ln_v.data(), table.size};
            double* h = tmp + 3 * n;
            for (index f = 0; f < n; ++f) {
                const auto rated = limits::rating_voltages_at(view, v.ln_mag[f]);
                const double slot = std::min(rated.below, std::min(rated.within, rated.above));
                h[f] = slot * v.w[f];
            }
            mark_near_min(h, n, table_candidate_margin<T>, mark, bit_table, same_mw);
        }
        for (index f = 0; f < n; ++f)
            if (mark[f] != 0) list[size++] = static_cast<std::int32_t>(f);
    }
}

template <class T>
HEADROOM_FLATTEN void prepare(const across_prepare_job<T>& job) noexcept {
    const index n = job.frequencies;
    const across_workspace<T>& ws = job.ws;
    for (index lane = 0; lane < lanes; ++lane) {
        // Lanes past the chunk's headphones repeat its last one: the vector loops compute them and nothing keeps them.
        const index h = job.first + std::min(lane, job.count - 1);
        double* base = ws.scratch + lane * scratch_doubles(n);
        double* re = base;
        double* im = base + n;
        double* mag = base + 2 * n;
        double* sqrt_mag = base + 3 * n;
        double* ln_mag = base + 4 * n;
        double* w = base + 5 * n;
        double* gd = base + 6 * n;
        double* tmp = base + 7 * n;
        curve_on_grid(job, h, re, im, ln_mag, tmp);
        const std::int32_t e = job.eq[h];
        const T* eq_w = e < 0 ? nullptr : job.eq_w + e * n;
        const T* eq_gd = e < 0 ? nullptr : job.eq_gd + e * n;
        for (index f = 0; f < n; ++f) {
            const auto rt = static_cast<T>(re[f]);
            const auto it = static_cast<T>(im[f]);
            const T mt = std::sqrt(rt * rt + it * it);
            const T st = std::sqrt(mt);
            const T wt = eq_w != nullptr ? eq_w[f] : T(1);
            const T gt = eq_gd != nullptr ? eq_gd[f] : T(1);
            const index at = f * lanes + lane;
            ws.grid[f_re][at] = rt;
            ws.grid[f_im][at] = it;
            ws.grid[f_mag][at] = mt;
            ws.grid[f_sqrt][at] = st;
            ws.grid[f_w][at] = wt;
            ws.grid[f_gd][at] = gt;
            ws.grid_index[at] = static_cast<whole_of<T>>(f);
            re[f] = static_cast<double>(rt);
            im[f] = static_cast<double>(it);
            mag[f] = static_cast<double>(mt);
            sqrt_mag[f] = static_cast<double>(st);
            w[f] = static_cast<double>(wt);
            gd[f] = static_cast<double>(gt);
        }
        // ln|Z| as the scalar model takes a load's (std::log in double), only for the rating tables: a load at a
        // table's stated load meets it exactly.
        for (index f = 0; f < n; ++f) {
            const T lt = job.ln_mag ? static_cast<T>(std::log(mag[f])) : T(0);
            ws.grid[f_ln][f * lanes + lane] = lt;
            ln_mag[f] = static_cast<double>(lt);
        }
        if (job.prune) candidates(job, lane, lane_values{re, im, mag, sqrt_mag, ln_mag, w, gd, n}, tmp);
    }
    // Slots per cell: the most candidates of a lane; shorter lists repeat their first (an equal value, never taken
    // over the first by the strict comparison of the loop).
    ws.cell_slot_first[0] = 0;
    for (index c = 0; c < job.cell_count; ++c) {
        std::int32_t most = 0;
        if (job.prune)
            for (index lane = 0; lane < lanes; ++lane) most = std::max(most, ws.list_size[lane * job.cell_count + c]);
        ws.cell_slot_first[c + 1] = ws.cell_slot_first[c] + most;
    }
}

// Copies each cell's candidates' values into its slots (the driver has made room for cell_slot_first's count).
template <class T>
HEADROOM_FLATTEN void gather(const across_prepare_job<T>& job) noexcept {
    const index n = job.frequencies;
    const across_workspace<T>& ws = job.ws;
    for (index c = 0; c < job.cell_count; ++c) {
        const index first = ws.cell_slot_first[c], slots = ws.cell_slot_first[c + 1] - first;
        for (index lane = 0; lane < lanes; ++lane) {
            const std::int32_t* list = ws.list + (lane * job.cell_count + c) * n;
            const std::int32_t size = ws.list_size[lane * job.cell_count + c];
            for (index k = 0; k < slots; ++k) {
                const index f = size == 0 ? 0 : list[k < size ? k : 0];
                const index from = f * lanes + lane, to = (first + k) * lanes + lane;
                for (int field = 0; field < 7; ++field) ws.slot[field][to] = ws.grid[field][from];
                ws.slot_index[to] = ws.grid_index[from];
            }
        }
    }
}

// ---- The pairs.

template <class T>
inline constexpr std::array<whole_of<T>, limit_count> limit_tags{0, 1, 2, 3, 4};

// The worst so far of each pair of a pass: per output of the pass and lane.
template <class T>
struct pass_scratch {
    alignas(64) T u[pass_outputs][lanes];
    alignas(64) whole_of<T> f[pass_outputs][lanes];
    alignas(64) whole_of<T> l[pass_outputs][lanes];
};

// One pass: outputs [pos, pos + A) of one group against the chunk's slots [0, slots).
template <class T, loop_kind Kind, unsigned Skipped, std::size_t Capacity, int A>
HEADROOM_PASS void pass(const across_block_job<T>& job, pass_scratch<T>& s, index pos, const T* const* slot,
                        const whole_of<T>* slot_index, index slots) noexcept {
    limits::stage_terms<T> t[A];
    [[maybe_unused]] limits::rating_table_view<T> table[A];
    T r_clip[A], z_out[A];
    for (int q = 0; q < A; ++q) {
        t[q] = job.outs.programme[pos + q];
        r_clip[q] = t[q].r_clip;
        z_out[q] = t[q].z_out;
        if constexpr (Kind == loop_kind::rated) table[q] = job.outs.table[pos + q];
    }
    const T peak_scale = job.peak_scale;
    for (int q = 0; q < A; ++q)
        for (index i = 0; i < lanes; ++i) {
            s.u[q][i] = std::numeric_limits<T>::infinity();
            s.f[q][i] = 0;
            s.l[q][i] = 0;
        }
    for (index k = 0; k < slots; ++k) {
        const T* HEADROOM_RESTRICT re = slot[f_re] + k * lanes;
        const T* HEADROOM_RESTRICT im = slot[f_im] + k * lanes;
        const T* HEADROOM_RESTRICT mag = slot[f_mag] + k * lanes;
        const T* HEADROOM_RESTRICT sqrt_mag = slot[f_sqrt] + k * lanes;
        [[maybe_unused]] const T* HEADROOM_RESTRICT ln_mag = slot[f_ln] + k * lanes;
        const T* HEADROOM_RESTRICT w = slot[f_w] + k * lanes;
        [[maybe_unused]] const T* HEADROOM_RESTRICT gd = slot[f_gd] + k * lanes;
        const whole_of<T>* HEADROOM_RESTRICT fi = slot_index + k * lanes;
        HEADROOM_UNROLL
        for (int q = 0; q < A; ++q) {
            T* HEADROOM_RESTRICT bu = s.u[q];
            whole_of<T>* HEADROOM_RESTRICT bf = s.f[q];
            whole_of<T>* HEADROOM_RESTRICT bl = s.l[q];
            for (index i = 0; i < lanes; ++i) {
                const T z = mag[i], x = re[i] + r_clip[q], y = im[i];
                const T clip = z / std::sqrt(x * x + y * y);
                T signal = clip;
                if constexpr (Kind != loop_kind::one_divider) {
                    const T x2 = re[i] + z_out[q];
                    signal = z / std::sqrt(x2 * x2 + y * y);
                }
                std::array<T, limit_count> v;
                if constexpr (Kind == loop_kind::rated)
                    v = limits::load_voltages(t[q], z, sqrt_mag[i], clip, signal,
                                              limits::rating_voltages_at<Capacity>(table[q], ln_mag[i]).scaled(peak_scale));
                else
                    v = limits::load_voltages<Skipped>(t[q], z, sqrt_mag[i], clip, signal);
                // The EQ: the source reaches f at full scale through the preamp and the boost (response.hpp).
                if constexpr ((Skipped & gain_bit) == 0) v[static_cast<std::size_t>(limit::gain)] *= gd[i];
                const auto smallest = limits::smallest_of(v, limit_tags<T>);
                const T u = smallest.voltage * w[i];
                const bool better = u < bu[i];
                bu[i] = better ? u : bu[i];
                bf[i] = better ? fi[i] : bf[i];
                bl[i] = better ? smallest.tag : bl[i];
            }
        }
    }
    // The pairs' worst cases into the chunk's accumulators (and rows).
    const across_accumulators<T>& acc = job.acc;
    const index n = job.count, h0 = job.first, stride = acc.stride;
    for (int q = 0; q < A; ++q) {
        const T* HEADROOM_RESTRICT bu = s.u[q];
        const whole_of<T>* HEADROOM_RESTRICT bl = s.l[q];
        double hd[lanes];
        for (index i = 0; i < lanes; ++i)
            hd[i] = headroom_db(static_cast<double>(job.s_v[i < n ? i : n - 1]), static_cast<double>(bu[i]), job.target_db);
        double* HEADROOM_RESTRICT lo = acc.min_db + h0;
        double* HEADROOM_RESTRICT hi = acc.max_db + h0;
        double* HEADROOM_RESTRICT sum = acc.sum_db + h0;
        std::int32_t* HEADROOM_RESTRICT above = acc.above + h0;
        for (index i = 0; i < n; ++i) {
            lo[i] = hd[i] < lo[i] ? hd[i] : lo[i];
            hi[i] = hd[i] > hi[i] ? hd[i] : hi[i];
            sum[i] += hd[i];
            above[i] += hd[i] >= job.min_headroom_db ? 1 : 0;
        }
        for (std::size_t l = 0; l < limit_count; ++l) {
            std::int32_t* HEADROOM_RESTRICT count = acc.counts + static_cast<index>(l) * stride + h0;
            for (index i = 0; i < n; ++i) count[i] += bl[i] == static_cast<whole_of<T>>(l) ? 1 : 0;
        }
        if (job.with_rows) {
            const index row = (pos + q - job.out_first) * lanes;
            for (index i = 0; i < lanes; ++i) {
                job.rows.headroom_db[row + i] = static_cast<T>(hd[i]);
                job.rows.frequency[row + i] = static_cast<std::int32_t>(s.f[q][i]);
                job.rows.binding[row + i] = static_cast<limit>(bl[i]);
            }
        }
        if (acc.top_k > 0)
            for (index i = 0; i < n; ++i)
                if (bu[i] >= acc.kth[h0 + i])
                    offer(acc, h0 + i, bu[i], static_cast<std::int64_t>(job.outs.original[pos + q]), static_cast<std::int32_t>(s.f[q][i]),
                          static_cast<limit>(bl[i]));
    }
    *job.evaluated += static_cast<std::int64_t>(slots) * A * n;
}

// Outputs [from, to) of one kind in passes of pass_outputs (then single outputs).
template <class T, loop_kind Kind, unsigned Skipped, std::size_t Capacity>
HEADROOM_INLINE void run(const across_block_job<T>& job, pass_scratch<T>& s, index from, index to, const T* const* slot,
                         const whole_of<T>* slot_index, index slots) noexcept {
    index pos = from;
    if constexpr (Kind != loop_kind::rated || Capacity > 0) {
        for (; pos + pass_outputs <= to; pos += pass_outputs)
            pass<T, Kind, Skipped, Capacity, pass_outputs>(job, s, pos, slot, slot_index, slots);
    }
    for (; pos < to; ++pos) pass<T, Kind, Skipped, Capacity, 1>(job, s, pos, slot, slot_index, slots);
}

template <class T, int... G>
HEADROOM_INLINE void run_groups(const across_block_job<T>& job, pass_scratch<T>& s, index c, index from, index to,
                                const T* const* slot, const whole_of<T>* slot_index, index slots,
                                std::integer_sequence<int, G...>) noexcept {
    const auto& ends = job.cell_group_end[c];
    const auto clamp = [&](index x) { return x < from ? from : (x > to ? to : x); };
    const auto end = [&](int g) { return clamp(ends[static_cast<std::size_t>(g)]); };
    const auto start = [&](int g) { return g == 0 ? from : end(g - 1); };
    (run<T, kind_of_group(G), skipped_of_group(G), capacity_of_group(G)>(job, s, start(G), end(G), slot, slot_index, slots), ...);
}

template <class T>
HEADROOM_FLATTEN void sweep_block(const across_block_job<T>& job) noexcept {
    pass_scratch<T> s;
    const index from = job.out_first, to = job.out_first + job.out_count;
    for (index c = 0; c < job.cell_count; ++c) {
        const index lo = std::max(from, job.cell_first[c]), hi = std::min(to, job.cell_first[c + 1]);
        if (lo >= hi) continue;
        const bool every = !job.prune || job.cells[c].dense;
        const index first = job.ws.cell_slot_first[c];
        const T* slot[7];
        for (int field = 0; field < 7; ++field) slot[field] = every ? job.ws.grid[field] : job.ws.slot[field] + first * lanes;
        const whole_of<T>* index_of = every ? job.ws.grid_index : job.ws.slot_index + first * lanes;
        const index slots = every ? job.frequencies : job.ws.cell_slot_first[c + 1] - first;
        run_groups<T>(job, s, c, lo, hi, slot, index_of, slots, std::make_integer_sequence<int, group_count>{});
    }
}

}  // namespace

extern const across_target_kernels across_kernels;
const across_target_kernels across_kernels{
    {&prepare<float>, &gather<float>, &sweep_block<float>},
    {&prepare<double>, &gather<double>, &sweep_block<double>},
};

}  // namespace headroom::batch::detail::HEADROOM_BATCH_TARGET
