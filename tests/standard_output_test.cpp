// Standard output is output too: a full device, a closed descriptor or a broken pipe gives one line on stderr and
// exit 1, never a silent exit 0. In-process through a failing stream, and through the real executable with
// stdout on /dev/full, closed (>&-) and on a pipe nobody reads.

#include "cli/standard_output.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using headroom::test::launch;
using headroom::test::launch_options;
using headroom::test::scratch_dir;
using headroom::test::slurp;
using headroom::test::wait_for;

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// A stream buffer that accepts `room` bytes and then fails, like a disk filling up.
class filling_buffer : public std::streambuf {
public:
    explicit filling_buffer(std::size_t room) : room_{room} {}

protected:
    int_type overflow(int_type c) override {
        if (room_ == 0) return traits_type::eof();
        --room_;
        return traits_type::not_eof(c);
    }

private:
    std::size_t room_;
};

struct outcome {
    int exit_code;  // -1 when not a normal exit
    int signal;     // the signal that ended it, or 0
    std::string err;
};

outcome run_real(const std::vector<std::string>& args, launch_options o, const scratch_dir& s) {
    o.err = (s.dir / "stderr").string();
    const int status = wait_for(launch(args, o));
    outcome r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0, slurp(s.dir / "stderr")};
    fs::remove(s.dir / "stderr");
    return r;
}

void check_lost(const outcome& r, const std::string& reason) {
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("cannot write standard output") != std::string::npos);
    CHECK(r.err.find(reason) != std::string::npos);
}

}  // namespace

TEST_CASE("run(): output the stream cannot take is reported, exit 1") {
    for (const std::size_t room : {std::size_t{0}, std::size_t{100}}) {
        filling_buffer full{room};
        std::ostream out{&full};
        std::ostringstream err;
        const int code = headroom::cli::run({"catalog", "headphones"}, out, err);
        CHECK(code == 1);
        CHECK(lines(err.str()) == 1);
        CHECK(err.str().find("headroom: cannot write standard output") == 0);
    }
    filling_buffer full{0};
    std::ostream out{&full};
    std::ostringstream err;
    CHECK(headroom::cli::run({"--help"}, out, err) == 1);
}

TEST_CASE("fd_streambuf: the first failure is kept, and every later write fails") {
    const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    headroom::cli::fd_streambuf buf{fd};
    std::ostream out{&buf};
    out << std::string(100, 'x');
    CHECK(out.good());  // still in the buffer
    out.flush();
    CHECK_FALSE(out.good());
    CHECK(buf.error() == ENOSPC);
    CHECK(headroom::cli::write_failure(out) == "No space left on device");
    ::close(fd);
}

TEST_CASE("the executable: standard output on /dev/full, closed, or a pipe nobody reads") {
    const scratch_dir s{"stdout_real"};
    launch_options full;
    full.out = "/dev/full";
    check_lost(run_real({"sweep", "--synthetic", "30x40", "--top", "3", "--json"}, full, s), "No space left on device");
    check_lost(run_real({"catalog", "headphones"}, full, s), "No space left on device");
    check_lost(run_real({"--help"}, full, s), "No space left on device");
    check_lost(run_real({"sweep", "--synthetic", "3x4", "--out", "-"}, full, s), "No space left on device");

    launch_options closed;
    closed.out = "";
    check_lost(run_real({"sweep", "--synthetic", "30x40", "--top", "3", "--json"}, closed, s), "Bad file descriptor");
    check_lost(run_real({"sweep", "--synthetic", "3x4", "--out", "-"}, closed, s), "Bad file descriptor");

    // With stdout closed, the CSV must not land on descriptor 1 or take the report: the file is whole, the report
    // is lost and said to be.
    const fs::path csv = s.dir / "pairs.csv";
    check_lost(run_real({"sweep", "--synthetic", "3x4", "--out", csv.string()}, closed, s), "Bad file descriptor");
    const std::string written = slurp(csv);
    CHECK(written.rfind("headphone,amplifier,output,gain,", 0) == 0);
    CHECK(lines(written) == 1 + 3 * 4);

    // A pipe whose reader has gone: SIGPIPE ends the process as usual; where SIGPIPE is ignored, EPIPE is an error.
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    ::close(ends[0]);
    launch_options pipe;
    pipe.out_fd = ends[1];
    const outcome killed = run_real({"catalog", "headphones"}, pipe, s);
    CHECK(killed.signal == SIGPIPE);
    pipe.ignore_sigpipe = true;
    check_lost(run_real({"catalog", "headphones"}, pipe, s), "Broken pipe");
    ::close(ends[1]);

    // Nothing to write is no failure, even with stdout closed; errors still get their line and exit 2.
    const outcome bad = run_real({"sweep", "--synthetic", "0x1"}, closed, s);
    CHECK(bad.exit_code == 2);
    CHECK(lines(bad.err) == 1);
}
