// SIGINT, SIGTERM and SIGHUP while `sweep --out` writes its CSV: the process ends by that signal (a shell sees
// 128 + its number), the destination keeps its old content (or stays absent) and no temporary file is left. The
// sweep is large (2000 x 200000 pairs, gigabytes of CSV) so that the signal comes while it writes; a file size
// limit keeps a run that ignored the signal from filling the disk, and a run the test gives up on is killed. The
// wait for the first megabyte is long only for the sanitizer builds (a release build takes well under a second).

#include "support.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using headroom::test::scratch_dir;
using headroom::test::slurp;

// Whether a temporary file beside `dest` has reached `bytes`.
bool temporary_holds(const fs::path& folder, std::uintmax_t bytes) {
    for (const auto& e : fs::directory_iterator{folder}) {
        std::error_code ec;
        if (e.path().filename().string().find(".tmp-") != std::string::npos && fs::file_size(e.path(), ec) >= bytes && !ec)
            return true;
    }
    return false;
}

void interrupt_while_writing(int signal_number, bool old_file) {
    const scratch_dir s{"signal_" + std::to_string(signal_number)};
    const fs::path dest = s.dir / "pairs.csv";
    if (old_file) std::ofstream{dest} << "old\n";
    headroom::test::launch_options o;
    o.err = (s.dir.parent_path() / (s.dir.filename().string() + ".err")).string();
    o.file_size_limit = rlim_t{1} << 30;
    headroom::test::child_process sweep{
        headroom::test::launch({"sweep", "--synthetic", "2000x200000", "--threads", "2", "--out", dest.string()}, o)};
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
    while (!temporary_holds(s.dir, 1 << 20) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    const std::string err_so_far = slurp(o.err);
    CAPTURE(err_so_far);
    REQUIRE(temporary_holds(s.dir, 1 << 20));  // it has started writing
    ::kill(sweep.pid(), signal_number);
    const int status = sweep.wait(std::chrono::seconds{20});
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == signal_number);
    if (old_file) {
        CHECK(slurp(dest) == "old\n");
        CHECK(s.entries() == std::vector<std::string>{"pairs.csv"});
    } else {
        CHECK(s.entries().empty());
    }
    CHECK(slurp(o.err).empty());
    fs::remove(o.err);
}

}  // namespace

TEST_CASE("SIGINT during sweep --out: no temporary file, the old file untouched") {
    interrupt_while_writing(SIGINT, true);
    interrupt_while_writing(SIGINT, false);
}

TEST_CASE("SIGTERM during sweep --out: no temporary file, the old file untouched") { interrupt_while_writing(SIGTERM, true); }

TEST_CASE("SIGHUP during sweep --out: no temporary file, no file") { interrupt_while_writing(SIGHUP, false); }
