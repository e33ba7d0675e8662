// Memory for the batch engine's arrays (detail::take_memory, sweep.hpp).
//
// On the virtual machines these sweeps run on, the first touch of a fresh 4 KiB page costs microseconds (16 us
// measured on an AMD EPYC guest: a trap to the hypervisor, a zeroed page and, in a process with several threads, a
// flush of the other processors' TLBs), while a 2 MiB huge page costs about as much as eight small ones; and
// transparent huge pages are often given only on request (THP "madvise"). A sweep of 20000 headphones keeps about
// 2.6 MB of per-headphone arrays in a dozen buffers of 80-160 KB each: as separate allocations they faulted in
// about 640 small pages, some 10 ms, longer than the pairs of a 1000 x 20000 sweep take. So the arrays are cut from
// slabs of 2 MiB, aligned and advised MADV_HUGEPAGE, and a slab whose arrays are all given back is kept for the next
// sweep (a program that sweeps again touches no fresh page at all).
//
// Under AddressSanitizer each array is its own allocation, so that a read past one is caught instead of landing in
// its neighbour.

#include "headroom/batch/sweep.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define HEADROOM_PLAIN_ALLOCATION 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEADROOM_PLAIN_ALLOCATION 1
#endif
#endif

namespace headroom::batch::detail {
namespace {

constexpr std::size_t line = 64;
constexpr std::size_t slab_bytes = std::size_t{2} << 20;

[[nodiscard]] constexpr std::size_t round_up(std::size_t x, std::size_t to) noexcept { return (x + to - 1) / to * to; }

#if !defined(HEADROOM_PLAIN_ALLOCATION)

// A slab starts with its header on a line of its own; its arrays follow. Each slab is aligned to slab_bytes, so an
// array's slab is its address rounded down (an array of a slab of its own starts one line in).
struct slab_header {
    std::size_t live;  // arrays not yet given back
};

slab_header* header_of(void* p) noexcept {
    return reinterpret_cast<slab_header*>(reinterpret_cast<std::uintptr_t>(p) / slab_bytes * slab_bytes);
}

slab_header* new_slab(std::size_t bytes) {
    const std::size_t rounded = round_up(bytes, slab_bytes);
    void* p = std::aligned_alloc(slab_bytes, rounded);
    if (p == nullptr) throw std::bad_alloc{};
#if defined(__linux__)
    (void)madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without huge pages the slab works with small ones
#endif
    return ::new (p) slab_header{0};
}

class slabs {
public:
    void* take(std::size_t bytes) {
        bytes = round_up(bytes, line);
        const std::lock_guard<std::mutex> lock{m_};
        if (bytes > slab_bytes - line) {  // an array of its own slab
            slab_header* own = new_slab(line + bytes);
            own->live = 1;
            return reinterpret_cast<std::byte*>(own) + line;
        }
        if (current_ == nullptr || used_ + bytes > slab_bytes) {
            if (current_ != nullptr && current_->live == 0) std::free(current_);
            current_ = new_slab(slab_bytes);
            used_ = line;
        }
        ++current_->live;
        void* p = reinterpret_cast<std::byte*>(current_) + used_;
        used_ += bytes;
        return p;
    }

    void give_back(void* p) noexcept {
        slab_header* s = header_of(p);
        const std::lock_guard<std::mutex> lock{m_};
        if (--s->live > 0) return;
        if (s == current_)
            used_ = line;  // kept, empty, for the next arrays
        else
            std::free(s);
    }

private:
    std::mutex m_;
    slab_header* current_ = nullptr;
    std::size_t used_ = 0;
};

slabs& the_slabs() {
    static slabs* const s = new slabs;  // never destroyed: a result may outlive every other static object
    return *s;
}

#endif

}  // namespace

void* take_memory(std::size_t bytes) {
    if (bytes == 0) return nullptr;
#if defined(HEADROOM_PLAIN_ALLOCATION)
    return ::operator new(round_up(bytes, line), std::align_val_t{line});
#else
    return the_slabs().take(bytes);
#endif
}

void give_back_memory(void* p) noexcept {
    if (p == nullptr) return;
#if defined(HEADROOM_PLAIN_ALLOCATION)
    ::operator delete(p, std::align_val_t{line});
#else
    the_slabs().give_back(p);
#endif
}

}  // namespace headroom::batch::detail
