// `headroom sweep --across-frequency`: each pair's worst headroom over 20 Hz-20 kHz (batch/across.hpp), as `pair`
// reports it, with or without an EQ per headphone (sweep_run.hpp).

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

namespace {

// A name as a key for matching EQ files to headphones: letters and digits only, lower case ("Sennheiser HD 600"
// and "Sennheiser HD600" meet).
std::string name_key(std::string_view name) {
    std::string k;
    for (const char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)) != 0) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

}  // namespace

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
                command_output& os, bool named, std::span<const batch::load_band> loads) {
    const gear_labels label{outputs, headphones, named};
    const batch::output_columns<T> amps = packed_outputs<T>(outputs, loads);
    const batch::across_columns<T> hps = batch::pack_across<T>(headphones, audio_band_grid(), eq.presets, eq.preset_of);
    const batch::index m = amps.size(), n = hps.size();
    progress_meter progress{job.json ? nullptr : os.progress(), "headroom sweep", m * n, os.progress_delay()};
    batch::across_settings settings{.threads = job.settings.threads, .top_k = job.settings.top_k, .min_headroom = job.min_headroom};
    settings.pairs_done = &progress.done();

    csv_out csv{job, os, "headphone,amplifier,output,gain,worst_headroom_db,worst_headroom_hz,worst_headroom_limit\n", headphones,
                output_names};
    batch::across_row_sink<T> rows;
    if (csv.file) {
        rows = [&csv](const batch::across_rows<T>& tile) {
            csv.write_tile(tile, [&](fmt::memory_buffer& buf, std::size_t at) {
                fmt::format_to(std::back_inserter(buf), "{:.4f},{:.2f},{}\n", static_cast<double>(tile.headroom_db[at]),
                               tile.frequency_hz[static_cast<std::size_t>(tile.frequency[at])], to_string(tile.binding[at]));
            });
        };
    }
    const std::clock_t cpu_start = std::clock();
    const auto start = std::chrono::steady_clock::now();
    const batch::across_result r = batch::sweep_across(amps, hps, job.target, job.crest, settings, rows);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double pairs = static_cast<double>(r.pairs());  // fewer than m x n where a load selects a device's mode
    const double rate = r.pair_frequencies() / seconds;  // every pair-frequency counts, pruned or not

    if (job.json) {
        nlohmann::ordered_json eq_members = nlohmann::ordered_json::object();
        if (!eq_flag.empty()) eq_members = {{"eq", eq_flag}, {"eq_headphones", eq.matched}};
        nlohmann::ordered_json j = frontend::across_json(r, sizeof(T) == sizeof(float), seconds, cpu_seconds, eq_members);
        if (!job.out.empty()) j["out"] = job.out;
        if (csv.file) csv.file->commit();
        frontend::json_object_writer w{os.standard_output()};
        for (const auto& [k, v] : j.items()) w.member(k, v);
        if (r.top_k() > 0)
            w.array_member("top", static_cast<std::size_t>(n), [&](std::size_t i) {
                nlohmann::ordered_json entry{{"headphone", i}};
                if (named) entry["headphone_name"] = label.of_headphone(static_cast<batch::index>(i));
                const auto name = [&](std::size_t k) { return label.of_output(static_cast<batch::index>(k)); };
                nlohmann::ordered_json best = named ? frontend::across_best_json(r, static_cast<batch::index>(i), name)
                                                    : frontend::across_best_json(r, static_cast<batch::index>(i));
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
            report += fmt::format("{}:", terminal_text(label.of_headphone(i)));
            for (std::size_t q = 0; q < r.best_records(i).size(); ++q) {
                const batch::best_across o = r.best(i, q);
                report += fmt::format("{} {} ({:+.2f} dB at {:.0f} Hz, {})", q == 0 ? "" : ",", terminal_text(label.of_output(o.output)), o.headroom.db(),
                                      o.frequency_hz, to_string(o.binding));
            }
            report += '\n';
        }
        if (!job.out.empty()) report += fmt::format("every pair written to {}\n", terminal_text(job.out));
    }
    if (csv.file) csv.file->commit();
    os << report;
}

template void run_across<float>(const std::vector<output_stage>&, const std::vector<stage_names>&, const std::vector<headphone>&,
                                const sweep_job&, const eq_choice&, const std::string&, command_output&, bool,
                                std::span<const batch::load_band>);
template void run_across<double>(const std::vector<output_stage>&, const std::vector<stage_names>&, const std::vector<headphone>&,
                                 const sweep_job&, const eq_choice&, const std::string&, command_output&, bool,
                                std::span<const batch::load_band>);

}  // namespace headroom::cli
