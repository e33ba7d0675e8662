#pragma once

// How a sweep runs on several threads: where they start, and how they share the work. Threads take tiles of work
// from a shared counter, so a thread slowed by a busy machine simply takes fewer tiles.

#include "headroom/batch/columns.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

namespace headroom::batch::detail {

// Keeps a sweep's threads on distinct processors while it runs. Left to itself, Linux usually queues a new
// thread on its creator's processor, and an idle processor may take it over only milliseconds later: on a
// two-processor virtual machine a two-thread sweep of a few milliseconds ran both workers by turns on one
// processor, no faster than one thread (benchmarks/README.md). So the calling thread stays on the processor it
// is on, each worker gets the next processor of the caller's set, and the caller's set is restored at the end.
// With more threads than processors, or on other systems, threads go where the system puts them.
class spread_threads {
public:
    spread_threads() noexcept {
#if defined(__linux__)
        here_ = sched_getcpu();
        if (here_ < 0 || here_ >= CPU_SETSIZE || pthread_getaffinity_np(pthread_self(), sizeof allowed_, &allowed_) != 0 ||
            !CPU_ISSET(here_, &allowed_) || CPU_COUNT(&allowed_) < 2)
            return;
        active_ = pin(pthread_self(), here_);
#endif
    }
    ~spread_threads() {
#if defined(__linux__)
        if (active_) pthread_setaffinity_np(pthread_self(), sizeof allowed_, &allowed_);
#endif
    }
    spread_threads(const spread_threads&) = delete;
    spread_threads& operator=(const spread_threads&) = delete;

    // Puts worker w (1, 2, ...) on the w-th processor of the caller's set after the caller's, before it starts.
    void place([[maybe_unused]] std::jthread& worker, [[maybe_unused]] unsigned w) const noexcept {
#if defined(__linux__)
        if (!active_ || w >= static_cast<unsigned>(CPU_COUNT(&allowed_))) return;
        int cpu = here_;
        for (unsigned k = 0; k < w;) {
            cpu = (cpu + 1) % CPU_SETSIZE;
            if (CPU_ISSET(cpu, &allowed_)) ++k;
        }
        pin(worker.native_handle(), cpu);
#endif
    }

private:
#if defined(__linux__)
    static bool pin(pthread_t thread, int cpu) noexcept {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        return pthread_setaffinity_np(thread, sizeof one, &one) == 0;
    }

    cpu_set_t allowed_{};
    int here_ = -1;
    bool active_ = false;
#endif
};

// Runs work(first, count, worker) over tiles of [0, size) on `threads` workers; worker 0 is the calling thread.
// Workers start work only once placed (see spread_threads). The first exception a tile throws stops every
// worker after its current tile and is rethrown here.
template <class Work>
void for_each_tile(index size, index tile, unsigned threads, Work&& work) {
    std::atomic<index> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    const auto worker = [&](unsigned w) {
        try {
            for (index first = next.fetch_add(tile); first < size; first = next.fetch_add(tile))
                work(first, std::min(tile, size - first), w);
        } catch (...) {
            next.store(size);
            const std::lock_guard lock{failure_mutex};
            if (!failure) failure = std::current_exception();
        }
    };
    if (threads <= 1) {
        worker(0);
    } else {
        const spread_threads spread;
        std::atomic<bool> placed{false};
        std::vector<std::jthread> pool;
        pool.reserve(threads - 1);
        {
            // Opens the gate however this block ends (creating a thread may throw), so that no worker waits forever.
            struct gate {
                std::atomic<bool>& open;
                ~gate() {
                    open.store(true);
                    open.notify_all();
                }
            } const opens_on_exit{placed};
            for (unsigned w = 1; w < threads; ++w) {
                pool.emplace_back([&placed, &worker](unsigned self) {
                    placed.wait(false);
                    worker(self);
                }, w);
                spread.place(pool.back(), w);
            }
        }
        worker(0);
        pool.clear();  // joins
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace headroom::batch::detail
