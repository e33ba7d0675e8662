#include "signal_cleanup.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace headroom::cli {

namespace {

constexpr std::array<int, 3> ending_signals{SIGINT, SIGTERM, SIGHUP};

// A command has at most a few temporary files and one child at a time; the registry is fixed so that the handler
// needs no allocation and no lock.
struct file_slot {
    std::atomic<bool> used{false};
    char path[PATH_MAX]{};
};
std::array<file_slot, 16> files;
std::array<std::atomic<pid_t>, 4> children{};

extern "C" void clean_up_and_reraise(int signal_number) {
    const int saved_errno = errno;
    for (auto& f : files)
        if (f.used.load(std::memory_order_acquire)) ::unlink(f.path);
    for (auto& c : children)
        if (const pid_t pid = c.load(std::memory_order_acquire); pid > 0) ::kill(pid, SIGKILL);
    // The default action once this handler returns (the signal is blocked while it runs): the process ends as
    // the signal asked, and the shell sees 128 + its number.
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    ::sigemptyset(&dfl.sa_mask);
    ::sigaction(signal_number, &dfl, nullptr);
    ::raise(signal_number);
    errno = saved_errno;
}

void install_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (const int s : ending_signals) {
            struct sigaction old{};
            if (::sigaction(s, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;  // keep what nohup asked
            struct sigaction act{};
            act.sa_handler = clean_up_and_reraise;
            ::sigemptyset(&act.sa_mask);
            for (const int other : ending_signals) ::sigaddset(&act.sa_mask, other);  // one cleanup at a time
            ::sigaction(s, &act, nullptr);
        }
    });
}

}  // namespace

signals_held::signals_held() noexcept {
    sigset_t hold;
    ::sigemptyset(&hold);
    for (const int s : ending_signals) ::sigaddset(&hold, s);
    ::pthread_sigmask(SIG_BLOCK, &hold, &saved_);
}

signals_held::~signals_held() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

cleanup_file::cleanup_file(const std::string& path) {
    if (path.size() >= PATH_MAX) throw std::length_error{"path too long to register for cleanup"};
    install_handlers();
    const signals_held held;
    for (std::size_t k = 0; k < files.size(); ++k) {
        if (files[k].used.load(std::memory_order_relaxed)) continue;
        std::memcpy(files[k].path, path.c_str(), path.size() + 1);
        files[k].used.store(true, std::memory_order_release);
        slot_ = static_cast<int>(k);
        return;
    }
    throw std::length_error{"too many temporary files at once"};
}

void cleanup_file::release() noexcept {
    if (slot_ < 0) return;
    const signals_held held;
    files[static_cast<std::size_t>(slot_)].used.store(false, std::memory_order_release);
    slot_ = -1;
}

cleanup_file::~cleanup_file() { release(); }

cleanup_child::cleanup_child(pid_t pid) {
    install_handlers();
    const signals_held held;
    for (std::size_t k = 0; k < children.size(); ++k) {
        pid_t none = 0;
        if (children[k].compare_exchange_strong(none, pid, std::memory_order_acq_rel)) {
            slot_ = static_cast<int>(k);
            return;
        }
    }
    throw std::length_error{"too many child processes at once"};
}

void cleanup_child::release() noexcept {
    if (slot_ < 0) return;
    const signals_held held;
    children[static_cast<std::size_t>(slot_)].store(0, std::memory_order_release);
    slot_ = -1;
}

cleanup_child::~cleanup_child() { release(); }

}  // namespace headroom::cli
