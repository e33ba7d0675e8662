// The sweep across frequency's driver: the EQ's factors, the threads and their chunks of headphones, the load-sensed
// modes, and the result (the checks and the cells of output stages are across_plan.hpp's). The loops are in across_impl.hpp, compiled
// once per instruction set (targets/across_*.cpp); this file is compiled for the baseline only.

#include "headroom/batch/across.hpp"

#include "batch/across_api.hpp"
#include "batch/across_plan.hpp"
#include "batch/isa.hpp"
#include "batch/kernel_api.hpp"
#include "batch/math.hpp"
#include "batch/plan.hpp"
#include "batch/threads.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace headroom::batch {

static_assert(detail::across_lanes == across_chunk_headphones, "the public chunk size is the loops' lane count");

struct detail::across_access {
    static across_data& of(across_result& r) noexcept { return r.d_; }
};

std::size_t across_result::memory_bytes() const noexcept {
    return sizeof(*this) + d_.min_db_i.bytes() + d_.mean_db_i.bytes() + d_.max_db_i.bytes() + d_.counts_i.bytes() +
           d_.above_i.bytes() + d_.best.bytes();
}

namespace detail {
namespace {

template <class T>
const across_kernel_table<T>& kernels_for(simd_path p) {
    const across_target_kernels& k = across_kernels_of(p);
    if constexpr (sizeof(T) == sizeof(float))
        return k.f32;
    else
        return k.f64;
}

// ---- One thread's buffers, reused for every chunk it takes.

template <class T>
struct workspace {
    index frequencies, cells;
    buffer<T> grid, slot;
    buffer<whole_of<T>> grid_index, slot_index;
    buffer<double> scratch;
    buffer<std::uint8_t> keep;
    buffer<std::int32_t> list, list_size;
    buffer<index> cell_slot_first;
    std::size_t slot_capacity = 0;  // slots

    workspace(index f, index c)
        : frequencies{f},
          cells{c},
          grid(static_cast<std::size_t>(7 * f * across_lanes)),
          grid_index(static_cast<std::size_t>(f * across_lanes)),
          scratch(static_cast<std::size_t>(scratch_doubles(f) * across_lanes)),
          keep(static_cast<std::size_t>(f * across_lanes)),
          list(static_cast<std::size_t>(c * f * across_lanes)),
          list_size(static_cast<std::size_t>(c * across_lanes)),
          cell_slot_first(static_cast<std::size_t>(c + 1)) {}

    void reserve_slots(index slots) {
        if (static_cast<std::size_t>(slots) <= slot_capacity) return;
        slot_capacity = static_cast<std::size_t>(slots) + static_cast<std::size_t>(slots) / 2;
        slot = buffer<T>(7 * slot_capacity * across_lanes);
        slot_index = buffer<whole_of<T>>(slot_capacity * across_lanes);
    }

    [[nodiscard]] across_workspace<T> view() noexcept {
        across_workspace<T> w{};
        const auto plane = static_cast<std::size_t>(frequencies * across_lanes);
        const std::size_t slot_plane = slot_capacity * across_lanes;
        for (std::size_t k = 0; k < 7; ++k) {
            w.grid[k] = grid.data() + k * plane;
            w.slot[k] = slot_capacity > 0 ? slot.data() + k * slot_plane : nullptr;
        }
        w.grid_index = grid_index.data();
        w.slot_index = slot_capacity > 0 ? slot_index.data() : nullptr;
        w.cell_slot_first = cell_slot_first.data();
        w.scratch = scratch.data();
        w.keep = keep.data();
        w.list = list.data();
        w.list_size = list_size.data();
        return w;
    }

    [[nodiscard]] std::size_t bytes() const noexcept {
        return grid.bytes() + slot.bytes() + grid_index.bytes() + slot_index.bytes() + scratch.bytes() + keep.bytes() + list.bytes() +
               list_size.bytes() + cell_slot_first.bytes();
    }
};

template <class T>
class across_engine {
public:
    across_engine(const output_view<T>& outputs, const across_view<T>& headphones, spl target, gain crest, const across_settings& s,
                  const across_row_sink<T>& rows, simd_path path)
        : hps_{headphones},
          s_{s},
          rows_{rows},
          path_{path},
          kernels_{kernels_for<T>(path)},
          m_{outputs.size()},
          n_{headphones.size()},
          f_{headphones.frequencies()},
          peak_scale_{static_cast<T>(headroom::peak_scale(crest))},
          split_{outputs},
          plan_{split_.looped(outputs), peak_scale_},
          mode_plan_{output_view<T>{split_.mode_columns}, peak_scale_},
          looped_m_{static_cast<index>(plan_.outputs.original.size())},
          target_db_{target.db()},
          crest_db_{crest.db()} {
        // The plans name stages by their place in the columns they were made from: the catalog's indices instead.
        if (split_.any()) {
            split_.to_catalog(plan_.outputs.original, split_.always);
            split_.to_catalog(mode_plan_.outputs.original, split_.modes);
            mode_pairs_ = buffer<std::int32_t>(static_cast<std::size_t>(n_));
        }
        // The grid as the typed curve takes it (ln f by std::log), and each preset's factors as response.hpp has them.
        grid_ln_hz_.resize(static_cast<std::size_t>(f_));
        for (index f = 0; f < f_; ++f) grid_ln_hz_[static_cast<std::size_t>(f)] = std::log(hps_.grid_hz[static_cast<std::size_t>(f)]);
        const auto presets = hps_.preamp_db.size();
        eq_w_.resize(presets * static_cast<std::size_t>(f_));
        eq_gd_.resize(eq_w_.size());
        for (std::size_t e = 0; e < presets; ++e)
            for (std::size_t f = 0; f < static_cast<std::size_t>(f_); ++f) {
                const double boost = hps_.boost_db[e * static_cast<std::size_t>(f_) + f];
                eq_w_[e * static_cast<std::size_t>(f_) + f] = static_cast<T>((-gain::of_db(boost)).voltage_ratio());
                const double digital = std::min(hps_.preamp_db[e] + boost, 0.0);
                eq_gd_[e * static_cast<std::size_t>(f_) + f] = static_cast<T>(gain::of_db(digital).voltage_ratio());
            }
        ln_mag_ = plan_.outputs.tables || mode_plan_.outputs.tables;
    }

    across_result run(workers& pool) {
        const unsigned threads = pool.size();
        allocate_result(threads);
        const index chunks = (n_ + across_lanes - 1) / across_lanes;
        summaries_.assign(static_cast<std::size_t>(chunks), chunk_summary{});
        std::vector<std::int64_t> evaluated(threads, 0);
        // Each thread's buffers, made by the thread on its first chunk and reused for the rest.
        std::vector<std::optional<workspace<T>>> spaces(threads);
        std::vector<std::optional<row_buffer>> rows(threads);
        if (m_ > 0 && n_ > 0) {
            const index tile = threads == 1 ? chunks : 1;
            pool.for_each_tile(chunks, tile, [&](index first_chunk, index count, unsigned w) {
                if (!spaces[w]) spaces[w].emplace(f_, static_cast<index>(plan_.cells.size()));
                if (rows_ && !rows[w]) rows[w].emplace();
                // Counted per tile, then into the thread's entry: the entries share a cache line.
                std::int64_t tile_evaluated = 0;
                for (index c = first_chunk; c < first_chunk + count; ++c) chunk(*spaces[w], c, rows[w] ? &*rows[w] : nullptr, tile_evaluated);
                evaluated[w] += tile_evaluated;
            });
        }
        across_data& r = data();
        for (const std::int64_t e : evaluated) r.evaluated += e;
        std::size_t work = 0;
        for (unsigned w = 0; w < threads; ++w) work += (spaces[w] ? spaces[w]->bytes() : 0) + (rows[w] ? rows[w]->bytes() : 0);
        overall(work);
        return std::move(result_);
    }

private:
    // One thread's rows of a block of outputs against a chunk.
    struct row_buffer {
        static constexpr auto cells = static_cast<std::size_t>(block_outputs * across_lanes);
        buffer<T> headroom_db{cells};
        buffer<std::int32_t> frequency{cells};
        buffer<limit> binding{cells};
        [[nodiscard]] std::size_t bytes() const noexcept { return headroom_db.bytes() + frequency.bytes() + binding.bytes(); }
    };


    across_data& data() noexcept { return across_access::of(result_); }

    void allocate_result(unsigned threads) {
        across_data& r = data();
        const auto n = static_cast<std::size_t>(n_);
        r.outputs = m_;
        r.headphones = n_;
        r.frequencies = f_;
        r.top_k = s_.top_k;
        r.threads = threads;
        r.path = path_;
        r.pruned = s_.prune;
        r.target_db = target_db_;
        r.crest_db = crest_db_;
        r.threshold_db = s_.min_headroom.db();
        r.min_db_i = buffer<double>(n);
        r.max_db_i = buffer<double>(n);
        r.mean_db_i = buffer<double>(n);
        r.counts_i = buffer<std::int32_t>(n * limit_count);
        r.above_i = buffer<std::int32_t>(n);
        const auto k = static_cast<std::size_t>(s_.top_k);
        r.best = buffer<across_best_record>(n * k);
        kth_ = buffer<T>(k > 0 ? n : 0);
        top_u_ = buffer<T>(n * k);
        top_j_ = buffer<std::int64_t>(n * k);
        top_f_ = buffer<std::int32_t>(n * k);
        top_l_ = buffer<limit>(n * k);
    }

    across_accumulators<T> accumulators() noexcept {
        across_data& r = data();
        return {r.min_db_i.data(), r.max_db_i.data(), r.mean_db_i.data(), r.counts_i.data(), r.above_i.data(), kth_.data(),
                top_u_.data(),     top_j_.data(),     top_f_.data(),      top_l_.data(),     n_,               s_.top_k};
    }

    // Chunk c: headphones [c * lanes, ...): prepared, swept against every output stage, finished.
    void chunk(workspace<T>& ws, index c, row_buffer* rows, std::int64_t& evaluated) {
        const index first = c * across_lanes, count = std::min(across_lanes, n_ - first);
        fill(first, count);
        across_prepare_job<T> prep{ws.view(),
                                   first,
                                   count,
                                   f_,
                                   hps_.headphones.r.data(),
                                   hps_.curve.data(),
                                   hps_.eq.data(),
                                   hps_.table_first.data(),
                                   hps_.ln_hz.data(),
                                   hps_.ln_ohm.data(),
                                   hps_.phase_rad.data(),
                                   hps_.re.data(),
                                   hps_.le.data(),
                                   hps_.fs.data(),
                                   hps_.qms.data(),
                                   hps_.qes.data(),
                                   hps_.grid_hz.data(),
                                   grid_ln_hz_.data(),
                                   eq_w_.data(),
                                   eq_gd_.data(),
                                   plan_.cells.data(),
                                   static_cast<index>(plan_.cells.size()),
                                   plan_.tables.data(),
                                   ln_mag_,
                                   s_.prune};
        kernels_.prepare(prep);
        if (s_.prune) {
            ws.reserve_slots(ws.cell_slot_first[static_cast<std::size_t>(plan_.cells.size())]);
            prep.ws = ws.view();
            kernels_.gather(prep);
        }
        const prepared_outputs<T> outs = plan_.outputs.view();
        across_block_job<T> job{ws.view(),
                                outs,
                                plan_.outputs.cell_first.data(),
                                plan_.outputs.cell_group_end.data(),
                                plan_.cells.data(),
                                static_cast<index>(plan_.cells.size()),
                                accumulators(),
                                rows != nullptr ? across_row_block<T>{rows->headroom_db.data(), rows->frequency.data(), rows->binding.data()}
                                                : across_row_block<T>{},
                                rows != nullptr,
                                s_.prune,
                                hps_.headphones.s_v.data() + first,
                                target_db_,
                                s_.min_headroom.db(),
                                peak_scale_,
                                first,
                                count,
                                f_,
                                0,
                                0,
                                &evaluated};
        for (index b = 0; b < looped_m_; b += block_outputs) {
            job.out_first = b;
            job.out_count = std::min(block_outputs, looped_m_ - b);
            kernels_.sweep_block(job);
            if (rows != nullptr) {
                const across_rows<T> tile{std::span<const index>{plan_.outputs.original.data() + b, static_cast<std::size_t>(job.out_count)},
                                          first,
                                          count,
                                          across_lanes,
                                          rows->headroom_db.data(),
                                          rows->frequency.data(),
                                          rows->binding.data(),
                                          hps_.grid_hz};
                rows_(tile);
            }
            if (s_.pairs_done != nullptr) s_.pairs_done->fetch_add(job.out_count * count, std::memory_order_relaxed);
            if (s_.stop != nullptr && s_.stop->load(std::memory_order_relaxed)) throw sweep_stopped{};  // every worker stops
        }
        take_modes(job, rows);
        finish(first, count, c);
    }

    // The load-sensed modes against the chunk, after the loops: each mode alone through the same loop, at every
    // frequency, into accumulators of its own (one lane per headphone of the chunk, a list of one), from which each
    // headphone takes the modes its load selects. The pairs' worst cases are the loop's, bit for bit.
    void take_modes(across_block_job<T> job, row_buffer* rows) {
        if (!split_.any()) return;
        const index first = job.first, count = job.count;
        for (index i = first; i < first + count; ++i) mode_pairs_[static_cast<std::size_t>(i)] = 0;
        const across_accumulators<T> acc = job.acc;
        const prepared_outputs<T> outs = mode_plan_.outputs.view();
        // One pair's accumulators per lane.
        std::array<double, across_lanes> lo, hi, sum;
        std::array<std::int32_t, across_lanes * limit_count> counts;
        std::array<std::int32_t, across_lanes> above, top_f;
        std::array<T, across_lanes> kth, top_u;
        std::array<std::int64_t, across_lanes> top_j;
        std::array<limit, across_lanes> top_l;
        job.outs = outs;
        job.cell_first = mode_plan_.outputs.cell_first.data();
        job.cell_group_end = mode_plan_.outputs.cell_group_end.data();
        job.cells = mode_plan_.cells.data();
        job.cell_count = static_cast<index>(mode_plan_.cells.size());
        job.prune = false;  // the chunk's candidates are those of the looped stages' cells: every frequency instead
        job.first = 0;      // the lanes' own accumulators
        job.acc = {lo.data(), hi.data(), sum.data(), counts.data(), above.data(), kth.data(), top_u.data(), top_j.data(),
                   top_f.data(), top_l.data(), across_lanes, 1};
        for (index tile = 0; tile < outs.size; tile += block_outputs) {
            const index tile_count = std::min(block_outputs, outs.size - tile);
            for (index pos = tile; pos < tile + tile_count; ++pos) {
                lo.fill(std::numeric_limits<double>::infinity());
                hi.fill(-std::numeric_limits<double>::infinity());
                sum.fill(0.0);
                counts.fill(0);
                above.fill(0);
                kth.fill(-std::numeric_limits<T>::infinity());
                top_u.fill(-std::numeric_limits<T>::infinity());
                top_j.fill(-1);
                job.out_first = pos;
                job.out_count = 1;
                job.with_rows = rows != nullptr;
                if (rows != nullptr) {
                    const auto row = static_cast<std::size_t>((pos - tile) * across_lanes);
                    job.rows = {rows->headroom_db.data() + row, rows->frequency.data() + row, rows->binding.data() + row};
                }
                kernels_.sweep_block(job);
                const index j = outs.original[pos];
                const auto band = split_.band_of(j);
                for (index i = 0; i < count; ++i) {
                    const index h = first + i;
                    const auto u = static_cast<std::size_t>(h), l = static_cast<std::size_t>(i);
                    if (!band.holds(hps_.mode_load_of(h))) {
                        if (rows != nullptr) rows->headroom_db[static_cast<std::size_t>((pos - tile) * across_lanes) + l] = std::numeric_limits<T>::quiet_NaN();
                        continue;
                    }
                    ++mode_pairs_[u];
                    acc.min_db[u] = std::min(acc.min_db[u], lo[l]);
                    acc.max_db[u] = std::max(acc.max_db[u], hi[l]);
                    acc.sum_db[u] += sum[l];
                    acc.above[u] += above[l];
                    ++acc.counts[static_cast<std::size_t>(top_l[l]) * static_cast<std::size_t>(n_) + u];
                    if (acc.top_k > 0 && top_u[l] >= acc.kth[u]) offer(acc, h, top_u[l], static_cast<std::int64_t>(j), top_f[l], top_l[l]);
                }
            }
            if (rows != nullptr)
                rows_(across_rows<T>{std::span<const index>{outs.original + tile, static_cast<std::size_t>(tile_count)}, first, count,
                                     across_lanes, rows->headroom_db.data(), rows->frequency.data(), rows->binding.data(), hps_.grid_hz});
        }
    }

    // The starting values of headphones [first, first + count), written by the thread that works on them.
    void fill(index first, index count) noexcept {
        across_data& r = data();
        constexpr double inf = std::numeric_limits<double>::infinity();
        std::fill_n(r.min_db_i.data() + first, count, inf);
        std::fill_n(r.max_db_i.data() + first, count, -inf);
        std::fill_n(r.mean_db_i.data() + first, count, 0.0);
        for (std::size_t l = 0; l < limit_count; ++l) std::fill_n(r.counts_i.data() + static_cast<index>(l) * n_ + first, count, 0);
        std::fill_n(r.above_i.data() + first, count, 0);
        const index k = s_.top_k;
        if (k > 0) {
            std::fill_n(kth_.data() + first, count, -std::numeric_limits<T>::infinity());
            std::fill_n(top_u_.data() + first * k, count * k, -std::numeric_limits<T>::infinity());
            std::fill_n(top_j_.data() + first * k, count * k, std::int64_t{-1});
            std::fill_n(top_f_.data() + first * k, count * k, 0);
            std::fill_n(top_l_.data() + first * k, count * k, limit::voltage);
        }
    }

    void finish(index first, index count, index c) {
        across_data& r = data();
        const index k = s_.top_k;
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        chunk_summary& sum = summaries_[static_cast<std::size_t>(c)];
        for (index i = first; i < first + count; ++i) {
            const auto u = static_cast<std::size_t>(i);
            // The outputs this headphone meets: every looped stage and the modes its load selects.
            const index met = looped_m_ + (split_.any() ? mode_pairs_[u] : 0);
            const index listed = std::min(k, met);
            r.mean_db_i[u] /= static_cast<double>(met);  // the sum of the pairs' headroom, in the order of the outputs
            for (index q = listed; q < std::min(k, m_); ++q)  // fewer outputs than the list holds: the rest is no output
                r.best[u * static_cast<std::size_t>(k) + static_cast<std::size_t>(q)] = {-1, nan, nan, limit::voltage};
            if (met == 0) {
                r.min_db_i[u] = r.max_db_i[u] = r.mean_db_i[u] = nan;
                continue;
            }
            sum.headphones += 1;
            sum.pairs += met;
            const double s_v = static_cast<double>(hps_.headphones.s_v[i]);
            for (index q = 0; q < listed; ++q) {
                const auto at = u * static_cast<std::size_t>(k) + static_cast<std::size_t>(q);
                r.best[at] = {top_j_[at], headroom_db(s_v, static_cast<double>(top_u_[at]), target_db_),
                              hps_.grid_hz[static_cast<std::size_t>(top_f_[at])], top_l_[at]};
            }
            sum.lo = std::min(sum.lo, r.min_db_i[u]);
            sum.hi = std::max(sum.hi, r.max_db_i[u]);
            sum.mean += r.mean_db_i[u];
            sum.above += r.above_i[u];
            for (std::size_t l = 0; l < limit_count; ++l) sum.counts[l] += r.counts_i[l * static_cast<std::size_t>(n_) + u];
        }
    }

    void overall(std::size_t work) {
        across_data& r = data();
        constexpr double nan = std::numeric_limits<double>::quiet_NaN();
        if (m_ == 0 || n_ == 0) {
            std::fill_n(r.counts_i.data(), r.counts_i.size(), 0);
            std::fill_n(r.above_i.data(), r.above_i.size(), 0);
            for (auto* b : {&r.min_db_i, &r.max_db_i, &r.mean_db_i}) std::fill_n(b->data(), b->size(), nan);
            r.min_db = r.mean_db = r.max_db = nan;
        } else {
            set_overall(r, summaries_, true);
        }
        r.working_bytes = result_.memory_bytes() + kth_.bytes() + top_u_.bytes() + top_j_.bytes() + top_f_.bytes() + top_l_.bytes() +
                          plan_.outputs.bytes() + mode_plan_.outputs.bytes() + split_.bytes() + mode_pairs_.bytes() + (eq_w_.size() + eq_gd_.size()) * sizeof(T) + grid_ln_hz_.size() * sizeof(double) + work;
    }

    const across_view<T>& hps_;
    const across_settings& s_;
    const across_row_sink<T>& rows_;
    simd_path path_;
    const across_kernel_table<T>& kernels_;
    index m_, n_, f_;
    T peak_scale_;
    mode_split<T> split_;
    across_plan<T> plan_, mode_plan_;  // of the looped stages and of the load-sensed modes (plan.hpp)
    index looped_m_;
    buffer<std::int32_t> mode_pairs_;  // per headphone of the sweep: the modes its load selects
    double target_db_, crest_db_;
    std::vector<double> grid_ln_hz_;
    std::vector<T> eq_w_, eq_gd_;
    bool ln_mag_ = false;
    buffer<T> kth_, top_u_;
    buffer<std::int64_t> top_j_;
    buffer<std::int32_t> top_f_;
    buffer<limit> top_l_;
    std::vector<chunk_summary> summaries_;
    across_result result_;
};

// The threads a sweep of m output stages x n headphones runs on: no more than one per chunk of headphones (the
// threads share the headphones, so that each headphone's figures are summed in one order whatever their number).
unsigned across_threads(const across_settings& s, index m, index n) noexcept {
    const unsigned most = resolve_threads(s.threads);
    const index pairs = m * n;
    const index worth = s.min_pairs_per_thread > 0 ? pairs / s.min_pairs_per_thread : pairs;
    const index chunks = (n + across_lanes - 1) / across_lanes;
    return static_cast<unsigned>(std::clamp<index>(std::min(worth, chunks), 1, most));
}

template <class T>
across_result run_across(const output_view<T>& outputs, const across_view<T>& headphones, spl target, gain crest,
                         const across_settings& s, const across_row_sink<T>& rows) {
    const simd_path path = checked_start(s.simd, outputs.size(), "batch sweep across frequency");
    across_settings checked = s;
    // Per headphone and kept output: its record in the result, and the running list's value, index and frequency.
    checked.top_k = checked_sizes("across-frequency sweep", s.top_k, s.threads, s.min_headroom, outputs.size(),
                                  headphones.size(), sizeof(across_best_record) + sizeof(T) + sizeof(std::int64_t) + 2 * sizeof(std::int32_t));
    workers pool{across_threads(checked, outputs.size(), headphones.size())};
    check_columns(outputs, headphones.headphones);
    check_across(headphones);
    return across_engine<T>{outputs, headphones, target, crest, checked, rows, path}.run(pool);
}

}  // namespace
}  // namespace detail

across_result sweep_across(const output_view<float>& outputs, const across_view<float>& headphones, spl target, gain crest,
                           const across_settings& settings, const across_row_sink<float>& rows) {
    return detail::run_across<float>(outputs, headphones, target, crest, settings, rows);
}

across_result sweep_across(const output_view<double>& outputs, const across_view<double>& headphones, spl target, gain crest,
                           const across_settings& settings, const across_row_sink<double>& rows) {
    return detail::run_across<double>(outputs, headphones, target, crest, settings, rows);
}

}  // namespace headroom::batch
