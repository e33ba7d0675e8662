// headroom plot load | response: images through gnuplot, written atomically; clear errors without gnuplot.

#include "support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

using headroom::test::result;
using headroom::test::run;

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

using headroom::test::source_dir;

// A fresh directory per test, so that leftovers (temporary images) would show.
struct scratch {
    fs::path dir;
    explicit scratch(const std::string& name) : dir{headroom::test::temp_path("plot_" + name)} {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~scratch() { fs::remove_all(dir); }
    [[nodiscard]] std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator{dir}, fs::directory_iterator{}));
    }
};

std::string head(const fs::path& p, std::size_t n) {
    std::ifstream in{p, std::ios::binary};
    std::string s(n, '\0');
    in.read(s.data(), static_cast<std::streamsize>(n));
    return s.substr(0, static_cast<std::size_t>(in.gcount()));
}

}  // namespace

TEST_CASE("plot load and plot response write PNG and SVG files, and nothing else") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: plot rendering tests skipped");
        return;
    }
    const scratch s{"render"};
    const auto png = (s.dir / "mojo.png").string();
    auto r = run({"plot", "load", "--vmax", "4.887", "--zout", "0.7", "--impedance", "300", "--out", png});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == "wrote " + png + "\n");
    CHECK(head(png, 8) == std::string{"\x89PNG\r\n\x1a\n", 8});

    const auto svg = (s.dir / "limits.svg").string();
    r = run({"plot", "load", "--vmax", "2.5", "--imax", "100mA", "--pmax", "150mW", "--zout", "1", "--out", svg});
    REQUIRE(r.code == 0);
    std::ifstream in{svg};
    const std::string text{std::istreambuf_iterator<char>{in}, {}};
    CHECK(text.find("<svg") != std::string::npos);
    CHECK(text.find("current-limited") != std::string::npos);
    CHECK(text.find("power-limited") != std::string::npos);
    CHECK(text.find("voltage-limited") != std::string::npos);

    const auto response = (s.dir / "hd650.svg").string();
    r = run({"plot", "response", "--impedance-curve", (source_dir / "data/curves/sennheiser_hd650.csv").string(), "--zout", "120",
             "--out", response});
    REQUIRE(r.code == 0);
    std::ifstream rin{response};
    const std::string rtext{std::istreambuf_iterator<char>{rin}, {}};
    CHECK(rtext.find("spread 0.94 dB") != std::string::npos);  // 20 lg(480/600) - 20 lg(305/425)
    CHECK(rtext.find("min 305 ohm at 20 Hz") != std::string::npos);
    CHECK(s.entries() == 3);  // no temporary image left behind
}

TEST_CASE("plot errors: one line on stderr, exit 2, no file") {
    const scratch s{"errors"};
    auto r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "x.pdf").string()});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "headroom plot: --out: '" + (s.dir / "x.pdf").string() + "' must end in .svg or .png\n");

    r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "missing" / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err == "headroom plot: --out: directory '" + (s.dir / "missing").string() + "' does not exist\n");

    r = run({"plot", "response", "--zout", "10", "--out", (s.dir / "r.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("plot response needs --impedance-curve FILE or --driver") != std::string::npos);

    r = run({"plot", "load", "--out", (s.dir / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("state at least one amplifier limit") != std::string::npos);

    r = run({"plot", "--out", (s.dir / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(s.entries() == 0);
}

TEST_CASE("without gnuplot on PATH the plot commands say how to get it") {
    const scratch s{"no_gnuplot"};
    const char* old = std::getenv("PATH");
    const std::string saved = old ? old : "";
    ::setenv("PATH", s.dir.c_str(), 1);  // an empty directory: no gnuplot there
    const auto r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "x.png").string()});
    ::setenv("PATH", saved.c_str(), 1);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "headroom plot: gnuplot not found on PATH: install it (Debian/Ubuntu: apt-get install gnuplot-nox) to draw plots\n");
    CHECK(s.entries() == 0);
}
