#pragma once

// Helpers shared by the test files: running the headroom command in-process, private temporary paths, the
// source tree, and the message of an expected exception.

#include "cli/app.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace headroom::test {

struct result {
    int code;
    std::string out, err;
};

// Runs `headroom <args>` in-process, capturing stdout and stderr.
inline result run(const std::vector<std::string>& args, headroom::cli::run_options options = {}) {
    std::ostringstream out, err;
    const int code = headroom::cli::run(args, out, err, options);
    return {code, out.str(), err.str()};
}

// A path in the temporary folder that no other process uses: ctest -j runs test cases as separate processes at
// once, and several build trees may run the suite at the same time.
inline std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("headroom_test_" + std::to_string(::getpid()) + "_" + name);
}

// A fresh private folder, removed with the guard; entries() shows leftovers (temporary files).
struct scratch_dir {
    std::filesystem::path dir;
    explicit scratch_dir(const std::string& name) : dir{temp_path(name)} {
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator{dir}) names.push_back(e.path().filename().string());
        return names;
    }
};

// The project's source tree (this file is in tests/).
inline const std::filesystem::path source_dir = std::filesystem::path{__FILE__}.parent_path().parent_path();

// The real executable, started with fork and exec (no shell, so any byte can be in an argument), for what only
// a separate process shows: exit status and signals, descriptors closed or full, file size limits.
struct launch_options {
    std::string out = "/dev/null";  // where standard output goes; empty: closed
    std::string err = "/dev/null";  // where standard error goes
    int out_fd = -1;                // standard output on this descriptor instead (a pipe)
    rlim_t file_size_limit = RLIM_INFINITY;  // ulimit -f, in bytes
    bool ignore_sigpipe = false;
    std::vector<std::string> env;  // NAME=value entries to add or replace
};

inline pid_t launch(const std::vector<std::string>& args, const launch_options& o = {}) {
    // Everything the child needs is made before fork: after it, only async-signal-safe calls.
    std::vector<std::string> argv_s{HEADROOM_CLI_PATH};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry{*e};
        bool replaced = false;
        for (const auto& mine : o.env)
            replaced = replaced || entry.substr(0, entry.find('=') + 1) == mine.substr(0, mine.find('=') + 1);
        if (!replaced) env_s.push_back(entry);
    }
    env_s.insert(env_s.end(), o.env.begin(), o.env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    const int err = ::open(o.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err < 0 || ::dup2(err, 2) < 0) ::_exit(120);
    if (o.out_fd >= 0) {
        if (::dup2(o.out_fd, 1) < 0) ::_exit(121);
    } else if (o.out.empty()) {
        ::close(1);
    } else {
        const int out = ::open(o.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || ::dup2(out, 1) < 0) ::_exit(122);
    }
    const rlimit limit{o.file_size_limit, o.file_size_limit};
    if (o.file_size_limit != RLIM_INFINITY && ::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(123);
    // As a user at a terminal starts it, whatever the test runner inherited (a background job ignores SIGINT).
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_DFL);
    if (o.ignore_sigpipe) ::signal(SIGPIPE, SIG_IGN);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
}

// The child's wait status; after `timeout` it is killed (SIGKILL), so that a test never hangs on it.
inline int wait_for(pid_t pid, std::chrono::milliseconds timeout = std::chrono::seconds{20}) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
    return status;
}

// A launched process that is killed and reaped if the test stops before waiting for it (a failed REQUIRE), so
// that no test leaves a process running.
class child_process {
public:
    explicit child_process(pid_t pid) : pid_{pid} {}
    ~child_process() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds{20}) {
        const int status = wait_for(pid_, timeout);
        pid_ = -1;
        return status;
    }

private:
    pid_t pid_;
};

// A whole file, as bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in{p, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, {}};
}

// Whether `text` can go to a terminal as it is: valid UTF-8, no control character but the line feeds that end
// lines, no C1 control (U+0080-U+009F), no bidirectional override or isolate, no line or paragraph separator.
inline bool terminal_safe(const std::string& text) {
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
            ++at;
            continue;
        }
        const std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
        if (n == 0 || at + n > text.size()) return false;
        char32_t cp = c & (n == 2 ? 0x1fU : n == 3 ? 0x0fU : 0x07U);
        for (std::size_t i = 1; i < n; ++i) {
            const auto b = static_cast<unsigned char>(text[at + i]);
            if ((b & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3fU);
        }
        const char32_t least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
            return false;
        at += n;
    }
    return true;
}

// The message of the Error that `f` throws, or "no error".
template <class Error, class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace headroom::test
