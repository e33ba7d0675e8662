#pragma once

// How a sweep runs on several threads: where they start, and how they share the work. Threads take tiles of work
// from a shared counter, so a thread slowed by a busy machine simply takes fewer tiles.

#include "headroom/batch/columns.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
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

// The threads of one sweep: started (and placed, see spread_threads) when the sweep begins, so that they come up
// while the caller prepares the catalog, then given one job: work(first, count, worker) over tiles of [0, size),
// taken from a shared counter; worker 0 is the calling thread. The first exception a tile throws stops every
// worker after its current tile and is rethrown by for_each_tile(). Workers that never get a job (the
// preparation threw) leave when the object is destroyed.
class workers {
public:
    explicit workers(unsigned threads) : threads_{std::max(1U, threads)} {
        if (threads_ == 1) return;
        spread_.emplace();
        pool_.reserve(threads_ - 1);
        try {
            for (unsigned w = 1; w < threads_; ++w) {
                pool_.emplace_back([this](unsigned self) {
                    state_.wait(waiting);
                    if (state_.load() == working) take_tiles(self);
                }, w);
                spread_->place(pool_.back(), w);
            }
        } catch (...) {  // a thread could not be created: let the others go before the members are destroyed
            state_.store(leaving);
            state_.notify_all();
            pool_.clear();
            throw;
        }
    }
    workers(const workers&) = delete;
    workers& operator=(const workers&) = delete;
    ~workers() {
        if (state_.load() == waiting) {
            state_.store(leaving);
            state_.notify_all();
        }
        pool_.clear();  // joins
    }

    [[nodiscard]] unsigned size() const noexcept { return threads_; }

    template <class Work>
    void for_each_tile(index size, index tile, Work&& work) {
        size_ = size;
        tile_ = tile;
        next_.store(0);
        context_ = &work;
        call_ = [](void* w, index first, index count, unsigned worker) { (*static_cast<std::remove_reference_t<Work>*>(w))(first, count, worker); };
        state_.store(working);
        state_.notify_all();
        take_tiles(0);
        pool_.clear();  // joins
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    enum : int { waiting, working, leaving };

    void take_tiles(unsigned w) noexcept {
        try {
            for (index first = next_.fetch_add(tile_); first < size_; first = next_.fetch_add(tile_))
                call_(context_, first, std::min(tile_, size_ - first), w);
        } catch (...) {
            next_.store(size_);
            const std::lock_guard lock{failure_mutex_};
            if (!failure_) failure_ = std::current_exception();
        }
    }

    unsigned threads_;
    std::optional<spread_threads> spread_;  // before the pool: restores the caller's processors after the joins
    std::atomic<int> state_{waiting};
    index size_ = 0, tile_ = 1;
    std::atomic<index> next_{0};
    void* context_ = nullptr;
    void (*call_)(void*, index, index, unsigned) = nullptr;
    std::exception_ptr failure_;
    std::mutex failure_mutex_;
    std::vector<std::jthread> pool_;
};

}  // namespace headroom::batch::detail
