// The sweep across frequency (batch/across.hpp) against the scalar model (response.hpp's headroom_across, what
// `pair` reports as worst_headroom_*), the pruned engine against the unpruned one, and its paths and threads against
// each other. Seeded random catalogs hold every kind of limit and source resistance, and headphones with measured
// tables (with and without phase), driver models, flat curves and no curve, with and without EQ presets.

#include "headroom/analysis.hpp"
#include "headroom/batch/across.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/pack_across.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/catalog.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/io.hpp"
#include "headroom/response.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

namespace hb = headroom::batch;
using namespace headroom;

namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
double log_uniform(std::mt19937_64& rng, double lo, double hi) { return lo * std::pow(hi / lo, uniform(rng, 0.0, 1.0)); }

output_spec random_spec(std::mt19937_64& rng, std::size_t k) {
    output_spec s;
    const double z_draw = uniform(rng, 0.0, 1.0);
    if (z_draw < 0.2)
        s.output_impedance = in_si(0.0, ohm);
    else if (z_draw < 0.5)
        s.output_impedance = in_si(log_uniform(rng, 0.01, 2.0), ohm);
    else if (z_draw < 0.9)
        s.output_impedance = in_si(log_uniform(rng, 1.0, 120.0), ohm);
    const double z = s.output_impedance ? value_in(*s.output_impedance, ohm) : 0.0;
    if (uniform(rng, 0.0, 1.0) < 0.7) {
        s.open_circuit_voltage = in_si(log_uniform(rng, 0.3, 30.0), volt);
        if (uniform(rng, 0.0, 1.0) < 0.2) s.source_resistance = in_si(z + log_uniform(rng, 0.5, 20.0), ohm);
    }
    if (uniform(rng, 0.0, 1.0) < 0.5) s.current_limit = in_si(log_uniform(rng, 0.01, 2.0), ampere);
    if (uniform(rng, 0.0, 1.0) < 0.3) s.clipping_power = in_si(log_uniform(rng, 0.01, 10.0), watt);
    if (uniform(rng, 0.0, 1.0) < 0.25) {
        const auto points = static_cast<std::size_t>(1 + uniform(rng, 0.0, 6.0));
        std::vector<power_point> table;
        double r = log_uniform(rng, 8.0, 40.0);
        const double v_max = log_uniform(rng, 0.5, 20.0), i_max = log_uniform(rng, 0.02, 1.0);
        for (std::size_t p = 0; p < points; ++p, r *= log_uniform(rng, 1.5, 4.0)) {
            const double v = std::min(v_max * r / (r + 2.0), i_max * r) * uniform(rng, 0.8, 1.2);
            table.push_back({in_si(v * v / r, watt), in_si(r, ohm)});
        }
        s.ratings = rating_table{std::move(table)};
    }
    if (uniform(rng, 0.0, 1.0) < 0.2) s.thermal_power = in_si(log_uniform(rng, 0.005, 5.0), watt);
    if (uniform(rng, 0.0, 1.0) < 0.4) s.source = source_gain{in_si(log_uniform(rng, 0.5, 4.0), volt), gain::of_db(uniform(rng, -10.0, 20.0))};
    if (!s.open_circuit_voltage && !s.current_limit && !s.clipping_power && !s.ratings && !s.thermal_power && !s.source)
        s.current_limit = in_si(0.1, ampere);
    if (k % 17 == 0) {  // an ideal source: every divider exactly 1
        s = output_spec{};
        s.open_circuit_voltage = in_si(log_uniform(rng, 1.0, 10.0), volt);
        s.output_impedance = in_si(0.0, ohm);
    }
    return s;
}

// Curves of every kind the model knows: a dynamic driver (a resonance), a measured table with phase swings (a
// multi-driver IEM), a flat table (a planar; held flat beyond its points), and none.
std::optional<impedance_curve> random_curve(std::mt19937_64& rng, std::size_t k, double nominal) {
    switch (k % 5) {
        case 0: return std::nullopt;
        case 1: {
            const driver_model d{in_si(nominal * uniform(rng, 0.7, 1.0), ohm), in_si(log_uniform(rng, 1e-6, 1e-3), henry),
                                 in_si(log_uniform(rng, 20.0, 200.0), hertz), log_uniform(rng, 1.0, 10.0), log_uniform(rng, 0.3, 3.0)};
            return impedance_curve::driver(d);
        }
        case 2: {
            std::vector<impedance_point> p;
            double f = log_uniform(rng, 10.0, 40.0);
            const auto points = static_cast<std::size_t>(uniform(rng, 3.0, 14.0));
            for (std::size_t q = 0; q < points && f < 40000.0; ++q, f *= log_uniform(rng, 1.5, 4.0))
                p.push_back({in_si(f, hertz), in_si(nominal * log_uniform(rng, 0.2, 3.0), ohm), uniform(rng, -70.0, 70.0)});
            return impedance_curve::tabulated(std::move(p));
        }
        case 3: {
            std::vector<impedance_point> p{{in_si(100.0, hertz), in_si(nominal, ohm), 0.0},
                                           {in_si(1000.0, hertz), in_si(nominal * uniform(rng, 0.98, 1.02), ohm), 0.0},
                                           {in_si(5000.0, hertz), in_si(nominal, ohm), 0.0}};
            return impedance_curve::tabulated(std::move(p));
        }
        default: return impedance_curve::resistive(in_si(nominal, ohm));
    }
}

parametric_eq random_eq(std::mt19937_64& rng) {
    std::vector<eq_filter> filters;
    const auto count = static_cast<std::size_t>(uniform(rng, 1.0, 7.0));
    for (std::size_t k = 0; k < count; ++k) {
        const double draw = uniform(rng, 0.0, 1.0);
        const eq_filter_type type = draw < 0.6 ? eq_filter_type::peaking : (draw < 0.8 ? eq_filter_type::low_shelf : eq_filter_type::high_shelf);
        filters.emplace_back(type, in_si(log_uniform(rng, 20.0, 20000.0), hertz), gain::of_db(uniform(rng, -10.0, 12.0)),
                             log_uniform(rng, 0.3, 8.0));
    }
    return parametric_eq{gain::of_db(-uniform(rng, 0.0, 12.0)), std::move(filters)};
}

struct catalog {
    std::vector<output_stage> outputs;
    std::vector<headphone> headphones;
    std::vector<parametric_eq> presets;
    std::vector<std::int32_t> preset_of;
};

catalog random_catalog(std::uint64_t seed, std::size_t m, std::size_t n, bool eq = true) {
    std::mt19937_64 rng{seed};
    catalog c;
    for (std::size_t k = 0; k < m; ++k) c.outputs.emplace_back("out " + std::to_string(k), random_spec(rng, k));
    if (eq)
        for (int e = 0; e < 3; ++e) c.presets.push_back(random_eq(rng));
    for (std::size_t k = 0; k < n; ++k) {
        const double r = log_uniform(rng, 4.0, 600.0);
        headphone_details d;
        d.curve = random_curve(rng, k, r);
        c.headphones.emplace_back("hp " + std::to_string(k), in_si(r, ohm), sensitivity::per_volt(spl::of_db(uniform(rng, 90.0, 125.0))),
                                  std::move(d));
        c.preset_of.push_back(eq ? static_cast<std::int32_t>(k % 4) - 1 : -1);
    }
    return c;
}

// Every pair's worst case, gathered from the row sink into [output][headphone].
template <class T>
struct rows {
    hb::index m = 0, n = 0;
    std::vector<T> headroom_db;
    std::vector<std::int32_t> frequency;
    std::vector<limit> binding;
    std::vector<int> seen;

    rows(hb::index outputs, hb::index headphones)
        : m{outputs}, n{headphones}, headroom_db(cells()), frequency(cells()), binding(cells()), seen(cells()) {}
    [[nodiscard]] std::size_t cells() const { return static_cast<std::size_t>(m * n); }
    [[nodiscard]] std::size_t at(hb::index j, hb::index i) const { return static_cast<std::size_t>(j * n + i); }

    hb::across_row_sink<T> sink(std::mutex& lock) {
        return [this, &lock](const hb::across_rows<T>& t) {
            const std::lock_guard guard{lock};
            for (std::size_t q = 0; q < t.outputs.size(); ++q)
                for (hb::index i = 0; i < t.headphones; ++i) {
                    const auto from = static_cast<std::size_t>(static_cast<hb::index>(q) * t.stride + i);
                    const std::size_t to = at(t.outputs[q], t.first_headphone + i);
                    headroom_db[to] = t.headroom_db[from];
                    frequency[to] = t.frequency[from];
                    binding[to] = t.binding[from];
                    ++seen[to];
                }
        };
    }
};

template <class T>
struct swept {
    hb::across_result result;
    rows<T> pairs;
};

template <class T>
swept<T> sweep_with_rows(const hb::output_columns<T>& amps, const hb::across_columns<T>& hps, const programme& p,
                         const hb::across_settings& s) {
    rows<T> r{amps.size(), hps.size()};
    std::mutex lock;
    hb::across_result result = hb::sweep_across(amps, hps, p.average_level(), p.crest_factor(), s, r.sink(lock));
    return {std::move(result), std::move(r)};
}

const programme music{spl::of_db(95.0), gain::of_db(15.0)};

// The same bits: statistics, best outputs and every pair.
template <class T>
void check_identical(const swept<T>& a, const swept<T>& b) {
    const hb::across_result &x = a.result, &y = b.result;
    REQUIRE(x.headphones() == y.headphones());
    CHECK(x.min_headroom().db() == y.min_headroom().db());
    CHECK(x.max_headroom().db() == y.max_headroom().db());
    CHECK(x.mean_headroom().db() == y.mean_headroom().db());
    CHECK(x.above_threshold() == y.above_threshold());
    for (std::size_t l = 0; l < limit_count; ++l) CHECK(x.count(static_cast<limit>(l)) == y.count(static_cast<limit>(l)));
    for (hb::index i = 0; i < x.headphones(); ++i) {
        CHECK(x.min_headroom(i).db() == y.min_headroom(i).db());
        CHECK(x.mean_headroom(i).db() == y.mean_headroom(i).db());
        CHECK(x.max_headroom(i).db() == y.max_headroom(i).db());
        const auto bx = x.best_records(i), by = y.best_records(i);
        REQUIRE(bx.size() == by.size());
        for (std::size_t q = 0; q < bx.size(); ++q) {
            CHECK(bx[q].output == by[q].output);
            CHECK(bx[q].headroom_db == by[q].headroom_db);
            CHECK(bx[q].frequency_hz == by[q].frequency_hz);
            CHECK(bx[q].binding == by[q].binding);
        }
    }
    // (NaN: a load-sensed mode the headphone's load does not select, in both.)
    CHECK(std::equal(a.pairs.headroom_db.begin(), a.pairs.headroom_db.end(), b.pairs.headroom_db.begin(), b.pairs.headroom_db.end(),
                     [](T x, T y) { return x == y || (std::isnan(x) && std::isnan(y)); }));
    CHECK(a.pairs.frequency == b.pairs.frequency);
    CHECK(a.pairs.binding == b.pairs.binding);
}

template <class T>
void pruned_equals_unpruned(std::uint64_t seed, std::size_t m, std::size_t n, bool eq) {
    const catalog c = random_catalog(seed, m, n, eq);
    const auto amps = hb::pack<T>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack_across<T>(c.headphones, audio_band_grid(), c.presets, c.preset_of);
    for (std::size_t k = 0; k < hb::simd_path_count; ++k) {
        const auto path = static_cast<hb::simd_path>(k);
        if (!hb::simd_path_supported(path)) {
            MESSAGE("skipped: the " << hb::to_string(path) << " path (not supported here)");
            continue;
        }
        CAPTURE(hb::to_string(path));
        const hb::across_settings pruned{.threads = 2, .top_k = 4, .min_headroom = gain::of_db(6.0), .min_pairs_per_thread = 1, .simd = path};
        hb::across_settings every = pruned;
        every.prune = false;
        const swept<T> a = sweep_with_rows<T>(amps, hps, music, pruned);
        const swept<T> b = sweep_with_rows<T>(amps, hps, music, every);
        check_identical(a, b);
        CHECK(std::count(a.pairs.seen.begin(), a.pairs.seen.end(), 1) == static_cast<std::ptrdiff_t>(a.pairs.cells()));
        CHECK(b.result.evaluated() == static_cast<std::int64_t>(b.result.pair_frequencies()));
        CHECK(a.result.evaluated() <= b.result.evaluated());
        MESSAGE(hb::to_string(path) << ": pruned evaluates " << static_cast<double>(a.result.evaluated()) / static_cast<double>(a.result.pairs())
                                    << " frequencies per pair of " << a.result.frequencies());
    }
}

}  // namespace

TEST_CASE("across: pruned and unpruned give the same bits on random catalogs, curves and EQ, on every path (double)") {
    pruned_equals_unpruned<double>(11, 160, 70, true);
    pruned_equals_unpruned<double>(13, 160, 70, false);
}

TEST_CASE("across: pruned and unpruned give the same bits on random catalogs, curves and EQ, on every path (float)") {
    pruned_equals_unpruned<float>(12, 160, 70, true);
    pruned_equals_unpruned<float>(14, 160, 70, false);
}

TEST_CASE("across: each pair's worst case is headroom_across's (what pair reports), in double and float") {
    const catalog c = random_catalog(21, 60, 45);
    const frequency_grid grid = audio_band_grid();
    std::vector<std::optional<eq_demand>> demand;
    for (const parametric_eq& e : c.presets) {
        const eq_response r = eq_response_on(e, grid);
        demand.emplace_back(eq_demand{r.gain_db, r.preamp});
    }
    const auto run = [&]<class T>(T, double tolerance_db) {
        const auto amps = hb::pack<T>(std::span<const output_stage>{c.outputs});
        const auto hps = hb::pack_across<T>(c.headphones, grid, c.presets, c.preset_of);
        const swept<T> w = sweep_with_rows<T>(amps, hps, music, {.threads = 2, .min_pairs_per_thread = 1});
        double worst = 0.0;
        std::int64_t moved = 0;
        for (std::size_t i = 0; i < c.headphones.size(); ++i) {
            const headphone& h = c.headphones[i];
            const impedance_curve z = h.curve() != nullptr ? *h.curve() : impedance_curve::resistive(h.nominal_impedance());
            const std::int32_t e = c.preset_of[i];
            const std::optional<eq_demand> eq = e < 0 ? std::nullopt : demand[static_cast<std::size_t>(e)];
            for (std::size_t j = 0; j < c.outputs.size(); ++j) {
                const frequency_headroom ref = headroom_across(c.outputs[j], h, z, music, grid, eq);
                const std::size_t at = w.pairs.at(static_cast<hb::index>(j), static_cast<hb::index>(i));
                const double got = static_cast<double>(w.pairs.headroom_db[at]);
                worst = std::max(worst, std::abs(got - ref.worst.db()));
                const auto f = static_cast<Eigen::Index>(w.pairs.frequency[at]);
                CAPTURE(i);
                CAPTURE(j);
                // Where frequencies tie in exact arithmetic (a voltage limit behind no resistance; the gain limit where
                // an EQ's preamp covers its boost, so the two cancel), rounding alone picks among them, and the
                // engine's rounding is not the model's: a frequency whose margin is the worst's within the tolerance
                // stands for it, with the limit binding there.
                CHECK(ref.margin_db[f] - ref.worst.db() < tolerance_db);
                CHECK(w.pairs.binding[at] == ref.binding[static_cast<std::size_t>(f)]);
                moved += grid.hz[f] == value_in(ref.worst_at, hertz) ? 0 : 1;
            }
        }
        CHECK(worst < tolerance_db);
        MESSAGE(std::string{sizeof(T) == 4 ? "float" : "double"} << ": largest difference " << worst << " dB; " << moved << " pairs at another frequency");
    };
    run(0.0, 1e-6);
    run(0.0F, 1e-3);
}

TEST_CASE("across: a load-sensed mode meets only the headphones whose load selects it, each pair as without modes") {
    const catalog c = random_catalog(61, 90, 150);
    // Stages j, j + 1 of every seventh become the two modes of one output, switching at a random load; stage j + 2 a
    // mode for a range of loads alone (some headphones meet no mode of it).
    std::mt19937_64 rng{62};
    std::vector<hb::load_band> loads(c.outputs.size());
    for (std::size_t j = 0; j + 3 <= c.outputs.size(); j += 7) {
        const double b = log_uniform(rng, 8.0, 300.0);
        loads[j] = {0.0, b};
        loads[j + 1].min_ohm = b;
        loads[j + 2] = {b, 2.0 * b};
    }
    const auto selects = [&](std::size_t j, const headphone& h) {
        const double r = value_in(limit_load(h), ohm);
        return r >= loads[j].min_ohm && r < loads[j].max_ohm;
    };
    const auto all = hb::pack<double>(std::span<const output_stage>{c.outputs});
    const auto moded = hb::pack<double>(std::span<const output_stage>{c.outputs}, std::span<const hb::load_band>{loads});
    const auto hps = hb::pack_across<double>(c.headphones, audio_band_grid(), c.presets, c.preset_of);
    const hb::across_settings s{.threads = 2, .top_k = 4, .min_headroom = gain::of_db(3.0), .min_pairs_per_thread = 1};
    const swept<double> every = sweep_with_rows<double>(all, hps, music, s);
    const swept<double> w = sweep_with_rows<double>(moded, hps, music, s);
    std::int64_t met_pairs = 0, unselected = 0;
    for (std::size_t i = 0; i < c.headphones.size(); ++i) {
        const auto n = static_cast<hb::index>(i);
        double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0;
        std::int64_t met = 0, above = 0;
        std::array<std::int64_t, limit_count> by_limit{};
        std::vector<std::pair<double, std::size_t>> ranked;
        for (std::size_t j = 0; j < c.outputs.size(); ++j) {
            const std::size_t at = w.pairs.at(static_cast<hb::index>(j), n);
            CHECK(w.pairs.seen[at] == 1);
            if (!selects(j, c.headphones[i])) {
                CHECK(std::isnan(w.pairs.headroom_db[at]));
                ++unselected;
                continue;
            }
            // The pair's worst case is the one the sweep without modes finds (the same loop, to the bit).
            const double hdb = every.pairs.headroom_db[at];
            CHECK(w.pairs.headroom_db[at] == hdb);
            CHECK(w.pairs.frequency[at] == every.pairs.frequency[at]);
            CHECK(w.pairs.binding[at] == every.pairs.binding[at]);
            lo = std::min(lo, hdb);
            hi = std::max(hi, hdb);
            sum += hdb;
            above += hdb >= 3.0 ? 1 : 0;
            ++by_limit[static_cast<std::size_t>(w.pairs.binding[at])];
            ranked.emplace_back(hdb, j);
            ++met;
        }
        met_pairs += met;
        CAPTURE(i);
        if (met == 0) {
            CHECK(std::isnan(w.result.min_headroom(n).db()));
            continue;
        }
        CHECK(w.result.min_headroom(n).db() == lo);
        CHECK(w.result.max_headroom(n).db() == hi);
        CHECK(w.result.mean_headroom(n).db() == doctest::Approx(sum / static_cast<double>(met)).epsilon(1e-12));
        CHECK(w.result.above_threshold(n) == above);
        for (std::size_t l = 0; l < limit_count; ++l) CHECK(w.result.count(n, static_cast<limit>(l)) == by_limit[l]);
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        const auto best = w.result.best_records(n);
        REQUIRE(best.size() == std::min<std::size_t>(4, ranked.size()));
        for (std::size_t q = 0; q < best.size(); ++q) CHECK(best[q].headroom_db == doctest::Approx(ranked[q].first).epsilon(1e-12));
    }
    CHECK(unselected > 0);
    CHECK(w.result.pairs() == met_pairs);
    CHECK(w.result.pairs() < every.result.pairs());
    // Pruned or not, on 1 or 3 threads: the same bits.
    hb::across_settings unpruned = s;
    unpruned.prune = false;
    check_identical(w, sweep_with_rows<double>(moded, hps, music, unpruned));
    hb::across_settings three = s;
    three.threads = 3;
    check_identical(w, sweep_with_rows<double>(moded, hps, music, three));
}

TEST_CASE("across: headphones without a curve or EQ give the single-load sweep") {
    catalog c = random_catalog(31, 90, 50, false);
    for (headphone& h : c.headphones) h = headphone{h.name(), h.nominal_impedance(), h.stated_sensitivity()};
    const auto amps = hb::pack<double>(std::span<const output_stage>{c.outputs});
    const auto single = hb::sweep(amps, hb::pack<double>(std::span<const headphone>{c.headphones}), music.average_level(),
                                  music.crest_factor(), {.threads = 1, .top_k = 3, .min_headroom = gain::of_db(6.0)});
    const auto across = hb::sweep_across(amps, hb::pack_across<double>(c.headphones), music.average_level(), music.crest_factor(),
                                         {.threads = 1, .top_k = 3, .min_headroom = gain::of_db(6.0)});
    for (hb::index i = 0; i < across.headphones(); ++i) {
        CHECK(across.min_headroom(i).db() == single.min_headroom(i).db());
        CHECK(across.max_headroom(i).db() == single.max_headroom(i).db());
        CHECK(across.mean_headroom(i).db() == doctest::Approx(single.mean_headroom(i).db()).epsilon(1e-12));
        CHECK(across.above_threshold(i) == single.above_threshold(i));
        for (std::size_t l = 0; l < limit_count; ++l) CHECK(across.count(i, static_cast<limit>(l)) == single.count(i, static_cast<limit>(l)));
        for (std::size_t q = 0; q < 3; ++q) {
            CHECK(across.best(i, q).output == single.best(i)[q].output);
            CHECK(across.best(i, q).headroom.db() == single.best(i)[q].headroom.db());
            CHECK(across.best(i, q).frequency_hz == 20.0);  // every frequency ties: the first
        }
    }
    CHECK(across.evaluated() == across.pairs());  // one frequency per pair
}

TEST_CASE("across: 1, 2 and 3 threads give the same result to the last bit") {
    const catalog c = random_catalog(41, 70, 130);
    const auto amps = hb::pack<float>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack_across<float>(c.headphones, audio_band_grid(), c.presets, c.preset_of);
    const swept<float> one = sweep_with_rows<float>(amps, hps, music, {.threads = 1, .top_k = 2});
    for (const unsigned threads : {2U, 3U}) {
        const swept<float> more = sweep_with_rows<float>(amps, hps, music, {.threads = threads, .top_k = 2, .min_pairs_per_thread = 1});
        CHECK(more.result.threads() == threads);
        check_identical(one, more);
    }
}

TEST_CASE("across: columns no validated model object gives are refused, naming the column") {
    const catalog c = random_catalog(51, 3, 4);
    const auto amps = hb::pack<double>(std::span<const output_stage>{c.outputs});
    auto hps = hb::pack_across<double>(c.headphones, audio_band_grid(), c.presets, c.preset_of);
    const auto refuses = [&](const hb::across_columns<double>& h, const std::string& part) {
        try {
            (void)hb::sweep_across(amps, h, music.average_level(), music.crest_factor());
            FAIL("accepted");
        } catch (const std::invalid_argument& e) {
            CHECK(std::string{e.what()}.find(part) != std::string::npos);
        }
    };
    auto bad = hps;
    bad.grid_hz[3] = bad.grid_hz[2];
    refuses(bad, "ascending");
    bad = hps;
    bad.eq[0] = 7;
    refuses(bad, "no such EQ preset");
    bad = hps;
    bad.curve[1] = 99;
    refuses(bad, "no such curve");
    bad = hps;
    bad.eqs.boost_db[0] = std::numeric_limits<double>::quiet_NaN();
    refuses(bad, "boost");
}

TEST_CASE("across: sizes from a caller are checked as in the single-load sweep: top_k kept to the output count") {
    const catalog c = random_catalog(71, 3, 20);
    const auto amps = hb::pack<float>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack_across<float>(c.headphones, audio_band_grid(), c.presets, c.preset_of);
    // 2^62 best outputs for each headphone would wrap the lists' size; a list holds at most every output.
    const auto r = hb::sweep_across(amps, hps, music.average_level(), music.crest_factor(), {.top_k = hb::index{1} << 62});
    CHECK(r.top_k() == 3);
    const auto refused = [&](const hb::across_settings& s, const char* field) {
        try {
            (void)hb::sweep_across(amps, hps, music.average_level(), music.crest_factor(), s);
            FAIL("accepted");
        } catch (const spec_error& e) {
            CHECK(e.field() == field);
        }
    };
    refused({.top_k = -1}, "top_k");
    refused({.threads = 100000}, "threads");
    refused({.min_headroom = gain::of_db(1e308)}, "min_headroom");
}

TEST_CASE("across: an empty catalog gives an empty result") {
    const catalog c = random_catalog(61, 0, 3);
    const auto r = hb::sweep_across(hb::pack<double>(std::span<const output_stage>{c.outputs}), hb::pack_across<double>(c.headphones),
                                    music.average_level(), music.crest_factor());
    CHECK(r.pairs() == 0);
    CHECK(std::isnan(r.min_headroom().db()));
}

#ifdef HEADROOM_TEST_DATA_DIR
// The acceptance of the sweep across frequency: for every pair of the bundled catalog (every output and setting,
// every headphone), with and without a bundled AutoEq preset, the worst headroom, where it falls and its limit are
// what `pair` reports (frequency_analysis.hpp, worst_headroom_db/_hz/_limit), in double and in float.
TEST_CASE("across: every pair of the bundled catalog, with and without an AutoEq preset, is what pair reports") {
    const std::filesystem::path dir{HEADROOM_TEST_DATA_DIR};
    const auto amplifiers = load_amplifier_catalog(dir / "amplifiers.json");
    const auto entries = load_headphone_catalog(dir / "headphones.json");
    std::vector<output_stage> outputs;
    for (const auto& a : amplifiers)
        for (const auto& o : a.outputs)
            for (const auto& s : o.settings) outputs.push_back(s.stage);
    std::vector<headphone> headphones;
    for (const auto& h : entries) headphones.push_back(h.model);
    const std::vector<parametric_eq> presets{load_parametric_eq(headroom::test::source_dir / "tests/data/autoeq/Sennheiser HD 600 ParametricEQ.txt")};
    const programme p{spl::of_db(85.0), gain::of_db(18.0)};
    std::size_t curves = 0;
    for (const headphone& h : headphones) curves += h.curve() != nullptr ? 1 : 0;
    CHECK(curves > 0);  // the catalog's curves are exercised
    for (const bool with_eq : {false, true}) {
        const std::vector<std::int32_t> preset_of(headphones.size(), with_eq ? 0 : -1);
        // frequency_analysis.hpp's headroom is headroom_across with the preset's response on the grid (eq_response_on):
        // computed once here, and held to analyse_frequency itself for a sample of pairs.
        const frequency_grid g = audio_band_grid();
        std::optional<eq_demand> demand;
        if (with_eq) {
            const eq_response e = eq_response_on(presets[0], g);
            demand = eq_demand{e.gain_db, e.preamp};
        }
        std::vector<frequency_headroom> refs;
        for (std::size_t i = 0; i < headphones.size(); ++i) {
            const headphone& h = headphones[i];
            const impedance_curve z = h.curve() != nullptr ? *h.curve() : impedance_curve::resistive(h.nominal_impedance());
            for (std::size_t j = 0; j < outputs.size(); ++j) {
                refs.push_back(headroom_across(outputs[j], h, z, p, g, demand));
                if ((i * outputs.size() + j) % 997 == 0) {  // the pair path itself, where it reports an analysis
                    const auto a = analyse_frequency(outputs[j], h, with_eq ? &presets[0] : nullptr, p);
                    if (a) {
                        CHECK(a->headroom->worst.db() == refs.back().worst.db());
                        CHECK(value_in(a->headroom->worst_at, hertz) == value_in(refs.back().worst_at, hertz));
                        CHECK(a->headroom->worst_binding == refs.back().worst_binding);
                    }
                }
            }
        }
        const auto run = [&]<class T>(T, double tolerance_db) {
            CAPTURE(with_eq);
            CAPTURE(sizeof(T));
            const auto amps = hb::pack<T>(std::span<const output_stage>{outputs});
            const auto hps = hb::pack_across<T>(headphones, audio_band_grid(), with_eq ? std::span<const parametric_eq>{presets} : std::span<const parametric_eq>{},
                                                with_eq ? std::span<const std::int32_t>{preset_of} : std::span<const std::int32_t>{});
            const swept<T> w = sweep_with_rows<T>(amps, hps, p, {.threads = 2, .min_pairs_per_thread = 1});
            const frequency_grid grid = audio_band_grid();
            double worst = 0.0;
            std::int64_t compared = 0, moved = 0;
            for (std::size_t i = 0; i < headphones.size(); ++i) {
                const headphone& h = headphones[i];
                for (std::size_t j = 0; j < outputs.size(); ++j) {
                    // Without a curve and an EQ pair reports no analysis across frequency: the resistive load at the
                    // nominal impedance is what the sweep reports there (the single-load sweep's answer).
                    const frequency_headroom& ref = refs[i * outputs.size() + j];
                    const std::size_t at = w.pairs.at(static_cast<hb::index>(j), static_cast<hb::index>(i));
                    const double got = static_cast<double>(w.pairs.headroom_db[at]);
                    CAPTURE(h.name());
                    CAPTURE(outputs[j].name());
                    CHECK(std::abs(got - ref.worst.db()) < tolerance_db);
                    worst = std::max(worst, std::abs(got - ref.worst.db()));
                    const auto f = static_cast<Eigen::Index>(w.pairs.frequency[at]);
                    // Ties in exact arithmetic are picked by rounding (see above): the engine's frequency is the
                    // model's, or one whose margin equals the worst within the tolerance, with the limit binding there.
                    CHECK(ref.margin_db[f] - ref.worst.db() < tolerance_db);
                    CHECK(w.pairs.binding[at] == ref.binding[static_cast<std::size_t>(f)]);
                    moved += grid.hz[f] == value_in(ref.worst_at, hertz) ? 0 : 1;
                    ++compared;
                }
            }
            MESSAGE(std::string{sizeof(T) == 4 ? "float" : "double"} << std::string{with_eq ? " with EQ" : " without EQ"} << ": " << compared << " pairs, largest difference "
                                                          << worst << " dB; " << moved << " at another frequency of equal margin");
        };
        run(0.0, 1e-6);
        run(0.0F, 1e-3);
    }
}
#endif
