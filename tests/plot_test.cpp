// headroom plot load | response: images through gnuplot, written atomically; clear errors without gnuplot.
// Hostile names (as curve files and as --out) run nothing and still give an image; a gnuplot that fails, is
// killed or draws nothing, a full disk and a signal all leave the old image and no temporary file; --headphone
// looks the name up and marks it.

#include "cli/utf8.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
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
    CHECK(r.err.rfind("headroom plot: --out: '" + (s.dir / "x.pdf").string() + "' must end in .svg or .png", 0) == 0);

    r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "missing" / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err == "headroom plot: --out: directory '" + (s.dir / "missing").string() + "' does not exist\n");

    r = run({"plot", "response", "--zout", "10", "--out", (s.dir / "r.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("plot response needs --impedance-curve FILE, --driver") != std::string::npos);

    r = run({"plot", "load", "--out", (s.dir / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("no limit is stated: give at least one of --vmax") != std::string::npos);

    r = run({"plot", "--out", (s.dir / "x.png").string()});
    CHECK(r.code == 2);
    CHECK(s.entries() == 0);

    // Only a regular file is replaced: a link to a victim and a device are refused before gnuplot runs.
    std::ofstream{s.dir / "victim"} << "precious";
    fs::create_symlink(s.dir / "victim", s.dir / "link.svg");
    r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "link.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("is a symbolic link") != std::string::npos);
    CHECK(headroom::test::slurp(s.dir / "victim") == "precious");
    CHECK(fs::is_symlink(s.dir / "link.svg"));
    REQUIRE(::mkfifo((s.dir / "fifo.svg").c_str(), 0600) == 0);
    r = run({"plot", "load", "--vmax", "2", "--out", (s.dir / "fifo.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("is a FIFO") != std::string::npos);
    CHECK(fs::is_fifo(s.dir / "fifo.svg"));
    CHECK(s.entries() == 3);
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

// ---------------------------------------------------------------------------------------------------------------
// Untrusted names, failing gnuplots, full disks, signals.

namespace {

using headroom::test::scratch_dir;
using headroom::test::slurp;

// Sets PATH for the guard's life (the plot commands find gnuplot there).
struct path_guard {
    std::string saved;
    explicit path_guard(const std::string& path) : saved{std::getenv("PATH") ? std::getenv("PATH") : ""} {
        ::setenv("PATH", path.c_str(), 1);
    }
    ~path_guard() { ::setenv("PATH", saved.c_str(), 1); }
    path_guard(const path_guard&) = delete;
    path_guard& operator=(const path_guard&) = delete;
};

// Runs with the working directory at `dir` for the guard's life: an injected `touch PWNED` would land there.
struct cwd_guard {
    fs::path saved = fs::current_path();
    explicit cwd_guard(const fs::path& dir) { fs::current_path(dir); }
    ~cwd_guard() { fs::current_path(saved); }
    cwd_guard(const cwd_guard&) = delete;
    cwd_guard& operator=(const cwd_guard&) = delete;
};

// A stand-in for gnuplot: a shell script called gnuplot in `dir`.
void fake_gnuplot(const fs::path& dir, const std::string& body) {
    fs::create_directories(dir);
    std::ofstream{dir / "gnuplot"} << "#!/bin/sh\n" << body << "\n";
    fs::permissions(dir / "gnuplot", fs::perms::owner_all);
}

bool pwned_anywhere(const fs::path& dir) {
    for (const auto& e : fs::recursive_directory_iterator{dir})
        if (e.path().filename().string().find("PWNED") == 0) return true;
    return false;
}

const fs::path hd650 = source_dir / "data/curves/sennheiser_hd650.csv";

}  // namespace

TEST_CASE("plot: hostile file names run nothing, and the image is still drawn") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: hostile-name rendering tests skipped");
        return;
    }
    const scratch_dir s{"plot_hostile"};
    const cwd_guard here{s.dir};
    // Each name is used for the curve file (its name is in the graph's title) and for --out.
    const std::vector<std::string> names{
        "x`touch PWNED1`",
        "x'`touch PWNED2`'",
        "x\"`touch PWNED3`\"",
        "$(touch PWNED4)",
        "x'; system('touch PWNED5'); print '",
        "a\nsystem(\"touch PWNED6\")\nb",
        "x;touch PWNED7;",
        "back\\slash\\",
        "@macro {*9 x}_^&~",
        "caf\xe9 \xff\xfe",
        "esc\x1b[2J\r",
    };
    for (std::size_t k = 0; k < names.size(); ++k) {
        const std::string& name = names[k];
        CAPTURE(k);
        const fs::path curve = s.dir / (name + ".csv");
        fs::copy_file(hd650, curve);
        const fs::path out = s.dir / (name + (k % 2 == 0 ? ".svg" : ".png"));
        const result r = run({"plot", "response", "--impedance-curve", curve.string(), "--zout", "30", "--out", out.string()});
        CAPTURE(r.err);
        REQUIRE(r.code == 0);
        CHECK(r.out.find("wrote ") == 0);
        CHECK(headroom::test::terminal_safe(r.out));
        const std::string image = slurp(out);
        if (k % 2 == 0) {
            CHECK(image.find("</svg>") != std::string::npos);
            CHECK(headroom::cli::is_utf8(image));
        } else {
            CHECK(head(out, 8) == std::string{"\x89PNG\r\n\x1a\n", 8});
        }
    }
    // The title shows a name as written (here markup characters, escaped for enhanced text).
    CHECK(slurp(s.dir / "@macro {*9 x}_^&~.svg").find("@macro {*9 x}_^&amp;~.csv behind") != std::string::npos);
    CHECK_FALSE(pwned_anywhere(s.dir));
    CHECK_FALSE(pwned_anywhere(here.saved));
    CHECK(s.entries().size() == 2 * names.size());  // the curves and the images, nothing else
}

TEST_CASE("plot: gnuplot gets no user text as code, and its failures leave the old image") {
    const scratch_dir s{"plot_fake"};
    const fs::path bin = s.dir / "bin";
    const fs::path out = s.dir / "graph.svg";
    const path_guard path{bin.string() + ":/usr/bin:/bin"};
    const std::vector<std::string> args{"plot", "load", "--vmax", "2", "--headphone", "Sennheiser HD600", "--out", out.string()};
    std::ofstream{out} << "old image";

    // Started without a shell and without arguments, the script on its standard input, the image on its output.
    fake_gnuplot(bin, "echo \"$#\" > '" + (s.dir / "argc").string() + "'\ncat > '" + (s.dir / "stdin").string() +
                          "'\nprintf '<svg>new</svg>'");
    result r = run(args);
    REQUIRE(r.code == 0);
    CHECK(slurp(out) == "<svg>new</svg>");
    CHECK(slurp(s.dir / "argc") == "0\n");
    const std::string script = slurp(s.dir / "stdin");
    CHECK(script.rfind("set terminal svg", 0) == 0);
    CHECK(script.find("graph.svg") == std::string::npos);  // gnuplot never sees the destination
    CHECK(script.find("'Sennheiser HD600, 300 ohm'") != std::string::npos);

    struct failure {
        std::string body, message;
    };
    for (const auto& [body, message] : std::vector<failure>{
             {"cat >/dev/null\nprintf '<svg partial'\necho 'gnuplot> oops' >&2\necho '         line 3: invalid command' >&2\nexit 1",
              "gnuplot failed: line 3: invalid command"},
             {"cat >/dev/null\nprintf '<svg partial'\nkill -9 $$", "gnuplot failed: ended by signal 9"},
             {"cat >/dev/null\nexit 0", "gnuplot failed: it drew nothing"},
         }) {
        std::ofstream{out} << "old image";
        fake_gnuplot(bin, body);
        r = run(args);
        CAPTURE(r.err);
        CHECK(r.code == 1);
        CHECK(r.out.empty());
        CHECK(r.err == "headroom plot: " + message + "\n");
        CHECK(slurp(out) == "old image");
    }
    auto names = s.entries();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"argc", "bin", "graph.svg", "stdin"});
}

TEST_CASE("plot on a full disk: exit 1, the old image untouched, no temporary file") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: full-disk plot test skipped");
        return;
    }
    const scratch_dir s{"plot_full"};
    const fs::path small = s.dir / "small";
    fs::create_directories(small);
    if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=16k") != 0) {
        MESSAGE("cannot mount a small tmpfs here (needs root): full-disk plot test skipped");
        return;
    }
    struct unmount {
        fs::path p;
        ~unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    } const unmount_at_end{small};
    const fs::path out = small / "mojo.png";
    std::ofstream{out} << "old image";
    const result r = run({"plot", "load", "--vmax", "4.887", "--zout", "0.7", "--out", out.string()});
    CAPTURE(r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("No space left on device") != std::string::npos);
    CHECK(slurp(out) == "old image");
    CHECK(std::distance(fs::directory_iterator{small}, fs::directory_iterator{}) == 1);
}

TEST_CASE("plot --headphone: the catalog's headphone is looked up and marked, and a miss names the nearest") {
    const scratch_dir s{"plot_headphone"};
    result r = run({"plot", "load", "--vmax", "2", "--headphone", "No Such Name", "--out", (s.dir / "x.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("--headphone: no headphone 'No Such Name'") != std::string::npos);
    r = run({"plot", "load", "--vmax", "2", "--headphone", "Sennheiser HD 600", "--out", (s.dir / "x.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("did you mean 'Sennheiser HD600'") != std::string::npos);
    r = run({"plot", "response", "--zout", "10", "--headphone", "Sennheiser HD600", "--out", (s.dir / "x.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("--headphone: the catalog has no impedance curve for 'Sennheiser HD600'") != std::string::npos);
    CHECK(s.entries().empty());
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: the drawn marks are not checked");
        return;
    }
    r = run({"plot", "load", "--vmax", "2", "--headphone", "sennheiser hd600", "--out", (s.dir / "load.svg").string()});
    REQUIRE(r.code == 0);
    CHECK(slurp(s.dir / "load.svg").find("Sennheiser HD600, 300 ohm") != std::string::npos);
    r = run({"plot", "response", "--zout", "120", "--headphone", "Sennheiser HD650 (measured)", "--out", (s.dir / "r.svg").string()});
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    const std::string svg = slurp(s.dir / "r.svg");
    CHECK(svg.find("Sennheiser HD650 (measured) (sennheiser_hd650.csv) behind") != std::string::npos);
    CHECK(svg.find("nominal Sennheiser HD650 (measured), 320 ohm") != std::string::npos);
}

TEST_CASE("plot --amp: a catalog amplifier's own outputs are drawn, no derived bridge, and response states its Z_out") {
    const scratch_dir s{"plot_amp"};
    result r = run({"plot", "load", "--amp", "No Such Amp", "--out", (s.dir / "x.svg").string()});
    CHECK(r.code == 2);
    CHECK(r.err.find("--amp: no amplifier 'No Such Amp'") != std::string::npos);
    CHECK(s.entries().empty());
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: the drawn outputs are not checked");
        return;
    }
    r = run({"plot", "load", "--amp", "FiiO K19", "--out", (s.dir / "load.svg").string()});
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    const std::string load = slurp(s.dir / "load.svg");
    CHECK(load.find(">6.35mm<") != std::string::npos);
    CHECK(load.find(">4.4mm balanced<") != std::string::npos);
    CHECK(load.find("derived") == std::string::npos);  // the amplifier states its balanced output

    // The mini-i Pro 3's headphone output measures 11 ohm: behind it the R70x's curve deviates by a tenth of a dB.
    r = run({"plot", "response", "--amp", "Matrix Audio mini-i Pro 3 (measured)", "--headphone",
             "Audio-Technica ATH-R70x (measured)", "--out", (s.dir / "r.svg").string()});
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Z_out 11 ohm: response spread 0.11 dB") != std::string::npos);
    CHECK(slurp(s.dir / "r.svg").find("6.35mm, Zout 11 ohm: spread 0.11 dB") != std::string::npos);  // the key
}

TEST_CASE("plot --out -: SVG on standard output and nothing else") {
    if (!have_gnuplot()) {
        MESSAGE("gnuplot not found on PATH: plot --out - not checked");
        return;
    }
    const result r = run({"plot", "load", "--vmax", "2", "--out", "-"});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find("<svg") != std::string::npos);
    CHECK(r.out.find("</svg>") != std::string::npos);
    CHECK(r.out.find("wrote") == std::string::npos);
}

TEST_CASE("SIGTERM or SIGINT while gnuplot draws: gnuplot ends too, the old image stays, no temporary file") {
    for (const int signal_number : {SIGTERM, SIGINT}) {
        CAPTURE(signal_number);
        const scratch_dir s{"plot_signal"};
        const fs::path bin = s.dir / "bin", out = s.dir / "graph.svg", pid_file = s.dir / "pid";
        fake_gnuplot(bin, "echo $$ > '" + pid_file.string() + "'\nprintf '<svg partial'\nexec sleep 30");
        std::ofstream{out} << "old image";
        headroom::test::launch_options o;
        o.env = {"PATH=" + bin.string() + ":/usr/bin:/bin"};
        headroom::test::child_process plot{headroom::test::launch({"plot", "load", "--vmax", "2", "--out", out.string()}, o)};
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        const auto temporary_started = [&] {
            for (const auto& e : fs::directory_iterator{s.dir})
                if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
            return false;
        };
        const auto drawing = [&] { return !slurp(pid_file).empty() && temporary_started(); };
        while (!drawing() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds{5});
        REQUIRE(drawing());
        const pid_t gnuplot = std::stoi(slurp(pid_file));
        ::kill(plot.pid(), signal_number);
        const int status = plot.wait(std::chrono::seconds{10});
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == signal_number);
        // gnuplot has been killed: gone, or a zombie waiting for whoever inherited it.
        const auto running = [&] {
            const std::string stat = slurp("/proc/" + std::to_string(gnuplot) + "/stat");
            const auto close = stat.rfind(')');
            return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
        };
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
        while (running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds{5});
        CHECK_FALSE(running());
        if (running()) ::kill(gnuplot, SIGKILL);
        CHECK(slurp(out) == "old image");
        auto names = s.entries();
        std::sort(names.begin(), names.end());
        CHECK(names == std::vector<std::string>{"bin", "graph.svg", "pid"});
    }
}
