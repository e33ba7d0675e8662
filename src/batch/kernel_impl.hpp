// The batch engine's loops, written once in plain C++ and compiled once per instruction set: each target's
// translation unit (targets/*.cpp) defines HEADROOM_BATCH_TARGET and includes this file, with its own compiler
// flags (CMakeLists.txt). Not a header to include anywhere else.
//
// The per-pair work is limit.hpp's: load_voltages() and the choice of the smallest (smallest_of / binding_of),
// inlined into loops over a chunk of headphones that the compilers vectorise. Every path performs the same IEEE
// operations in the same order for every pair (no fused multiply-adds: -ffp-contract=off; no estimates; the
// logarithms and exponentials are math.hpp's and limit.hpp's own), so all paths give the same bits, and a lane
// of a vector gives what the scalar code gives.
//
// A sweep never decides on dB per pair. For one headphone, headroom (S_V + 20 lg v) - T grows with the limiting
// load voltage v, so the minimum, the maximum, the best outputs and the threshold need no logarithm: the
// threshold is one voltage per headphone. The mean needs the sum of ln v; it costs about one multiply per pair:
// the voltages of a pass of eight outputs are multiplied together (a balanced tree) into a running product, whose
// binary exponent is then moved aside into an integer (exact), and one logarithm per block of 128 outputs and
// headphone turns the remaining mantissa into the sum. The binding limit of each pair is counted with one integer
// add: the choice of the smallest limit carries a counter increment (one 8-bit field per limit) instead of the
// limit's number.

#ifndef HEADROOM_BATCH_TARGET
#error "kernel_impl.hpp is included by a target's translation unit, which defines HEADROOM_BATCH_TARGET"
#endif

#include "batch/kernel_api.hpp"
#include "batch/math.hpp"
#include "batch/target_macros.hpp"
#include "headroom/limit.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>


namespace headroom::batch::detail::HEADROOM_BATCH_TARGET {
namespace {

// Outputs per pass over a chunk: the per-headphone values are loaded and stored once per pass.
constexpr int pass_outputs = 8;

template <class T>
using lane_int = whole_of<T>;  // integers as wide as T, so that a vector holds as many of them as of T
template <class T>
using lane_bits = bits_of<T>;

// A block's binding counts in one integer per headphone, 8 bits per limit (a block has at most 128 outputs);
// the voltage limit's count is the rest.
template <class T>
inline constexpr std::array<lane_bits<T>, limit_count> count_tags{0, 1, lane_bits<T>{1} << 8, lane_bits<T>{1} << 16,
                                                                  lane_bits<T>{1} << 24};

// The running product of a pass starts from a mantissa in [1, 2) and takes pass_outputs voltages: it stays a
// normal number when every voltage lies within 2^-safe_log2 .. 2^safe_log2 V (float: 1e-9 .. 1e9 V). A block
// whose voltages for a headphone leave that range (never for real gear) takes the exact path for that headphone.
template <class T>
inline constexpr int safe_log2 = sizeof(T) == 8 ? 120 : 15;

template <class T>
[[nodiscard]] constexpr T power_of_two(int e) noexcept {
    return std::bit_cast<T>(static_cast<bits_of<T>>(static_cast<bits_of<T>>(e + exponent_bias<T>) << mantissa_bits<T>));
}
template <class T>
inline constexpr T safe_low = power_of_two<T>(-safe_log2<T>);
template <class T>
inline constexpr T safe_high = power_of_two<T>(safe_log2<T>);

// A block's per-headphone scratch, on the stack of the calling thread.
template <class T>
struct scratch {
    static constexpr index lanes = chunk_lanes<T>;
    alignas(64) T lo[lanes];
    alignas(64) T hi[lanes];
    alignas(64) T prod[lanes];
    alignas(64) lane_int<T> exponent[lanes];
    alignas(64) lane_bits<T> counts[lanes];
    alignas(64) lane_int<T> above[lanes];
    alignas(64) T v[pass_outputs][lanes];  // the pass's limiting voltages, for the best-outputs lists
    alignas(64) lane_bits<T> hit[lanes];  // which of the pass's outputs may enter the lists (bit q: output q)
    alignas(64) lane_int<T> fix[lanes];       // the block's ln(mantissa) in fixed point (math.hpp)
    alignas(64) lane_int<T> exact[lanes];     // headphones whose block takes the exact path of the mean
};

// x[0] op x[1] op ... op x[N - 1], as a balanced tree: ((x0 x1)(x2 x3))((x4 x5)(x6 x7)) for eight.
template <int N, int First = 0, class X, class Op>
HEADROOM_INLINE X tree(const X* x, Op op) noexcept {
    if constexpr (N == 1) {
        return x[First];
    } else {
        constexpr int half = N / 2;
        return op(tree<half, First>(x, op), tree<N - half, First + half>(x, op));
    }
}

// Moves the binary exponent of a positive normal p into e (biased), leaving p's mantissa in [1, 2).
template <class T>
HEADROOM_INLINE void fold(T& p, lane_int<T>& e) noexcept {
    const auto b = std::bit_cast<lane_bits<T>>(p);
    e += static_cast<lane_int<T>>(b >> mantissa_bits<T>);
    p = std::bit_cast<T>(static_cast<lane_bits<T>>((b & mantissa_mask<T>) | one_bits<T>));
}

// The programme's limiting voltage of one pair, outside the vector loops (the exact path of the mean).
template <class T>
HEADROOM_INLINE T pair_voltage(const block_job<T>& job, index pos, index i) noexcept {
    return limits::smallest_of(programme_limits_at(job.outs, pos, job.hp, i, job.peak_scale), count_tags<T>).voltage;
}

// One pass: outputs [pos, pos + A) of one group against the chunk's headphones.
template <class T, loop_kind Kind, unsigned Skipped, std::size_t Capacity, int A, bool Mean, bool TopK, bool Rows>
HEADROOM_PASS void pass(const block_job<T>& job, scratch<T>& s, index pos) noexcept {
    constexpr index lanes = chunk_lanes<T>;
    limits::stage_terms<T> t[A];
    [[maybe_unused]] limits::stage_terms<T> sine[A];
    [[maybe_unused]] limits::rating_table_view<T> table[A];
    for (int q = 0; q < A; ++q) {
        t[q] = job.outs.programme[pos + q];
        if constexpr (Rows) sine[q] = job.outs.sine[pos + q];
        if constexpr (Kind == loop_kind::rated) table[q] = job.outs.table[pos + q];
    }
    const T peak_scale = job.peak_scale;
    const index n = job.count;
    const T* HEADROOM_RESTRICT r = job.hp.r + job.first;
    const T* HEADROOM_RESTRICT sqrt_r = job.hp.sqrt_r + job.first;
    // (Only stages with a rating table read ln R, which is then there; a pointer chosen at run time here would keep
    // GCC from vectorising the loop.)
    const T* HEADROOM_RESTRICT ln_r = (Kind == loop_kind::rated ? job.hp.ln_r : job.hp.r) + job.first;
    const T* HEADROOM_RESTRICT threshold = job.hp.threshold + job.first;
    const T* HEADROOM_RESTRICT kth = job.acc.kth + job.first;
    T* HEADROOM_RESTRICT lo = s.lo;
    T* HEADROOM_RESTRICT hi = s.hi;
    T* HEADROOM_RESTRICT prod = s.prod;
    lane_int<T>* HEADROOM_RESTRICT exponent = s.exponent;
    lane_bits<T>* HEADROOM_RESTRICT counts = s.counts;
    lane_int<T>* HEADROOM_RESTRICT above = s.above;
    lane_bits<T>* HEADROOM_RESTRICT hit = s.hit;
    T* HEADROOM_RESTRICT vbuf = &s.v[0][0];
    [[maybe_unused]] const double target_db = job.options.target_db;
    [[maybe_unused]] const T* HEADROOM_RESTRICT s_v = job.hp.s_v + job.first;
    [[maybe_unused]] const index row = (pos - job.out_first) * lanes;

    for (index i = 0; i < n; ++i) {
        const T ri = r[i];
        const T si = sqrt_r[i];
        T li = T(0);
        if constexpr (Kind == loop_kind::rated) li = ln_r[i];
        const T th = threshold[i];
        [[maybe_unused]] T bar{};
        [[maybe_unused]] lane_bits<T> h = 0;
        if constexpr (TopK) bar = kth[i];
        T v[A];
        lane_bits<T> tag[A];
        lane_int<T> reached[A];
        // Unrolled whatever its size, so that the loop over headphones has no inner loop left to stop it vectorising.
        HEADROOM_UNROLL
        for (int q = 0; q < A; ++q) {
            const auto limits_q = programme_limits<T, Kind, Skipped, Capacity>(t[q], table[q], peak_scale, ri, si, li);
            const auto smallest = limits::smallest_of(limits_q, count_tags<T>);
            v[q] = smallest.voltage;
            tag[q] = smallest.tag;
            reached[q] = v[q] >= th ? lane_int<T>{1} : lane_int<T>{0};
            if constexpr (TopK) {
                vbuf[q * lanes + i] = v[q];
                h |= (v[q] >= bar ? lane_bits<T>{1} : lane_bits<T>{0}) << q;
            }
            if constexpr (Rows) {
                const auto which = limits::binding_of(limits_q).which;
                const auto sine_q = limits::binding_of(sine_limits<T, Kind, Capacity>(sine[q], table[q], ri, si, li));
                const index at = row + q * lanes + i;
                job.rows.headroom_db[at] = static_cast<T>(headroom_db(static_cast<double>(s_v[i]), static_cast<double>(v[q]), target_db));
                job.rows.binding[at] = which;
                job.rows.max_spl_db[at] = static_cast<T>(headroom_db(static_cast<double>(s_v[i]), static_cast<double>(sine_q.voltage), 0.0));
                job.rows.max_binding[at] = sine_q.which;
            }
        }
        // The pass's outputs combined as a balanced tree, which keeps the chains of dependent operations short.
        // Minimum, maximum and counts are exact in any order; the product's order is fixed here, for every path.
        const T low = tree<A>(v, [](T x, T y) { return x < y ? x : y; });
        const T high = tree<A>(v, [](T x, T y) { return x > y ? x : y; });
        const T lo_i = lo[i], hi_i = hi[i];
        lo[i] = low < lo_i ? low : lo_i;
        hi[i] = high > hi_i ? high : hi_i;
        counts[i] += tree<A>(tag, [](lane_bits<T> x, lane_bits<T> y) { return x + y; });
        above[i] += tree<A>(reached, [](lane_int<T> x, lane_int<T> y) { return x + y; });
        if constexpr (Mean) {
            T p = prod[i] * tree<A>(v, [](T x, T y) { return x * y; });
            lane_int<T> e = exponent[i];
            fold(p, e);
            exponent[i] = e;
            prod[i] = p;
        }
        if constexpr (TopK) hit[i] = h;
    }
    if constexpr (TopK) {
        // Candidates are rare once each list is full.
        for (index l = 0; l < n; ++l) {
            for (lane_bits<T> b = hit[l]; b != 0; b &= b - 1) {
                const int q = std::countr_zero(b);
                offer(job.acc, job.first + l, s.v[q][l], static_cast<std::int64_t>(job.outs.original[pos + q]));
            }
        }
    }
}

// Outputs [from, to) of one kind (skipping the limits the group lacks), in passes of pass_outputs. Returns the
// number of passes.
template <class T, loop_kind Kind, unsigned Skipped, std::size_t Capacity, bool Mean, bool TopK, bool Rows>
HEADROOM_INLINE index run(const block_job<T>& job, scratch<T>& s, index from, index to) noexcept {
    index passes = 0;
    index pos = from;
    // Tables of any size take one output per pass (their walk has a length of its own).
    if constexpr (Kind != loop_kind::rated || Capacity > 0) {
        for (; pos + pass_outputs <= to; pos += pass_outputs, ++passes)
            pass<T, Kind, Skipped, Capacity, pass_outputs, Mean, TopK, Rows>(job, s, pos);
    }
    for (; pos < to; ++pos, ++passes) pass<T, Kind, Skipped, Capacity, 1, Mean, TopK, Rows>(job, s, pos);
    return passes;
}

template <class T, bool Mean, bool TopK, bool Rows, int... G>
HEADROOM_INLINE index run_groups(const block_job<T>& job, scratch<T>& s, std::integer_sequence<int, G...>) noexcept {
    const index from = job.out_first, to = job.out_first + job.out_count;
    const auto clamp = [&](index x) { return x < from ? from : (x > to ? to : x); };
    const auto end = [&](int g) { return clamp(job.outs.group_end[static_cast<std::size_t>(g)]); };
    const auto start = [&](int g) { return g == 0 ? from : end(g - 1); };
    // Rows: the same groups and passes (so the same products for the mean), without skipping limits.
    return (run<T, kind_of_group(G), Rows ? 0U : skipped_of_group(G), capacity_of_group(G), Mean, TopK, Rows>(job, s, start(G), end(G)) +
            ...);
}

// The exact path of the mean for headphone i of a block: every voltage split into mantissa and exponent first,
// so that no product can leave the normal range whatever the voltages.
template <class T>
void exact_block_log(const block_job<T>& job, index i, std::int64_t& log_exp, std::int64_t& log_fix) noexcept {
    T p = T(1);
    std::int64_t e = 0;
    for (index pos = job.out_first; pos < job.out_first + job.out_count; ++pos) {
        T v = pair_voltage(job, pos, job.first + i);
        v = v < std::numeric_limits<T>::min() ? std::numeric_limits<T>::min() : v;  // only absurd limits underflow
        v = v > std::numeric_limits<T>::max() ? std::numeric_limits<T>::max() : v;
        const auto b = std::bit_cast<lane_bits<T>>(v);
        e += static_cast<std::int64_t>(b >> mantissa_bits<T>) - exponent_bias<T>;
        p *= std::bit_cast<T>(static_cast<lane_bits<T>>((b & mantissa_mask<T>) | one_bits<T>));
        lane_int<T> pe = 0;
        fold(p, pe);
        e += static_cast<std::int64_t>(pe) - exponent_bias<T>;
    }
    log_exp += e;
    log_fix += to_fixed_point(ln(p));
}

template <class T, bool Mean, bool TopK, bool Rows>
HEADROOM_FLATTEN void sweep_block_with(const block_job<T>& job) noexcept {
    scratch<T> s;
    const index n = job.count;
    // Through restrict pointers: GCC 12 does not vectorise loops that index the arrays of a local aggregate.
    T* HEADROOM_RESTRICT lo = s.lo;
    T* HEADROOM_RESTRICT hi = s.hi;
    T* HEADROOM_RESTRICT prod = s.prod;
    lane_int<T>* HEADROOM_RESTRICT exponent = s.exponent;
    lane_bits<T>* HEADROOM_RESTRICT counts = s.counts;
    lane_int<T>* HEADROOM_RESTRICT above = s.above;
    lane_int<T>* HEADROOM_RESTRICT fix = s.fix;
    lane_int<T>* HEADROOM_RESTRICT exact = s.exact;
    for (index i = 0; i < n; ++i) {
        lo[i] = std::numeric_limits<T>::infinity();
        hi[i] = -std::numeric_limits<T>::infinity();
        prod[i] = T(1);
        exponent[i] = 0;
        counts[i] = 0;
        above[i] = 0;
    }

    const index passes = run_groups<T, Mean, TopK, Rows>(job, s, std::make_integer_sequence<int, group_count>{});

    // Fold the block into the accumulators, in loops simple enough to vectorise.
    const accumulators<T>& acc = job.acc;
    const index f = job.first, stride = acc.stride;
    const auto outputs = static_cast<std::int32_t>(job.out_count);
    T* HEADROOM_RESTRICT min_v = acc.min_v + f;
    T* HEADROOM_RESTRICT max_v = acc.max_v + f;
    for (index i = 0; i < n; ++i) {
        min_v[i] = lo[i] < min_v[i] ? lo[i] : min_v[i];
        max_v[i] = hi[i] > max_v[i] ? hi[i] : max_v[i];
    }
    // The packed counts: one loop per limit (the voltage limit's count is the rest).
    for (std::size_t l = 1; l < limit_count; ++l) {
        std::int32_t* HEADROOM_RESTRICT n_limit = acc.counts + static_cast<index>(l) * stride + f;
        const unsigned shift = 8U * static_cast<unsigned>(l - 1);
        for (index i = 0; i < n; ++i) n_limit[i] += static_cast<std::int32_t>((counts[i] >> shift) & 255U);
    }
    {
        std::int32_t* HEADROOM_RESTRICT n_voltage = acc.counts + f;
        for (index i = 0; i < n; ++i) {
            const lane_bits<T> c = counts[i];
            const lane_bits<T> others = (c & 255U) + ((c >> 8) & 255U) + ((c >> 16) & 255U) + ((c >> 24) & 255U);
            n_voltage[i] += outputs - static_cast<std::int32_t>(others);
        }
        std::int32_t* HEADROOM_RESTRICT n_above = acc.above + f;
        for (index i = 0; i < n; ++i) n_above[i] += static_cast<std::int32_t>(above[i]);
    }
    if constexpr (Mean) {
        std::int64_t* HEADROOM_RESTRICT log_exp = acc.log_exp + f;
        std::int64_t* HEADROOM_RESTRICT log_fix = acc.log_fix + f;
        const lane_int<T> bias = exponent_bias<T> * static_cast<lane_int<T>>(passes);
        constexpr T low_ok = safe_low<T>;
        constexpr T high_ok = safe_high<T>;
        // A headphone whose voltages left the safe range takes the exact path (its product is not used).
        for (index i = 0; i < n; ++i) {
            const bool ok = (lo[i] >= low_ok) & (hi[i] <= high_ok);
            exact[i] = ok ? lane_int<T>{0} : lane_int<T>{1};
            prod[i] = ok ? prod[i] : T(1);
            exponent[i] = ok ? exponent[i] - bias : lane_int<T>{0};
        }
        // One logarithm per headphone and block, in T: the mantissa of the block's product.
        for (index i = 0; i < n; ++i) fix[i] = to_fixed_point(ln(prod[i]));
        lane_int<T> any_exact = 0;
        for (index i = 0; i < n; ++i) any_exact |= exact[i];
        for (index i = 0; i < n; ++i) log_exp[i] += static_cast<std::int64_t>(exponent[i]);
        for (index i = 0; i < n; ++i) log_fix[i] += static_cast<std::int64_t>(fix[i]);
        if (any_exact != 0)
            for (index i = 0; i < n; ++i)
                if (exact[i] != 0) exact_block_log(job, i, log_exp[i], log_fix[i]);
    }
}

// Leaving out the mean is a choice for statistics alone (sweep_settings::mean): with the best outputs or rows
// the engine keeps it (fewer copies of the loop to compile).
template <class T>
void sweep_block(const block_job<T>& job) noexcept {
    const bool top = job.acc.top_k > 0, rows = job.options.rows;
    if (rows) return top ? sweep_block_with<T, true, true, true>(job) : sweep_block_with<T, true, false, true>(job);
    if (top) return sweep_block_with<T, true, true, false>(job);
    return job.options.mean ? sweep_block_with<T, true, false, false>(job) : sweep_block_with<T, false, false, false>(job);
}

template <class T>
HEADROOM_FLATTEN void prepare(const prepare_job<T>& job) noexcept {
    const index f = job.first, n = job.count;
    const T* HEADROOM_RESTRICT r = job.hp.r + f;
    const T* HEADROOM_RESTRICT s_v = job.hp.s_v + f;
    T* HEADROOM_RESTRICT sqrt_r = job.hp.sqrt_r + f;
    T* HEADROOM_RESTRICT threshold = job.hp.threshold + f;
    for (index i = 0; i < n; ++i) sqrt_r[i] = std::sqrt(r[i]);
    // ln R as the scalar model takes it (std::log in double): the rating tables' stated loads were taken the same
    // way, so a headphone at a stated load meets it exactly. Once per headphone, and only with tables.
    if (job.ln_r)
        for (index i = 0; i < n; ++i) job.hp.ln_r[f + i] = static_cast<T>(std::log(static_cast<double>(r[i])));

    // The threshold voltage: the smallest v whose headroom, by the expression every reported figure uses, is at
    // least the threshold. The exponential gives it within an ulp, so one of v0 and its neighbours is it, as a
    // rule; a headphone where none is (not seen) walks on in the second loop.
    // In parts of 256 headphones, in loops of one type each (GCC 12 leaves loops that mix float and double
    // scalar), and in double wherever the headroom expression is evaluated.
    const double h = job.options.min_headroom_db, target = job.options.target_db;
    constexpr index part = 256;
    alignas(64) double sv_d[part], v_d[part], below_d[part], beyond_d[part], reach[part];
    alignas(64) T v_t[part], below_t[part], beyond_t[part];
    for (index first = 0; first < n; first += part) {
        const index count = std::min(part, n - first);
        const T* HEADROOM_RESTRICT sv_in = s_v + first;
        T* HEADROOM_RESTRICT out = threshold + first;
        double* HEADROOM_RESTRICT sv = sv_d;
        double* HEADROOM_RESTRICT vd = v_d;
        double* HEADROOM_RESTRICT bd = below_d;
        double* HEADROOM_RESTRICT ad = beyond_d;
        double* HEADROOM_RESTRICT rd = reach;
        T* HEADROOM_RESTRICT vt = v_t;
        T* HEADROOM_RESTRICT bt = below_t;
        T* HEADROOM_RESTRICT at = beyond_t;
        for (index i = 0; i < count; ++i) sv[i] = static_cast<double>(sv_in[i]);
        for (index i = 0; i < count; ++i) vd[i] = limits::detail::exp(((h + target) - sv[i]) / headroom::detail::db20_per_neper);
        for (index i = 0; i < count; ++i) vt[i] = static_cast<T>(vd[i]);
        for (index i = 0; i < count; ++i) {
            bt[i] = next_down(vt[i]);
            at[i] = next_up(vt[i]);
        }
        for (index i = 0; i < count; ++i) {
            vd[i] = static_cast<double>(vt[i]);
            bd[i] = static_cast<double>(bt[i]);
            ad[i] = static_cast<double>(at[i]);
        }
        // v0 when it reaches the threshold and its neighbour below does not; the neighbour above when it reaches and
        // v0 does not; else (not seen) a walk in the last loop. 0 and +inf need no neighbour: every pair, or none,
        // reaches the threshold.
        for (index i = 0; i < count; ++i) {
            const bool at_v0 = headroom_db(sv[i], vd[i], target) >= h;
            const bool at_other = headroom_db(sv[i], at_v0 ? bd[i] : ad[i], target) >= h;
            const bool edge = vd[i] == 0.0 || vd[i] == std::numeric_limits<double>::infinity();
            rd[i] = edge || at_v0 != at_other ? 0.0 : 1.0;
            vd[i] = edge || at_v0 ? vd[i] : ad[i];
        }
        for (index i = 0; i < count; ++i) out[i] = static_cast<T>(vd[i]);
        for (index i = 0; i < count; ++i) {
            if (rd[i] == 0.0) continue;
            const auto reaches = [&](T x) { return headroom_db(sv[i], static_cast<double>(x), target) >= h; };
            T v = out[i];
            for (int step = 0; step < 64 && v > T(0) && reaches(next_down(v)); ++step) v = next_down(v);
            for (int step = 0; step < 64 && v < std::numeric_limits<T>::infinity() && !reaches(v); ++step) v = next_up(v);
            out[i] = v;
        }
    }
}

template <class T>
HEADROOM_FLATTEN void finish(const finish_job<T>& job) noexcept {
    const index f = job.first, n = job.count;
    for (index i = f; i < f + n; ++i) {
        const double sv = static_cast<double>(job.s_v[i]);
        job.min_db[i] = headroom_db(sv, static_cast<double>(job.min_v[i]), job.target_db);
        job.max_db[i] = headroom_db(sv, static_cast<double>(job.max_v[i]), job.target_db);
    }
}

}  // namespace

extern const target_kernels kernels;
const target_kernels kernels{
    {&prepare<float>, &sweep_block<float>, &finish<float>},
    {&prepare<double>, &sweep_block<double>, &finish<double>},
};

}  // namespace headroom::batch::detail::HEADROOM_BATCH_TARGET
