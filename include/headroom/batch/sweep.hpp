#pragma once

// The batch engine: every output stage of one catalog against every headphone of another, for a programme,
// reduced to statistics per headphone and overall (headroom extremes and mean, binding limits, pairs above a
// threshold, the best outputs), in memory O(outputs + headphones x best), never outputs x headphones. A caller that
// wants every pair gives a row sink: the same threads hand it each tile of pairs as they reduce it.
//
// The engine is compiled (target headroom::batch): one portable loop, built once per instruction set (x86-64
// baseline, AVX2, AVX-512; the baseline elsewhere) and chosen once per sweep from what the processor supports, or
// forced with HEADROOM_SIMD=baseline|avx2|avx512. Every path gives the same bits. Per pair it calls limit.hpp,
// the limits the scalar model (analysis.hpp) uses; docs/batch.md explains the rest.

#include "headroom/batch/columns.hpp"
#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/limit.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

namespace headroom::batch {

// The instruction sets the engine's loop is compiled for.
enum class simd_path : std::uint8_t {
    baseline,  // the compiler's baseline (SSE2 on x86-64; the only path on other processors)
    avx2,      // x86-64 with AVX2
    avx512,    // x86-64 with AVX-512 F, VL, BW and DQ
};
inline constexpr std::size_t simd_path_count = 3;
inline constexpr std::array<std::string_view, simd_path_count> simd_path_names{"baseline", "avx2", "avx512"};

[[nodiscard]] constexpr std::string_view to_string(simd_path p) noexcept {
    const auto k = static_cast<std::size_t>(p);
    return k < simd_path_count ? simd_path_names[k] : std::string_view{"unknown"};
}

[[nodiscard]] constexpr std::optional<simd_path> simd_path_named(std::string_view name) noexcept {
    for (std::size_t k = 0; k < simd_path_count; ++k)
        if (simd_path_names[k] == name) return static_cast<simd_path>(k);
    return std::nullopt;
}

// Whether this build has the path and this processor runs it.
[[nodiscard]] bool simd_path_supported(simd_path p) noexcept;
// The widest path this processor runs.
[[nodiscard]] simd_path detected_simd_path() noexcept;
// The path a sweep takes when its settings name none: HEADROOM_SIMD when set, else detected_simd_path().
// Throws std::runtime_error, naming the variable, when HEADROOM_SIMD names no path or one this processor lacks.
[[nodiscard]] simd_path selected_simd_path();

// Which axis the threads of a sweep share.
enum class split_axis : std::uint8_t {
    automatic,   // headphones when every thread gets at least four chunks of them, else output stages
    headphones,  // each thread takes ranges of headphones against every output stage
    outputs,     // each thread takes ranges of output stages into accumulators of its own, added at the end
};

struct sweep_settings {
    unsigned threads = 0;  // at most this many threads; 0: all hardware threads
    index top_k = 0;       // best outputs to keep per headphone
    gain min_headroom = gain::of_db(0.0);  // the threshold of above_threshold()
    // The mean headroom costs about one multiply per pair; false leaves it out of a sweep for statistics alone
    // (mean_headroom() then throws). With top_k > 0 or a row sink the mean is kept.
    bool mean = true;
    split_axis split = split_axis::automatic;
    // Headphones or output stages (the split axis) per unit of work, rounded up to whole chunks of headphones (512
    // in float, 256 in double) or blocks of 128 output stages; 0: automatic.
    index tile = 0;
    // No more threads than one per this many pairs: starting and placing a thread costs about 0.1 ms.
    index min_pairs_per_thread = index{1} << 20;
    std::optional<simd_path> simd{};  // force a path (it must be supported); default: selected_simd_path()
    // When set, the pairs of each finished block of output stages are added here (relaxed), for a caller that shows
    // progress; a row sink has had them by then.
    std::atomic<index>* pairs_done = nullptr;
    // When set, read after each block of output stages: true stops the sweep, which then throws sweep_stopped (a
    // caller that lets a person interrupt a long sweep, as the Python module does on Ctrl-C).
    const std::atomic<bool>* stop = nullptr;
};

// A sweep its caller stopped (sweep_settings::stop).
class sweep_stopped : public std::runtime_error {
public:
    sweep_stopped() : std::runtime_error{"the sweep was stopped"} {}
};

[[nodiscard]] inline unsigned resolve_threads(unsigned requested) noexcept {
    if (requested > 0) return requested;
    return std::max(1U, std::thread::hardware_concurrency());
}

// The threads a sweep of m output stages x n headphones runs on.
[[nodiscard]] inline unsigned sweep_threads(const sweep_settings& s, index m, index n) noexcept {
    const unsigned most = resolve_threads(s.threads);
    const index pairs = m * n;
    const index worth = s.min_pairs_per_thread > 0 ? pairs / s.min_pairs_per_thread : pairs;
    return static_cast<unsigned>(std::clamp<index>(worth, 1, most));
}

// One of the best outputs for a headphone.
struct best_output {
    index output;        // catalog index of the output stage
    gain headroom;       // for the programme
    limit binding;       // the limit that sets it
    spl max_spl;         // the pair's maximum continuous sine level
    limit max_binding;   // the limit that sets that
    double voltage_v;    // V: the programme's limiting RMS load voltage
};

// A best output as a result stores it: plain numbers (best_outputs gives them typed).
struct best_record {
    std::int64_t output;  // catalog index of the output stage
    double headroom_db;   // for the programme
    double max_spl_db;    // the pair's maximum continuous sine level, dB SPL
    double voltage_v;     // V: the programme's limiting RMS load voltage
    limit binding;        // the limit that sets the headroom
    limit max_binding;    // the limit that sets the maximum level
};

namespace detail {

// The engine's arrays come from slabs of huge pages that are kept for reuse (src/batch/memory.cpp says why):
// `bytes` on a 64-byte line, uninitialised; nullptr for none. Throws std::bad_alloc.
[[nodiscard]] void* take_memory(std::size_t bytes);
void give_back_memory(void* p) noexcept;

// An owning array whose elements are written by the engine's threads (so that each thread first touches the
// memory it works on) rather than zeroed by the caller. It starts on a cache line: threads write neighbouring
// ranges of headphones at once, and a range that starts on a line shares none with its neighbour's.
template <class T>
class buffer {
    static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
    struct release {
        void operator()(T* p) const noexcept { give_back_memory(p); }
    };

public:
    buffer() = default;
    // Default-initialised: not zeroed.
    explicit buffer(std::size_t n) : data_{static_cast<T*>(take_memory(n * sizeof(T)))}, size_{n} {}
    buffer(const buffer& o) : buffer(o.size_) { std::copy(o.begin(), o.end(), data_.get()); }
    buffer& operator=(const buffer& o) {
        if (this != &o) *this = buffer(o);
        return *this;
    }
    buffer(buffer&&) noexcept = default;
    buffer& operator=(buffer&&) noexcept = default;
    ~buffer() = default;

    [[nodiscard]] T* data() noexcept { return data_.get(); }
    [[nodiscard]] const T* data() const noexcept { return data_.get(); }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t bytes() const noexcept { return size_ * sizeof(T); }
    [[nodiscard]] T& operator[](std::size_t k) noexcept { return data_.get()[k]; }
    [[nodiscard]] const T& operator[](std::size_t k) const noexcept { return data_.get()[k]; }
    [[nodiscard]] const T* begin() const noexcept { return data_.get(); }
    [[nodiscard]] const T* end() const noexcept { return data_.get() + size_; }

private:
    std::unique_ptr<T, release> data_;
    std::size_t size_ = 0;
};

// What a sweep_result holds (the engine fills it; sweep_result's accessors read it).
struct result_data {
    index outputs = 0, headphones = 0, top_k = 0;
    unsigned threads = 1;
    simd_path path = simd_path::baseline;
    bool mean = true;
    double target_db = 0.0, crest_db = 0.0, threshold_db = 0.0;
    double min_db = 0.0, mean_db = 0.0, max_db = 0.0;
    std::array<std::int64_t, limit_count> counts{};
    std::int64_t above = 0;
    std::int64_t pairs = 0;  // the pairs swept: outputs x headphones, less the load-sensed modes a load does not select
    buffer<double> min_db_i, mean_db_i, max_db_i, min_v_i, max_v_i;
    buffer<std::int32_t> counts_i;  // [limit][headphone]
    buffer<std::int32_t> above_i;
    buffer<best_record> best;  // [headphone][top_k]
    std::size_t working_bytes = 0;
};

struct result_access;

}  // namespace detail

// A headphone's best outputs, best first: larger headroom, then the lower catalog index.
class best_outputs {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = best_output;
        using difference_type = std::ptrdiff_t;
        using reference = best_output;
        using pointer = void;
        iterator() = default;
        explicit iterator(const best_record* e) noexcept : e_{e} {}
        [[nodiscard]] best_output operator*() const noexcept { return best_outputs::make(*e_); }
        iterator& operator++() noexcept {
            ++e_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++e_;
            return old;
        }
        [[nodiscard]] friend bool operator==(iterator a, iterator b) noexcept { return a.e_ == b.e_; }

    private:
        const best_record* e_ = nullptr;
    };

    best_outputs(const best_record* first, std::size_t count) noexcept : first_{first}, count_{count} {}
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] best_output operator[](std::size_t q) const noexcept { return make(first_[q]); }
    [[nodiscard]] iterator begin() const noexcept { return iterator{first_}; }
    [[nodiscard]] iterator end() const noexcept { return iterator{first_ + count_}; }

private:
    [[nodiscard]] static best_output make(const best_record& e) noexcept {
        return {static_cast<index>(e.output), gain::of_db(e.headroom_db), e.binding, spl::of_db(e.max_spl_db), e.max_binding, e.voltage_v};
    }
    const best_record* first_;
    std::size_t count_;
};

// What a sweep found, per headphone and over all pairs. Headroom is for the programme of the sweep (target level
// and crest factor); voltages are the programme's limiting RMS load voltages.
class sweep_result {
public:
    [[nodiscard]] index outputs() const noexcept { return d_.outputs; }
    [[nodiscard]] index headphones() const noexcept { return d_.headphones; }
    // The pairs swept: every output stage with every headphone, but a load-sensed mode (columns.hpp) only with the
    // headphones whose load selects it.
    [[nodiscard]] std::int64_t pairs() const noexcept { return d_.pairs; }
    [[nodiscard]] spl target() const noexcept { return spl::of_db(d_.target_db); }
    [[nodiscard]] gain crest_factor() const noexcept { return gain::of_db(d_.crest_db); }
    [[nodiscard]] gain threshold() const noexcept { return gain::of_db(d_.threshold_db); }
    [[nodiscard]] index top_k() const noexcept { return d_.top_k; }
    [[nodiscard]] bool has_mean() const noexcept { return d_.mean; }
    [[nodiscard]] simd_path path() const noexcept { return d_.path; }  // the instruction set that ran
    [[nodiscard]] unsigned threads() const noexcept { return d_.threads; }

    // Over all pairs.
    [[nodiscard]] gain min_headroom() const noexcept { return gain::of_db(d_.min_db); }
    [[nodiscard]] gain mean_headroom() const;
    [[nodiscard]] gain max_headroom() const noexcept { return gain::of_db(d_.max_db); }
    [[nodiscard]] std::int64_t count(limit l) const noexcept { return d_.counts[static_cast<std::size_t>(l)]; }
    [[nodiscard]] std::int64_t above_threshold() const noexcept { return d_.above; }

    // Per headphone i (0 <= i < headphones()).
    [[nodiscard]] gain min_headroom(index i) const noexcept { return gain::of_db(d_.min_db_i[at(i)]); }
    [[nodiscard]] gain mean_headroom(index i) const;
    [[nodiscard]] gain max_headroom(index i) const noexcept { return gain::of_db(d_.max_db_i[at(i)]); }
    [[nodiscard]] double min_voltage_v(index i) const noexcept { return d_.min_v_i[at(i)]; }
    [[nodiscard]] double max_voltage_v(index i) const noexcept { return d_.max_v_i[at(i)]; }
    [[nodiscard]] std::int64_t count(index i, limit l) const noexcept {
        return d_.counts_i[static_cast<std::size_t>(l) * static_cast<std::size_t>(d_.headphones) + at(i)];
    }
    [[nodiscard]] std::int64_t above_threshold(index i) const noexcept { return d_.above_i[at(i)]; }
    // The top_k() best outputs (fewer when the catalog has fewer), best first.
    [[nodiscard]] best_outputs best(index i) const noexcept {
        const best_record* first = d_.best.data() + at(i) * static_cast<std::size_t>(d_.top_k);
        auto listed = static_cast<std::size_t>(std::min(d_.top_k, d_.outputs));
        while (listed > 0 && first[listed - 1].output < 0) --listed;  // a load that selects no mode meets fewer outputs
        return {first, listed};
    }

    // Bytes this result holds, and the most the sweep held at once (result, accumulators, working buffers;
    // not the catalog columns it was given).
    [[nodiscard]] std::size_t memory_bytes() const noexcept;
    [[nodiscard]] std::size_t working_bytes() const noexcept { return d_.working_bytes; }

    // The stored arrays themselves, for a caller that hands them on without copying them (the Python module's
    // NumPy arrays are views of these, kept alive with the result).
    struct arrays {
        std::span<const double> min_headroom_db, mean_headroom_db, max_headroom_db;  // per headphone (mean: NaN without it)
        std::span<const double> min_voltage_v, max_voltage_v;
        std::span<const std::int32_t> above_threshold;  // per headphone
        std::span<const std::int32_t> binding;          // [limit][headphone]: pairs per binding limit
        std::span<const best_record> best;              // [headphone][top_k()]: the first min(top_k(), outputs()) of each; output -1: none (fewer pairs)
    };
    [[nodiscard]] arrays stored() const noexcept {
        const auto span = [](const auto& b) { return std::span{b.data(), b.size()}; };
        return {span(d_.min_db_i), span(d_.mean_db_i), span(d_.max_db_i), span(d_.min_v_i), span(d_.max_v_i),
                span(d_.above_i),  span(d_.counts_i),  span(d_.best)};
    }

private:
    friend struct detail::result_access;
    [[nodiscard]] static std::size_t at(index i) noexcept { return static_cast<std::size_t>(i); }

    detail::result_data d_;
};

// A tile of pairs, handed to a row sink: every listed output stage against headphones
// [first_headphone, first_headphone + headphones). Pair (q, i) is at [q * stride + i], i counted from
// first_headphone. Values are the engine's own: headroom for the programme and its binding limit, the maximum
// continuous sine level and its binding limit.
template <class T>
struct pair_rows {
    std::span<const index> outputs;  // catalog indices, in the tile's order
    index first_headphone = 0;
    index headphones = 0;
    index stride = 0;
    const T* headroom_db = nullptr;  // dB
    const limit* binding = nullptr;
    const T* max_spl_db = nullptr;   // dB SPL
    const limit* max_binding = nullptr;
};

// Called once per tile, from the sweep's threads, possibly several at once: it must be safe to call concurrently.
// Tiles arrive in no particular order; together they hold every pair once. An exception thrown by a sink ends
// the sweep and is rethrown by sweep().
template <class T>
using row_sink = std::function<void(const pair_rows<T>&)>;

// A column a sweep cannot take: no validated model object gives it (a value out of the model's ranges, a NaN, an
// output stage without any limit, columns of different lengths). Names the columns ("outputs" or "headphones"),
// the column ("v_clip") and the entry (-1 for the whole column).
class column_error : public error {
public:
    column_error(std::string entity, std::string column, index at, const std::string& problem);
    [[nodiscard]] const std::string& entity() const noexcept { return entity_; }
    [[nodiscard]] const std::string& column() const noexcept { return column_; }
    [[nodiscard]] index at() const noexcept { return at_; }

private:
    std::string entity_, column_;
    index at_;
};

// The overall mean headroom of a sweep from its per-headphone means, summed in the engine's own order, so that a
// sweep cut into parts along the headphones (a Dask cluster's) joins into the single sweep's mean bit for bit.
// `single_precision`: the sweep ran in float (its summation chunks are longer).
[[nodiscard]] double combined_mean_db(std::span<const double> per_headphone_mean_db, bool single_precision) noexcept;

// Sweeps every output stage against every headphone for a programme at `target` average level with crest factor
// `crest`. Throws column_error for columns no validated model object gives, and what selected_simd_path() throws.
[[nodiscard]] sweep_result sweep(const output_view<float>& outputs, const headphone_view<float>& headphones, spl target,
                                 gain crest, const sweep_settings& settings = {}, const row_sink<float>& rows = {});
[[nodiscard]] sweep_result sweep(const output_view<double>& outputs, const headphone_view<double>& headphones, spl target,
                                 gain crest, const sweep_settings& settings = {}, const row_sink<double>& rows = {});

}  // namespace headroom::batch
