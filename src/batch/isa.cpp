// Which instruction set runs (batch/isa.hpp): the processor's features, the paths compiled in, HEADROOM_SIMD, and
// the loops each path exports.

#include "batch/isa.hpp"
#include "batch/plan.hpp"

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#ifndef HEADROOM_BATCH_HAVE_AVX2
#define HEADROOM_BATCH_HAVE_AVX2 0
#endif
#ifndef HEADROOM_BATCH_HAVE_AVX512
#define HEADROOM_BATCH_HAVE_AVX512 0
#endif

namespace headroom::batch {

namespace {

struct cpu_features {
    bool avx2 = false;
    bool avx512 = false;
};

cpu_features detect() noexcept {
    cpu_features f;
#if (HEADROOM_BATCH_HAVE_AVX2 || HEADROOM_BATCH_HAVE_AVX512) && (defined(__GNUC__) || defined(__clang__))
    // Also checks that the operating system saves the wider registers (XGETBV).
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2") != 0;
    f.avx512 = __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512vl") != 0 &&
               __builtin_cpu_supports("avx512bw") != 0 && __builtin_cpu_supports("avx512dq") != 0;
#endif
    return f;
}

const cpu_features& features() noexcept {
    static const cpu_features f = detect();
    return f;
}

// Both sweeps' loops of one path, or nulls where the build did not compile it.
struct path_loops {
    const detail::target_kernels* single_load = nullptr;
    const detail::across_target_kernels* across = nullptr;
};

path_loops loops_of(simd_path p) noexcept {
    switch (p) {
        case simd_path::baseline: return {&detail::baseline::kernels, &detail::baseline::across_kernels};
#if HEADROOM_BATCH_HAVE_AVX2
        case simd_path::avx2: return {&detail::avx2::kernels, &detail::avx2::across_kernels};
#endif
#if HEADROOM_BATCH_HAVE_AVX512
        case simd_path::avx512: return {&detail::avx512::kernels, &detail::avx512::across_kernels};
#endif
        default: return {};
    }
}

std::string supported_paths() {
    std::string list;
    for (std::size_t k = 0; k < simd_path_count; ++k)
        if (simd_path_supported(static_cast<simd_path>(k))) list += (list.empty() ? "" : ", ") + std::string{simd_path_names[k]};
    return list;
}

}  // namespace

bool simd_path_supported(simd_path p) noexcept {
    if (loops_of(p).single_load == nullptr) return false;
    switch (p) {
        case simd_path::baseline: return true;
        case simd_path::avx2: return features().avx2;
        case simd_path::avx512: return features().avx512;
    }
    return false;
}

simd_path detected_simd_path() noexcept {
    if (simd_path_supported(simd_path::avx512)) return simd_path::avx512;
    if (simd_path_supported(simd_path::avx2)) return simd_path::avx2;
    return simd_path::baseline;
}

simd_path selected_simd_path() {
    const char* env = std::getenv("HEADROOM_SIMD");
    if (env == nullptr || *env == '\0') return detected_simd_path();
    const std::string value{env};
    const auto p = simd_path_named(value);
    if (!p)
        throw std::runtime_error{"HEADROOM_SIMD=" + value + " names no instruction set of the batch engine (baseline, avx2 or avx512)"};
    if (!simd_path_supported(*p))
        throw std::runtime_error{"HEADROOM_SIMD=" + value + ": this " + (loops_of(*p).single_load == nullptr ? "build" : "processor") +
                                 " does not support it (supported: " + supported_paths() + ")"};
    return *p;
}

namespace detail {

const target_kernels& single_load_kernels(simd_path p) {
    const path_loops l = loops_of(p);
    if (l.single_load == nullptr) throw std::logic_error{"batch sweep: no kernels for " + std::string{to_string(p)}};
    return *l.single_load;
}

const across_target_kernels& across_kernels_of(simd_path p) {
    const path_loops l = loops_of(p);
    if (l.across == nullptr) throw std::logic_error{"batch sweep across frequency: no kernels for " + std::string{to_string(p)}};
    return *l.across;
}

simd_path checked_start(std::optional<simd_path> forced, index outputs, const std::string& sweep) {
    const simd_path path = forced ? *forced : selected_simd_path();
    if (!simd_path_supported(path))
        throw std::invalid_argument{sweep + ": the " + std::string{to_string(path)} + " path is not supported here (supported: " +
                                    supported_paths() + ")"};
    if (outputs > std::numeric_limits<std::int32_t>::max()) throw std::invalid_argument{sweep + ": more than 2^31 - 1 output stages"};
    return path;
}

}  // namespace detail

}  // namespace headroom::batch
