#include "progress.hpp"

#include "signal_cleanup.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace headroom::cli {

progress_meter::progress_meter(std::ostream* terminal, std::string label, std::ptrdiff_t total, std::chrono::milliseconds delay)
    : terminal_{terminal}, label_{std::move(label)}, total_{std::max<std::ptrdiff_t>(total, 1)} {
    if (terminal_ == nullptr) return;
    // The drawing thread never takes SIGINT, SIGTERM or SIGHUP (it inherits this mask): their cleanup runs on a
    // thread of the command, as signal_cleanup.hpp requires.
    const signals_held held;
    thread_ = std::thread{[this, delay] {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock lock{mutex_};
        // (With no delay the line shows at once, however short the work: what tests rely on.)
        if (delay.count() > 0 && stopped_.wait_for(lock, delay, [this] { return stop_; })) return;
        do draw(std::chrono::steady_clock::now() - start);
        while (!stopped_.wait_for(lock, std::chrono::milliseconds{250}, [this] { return stop_; }));
    }};
}

progress_meter::~progress_meter() {
    if (!thread_.joinable()) return;
    {
        const std::lock_guard lock{mutex_};
        stop_ = true;
    }
    stopped_.notify_all();
    thread_.join();
    if (shown_ > 0) *terminal_ << '\r' << std::string(shown_, ' ') << '\r' << std::flush;
}

void progress_meter::draw(std::chrono::steady_clock::duration elapsed) {
    const double fraction = std::clamp(static_cast<double>(done_.load(std::memory_order_relaxed)) / static_cast<double>(total_), 0.0, 1.0);
    const double seconds = std::chrono::duration<double>(elapsed).count();
    std::string line = fmt::format("{}: {:.0f}%", label_, 100.0 * fraction);
    if (fraction > 0.01) {
        const double left = seconds * (1.0 - fraction) / fraction;
        line += left >= 90.0 ? fmt::format(", about {:.0f} min left", left / 60.0) : fmt::format(", about {:.0f} s left", left);
    }
    const std::size_t width = line.size();
    if (width < shown_) line += std::string(shown_ - width, ' ');  // cover the end of a longer line
    *terminal_ << '\r' << line << std::flush;
    shown_ = std::max(shown_, width);
}

}  // namespace headroom::cli
