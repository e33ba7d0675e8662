// The batch engine (headroom::batch, include/headroom/batch/sweep.hpp) in Python: catalogs as structure-of-arrays
// columns of NumPy arrays, the sweep itself with the GIL released, and its results as NumPy arrays. The package's
// headroom/_sweep.py checks and converts the columns (naming a bad one) before they reach here; the checks here
// only guard memory (lengths and table offsets), and the engine's own checks stand behind both.

#include "bindings.hpp"

#include "headroom/batch/across.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/pack_across.hpp"
#include "headroom/eq.hpp"
#include "headroom/frequency_grid.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/batch/synthetic.hpp"
#include "headroom/frontend/sweep_json.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <future>
#include <string>
#include <utility>
#include <vector>

namespace headroom::python {

namespace {

using batch::index;

template <class T>
using array = py::array_t<T, py::array::c_style>;

constexpr std::array<const char*, 7> output_fields{"v_clip", "r_clip", "i_max", "sqrt_p_clip", "sqrt_p_thermal", "v_gain", "z_out"};

template <class T, class Column>
py::array_t<T> copy_column(const Column& c) {
    py::array_t<T> a(static_cast<py::ssize_t>(c.size()));
    std::copy_n(c.data(), c.size(), a.mutable_data());
    return a;
}

// Packed columns (batch/pack.hpp, the one place model objects become numbers) as a dict of NumPy arrays.
py::dict output_dict(const batch::output_columns<double>& c) {
    py::dict d;
    const std::array<const batch::column<double>*, 7> columns{&c.v_clip, &c.r_clip, &c.i_max, &c.sqrt_p_clip, &c.sqrt_p_thermal, &c.v_gain, &c.z_out};
    for (std::size_t k = 0; k < columns.size(); ++k) d[output_fields[k]] = copy_column<double>(*columns[k]);
    d["table_first"] = copy_column<std::int64_t>(c.table_first);
    d["table_ln_r"] = copy_column<double>(c.table_ln_r);
    d["table_ln_v"] = copy_column<double>(c.table_ln_v);
    if (c.load_min.size() > 0) {  // load-sensed modes (columns.hpp)
        d["load_min"] = copy_column<double>(c.load_min);
        d["load_max"] = copy_column<double>(c.load_max);
    }
    return d;
}

py::dict headphone_dict(const batch::headphone_columns<double>& c) {
    py::dict d;
    d["r"] = copy_column<double>(c.r);
    d["s_v"] = copy_column<double>(c.s_v);
    return d;
}

// A read-only NumPy view of memory `owner` keeps alive; an empty array of its own when there is none.
template <class T>
py::array view(const void* data, std::vector<py::ssize_t> shape, std::vector<py::ssize_t> strides, const py::capsule& owner) {
    const bool empty = std::any_of(shape.begin(), shape.end(), [](py::ssize_t e) { return e == 0; });
    py::array a = empty || data == nullptr ? py::array(py::dtype::of<T>(), shape)
                                           : py::array(py::dtype::of<T>(), shape, strides, static_cast<const T*>(data), owner);
    a.attr("flags").attr("writeable") = false;
    return a;
}

template <class T>
Eigen::Map<const batch::column<T>> map(const array<T>& a) {
    return {a.data(), static_cast<index>(a.size())};
}

template <class T>
array<T> column_arg(const py::dict& d, const char* entity, const char* name) {
    if (!d.contains(name)) throw spec_error{entity, name, "is missing"};
    auto a = array<T>::ensure(d[name]);
    if (!a || a.ndim() != 1) throw spec_error{entity, name, "must be a one-dimensional array"};
    return a;
}

// Every pair's figures copied from the engine's tiles into (outputs x headphones) arrays; tiles are disjoint, so
// the threads write without a lock.
template <class T>
struct grid_arrays {
    py::array_t<T> headroom_db, max_spl_db;
    py::array_t<std::uint8_t> limit, max_limit;

    grid_arrays(index m, index n)
        : headroom_db({m, n}), max_spl_db({m, n}), limit({m, n}), max_limit({m, n}) {}

    batch::row_sink<T> sink(index n) {
        static_assert(sizeof(headroom::limit) == sizeof(std::uint8_t));
        T* h = headroom_db.mutable_data();
        T* s = max_spl_db.mutable_data();
        std::uint8_t* l = limit.mutable_data();
        std::uint8_t* ml = max_limit.mutable_data();
        return [=](const batch::pair_rows<T>& t) {
            const auto count = static_cast<std::size_t>(t.headphones);
            for (std::size_t q = 0; q < t.outputs.size(); ++q) {
                const auto to = static_cast<std::size_t>(t.outputs[q] * n + t.first_headphone);
                const auto from = static_cast<std::size_t>(static_cast<index>(q) * t.stride);
                std::copy_n(t.headroom_db + from, count, h + to);
                std::copy_n(t.max_spl_db + from, count, s + to);
                std::memcpy(l + to, t.binding + from, count);
                std::memcpy(ml + to, t.max_binding + from, count);
            }
        };
    }

    [[nodiscard]] py::dict to_dict() const {
        py::dict d;
        d["headroom_db"] = headroom_db;
        d["limit"] = limit;
        d["max_spl_db"] = max_spl_db;
        d["max_limit"] = max_limit;
        return d;
    }
};

template <class T>
struct output_arrays {
    std::vector<array<T>> columns;
    array<std::int64_t> first;
    array<T> ln_r, ln_v;
    std::optional<array<T>> load_min, load_max;  // load-sensed modes (both or neither)

    [[nodiscard]] index size() const noexcept { return static_cast<index>(columns[0].size()); }
    [[nodiscard]] batch::output_view<T> view() const {
        static_assert(sizeof(std::int64_t) == sizeof(index));
        return {map(columns[0]), map(columns[1]), map(columns[2]), map(columns[3]), map(columns[4]), map(columns[5]), map(columns[6]),
                reinterpret_cast<const index*>(first.data()), ln_r.data(), ln_v.data(), load_min ? load_min->data() : nullptr,
                load_max ? load_max->data() : nullptr};
    }
};

// The output columns of a sweep, their shapes checked (the engine checks their values).
template <class T>
output_arrays<T> output_arrays_of(const py::dict& outs) {
    output_arrays<T> o;
    for (const char* name : output_fields) o.columns.push_back(column_arg<T>(outs, "outputs", name));
    o.first = column_arg<std::int64_t>(outs, "outputs", "table_first");
    o.ln_r = column_arg<T>(outs, "outputs", "table_ln_r");
    o.ln_v = column_arg<T>(outs, "outputs", "table_ln_v");
    const index m = o.size();
    for (std::size_t k = 1; k < o.columns.size(); ++k)
        if (o.columns[k].size() != m) throw spec_error{"outputs", output_fields[k], "differs in length from v_clip"};
    if (o.first.size() != m + 1) throw spec_error{"outputs", "table_first", "must hold one offset more than there are outputs"};
    if (o.ln_v.size() != o.ln_r.size()) throw spec_error{"outputs", "table_ln_v", "differs in length from table_ln_r"};
    const std::int64_t* f = o.first.data();
    if (f[0] != 0 || f[m] != o.ln_r.size()) throw spec_error{"outputs", "table_first", "must run from 0 to the length of table_ln_r"};
    for (index j = 0; j < m; ++j)
        if (f[j + 1] < f[j]) throw spec_error{"outputs", "table_first", "must not decrease"};
    if (outs.contains("load_min") || outs.contains("load_max")) {
        o.load_min = column_arg<T>(outs, "outputs", "load_min");
        o.load_max = column_arg<T>(outs, "outputs", "load_max");
        if (o.load_min->size() != m) throw spec_error{"outputs", "load_min", "differs in length from v_clip"};
        if (o.load_max->size() != m) throw spec_error{"outputs", "load_max", "differs in length from v_clip"};
    }
    return o;
}

// Refuses a grid of every pair of m x n, `bytes_per_pair` each, that cannot fit this machine's memory, before
// anything is allocated.
void check_grid_fits(index m, index n, double bytes_per_pair) {
    const double bytes = static_cast<double>(m) * static_cast<double>(n) * bytes_per_pair;
    const double memory = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    if (memory > 0 && bytes > memory) {
        char text[200];
        std::snprintf(text, sizeof text, "of every pair of %lld x %lld needs %.3g GB, more than this machine's %.3g GB: leave grid out, or sweep in parts",
                      static_cast<long long>(m), static_cast<long long>(n), bytes / 1e9, memory / 1e9);
        throw spec_error{"sweep", "grid", text};
    }
}

// Runs a sweep on a thread of its own with the GIL released, while this one wakes every 50 ms to let Python handle
// its signals: Ctrl-C stops the sweep (its settings' stop flag) and raises KeyboardInterrupt. Returns the result
// and the seconds it took.
template <class Result, class Sweep>
std::pair<Result, double> run_interruptibly(std::atomic<bool>& stop, Sweep&& sweep) {
    const auto start = std::chrono::steady_clock::now();
    auto running = std::async(std::launch::async, std::forward<Sweep>(sweep));
    bool interrupted = false;
    {
        const py::gil_scoped_release release;
        while (running.wait_for(std::chrono::milliseconds{50}) != std::future_status::ready) {
            const py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) {
                interrupted = true;
                stop.store(true);
                break;
            }
        }
        running.wait();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (interrupted) {
        try {
            (void)running.get();
        } catch (const batch::sweep_stopped&) {
        }
        throw py::error_already_set();
    }
    return {running.get(), seconds};
}

template <class T>
py::dict sweep_columns(const py::dict& outs, const py::dict& hps, const programme& p, double min_headroom_db, unsigned threads, index top_k,
                       bool grid) {
    const output_arrays<T> outputs = output_arrays_of<T>(outs);
    const auto r = column_arg<T>(hps, "headphones", "r");
    const auto s_v = column_arg<T>(hps, "headphones", "s_v");
    const index m = outputs.size();
    const auto n = static_cast<index>(r.size());
    if (s_v.size() != n) throw spec_error{"headphones", "s_v", "differs in length from r"};
    const batch::output_view<T> ov = outputs.view();
    const batch::headphone_view<T> hv{map(r), map(s_v)};
    batch::sweep_settings s;
    s.threads = threads;
    s.top_k = top_k;
    s.min_headroom = gain::of_db(min_headroom_db);
    std::optional<grid_arrays<T>> g;
    batch::row_sink<T> sink;
    if (grid) {
        // Every pair's figures: refused before allocating when they cannot fit this machine's memory.
        check_grid_fits(m, n, 2.0 * sizeof(T) + 2.0);
        g.emplace(m, n);
        sink = g->sink(n);
    }

    std::atomic<bool> stop{false};
    s.stop = &stop;
    auto [res, seconds] = run_interruptibly<batch::sweep_result>(stop, [&] { return batch::sweep(ov, hv, p.average_level(), p.crest_factor(), s, sink); });

    // The figures the command line's sweep --json reports, made where it makes them.
    py::dict d = to_python(frontend::sweep_json(res, sizeof(T) == sizeof(float), seconds));

    // The per-headphone arrays and the best outputs are the result's own memory, as read-only NumPy views that keep
    // it alive: a sweep of 10^5 headphones with their five best outputs hands over 40 MB without copying it.
    auto owned = std::make_unique<batch::sweep_result>(std::move(res));
    const py::capsule owner(owned.get(), [](void* r) { delete static_cast<batch::sweep_result*>(r); });
    const batch::sweep_result* held = owned.release();
    const batch::sweep_result::arrays a = held->stored();
    const auto un = static_cast<py::ssize_t>(n);
    py::dict per;
    per["min_headroom_db"] = view<double>(a.min_headroom_db.data(), {un}, {sizeof(double)}, owner);
    per["mean_headroom_db"] = view<double>(a.mean_headroom_db.data(), {un}, {sizeof(double)}, owner);
    per["max_headroom_db"] = view<double>(a.max_headroom_db.data(), {un}, {sizeof(double)}, owner);
    per["min_voltage_v"] = view<double>(a.min_voltage_v.data(), {un}, {sizeof(double)}, owner);
    per["max_voltage_v"] = view<double>(a.max_voltage_v.data(), {un}, {sizeof(double)}, owner);
    per["above_threshold"] = view<std::int32_t>(a.above_threshold.data(), {un}, {sizeof(std::int32_t)}, owner);
    per["binding"] = view<std::int32_t>(a.binding.data(), {static_cast<py::ssize_t>(limit_count), un},
                                        {static_cast<py::ssize_t>(static_cast<std::size_t>(un) * sizeof(std::int32_t)), sizeof(std::int32_t)}, owner);
    d["per_headphone"] = per;

    // The best outputs per headphone, best first: (headphones x k) views, k = min(top_k, outputs), of the stored
    // records (top_k per headphone).
    using record = batch::best_record;
    const auto k = static_cast<py::ssize_t>(std::min(top_k, m));
    const std::vector<py::ssize_t> shape{un, k};
    const std::vector<py::ssize_t> strides{static_cast<py::ssize_t>(static_cast<std::size_t>(top_k) * sizeof(record)), sizeof(record)};
    const auto* base = reinterpret_cast<const char*>(a.best.data());
    const auto field = [&](std::size_t offset) { return base == nullptr ? nullptr : base + offset; };
    py::dict top;
    top["output"] = view<std::int64_t>(field(offsetof(record, output)), shape, strides, owner);
    top["headroom_db"] = view<double>(field(offsetof(record, headroom_db)), shape, strides, owner);
    top["limit"] = view<std::uint8_t>(field(offsetof(record, binding)), shape, strides, owner);
    top["max_spl_db"] = view<double>(field(offsetof(record, max_spl_db)), shape, strides, owner);
    top["max_limit"] = view<std::uint8_t>(field(offsetof(record, max_binding)), shape, strides, owner);
    top["voltage_v"] = view<double>(field(offsetof(record, voltage_v)), shape, strides, owner);
    d["top"] = top;
    d["grid"] = g ? py::object(g->to_dict()) : py::object(py::none());
    d["memory_bytes"] = held->memory_bytes();
    d["working_bytes"] = held->working_bytes();
    return d;
}

// The headphones of a sweep across frequency as NumPy columns (batch::across_columns, packed by pack_across, the
// command's packing): so that a sweep may be cut into parts that travel to other processes as plain arrays.
constexpr std::array<const char*, 11> curve_fields{"ln_hz", "ln_ohm", "phase_rad", "re", "le", "fs", "qms", "qes", "boost_db", "preamp_db", "grid_hz"};

py::dict across_dict(const batch::across_columns<double>& c) {
    py::dict d = headphone_dict(c.headphones);
    d["mode_load"] = copy_column<double>(c.mode_load);
    d["curve"] = copy_column<std::int32_t>(c.curve);
    d["eq"] = copy_column<std::int32_t>(c.eq);
    d["table_first"] = copy_column<std::int64_t>(c.curves.table_first);
    const std::array<const batch::column<double>*, 11> columns{&c.curves.ln_hz, &c.curves.ln_ohm, &c.curves.phase_rad, &c.curves.re, &c.curves.le,
                                                               &c.curves.fs,    &c.curves.qms,    &c.curves.qes,       &c.eqs.boost_db,
                                                               &c.eqs.preamp_db, &c.grid_hz};
    for (std::size_t k = 0; k < columns.size(); ++k) d[curve_fields[k]] = copy_column<double>(*columns[k]);
    return d;
}

template <class T>
std::span<const T> span_of(const array<T>& a) {
    return {a.data(), static_cast<std::size_t>(a.size())};
}

// The columns of across_dict, in the sweep's precision for the headphones' own numbers (r, s_v, mode_load: the
// package converts them); their lengths checked where the view would read past them (the engine checks the rest:
// batch/across.hpp).
template <class T>
struct across_arrays {
    array<T> r, s_v, mode_load;
    array<std::int32_t> curve, eq;
    array<std::int64_t> table_first;
    std::vector<array<double>> columns;  // curve_fields, in that order

    explicit across_arrays(const py::dict& hps)
        : r{column_arg<T>(hps, "headphones", "r")},
          s_v{column_arg<T>(hps, "headphones", "s_v")},
          mode_load{column_arg<T>(hps, "headphones", "mode_load")},
          curve{column_arg<std::int32_t>(hps, "headphones", "curve")},
          eq{column_arg<std::int32_t>(hps, "headphones", "eq")},
          table_first{column_arg<std::int64_t>(hps, "headphones", "table_first")} {
        for (const char* name : curve_fields) columns.push_back(column_arg<double>(hps, "headphones", name));
        const py::ssize_t n = r.size();
        for (const auto& [a, name] : {std::pair{s_v.size(), "s_v"}, std::pair{mode_load.size(), "mode_load"}, std::pair{curve.size(), "curve"},
                                      std::pair{eq.size(), "eq"}})
            if (a != n) throw spec_error{"headphones", name, "differs in length from r"};
        if (table_first.size() == 0) throw spec_error{"headphones", "table_first", "must hold one offset more than there are curves"};
    }

    [[nodiscard]] batch::across_view<T> view() const {
        static_assert(sizeof(std::int64_t) == sizeof(index));
        const auto n = static_cast<index>(r.size());
        batch::across_view<T> v{batch::headphone_view<T>{map(r), map(s_v)},
                                span_of(curve),
                                span_of(eq),
                                {reinterpret_cast<const index*>(table_first.data()), static_cast<std::size_t>(table_first.size())},
                                span_of(columns[0]),
                                span_of(columns[1]),
                                span_of(columns[2]),
                                span_of(columns[3]),
                                span_of(columns[4]),
                                span_of(columns[5]),
                                span_of(columns[6]),
                                span_of(columns[7]),
                                span_of(columns[8]),
                                span_of(columns[9]),
                                span_of(columns[10])};
        v.mode_load = {mode_load.data(), static_cast<std::size_t>(n)};
        return v;
    }
};

// Every pair's worst case across frequency copied from the engine's tiles into (outputs x headphones) arrays: its
// headroom (dB, the sweep's precision), its frequency (Hz) and the limit binding there. A pair that does not exist
// (a load-sensed mode the headphone's load does not select) is NaN, NaN and no_limit: the engine marks it by a NaN
// headroom alone, and the frequency and limit in its place belong to no pair. Tiles are disjoint, so the threads
// write without a lock.
constexpr std::uint8_t no_limit = 255;

template <class T>
struct across_grid_arrays {
    py::array_t<T> headroom_db;
    py::array_t<double> hz;
    py::array_t<std::uint8_t> limit;

    across_grid_arrays(index m, index n) : headroom_db({m, n}), hz({m, n}), limit({m, n}) {}

    batch::across_row_sink<T> sink(index n) {
        static_assert(sizeof(headroom::limit) == sizeof(std::uint8_t));
        T* h = headroom_db.mutable_data();
        double* f = hz.mutable_data();
        std::uint8_t* l = limit.mutable_data();
        return [=](const batch::across_rows<T>& t) {
            constexpr double nan = std::numeric_limits<double>::quiet_NaN();
            for (std::size_t q = 0; q < t.outputs.size(); ++q) {
                const auto to = static_cast<std::size_t>(t.outputs[q] * n + t.first_headphone);
                const auto from = static_cast<std::size_t>(static_cast<index>(q) * t.stride);
                for (std::size_t i = 0; i < static_cast<std::size_t>(t.headphones); ++i) {
                    const T v = t.headroom_db[from + i];
                    h[to + i] = v;
                    const bool pair = !std::isnan(v);
                    f[to + i] = pair ? t.frequency_hz[static_cast<std::size_t>(t.frequency[from + i])] : nan;
                    l[to + i] = pair ? static_cast<std::uint8_t>(t.binding[from + i]) : no_limit;
                }
            }
        };
    }

    [[nodiscard]] py::dict to_dict() const {
        py::dict d;
        d["worst_headroom_db"] = headroom_db;
        d["worst_headroom_hz"] = hz;
        d["worst_headroom_limit"] = limit;
        return d;
    }
};

// A catalog sweep across frequency (batch/across.hpp, `sweep --across-frequency`): each pair's worst headroom over
// the audio band, each headphone at its own impedance curve, with its EQ preset where it has one.
template <class T>
py::dict sweep_across(const py::dict& outs, const py::dict& hps_columns, const programme& p, double min_headroom_db, unsigned threads,
                      index top_k, const std::string& eq_name, std::int64_t eq_headphones, bool grid) {
    const output_arrays<T> outputs = output_arrays_of<T>(outs);
    const across_arrays<T> hps{hps_columns};
    const batch::across_view<T> hv = hps.view();
    batch::across_settings s;
    s.threads = threads;
    s.top_k = top_k;
    s.min_headroom = gain::of_db(min_headroom_db);
    std::atomic<bool> stop{false};
    s.stop = &stop;
    std::optional<across_grid_arrays<T>> g;
    batch::across_row_sink<T> sink;
    if (grid) {
        check_grid_fits(outputs.size(), hv.size(), sizeof(T) + sizeof(double) + 1.0);
        g.emplace(outputs.size(), hv.size());
        sink = g->sink(hv.size());
    }
    const std::clock_t cpu_start = std::clock();
    auto [res, seconds] = run_interruptibly<batch::across_result>(
        stop, [&] { return batch::sweep_across(outputs.view(), hv, p.average_level(), p.crest_factor(), s, sink); });
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;

    // The figures the command line's sweep --across-frequency --json reports, made where it makes them; the arrays
    // per headphone and the best outputs copied out (a sweep across frequency is over curved catalogs of thousands).
    py::dict d = to_python(frontend::across_json(
        res, sizeof(T) == sizeof(float), seconds, cpu_seconds,
        eq_name.empty() ? frontend::ojson::object() : frontend::ojson{{"eq", eq_name}, {"eq_headphones", eq_headphones}}));
    const auto n = static_cast<py::ssize_t>(res.headphones());
    py::array_t<double> lo(n), mean(n), hi(n);
    py::array_t<std::int32_t> above(n), binding({static_cast<py::ssize_t>(limit_count), n});
    for (py::ssize_t i = 0; i < n; ++i) {
        lo.mutable_at(i) = res.min_headroom(i).db();
        mean.mutable_at(i) = res.mean_headroom(i).db();
        hi.mutable_at(i) = res.max_headroom(i).db();
        above.mutable_at(i) = static_cast<std::int32_t>(res.above_threshold(i));
        for (std::size_t l = 0; l < limit_count; ++l)
            binding.mutable_at(static_cast<py::ssize_t>(l), i) = static_cast<std::int32_t>(res.count(i, static_cast<limit>(l)));
    }
    py::dict per;
    per["min_worst_headroom_db"] = lo;
    per["mean_worst_headroom_db"] = mean;
    per["max_worst_headroom_db"] = hi;
    per["above_threshold"] = above;
    per["binding"] = binding;
    d["per_headphone"] = per;
    // The best outputs, (headphones x k), k = min(top, outputs); a headphone that meets fewer outputs has -1 and
    // NaN after its own.
    const auto k = static_cast<py::ssize_t>(std::min(top_k, res.outputs()));
    py::array_t<std::int64_t> output({n, k});
    py::array_t<double> headroom({n, k}), hz({n, k});
    py::array_t<std::uint8_t> which({n, k});
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    for (py::ssize_t i = 0; i < n; ++i) {
        const auto records = res.best_records(i);
        for (py::ssize_t q = 0; q < k; ++q) {
            const bool have = static_cast<std::size_t>(q) < records.size();
            output.mutable_at(i, q) = have ? records[static_cast<std::size_t>(q)].output : -1;
            headroom.mutable_at(i, q) = have ? records[static_cast<std::size_t>(q)].headroom_db : nan;
            hz.mutable_at(i, q) = have ? records[static_cast<std::size_t>(q)].frequency_hz : nan;
            which.mutable_at(i, q) = have ? static_cast<std::uint8_t>(records[static_cast<std::size_t>(q)].binding) : 0;
        }
    }
    py::dict top;
    top["output"] = output;
    top["worst_headroom_db"] = headroom;
    top["worst_headroom_hz"] = hz;
    top["limit"] = which;
    d["top"] = top;
    d["grid"] = g ? py::object(g->to_dict()) : py::object(py::none());
    d["memory_bytes"] = res.memory_bytes();
    d["working_bytes"] = res.working_bytes();
    return d;
}

}  // namespace

void bind_sweep(py::module_& m) {
    using namespace pybind11::literals;

    m.def("_pack_outputs", [](const std::vector<output_stage>& outputs, const std::vector<std::pair<double, double>>& loads) {
        if (loads.empty()) return output_dict(batch::pack<double>(std::span<const output_stage>{outputs}));
        std::vector<batch::load_band> bands;
        for (const auto& [lo, hi] : loads) bands.push_back({lo, hi});
        return output_dict(batch::pack<double>(std::span<const output_stage>{outputs}, std::span<const batch::load_band>{bands}));
    }, "outputs"_a, "loads"_a = std::vector<std::pair<double, double>>{});
    m.def("_pack_headphones", [](const std::vector<headphone>& headphones) {
        return headphone_dict(batch::pack<double>(std::span<const headphone>{headphones}));
    }, "headphones"_a);

    m.def("_synthetic", [](std::int64_t outputs, std::int64_t headphones, std::uint64_t seed) {
        if (outputs < 0) throw spec_error{"synthetic catalog", "outputs", "must not be negative"};
        if (headphones < 0) throw spec_error{"synthetic catalog", "headphones", "must not be negative"};
        const batch::synthetic_catalog c = batch::make_synthetic(static_cast<std::size_t>(outputs), static_cast<std::size_t>(headphones), seed);
        return py::make_tuple(output_dict(batch::pack<double>(std::span<const output_stage>{c.outputs})),
                              headphone_dict(batch::pack<double>(std::span<const headphone>{c.headphones})));
    }, "outputs"_a, "headphones"_a, "seed"_a);

    m.def("_sweep", [](const py::dict& outs, const py::dict& hps, py::handle prog, py::handle target, py::handle crest, py::handle min_headroom,
                       unsigned threads, index top_k, const std::string& precision, bool grid) {
        const auto p = programme_arg(prog, target, crest);
        if (!p) throw spec_error{"sweep", "target", "is missing: a sweep needs the programme's level"};
        const double threshold = decibel_arg(min_headroom, "sweep", "min_headroom").value_or(0.0);
        if (top_k < 0) throw spec_error{"sweep", "top", "must not be negative"};
        if (precision == "float") return sweep_columns<float>(outs, hps, *p, threshold, threads, top_k, grid);
        if (precision == "double") return sweep_columns<double>(outs, hps, *p, threshold, threads, top_k, grid);
        throw spec_error{"sweep", "precision", "must be 'float' or 'double', not '" + precision + "'"};
    }, "outputs"_a, "headphones"_a, "programme"_a, "target"_a, "crest"_a, "min_headroom"_a, "threads"_a, "top"_a, "precision"_a, "grid"_a);

    m.def("_pack_across", [](const std::vector<headphone>& headphones, const std::vector<parametric_eq>& presets,
                             const std::vector<std::int32_t>& preset_of) {
        if (!preset_of.empty() && preset_of.size() != headphones.size()) throw spec_error{"sweep", "eq", "names one preset per headphone"};
        return across_dict(batch::pack_across<double>(headphones, audio_band_grid(), presets, preset_of));
    }, "headphones"_a, "presets"_a, "preset_of"_a);

    m.def("_sweep_across", [](const py::dict& outs, const py::dict& hps, py::handle prog, py::handle target, py::handle crest,
                              py::handle min_headroom, unsigned threads, index top_k, const std::string& precision, const std::string& eq_name,
                              std::int64_t eq_headphones, bool grid) {
        const auto p = programme_arg(prog, target, crest);
        if (!p) throw spec_error{"sweep", "target", "is missing: a sweep needs the programme's level"};
        const double threshold = decibel_arg(min_headroom, "sweep", "min_headroom").value_or(0.0);
        if (top_k < 0) throw spec_error{"sweep", "top", "must not be negative"};
        if (precision == "float") return sweep_across<float>(outs, hps, *p, threshold, threads, top_k, eq_name, eq_headphones, grid);
        if (precision == "double") return sweep_across<double>(outs, hps, *p, threshold, threads, top_k, eq_name, eq_headphones, grid);
        throw spec_error{"sweep", "precision", "must be 'float' or 'double', not '" + precision + "'"};
    }, "outputs"_a, "headphones"_a, "programme"_a, "target"_a, "crest"_a, "min_headroom"_a, "threads"_a, "top"_a, "precision"_a, "eq_name"_a,
       "eq_headphones"_a, "grid"_a);

    m.def("_overall_mean", [](const array<double>& per_headphone, const std::string& precision) {
        return batch::combined_mean_db({per_headphone.data(), static_cast<std::size_t>(per_headphone.size())}, precision == "float");
    }, "per_headphone"_a, "precision"_a);

    py::list limits;
    for (const auto name : limit_names) limits.append(py::str(std::string{name}));
    m.attr("_limit_names") = py::tuple(limits);
    m.attr("_across_chunk") = batch::across_chunk_headphones;
}

}  // namespace headroom::python
