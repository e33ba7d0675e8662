#pragma once

// The JSON of a batch sweep (`sweep --json`, the Python module's sweep results), apart from json.hpp: only the faces
// that link the batch engine (the command line, the Python module) need it; the web page does not. Compiled in
// headroom::frontend_batch (src/frontend/).

#include "headroom/batch/across.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/frontend/json.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace headroom::frontend {

// ---- a catalog sweep (`sweep --json`) -------------------------------------------------------------------------

// The statistics of a batch sweep: sizes, time, threads, path, precision, the programme and threshold,
// headroom_db {min, mean, max}, above_threshold(_fraction) and binding counts per limit. cpu_seconds (with
// pairs_per_cpu_second) where the caller measured it.
[[nodiscard]] ojson sweep_json(const batch::sweep_result& r, bool single_precision, double seconds,
                               std::optional<double> cpu_seconds = std::nullopt);

// The statistics of a sweep across frequency (`sweep --across-frequency --json`): sizes and pair-frequencies (all,
// and those evaluated), time and rate, threads, path, precision, the programme and threshold, the `eq` members (the
// preset's name and the headphones it was applied to, when there is one), worst_headroom_db {min, mean, max},
// above_threshold(_fraction) and binding counts per limit.
[[nodiscard]] ojson across_json(const batch::across_result& r, bool single_precision, double seconds, double cpu_seconds,
                                const ojson& eq = ojson::object());

// One headphone's best outputs across frequency, as the top list gives them: {"output", "output_name"?,
// "worst_headroom_db", "worst_headroom_hz", "worst_headroom_limit"}.
[[nodiscard]] ojson across_best_json(const batch::across_result& r, batch::index i,
                                     const std::function<std::string(std::size_t)>& output_name = {});

// Writes a JSON object a member at a time, in the layout nlohmann's dump(2) gives the whole: a report with a list
// of millions of entries is streamed, never built as one tree or one string first. Text that is not UTF-8 (a file
// name) is written with U+FFFD in its place, so that writing never throws for the text.
class json_object_writer {
public:
    explicit json_object_writer(std::ostream& os);
    json_object_writer(const json_object_writer&) = delete;
    json_object_writer& operator=(const json_object_writer&) = delete;
    ~json_object_writer() = default;

    void member(std::string_view key, const ojson& value);
    // An array member of `count` entries, each made by entry(k) when it is written.
    void array_member(std::string_view key, std::size_t count, const std::function<ojson(std::size_t)>& entry);
    // Ends the object (and the line).
    void close();

private:
    void key(std::string_view k);
    void indented(const ojson& value, std::string_view indent);

    std::ostream& os_;
    bool first_ = true;
};

// The names a sweep's top list gives its entries: a catalog's, or none (a synthetic catalog's index alone).
struct sweep_names {
    std::function<std::string(std::size_t)> output, headphone;  // empty: entries go by index only
};

// The whole `sweep --json` report, streamed: the statistics (sweep_json), `extra` members, and with a top list one
// entry per headphone ({"headphone", "headphone_name"?, "best": [{"output", "output_name"?, "headroom_db", "limit",
// "max_spl_db"}]}).
void write_sweep_json(std::ostream& os, const ojson& statistics, const ojson& extra, const batch::sweep_result& r,
                      const sweep_names& names);

}  // namespace headroom::frontend
