// headroom sweep: every output stage of a catalog against every headphone, on all cores. By default it streams
// reductions (headroom statistics, how many pairs clear a threshold, which limit binds, the best outputs per
// headphone) in memory O(M + N); --out also writes every pair to a CSV file, atomically, from the same sweep.

#include "cli/catalog_select.hpp"
#include "cli/commands.hpp"
#include "cli/synthetic.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/format.hpp"
#include "headroom/parse.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace headroom::cli {

namespace {

struct sweep_flags {
    std::string synthetic;  // MxN
    std::string amps, headphones;  // catalog files; the bundled ones when neither these nor --synthetic
    std::string seed = "1";
    std::string threads;  // empty: all cores
    std::string target = "85";
    std::string crest;  // empty: sine
    std::string min_headroom = "0";
    std::string top = "0";
    std::string precision = "float";
    std::string out;
    bool json = false;
    bool top_given = false;
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

catalog_size parse_size(const std::string& text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos) throw usage_error{"--synthetic: '" + text + "' is not of the form MxN (e.g. 1000x20000)"};
    constexpr std::uint64_t most = 100'000'000;
    const auto m = whole_number("--synthetic", text.substr(0, x), 1, most);
    const auto n = whole_number("--synthetic", text.substr(x + 1), 1, most);
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

// Writes `path` atomically: a temporary file in the same directory, renamed over `path` only once complete, and
// removed on any error, so that an interrupted or failed run never leaves a truncated file behind.
class atomic_file {
public:
    explicit atomic_file(const std::string& path) : path_{path} {
        std::string pattern = path + ".tmp-XXXXXX";
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) throw usage_error{fmt::format("--out: cannot create a file next to '{}': {}", path, std::strerror(errno))};
        temp_ = pattern;
        file_ = ::fdopen(fd, "w");
        if (file_ == nullptr) {
            ::close(fd);
            std::remove(temp_.c_str());
            throw usage_error{fmt::format("--out: cannot write '{}': {}", temp_, std::strerror(errno))};
        }
        std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    }
    atomic_file(const atomic_file&) = delete;
    atomic_file& operator=(const atomic_file&) = delete;
    ~atomic_file() {
        if (file_ != nullptr) std::fclose(file_);
        if (!committed_) std::remove(temp_.c_str());
    }

    void write(std::string_view text) {
        if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail();
    }
    void commit() {
        const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
        const bool closed = std::fclose(file_) == 0;
        file_ = nullptr;
        if (!flushed || !closed) fail();
        if (std::rename(temp_.c_str(), path_.c_str()) != 0) fail();
        committed_ = true;
    }

private:
    [[noreturn]] void fail() const { throw usage_error{fmt::format("--out: cannot write '{}': {}", path_, std::strerror(errno))}; }

    std::string path_;
    std::string temp_;
    std::FILE* file_ = nullptr;
    bool committed_ = false;
};

// A CSV field, quoted where it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

// The gear of each row, quoted once.
struct csv_names {
    std::vector<std::string> headphone, amplifier, output, gain;
};

// Every pair as CSV, from the sweep's own tiles: the engine calls this from its threads, so each tile is formatted
// on its thread and written whole under the lock.
template <class T>
batch::row_sink<T> csv_rows(atomic_file& file, std::mutex& lock, const csv_names& names) {
    return [&file, &lock, &names](const batch::pair_rows<T>& tile) {
        fmt::memory_buffer buf;
        for (std::size_t q = 0; q < tile.outputs.size(); ++q) {
            const auto j = static_cast<std::size_t>(tile.outputs[q]);
            for (batch::index i = 0; i < tile.headphones; ++i) {
                const auto at = static_cast<std::size_t>(static_cast<batch::index>(q) * tile.stride + i);
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

template <class T>
void run_sweep(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
               const std::vector<headphone>& headphones, const sweep_job& job, std::ostream& os, bool named = false) {
    // Catalog gear is ranked by name; a synthetic catalog's entries have only their index.
    const auto output_label = [&](batch::index k) {
        return named ? outputs[static_cast<std::size_t>(k)].name() : fmt::format("output {}", k);
    };
    const auto headphone_label = [&](batch::index k) {
        return named ? headphones[static_cast<std::size_t>(k)].name() : fmt::format("headphone {}", k);
    };
    const batch::output_columns<T> amps = batch::pack<T>(std::span<const output_stage>{outputs});
    const batch::headphone_columns<T> hps = batch::pack<T>(std::span<const headphone>{headphones});
    const batch::index m = amps.size();
    const batch::index n = hps.size();

    // --out: the rows come from the sweep itself.
    std::optional<atomic_file> file;
    std::mutex file_lock;
    csv_names names;
    batch::row_sink<T> rows;
    if (!job.out.empty()) {
        file.emplace(job.out);
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
    const batch::sweep_result result = batch::sweep(amps, hps, job.target, job.crest, job.settings, rows);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    if (file) file->commit();

    const double lo = result.min_headroom().db(), mean = result.mean_headroom().db(), hi = result.max_headroom().db();
    const std::int64_t above = result.above_threshold();
    std::array<std::int64_t, limit_count> by_limit{};
    for (std::size_t k = 0; k < by_limit.size(); ++k) by_limit[k] = result.count(static_cast<limit>(k));
    const unsigned threads = result.threads();
    const double pairs = static_cast<double>(m) * static_cast<double>(n);
    const auto& names_of_limits = limit_names;

    if (job.json) {
        nlohmann::ordered_json j;
        j["outputs"] = m;
        j["headphones"] = n;
        j["pairs"] = static_cast<std::int64_t>(m) * n;
        j["seconds"] = seconds;
        j["pairs_per_second"] = pairs / seconds;
        j["cpu_seconds"] = cpu_seconds;
        j["pairs_per_cpu_second"] = pairs / cpu_seconds;
        j["threads"] = threads;
        j["simd"] = std::string{batch::to_string(result.path())};
        j["precision"] = sizeof(T) == sizeof(float) ? "float" : "double";
        j["target_spl_db"] = job.target.db();
        j["crest_factor_db"] = job.crest.db();
        j["min_headroom_db"] = job.min_headroom.db();
        j["headroom_db"] = {{"min", lo}, {"mean", mean}, {"max", hi}};
        j["above_threshold"] = above;
        j["above_threshold_fraction"] = static_cast<double>(above) / pairs;
        nlohmann::ordered_json b;
        for (std::size_t k = 0; k < by_limit.size(); ++k) b[names_of_limits[k]] = by_limit[k];
        j["binding"] = b;
        if (!job.out.empty()) j["out"] = job.out;
        if (job.settings.top_k == 0) {
            os << j.dump(2) << '\n';
            return;
        }
        // The top list can hold millions of entries: it is written one headphone at a time, in the layout dump(2)
        // gives, after the rest of the document, instead of being built as one tree first.
        std::string head = j.dump(2);
        head.resize(head.size() - 2);  // "\n}"
        os << head << ",\n  \"top\": [";
        for (batch::index i = 0; i < n; ++i) {
            nlohmann::ordered_json entry{{"headphone", i}};
            if (named) entry["headphone_name"] = headphone_label(i);
            nlohmann::ordered_json best = nlohmann::ordered_json::array();
            for (const batch::best_output& o : result.best(i)) {
                nlohmann::ordered_json b{{"output", o.output}};
                if (named) b["output_name"] = output_label(o.output);
                b["headroom_db"] = o.headroom.db();
                b["limit"] = to_string(o.binding);
                b["max_spl_db"] = o.max_spl.db();
                best.push_back(std::move(b));
            }
            entry["best"] = std::move(best);
            std::string text = entry.dump(2);
            std::string indented;
            indented.reserve(text.size() + text.size() / 4);
            for (const char ch : text) {
                indented += ch;
                if (ch == '\n') indented += "    ";
            }
            os << (i == 0 ? "\n    " : ",\n    ") << indented;
        }
        os << (n == 0 ? "]\n}\n" : "\n  ]\n}\n");
        return;
    }
    os << fmt::format("{} output stages x {} headphones = {} pairs in {} ({:.3g} pairs/s, {} thread{}, {}, {})\n", m, n,
                      static_cast<std::int64_t>(m) * n, fmt::format("{}", in_si(seconds, second)), pairs / seconds, threads, threads == 1 ? "" : "s",
                      sizeof(T) == sizeof(float) ? "float" : "double", batch::to_string(result.path()));
    os << fmt::format("programme {:.1f} dB SPL, crest factor {:.2f} dB\n", job.target.db(), job.crest.db());
    os << fmt::format("headroom  min {:+.2f} dB, mean {:+.2f} dB, max {:+.2f} dB\n", lo, mean, hi);
    os << fmt::format("at least {:+.1f} dB: {} pairs ({:.1f}%)\n", job.min_headroom.db(), above, 100.0 * static_cast<double>(above) / pairs);
    os << "limited by";
    for (std::size_t k = 0; k < by_limit.size(); ++k)
        os << fmt::format("  {} {:.1f}%", names_of_limits[k], 100.0 * static_cast<double>(by_limit[k]) / pairs);
    os << '\n';
    for (batch::index i = 0; i < n && job.settings.top_k > 0; ++i) {
        os << fmt::format("{}:", headphone_label(i));
        bool first = true;
        for (const batch::best_output& o : result.best(i)) {
            os << fmt::format("{} {} ({:+.2f} dB, {})", first ? "" : ",", output_label(o.output), o.headroom.db(), to_string(o.binding));
            first = false;
        }
        os << '\n';
    }
    if (!job.out.empty()) os << fmt::format("every pair written to {}\n", job.out);
}

}  // namespace

subcommand add_sweep(CLI::App& parent) {
    auto f = std::make_shared<sweep_flags>();
    CLI::App* app = parent.add_subcommand("sweep", "Analyse every amplifier output against every headphone of a catalog");
    app->footer(
        "Streams statistics in memory O(outputs + headphones); --out also writes every pair (CSV, written atomically).\n"
        "Example: headroom sweep --synthetic 1000x20000 --seed 7 --target 90 --crest 18 --min-headroom 3 --top 3 --json");
    app->add_option("--synthetic", f->synthetic, "A seeded random catalog of M outputs x N headphones (1000x20000)");
    app->add_option("--amps", f->amps, "Amplifier catalog file (default: the bundled data/amplifiers.json)");
    app->add_option("--headphones", f->headphones, "Headphone catalog file (default: the bundled data/headphones.json)");
    app->get_option("--synthetic")->excludes("--amps")->excludes("--headphones");
    app->add_option("--seed", f->seed, "Seed of the random catalog (default 1)");
    app->add_option("--threads", f->threads, "Most worker threads (default: all cores; small sweeps use fewer, one per 2^20 pairs)");
    app->add_option("--target", f->target, "Programme average level in dB SPL (default 85)");
    app->add_option("--crest", f->crest, "Programme crest factor in dB (default: a sine, 3.01 dB)");
    app->add_option("--min-headroom", f->min_headroom, "Count the pairs with at least this headroom in dB (default 0)");
    app->add_option("--top", f->top, "Keep the K best outputs per headphone (default 0: none; 3 for a catalog)")
        ->each([f](const std::string&) { f->top_given = true; });
    app->add_option("--precision", f->precision, "float (fast, within 1e-3 dB) or double (the model's arithmetic)");
    app->add_option("--out", f->out, "Write every pair to this CSV file");
    app->add_flag("--json", f->json, "Print JSON instead of the report");

    return {app, [f](std::ostream& os) {
                const programme p = programme_flags(f->target, f->crest);
                sweep_job job{
                    .target = p.average_level(),
                    .crest = p.crest_factor(),
                    .min_headroom = flag_value("--min-headroom", f->min_headroom, parse_gain),
                    .settings = {},
                    .out = f->out,
                    .json = f->json,
                };
                job.settings.threads =
                    f->threads.empty() ? 0U : static_cast<unsigned>(whole_number("--threads", f->threads, 1, 1024));
                // A catalog sweep is a ranking: the three best outputs per headphone unless --top says otherwise.
                const bool catalog = f->synthetic.empty();
                job.settings.top_k = static_cast<batch::index>(
                    whole_number("--top", catalog && !f->top_given ? std::string{"3"} : f->top, 0, 1000));
                job.settings.min_headroom = job.min_headroom;
                if (f->precision != "float" && f->precision != "double")
                    throw usage_error{"--precision: '" + f->precision + "' is neither float nor double"};
                if (!f->out.empty() && std::filesystem::is_directory(f->out))
                    throw usage_error{"--out: '" + f->out + "' is a directory"};

                if (catalog) {
                    const sweep_catalog c = load_sweep_catalog(f->amps, f->headphones);
                    if (f->precision == "float")
                        run_sweep<float>(c.outputs, c.output_names, c.headphones, job, os, true);
                    else
                        run_sweep<double>(c.outputs, c.output_names, c.headphones, job, os, true);
                    return;
                }
                const catalog_size size = parse_size(f->synthetic);
                const std::uint64_t seed = whole_number("--seed", f->seed, 0, std::numeric_limits<std::uint64_t>::max());
                const synthetic_catalog c = make_synthetic(size.outputs, size.headphones, seed);
                std::vector<stage_names> names;
                if (!job.out.empty())
                    for (const output_stage& o : c.outputs) names.push_back({o.name(), "", ""});
                if (f->precision == "float")
                    run_sweep<float>(c.outputs, names, c.headphones, job, os);
                else
                    run_sweep<double>(c.outputs, names, c.headphones, job, os);
            }};
}

}  // namespace headroom::cli
