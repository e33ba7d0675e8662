// headroom sweep: every output stage of a catalog against every headphone, on all cores. By default it streams
// reductions (headroom statistics, how many pairs clear a threshold, which limit binds, the best outputs per
// headphone) in memory O(M + N); --out also writes every pair as CSV, from the same sweep, to a file atomically
// (output_file.hpp) or to standard output with `--out -`.
// The sweeps themselves are in sweep_report.cpp and sweep_across.cpp (sweep_run.hpp).

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


}  // namespace

subcommand add_sweep(CLI::App& parent) {
    auto f = std::make_shared<sweep_flags>();
    CLI::App* app = parent.add_subcommand("sweep", "Analyse every amplifier output against every headphone of a catalog");
    app->footer(
        "Streams statistics in memory O(outputs + headphones); --out also writes every pair as CSV (headphone,\n"
        "amplifier, output, gain, headroom_db, limit, max_spl_db, max_limit), from the same sweep: to a temporary file\n"
        "renamed over FILE once complete (only a regular file is replaced), or to standard output with --out -.\n"
        "A jack that picks its mode by the load it senses (Apple's) counts once per headphone, in the selected mode.\n"
        "--json names the instruction set that ran (\"simd\"); HEADROOM_SIMD=baseline|avx2|avx512 forces one.\n"
        "A sweep that runs over two seconds shows its progress on stderr when that is a terminal (not with --json);\n"
        "Ctrl-C stops it and removes the temporary file. Exit status: 0 done, 1 output lost (a write failed), 2 bad input.\n"
        "With --headphone (or a headphone --kind), a table per headphone lists every output that has at least\n"
        "--min-headroom, each at its advised gain setting (the quietest with enough headroom), ranked by fitness:\n"
        "enough headroom first; then, for a sensitive headphone (110 dB SPL/V or more), less hiss (by more than\n"
        "0.5 dB) and a lower output impedance; then more headroom. With --amp alone, a table per amplifier lists the\n"
        "headphones it drives, most headroom first. Without a selection the report is a summary.\n"
        "With a selection and --across-frequency (and --eq), each row gives the pair's worst headroom over 20 Hz-20 kHz,\n"
        "its frequency and binding limit, as pair --json's worst_headroom_*; a headphone with neither a curve nor an EQ\n"
        "is flat across the band: its row is the one at its load.\n"
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
                  "(--synthetic: realistic curves); with a selection, the tables report and rank it");
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
                        // whose advice they give (across the band as well, with --across-frequency); --top sets
                        // their length.
                        for (const char* flag : {"--out", "--precision", "--threads"})
                            if (given(flag))
                                throw usage_error{std::string{flag} + ": applies to a whole-catalog sweep by the batch engine; with a selection (--headphone, "
                                                  "--amp, --kind, --connector) the tables are made by the scalar model, each pair once"};
                        listing l{p, job.min_headroom, std::nullopt, att ? &*att : nullptr, max_hiss, false, {}};
                        if (f->top_given) l.rows = static_cast<std::size_t>(job.settings.top_k);
                        // --across-frequency: each pair by its worst headroom over the band, as pair reports it
                        // (through the attenuator too, as pair takes one), with the --eq preset of its headphone.
                        const eq_choice eq = f->across ? choose_eq(f->eq, c.headphones) : eq_choice{};
                        l.across = f->across;
                        for (std::size_t i = 0; i < c.gear.headphones.size() && !eq.presets.empty(); ++i) {
                            const std::int32_t k = eq.preset_of[i];
                            l.eqs.push_back(k < 0 ? nullptr : &eq.presets[static_cast<std::size_t>(k)]);
                        }
                        if (f->json) {
                            nlohmann::ordered_json j;
                            j["target_spl_db"] = p.average_level().db();
                            j["crest_factor_db"] = p.crest_factor().db();
                            j["min_headroom_db"] = job.min_headroom.db();
                            j["attenuator"] = att ? nlohmann::ordered_json(att->name()) : nlohmann::ordered_json(nullptr);
                            j["max_hiss_dba"] = max_hiss ? nlohmann::ordered_json(max_hiss->db()) : nlohmann::ordered_json(nullptr);
                            j["across_frequency"] = f->across;
                            j["eq"] = f->eq.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f->eq);
                            if (!f->eq.empty()) j["eq_headphones"] = eq.matched;
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

