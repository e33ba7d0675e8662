// The batch engine against the scalar model, and its paths against each other. Seeded random catalogs hold every
// kind of limit (V_oc, supply sag R_s, I_max, a load-independent power rating, rating tables of 1-8 points,
// thermal power, source + gain, Z_out 0, stated or not) and headphones at exactly the stated loads of the tables.
// Double agrees with the scalar model within 1e-9 dB and names the same binding limit; float within 1e-3 dB and
// the same limit except where two limits are within float rounding of each other. Every instruction-set path this
// processor runs gives the same bits; the others are named as skipped.

#include "headroom/analysis.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace hb = headroom::batch;
using namespace headroom;

namespace {

voltage volts(double v) { return in_si(v, volt); }

// The loads rating tables state, and that some headphones have exactly.
constexpr std::array<double, 7> stated_loads{8.0, 16.0, 32.0, 64.0, 150.0, 300.0, 600.0};

output_spec random_spec(std::mt19937_64& rng, std::size_t k) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u(rng)); };
    output_spec s;
    const double z_draw = u(rng);
    if (z_draw < 0.2)
        s.output_impedance = in_si(0.0, ohm);
    else if (z_draw < 0.9)
        s.output_impedance = in_si(20.0 * u(rng), ohm);  // else: not stated (0 ohm assumed)
    const double z = s.output_impedance ? value_in(*s.output_impedance, ohm) : 0.0;
    if (u(rng) < 0.6) {
        s.open_circuit_voltage = volts(log_uniform(0.3, 30.0));
        if (u(rng) < 0.25) s.source_resistance = in_si(z + log_uniform(0.5, 20.0), ohm);  // supply sag
    }
    if (u(rng) < 0.5) s.current_limit = in_si(log_uniform(0.01, 2.0), ampere);
    if (u(rng) < 0.3) s.clipping_power = in_si(log_uniform(0.01, 10.0), watt);
    if (u(rng) < 0.3) {
        // 1 to 8 stated ratings at distinct loads, as a spec sheet gives them (power falling with the load).
        const auto points = static_cast<std::size_t>(1 + u(rng) * 8.0);
        std::vector<double> loads;
        std::vector<double> pool{stated_loads.begin(), stated_loads.end()};
        pool.push_back(log_uniform(8.0, 600.0));
        std::shuffle(pool.begin(), pool.end(), rng);
        for (std::size_t p = 0; p < std::min(points, pool.size()); ++p) loads.push_back(pool[p]);
        const double v_max = log_uniform(0.5, 20.0), i_max = log_uniform(0.02, 1.0);
        std::vector<power_point> table;
        for (const double r : loads) {
            const double v = std::min(v_max * r / (r + 2.0), i_max * r) * (0.8 + 0.4 * u(rng));
            table.push_back({in_si(v * v / r, watt), in_si(r, ohm)});
        }
        s.ratings = rating_table{std::move(table)};
    }
    if (u(rng) < 0.25) s.thermal_power = in_si(log_uniform(0.005, 5.0), watt);
    if (u(rng) < 0.35) s.source = source_gain{volts(log_uniform(0.5, 4.0)), gain::of_db(-10.0 + 30.0 * u(rng))};
    if (!s.open_circuit_voltage && !s.current_limit && !s.clipping_power && !s.ratings && !s.thermal_power && !s.source)
        s.current_limit = in_si(0.1, ampere);
    if (k % 50 == 0) {  // into 32 ohm from 0 ohm, 8 V, 0.25 A, 2 W and 8 V x 0 dB all give exactly 8 V
        s = output_spec{};
        s.open_circuit_voltage = volts(8.0);
        s.current_limit = in_si(0.25, ampere);
        s.clipping_power = in_si(2.0, watt);
        s.source = source_gain{volts(8.0), gain::of_db(0.0)};
        s.output_impedance = in_si(0.0, ohm);
    }
    return s;
}

std::vector<headphone> random_headphones(std::mt19937_64& rng, std::size_t n) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<headphone> hp;
    hp.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        double r = 8.0 * std::pow(600.0 / 8.0, u(rng));
        if (k % 40 == 0) r = 32.0;
        if (k % 7 == 3) r = stated_loads[k % stated_loads.size()];
        const auto s = k % 3 == 0 ? sensitivity::per_milliwatt(spl::of_db(85.0 + 25.0 * u(rng)))
                                  : sensitivity::per_volt(spl::of_db(90.0 + 35.0 * u(rng)));
        hp.emplace_back("hp " + std::to_string(k), in_si(r, ohm), s);
    }
    return hp;
}

struct catalog {
    std::vector<output_stage> outputs;
    std::vector<headphone> headphones;
    std::vector<hb::load_band> loads;  // empty: no load-sensed modes

    [[nodiscard]] bool pairs(std::size_t j, const headphone& h) const {
        if (loads.empty()) return true;
        const double r = value_in(limit_load(h), ohm);
        return r >= loads[j].min_ohm && r < loads[j].max_ohm;
    }
};

catalog random_catalog(std::uint64_t seed, std::size_t m, std::size_t n) {
    std::mt19937_64 rng{seed};
    catalog c;
    for (std::size_t k = 0; k < m; ++k) c.outputs.emplace_back("out " + std::to_string(k), random_spec(rng, k));
    c.headphones = random_headphones(rng, n);
    return c;
}

// The same with load-sensed outputs: runs of two or three stages become the modes of one output, switching at
// random loads (some at loads the headphones have exactly), and a few modes claim a range of loads alone, so that
// some headphones meet no mode of that output.
catalog with_load_modes(catalog c, std::uint64_t seed) {
    std::mt19937_64 rng{seed};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto edge = [&] { return u(rng) < 0.3 ? stated_loads[static_cast<std::size_t>(u(rng) * stated_loads.size())] : 8.0 * std::pow(75.0, u(rng)); };
    c.loads.assign(c.outputs.size(), hb::load_band{});
    for (std::size_t j = 0; j + 3 <= c.outputs.size(); j += 7) {
        const double draw = u(rng);
        if (draw < 0.5) {  // two modes
            const double b = edge();
            c.loads[j] = {0.0, b};
            c.loads[j + 1].min_ohm = b;
        } else if (draw < 0.8) {  // three
            double a = edge(), b = edge();
            if (a > b) std::swap(a, b);
            if (a == b) b = a * 2.0;
            c.loads[j] = {0.0, a};
            c.loads[j + 1] = {a, b};
            c.loads[j + 2].min_ohm = b;
        } else {  // one mode, for some loads only
            const double a = edge();
            c.loads[j] = {a, a * 3.0};
        }
    }
    return c;
}

template <class T>
struct packed {
    hb::output_columns<T> amps;
    hb::headphone_columns<T> hps;
};

template <class T>
packed<T> pack(const catalog& c) {
    return {c.loads.empty() ? hb::pack<T>(std::span<const output_stage>{c.outputs})
                            : hb::pack<T>(std::span<const output_stage>{c.outputs}, std::span<const hb::load_band>{c.loads}),
            hb::pack<T>(std::span<const headphone>{c.headphones})};
}

// Every pair's row, gathered from a sweep's row sink into grids [output][headphone].
template <class T>
struct rows {
    hb::index m = 0, n = 0;
    std::vector<T> headroom_db, max_spl_db;
    std::vector<limit> binding, max_binding;
    std::vector<int> seen;

    rows(hb::index outputs, hb::index headphones)
        : m{outputs},
          n{headphones},
          headroom_db(cells()),
          max_spl_db(cells()),
          binding(cells()),
          max_binding(cells()),
          seen(cells()) {}
    [[nodiscard]] std::size_t cells() const { return static_cast<std::size_t>(m * n); }
    [[nodiscard]] std::size_t at(hb::index j, hb::index i) const { return static_cast<std::size_t>(j * n + i); }

    hb::row_sink<T> sink(std::mutex& lock) {
        return [this, &lock](const hb::pair_rows<T>& t) {
            const std::lock_guard guard{lock};
            for (std::size_t q = 0; q < t.outputs.size(); ++q)
                for (hb::index i = 0; i < t.headphones; ++i) {
                    const auto from = static_cast<std::size_t>(static_cast<hb::index>(q) * t.stride + i);
                    const std::size_t to = at(t.outputs[q], t.first_headphone + i);
                    headroom_db[to] = t.headroom_db[from];
                    max_spl_db[to] = t.max_spl_db[from];
                    binding[to] = t.binding[from];
                    max_binding[to] = t.max_binding[from];
                    ++seen[to];
                }
        };
    }
};

template <class T>
struct swept {
    hb::sweep_result result;
    rows<T> pairs;
};

template <class T>
swept<T> sweep_with_rows(const packed<T>& p, const programme& prog, const hb::sweep_settings& s) {
    rows<T> r{p.amps.size(), p.hps.size()};
    std::mutex lock;
    hb::sweep_result result = hb::sweep(p.amps, p.hps, prog.average_level(), prog.crest_factor(), s, r.sink(lock));
    return {std::move(result), std::move(r)};
}

// Whether the two smallest of the scalar model's limit voltages are within float rounding of each other (where a
// float sweep may name the other limit).
bool near_tie(const output_stage& o, const headphone& h, double peak_scale) {
    auto v = detail::load_voltage_limits(o, h.nominal_impedance(), peak_scale);
    std::sort(v.begin(), v.end());
    return v[1] <= v[0] * (1.0 + 1e-5);
}

// The scalar model's statistics of one headphone over all outputs.
struct scalar_stats {
    double min = std::numeric_limits<double>::infinity(), max = -min, sum = 0.0;
    std::int64_t above = 0;
    std::array<std::int64_t, limit_count> by_limit{};
    std::vector<std::pair<double, std::size_t>> ranked;  // (headroom, output), best first, then the lower index
};

// The batch sweep against the scalar model, pair by pair (rows) and per headphone (statistics and best outputs).
template <class T>
std::int64_t check_against_scalar(const catalog& c, const programme& p, gain threshold, hb::index k, double tolerance_db) {
    constexpr bool exact = std::is_same_v<T, double>;
    const packed<T> pk = pack<T>(c);
    const hb::sweep_settings s{.threads = 2, .top_k = k, .min_headroom = threshold, .min_pairs_per_thread = 1};
    const swept<T> w = sweep_with_rows<T>(pk, p, s);
    const hb::sweep_result& r = w.result;
    const hb::index m = pk.amps.size(), n = pk.hps.size();
    REQUIRE(r.outputs() == m);
    REQUIRE(r.headphones() == n);
    std::int64_t pairs = 0, tie_skips = 0, worst_rank_ties = 0, met_pairs = 0;
    double worst = 0.0;
    std::array<std::int64_t, limit_count> totals{};
    for (hb::index i = 0; i < n; ++i) {
        const headphone& h = c.headphones[static_cast<std::size_t>(i)];
        scalar_stats e;
        std::int64_t ties_here = 0, near_threshold = 0, met = 0;
        for (hb::index j = 0; j < m; ++j) {
            const output_stage& o = c.outputs[static_cast<std::size_t>(j)];
            const std::size_t at = w.pairs.at(j, i);
            REQUIRE(w.pairs.seen[at] == 1);
            if (!c.pairs(static_cast<std::size_t>(j), h)) {  // a mode this load does not select: a row of no pair
                CHECK(std::isnan(w.pairs.headroom_db[at]));
                continue;
            }
            ++met;
            const headroom_result hr = headroom_for(o, h, p);
            const operating_point op = max_output(o, h);
            const double hdb = hr.margin.db();
            worst = std::max(worst, std::abs(static_cast<double>(w.pairs.headroom_db[at]) - hdb));
            worst = std::max(worst, std::abs(static_cast<double>(w.pairs.max_spl_db[at]) - op.max_level.db()));
            const bool tie = !exact && near_tie(o, h, p.peak_scale());
            const bool sine_tie = !exact && near_tie(o, h, 1.0);
            if (!tie) CHECK(w.pairs.binding[at] == hr.binding);
            if (!sine_tie) CHECK(w.pairs.max_binding[at] == op.binding);
            ties_here += tie ? 1 : 0;
            e.min = std::min(e.min, hdb);
            e.max = std::max(e.max, hdb);
            e.sum += hdb;
            e.above += hdb >= threshold.db() ? 1 : 0;
            near_threshold += std::abs(hdb - threshold.db()) < tolerance_db ? 1 : 0;
            ++e.by_limit[static_cast<std::size_t>(hr.binding)];
            e.ranked.emplace_back(hdb, static_cast<std::size_t>(j));
            ++pairs;
        }
        tie_skips += ties_here;
        met_pairs += met;
        if (met == 0) {
            CHECK(std::isnan(r.min_headroom(i).db()));
            CHECK(std::isnan(r.mean_headroom(i).db()));
            CHECK(r.best(i).size() == 0);
            continue;
        }
        CHECK(std::abs(r.min_headroom(i).db() - e.min) < tolerance_db);
        CHECK(std::abs(r.max_headroom(i).db() - e.max) < tolerance_db);
        CHECK(std::abs(r.mean_headroom(i).db() - e.sum / static_cast<double>(met)) < tolerance_db);
        CHECK(std::abs(r.above_threshold(i) - e.above) <= near_threshold);
        std::int64_t counted = 0;
        for (std::size_t l = 0; l < limit_count; ++l) {
            const std::int64_t got = r.count(i, static_cast<limit>(l));
            CHECK(std::abs(got - e.by_limit[l]) <= ties_here);
            counted += got;
            totals[l] += got;
        }
        CHECK(counted == met);
        std::stable_sort(e.ranked.begin(), e.ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        const hb::best_outputs best = r.best(i);
        REQUIRE(best.size() == static_cast<std::size_t>(std::min(k, met)));
        for (std::size_t q = 0; q < best.size(); ++q) {
            const hb::best_output b = best[q];
            const auto& [hdb, j] = e.ranked[q];
            // Where two outputs are within the tolerance of each other, either may come first.
            if (b.output != static_cast<hb::index>(j)) {
                ++worst_rank_ties;
                CHECK(std::abs(b.headroom.db() - hdb) < tolerance_db);
                continue;
            }
            CHECK(std::abs(b.headroom.db() - hdb) < tolerance_db);
            const output_stage& o = c.outputs[j];
            CHECK(std::abs(b.max_spl.db() - max_output(o, h).max_level.db()) < tolerance_db);
            if (exact || !near_tie(o, h, p.peak_scale())) CHECK(b.binding == headroom_for(o, h, p).binding);
            CHECK(b.headroom.db() == doctest::Approx(static_cast<double>(w.pairs.headroom_db[w.pairs.at(b.output, i)])).epsilon(1e-6));
        }
    }
    CHECK(worst < tolerance_db);
    CHECK(r.pairs() == met_pairs);
    for (std::size_t l = 0; l < limit_count; ++l) CHECK(r.count(static_cast<limit>(l)) == totals[l]);
    if (exact) {
        CHECK(tie_skips == 0);
        CHECK(worst_rank_ties == 0);
    }
    CHECK(tie_skips < pairs / 50);
    return pairs;
}

}  // namespace

TEST_CASE("limit.hpp: the exponential and the rating tables are constant expressions") {
    static_assert(limits::detail::exp(0.0) == 1.0);
    static_assert(limits::detail::exp(0.0F) == 1.0F);
    static_assert(limits::detail::exp(-1000.0) == 0.0);
    static_assert(limits::detail::exp(1000.0) == std::numeric_limits<double>::infinity());
    // A stated load gives exactly its stated rating, at compile time too.
    static constexpr double ln_r[] = {2.0, 3.0, 4.0}, ln_v[] = {0.5, 1.0, 1.25};
    constexpr limits::rating_table_view<double> table{ln_r, ln_v, 3};
    static_assert(limits::rating_voltages_at(table, 3.0).within == limits::detail::exp(1.0));
    static_assert(limits::rating_voltages_at(table, 1.0).below == limits::detail::exp(-0.5));
    static_assert(limits::rating_voltages_at(table, 5.0).above == limits::detail::exp(1.25));
    static_assert(limits::binding_of(std::array{2.0, 1.0, 1.0, 3.0, 1.0}).which == limit::current);
    for (const double x : {-20.0, -1.0, -1e-9, 0.3, 1.0, 7.5, 30.0, 700.0})
        CHECK(limits::detail::exp(x) == doctest::Approx(std::exp(x)).epsilon(3e-16));
}

TEST_CASE("pack: SI values from the model, and a known impedance curve is swept at its minimum") {
    output_spec s;
    s.open_circuit_voltage = volts(7.5);
    s.source = source_gain{volts(2.0), gain::of_db(20.0)};
    s.output_impedance = in_si(0.5, ohm);
    const std::vector<output_stage> outs{output_stage{"a", s}};
    const headphone plain{"h", in_si(300.0, ohm), sensitivity::per_milliwatt(spl::of_db(97.0))};
    const auto curve = impedance_curve::tabulated({{in_si(20.0, hertz), in_si(500.0, ohm)},
                                                   {in_si(1000.0, hertz), in_si(300.0, ohm)},
                                                   {in_si(5000.0, hertz), in_si(250.0, ohm)},
                                                   {in_si(20000.0, hertz), in_si(280.0, ohm)}});
    const std::vector<headphone> hps{plain, plain.with_curve(curve)};
    const auto a = hb::pack<double>(std::span<const output_stage>{outs});
    const auto h = hb::pack<double>(std::span<const headphone>{hps});
    CHECK(a.v_clip[0] == 7.5);
    CHECK(std::isinf(a.i_max[0]));
    CHECK(a.z_out[0] == 0.5);
    CHECK(a.v_gain[0] == doctest::Approx(20.0).epsilon(1e-12));  // 2 V x 10^(20/20)
    CHECK(h.r[0] == 300.0);
    CHECK(h.r[1] == value_in(limit_load(hps[1]), ohm));
    CHECK(h.r[1] < 300.0);
    CHECK(h.s_v[0] == doctest::Approx(102.2287874528).epsilon(1e-10));  // 97 + 10 lg(1000 / 300)
}

TEST_CASE("batch: double agrees with the scalar model within 1e-9 dB on >= 10^5 random pairs") {
    std::int64_t pairs = 0;
    pairs += check_against_scalar<double>(random_catalog(1, 150, 420), programme{spl::of_db(85.0)}, gain::of_db(20.0), 3, 1e-9);
    pairs += check_against_scalar<double>(random_catalog(2, 131, 390), programme{spl::of_db(100.0), gain::of_db(18.0)},
                                          gain::of_db(0.0), 5, 1e-9);
    CHECK(pairs >= 100'000);
}

TEST_CASE("batch: float agrees with the scalar model within 1e-3 dB on >= 10^5 random pairs") {
    std::int64_t pairs = 0;
    pairs += check_against_scalar<float>(random_catalog(3, 150, 420), programme{spl::of_db(85.0)}, gain::of_db(20.0), 3, 1e-3);
    pairs += check_against_scalar<float>(random_catalog(4, 131, 390), programme{spl::of_db(95.0), gain::of_db(12.0)},
                                         gain::of_db(3.0), 5, 1e-3);
    CHECK(pairs >= 100'000);
}

namespace {

// Two results the same to the last bit: every statistic and every best output.
void check_identical(const hb::sweep_result& a, const hb::sweep_result& b) {
    REQUIRE(a.headphones() == b.headphones());
    REQUIRE(a.has_mean() == b.has_mean());
    CHECK(a.min_headroom().db() == b.min_headroom().db());
    CHECK(a.max_headroom().db() == b.max_headroom().db());
    if (a.has_mean()) CHECK(a.mean_headroom().db() == b.mean_headroom().db());
    CHECK(a.above_threshold() == b.above_threshold());
    for (std::size_t l = 0; l < limit_count; ++l) CHECK(a.count(static_cast<limit>(l)) == b.count(static_cast<limit>(l)));
    std::int64_t differ = 0;
    for (hb::index i = 0; i < a.headphones(); ++i) {
        differ += a.min_headroom(i).db() != b.min_headroom(i).db();
        differ += a.max_headroom(i).db() != b.max_headroom(i).db();
        differ += a.min_voltage_v(i) != b.min_voltage_v(i);
        differ += a.max_voltage_v(i) != b.max_voltage_v(i);
        if (a.has_mean()) differ += a.mean_headroom(i).db() != b.mean_headroom(i).db();
        differ += a.above_threshold(i) != b.above_threshold(i);
        for (std::size_t l = 0; l < limit_count; ++l) differ += a.count(i, static_cast<limit>(l)) != b.count(i, static_cast<limit>(l));
        const hb::best_outputs x = a.best(i), y = b.best(i);
        REQUIRE(x.size() == y.size());
        for (std::size_t q = 0; q < x.size(); ++q) {
            differ += x[q].output != y[q].output;
            differ += x[q].headroom.db() != y[q].headroom.db();
            differ += x[q].binding != y[q].binding;
            differ += x[q].max_spl.db() != y[q].max_spl.db();
            differ += x[q].max_binding != y[q].max_binding;
            differ += x[q].voltage_v != y[q].voltage_v;
        }
    }
    CHECK(differ == 0);
}

template <class T>
void check_identical_rows(const rows<T>& a, const rows<T>& b) {
    std::int64_t differ = 0;
    for (std::size_t c = 0; c < a.cells(); ++c) {
        const auto same = [](T x, T y) { return x == y || (std::isnan(x) && std::isnan(y)); };  // NaN: no pair (a mode not selected)
        differ += !same(a.headroom_db[c], b.headroom_db[c]) || !same(a.max_spl_db[c], b.max_spl_db[c]);
        differ += a.binding[c] != b.binding[c] || a.max_binding[c] != b.max_binding[c];
        differ += a.seen[c] != 1 || b.seen[c] != 1;
    }
    CHECK(differ == 0);
}

std::vector<hb::simd_path> runnable_paths() {
    std::vector<hb::simd_path> paths;
    for (std::size_t k = 0; k < hb::simd_path_count; ++k) {
        const auto p = static_cast<hb::simd_path>(k);
        if (hb::simd_path_supported(p))
            paths.push_back(p);
        else
            MESSAGE("skipped the " << hb::to_string(p) << " path: this processor or build does not support it");
    }
    return paths;
}

template <class T>
void check_paths_agree(const catalog& c, const programme& p) {
    const packed<T> pk = pack<T>(c);
    const std::vector<hb::simd_path> paths = runnable_paths();
    REQUIRE(!paths.empty());
    CHECK(paths.front() == hb::simd_path::baseline);
    std::optional<swept<T>> reference;
    for (const hb::simd_path path : paths) {
        CAPTURE(hb::to_string(path));
        const hb::sweep_settings s{.threads = 2, .top_k = 4, .min_headroom = gain::of_db(6.0), .min_pairs_per_thread = 1, .simd = path};
        swept<T> w = sweep_with_rows<T>(pk, p, s);
        CHECK(w.result.path() == path);
        // Without rows, the same statistics.
        check_identical(w.result, hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), s));
        if (!reference) {
            reference.emplace(std::move(w));
            continue;
        }
        check_identical(reference->result, w.result);
        check_identical_rows(reference->pairs, w.pairs);
    }
}

}  // namespace

TEST_CASE("batch: a load-sensed mode meets only the headphones whose load selects it (double and float, the scalar model)") {
    std::int64_t pairs = 0;
    pairs += check_against_scalar<double>(with_load_modes(random_catalog(11, 160, 420), 12), programme{spl::of_db(90.0), gain::of_db(15.0)},
                                          gain::of_db(6.0), 4, 1e-9);
    pairs += check_against_scalar<float>(with_load_modes(random_catalog(13, 140, 400), 14), programme{spl::of_db(85.0)}, gain::of_db(10.0), 140, 1e-3);
    CHECK(pairs > 100'000);
    // The catalog's statistics over the pairs that exist: the same as a sweep of only the modes selected, headphone by
    // headphone (here: every headphone of one load, so that one mode of each output is selected).
    catalog c = with_load_modes(random_catalog(15, 60, 1), 16);
    const double r = value_in(limit_load(c.headphones.front()), ohm);
    catalog only;
    only.headphones = c.headphones;
    for (std::size_t j = 0; j < c.outputs.size(); ++j)
        if (r >= c.loads[j].min_ohm && r < c.loads[j].max_ohm) only.outputs.push_back(c.outputs[j]);
    const programme p{spl::of_db(95.0), gain::of_db(18.0)};
    const hb::sweep_settings s{.top_k = 3};
    const packed<double> a = pack<double>(c), b = pack<double>(only);
    const hb::sweep_result x = hb::sweep(a.amps, a.hps, p.average_level(), p.crest_factor(), s);
    const hb::sweep_result y = hb::sweep(b.amps, b.hps, p.average_level(), p.crest_factor(), s);
    CHECK(x.pairs() == static_cast<std::int64_t>(only.outputs.size()));
    CHECK(x.min_headroom().db() == y.min_headroom().db());
    CHECK(x.max_headroom().db() == y.max_headroom().db());
    CHECK(x.mean_headroom().db() == doctest::Approx(y.mean_headroom().db()).epsilon(1e-12));
    for (std::size_t l = 0; l < limit_count; ++l) CHECK(x.count(static_cast<limit>(l)) == y.count(static_cast<limit>(l)));
    CHECK(x.best(0)[0].headroom.db() == y.best(0)[0].headroom.db());
}

TEST_CASE("batch: with load-sensed modes every path, thread count and axis gives the same bits") {
    const catalog c = with_load_modes(random_catalog(17, 300, 2500), 18);
    check_paths_agree<float>(c, programme{spl::of_db(95.0), gain::of_db(18.0)});
    check_paths_agree<double>(c, programme{spl::of_db(95.0), gain::of_db(18.0)});
    const packed<float> pk = pack<float>(c);
    const programme p{spl::of_db(100.0), gain::of_db(20.0)};
    const hb::sweep_result one = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), {.threads = 1, .top_k = 5});
    for (const hb::split_axis axis : {hb::split_axis::headphones, hb::split_axis::outputs})
        check_identical(one, hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(),
                                       {.threads = 3, .top_k = 5, .split = axis, .tile = 256, .min_pairs_per_thread = 1}));
}

TEST_CASE("batch: every instruction-set path gives the same statistics, best outputs and rows, to the last bit") {
    const catalog c = random_catalog(11, 300, 700);  // more than two blocks of outputs; chunks that end mid-vector
    check_paths_agree<float>(c, programme{spl::of_db(95.0), gain::of_db(15.0)});
    check_paths_agree<double>(c, programme{spl::of_db(95.0), gain::of_db(15.0)});
    check_paths_agree<float>(c, programme{spl::of_db(85.0)});
}

TEST_CASE("batch: 1, 2 and 3 threads, either axis split, give the same result to the last bit") {
    const catalog c = random_catalog(12, 600, 3 * 4 * 512 + 77);
    const programme p{spl::of_db(95.0), gain::of_db(14.0)};
    const auto check = [&]<class T>(T) {
        const packed<T> pk = pack<T>(c);
        const hb::sweep_result one =
            hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), {.threads = 1, .top_k = 3, .min_headroom = gain::of_db(3.0)});
        CHECK(one.threads() == 1);
        for (const unsigned threads : {2U, 3U})
            for (const hb::split_axis split : {hb::split_axis::automatic, hb::split_axis::headphones, hb::split_axis::outputs})
                for (const hb::index tile : {hb::index{0}, hb::index{100}}) {
                    CAPTURE(threads);
                    CAPTURE(static_cast<int>(split));
                    CAPTURE(tile);
                    const hb::sweep_settings s{.threads = threads, .top_k = 3, .min_headroom = gain::of_db(3.0), .split = split,
                                               .tile = tile, .min_pairs_per_thread = 1};
                    const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), s);
                    CHECK(r.threads() == threads);
                    check_identical(one, r);
                }
    };
    check(0.0F);
    check(0.0);
}

TEST_CASE("batch: a pair exactly on the threshold is counted, on every path, in float and double") {
    // 2 V from 0 ohm into 32 ohm: exactly 2 V in float and double; 1 V likewise.
    const auto stage = [](double v) {
        output_spec s;
        s.open_circuit_voltage = volts(v);
        s.output_impedance = in_si(0.0, ohm);
        return output_stage{"exact " + std::to_string(v), s};
    };
    const catalog c{{stage(2.0), stage(1.0), stage(0.5)},
                    {headphone{"h", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))}},
                    {}};
    const programme p{spl::of_db(90.0)};
    const auto check = [&]<class T>(T) {
        const packed<T> pk = pack<T>(c);
        for (const hb::simd_path path : runnable_paths()) {
            CAPTURE(hb::to_string(path));
            // 1 V: headroom 100 + 0 - 90 = 10 dB exactly; 2 V: the scalar model's figure, whatever its last bit.
            for (const double threshold : {10.0, headroom_for(c.outputs[0], c.headphones[0], p).margin.db()}) {
                CAPTURE(threshold);
                const hb::sweep_settings s{.threads = 1, .top_k = 1, .min_headroom = gain::of_db(threshold), .simd = path};
                const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), s);
                CHECK(r.above_threshold() == (threshold == 10.0 ? 2 : 1));
                // Just above the threshold, the pair no longer counts.
                const hb::sweep_settings above{.threads = 1, .min_headroom = gain::of_db(std::nextafter(threshold, 100.0)), .simd = path};
                CHECK(hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), above).above_threshold() == (threshold == 10.0 ? 1 : 0));
            }
            // The engine's own figure for a pair, as the threshold, counts that pair.
            const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), {.top_k = 3, .simd = path});
            const gain own = r.best(0)[1].headroom;
            const hb::sweep_settings s{.min_headroom = own, .simd = path};
            CHECK(hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), s).above_threshold() == 2);
        }
    };
    check(0.0F);
    check(0.0);
}

TEST_CASE("batch: identical outputs compete for the best places by catalog index, on one and several threads") {
    output_spec strong, weak;
    strong.open_circuit_voltage = volts(10.0);
    strong.output_impedance = in_si(1.0, ohm);
    weak.open_circuit_voltage = volts(1.0);
    weak.output_impedance = in_si(1.0, ohm);
    catalog c;
    // Identical strong outputs at scattered indices, across several blocks of outputs.
    const std::vector<std::size_t> strong_at{3, 140, 141, 290, 517};
    for (std::size_t k = 0; k < 600; ++k) {
        const bool is_strong = std::find(strong_at.begin(), strong_at.end(), k) != strong_at.end();
        c.outputs.emplace_back("out " + std::to_string(k), is_strong ? strong : weak);
    }
    std::mt19937_64 rng{5};
    c.headphones = random_headphones(rng, 5000);
    const auto check = [&]<class T>(T) {
        const packed<T> pk = pack<T>(c);
        for (const unsigned threads : {1U, 2U, 3U})
            for (const hb::split_axis split : {hb::split_axis::headphones, hb::split_axis::outputs}) {
                CAPTURE(threads);
                const hb::sweep_settings s{.threads = threads, .top_k = 3, .split = split, .min_pairs_per_thread = 1};
                const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor, s);
                std::int64_t wrong = 0;
                for (hb::index i = 0; i < r.headphones(); ++i) {
                    const hb::best_outputs b = r.best(i);
                    wrong += b[0].output != 3 || b[1].output != 140 || b[2].output != 141;
                    wrong += b[0].headroom.db() != b[2].headroom.db();
                }
                CHECK(wrong == 0);
            }
    };
    check(0.0F);
    check(0.0);
}

TEST_CASE("batch: a 2000 x 200000 sweep for the five best outputs holds O(M + N k) memory, never an M x N grid") {
    constexpr hb::index m = 2000, n = 200000;
    std::mt19937_64 rng{6};
    std::uniform_real_distribution<float> u(0.0F, 1.0F);
    hb::output_columns<float> o;
    for (auto* col : {&o.v_clip, &o.r_clip, &o.i_max, &o.sqrt_p_clip, &o.sqrt_p_thermal, &o.v_gain, &o.z_out}) col->resize(m);
    o.table_first.setZero(m + 1);
    for (hb::index j = 0; j < m; ++j) {
        o.v_clip[j] = 0.5F + 19.5F * u(rng);
        o.z_out[j] = o.r_clip[j] = 10.0F * u(rng);
        o.i_max[j] = 0.02F + u(rng);
        o.sqrt_p_clip[j] = std::sqrt(0.05F + 5.0F * u(rng));
        o.sqrt_p_thermal[j] = o.v_gain[j] = std::numeric_limits<float>::infinity();
    }
    hb::headphone_columns<float> h{hb::column<float>(n), hb::column<float>(n)};
    for (hb::index i = 0; i < n; ++i) {
        h.r[i] = 8.0F * std::pow(75.0F, u(rng));
        h.s_v[i] = 90.0F + 35.0F * u(rng);
    }
    const hb::sweep_result r = hb::sweep(o, h, spl::of_db(85.0), sine_crest_factor, {.threads = 2, .top_k = 5});
    CHECK(r.pairs() == m * n);
    const std::size_t grid = static_cast<std::size_t>(m * n) * sizeof(float);  // 1.6 GB
    const auto mb = [](std::size_t bytes) { return static_cast<double>(bytes) / 1e6; };
    MESSAGE("result " << mb(r.memory_bytes()) << " MB, the sweep at most " << mb(r.working_bytes()) << " MB; a float grid "
                      << mb(grid) << " MB");
    CHECK(r.memory_bytes() < static_cast<std::size_t>(n) * (200 + 5 * 64));
    CHECK(r.working_bytes() < grid / 10);
    CHECK(r.best(n - 1).size() == 5);
}

TEST_CASE("batch: voltages far outside the usual range take the exact path of the mean") {
    // 1 uV, the least the model takes, is far below what a float pass multiplies safely (2^-15 V): the float sweep
    // takes the exact path there, and both precisions give the figures.
    output_spec tiny, normal, small;
    tiny.open_circuit_voltage = volts(1e-6);
    small.open_circuit_voltage = volts(2e-6);
    normal.open_circuit_voltage = volts(2.0);
    const catalog c{{output_stage{"normal", normal}, output_stage{"tiny", tiny}, output_stage{"small", small}, output_stage{"normal 2", normal}},
                    {headphone{"h", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))}},
                    {}};
    const auto check = [&]<class T>(T, double tolerance) {
        const packed<T> pk = pack<T>(c);
        const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, spl::of_db(0.0), sine_crest_factor, {.threads = 1});
        // Headroom over 0 dB SPL: 100 + 20 lg v for v = 2, 1e-6, 2e-6 and 2 V.
        const double expected = 100.0 + 20.0 * (std::log10(2.0) * 2 + std::log10(1e-6) + std::log10(2e-6)) / 4.0;
        CHECK(r.mean_headroom(0).db() == doctest::Approx(expected).epsilon(tolerance));
        CHECK(r.min_headroom(0).db() == doctest::Approx(100.0 - 120.0).epsilon(tolerance));
        CHECK(r.max_headroom(0).db() == doctest::Approx(100.0 + 20.0 * std::log10(2.0)).epsilon(tolerance));
    };
    check(0.0F, 1e-6);
    check(0.0, 1e-12);
}

TEST_CASE("batch: without the mean, the same counts and extremes") {
    const catalog c = random_catalog(13, 90, 300);
    const packed<float> pk = pack<float>(c);
    const programme p{spl::of_db(95.0), gain::of_db(12.0)};
    const hb::sweep_result full = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), {.threads = 1});
    const hb::sweep_result bound = hb::sweep(pk.amps, pk.hps, p.average_level(), p.crest_factor(), {.threads = 1, .mean = false});
    CHECK_FALSE(bound.has_mean());
    CHECK_THROWS_AS((void)bound.mean_headroom(), std::logic_error);
    CHECK(full.min_headroom().db() == bound.min_headroom().db());
    CHECK(full.max_headroom().db() == bound.max_headroom().db());
    for (std::size_t l = 0; l < limit_count; ++l) CHECK(full.count(static_cast<limit>(l)) == bound.count(static_cast<limit>(l)));
    CHECK(full.above_threshold() == bound.above_threshold());
}

TEST_CASE("batch: instruction sets are named, detected and forced through HEADROOM_SIMD") {
    CHECK(hb::simd_path_named("avx2") == hb::simd_path::avx2);
    CHECK_FALSE(hb::simd_path_named("sse4"));
    CHECK(hb::simd_path_supported(hb::simd_path::baseline));
    CHECK(hb::simd_path_supported(hb::detected_simd_path()));
    const char* old = std::getenv("HEADROOM_SIMD");
    const std::optional<std::string> saved = old != nullptr ? std::optional<std::string>{old} : std::nullopt;
    ::setenv("HEADROOM_SIMD", "baseline", 1);
    CHECK(hb::selected_simd_path() == hb::simd_path::baseline);
    const catalog c = random_catalog(14, 10, 20);
    const packed<float> pk = pack<float>(c);
    CHECK(hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor).path() == hb::simd_path::baseline);
    ::setenv("HEADROOM_SIMD", "sse4", 1);
    const auto message = [&] {
        try {
            (void)hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor);
        } catch (const std::runtime_error& e) {
            return std::string{e.what()};
        }
        return std::string{"no error"};
    };
    CHECK(message().find("HEADROOM_SIMD=sse4") != std::string::npos);
    for (std::size_t k = 0; k < hb::simd_path_count; ++k) {
        const auto p = static_cast<hb::simd_path>(k);
        if (hb::simd_path_supported(p)) continue;
        ::setenv("HEADROOM_SIMD", std::string{hb::to_string(p)}.c_str(), 1);
        CHECK(message().find("does not support") != std::string::npos);
        CHECK_THROWS_AS((void)hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor, {.simd = p}), std::invalid_argument);
    }
    if (saved)
        ::setenv("HEADROOM_SIMD", saved->c_str(), 1);
    else
        ::unsetenv("HEADROOM_SIMD");
}

TEST_CASE("batch: columns no validated model object gives are refused") {
    const catalog c = random_catalog(15, 4, 5);
    packed<double> pk = pack<double>(c);
    const auto refused = [](const packed<double>& p) {
        try {
            (void)hb::sweep(p.amps, p.hps, spl::of_db(90.0), sine_crest_factor);
        } catch (const std::invalid_argument& e) {
            return std::string{e.what()};
        }
        return std::string{"no error"};
    };
    CHECK(refused(pk) == "no error");
    packed<double> bad = pk;
    bad.hps.r[2] = 0.0;
    CHECK(refused(bad).find("headphones: r [2]") != std::string::npos);
    bad = pk;
    bad.amps.i_max[1] = std::numeric_limits<double>::quiet_NaN();
    CHECK(refused(bad).find("outputs: i_max [1]") != std::string::npos);
    // Values the model's constructors refuse are refused here too: a sensitivity of 1e30 dB/V, a 1e-30 ohm load, a
    // denormal current limit (whose voltage would put a pair's mean outside its minimum and maximum).
    bad = pk;
    bad.hps.s_v[0] = 1e30;
    CHECK(refused(bad).find("headphones: s_v [0] must be a sensitivity within 0 to 250") != std::string::npos);
    bad = pk;
    bad.hps.r[1] = 1e-30;
    CHECK(refused(bad).find("headphones: r [1]") != std::string::npos);
    bad = pk;
    bad.amps.i_max[0] = 5e-324;
    CHECK(refused(bad).find("outputs: i_max [0] must lie within 1e-06 to 100") != std::string::npos);
    bad = pk;
    for (auto* col : {&bad.amps.v_clip, &bad.amps.i_max, &bad.amps.sqrt_p_clip, &bad.amps.sqrt_p_thermal, &bad.amps.v_gain})
        (*col)[0] = std::numeric_limits<double>::infinity();
    bad.amps.table_first.setZero();
    CHECK(refused(bad).find("has no limit") != std::string::npos);
}

TEST_CASE("batch: an empty catalog gives an empty result") {
    const catalog c = random_catalog(16, 3, 4);
    const packed<float> pk = pack<float>(c);
    hb::output_columns<float> empty_outputs;
    empty_outputs.table_first.setZero(1);
    const hb::sweep_result r = hb::sweep(empty_outputs, pk.hps, spl::of_db(90.0), sine_crest_factor, {.top_k = 2});
    CHECK(r.pairs() == 0);
    CHECK(r.best(0).empty());
    CHECK(std::isnan(r.min_headroom().db()));
    const hb::sweep_result r2 = hb::sweep(pk.amps, hb::headphone_columns<float>{}, spl::of_db(90.0), sine_crest_factor);
    CHECK(r2.headphones() == 0);
    CHECK(r2.count(limit::voltage) == 0);
}

TEST_CASE("batch: sizes from a caller are checked: top_k is kept to the output count, a negative one refused") {
    const catalog c = random_catalog(17, 3, 50);
    const packed<float> pk = pack<float>(c);
    // 2^62 best outputs for each headphone would wrap the list's size; a list holds at most every output.
    const hb::sweep_result r = hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor, {.top_k = hb::index{1} << 62});
    CHECK(r.top_k() == 3);
    CHECK(r.best(0).size() == 3);
    CHECK_THROWS_AS((void)hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor, {.top_k = -1}), spec_error);
    CHECK_THROWS_AS((void)hb::sweep(pk.amps, pk.hps, spl::of_db(90.0), sine_crest_factor, {.threads = 100000}), spec_error);
}

TEST_CASE("batch: the engine's arrays start on a cache line, never overlap, and are reused, from several threads at once") {
    namespace d = headroom::batch::detail;
    // Each thread takes arrays of random sizes (some larger than a slab), writes a pattern of its own into each,
    // gives back a random half, takes more, and checks every pattern it still holds: an overlap, or an array handed
    // out twice, would break another's pattern.
    constexpr int threads = 3;
    std::array<bool, threads> clean{};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([t, &clean] {
            std::mt19937_64 rng{static_cast<std::uint64_t>(17 + t)};
            std::vector<d::buffer<std::uint32_t>> held;
            std::vector<std::uint32_t> tags;
            bool ok = true;
            std::uint32_t next = static_cast<std::uint32_t>(t) << 24;
            const auto take = [&] {
                const std::size_t n = rng() % 8 == 0 ? 600000 + rng() % 400000 : 1 + rng() % 40000;
                d::buffer<std::uint32_t> b(n);
                ok = ok && reinterpret_cast<std::uintptr_t>(b.data()) % 64 == 0;
                std::fill_n(b.data(), n, ++next);
                held.push_back(std::move(b));
                tags.push_back(next);
            };
            for (int round = 0; round < 20; ++round) {
                for (int k = 0; k < 12; ++k) take();
                for (std::size_t k = 0; k < held.size(); ++k)
                    ok = ok && std::all_of(held[k].begin(), held[k].end(), [&](std::uint32_t v) { return v == tags[k]; });
                for (std::size_t k = held.size(); k-- > 0;)
                    if (rng() % 2 == 0) {
                        held.erase(held.begin() + static_cast<std::ptrdiff_t>(k));
                        tags.erase(tags.begin() + static_cast<std::ptrdiff_t>(k));
                    }
            }
            clean[static_cast<std::size_t>(t)] = ok;
        });
    for (auto& th : pool) th.join();
    for (int t = 0; t < threads; ++t) CHECK(clean[static_cast<std::size_t>(t)]);
    // A copy is a new array with the same elements.
    d::buffer<double> a(5);
    std::iota(a.data(), a.data() + 5, 1.0);
    const d::buffer<double> b = a;
    CHECK(b.data() != a.data());
    CHECK(std::equal(a.begin(), a.end(), b.begin(), b.end()));
    CHECK(d::buffer<double>(0).data() == nullptr);
}
