// `headroom sweep` at one load per pair: the report of the streamed reductions (or its JSON), and every pair as a
// CSV row with --out (sweep_run.hpp).

#include "sweep_run.hpp"

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
#include <cmath>
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

csv_names csv_names_of(const std::vector<headphone>& headphones, const std::vector<stage_names>& output_names) {
    csv_names names;
    for (const headphone& h : headphones) names.headphone.push_back(csv_field(h.name()));
    for (const stage_names& g : output_names) {
        names.amplifier.push_back(csv_field(g.amplifier));
        names.output.push_back(csv_field(g.output));
        names.gain.push_back(csv_field(g.gain));
    }
    return names;
}

csv_out::csv_out(const sweep_job& job, command_output& os, std::string_view header, const std::vector<headphone>& headphones,
                 const std::vector<stage_names>& output_names) {
    if (job.out.empty()) return;
    file.emplace("--out", job.out, os.standard_output());
    file->write(header);
    names = csv_names_of(headphones, output_names);
}

namespace {

// Every pair as CSV, from the sweep's own tiles: the engine calls this from its threads, so each tile is formatted
// on its thread and written whole under the lock.
template <class T>
batch::row_sink<T> csv_rows(csv_out& csv) {
    return [&csv](const batch::pair_rows<T>& tile) {
        csv.write_tile(tile, [&](fmt::memory_buffer& buf, std::size_t at) {
            fmt::format_to(std::back_inserter(buf), "{:.4f},{},{:.4f},{}\n", tile.headroom_db[at], to_string(tile.binding[at]),
                           tile.max_spl_db[at], to_string(tile.max_binding[at]));
        });
    };
}

// The attenuator some headphones are swept through, if any.
const attenuator* through_any(std::span<const attenuator* const> through) {
    for (const attenuator* a : through)
        if (a != nullptr) return a;
    return nullptr;
}

}  // namespace

template <class T>
void run_sweep(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
               const std::vector<headphone>& headphones, const sweep_job& job, command_output& os, bool named,
               std::span<const attenuator* const> through, std::span<const batch::load_band> loads) {
    // Catalog gear is ranked by name; a synthetic catalog's entries have only their index.
    const gear_labels label{outputs, headphones, named};
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
    csv_out csv{job, os, "headphone,amplifier,output,gain,headroom_db,limit,max_spl_db,max_limit\n", headphones, output_names};
    batch::row_sink<T> rows;
    if (csv.file) rows = csv_rows<T>(csv);

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
            labels.output = [&](std::size_t k) { return label.of_output(static_cast<batch::index>(k)); };
            labels.headphone = [&](std::size_t k) { return label.of_headphone(static_cast<batch::index>(k)); };
        }
        if (csv.file) csv.file->commit();
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
            report += fmt::format("{}:", terminal_text(label.of_headphone(i)));
            bool first = true;
            for (const batch::best_output& o : result.best(i)) {
                report += fmt::format("{} {} ({:+.2f} dB, {})", first ? "" : ",", terminal_text(label.of_output(o.output)), o.headroom.db(),
                                      to_string(o.binding));
                first = false;
            }
            report += '\n';
        }
        if (named && job.settings.top_k == 0)
            report += "for the outputs that suit a headphone, best first: --headphone NAME (or --amp NAME, --kind iem,\n"
                      "--connector 4.4mm); --top K lists the K best outputs for every headphone\n";
    }

    if (csv.file) {
        csv.file->commit();
        if (!job.json && !csv_to_stdout) report += fmt::format("every pair written to {}\n", terminal_text(job.out));
    }
    os << report;
}

template void run_sweep<float>(const std::vector<output_stage>&, const std::vector<stage_names>&, const std::vector<headphone>&,
                               const sweep_job&, command_output&, bool, std::span<const attenuator* const>,
                               std::span<const batch::load_band>);
template void run_sweep<double>(const std::vector<output_stage>&, const std::vector<stage_names>&, const std::vector<headphone>&,
                                const sweep_job&, command_output&, bool, std::span<const attenuator* const>,
                               std::span<const batch::load_band>);

}  // namespace headroom::cli
