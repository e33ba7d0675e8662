#include "gnuplot.hpp"

#include "commands.hpp"
#include "signal_cleanup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

extern char** environ;

namespace headroom::cli {

namespace {

namespace fs = std::filesystem;

// A descriptor closed with its guard.
class unique_fd {
public:
    explicit unique_fd(int fd = -1) noexcept : fd_{fd} {}
    ~unique_fd() { reset(); }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }
    void reset() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

std::optional<fs::path> find_gnuplot() {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return std::nullopt;
    std::string_view rest{path};
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string_view dir = rest.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        if (dir.empty()) continue;
        const fs::path candidate = fs::path{dir} / "gnuplot";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

// A file nobody else can open and that leaves nothing behind: created in a private folder (mkdtemp: 0700, a name
// nobody can guess), and its name and the folder removed at once. What is written to it is read back through the
// descriptor.
unique_fd private_file() {
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path(ec);
    if (ec) {
        const char* env = std::getenv("TMPDIR");
        throw output_error{"no folder for temporary files" + (env != nullptr ? fmt::format(" (TMPDIR is '{}')", env) : std::string{}) + ": " +
                           ec.message() + "; point TMPDIR at a folder you can write"};
    }
    std::string folder = (tmp / "headroom-XXXXXX").string();
    const signals_held held;  // no signal between making the names and removing them
    if (::mkdtemp(folder.data()) == nullptr)
        throw output_error{fmt::format("cannot create a private folder in {}: {}", tmp.string(), std::strerror(errno))};
    const std::string path = folder + "/file";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    const int error = errno;
    ::unlink(path.c_str());
    ::rmdir(folder.c_str());
    if (fd < 0) throw output_error{fmt::format("cannot create a private file in {}: {}", folder, std::strerror(error))};
    return unique_fd{fd};
}

void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t done = ::write(fd, bytes.data(), bytes.size());
        if (done < 0 && errno == EINTR) continue;
        if (done <= 0) throw output_error{fmt::format("cannot write the gnuplot script: {}", std::strerror(done < 0 ? errno : EIO))};
        bytes.remove_prefix(static_cast<std::size_t>(done));
    }
}

// The line of gnuplot's messages that says what went wrong ("line 12: invalid command"), else its first line.
std::string first_message(int log) {
    std::string text;
    std::array<char, 4096> buffer{};
    if (::lseek(log, 0, SEEK_SET) == 0)
        for (ssize_t n; text.size() < 65536 && (n = ::read(log, buffer.data(), buffer.size())) > 0;)
            text.append(buffer.data(), static_cast<std::size_t>(n));
    std::string first;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        std::string_view line{text.data() + at, end - at};
        at = end + 1;
        const auto start = line.find_first_not_of(" \t^");
        if (start == std::string_view::npos) continue;
        line.remove_prefix(start);
        if (line.rfind("line ", 0) == 0 && line.find("warning:") == std::string_view::npos) return std::string{line};
        if (first.empty()) first = line;
    }
    return first;
}

int wait_child(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace

void run_gnuplot(const std::string& script, output_file& image) {
    const auto gnuplot = find_gnuplot();
    if (!gnuplot)
        throw usage_error{"gnuplot not found on PATH: install it (Debian/Ubuntu: apt-get install gnuplot-nox) to draw plots"};

    const unique_fd input = private_file();
    write_all(input.get(), script);
    if (::lseek(input.get(), 0, SEEK_SET) != 0) throw output_error{fmt::format("cannot read the gnuplot script back: {}", std::strerror(errno))};
    const unique_fd log = private_file();
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) throw output_error{fmt::format("cannot make a pipe for gnuplot: {}", std::strerror(errno))};
    const unique_fd from_gnuplot{ends[0]};
    unique_fd to_us{ends[1]};

    // The child: script on stdin, image on stdout, messages on stderr; every other descriptor of ours is
    // close-on-exec. It starts with no signal blocked and the default action for those we handle or ignore.
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attributes);
    ::posix_spawn_file_actions_adddup2(&actions, input.get(), STDIN_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, to_us.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, log.get(), STDERR_FILENO);
    sigset_t none, defaults;
    ::sigemptyset(&none);
    ::sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ}) ::sigaddset(&defaults, s);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setsigdefault(&attributes, &defaults);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const std::string program = gnuplot->string();
    std::array<char*, 2> argv{const_cast<char*>(program.c_str()), nullptr};

    pid_t pid = 0;
    std::optional<cleanup_child> child;
    int spawned = 0;
    {
        const signals_held held;  // started and registered as one step
        spawned = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
        if (spawned == 0) child.emplace(pid);
    }
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
    if (spawned != 0) throw output_error{fmt::format("cannot run {}: {}", program, std::strerror(spawned))};
    to_us.reset();  // so that the pipe ends when gnuplot does

    std::size_t drawn = 0;
    try {
        std::array<char, 1 << 16> buffer{};
        for (;;) {
            const ssize_t n = ::read(from_gnuplot.get(), buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw output_error{fmt::format("cannot read from gnuplot: {}", std::strerror(errno))};
            if (n == 0) break;
            image.write({buffer.data(), static_cast<std::size_t>(n)});
            drawn += static_cast<std::size_t>(n);
        }
    } catch (...) {
        ::kill(pid, SIGKILL);
        wait_child(pid);
        throw;
    }
    const int status = wait_child(pid);
    child->release();
    if (WIFSIGNALED(status)) throw output_error{fmt::format("gnuplot failed: ended by signal {}", WTERMSIG(status))};
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || drawn == 0) {
        const std::string message = first_message(log.get());
        throw output_error{"gnuplot failed" + (message.empty() ? std::string{drawn == 0 ? ": it drew nothing" : ""} : ": " + message)};
    }
}

}  // namespace headroom::cli
