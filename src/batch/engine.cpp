// The batch engine's driver: the accumulators, the threads and their tiles, the load-sensed modes, and the result
// (the instruction sets are isa.cpp's; the checks of the columns and the order of the output stages plan.hpp's). The per-pair loops are in kernel_impl.hpp, compiled once per
// instruction set (targets/*.cpp); this file is compiled for the baseline only.

#include "headroom/batch/sweep.hpp"
#include "headroom/output_stage.hpp"

#include "batch/isa.hpp"
#include "batch/kernel_api.hpp"
#include "batch/math.hpp"
#include "batch/plan.hpp"
#include "batch/threads.hpp"
#include "headroom/error.hpp"


#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstdio>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace headroom::batch {

static_assert(std::is_same_v<index, Eigen::Index>);

// ---- The result

struct detail::result_access {
    static result_data& of(sweep_result& r) noexcept { return r.d_; }
};

gain sweep_result::mean_headroom() const {
    if (!d_.mean) throw std::logic_error{"sweep_result: this sweep left out the mean (sweep_settings::mean)"};
    return gain::of_db(d_.mean_db);
}

gain sweep_result::mean_headroom(index i) const {
    if (!d_.mean) throw std::logic_error{"sweep_result: this sweep left out the mean (sweep_settings::mean)"};
    return gain::of_db(d_.mean_db_i[at(i)]);
}

std::size_t sweep_result::memory_bytes() const noexcept {
    return sizeof(*this) + d_.min_db_i.bytes() + d_.mean_db_i.bytes() + d_.max_db_i.bytes() + d_.min_v_i.bytes() +
           d_.max_v_i.bytes() + d_.counts_i.bytes() + d_.above_i.bytes() + d_.best.bytes();
}

namespace detail {

namespace {

// The checks of the columns and the order of the output stages are plan.hpp's, shared with the sweep across
// frequency.

// ---- Accumulators (kernel_api.hpp), for the whole sweep or one thread's share of the outputs.

template <class T>
struct tally {
    index n, k;
    bool mean;
    buffer<T> min_v, max_v, kth, top_v;
    buffer<std::int64_t> log_exp, log_fix;
    buffer<std::int32_t> counts, above;
    buffer<std::int64_t> top_j;

    tally(index headphones, index top_k, bool with_mean)
        : n{headphones},
          k{top_k},
          mean{with_mean},
          min_v(size(n)),
          max_v(size(n)),
          kth(size(k > 0 ? n : 0)),
          top_v(size(n * k)),
          log_exp(size(with_mean ? n : 0)),
          log_fix(size(with_mean ? n : 0)),
          counts(size(n * static_cast<index>(limit_count))),
          above(size(n)),
          top_j(size(n * k)) {}

    static std::size_t size(index x) noexcept { return static_cast<std::size_t>(x); }

    // The starting values of headphones [first, first + count), written by the thread that will work on them.
    void fill(index first, index count) noexcept {
        constexpr T inf = std::numeric_limits<T>::infinity();
        const auto range = [&](auto& b, index f, index c, auto value) { std::fill_n(b.data() + f, c, value); };
        range(min_v, first, count, inf);
        range(max_v, first, count, -inf);
        if (mean) {
            range(log_exp, first, count, std::int64_t{0});
            range(log_fix, first, count, std::int64_t{0});
        }
        for (std::size_t l = 0; l < limit_count; ++l) range(counts, static_cast<index>(l) * n + first, count, std::int32_t{0});
        range(above, first, count, std::int32_t{0});
        if (k > 0) {
            range(kth, first, count, -inf);
            range(top_v, first * k, count * k, -inf);
            range(top_j, first * k, count * k, std::int64_t{-1});
        }
    }

    [[nodiscard]] accumulators<T> view() noexcept {
        return {min_v.data(), max_v.data(), log_exp.data(), log_fix.data(), counts.data(), above.data(),
                kth.data(),   top_v.data(), top_j.data(),   n,              k};
    }

    // Adds another tally over other outputs (the same headphones). Every part is exact, so the order of merging
    // does not matter.
    void merge(tally& o) noexcept {
        for (index i = 0; i < n; ++i) {
            min_v[i] = std::min(min_v[i], o.min_v[i]);
            max_v[i] = std::max(max_v[i], o.max_v[i]);
            above[i] += o.above[i];
            if (mean) {
                log_exp[i] += o.log_exp[i];
                log_fix[i] += o.log_fix[i];
            }
        }
        for (std::size_t c = 0; c < counts.size(); ++c) counts[c] += o.counts[c];
        const accumulators<T> acc = view();
        for (index i = 0; i < n; ++i)
            for (index q = 0; q < k && o.top_j[i * k + q] >= 0; ++q) offer(acc, i, o.top_v[i * k + q], o.top_j[i * k + q]);
    }

    [[nodiscard]] std::size_t bytes() const noexcept {
        return min_v.bytes() + max_v.bytes() + kth.bytes() + top_v.bytes() + log_exp.bytes() + log_fix.bytes() + counts.bytes() +
               above.bytes() + top_j.bytes();
    }
};

// One thread's buffer of rows: a block of outputs against a chunk of headphones.
template <class T>
struct row_buffer {
    static constexpr auto cells = static_cast<std::size_t>(block_outputs * chunk_lanes<T>);
    buffer<T> headroom_db{cells}, max_spl_db{cells};
    buffer<limit> binding{cells}, max_binding{cells};

    [[nodiscard]] row_block<T> view() noexcept { return {headroom_db.data(), binding.data(), max_spl_db.data(), max_binding.data()}; }
    [[nodiscard]] std::size_t bytes() const noexcept {
        return headroom_db.bytes() + max_spl_db.bytes() + binding.bytes() + max_binding.bytes();
    }
};

// Headphone tiles: whole chunks (chunk_lanes), one each by default, so that a thread slowed by other load, or
// started late, leaves little for the others to wait for at the end (taking a tile costs one atomic add), and so
// that every chunk is finished by one thread (finish()).
template <class T>
index headphone_tile(const sweep_settings& s, index n, unsigned threads) noexcept {
    constexpr index chunk = chunk_lanes<T>;
    if (s.tile > 0) return (s.tile + chunk - 1) / chunk * chunk;
    if (threads == 1) return std::max<index>(n, 1);
    return chunk;
}

bool splits_headphones(const sweep_settings& s, index n, index blocks, unsigned threads) noexcept {
    if (threads == 1 || blocks < 2) return true;
    if (s.split != split_axis::automatic) return s.split == split_axis::headphones;
    return n >= static_cast<index>(threads) * 4 * 256;
}

template <class T>
class engine {
public:
    engine(const output_view<T>& outputs, const headphone_view<T>& headphones, spl target, gain crest, const sweep_settings& s,
           const row_sink<T>& rows, simd_path path)
        : outputs_{outputs},
          hps_{headphones},
          s_{s},
          rows_{rows},
          path_{path},
          kernels_{path_kernels(path)},
          m_{outputs.size()},
          n_{headphones.size()},
          peak_scale_{static_cast<T>(headroom::peak_scale(crest))},
          split_{outputs},
          plan_{split_.looped(outputs), peak_scale_},
          mode_plan_{output_view<T>{split_.mode_columns}, peak_scale_},
          looped_m_{static_cast<index>(plan_.original.size())},
          tables_{plan_.tables || mode_plan_.tables},
          options_{target.db(), s.min_headroom.db(), s.mean || s.top_k > 0 || static_cast<bool>(rows), static_cast<bool>(rows)},
          sqrt_r_(static_cast<std::size_t>(n_)),
          ln_r_(static_cast<std::size_t>(tables_ ? n_ : 0)),
          threshold_(static_cast<std::size_t>(n_)),
          mode_pairs_(static_cast<std::size_t>(split_.any() ? n_ : 0)),
          crest_db_{crest.db()},
          summaries_(static_cast<std::size_t>((n_ + chunk_lanes<T> - 1) / chunk_lanes<T>)) {
        // The plans name stages by their place in the columns they were made from: the catalog's indices instead.
        where_.assign(static_cast<std::size_t>(m_), 0);
        if (split_.any()) {
            split_.to_catalog(plan_.original, split_.always);
            split_.to_catalog(mode_plan_.original, split_.modes);
        }
        for (std::size_t pos = 0; pos < plan_.original.size(); ++pos) where_[static_cast<std::size_t>(plan_.original[pos])] = static_cast<index>(pos);
        for (std::size_t pos = 0; pos < mode_plan_.original.size(); ++pos)
            where_[static_cast<std::size_t>(mode_plan_.original[pos])] = -1 - static_cast<index>(pos);
    }

    sweep_result run(workers& pool) {
        const index blocks = (looped_m_ + block_outputs - 1) / block_outputs;
        const unsigned threads = pool.size();
        allocate_result(threads);
        if (m_ > 0 && n_ > 0) {
            std::vector<row_buffer<T>> row_buffers(rows_ ? threads : 0);
            rows_bytes_ = row_buffers.size() * row_buffer<T>::cells * (2 * sizeof(T) + 2 * sizeof(limit));
            if (splits_headphones(s_, n_, blocks, threads))
                by_headphones(pool, row_buffers);
            else
                by_outputs(pool, blocks, row_buffers);
        }
        overall();
        return std::move(result_);
    }

private:
    static const kernel_table<T>& path_kernels(simd_path p) {
        const target_kernels& k = single_load_kernels(p);
        if constexpr (sizeof(T) == sizeof(float))
            return k.f32;
        else
            return k.f64;
    }

    result_data& data() noexcept { return result_access::of(result_); }

    headphone_lanes<T> lanes() noexcept {
        return {hps_.r.data(), hps_.s_v.data(), sqrt_r_.data(), tables_ ? ln_r_.data() : nullptr, threshold_.data()};
    }

    void allocate_result(unsigned threads) {
        result_data& r = data();
        const auto n = static_cast<std::size_t>(n_);
        r.outputs = m_;
        r.headphones = n_;
        r.top_k = s_.top_k;
        r.threads = threads;
        r.path = path_;
        r.mean = options_.mean;
        r.target_db = options_.target_db;
        r.crest_db = crest_db_;
        r.threshold_db = options_.min_headroom_db;
        r.min_db_i = buffer<double>(n);
        r.max_db_i = buffer<double>(n);
        r.min_v_i = buffer<double>(n);
        r.max_v_i = buffer<double>(n);
        if (options_.mean) r.mean_db_i = buffer<double>(n);
        r.best = buffer<best_record>(n * static_cast<std::size_t>(s_.top_k));
    }

    // Prepares headphones [first, first + count) and their results once their accumulators are complete.
    void prepare(index first, index count) noexcept {
        kernels_.prepare({lanes(), options_, first, count, tables_});
    }

    void sweep_chunk_blocks(tally<T>& t, index first, index count, index block_first, index block_count, row_buffer<T>* rows) {
        block_job<T> job{lanes(), plan_.view(), t.view(), rows != nullptr ? rows->view() : row_block<T>{}, options_, peak_scale_,
                         first, count, 0, 0};
        for (index b = block_first; b < block_first + block_count; ++b) {
            job.out_first = b * block_outputs;
            job.out_count = std::min(block_outputs, looped_m_ - job.out_first);
            kernels_.sweep_block(job);
            if (rows != nullptr) {
                const pair_rows<T> tile{std::span<const index>{plan_.original.data() + job.out_first, static_cast<std::size_t>(job.out_count)},
                                        first,
                                        count,
                                        chunk_lanes<T>,
                                        rows->headroom_db.data(),
                                        rows->binding.data(),
                                        rows->max_spl_db.data(),
                                        rows->max_binding.data()};
                rows_(tile);
            }
            if (s_.pairs_done != nullptr) s_.pairs_done->fetch_add(job.out_count * count, std::memory_order_relaxed);
            if (s_.stop != nullptr && s_.stop->load(std::memory_order_relaxed)) throw sweep_stopped{};  // every worker stops
        }
    }

    // The load-sensed modes against headphones [first, first + count) of one chunk, after the loops: each headphone
    // takes the modes its load selects, through the functions the loops inline (the same voltage, bit for bit), into
    // the same accumulators. A mode's logarithm goes in as the exact path of the mean takes it (kernel_impl.hpp).
    void take_modes(tally<T>& t, index first, index count, row_buffer<T>* rows) {
        if (!split_.any()) return;
        const headphone_lanes<T> hp = lanes();
        const prepared_outputs<T> outs = mode_plan_.view();
        const accumulators<T> acc = t.view();
        const index modes = outs.size;
        for (index i = first; i < first + count; ++i) mode_pairs_[static_cast<std::size_t>(i)] = 0;
        for (index tile = 0; tile < modes; tile += block_outputs) {
            const index tile_count = std::min(block_outputs, modes - tile);
            for (index pos = tile; pos < tile + tile_count; ++pos) {
                const index j = outs.original[pos];
                const auto band = split_.band_of(j);
                for (index i = first; i < first + count; ++i) {
                    const auto u = static_cast<std::size_t>(i);
                    const bool selected = band.holds(hps_.r[i]);
                    if (!selected && rows == nullptr) continue;
                    const auto [v, which] = limits::binding_of(programme_limits_at(outs, pos, hp, i, peak_scale_));
                    if (rows != nullptr) {
                        const auto at = static_cast<std::size_t>((pos - tile) * chunk_lanes<T> + (i - first));
                        const auto sine = limits::binding_of(sine_limits_at(outs, pos, hp, i));
                        const double s_v = static_cast<double>(hps_.s_v[i]);
                        constexpr T no_pair = std::numeric_limits<T>::quiet_NaN();  // a row sink skips it (sweep.hpp)
                        rows->headroom_db[at] = selected ? static_cast<T>(headroom_db(s_v, static_cast<double>(v), options_.target_db)) : no_pair;
                        rows->binding[at] = which;
                        rows->max_spl_db[at] = selected ? static_cast<T>(headroom_db(s_v, static_cast<double>(sine.voltage), 0.0)) : no_pair;
                        rows->max_binding[at] = sine.which;
                    }
                    if (!selected) continue;
                    ++mode_pairs_[u];
                    t.min_v[u] = std::min(t.min_v[u], v);
                    t.max_v[u] = std::max(t.max_v[u], v);
                    ++t.counts[static_cast<std::size_t>(which) * static_cast<std::size_t>(n_) + u];
                    if (v >= threshold_[u]) ++t.above[u];
                    if (options_.mean) {
                        const T clamped = std::clamp(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
                        const auto b = std::bit_cast<bits_of<T>>(clamped);
                        t.log_exp[u] += static_cast<std::int64_t>(b >> mantissa_bits<T>) - exponent_bias<T>;
                        t.log_fix[u] += static_cast<std::int64_t>(to_fixed_point(ln(std::bit_cast<T>(static_cast<bits_of<T>>((b & mantissa_mask<T>) | one_bits<T>)))));
                    }
                    if (acc.top_k > 0 && v >= acc.kth[i]) offer(acc, i, v, static_cast<std::int64_t>(j));
                }
            }
            if (rows != nullptr)
                rows_(pair_rows<T>{std::span<const index>{outs.original + tile, static_cast<std::size_t>(tile_count)}, first, count,
                                   chunk_lanes<T>, rows->headroom_db.data(), rows->binding.data(), rows->max_spl_db.data(),
                                   rows->max_binding.data()});
        }
    }

    // Threads take ranges of headphones; each range meets every output stage, chunk by chunk.
    void by_headphones(workers& pool, std::vector<row_buffer<T>>& row_buffers) {
        tally<T> t{n_, s_.top_k, options_.mean};
        tally_bytes_ = t.bytes();
        const index blocks = (looped_m_ + block_outputs - 1) / block_outputs;
        pool.for_each_tile(n_, headphone_tile<T>(s_, n_, pool.size()), [&](index first, index count, unsigned w) {
            prepare(first, count);
            t.fill(first, count);
            for (index c = first; c < first + count; c += chunk_lanes<T>) {
                const index cn = std::min(chunk_lanes<T>, first + count - c);
                row_buffer<T>* rows = row_buffers.empty() ? nullptr : &row_buffers[w];
                sweep_chunk_blocks(t, c, cn, 0, blocks, rows);
                take_modes(t, c, cn, rows);
                finish(t, c, cn);
            }
        });
        keep_counts(t);
    }

    // Threads take ranges of output stages (whole blocks), each into a tally of its own; the tallies are added.
    void by_outputs(workers& pool, index blocks, std::vector<row_buffer<T>>& row_buffers) {
        const unsigned threads = pool.size();
        prepare(0, n_);
        std::vector<std::optional<tally<T>>> parts(threads);
        const index tile = s_.tile > 0 ? std::max<index>(1, (s_.tile + block_outputs - 1) / block_outputs)
                                       : std::max<index>(1, blocks / (static_cast<index>(threads) * 4));
        pool.for_each_tile(blocks, tile, [&](index block_first, index block_count, unsigned w) {
            if (!parts[w]) {
                parts[w].emplace(n_, s_.top_k, options_.mean);
                parts[w]->fill(0, n_);
            }
            for (index c = 0; c < n_; c += chunk_lanes<T>)
                sweep_chunk_blocks(*parts[w], c, std::min(chunk_lanes<T>, n_ - c), block_first, block_count,
                                   row_buffers.empty() ? nullptr : &row_buffers[w]);
        });
        tally<T>* total = nullptr;
        for (auto& p : parts) {
            if (!p) continue;
            tally_bytes_ += p->bytes();
            if (total == nullptr)
                total = &*p;
            else
                total->merge(*p);
        }
        for (index c = 0; c < n_; c += chunk_lanes<T>) {
            take_modes(*total, c, std::min(chunk_lanes<T>, n_ - c), row_buffers.empty() ? nullptr : &row_buffers.front());
            finish(*total, c, std::min(chunk_lanes<T>, n_ - c));
        }
        keep_counts(*total);
    }

    // The results of headphones [first, first + count) from their complete accumulators.
    // first is a multiple of chunk_lanes: every chunk is finished whole by one thread, whatever the tiles, so the
    // summary of a chunk, and the sum over the chunks in their order, is the same on any number of threads.
    void finish(tally<T>& t, index first, index count) {
        result_data& r = data();
        kernels_.finish({hps_.s_v.data(), t.min_v.data(), t.max_v.data(), r.min_db_i.data(), r.max_db_i.data(), options_.target_db,
                         first, count});
        const headphone_lanes<T> hp = lanes();
        const prepared_outputs<T> looped = plan_.view(), modes = mode_plan_.view();
        const index k = s_.top_k;
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        for (index i = first; i < first + count; ++i) {
            const auto u = static_cast<std::size_t>(i);
            const double s_v = static_cast<double>(hps_.s_v[i]);
            // The outputs this headphone meets: every looped stage and the modes its load selects.
            const index met = looped_m_ + (split_.any() ? mode_pairs_[u] : 0);
            const index listed = std::min(k, met);
            r.min_v_i[u] = static_cast<double>(t.min_v[u]);
            r.max_v_i[u] = static_cast<double>(t.max_v[u]);
            if (met == 0) r.min_db_i[u] = r.max_db_i[u] = nan;
            if (options_.mean) {
                // (S_V + 20 lg v) - T averaged over the outputs: S_V - T + (20 / ln 10) (sum of ln v) / M.
                const double sum_ln = std::numbers::ln2 * static_cast<double>(t.log_exp[u]) + fixed_point_unit<T> * static_cast<double>(t.log_fix[u]);
                r.mean_db_i[u] = met == 0 ? nan : (s_v + headroom::detail::db20_per_neper * (sum_ln / static_cast<double>(met))) - options_.target_db;
            }
            for (index q = listed; q < std::min(k, m_); ++q)  // fewer outputs than the list holds: the rest is no output
                r.best[u * static_cast<std::size_t>(k) + static_cast<std::size_t>(q)] = {-1, nan, nan, nan, limit::voltage, limit::voltage};
            for (index q = 0; q < listed; ++q) {
                const auto at = u * static_cast<std::size_t>(k) + static_cast<std::size_t>(q);
                const std::int64_t j = t.top_j[at];
                const index where = where_[static_cast<std::size_t>(j)];
                const prepared_outputs<T>& outs = where >= 0 ? looped : modes;
                const index pos = where >= 0 ? where : -1 - where;
                // The pair again, for the details: the same functions give the same voltage as the loop did.
                const auto [v, which] = limits::binding_of(programme_limits_at(outs, pos, hp, i, peak_scale_));
                const auto sine = limits::binding_of(sine_limits_at(outs, pos, hp, i));
                assert(v == t.top_v[at]);
                r.best[at] = {j,
                              headroom_db(s_v, static_cast<double>(v), options_.target_db),
                              headroom_db(s_v, static_cast<double>(sine.voltage), 0.0),
                              static_cast<double>(v),
                              which,
                              sine.which};
            }
        }
        chunk_summary& sum = summaries_[static_cast<std::size_t>(first / chunk_lanes<T>)];
        sum = chunk_summary{};
        for (index i = first; i < first + count; ++i) {
            const auto u = static_cast<std::size_t>(i);
            if (std::isnan(r.min_db_i[u])) continue;  // a headphone no stage pairs with (no mode for its load)
            sum.lo = std::min(sum.lo, r.min_db_i[u]);
            sum.hi = std::max(sum.hi, r.max_db_i[u]);
            if (options_.mean) sum.mean += r.mean_db_i[u];
            sum.above += t.above[u];
            ++sum.headphones;
            sum.pairs += looped_m_ + (split_.any() ? mode_pairs_[u] : 0);
        }
        for (std::size_t l = 0; l < limit_count; ++l)
            for (index i = first; i < first + count; ++i) sum.counts[l] += t.counts[l * static_cast<std::size_t>(n_) + static_cast<std::size_t>(i)];
    }

    void keep_counts(tally<T>& t) {
        moved_bytes_ = t.counts.bytes() + t.above.bytes();
        data().counts_i = std::move(t.counts);
        data().above_i = std::move(t.above);
    }

    // Over all pairs, from the summaries of the chunks, in their order.
    void overall() {
        result_data& r = data();
        const auto n = static_cast<std::size_t>(n_);
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        if (m_ == 0 || n_ == 0) {
            r.counts_i = buffer<std::int32_t>(n * limit_count);
            r.above_i = buffer<std::int32_t>(n);
            std::fill_n(r.counts_i.data(), r.counts_i.size(), 0);
            std::fill_n(r.above_i.data(), n, 0);
            for (auto* b : {&r.min_db_i, &r.max_db_i, &r.min_v_i, &r.max_v_i, &r.mean_db_i}) std::fill_n(b->data(), b->size(), nan);
            r.min_db = r.mean_db = r.max_db = nan;
        } else {
            set_overall(r, summaries_, options_.mean);
        }
        // Everything was held at once at the end: accumulators (less what moved into the result), the result, the
        // prepared catalog, the per-headphone columns and the row buffers.
        r.working_bytes = tally_bytes_ - moved_bytes_ + result_.memory_bytes() + plan_.bytes() + mode_plan_.bytes() + split_.bytes() +
                          sqrt_r_.bytes() + ln_r_.bytes() + threshold_.bytes() + mode_pairs_.bytes() + rows_bytes_;
    }

    const output_view<T>& outputs_;
    const headphone_view<T>& hps_;
    const sweep_settings& s_;
    const row_sink<T>& rows_;
    simd_path path_;
    const kernel_table<T>& kernels_;
    index m_, n_;
    T peak_scale_;
    mode_split<T> split_;
    output_plan<T> plan_, mode_plan_;  // of the looped stages and of the load-sensed modes (plan.hpp)
    index looped_m_;
    bool tables_;  // some stage has a rating table: the lanes carry ln R
    sweep_options options_;
    buffer<T> sqrt_r_, ln_r_, threshold_;
    buffer<std::int32_t> mode_pairs_;  // per headphone: the modes its load selects
    std::vector<index> where_;  // per catalog index: its position in plan_, or -1 - its position in mode_plan_
    double crest_db_;
    sweep_result result_;
    std::vector<chunk_summary> summaries_;
    std::size_t tally_bytes_ = 0, moved_bytes_ = 0, rows_bytes_ = 0;
};

// The settings as the sweep uses them: sizes checked before anything is allocated. top_k beyond the output count
// keeps no more (a list holds at most every output); the best lists must fit this machine's memory.
template <class T>
sweep_settings checked_settings(const sweep_settings& s, index m, index n) {
    sweep_settings c = s;
    // Per headphone and kept output: its record in the result, and the running list's voltage and index.
    c.top_k = checked_sizes("sweep", s.top_k, s.threads, s.min_headroom, m, n, sizeof(best_record) + sizeof(T) + sizeof(std::int64_t));
    return c;
}

template <class T>
sweep_result run_sweep(const output_view<T>& outputs, const headphone_view<T>& headphones, spl target, gain crest,
                       const sweep_settings& s, const row_sink<T>& rows) {
    const simd_path path = checked_start(s.simd, outputs.size(), "batch sweep");
    const sweep_settings checked = checked_settings<T>(s, outputs.size(), headphones.size());
    // The threads start first, and come up while the columns are checked and the output stages ordered.
    workers pool{sweep_threads(checked, outputs.size(), headphones.size())};
    check_columns(outputs, headphones);
    return engine<T>{outputs, headphones, target, crest, checked, rows, path}.run(pool);
}

}  // namespace


}  // namespace detail

sweep_result sweep(const output_view<float>& outputs, const headphone_view<float>& headphones, spl target, gain crest,
                   const sweep_settings& settings, const row_sink<float>& rows) {
    return detail::run_sweep<float>(outputs, headphones, target, crest, settings, rows);
}

sweep_result sweep(const output_view<double>& outputs, const headphone_view<double>& headphones, spl target, gain crest,
                   const sweep_settings& settings, const row_sink<double>& rows) {
    return detail::run_sweep<double>(outputs, headphones, target, crest, settings, rows);
}

column_error::column_error(std::string entity, std::string column, index at, const std::string& problem)
    : error{entity + ": " + column + (at >= 0 ? " [" + std::to_string(at) + "]" : std::string{}) + " " + problem},
      entity_{std::move(entity)}, column_{std::move(column)}, at_{at} {}

double combined_mean_db(std::span<const double> per_headphone_mean_db, bool single_precision) noexcept {
    const auto n = static_cast<index>(per_headphone_mean_db.size());
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    const index chunk = single_precision ? detail::chunk_lanes<float> : detail::chunk_lanes<double>;
    double all = 0.0;
    index counted = 0;
    for (index c = 0; c < n; c += chunk) {  // as summary() and overall() add them
        double sum = 0.0;
        for (index i = c; i < std::min(n, c + chunk); ++i) {
            const double mean = per_headphone_mean_db[static_cast<std::size_t>(i)];
            if (std::isnan(mean)) continue;  // a headphone no stage pairs with (no load-sensed mode for its load)
            sum += mean;
            ++counted;
        }
        all += sum;
    }
    return counted > 0 ? all / static_cast<double>(counted) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace headroom::batch
