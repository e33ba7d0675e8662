// headroom sweep: every output stage of a catalog against every headphone, on all cores. By default it streams
// reductions (headroom statistics, how many pairs clear a threshold, which limit binds, the best outputs per
// headphone) in memory O(M + N); --out also writes every pair as CSV, from the same sweep, to a file atomically
// (output_file.hpp) or to standard output with `--out -`.

#include "catalog_select.hpp"
#include "commands.hpp"
#include "json_text.hpp"
#include "output_file.hpp"
#include "progress.hpp"
#include "recommend.hpp"
#include "headroom/batch/synthetic.hpp"
#include "terminal_text.hpp"
#include "headroom/batch/across.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/pack_across.hpp"
#include "headroom/io.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/format.hpp"
#include "headroom/parse.hpp"
#include "headroom/frontend/lookup.hpp"
#include "headroom/frontend/sweep_json.hpp"
#include "headroom/frontend/words.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <ctime>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::cli {

namespace {

struct sweep_flags {
    std::string synthetic;  // MxN
    std::string amps, headphones;  // catalog files; the bundled ones when neither these nor --synthetic
    std::vector<std::string> own;  // the user's own catalog files, merged with them
    std::string seed = "1";
    std::string threads;  // empty: all cores
    std::string target = "85";
    std::string crest;  // empty: sine
    std::string min_headroom = "0";
    std::string top = "0";
    std::string precision = "float";
    std::string out;
    std::string attenuator;  // --attenuator NAME: between every output and every IEM
    std::string max_hiss;    // --max-hiss: dB(A) at the listener, for the tables of a selection
    bool json = false;
    bool top_given = false;
    bool across = false;
    std::string eq;  // --eq FILE|FOLDER
    gear_selection selection;
};

// A whole non-negative number from a flag's text, or a usage_error naming the flag.
std::uint64_t whole_number(std::string_view flag, const std::string& text, std::uint64_t min, std::uint64_t max) {
    std::size_t used = 0;
    unsigned long long v = 0;
    try {
        if (text.empty() || text.front() == '-' || text.front() == '+') throw std::invalid_argument{"sign"};
        v = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw usage_error{fmt::format("{}: '{}' is not a whole number", flag, text)};
    if (v < min || v > max) throw usage_error{fmt::format("{}: '{}' must be between {} and {}", flag, text, min, max)};
    return v;
}

struct catalog_size {
    std::size_t outputs, headphones;
};

// What a synthetic sweep may cost. A catalog entry takes about 200 bytes before packing, so 10^7 on a side is
// about 2 GB; 10^10 pairs take a few seconds on two cores (benchmarks/README.md), where 10^12 took half an hour.
constexpr std::uint64_t most_per_side = 10'000'000;
constexpr std::uint64_t most_pairs = 10'000'000'000;

catalog_size parse_size(const std::string& text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) throw usage_error{"--synthetic: '" + text + "' is not of the form MxN (e.g. 1000x20000)"};
    const auto m = whole_number("--synthetic", text.substr(0, x), 1, most_per_side);
    const auto n = whole_number("--synthetic", text.substr(x + 1), 1, most_per_side);
    if (m * n > most_pairs)  // no overflow: each is at most 10^7
        throw usage_error{fmt::format("--synthetic: {} x {} is {:.3g} pairs, more than the 10^10 a sweep may take", m, n,
                                      static_cast<double>(m) * static_cast<double>(n))};
    return {static_cast<std::size_t>(m), static_cast<std::size_t>(n)};
}

// The sweep's inputs, whatever the catalog's source: packed columns and the programme.
struct sweep_job {
    spl target;
    gain crest;
    gain min_headroom;
    batch::sweep_settings settings;
    std::string out;
    bool json;
};

// A catalog name as a CSV field. It is data, whatever it holds: shown as terminal_text (no control character
// survives, so a name cannot break a row or drive a terminal reading `--out -`), quoted where it holds a comma or
// a quote (RFC 4180), and led by an apostrophe where a spreadsheet would take it for a formula (= + - @).
std::string csv_field(const std::string& name) {
    std::string text = terminal_text(name);
    if (!text.empty() && std::string_view{"=+-@"}.find(text.front()) != std::string_view::npos) text.insert(0, 1, '\'');
    if (text.find_first_of(",\"") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

// The gear of each row, as CSV fields made once.
struct csv_names {
    std::vector<std::string> headphone, amplifier, output, gain;
};

// The catalog's stages as the engine's columns, with the loads of its load-sensed modes where it has any.
template <class T>
batch::output_columns<T> packed_outputs(const std::vector<output_stage>& outputs, std::span<const batch::load_band> loads) {
    return loads.empty() ? batch::pack<T>(std::span<const output_stage>{outputs}) : batch::pack<T>(std::span<const output_stage>{outputs}, loads);
}

// Every pair as CSV, from the sweep's own tiles: the engine calls this from its threads, so each tile is formatted
// on its thread and written whole under the lock.
template <class T>
batch::row_sink<T> csv_rows(output_file& file, std::mutex& lock, const csv_names& names) {
    return [&file, &lock, &names](const batch::pair_rows<T>& tile) {
        fmt::memory_buffer buf;
        for (std::size_t q = 0; q < tile.outputs.size(); ++q) {
            const auto j = static_cast<std::size_t>(tile.outputs[q]);
            for (batch::index i = 0; i < tile.headphones; ++i) {
                const auto at = static_cast<std::size_t>(static_cast<batch::index>(q) * tile.stride + i);
                if (std::isnan(tile.headroom_db[at])) continue;  // a load-sensed mode this headphone's load does not select
                fmt::format_to(std::back_inserter(buf), "{},{},{},{},{:.4f},{},{:.4f},{}\n",
                               names.headphone[static_cast<std::size_t>(tile.first_headphone + i)], names.amplifier[j], names.output[j],
                               names.gain[j], tile.headroom_db[at], to_string(tile.binding[at]), tile.max_spl_db[at],
                               to_string(tile.max_binding[at]));
            }
        }
        const std::lock_guard guard{lock};
        file.write({buf.data(), buf.size()});
    };
}

// ---- --across-frequency: each pair's worst headroom over 20 Hz-20 kHz (batch/across.hpp), as `pair` reports it.

// A name as a key for matching EQ files to headphones: letters and digits only, lower case ("Sennheiser HD 600"
// and "Sennheiser HD600" meet).
std::string name_key(std::string_view name) {
    std::string k;
    for (const char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

// --eq: one preset for every headphone, or a folder of AutoEq presets ("<name> ParametricEQ.txt"), each applied to
// the headphone of that name; headphones without one are swept without EQ.
struct eq_choice {
    std::vector<parametric_eq> presets;
    std::vector<std::int32_t> preset_of;  // per headphone
    std::size_t matched = 0;
};

eq_choice choose_eq(const std::string& where, const std::vector<headphone>& headphones) {
    eq_choice c;
    if (where.empty()) return c;
    const std::filesystem::path path{where};
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        std::map<std::string, std::filesystem::path> files;
        constexpr std::string_view suffix = " ParametricEQ.txt";
        for (const auto& e : std::filesystem::directory_iterator{path, ec}) {
            const std::string file = e.path().filename().string();
            if (file.size() > suffix.size() && file.ends_with(suffix)) files.emplace(name_key(file.substr(0, file.size() - suffix.size())), e.path());
        }
        if (ec) throw usage_error{"--eq: cannot read the folder '" + where + "'"};
        if (files.empty()) throw usage_error{"--eq: the folder '" + where + "' holds no '<name> ParametricEQ.txt' file"};
        std::map<std::string, std::int32_t> loaded;
        for (const headphone& h : headphones) {
            const auto f = files.find(name_key(h.name()));
            if (f == files.end()) {
                c.preset_of.push_back(-1);
                continue;
            }
            auto [it, added] = loaded.try_emplace(f->first, static_cast<std::int32_t>(c.presets.size()));
            if (added) c.presets.push_back(load_parametric_eq(f->second));
            c.preset_of.push_back(it->second);
            ++c.matched;
        }
        return c;
    }
    c.presets.push_back(load_parametric_eq(path));
    c.preset_of.assign(headphones.size(), 0);
    c.matched = headphones.size();
    return c;
}

template <class T>
void run_across(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
                const std::vector<headphone>& headphones, const sweep_job& job, const eq_choice& eq, const std::string& eq_flag,
                command_output& os, bool named, std::span<const batch::load_band> loads = {}) {
    const auto output_label = [&](batch::index k) { return named ? outputs[static_cast<std::size_t>(k)].name() : fmt::format("output {}", k); };
    const auto headphone_label = [&](batch::index k) {
        return named ? headphones[static_cast<std::size_t>(k)].name() : fmt::format("headphone {}", k);
    };
    const batch::output_columns<T> amps = packed_outputs<T>(outputs, loads);
    const batch::across_columns<T> hps = batch::pack_across<T>(headphones, audio_band_grid(), eq.presets, eq.preset_of);
    const batch::index m = amps.size(), n = hps.size();
    progress_meter progress{job.json ? nullptr : os.progress(), "headroom sweep", m * n, os.progress_delay()};
    batch::across_settings settings{.threads = job.settings.threads, .top_k = job.settings.top_k, .min_headroom = job.min_headroom};
    settings.pairs_done = &progress.done();

    std::optional<output_file> file;
    std::mutex file_lock;
    csv_names names;
    batch::across_row_sink<T> rows;
    if (!job.out.empty()) {
        file.emplace("--out", job.out, os.standard_output());
        file->write("headphone,amplifier,output,gain,worst_headroom_db,worst_headroom_hz,worst_headroom_limit\n");
        for (const headphone& h : headphones) names.headphone.push_back(csv_field(h.name()));
        for (const stage_names& g : output_names) {
            names.amplifier.push_back(csv_field(g.amplifier));
            names.output.push_back(csv_field(g.output));
            names.gain.push_back(csv_field(g.gain));
        }
        rows = [&file, &file_lock, &names](const batch::across_rows<T>& tile) {
            fmt::memory_buffer buf;
            for (std::size_t q = 0; q < tile.outputs.size(); ++q) {
                const auto j = static_cast<std::size_t>(tile.outputs[q]);
                for (batch::index i = 0; i < tile.headphones; ++i) {
                    const auto at = static_cast<std::size_t>(static_cast<batch::index>(q) * tile.stride + i);
                    if (std::isnan(tile.headroom_db[at])) continue;  // a load-sensed mode this headphone's load does not select
                    fmt::format_to(std::back_inserter(buf), "{},{},{},{},{:.4f},{:.2f},{}\n", names.headphone[static_cast<std::size_t>(tile.first_headphone + i)],
                                   names.amplifier[j], names.output[j], names.gain[j], static_cast<double>(tile.headroom_db[at]),
                                   tile.frequency_hz[static_cast<std::size_t>(tile.frequency[at])], to_string(tile.binding[at]));
                }
            }
            const std::lock_guard guard{file_lock};
            file->write({buf.data(), buf.size()});
        };
    }
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    const batch::across_result r = batch::sweep_across(amps, hps, job.target, job.crest, settings, rows);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double pairs = static_cast<double>(r.pairs());  // fewer than m x n where a load selects a device's mode
    const double rate = r.pair_frequencies() / seconds;  // every pair-frequency counts, pruned or not (the issue's rate)

    if (job.json) {
        nlohmann::ordered_json j;
        j["across_frequency"] = true;
        j["outputs"] = m;
        j["headphones"] = n;
        j["pairs"] = r.pairs();
        j["frequencies"] = r.frequencies();
        j["pair_frequencies"] = r.pair_frequencies();
        j["evaluated_pair_frequencies"] = r.evaluated();
        j["seconds"] = seconds;
        j["cpu_seconds"] = cpu_seconds;
        j["pair_frequencies_per_second"] = rate;
        j["threads"] = r.threads();
        j["simd"] = std::string{batch::to_string(r.path())};
        j["precision"] = sizeof(T) == sizeof(float) ? "float" : "double";
        j["target_spl_db"] = job.target.db();
        j["crest_factor_db"] = job.crest.db();
        j["min_headroom_db"] = job.min_headroom.db();
        if (!eq_flag.empty()) {
            j["eq"] = eq_flag;
            j["eq_headphones"] = eq.matched;
        }
        j["worst_headroom_db"] = {{"min", r.min_headroom().db()}, {"mean", r.mean_headroom().db()}, {"max", r.max_headroom().db()}};
        j["above_threshold"] = r.above_threshold();
        j["above_threshold_fraction"] = pairs > 0 ? static_cast<double>(r.above_threshold()) / pairs : 0.0;
        nlohmann::ordered_json b;
        for (std::size_t k = 0; k < limit_count; ++k) b[std::string{limit_names[k]}] = r.count(static_cast<limit>(k));
        j["binding"] = std::move(b);
        if (!job.out.empty()) j["out"] = job.out;
        if (file) file->commit();
        frontend::json_object_writer w{os.standard_output()};
        for (const auto& [k, v] : j.items()) w.member(k, v);
        if (r.top_k() > 0)
            w.array_member("top", static_cast<std::size_t>(n), [&](std::size_t i) {
                nlohmann::ordered_json entry{{"headphone", i}};
                if (named) entry["headphone_name"] = headphone_label(static_cast<batch::index>(i));
                nlohmann::ordered_json best = nlohmann::ordered_json::array();
                for (std::size_t q = 0; q < r.best_records(static_cast<batch::index>(i)).size(); ++q) {
                    const batch::best_across o = r.best(static_cast<batch::index>(i), q);
                    nlohmann::ordered_json e{{"output", o.output}};
                    if (named) e["output_name"] = output_label(o.output);
                    e["worst_headroom_db"] = o.headroom.db();
                    e["worst_headroom_hz"] = o.frequency_hz;
                    e["worst_headroom_limit"] = to_string(o.binding);
                    best.push_back(std::move(e));
                }
                entry["best"] = std::move(best);
                return entry;
            });
        w.close();
        return;
    }
    std::string report;
    if (job.out != "-") {
        report += fmt::format("{} output stages x {} headphones = {} pairs x {} frequencies in {} ({:.3g} pair-frequencies/s, {} thread{}, {}, {})\n", m, n,
                              r.pairs(), r.frequencies(), fmt::format("{}", in_si(seconds, second)), rate, r.threads(), r.threads() == 1 ? "" : "s",
                              sizeof(T) == sizeof(float) ? "float" : "double", batch::to_string(r.path()));
        report += fmt::format("programme {:.1f} dB SPL, crest factor {:.2f} dB", job.target.db(), job.crest.db());
        if (!eq_flag.empty()) report += fmt::format("; EQ {} on {} of {} headphones", terminal_text(eq_flag), eq.matched, n);
        report += '\n';
        report += fmt::format("worst headroom over 20 Hz-20 kHz  min {:+.2f} dB, mean {:+.2f} dB, max {:+.2f} dB\n", r.min_headroom().db(),
                              r.mean_headroom().db(), r.max_headroom().db());
        report += fmt::format("at least {:+.1f} dB at every frequency: {} pairs ({:.1f}%)\n", job.min_headroom.db(), r.above_threshold(),
                              pairs > 0 ? 100.0 * static_cast<double>(r.above_threshold()) / pairs : 0.0);
        report += "limited by";
        for (std::size_t k = 0; k < limit_count; ++k)
            report += fmt::format("  {} {:.1f}%", limit_names[k], pairs > 0 ? 100.0 * static_cast<double>(r.count(static_cast<limit>(k))) / pairs : 0.0);
        report += '\n';
        for (batch::index i = 0; i < n && r.top_k() > 0; ++i) {
            report += fmt::format("{}:", terminal_text(headphone_label(i)));
            for (std::size_t q = 0; q < r.best_records(i).size(); ++q) {
                const batch::best_across o = r.best(i, q);
                report += fmt::format("{} {} ({:+.2f} dB at {:.0f} Hz, {})", q == 0 ? "" : ",", terminal_text(output_label(o.output)), o.headroom.db(),
                                      o.frequency_hz, to_string(o.binding));
            }
            report += '\n';
        }
        if (!job.out.empty()) report += fmt::format("every pair written to {}\n", terminal_text(job.out));
    }
    if (file) file->commit();
    os << report;
}

// The attenuator some headphones are swept through, if any.
const attenuator* through_any(std::span<const attenuator* const> through) {
    for (const attenuator* a : through)
        if (a != nullptr) return a;
    return nullptr;
}

template <class T>
void run_sweep(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
               const std::vector<headphone>& headphones, const sweep_job& job, command_output& os, bool named = false,
               std::span<const attenuator* const> through = {}, std::span<const batch::load_band> loads = {}) {
    // Catalog gear is ranked by name; a synthetic catalog's entries have only their index.
    const auto output_label = [&](batch::index k) {
        return named ? outputs[static_cast<std::size_t>(k)].name() : fmt::format("output {}", k);
    };
    const auto headphone_label = [&](batch::index k) {
        return named ? headphones[static_cast<std::size_t>(k)].name() : fmt::format("headphone {}", k);
    };
    const batch::output_columns<T> amps = packed_outputs<T>(outputs, loads);
    // Through an attenuator, an IEM's columns are the load the amplifier sees and the sensitivity at its terminals
    // (batch/pack.hpp): the engine is the same.
    const batch::headphone_columns<T> hps = batch::pack<T>(std::span<const headphone>{headphones}, through);
    const batch::index m = amps.size();
    const batch::index n = hps.size();

    // Progress for a person at a terminal, once the work has run a while (the engine counts the pairs, written
    // too with --out). The report's JSON is for programs, which get none.
    progress_meter progress{job.json ? nullptr : os.progress(), "headroom sweep", m * n, os.progress_delay()};
    batch::sweep_settings settings = job.settings;
    settings.pairs_done = &progress.done();

    // --out: the rows come from the sweep itself, into the temporary file (or standard output) as they are made.
    std::optional<output_file> file;
    std::mutex file_lock;
    csv_names names;
    batch::row_sink<T> rows;
    if (!job.out.empty()) {
        file.emplace("--out", job.out, os.standard_output());
        file->write("headphone,amplifier,output,gain,headroom_db,limit,max_spl_db,max_limit\n");
        for (const headphone& h : headphones) names.headphone.push_back(csv_field(h.name()));
        for (const stage_names& g : output_names) {
            names.amplifier.push_back(csv_field(g.amplifier));
            names.output.push_back(csv_field(g.output));
            names.gain.push_back(csv_field(g.gain));
        }
        rows = csv_rows<T>(*file, file_lock, names);
    }

    // Wall time, and the CPU time of the whole process (all threads): on a shared machine the second says what
    // the sweep costs whatever else is running.
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    const batch::sweep_result result = batch::sweep(amps, hps, job.target, job.crest, settings, rows);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;

    const unsigned threads = result.threads();
    const double pairs = static_cast<double>(result.pairs());  // fewer than m x n where a load selects a device's mode

    // The report is made whole before the CSV file replaces anything, so that nothing after the rename can fail
    // (file names that are not UTF-8 reach the JSON as U+FFFD: json_text never throws), and "every pair
    // written" is said only once they have been.
    const bool csv_to_stdout = job.out == "-";
    std::string report;
    if (job.json) {
        // Once the sweep is done only writing can fail: the report (millions of top-list entries at most) is
        // streamed to standard output, after the CSV file is complete.
        const nlohmann::ordered_json statistics = frontend::sweep_json(result, sizeof(T) == sizeof(float), seconds, cpu_seconds);
        nlohmann::ordered_json extra = nlohmann::ordered_json::object();
        if (!job.out.empty()) extra["out"] = job.out;
        if (const auto* a = through_any(through)) extra["attenuator"] = a->name();
        frontend::sweep_names labels;
        if (named) {
            labels.output = [&](std::size_t k) { return output_label(static_cast<batch::index>(k)); };
            labels.headphone = [&](std::size_t k) { return headphone_label(static_cast<batch::index>(k)); };
        }
        if (file) file->commit();
        frontend::write_sweep_json(os.standard_output(), statistics, extra, result, labels);
        return;
    } else if (!csv_to_stdout) {  // with --out - standard output carries the CSV alone
        report += fmt::format("{} output stages x {} headphones = {} pairs in {} ({:.3g} pairs/s, {} thread{}, {}, {})\n", m, n,
                              result.pairs(), fmt::format("{}", in_si(seconds, second)), pairs / seconds, threads,
                              threads == 1 ? "" : "s", sizeof(T) == sizeof(float) ? "float" : "double", batch::to_string(result.path()));
        report += fmt::format("programme {:.1f} dB SPL, crest factor {:.2f} dB\n", job.target.db(), job.crest.db());
        if (const auto* a = through_any(through))
            report += fmt::format("every IEM through {}\n", terminal_text(frontend::describe_attenuator(*a)));
        report += fmt::format("headroom  min {:+.2f} dB, mean {:+.2f} dB, max {:+.2f} dB\n", result.min_headroom().db(),
                              result.mean_headroom().db(), result.max_headroom().db());
        report += fmt::format("at least {:+.1f} dB: {} pairs ({:.1f}%)\n", job.min_headroom.db(), result.above_threshold(),
                              100.0 * static_cast<double>(result.above_threshold()) / pairs);
        report += "limited by";
        for (std::size_t k = 0; k < limit_count; ++k)
            report += fmt::format("  {} {:.1f}%", limit_names[k], 100.0 * static_cast<double>(result.count(static_cast<limit>(k))) / pairs);
        report += '\n';
        for (batch::index i = 0; i < n && job.settings.top_k > 0; ++i) {
            // Catalog names are data: shown through terminal_text, so that a name cannot forge lines or drive
            // the terminal.
            report += fmt::format("{}:", terminal_text(headphone_label(i)));
            bool first = true;
            for (const batch::best_output& o : result.best(i)) {
                report += fmt::format("{} {} ({:+.2f} dB, {})", first ? "" : ",", terminal_text(output_label(o.output)), o.headroom.db(),
                                      to_string(o.binding));
                first = false;
            }
            report += '\n';
        }
        if (named && job.settings.top_k == 0)
            report += "for the outputs that suit a headphone, best first: --headphone NAME (or --amp NAME, --kind iem,\n"
                      "--connector 4.4mm); --top K lists the K best outputs for every headphone\n";
    }

    if (file) {
        file->commit();
        if (!job.json && !csv_to_stdout) report += fmt::format("every pair written to {}\n", terminal_text(job.out));
    }
    os << report;
}

}  // namespace

subcommand add_sweep(CLI::App& parent) {
    auto f = std::make_shared<sweep_flags>();
    CLI::App* app = parent.add_subcommand("sweep", "Analyse every amplifier output against every headphone of a catalog");
    app->footer(
        "Streams statistics in memory O(outputs + headphones); --out also writes every pair as CSV (headphone,\n"
        "amplifier, output, gain, headroom_db, limit, max_spl_db, max_limit), from the same sweep: to a temporary file\n"
        "renamed over FILE once complete (only a regular file is replaced), or to standard output with --out -.\n"
        "--json names the instruction set that ran (\"simd\"); HEADROOM_SIMD=baseline|avx2|avx512 forces one.\n"
        "A sweep that runs over two seconds shows its progress on stderr when that is a terminal (not with --json);\n"
        "Ctrl-C stops it and removes the temporary file. Exit status: 0 done, 1 output lost (a write failed), 2 bad input.\n"
        "With --headphone (or a headphone --kind), a table per headphone lists every output that has at least\n"
        "--min-headroom, each at its advised gain setting (the quietest with enough headroom), ranked by fitness:\n"
        "enough headroom first; then, for a sensitive headphone (110 dB SPL/V or more), less hiss (by more than\n"
        "0.5 dB) and a lower output impedance; then more headroom. With --amp alone, a table per amplifier lists the\n"
        "headphones it drives, most headroom first. Without a selection the report is a summary.\n"
        "Examples: headroom sweep --headphone \"Sennheiser HD600 (measured)\" --min-headroom 10 --target 85 --crest 18\n"
        "          headroom sweep --kind iem --kind dongle --top 5\n"
        "          headroom sweep --synthetic 1000x20000 --seed 7 --target 90 --crest 18 --min-headroom 3 --top 3 --json");
    app->add_option("--synthetic", f->synthetic,
                    "A seeded random catalog of M outputs x N headphones (1000x20000); at most 10^7 on a side and 10^10 pairs");
    app->add_option("--amps", f->amps, "Amplifier catalog file (default: the bundled data/amplifiers.json)");
    app->add_option("--headphones", f->headphones, "Headphone catalog file (default: the bundled data/headphones.json)");
    add_own_flag(*app, f->own);
    app->get_option("--synthetic")->excludes("--amps")->excludes("--headphones")->excludes("--own-catalog");
    app->add_option("--seed", f->seed, "Seed of the random catalog (default 1)");
    app->add_option("--threads", f->threads, "Most worker threads (default: all cores; small sweeps use fewer, one per 2^20 pairs)");
    app->add_option("--target", f->target, "Programme average level in dB SPL (default 85)");
    app->add_option("--crest", f->crest, "Programme crest factor in dB (default: a sine, 3.01 dB)");
    app->add_option("--min-headroom", f->min_headroom,
                    "Count the pairs with at least this headroom in dB (default 0); with a selection, list only those");
    app->add_option("--top", f->top,
                    "Keep the K best outputs per headphone (default 0: none); with a selection, K rows per table "
                    "(default: all for one table, 10 each for several)")
        ->each([f](const std::string&) { f->top_given = true; });
    app->add_option("--precision", f->precision, "float (fast, within 1e-3 dB) or double (the model's arithmetic)");
    app->add_option("--out", f->out, "Write every pair to this CSV file, atomically; - for standard output (then alone there)");
    app->add_option("--attenuator", f->attenuator,
                    "Put this catalog attenuator or adapter (data/attenuators.json) between every output and every IEM");
    app->add_option("--max-hiss", f->max_hiss,
                    "With a selection: list only outputs whose hiss at the listener is at most this, in dB SPL A-weighted (e.g. 9); "
                    "outputs whose noise is not known are counted apart, never listed as passing");
    app->add_flag("--json", f->json, "Print JSON instead of the report");
    app->add_flag("--across-frequency", f->across,
                  "Each pair's worst headroom over 20 Hz-20 kHz (1/48 octave, as pair reports it) with the headphone's impedance curve "
                  "(--synthetic: realistic curves)");
    app->add_option("--eq", f->eq,
                    "With --across-frequency: an AutoEq ParametricEQ.txt for every headphone, or a folder of '<name> ParametricEQ.txt' "
                    "presets, each for the headphone of that name");
    add_selection_flags(*app, f->selection);
    for (const char* name : {"--headphone", "--amp", "--kind", "--connector"}) app->get_option(name)->excludes("--synthetic");
    // An empty value would read as "not given" (--out "" wrote nothing and exited 0): refuse it where given.
    app->get_option("--synthetic")->excludes("--attenuator");
    for (const char* name : {"--synthetic", "--amps", "--headphones", "--seed", "--threads", "--target", "--crest",
                             "--min-headroom", "--top", "--precision", "--out", "--attenuator", "--max-hiss", "--eq"})
        app->get_option(name)->check(non_empty);

    return {app, [f, app](command_output& os) {
                const auto given = [&](const char* flag) { return app->count(flag) > 0; };
                // Flags that apply to one kind of sweep only are refused in the other, never ignored.
                if (given("--seed") && f->synthetic.empty()) throw usage_error{"--seed: seeds the random catalog of --synthetic, and there is none"};
                if (given("--eq") && !f->across) throw usage_error{"--eq: applies with --across-frequency (each pair's worst case over the band)"};
                const programme p = programme_flags(f->target, f->crest);
                sweep_job job{
                    .target = p.average_level(),
                    .crest = p.crest_factor(),
                    .min_headroom = flag_value("--min-headroom", f->min_headroom, [](const std::string& text) {
                        const gain g = parse_gain(text);
                        // Headroom beyond +-200 dB means nothing (and would print hundreds of digits): refused.
                        if (!(std::abs(g.db()) <= 200.0)) throw parse_error{"'" + text + "' must lie within -200 to 200 dB"};
                        return g;
                    }),
                    .settings = {},
                    .out = f->out,
                    .json = f->json,
                };
                job.settings.threads =
                    f->threads.empty() ? 0U : static_cast<unsigned>(whole_number("--threads", f->threads, 1, 1024));
                const bool catalog = f->synthetic.empty();
                job.settings.top_k = static_cast<batch::index>(whole_number("--top", f->top, 0, 1000));
                job.settings.min_headroom = job.min_headroom;
                if (f->precision != "float" && f->precision != "double")
                    throw usage_error{"--precision: '" + f->precision + "' is neither float nor double"};
                if (!f->out.empty()) check_destination("--out", f->out);  // before the work, not after it
                if (f->out == "-" && f->json)
                    throw usage_error{"--out -: standard output already carries the JSON; give --out a file name"};

                if (catalog) {
                    const sweep_catalog c = load_sweep_catalog(f->amps, f->headphones, f->selection, f->own);
                    if ((c.gear.per_headphone || c.gear.per_amplifier) && f->across)
                        throw usage_error{"--across-frequency: sweeps whole catalogs; the tables of a selection (--headphone, --amp, --kind, --connector) "
                                          "are made at one load (pair --json reports a pair's worst_headroom across frequency)"};
                    // --attenuator: from the bundled catalog's attenuators.json, between every output and every IEM.
                    std::optional<attenuator> att;
                    if (!f->attenuator.empty()) {
                        const auto list = attenuator_catalog("");
                        att = flag_lookup("--attenuator", [&]() -> const attenuator_entry& { return frontend::find_attenuator(list, f->attenuator); }).model;
                    }
                    std::optional<spl> max_hiss;
                    if (!f->max_hiss.empty()) {
                        if (!c.gear.per_headphone && !c.gear.per_amplifier)
                            throw usage_error{"--max-hiss: applies to the tables of a selection (--headphone, --amp, --kind); the whole-catalog "
                                              "sweep's engine counts headroom, not hiss"};
                        max_hiss = flag_value("--max-hiss", f->max_hiss, [](const std::string& text) {
                            const spl level = parse_spl(text);
                            if (!(std::abs(level.db()) <= 200.0)) throw parse_error{"'" + text + "' must lie within -200 to 200 dB SPL"};
                            return level;
                        });
                    }
                    if (c.gear.per_headphone || c.gear.per_amplifier) {
                        // The tables rank by fitness (recommend.hpp), each pair analysed once, by the scalar model
                        // whose advice they give; --top sets their length.
                        for (const char* flag : {"--out", "--precision", "--threads"})
                            if (given(flag))
                                throw usage_error{std::string{flag} + ": applies to a whole-catalog sweep by the batch engine; with a selection (--headphone, "
                                                  "--amp, --kind, --connector) the tables are made by the scalar model, each pair once"};
                        listing l{p, job.min_headroom, std::nullopt, att ? &*att : nullptr, max_hiss};
                        if (f->top_given) l.rows = static_cast<std::size_t>(job.settings.top_k);
                        if (f->json) {
                            nlohmann::ordered_json j;
                            j["target_spl_db"] = p.average_level().db();
                            j["crest_factor_db"] = p.crest_factor().db();
                            j["min_headroom_db"] = job.min_headroom.db();
                            j["attenuator"] = att ? nlohmann::ordered_json(att->name()) : nlohmann::ordered_json(nullptr);
                            j["max_hiss_dba"] = max_hiss ? nlohmann::ordered_json(max_hiss->db()) : nlohmann::ordered_json(nullptr);
                            j["recommendations"] = recommendations_json(c.gear, l);
                            os << json_text(j) << '\n';
                        } else {
                            print_recommendations(os, c.gear, l);
                        }
                        return;
                    }
                    if (f->across) {
                        if (att) throw usage_error{"--attenuator: the sweep across frequency takes each headphone's own curve; sweep without --across-frequency"};
                        const eq_choice eq = choose_eq(f->eq, c.headphones);
                        if (f->precision == "float")
                            run_across<float>(c.outputs, c.output_names, c.headphones, job, eq, f->eq, os, true, c.loads);
                        else
                            run_across<double>(c.outputs, c.output_names, c.headphones, job, eq, f->eq, os, true, c.loads);
                        return;
                    }
                    // Every IEM through the attenuator, the other headphones as they are.
                    std::vector<const attenuator*> through;
                    if (att)
                        for (const headphone_entry& h : c.gear.headphones) through.push_back(h.type == headphone_type::iem ? &*att : nullptr);
                    if (f->precision == "float")
                        run_sweep<float>(c.outputs, c.output_names, c.headphones, job, os, true, through, c.loads);
                    else
                        run_sweep<double>(c.outputs, c.output_names, c.headphones, job, os, true, through, c.loads);
                    return;
                }
                const catalog_size size = parse_size(f->synthetic);
                const std::uint64_t seed = whole_number("--seed", f->seed, 0, std::numeric_limits<std::uint64_t>::max());
                const batch::synthetic_catalog c = batch::make_synthetic(size.outputs, size.headphones, seed);
                std::vector<stage_names> names;
                if (!job.out.empty())
                    for (const output_stage& o : c.outputs) names.push_back({o.name(), "", ""});
                if (f->across) {
                    const std::vector<headphone> curved = batch::with_realistic_curves(c.headphones, seed);
                    const eq_choice eq = choose_eq(f->eq, curved);
                    if (f->precision == "float")
                        run_across<float>(c.outputs, names, curved, job, eq, f->eq, os, false);
                    else
                        run_across<double>(c.outputs, names, curved, job, eq, f->eq, os, false);
                    return;
                }
                if (f->precision == "float")
                    run_sweep<float>(c.outputs, names, c.headphones, job, os);
                else
                    run_sweep<double>(c.outputs, names, c.headphones, job, os);
            }};
}

}  // namespace headroom::cli
