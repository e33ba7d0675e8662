#include "headroom/eq.hpp"
#include "headroom/io.hpp"
#include "headroom/response.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace headroom;

namespace {

parametric_eq parse(const std::string& text) { return read_parametric_eq(text, "eq.txt"); }

std::string parse_error_of(const std::string& text) {
    return test::error_of<io_error>([&] { (void)parse(text); });
}

frequency hz(double v) { return in_si(v, hertz); }

// An independent reading of the cookbook for the test: its own tokeniser, its own coefficients, and the
// magnitude from the cookbook's closed form in phi = sin^2(w/2) instead of evaluating H on the unit circle.
struct reference_filter {
    std::string type;
    double fc, gain_db, q;
};

double reference_gain_db(const reference_filter& f, double hz_at, double fs) {
    const double A = std::pow(10.0, f.gain_db / 40.0);
    const double w0 = 2.0 * std::numbers::pi * f.fc / fs;
    const double alpha = std::sin(w0) / (2.0 * f.q);
    const double c = std::cos(w0);
    const double r = 2.0 * std::sqrt(A) * alpha;
    double b0, b1, b2, a0, a1, a2;
    if (f.type == "PK") {
        b0 = 1 + alpha * A, b1 = -2 * c, b2 = 1 - alpha * A;
        a0 = 1 + alpha / A, a1 = -2 * c, a2 = 1 - alpha / A;
    } else if (f.type == "LSC") {
        b0 = A * ((A + 1) - (A - 1) * c + r), b1 = 2 * A * ((A - 1) - (A + 1) * c), b2 = A * ((A + 1) - (A - 1) * c - r);
        a0 = (A + 1) + (A - 1) * c + r, a1 = -2 * ((A - 1) + (A + 1) * c), a2 = (A + 1) + (A - 1) * c - r;
    } else {
        b0 = A * ((A + 1) + (A - 1) * c + r), b1 = -2 * A * ((A - 1) + (A + 1) * c), b2 = A * ((A + 1) + (A - 1) * c - r);
        a0 = (A + 1) - (A - 1) * c + r, a1 = 2 * ((A - 1) - (A + 1) * c), a2 = (A + 1) - (A - 1) * c - r;
    }
    const double s = std::sin(std::numbers::pi * hz_at / fs);
    const double phi = s * s;
    const auto power = [phi](double x0, double x1, double x2) {
        return (x0 + x1 + x2) * (x0 + x1 + x2) - 4 * (x0 * x1 + 4 * x0 * x2 + x1 * x2) * phi + 16 * x0 * x2 * phi * phi;
    };
    return 10.0 * std::log10(power(b0, b1, b2)) - 10.0 * std::log10(power(a0, a1, a2));
}

struct reference_eq {
    double preamp = 0.0;
    std::vector<reference_filter> filters;
};

reference_eq read_reference(const std::filesystem::path& p) {
    std::ifstream in{p};
    reference_eq e;
    std::string word;
    while (in >> word) {
        if (word == "Preamp:") {
            in >> e.preamp >> word;
        } else if (word == "Filter") {
            std::string n, state, unit;
            reference_filter f;
            in >> n >> state >> f.type >> word >> f.fc >> unit >> word >> f.gain_db >> unit >> word >> f.q;
            if (state == "ON") e.filters.push_back(f);
        }
    }
    return e;
}

const std::filesystem::path data_dir = std::filesystem::path{__FILE__}.parent_path() / "data" / "autoeq";

}  // namespace

TEST_CASE("parsing an AutoEq file: preamp, ON filters of the three kinds, OFF filters ignored") {
    const auto eq = parse(
        "Preamp: -6.2 dB\n"
        "Filter 1: ON LSC Fc 105 Hz Gain 6.3 dB Q 0.70\n"
        "\n"
        "Filter 2: ON PK Fc 204 Hz Gain -3.2 dB Q 0.33\r\n"
        "Filter 3: OFF PK Fc 1000 Hz Gain 12 dB Q 1\n"
        "Filter 4: ON HSC Fc 10000 Hz Gain -3.1 dB Q 0.70\n");
    CHECK(eq.preamp().db() == -6.2);
    REQUIRE(eq.filters().size() == 3);
    CHECK(eq.filters()[0].type() == eq_filter_type::low_shelf);
    CHECK(eq.filters()[0].centre() == hz(105));
    CHECK(eq.filters()[0].boost().db() == 6.3);
    CHECK(eq.filters()[0].q() == 0.70);
    CHECK(eq.filters()[1].type() == eq_filter_type::peaking);
    CHECK(eq.filters()[2].type() == eq_filter_type::high_shelf);
    CHECK(parse("").filters().empty());
    CHECK(parse("Filter: ON PK Fc 100 Hz Gain 2 dB Q 1\n").filters().size() == 1);  // Equalizer APO's unnumbered form
}

TEST_CASE("malformed EQ lines name their line number") {
    CHECK(parse_error_of("Preamp: -6 dB\nFilter 1: ON PK Fc 100 Hz Gain x dB Q 1\n") == "eq.txt:2: Gain 'x' is not a number");
    CHECK(parse_error_of("Filter 1: ON BP Fc 100 Hz Gain 1 dB Q 1\n") == "eq.txt:1: filter type 'BP' is not PK, LSC or HSC");
    CHECK(parse_error_of("Filter 1: MAYBE PK Fc 100 Hz Gain 1 dB Q 1\n") == "eq.txt:1: filter state 'MAYBE' is not ON or OFF");
    CHECK(parse_error_of("\n\nFilter 1: ON PK Fc 100 Hz Gain 1 dB\n") == "eq.txt:3: expected Q but the line ends");
    CHECK(parse_error_of("Filter 1: ON PK Fc 100 kHz Gain 1 dB Q 1\n") == "eq.txt:1: expected 'Hz', found 'kHz'");
    CHECK(parse_error_of("Filter 1: ON PK Fc 100 Hz Gain 1 dB Q 1 extra\n") == "eq.txt:1: unexpected 'extra' at the end of the line");
    CHECK(parse_error_of("Filter 1: ON PK Fc 100 Hz Gain 1 dB Q 0\n") == "eq.txt:1: Q 0 must lie within 0.01 to 100");
    CHECK(parse_error_of("Filter 1: ON PK Fc 30000 Hz Gain 1 dB Q 1\n") == "eq.txt:1: Fc 30000 Hz must lie between 0 and 24000 Hz");
    CHECK(parse_error_of("Preamp: -6 dB\nPreamp: -5 dB\n") == "eq.txt:2: a second Preamp line");
    CHECK(parse_error_of("Preamp -6 dB\n") == "eq.txt:1: expected a 'Preamp:' or 'Filter N:' line, found 'Preamp'");
    CHECK(parse_error_of("Filter ON PK\n") == "eq.txt:1: expected 'Filter N:', found 'Filter ON'");
    CHECK_THROWS_WITH_AS((void)load_parametric_eq("/nonexistent/eq.txt"), "/nonexistent/eq.txt: cannot open the EQ: No such file or directory",
                         io_error);
    // Not a regular file, or nothing in it: an error, never a flat EQ.
    CHECK_THROWS_WITH_AS((void)load_parametric_eq("/tmp"), "/tmp: is a folder: the EQ must be a regular file", io_error);
    CHECK_THROWS_WITH_AS((void)load_parametric_eq("/dev/null"), "/dev/null: is a device: the EQ must be a regular file", io_error);
    const auto empty = test::temp_path("empty_eq.txt");
    { std::ofstream{empty}; }
    CHECK(test::error_of<io_error>([&] { (void)load_parametric_eq(empty); }) == empty.string() + ": is empty: no EQ in it");
    std::filesystem::remove(empty);
}

TEST_CASE("cookbook biquads: a peak's gain at Fc, shelves' plateaus") {
    const eq_filter pk{eq_filter_type::peaking, hz(1000), gain::of_db(5.4), 0.7};
    CHECK(filter_gain_at(pk, hz(1000)).db() == doctest::Approx(5.4).epsilon(1e-9));
    CHECK(std::abs(filter_gain_at(pk, hz(20)).db()) < 0.02);
    const eq_filter ls{eq_filter_type::low_shelf, hz(105), gain::of_db(6.3), 0.7};
    CHECK(filter_gain_at(ls, hz(1)).db() == doctest::Approx(6.3).epsilon(1e-4));
    CHECK(filter_gain_at(ls, hz(105)).db() == doctest::Approx(3.15).epsilon(1e-9));  // half the shelf at Fc
    CHECK(std::abs(filter_gain_at(ls, hz(20000)).db()) < 1e-3);
    const eq_filter hs{eq_filter_type::high_shelf, hz(10000), gain::of_db(-3.1), 0.7};
    CHECK(filter_gain_at(hs, hz(23999)).db() == doctest::Approx(-3.1).epsilon(1e-3));
    CHECK(filter_gain_at(hs, hz(10000)).db() == doctest::Approx(-1.55).epsilon(1e-9));
    // Two filters add in dB.
    const parametric_eq eq{gain::of_db(-6), {pk, ls}};
    CHECK(eq_gain_at(eq, hz(300)).db() == doctest::Approx(filter_gain_at(pk, hz(300)).db() + filter_gain_at(ls, hz(300)).db()));
}

TEST_CASE("real AutoEq files: the max boost matches -Preamp within 0.06 dB and an independent evaluation") {
    struct expected {
        const char* file;
        double peak_db, peak_hz;  // from the data directory's README
    };
    const expected cases[] = {
        {"Sennheiser HD 600 ParametricEQ.txt", 6.26, 20}, {"Sennheiser HD 650 ParametricEQ.txt", 6.09, 20},
        {"AKG K701 ParametricEQ.txt", 5.80, 20},          {"AKG K240 Studio ParametricEQ.txt", 6.16, 66},
        {"HIFIMAN Sundara ParametricEQ.txt", 5.06, 20},   {"Audio-Technica ATH-M50x ParametricEQ.txt", 3.34, 339},
    };
    const auto grid = audio_band_grid();
    for (const auto& c : cases) {
        const std::string name = c.file;
        CAPTURE(name);
        const auto path = data_dir / c.file;
        const auto eq = load_parametric_eq(path.string());
        const auto r = eq_response_on(eq, grid);
        const auto ref = read_reference(path);
        CHECK(eq.filters().size() == ref.filters.size());
        CHECK(eq.preamp().db() == ref.preamp);
        // The library's response equals the closed form at every grid frequency.
        double worst_difference = 0.0;
        for (Eigen::Index i = 0; i < grid.size(); ++i) {
            double g = 0.0;
            for (const auto& f : ref.filters) g += reference_gain_db(f, grid.hz[i], 48000.0);
            worst_difference = std::max(worst_difference, std::abs(g - r.gain_db[i]));
        }
        CHECK(worst_difference < 1e-7);  // the closed form loses digits to cancellation near DC
        // The independent scan (1/192 octave) finds the same peak.
        double ref_peak = -1e9, ref_peak_hz = 0.0;
        for (double f = 20.0; f <= 20000.0; f *= std::exp2(1.0 / 192.0)) {
            double g = 0.0;
            for (const auto& flt : ref.filters) g += reference_gain_db(flt, f, 48000.0);
            if (g > ref_peak) ref_peak = g, ref_peak_hz = f;
        }
        CHECK(std::abs(r.peak.boost.db() - (-eq.preamp().db())) <= 0.06);
        CHECK(std::abs(ref_peak - (-ref.preamp)) <= 0.06);
        CHECK(r.peak.boost.db() == doctest::Approx(c.peak_db).epsilon(0.005 / c.peak_db));
        CHECK(r.peak.boost.db() <= ref_peak + 1e-3);
        CHECK(r.peak.boost.db() >= ref_peak - 0.01);
        CHECK(value_in(r.peak.at, hertz) == doctest::Approx(c.peak_hz).epsilon(0.03));
        CHECK(ref_peak_hz == doctest::Approx(c.peak_hz).epsilon(0.03));
        // AutoEq's preamp covers the boost: no digital clipping. Music gains less than the peak boost.
        CHECK_FALSE(r.clips_digitally());
        CHECK(r.programme_increase < r.peak.boost);
        // At 44.1 kHz the peak does not move (the README's cross-check).
        CHECK(eq_response_on(eq, grid, programme_spectrum::pink, 44100.0).peak.boost.db() ==
              doctest::Approx(r.peak.boost.db()).epsilon(1e-3));
    }
}

TEST_CASE("EQ-aware headroom: the boost is wanted on top of the target, the preamp is not") {
    // 300 ohm, 100 dB/V, 2 V: 106.02 dB SPL everywhere. A 6 dB peak at 1 kHz leaves 106.02 - (100 + 6) at 1 kHz.
    output_spec s;
    s.open_circuit_voltage = in_si(2.0, volt);
    const output_stage out{"amp", s};
    const headphone hp{"hp", in_si(300.0, ohm), sensitivity::per_volt(spl::of_db(100))};
    const parametric_eq eq{gain::of_db(-6.0), {eq_filter{eq_filter_type::peaking, hz(1000), gain::of_db(6.0), 1.0}}};
    const auto g = audio_band_grid();
    const auto r = eq_response_on(eq, g);
    const auto h = headroom_across(out, hp, impedance_curve::resistive(in_si(300.0, ohm)), programme{spl::of_db(100)}, g,
                                   eq_demand{r.gain_db, r.preamp});
    CHECK(h.worst.db() == doctest::Approx(0.0205999133));
    CHECK(value_in(h.worst_at, hertz) == 1000.0);
    CHECK(h.margin_db[0] == doctest::Approx(6.0205999133 - r.gain_db[0]));
}

TEST_CASE("EQ values out of range are refused where the filter or the EQ is made") {
    const auto error = [](auto make) { return test::error_of<spec_error>(make); };
    CHECK(error([] { (void)eq_filter(eq_filter_type::peaking, hz(1000), gain::of_db(1000), 1.0); }) ==
          "EQ filter: gain must lie within -60 to 60 dB");
    CHECK(error([] { (void)eq_filter(eq_filter_type::peaking, hz(1000), gain::of_db(3), std::nan("")); }) ==
          "EQ filter: Q must be a finite number");
    CHECK(error([] { (void)eq_filter(eq_filter_type::peaking, hz(1000), gain::of_db(3), 500.0); }) ==
          "EQ filter: Q must lie within 0.01 to 100");
    CHECK(error([] { (void)eq_filter(eq_filter_type::peaking, hz(30000), gain::of_db(3), 1.0); }) ==
          "EQ filter: Fc must lie within 0 to 24000 Hz");
    CHECK(error([] { (void)parametric_eq(gain::of_db(-100), {}); }) == "EQ: preamp must lie within -60 to 60 dB");
    CHECK(parse_error_of("Filter 1: ON PK Fc 100 Hz Gain 1000 dB Q 1\n") == "eq.txt:1: Gain 1000 dB must lie within -60 to 60 dB");
    CHECK(parse_error_of("Filter 1: ON PK Fc 100 Hz Gain 3 dB Q 1000\n") == "eq.txt:1: Q 1000 must lie within 0.01 to 100");
    CHECK(parse_error_of("Preamp: -1e9 dB\n") == "eq.txt:1: Preamp -1e9 dB must lie within -60 to 60 dB");
}

TEST_CASE("a narrow peak between grid points is found exactly") {
    // A Q = 40 peak of +12 dB at 1031 Hz falls between the 1/48-octave grid's 1000 and 1014.5 Hz and 1029.3 Hz...
    // wherever it falls, the exact maximum is its gain at Fc.
    for (const double q : {6.0, 10.0, 20.0, 40.0, 100.0}) {
        CAPTURE(q);
        const parametric_eq eq{gain::of_db(0.0), {eq_filter{eq_filter_type::peaking, hz(1037.3), gain::of_db(12.0), q}}};
        const auto p = exact_peak(eq);
        CHECK(p.boost.db() == doctest::Approx(12.0).epsilon(1e-9));
        CHECK(value_in(p.at, hertz) == doctest::Approx(1037.3).epsilon(1e-6));
    }
}

TEST_CASE("the exact peak is within 0.01 dB of a dense reference for random filter sets with Q up to 100") {
    // Seeded random sets of 1-8 filters of every kind, Fc over the band, gains within +-15 dB, Q log-uniform over
    // 0.1-100 (a shelf of high Q overshoots in a narrow resonance below or above Fc). The reference is the test's own
    // closed form: every 1/96 octave, 1001 points across each filter's window (a peak's +-4 bandwidths, a shelf's
    // octave either side), and every local maximum of those samples refined by bisection on the slope.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    constexpr int sets = 300;  // the sanitizers slow this tenfold; the full count runs in the plain build
#else
    constexpr int sets = 10000;
#endif
    std::mt19937_64 rng{2024};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    const char* kinds[] = {"PK", "LSC", "HSC"};
    const auto grid = audio_band_grid();
    double worst = 0.0;
    for (int trial = 0; trial < sets; ++trial) {
        std::vector<eq_filter> filters;
        std::vector<reference_filter> ref;
        const int n = 1 + static_cast<int>(u(rng) * 8);
        for (int k = 0; k < n; ++k) {
            const int kind = u(rng) < 0.7 ? 0 : (u(rng) < 0.5 ? 1 : 2);
            const double fc = 20.0 * std::pow(1000.0, u(rng));
            const double g = -15.0 + 30.0 * u(rng);
            const double q = 0.1 * std::pow(1000.0, u(rng));
            filters.emplace_back(static_cast<eq_filter_type>(kind), hz(fc), gain::of_db(g), q);
            ref.push_back({kinds[kind], fc, g, q});
        }
        const parametric_eq eq{gain::of_db(0.0), filters};
        const auto at = [&](double f) {
            double total = 0.0;
            for (const auto& r : ref) total += reference_gain_db(r, f, 48000.0);
            return total;
        };
        std::vector<double> fs;
        for (double f = 20.0; f < 20000.0; f *= std::exp2(1.0 / 96.0)) fs.push_back(f);
        fs.push_back(20000.0);
        for (const auto& r : ref) {
            const double half = r.type == "PK" ? 1.0 + 4.0 / r.q : 2.0;
            for (int k = 0; k <= 1000; ++k) {
                const double f = r.fc * std::pow(half, -1.0 + k / 500.0);
                if (f > 20.0 && f < 20000.0) fs.push_back(f);
            }
        }
        std::sort(fs.begin(), fs.end());
        std::vector<double> g(fs.size());
        double dense = -1e9;
        for (std::size_t i = 0; i < fs.size(); ++i) dense = std::max(dense, g[i] = at(fs[i]));
        for (std::size_t i = 1; i + 1 < fs.size(); ++i) {
            if (!(g[i] >= g[i - 1] && g[i] >= g[i + 1])) continue;
            double a = std::log(fs[i - 1]), b = std::log(fs[i + 1]);  // bisect on the sign of the slope
            for (int k = 0; k < 60; ++k) {
                const double m = 0.5 * (a + b), d = 1e-9 * (b - a) + 1e-12;
                (at(std::exp(m + d)) > at(std::exp(m - d)) ? a : b) = m;
            }
            dense = std::max(dense, at(std::exp(0.5 * (a + b))));
        }
        const double exact = exact_peak(eq, grid).boost.db();
        CAPTURE(trial);
        CHECK(exact >= dense - 0.01);
        CHECK(exact <= dense + 0.01);
        worst = std::max(worst, std::abs(exact - dense));
    }
    MESSAGE("largest |exact - dense| over " << sets << " sets: " << worst << " dB");
}

TEST_CASE("digital clipping and the programme estimate") {
    // +6 dB everywhere behind no preamp clips by 6 dB; pink noise through a flat +6 dB gains exactly 6 dB.
    const parametric_eq flat6{gain::of_db(0.0), {eq_filter{eq_filter_type::low_shelf, hz(20000), gain::of_db(6.0), 0.7}}};
    const auto r = eq_response_on(flat6);
    CHECK(r.peak.boost.db() == doctest::Approx(6.0).epsilon(0.02));
    CHECK(r.clips_digitally());
    CHECK(r.digital_overshoot.db() == doctest::Approx(r.peak.boost.db()));
    // A narrow +12 dB peak barely moves pink noise: one tenth of an octave of ten octaves at +12 dB.
    const parametric_eq narrow{gain::of_db(-12.0), {eq_filter{eq_filter_type::peaking, hz(1000), gain::of_db(12.0), 14.0}}};
    const auto n = eq_response_on(narrow);
    CHECK_FALSE(n.clips_digitally());
    CHECK(n.programme_increase.db() > 0.0);
    CHECK(n.programme_increase.db() < 0.5);
}

TEST_CASE("an EQ file with carriage-return line endings (old Mac editors) is read line by line") {
    const std::string lf = "Preamp: -6.2 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6.0 dB Q 0.70\nFilter 2: ON PK Fc 2000 Hz Gain -3.0 dB Q 1.0\n";
    std::string cr = lf;
    std::replace(cr.begin(), cr.end(), '\n', '\r');
    const parametric_eq a = read_parametric_eq(lf, "lf.txt");
    const parametric_eq b = read_parametric_eq(cr, "cr.txt");
    CHECK(b.filters().size() == 2);
    CHECK(b.preamp().db() == a.preamp().db());
    // A line's number counts the lone CRs too.
    std::string bad = "Preamp: -6 dB\rFilter 1: ON XX Fc 100 Hz Gain 1 dB Q 1\r";
    try {
        (void)read_parametric_eq(bad, "bad.txt");
        FAIL("no error");
    } catch (const io_error& e) {
        CHECK(std::string{e.what()}.rfind("bad.txt:2", 0) == 0);
    }
}

TEST_CASE("a bad line of megabytes is quoted by its start and its length, never echoed whole") {
    const std::string line = "Filter 1: ON PK Fc " + std::string(5'000'000, '9') + "x Hz Gain 1 dB Q 1";
    try {
        (void)read_parametric_eq(line, "big.txt");
        FAIL("no error");
    } catch (const io_error& e) {
        CHECK(std::string_view{e.what()}.size() < 300);
        CHECK(std::string_view{e.what()}.find("characters)") != std::string_view::npos);
    }
}
