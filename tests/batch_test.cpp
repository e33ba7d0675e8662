// The batch core against the scalar model: seeded random catalogs (with absent limits, Z_out = 0 and exact
// ties mixed in), in double (within 1e-9 dB, same binding limit) and float (within 1e-3 dB).

#include "headroom/analysis.hpp"
#include "headroom/batch/kernels.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/batch/tally.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace hb = headroom::batch;
using namespace headroom;

namespace {

voltage volts(double v) { return in_si(v, volt); }

// Random output stages: each limit is present with probability 3/4 (at least one always), Z_out is exactly 0 for
// one in five, and some take figures that tie with others for a 32 ohm load.
std::vector<output_stage> random_outputs(std::mt19937_64& rng, std::size_t m) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const auto log_uniform = [&](double lo, double hi) { return lo * std::pow(hi / lo, u(rng)); };
    std::vector<output_stage> out;
    out.reserve(m);
    for (std::size_t k = 0; k < m; ++k) {
        output_spec s;
        if (u(rng) < 0.75) s.open_circuit_voltage = volts(log_uniform(0.3, 30.0));
        if (u(rng) < 0.75) s.current_limit = in_si(log_uniform(0.01, 2.0), ampere);
        if (u(rng) < 0.75) s.power_limit = in_si(log_uniform(0.01, 10.0), watt);
        if (u(rng) < 0.5) s.source = source_gain{volts(log_uniform(0.5, 4.0)), gain::of_db(-10.0 + 30.0 * u(rng))};
        if (!s.open_circuit_voltage && !s.current_limit && !s.power_limit && !s.source) s.power_limit = in_si(1.0, watt);
        s.output_impedance = in_si(u(rng) < 0.2 ? 0.0 : 20.0 * u(rng), ohm);
        if (k % 50 == 0) {  // into 32 ohm from 0 ohm, all of 8 V, 0.25 A, 2 W and 8 V x 0 dB give exactly 8 V
            s.open_circuit_voltage = volts(8.0);
            s.current_limit = in_si(0.25, ampere);
            s.power_limit = in_si(2.0, watt);
            s.source = source_gain{volts(8.0), gain::of_db(0.0)};
            s.output_impedance = in_si(0.0, ohm);
        }
        out.emplace_back("out " + std::to_string(k), s);
    }
    return out;
}

std::vector<headphone> random_headphones(std::mt19937_64& rng, std::size_t n) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<headphone> hp;
    hp.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const double r = k % 40 == 0 ? 32.0 : 8.0 * std::pow(600.0 / 8.0, u(rng));
        const auto s = k % 3 == 0 ? sensitivity::per_milliwatt(spl::of_db(85.0 + 25.0 * u(rng)))
                                  : sensitivity::per_volt(spl::of_db(90.0 + 35.0 * u(rng)));
        hp.emplace_back("hp " + std::to_string(k), in_si(r, ohm), s);
    }
    return hp;
}

// The scalar model's limit voltages for a programme of this crest factor (the level does not matter here).
std::array<double, limit_count> programme_limits_of(const output_stage& o, const headphone& h, gain crest) {
    return detail::programme_limits(detail::load_voltage_limits(o, h.nominal_impedance()), programme{spl::of_db(0.0), crest});
}

// Whether the two smallest limits differ by less than float rounding can resolve: there a float kernel may pick
// the other one. The scalar model's own limit voltages decide.
bool near_tie(const output_stage& o, const headphone& h, gain crest) {
    auto v = programme_limits_of(o, h, crest);
    // Exact ties stay exact in float (the kernels round the same expressions), so those are still checked.
    const double smallest = *std::min_element(v.begin(), v.end());
    return std::any_of(v.begin(), v.end(), [&](double x) { return x > smallest && x <= smallest * (1.0 + 1e-5); });
}

// Whether the two smallest limits are equal or within 1e-5 of each other.
bool within_rounding(const output_stage& o, const headphone& h, gain crest) {
    auto v = programme_limits_of(o, h, crest);
    std::sort(v.begin(), v.end());
    return v[1] <= v[0] * (1.0 + 1e-5);
}

struct catalog {
    std::vector<output_stage> outputs;
    std::vector<headphone> headphones;
};

catalog random_catalog(std::uint64_t seed, std::size_t m, std::size_t n) {
    std::mt19937_64 rng{seed};
    auto o = random_outputs(rng, m);
    auto h = random_headphones(rng, n);
    return {std::move(o), std::move(h)};
}

// Compares every pair of the kernels' grids with max_output and headroom_for; returns the pairs checked.
template <class T>
long compare_with_scalar(const catalog& c, const programme& p, double tolerance_db) {
    const auto amps = hb::pack<T>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack<T>(std::span<const headphone>{c.headphones});
    const auto m = amps.size();
    const auto n = hps.size();
    hb::grid<T> level(n, m), margin(n, m);
    hb::limit_grid max_binding(n, m), margin_binding(n, m), binding_only(n, m);
    hb::max_spl<T>(amps, hps, level, max_binding);
    hb::binding_limit<T>(amps, hps, binding_only);
    hb::headroom<T>(amps, hps, p.average_level, p.crest_factor, margin, margin_binding);

    long pairs = 0, skipped_ties = 0;
    double worst_level = 0.0, worst_margin = 0.0;
    for (hb::index j = 0; j < m; ++j)
        for (hb::index i = 0; i < n; ++i) {
            const auto& o = c.outputs[static_cast<std::size_t>(j)];
            const auto& h = c.headphones[static_cast<std::size_t>(i)];
            const operating_point op = max_output(o, h);
            const headroom_result hr = headroom_for(o, h, p);
            worst_level = std::max(worst_level, std::abs(static_cast<double>(level(i, j)) - op.max_level.db()));
            worst_margin = std::max(worst_margin, std::abs(static_cast<double>(margin(i, j)) - hr.margin.db()));
            const bool exact = std::is_same_v<T, double>;
            if (exact || !near_tie(o, h, sine_crest_factor)) {
                CHECK(max_binding(i, j) == static_cast<std::uint8_t>(op.binding));
                CHECK(binding_only(i, j) == static_cast<std::uint8_t>(op.binding));
            } else {
                ++skipped_ties;
            }
            if (exact || !near_tie(o, h, p.crest_factor))
                CHECK(margin_binding(i, j) == static_cast<std::uint8_t>(hr.binding));
            ++pairs;
        }
    CHECK(worst_level < tolerance_db);
    CHECK(worst_margin < tolerance_db);
    // Only pairs with limits within 1e-5 of each other may bind differently in float; they must be rare.
    CHECK(skipped_ties < pairs / 100);
    return pairs;
}

}  // namespace

TEST_CASE("pack: SI values from the model, +inf for absent limits") {
    output_spec s;
    s.open_circuit_voltage = volts(7.5);
    s.source = source_gain{volts(2.0), gain::of_db(20.0)};
    s.output_impedance = in_si(0.5, ohm);
    const std::vector<output_stage> outs{output_stage{"a", s}};
    const std::vector<headphone> hps{headphone{"h", in_si(300.0, ohm), sensitivity::per_milliwatt(spl::of_db(97.0))}};
    const auto a = hb::pack<double>(std::span<const output_stage>{outs});
    const auto h = hb::pack<double>(std::span<const headphone>{hps});
    CHECK(a.v_oc[0] == 7.5);
    CHECK(std::isinf(a.i_max[0]));
    CHECK(std::isinf(a.p_max[0]));
    CHECK(a.z_out[0] == 0.5);
    CHECK(a.v_gain[0] == doctest::Approx(20.0).epsilon(1e-12));  // 2 V x 10^(20/20)
    CHECK(h.r[0] == 300.0);
    CHECK(h.s_v[0] == doctest::Approx(102.2287874528).epsilon(1e-10));  // 97 + 10 lg(1000 / 300)
}

TEST_CASE("kernels: a worked pair by hand") {
    // 8 V behind 10 ohm into 32 ohm: 8 x 32/42 = 6.0952 V, under 0.25 A x 32 = 8 V and sqrt(2 W x 32) = 8 V.
    output_spec s;
    s.open_circuit_voltage = volts(8.0);
    s.current_limit = in_si(0.25, ampere);
    s.power_limit = in_si(2.0, watt);
    s.output_impedance = in_si(10.0, ohm);
    const std::vector<output_stage> outs{output_stage{"a", s}};
    const std::vector<headphone> hps{headphone{"h", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))}};
    const auto a = hb::pack<double>(std::span<const output_stage>{outs});
    const auto h = hb::pack<double>(std::span<const headphone>{hps});
    hb::grid<double> level(1, 1), margin(1, 1);
    hb::limit_grid b1(1, 1), b2(1, 1);
    hb::max_spl<double>(a, h, level, b1);
    // 100 + 20 lg(8 x 32 / 42) = 115.69981 dB SPL
    CHECK(level(0, 0) == doctest::Approx(115.699813498).epsilon(1e-9));
    CHECK(b1(0, 0) == hb::limit_code::voltage);
    // 18 dB crest: peak-type limits allow 6.0952 V x 10^(-(18 - 3.0103)/20) = 1.0883 V; P_max allows 8 V.
    hb::headroom<double>(a, h, spl::of_db(95.0), gain::of_db(18.0), margin, b2);
    CHECK(margin(0, 0) == doctest::Approx(5.710113455).epsilon(1e-8));
    CHECK(b2(0, 0) == hb::limit_code::voltage);
}

TEST_CASE("kernels: exact ties go to the first limit, as in the scalar model") {
    const std::vector<headphone> hps{headphone{"h", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))}};
    const auto spec = [](std::optional<double> v, std::optional<double> i, std::optional<double> p, std::optional<double> g) {
        output_spec s;
        if (v) s.open_circuit_voltage = volts(*v);
        if (i) s.current_limit = in_si(*i, ampere);
        if (p) s.power_limit = in_si(*p, watt);
        if (g) s.source = source_gain{volts(*g), gain::of_db(0.0)};
        return s;
    };
    // All give exactly 8 V into 32 ohm from 0 ohm; the first present one wins.
    const std::vector<output_stage> outs{
        output_stage{"all four", spec(8.0, 0.25, 2.0, 8.0)},    output_stage{"current=power=gain", spec(9.0, 0.25, 2.0, 8.0)},
        output_stage{"power=gain", spec(std::nullopt, 1.0, 2.0, 8.0)}, output_stage{"voltage=gain", spec(8.0, std::nullopt, 4.0, 8.0)}};
    const std::array<std::uint8_t, 4> expected{hb::limit_code::voltage, hb::limit_code::current, hb::limit_code::power,
                                               hb::limit_code::voltage};
    for (std::size_t j = 0; j < outs.size(); ++j) CHECK(static_cast<std::uint8_t>(max_output(outs[j], hps[0]).binding) == expected[j]);

    const auto check = [&]<class T>(T) {
        const auto a = hb::pack<T>(std::span<const output_stage>{outs});
        const auto h = hb::pack<T>(std::span<const headphone>{hps});
        hb::grid<T> level(1, 4), margin(1, 4);
        hb::limit_grid b(1, 4), bh(1, 4);
        hb::max_spl<T>(a, h, level, b);
        hb::headroom<T>(a, h, spl::of_db(90.0), sine_crest_factor, margin, bh);
        for (hb::index j = 0; j < 4; ++j) {
            CHECK(b(0, j) == expected[static_cast<std::size_t>(j)]);
            CHECK(bh(0, j) == expected[static_cast<std::size_t>(j)]);
            CHECK(static_cast<double>(level(0, j)) == doctest::Approx(100.0 + 20.0 * std::log10(8.0)).epsilon(1e-7));
        }
    };
    check(0.0);
    check(0.0F);
}

TEST_CASE("kernels: double agrees with the scalar model within 1e-9 dB on random catalogs") {
    long pairs = 0;
    pairs += compare_with_scalar<double>(random_catalog(1, 120, 500), programme{spl::of_db(85.0)}, 1e-9);
    pairs += compare_with_scalar<double>(random_catalog(2, 60, 700), programme{spl::of_db(100.0), gain::of_db(18.0)}, 1e-9);
    CHECK(pairs >= 100'000);
}

TEST_CASE("kernels: float agrees with the scalar model within 1e-3 dB on random catalogs") {
    long pairs = 0;
    pairs += compare_with_scalar<float>(random_catalog(3, 120, 500), programme{spl::of_db(85.0)}, 1e-3);
    pairs += compare_with_scalar<float>(random_catalog(4, 60, 700), programme{spl::of_db(95.0), gain::of_db(12.0)}, 1e-3);
    CHECK(pairs >= 100'000);
}

namespace {

// The tally of a sweep against the same reductions done by brute force on the full headroom grid.
template <class T>
void check_tally_against_grid(const catalog& c, const programme& p, gain threshold, hb::index k, unsigned threads,
                              double tolerance_db, hb::split_axis split = hb::split_axis::automatic) {
    const auto amps = hb::pack<T>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack<T>(std::span<const headphone>{c.headphones});
    const hb::sweep_settings settings{
        .threads = threads, .tile = 7, .top_k = k, .min_headroom = threshold, .split = split, .min_pairs_per_thread = 1};
    const hb::tally<T> t = hb::sweep_tally<T>(amps, hps, p.average_level, p.crest_factor, settings);
    const hb::sweep_grids<T> g = hb::sweep_full<T>(amps, hps, p.average_level, p.crest_factor, settings);
    const hb::index m = amps.size();
    REQUIRE(t.outputs == m);
    for (hb::index i = 0; i < hps.size(); ++i) {
        const auto row = g.headroom_db.row(i);
        const hb::headphone_summary s = hb::summarise<T>(t, hps, i, p.average_level);
        CHECK(std::abs(s.max_headroom_db - static_cast<double>(row.maxCoeff())) < tolerance_db);
        CHECK(std::abs(s.min_headroom_db - static_cast<double>(row.minCoeff())) < tolerance_db);
        CHECK(std::abs(s.mean_headroom_db - row.template cast<double>().mean()) < tolerance_db);
        CHECK(t.above[i] == (row.template cast<double>() >= threshold.db()).count());
        // The float tally hoists factors out of the limits, so where two limits tie (or nearly) it may name the
        // other one; everywhere else it must agree with the grid.
        std::int64_t ties = 0;
        if constexpr (std::is_same_v<T, float>)
            for (const output_stage& o : c.outputs) ties += within_rounding(o, c.headphones[static_cast<std::size_t>(i)], p.crest_factor);
        for (std::uint8_t code = 0; code < hb::limit_code::count; ++code)
            CHECK(std::abs(t.by_limit(i, code) - (g.headroom_binding.row(i) == code).count()) <= ties);
        CHECK(t.by_limit.row(i).sum() == m);
        std::vector<hb::index> order(static_cast<std::size_t>(m));
        std::iota(order.begin(), order.end(), hb::index{0});
        std::stable_sort(order.begin(), order.end(), [&](hb::index a, hb::index b) { return row(a) > row(b); });
        for (hb::index q = 0; q < std::min(k, m); ++q) {
            CHECK(t.top_output(q, i) == order[static_cast<std::size_t>(q)]);
            CHECK(std::abs(hb::top_headroom_db<T>(t, hps, q, i, p.average_level) - static_cast<double>(row(order[static_cast<std::size_t>(q)]))) <
                  tolerance_db);
        }
    }
}

}  // namespace

TEST_CASE("sweep: the streamed tally equals reductions of the full grid") {
    const catalog c = random_catalog(5, 90, 300);
    check_tally_against_grid<double>(c, programme{spl::of_db(100.0)}, gain::of_db(10.0), 3, 1, 1e-9);
    check_tally_against_grid<double>(c, programme{spl::of_db(100.0), gain::of_db(15.0)}, gain::of_db(0.0), 5, 2, 1e-9);
    check_tally_against_grid<float>(c, programme{spl::of_db(90.0)}, gain::of_db(6.0), 1, 2, 1e-3);
    check_tally_against_grid<float>(c, programme{spl::of_db(95.0), gain::of_db(12.0)}, gain::of_db(3.0), 4, 1, 1e-3);
}

TEST_CASE("sweep: the tally equals the grid whichever axis the threads split") {
    const catalog c = random_catalog(7, 70, 260);
    for (const hb::split_axis split : {hb::split_axis::headphones, hb::split_axis::outputs}) {
        CAPTURE(static_cast<int>(split));
        check_tally_against_grid<double>(c, programme{spl::of_db(100.0), gain::of_db(15.0)}, gain::of_db(0.0), 3, 2, 1e-9, split);
        check_tally_against_grid<float>(c, programme{spl::of_db(95.0), gain::of_db(12.0)}, gain::of_db(3.0), 4, 3, 1e-3, split);
    }
}

TEST_CASE("sweep: more outputs than k, fewer outputs than k, no top list") {
    const catalog c = random_catalog(6, 4, 50);
    check_tally_against_grid<double>(c, programme{spl::of_db(100.0)}, gain::of_db(10.0), 6, 3, 1e-9);
    check_tally_against_grid<double>(c, programme{spl::of_db(100.0)}, gain::of_db(10.0), 0, 1, 1e-9);
    check_tally_against_grid<double>(c, programme{spl::of_db(100.0)}, gain::of_db(10.0), 6, 3, 1e-9, hb::split_axis::headphones);
}

namespace {

template <class T>
void check_same_tally(const hb::tally<T>& a, const hb::tally<T>& b) {
    CHECK(a.outputs == b.outputs);
    CHECK((a.min_v == b.min_v).all());
    CHECK((a.max_v == b.max_v).all());
    CHECK((a.log_sum == b.log_sum).all());
    CHECK((a.above == b.above).all());
    CHECK((a.by_limit == b.by_limit).all());
    CHECK((a.top_v == b.top_v).all());
    CHECK((a.top_output == b.top_output).all());
}

}  // namespace

TEST_CASE("sweep: splitting the headphones gives the same tally, bit for bit, on any number of threads") {
    // Enough headphones for the automatic choice to split them on 2 and 3 threads, with tiles that end
    // mid-chunk and mid-vector.
    const catalog c = random_catalog(8, 40, 3 * 4 * hb::detail::chunk + 77);
    const auto amps = hb::pack<float>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack<float>(std::span<const headphone>{c.headphones});
    const programme p{spl::of_db(95.0), gain::of_db(14.0)};
    const hb::sweep_settings one{.threads = 1, .top_k = 3};
    REQUIRE(hb::splits_headphones(one, hps.size(), 3));
    const hb::tally<float> reference = hb::sweep_tally<float>(amps, hps, p.average_level, p.crest_factor, one);
    for (const unsigned threads : {2U, 3U})
        for (const hb::index tile : {hb::index{0}, hb::index{100}}) {
            CAPTURE(threads);
            CAPTURE(tile);
            const hb::sweep_settings s{.threads = threads, .tile = tile, .top_k = 3, .min_pairs_per_thread = 1};
            check_same_tally(reference, hb::sweep_tally<float>(amps, hps, p.average_level, p.crest_factor, s));
        }
}

TEST_CASE("sweep: tiles of the split axis") {
    const hb::sweep_settings automatic{};
    // Headphones: about four tiles per thread, whole vectors.
    CHECK(hb::headphone_tile(automatic, 20000, 2) == 2512);
    CHECK(hb::headphone_tile(automatic, 20000, 2) % hb::detail::lanes == 0);
    CHECK(hb::headphone_tile(automatic, 5, 2) == hb::detail::lanes);
    CHECK(hb::headphone_tile(automatic, 20000, 1) == 20000);
    // Output stages: 64 to 1024 per tile.
    CHECK(hb::output_tile(automatic, 1000, 2) == 125);
    CHECK(hb::output_tile(automatic, 100, 2) == 64);
    CHECK(hb::output_tile(automatic, 100000, 2) == 1024);
    // The automatic choice splits headphones when each thread gets four chunks of them.
    CHECK(hb::splits_headphones(automatic, 4 * 2 * hb::detail::chunk, 2));
    CHECK_FALSE(hb::splits_headphones(automatic, 4 * 2 * hb::detail::chunk - 1, 2));
    CHECK(hb::splits_headphones(automatic, 10, 1));
}

TEST_CASE("sweep: small sweeps use fewer threads") {
    const hb::sweep_settings four{.threads = 4};
    CHECK(hb::sweep_threads(four, 100, 1000) == 1);
    CHECK(hb::sweep_threads(four, 1000, 20000) == 4);
    CHECK(hb::sweep_threads(four, 1024, 2048) == 2);  // 2^21 pairs
    CHECK(hb::sweep_threads({.threads = 4, .min_pairs_per_thread = 1}, 2, 3) == 4);
    CHECK(hb::sweep_threads({.threads = 1, .min_pairs_per_thread = 1}, 1000, 20000) == 1);
}

TEST_CASE("tally: voltages outside the batched-logarithm range take their own logarithm") {
    // 1e-12 V and 1e12 V are far outside 2^-30 .. 2^30 V: the mean must still be right.
    output_spec tiny, huge, normal;
    tiny.open_circuit_voltage = volts(1e-12);
    huge.open_circuit_voltage = volts(1e12);
    normal.open_circuit_voltage = volts(2.0);
    catalog c{{output_stage{"normal", normal}, output_stage{"tiny", tiny}, output_stage{"huge", huge}, output_stage{"normal 2", normal}},
              {headphone{"h", in_si(32.0, ohm), sensitivity::per_volt(spl::of_db(100.0))}}};
    const auto amps = hb::pack<float>(std::span<const output_stage>{c.outputs});
    const auto hps = hb::pack<float>(std::span<const headphone>{c.headphones});
    const hb::tally<float> t = hb::sweep_tally<float>(amps, hps, spl::of_db(0.0), sine_crest_factor, {.threads = 1});
    const hb::headphone_summary s = hb::summarise<float>(t, hps, 0, spl::of_db(0.0));
    // Headroom over 0 dB SPL: 100 + 20 lg v for v = 2, 1e-12, 1e12, 2 V: the mean is 100 + 20 (2 lg 2) / 4 = 103.0103
    CHECK(s.mean_headroom_db == doctest::Approx(100.0 + 20.0 * std::log10(2.0) / 2.0).epsilon(1e-6));
    CHECK(s.min_headroom_db == doctest::Approx(100.0 - 240.0).epsilon(1e-6));
    CHECK(s.max_headroom_db == doctest::Approx(100.0 + 240.0).epsilon(1e-6));
}
