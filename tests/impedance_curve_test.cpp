#include "headroom/frequency_grid.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/io.hpp"

#include "support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <string>

using namespace headroom;

namespace {

impedance_curve parse(const std::string& text) { return read_impedance_curve(text, "z.csv"); }

std::string parse_error_of(const std::string& text) {
    return test::error_of<io_error>([&] { (void)parse(text); });
}

double ohms(double v) { return v; }
frequency hz(double v) { return in_si(v, hertz); }

}  // namespace

TEST_CASE("the audio-band grid: 1/48 octave anchored at exactly 1 kHz, with the band edges") {
    const auto g = audio_band_grid();
    // k = -270 .. 207 (1 kHz * 2^(k/48) strictly inside 20 Hz-20 kHz) plus the two edges.
    CHECK(g.size() == 480);
    CHECK(g.hz[0] == 20.0);
    CHECK(g.hz[g.size() - 1] == 20000.0);
    CHECK(g.reference_index == 271);
    CHECK(g.hz[g.reference_index] == 1000.0);
    CHECK(g.hz[g.reference_index + 48] == doctest::Approx(2000.0).epsilon(1e-12));
    CHECK(g.hz[1] == doctest::Approx(1000.0 * std::exp2(-270.0 / 48.0)).epsilon(1e-12));
    for (Eigen::Index i = 1; i < g.size(); ++i) CHECK(g.hz[i] > g.hz[i - 1]);
    CHECK(audio_band_grid(3).hz[audio_band_grid(3).reference_index] == 1000.0);
    CHECK_THROWS_AS((void)audio_band_grid(0), spec_error);
}

TEST_CASE("a curve's minimum over 20 Hz-20 kHz: a table's is at a measured point, a driver's is found by the scan") {
    const auto t = impedance_curve::tabulated({{hz(20), in_si(40.0, ohm)}, {hz(3000), in_si(6.0, ohm)}, {hz(20000), in_si(30.0, ohm)}});
    CHECK(value_in(t.minimum().magnitude, ohm) == doctest::Approx(6.0));
    CHECK(value_in(t.minimum().at, hertz) == doctest::Approx(3000.0));
    // A driver's |Z| is Re at frequencies well away from fs (Le = 0): the minimum is just above Re.
    const auto d = impedance_curve::driver(driver_model{in_si(300.0, ohm), inductance::from_value(0.0), hz(90), 3.0, 1.5});
    CHECK(value_in(d.minimum().magnitude, ohm) == doctest::Approx(300.0).epsilon(0.01));
    CHECK(value_in(d.minimum().magnitude, ohm) >= 300.0);
}

TEST_CASE("a tabulated curve interpolates log|Z| and phase linearly in log f and clamps outside") {
    const auto c = impedance_curve::tabulated({{hz(100), in_si(10.0, ohm), 0.0}, {hz(1000), in_si(100.0, ohm), 60.0}});
    // Halfway in log f (316.2 Hz): |Z| = sqrt(10 * 100), phase 30 degrees.
    const auto mid = c.ohms_at(hz(std::sqrt(1e5)));
    CHECK(std::abs(mid) == doctest::Approx(31.6227766017));
    CHECK(mid.real() == doctest::Approx(31.6227766017 * std::cos(std::numbers::pi / 6)));
    CHECK(mid.imag() == doctest::Approx(15.8113883008));
    CHECK(value_in(c.magnitude_at(hz(20)), ohm) == doctest::Approx(10.0));
    CHECK(value_in(c.magnitude_at(hz(20000)), ohm) == doctest::Approx(100.0));
    CHECK(std::arg(c.ohms_at(hz(20000))) == doctest::Approx(std::numbers::pi / 3));
    CHECK(value_in(c.magnitude_at(hz(1000)), ohm) == doctest::Approx(100.0));
    const auto r = impedance_curve::resistive(in_si(300.0, ohm));
    CHECK(r.ohms_at(hz(20)).real() == doctest::Approx(300.0));
    CHECK(r.ohms_at(hz(20)).imag() == 0.0);
}

TEST_CASE("the driver model: Re + j w Le + Res / (1 + j Qms (f/fs - fs/f)), Res = Re Qms / Qes") {
    const driver_model d{in_si(32.0, ohm), inductance::from_value(0.0), hz(100), 2.0, 0.5};
    CHECK(value_in(d.resonance_peak(), ohm) == doctest::Approx(128.0));
    const auto c = impedance_curve::driver(d);
    // At fs the motional branch is real: 32 + 128.
    CHECK(c.ohms_at(hz(100)).real() == doctest::Approx(160.0));
    CHECK(c.ohms_at(hz(100)).imag() == doctest::Approx(0.0));
    // At 200 Hz: 128 / (1 + 3j) = 12.8 - 38.4j.
    CHECK(c.ohms_at(hz(200)).real() == doctest::Approx(44.8));
    CHECK(c.ohms_at(hz(200)).imag() == doctest::Approx(-38.4));
    const driver_model with_coil{in_si(32.0, ohm), inductance::from_value(1e-4), hz(100), 2.0, 0.5};  // +0.628 ohm at 1 kHz
    const auto z = impedance_curve::driver(with_coil).ohms_at(hz(1000));
    CHECK(z.real() == doctest::Approx(32.3256666));
    CHECK(z.imag() == doctest::Approx(-5.8198801));
    // Every parameter is checked where the model is made, naming the parameter.
    const auto error = [](auto make) { return test::error_of<spec_error>(make); };
    CHECK(error([] { (void)driver_model(in_si(32.0, ohm), inductance::from_value(0.0), hz(100), 2.0, 0.0); }) ==
          "driver model: Qes must lie within 0.01 to 100");
    CHECK(error([] { (void)driver_model(in_si(32.0, ohm), inductance::from_value(0.0), hz(100), 1e6, 1.0); }) ==
          "driver model: Qms must lie within 0.01 to 100");
    CHECK(error([] { (void)driver_model(in_si(std::nan(""), ohm), inductance::from_value(0.0), hz(100), 1.0, 1.0); }) ==
          "driver model: Re must be a finite number");
    CHECK(error([] { (void)driver_model(in_si(32.0, ohm), inductance::from_value(0.0), hz(0.1), 1.0, 1.0); }) ==
          "driver model: fs must lie within 1 to 100000 Hz");
    (void)ohms;
}

TEST_CASE("the grid evaluation equals point evaluation") {
    const auto c = impedance_curve::driver({in_si(300.0, ohm), inductance::from_value(2e-4), hz(90), 3.0, 1.5});
    const auto g = audio_band_grid(12);
    const Eigen::ArrayXcd z = ohms_on(c, g);
    for (Eigen::Index i = 0; i < g.size(); ++i) CHECK(z[i] == c.ohms_at(g.at(i)));
}

TEST_CASE("CSV: header, comments and an optional phase column") {
    const auto c = parse("# measured by hand\nfrequency_hz,magnitude_ohm,phase_deg\n20, 50, 10\n\n2000,200,-20\r\n");
    CHECK(value_in(c.magnitude_at(hz(200)), ohm) == doctest::Approx(100.0));
    CHECK(std::arg(c.ohms_at(hz(200))) * 180.0 / std::numbers::pi == doctest::Approx(-5.0));
    const auto two = parse("20,50\n2000,200\n");
    CHECK(std::arg(two.ohms_at(hz(200))) == 0.0);
    CHECK(c.name() == "z.csv");
}

TEST_CASE("CSV errors name file:line and the field") {
    CHECK(parse_error_of("f,z\n20,50\n30,abc\n") == "z.csv:3: magnitude_ohm 'abc' is not a number");
    CHECK(parse_error_of("20,50\nx,60\n") == "z.csv:2: frequency_hz 'x' is not a number");
    CHECK(parse_error_of("20,50\n30,60,x\n") == "z.csv:2: phase_deg 'x' is not a number");
    CHECK(parse_error_of("20,50\n20,60\n") == "z.csv:2: frequency_hz '20' must be above line 1's (rows in increasing frequency)");
    CHECK(parse_error_of("20,-5\n") == "z.csv:1: magnitude_ohm '-5' must be positive");
    CHECK(parse_error_of("0,5\n") == "z.csv:1: frequency_hz '0' must be positive");
    CHECK(parse_error_of("20,5,95\n") == "z.csv:1: phase_deg '95' must lie within -90 to 90");
    CHECK(parse_error_of("20,5,1,2\n") == "z.csv:1: expected frequency_hz,magnitude_ohm[,phase_deg], found 4 field(s)");
    CHECK(parse_error_of("20\n") == "z.csv:1: expected frequency_hz,magnitude_ohm[,phase_deg], found 1 field(s)");
    CHECK(parse_error_of("# nothing\nfrequency_hz,magnitude_ohm\n") ==
          "z.csv: no impedance rows (expected frequency_hz,magnitude_ohm[,phase_deg])");
    CHECK(parse_error_of("20,50\nf,z\n") == "z.csv:2: frequency_hz 'f' is not a number");  // a header only comes first
    CHECK_THROWS_WITH_AS((void)load_impedance_curve("/nonexistent/z.csv"),
                         "/nonexistent/z.csv: cannot open the impedance curve: No such file or directory", io_error);
}

TEST_CASE("CSV: a header is recognised by its names, a byte-order mark is skipped, odd first rows are data") {
    // A UTF-8 byte-order mark before the first row must not cost the row.
    const auto bom = parse("\xEF\xBB\xBF" "20,50\n2000,200\n");
    CHECK(value_in(bom.magnitude_at(hz(20)), ohm) == doctest::Approx(50.0));
    // Header rows as measurement tools write them.
    for (const char* header : {"frequency_hz,magnitude_ohm,phase_deg", "Freq (Hz), Impedance (ohm), Phase (deg)", "f,|Z|",
                               "Frequency,Magnitude"})
        CHECK(value_in(parse(std::string{header} + "\n20,50\n2000,200\n").magnitude_at(hz(20)), ohm) == doctest::Approx(50.0));
    // A first row that is not a header is data, and wrong data is an error, never a skipped header.
    CHECK(parse_error_of("nan,50\n2000,200\n") == "z.csv:1: frequency_hz 'nan' is not a number");
    CHECK(parse_error_of("-20,50\n2000,200\n") == "z.csv:1: frequency_hz '-20' must be positive");
    CHECK(parse_error_of("hello,world\n20,50\n") == "z.csv:1: frequency_hz 'hello' is not a number");
}

TEST_CASE("driver parameters from text") {
    const auto d = parse_driver_model("Re=25ohm, Le=0.1mH, fs=100Hz, Qms=3, Qes=0.5");
    CHECK(value_in(d.re(), ohm) == 25.0);
    CHECK(d.le().value() == doctest::Approx(1e-4));
    CHECK(value_in(d.fs(), hertz) == 100.0);
    CHECK(d.qms() == 3.0);
    CHECK(d.qes() == 0.5);
    CHECK(parse_driver_model("Qes=1,Qms=1,fs=1kHz,Le=50uH,Re=300").fs() == hz(1000));
    CHECK_THROWS_WITH_AS((void)parse_driver_model("Re=25,Le=0,fs=100,Qms=3"),
                         "driver parameter Qes is missing (give Re, Le, fs, Qms, Qes)", io_error);
    CHECK_THROWS_WITH_AS((void)parse_driver_model("Re=25,Re=26"), "driver parameter Re is given twice", io_error);
    CHECK_THROWS_WITH_AS((void)parse_driver_model("Rx=25"), "unknown driver parameter 'Rx' (keys: Re, Le, fs, Qms, Qes)",
                         io_error);
    CHECK_THROWS_WITH_AS((void)parse_driver_model("Re=25,Le=0,fs=100,Qms=3,Qes=x"), "Qes 'x' is not a number", io_error);
    CHECK_THROWS_WITH_AS((void)parse_driver_model("Re=25,Le=0,fs=100,Qms=1e9,Qes=1"), "Qms: must lie within 0.01 to 100",
                         io_error);
    CHECK_THROWS_AS((void)parse_driver_model("Re=-25,Le=0,fs=100,Qms=3,Qes=1"), io_error);
    CHECK_THROWS_AS((void)parse_driver_model("Re=25,Le=2mF,fs=100,Qms=3,Qes=1"), io_error);
}

TEST_CASE("a measurement export of any length is read whole: its extremes kept exactly in at most max_points rows") {
    // 50000 rows (REW exports tens of thousands), with one sharp dip between two rows of the coarse steps.
    std::string csv = "frequency_hz,magnitude_ohm,phase_deg\n";
    const int rows = 50000;
    double dip_hz = 0.0;
    for (int k = 0; k < rows; ++k) {
        const double hz = 5.0 * std::pow(40000.0 / 5.0, static_cast<double>(k) / (rows - 1));
        double z = 32.0 + 8.0 * std::sin(static_cast<double>(k) * 0.001);
        if (k == 31234) {
            z = 7.25;  // the minimum: the load the limits are taken at
            dip_hz = hz;
        }
        csv += std::to_string(hz) + "," + std::to_string(z) + ",0\n";
    }
    const impedance_curve c = read_impedance_curve(csv, "rew.csv");
    CHECK(value_in(c.minimum().magnitude, ohm) == doctest::Approx(7.25));
    CHECK(std::abs(value_in(c.minimum().at, hertz) / std::stod(std::to_string(dip_hz)) - 1.0) < 1e-9);
}
