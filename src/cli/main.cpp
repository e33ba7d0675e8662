#include "app.hpp"
#include "standard_output.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    using namespace headroom::cli;
    const closed_standard_streams closed = claim_standard_descriptors();
    // A file size limit (ulimit -f) is a write error to report, EFBIG, not a silent death by SIGXFSZ that would
    // leave a temporary file behind.
    std::signal(SIGXFSZ, SIG_IGN);

    fd_streambuf standard_output{STDOUT_FILENO, closed.out ? EBADF : 0};
    std::ostream out{&standard_output};
    const std::vector<std::string> args(argv + 1, argv + argc);
    int code = run(args, out, std::cerr, {.progress = !closed.err && ::isatty(STDERR_FILENO) == 1, .input = &std::cin});

    // run() has flushed and checked standard output; closing it is the last place a delayed write error (a
    // network file system) shows.
    if (!closed.out && ::close(STDOUT_FILENO) != 0 && errno != EINTR && code == exit_ok) {
        std::cerr << "headroom: cannot write standard output: " << std::strerror(errno) << '\n';
        code = exit_io;
    }
    return code;
}
