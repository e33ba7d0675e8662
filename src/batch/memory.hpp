#pragma once

// Working memory for the batch engine's threads. On the virtual machines these sweeps run on, the first touch of a
// fresh 4 KiB page costs microseconds (a fault, a zeroed page, and on a multi-threaded process a flush of the other
// processors' TLBs), and transparent huge pages are often given only on request (THP "madvise"). A buffer of a
// megabyte or more is therefore aligned to 2 MiB and marked MADV_HUGEPAGE, so that it faults in a few huge pages
// instead of hundreds of small ones; smaller ones come from the ordinary allocator. Elements are left
// uninitialised, like detail::buffer: the thread that works on them writes them first.

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace headroom::batch::detail {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
inline constexpr std::size_t huge_page_threshold = std::size_t{1} << 20;

// Bytes for n elements; huge-page aligned and advised when large. Throws std::bad_alloc.
[[nodiscard]] inline void* allocate_pages(std::size_t bytes) {
    if (bytes == 0) return nullptr;
#if defined(__linux__)
    if (bytes >= huge_page_threshold) {
        const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
        void* p = std::aligned_alloc(huge_page_bytes, rounded);
        if (p == nullptr) throw std::bad_alloc{};
        // Advice only: where the system gives no huge pages, the buffer works with small ones.
        (void)madvise(p, rounded, MADV_HUGEPAGE);
        return p;
    }
#endif
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc{};
    return p;
}

template <class T>
class page_buffer {
    static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);

public:
    page_buffer() = default;
    explicit page_buffer(std::size_t n) : data_{static_cast<T*>(allocate_pages(n * sizeof(T)))}, size_{n} {}
    page_buffer(page_buffer&& o) noexcept : data_{std::exchange(o.data_, nullptr)}, size_{std::exchange(o.size_, 0)} {}
    page_buffer& operator=(page_buffer&& o) noexcept {
        if (this != &o) {
            std::free(data_);
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    page_buffer(const page_buffer&) = delete;
    page_buffer& operator=(const page_buffer&) = delete;
    ~page_buffer() { std::free(data_); }

    [[nodiscard]] T* data() noexcept { return data_; }
    [[nodiscard]] const T* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t bytes() const noexcept { return size_ * sizeof(T); }
    [[nodiscard]] T& operator[](std::size_t k) noexcept { return data_[k]; }
    [[nodiscard]] const T& operator[](std::size_t k) const noexcept { return data_[k]; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace headroom::batch::detail
