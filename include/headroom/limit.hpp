#pragma once

// The limits of an amplifier output and the load voltage each one allows (docs/physics.md sections 3-5). This is
// the one definition every layer calls: the typed model (analysis.hpp, response.hpp), the grid kernels and every
// compiled batch path. It speaks plain numbers in SI base units so that the batch engine can call it in its inner
// loop; the typed model turns its quantities into these numbers in one place (output_stage::terms()).
//
// Dependency-free on purpose: a program that only wants the names of the limits (a JSON reader, a web page's
// bindings) includes this and nothing else.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace headroom {

// Which limit sets the maximum level. Ties go to the first in this order.
enum class limit : std::uint8_t {
    voltage = 0,  // the rails: V_oc behind the source resistance, or above a rating table's loads (peak-type)
    current = 1,  // I_max, or below a rating table's loads (peak-type)
    power = 2,    // a sine power rating at clipping, as spec sheets and lab reports state it (peak-type)
    thermal = 3,  // a continuous (thermal) power limit, only where a source states one (average-type)
    gain = 4,     // the source at digital full scale times the gain (peak-type)
};
inline constexpr std::size_t limit_count = 5;

inline constexpr std::array<std::string_view, limit_count> limit_names{"voltage", "current", "power", "thermal", "gain"};

[[nodiscard]] constexpr std::string_view to_string(limit l) noexcept { return limit_names[static_cast<std::size_t>(l)]; }

[[nodiscard]] constexpr std::optional<limit> limit_named(std::string_view name) noexcept {
    for (std::size_t k = 0; k < limit_count; ++k)
        if (limit_names[k] == name) return static_cast<limit>(k);
    return std::nullopt;
}

// Peak-type limits act on a programme's peaks; the thermal limit on its average power (docs/physics.md section 5).
// A power rating is peak-type: "2.3 W into 32 ohm" is where a sine clips, so it caps the peaks of music.
[[nodiscard]] constexpr bool is_peak_type(limit l) noexcept { return l != limit::thermal; }

namespace limits {

template <class T>
inline constexpr T unbounded = std::numeric_limits<T>::infinity();

// One output stage's limits as plain numbers (SI base units), each +inf when absent, in the form the loops use:
// square roots of the power limits are taken once per stage, not once per load.
template <class T>
struct stage_terms {
    T v_clip = unbounded<T>;          // V: open-circuit RMS sine voltage at clipping (V_oc)
    T r_clip = T(0);                  // ohm: the large-signal source resistance behind V_oc (R_s; Z_out without sag)
    T i_max = unbounded<T>;           // A: RMS sine current limit
    T sqrt_p_clip = unbounded<T>;     // sqrt(W): a load-independent sine power rating
    T sqrt_p_thermal = unbounded<T>;  // sqrt(W): continuous (thermal) power
    T v_gain = unbounded<T>;          // V: open-circuit voltage at digital full scale (V_src 10^(G/20))
    T z_out = T(0);                   // ohm: small-signal output impedance, which divides the signal

    // The same stage for a programme of peak_scale = 10^((3.01 dB - CF) / 20): peak-type limits pass that much
    // less RMS voltage than a sine, the thermal limit passes the same average power.
    [[nodiscard]] constexpr stage_terms for_programme(T peak_scale) const noexcept {
        stage_terms s = *this;
        s.v_clip *= peak_scale;
        s.i_max *= peak_scale;
        s.sqrt_p_clip *= peak_scale;
        s.v_gain *= peak_scale;
        return s;
    }
};

namespace detail {

// 1 / n! for n = 0 .. degree, each the nearest T (n! is exact in double for n <= 18).
template <class T, int Degree>
inline constexpr std::array<T, Degree + 1> exp_taylor = [] {
    std::array<T, Degree + 1> c{};
    double factorial = 1.0;
    for (int n = 0; n <= Degree; ++n) {
        if (n > 0) factorial *= n;
        c[static_cast<std::size_t>(n)] = static_cast<T>(1.0 / factorial);
    }
    return c;
}();

// e^x, written out so that it is constexpr and the same arithmetic wherever it runs: a vectorised libm exp
// differs between instruction sets, and the batch engine's paths must agree to the last bit. Within about 1 ulp
// for |x| up to 87 (float) or 708 (double); beyond, 0 or +inf. Cody-Waite reduction x = k ln 2 + r with
// |r| <= ln 2 / 2, then the Taylor series of e^r (degree 7 for float, 13 for double, under half an ulp of
// truncation), then scaling by 2^k through the exponent bits.
template <class T>
[[nodiscard]] constexpr T exp(T x) noexcept {
    static_assert(std::numeric_limits<T>::is_iec559 && (sizeof(T) == 4 || sizeof(T) == 8));
    constexpr bool is_double = sizeof(T) == 8;
    using bits = std::conditional_t<is_double, std::uint64_t, std::uint32_t>;
    using whole = std::conditional_t<is_double, std::int64_t, std::int32_t>;
    constexpr int mantissa_bits = std::numeric_limits<T>::digits - 1;
    constexpr whole bias = std::numeric_limits<T>::max_exponent - 1;
    // Arguments whose 2^k stays a normal number; outside them the result is 0 or +inf.
    constexpr T lowest = is_double ? T(-708.0) : T(-87.0);
    constexpr T highest = is_double ? T(709.0) : T(88.0);
    constexpr T log2e = T(1.4426950408889634074);
    // ln 2 in two parts: k * ln2_hi is exact for the k that occur here.
    constexpr T ln2_hi = is_double ? T(6.93147180369123816490e-01) : T(0.693359375);
    constexpr T ln2_lo = is_double ? T(1.90821492927058770002e-10) : T(-2.12194440e-4);
    constexpr int degree = is_double ? 13 : 7;

    const bool nan = x != x;
    T c = x < lowest ? lowest : x;
    c = c > highest ? highest : c;
    c = nan ? T(0) : c;
    const T kf = c * log2e;
    const whole k = static_cast<whole>(kf < T(0) ? kf - T(0.5) : kf + T(0.5));  // nearest, ties away from 0
    const T kt = static_cast<T>(k);
    const T r = (c - kt * ln2_hi) - kt * ln2_lo;
    T p = exp_taylor<T, degree>[degree];
    for (int n = degree - 1; n >= 0; --n) p = p * r + exp_taylor<T, degree>[static_cast<std::size_t>(n)];
    // __builtin_bit_cast is std::bit_cast, which the web build's standard library (emscripten 3.1's libc++) lacks.
    const T scale = __builtin_bit_cast(T, static_cast<bits>(static_cast<bits>(k + bias) << mantissa_bits));
    const T y = p * scale;
    const T inf = std::numeric_limits<T>::infinity();
    const T out = x > highest ? inf : (x < lowest ? T(0) : y);
    return nan ? x : out;
}

}  // namespace detail

// A table of stated sine ratings at loads (a spec sheet's "1.8 W @ 16 ohm, 1.2 W @ 32 ohm, 130 mW @ 600 ohm"),
// as the RMS load voltage sqrt(P R) at each load, both as natural logarithms, loads ascending. Between the stated
// loads the rating is interpolated linearly on the log-log graph (every limit curve of the model is concave
// there, so the straight line errs low); outside them the table claims no more than it shows: below the lowest
// load no more current than there (a current limit), above the highest no more voltage (a voltage limit).
// The values live with the caller (output_stage, or the batch engine's columns).
template <class T>
struct rating_table_view {
    const T* ln_r = nullptr;  // ln(ohm), strictly ascending
    const T* ln_v = nullptr;  // ln(V)
    std::size_t size = 0;     // 0: no table
};

// A rating table's voltage at one load, in the slot of the limit it stands for there; +inf elsewhere.
template <class T>
struct rating_voltages {
    T below = unbounded<T>;   // current slot: under the lowest stated load
    T within = unbounded<T>;  // power slot: at or between stated loads
    T above = unbounded<T>;   // voltage slot: over the highest stated load

    // For a programme: all three are peak-type (see stage_terms::for_programme).
    [[nodiscard]] constexpr rating_voltages scaled(T peak_scale) const noexcept {
        return {below * peak_scale, within * peak_scale, above * peak_scale};
    }
};

// Written without early exits or searches whose length depends on the load, so that a loop over many loads
// vectorises: the segment is found by walking the inner stated loads with selects, and one exponential serves
// whichever slot applies. A stated load gives exactly its stated rating.
//
// Capacity 0 takes a table of any size. Capacity N > 0 takes a table of 1 to N points whose arrays hold N entries,
// those past t.size a load of +inf, so that the walk has a fixed length and a loop over many loads against
// one table vectorises; it gives the same numbers (the walk may step onto the last point only for a load above
// it, where the segment is not used).
template <std::size_t Capacity = 0, class T>
[[nodiscard]] constexpr rating_voltages<T> rating_voltages_at(const rating_table_view<T>& t, T ln_z) noexcept {
    rating_voltages<T> v;
    if constexpr (Capacity == 0) {
        if (t.size == 0) return v;
    }
    const std::size_t last = t.size - 1;
    // The segment holding ln_z: its left end is the last inner stated load below ln_z, else the first (one point:
    // both ends are that point).
    T lo_r = t.ln_r[0], lo_v = t.ln_v[0];
    T hi_r = t.ln_r[last == 0 ? 0 : 1], hi_v = t.ln_v[last == 0 ? 0 : 1];
    const std::size_t steps = Capacity == 0 ? last : Capacity - 1;
    for (std::size_t p = 1; p < steps; ++p) {
        const T r = t.ln_r[p], v_here = t.ln_v[p], r_next = t.ln_r[p + 1], v_next = t.ln_v[p + 1];
        const bool past = ln_z > r;
        lo_r = past ? r : lo_r;
        lo_v = past ? v_here : lo_v;
        hi_r = past ? r_next : hi_r;
        hi_v = past ? v_next : hi_v;
    }
    const T width = last == 0 ? T(1) : hi_r - lo_r;
    const T w = (ln_z - lo_r) / width;
    const T within = ln_z == hi_r ? hi_v : lo_v + w * (hi_v - lo_v);
    const T first_r = t.ln_r[0], first_v = t.ln_v[0], last_r = t.ln_r[last], last_v = t.ln_v[last];
    const bool below = ln_z < first_r;
    const bool above = ln_z > last_r;
    // Below: the lowest load's current, I R; above: the highest load's voltage.
    const T x = below ? first_v + (ln_z - first_r) : (above ? last_v : within);
    const T e = detail::exp(x);
    v.below = below ? e : unbounded<T>;
    v.above = above ? e : unbounded<T>;
    v.within = below || above ? unbounded<T> : e;
    return v;
}

// The RMS load voltage each limit allows, indexed by `limit`, for a load of magnitude |Z| = z (ohm) with
// sqrt_z = sqrt(z), the clipping divider |Z| / |Z + R_s| and the signal divider |Z| / |Z + Z_out|. The power limits
// cap |V|^2 / |Z|: for a reactive load the amplifier's dissipation only grows with the phase angle (docs/physics.md
// section 7), so a limit is never looser than into a resistance of the same |Z|. This form is for a stage without
// a rating table; the next adds a table's voltages.
//
// Absent (bit k: limit k) is a caller's promise that those limits are absent (+inf) for the stage: their entries
// are then +inf without arithmetic, which is what the arithmetic gives (+inf times a positive number), so that a
// loop over many stages that lack the same limits can skip them. 0 promises nothing.
template <unsigned Absent = 0, class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T z, T sqrt_z, T clip_divider,
                                                                 T signal_divider) noexcept {
    constexpr auto absent = [](limit l) { return ((Absent >> static_cast<unsigned>(l)) & 1U) != 0; };
    return {
        absent(limit::voltage) ? unbounded<T> : s.v_clip * clip_divider,
        absent(limit::current) ? unbounded<T> : s.i_max * z,
        absent(limit::power) ? unbounded<T> : s.sqrt_p_clip * sqrt_z,
        absent(limit::thermal) ? unbounded<T> : s.sqrt_p_thermal * sqrt_z,
        absent(limit::gain) ? unbounded<T> : s.v_gain * signal_divider,
    };
}

// With a rating table: each of its voltages caps the limit whose slot it stands in (rating_voltages). An absent
// table (all +inf) gives the same numbers as the form above.
template <class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T z, T sqrt_z, T clip_divider,
                                                                 T signal_divider, const rating_voltages<T>& rated) noexcept {
    std::array<T, limit_count> v = load_voltages(s, z, sqrt_z, clip_divider, signal_divider);
    constexpr auto voltage = static_cast<std::size_t>(limit::voltage);
    constexpr auto current = static_cast<std::size_t>(limit::current);
    constexpr auto power = static_cast<std::size_t>(limit::power);
    v[voltage] = rated.above < v[voltage] ? rated.above : v[voltage];
    v[current] = rated.below < v[current] ? rated.below : v[current];
    v[power] = rated.within < v[power] ? rated.within : v[power];
    return v;
}

// The same for a resistance R: the dividers are R / (R + R_s) and R / (R + Z_out). Most stages have no supply sag
// of their own (R_s == Z_out), and then one division serves both, with the same result to the last bit.
template <unsigned Absent = 0, class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T r, T sqrt_r) noexcept {
    const T signal = r / (r + s.z_out);
    const T clip = s.r_clip == s.z_out ? signal : r / (r + s.r_clip);
    return load_voltages<Absent>(s, r, sqrt_r, clip, signal);
}
template <class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages(const stage_terms<T>& s, T r, T sqrt_r,
                                                                 const rating_voltages<T>& rated) noexcept {
    const T signal = r / (r + s.z_out);
    const T clip = s.r_clip == s.z_out ? signal : r / (r + s.r_clip);
    return load_voltages(s, r, sqrt_r, clip, signal, rated);
}

// The limits a stage does not state (bit k: limit k), in the form the Absent promise above takes.
template <class T>
[[nodiscard]] constexpr unsigned absent_limits(const stage_terms<T>& s) noexcept {
    const T v[limit_count] = {s.v_clip, s.i_max, s.sqrt_p_clip, s.sqrt_p_thermal, s.v_gain};
    unsigned mask = 0;
    for (std::size_t k = 0; k < limit_count; ++k)
        if (v[k] == unbounded<T>) mask |= 1U << k;
    return mask;
}

// For a stage known to have R_s == Z_out (the batch engine groups its stages by this): the one division without
// the test, for loops over many loads.
template <unsigned Absent = 0, class T>
[[nodiscard]] constexpr std::array<T, limit_count> load_voltages_one_divider(const stage_terms<T>& s, T r, T sqrt_r) noexcept {
    const T divider = r / (r + s.z_out);
    return load_voltages<Absent>(s, r, sqrt_r, divider, divider);
}

// The smallest entry and a tag for the limit it belongs to; ties keep the first. Written as a chain of selects
// so that loops over many pairs vectorise; the tags let a caller carry what it needs (the limit itself, or a
// counter increment) through the same choice.
template <class T, class Tag>
struct smallest {
    T voltage;
    Tag tag;
};

template <class T, class Tag>
[[nodiscard]] constexpr smallest<T, Tag> smallest_of(const std::array<T, limit_count>& v,
                                                     const std::array<Tag, limit_count>& tags) noexcept {
    T best = v[0];
    Tag tag = tags[0];
    for (std::size_t k = 1; k < limit_count; ++k) {
        const bool less = v[k] < best;
        best = less ? v[k] : best;
        tag = less ? tags[k] : tag;
    }
    return {best, tag};
}

// The smallest entry and the limit it belongs to; ties keep the first.
template <class T>
struct binding {
    T voltage;
    limit which;
};

inline constexpr std::array<limit, limit_count> every_limit{limit::voltage, limit::current, limit::power, limit::thermal,
                                                            limit::gain};

template <class T>
[[nodiscard]] constexpr binding<T> binding_of(const std::array<T, limit_count>& v) noexcept {
    const auto [voltage, which] = smallest_of(v, every_limit);
    return {voltage, which};
}

}  // namespace limits
}  // namespace headroom
