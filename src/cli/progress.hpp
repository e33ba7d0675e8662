#pragma once

// Progress of a long command, for a person at a terminal: nothing while the work is short (the first `delay`,
// two seconds for a sweep), then one line redrawn in place a few times a second ("headroom sweep: 42%, about
// 12 s left"), erased when the work ends. It never adds a line, and it writes nothing when it has no stream
// (stderr is not a terminal, or the output is JSON for a program).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace headroom::cli {

class progress_meter {
public:
    // `total` units of work (pairs); `terminal` may be null (then the meter does nothing).
    progress_meter(std::ostream* terminal, std::string label, std::ptrdiff_t total,
                   std::chrono::milliseconds delay = std::chrono::seconds{2});
    ~progress_meter();  // stops drawing and erases the line
    progress_meter(const progress_meter&) = delete;
    progress_meter& operator=(const progress_meter&) = delete;

    // The count of units done: workers add to it (batch::sweep_settings::pairs_done).
    [[nodiscard]] std::atomic<std::ptrdiff_t>& done() noexcept { return done_; }
    void add(std::ptrdiff_t units) noexcept { done_.fetch_add(units, std::memory_order_relaxed); }

private:
    void draw(std::chrono::steady_clock::duration elapsed);

    std::ostream* terminal_;
    std::string label_;
    std::ptrdiff_t total_;
    std::atomic<std::ptrdiff_t> done_{0};
    std::size_t shown_ = 0;  // width of the line on screen, 0 when none
    std::mutex mutex_;
    std::condition_variable stopped_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace headroom::cli
