#pragma once

// The two sweeps of `headroom sweep` (sweep.cpp reads its flags): every pair at its load (sweep_report.cpp) and
// every pair's worst headroom over 20 Hz-20 kHz (sweep_across.cpp), and what their reports and CSV rows share.

#include "catalog_select.hpp"
#include "commands.hpp"
#include "output_file.hpp"

#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/eq.hpp"
#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::cli {

// The sweep's inputs, whatever the catalog's source: packed columns and the programme.
struct sweep_job {
    spl target;
    gain crest;
    gain min_headroom;
    batch::sweep_settings settings;
    std::string out;
    bool json;
};

// --eq: one preset for every headphone, or a folder of AutoEq presets ("<name> ParametricEQ.txt"), each applied to
// the headphone of that name; headphones without one are swept without EQ.
struct eq_choice {
    std::vector<parametric_eq> presets;
    std::vector<std::int32_t> preset_of;  // per headphone
    std::size_t matched = 0;
};

eq_choice choose_eq(const std::string& where, const std::vector<headphone>& headphones);

// How a report names gear: catalog gear by its name, a synthetic catalog's entries by their index (they have no
// other).
struct gear_labels {
    const std::vector<output_stage>& outputs;
    const std::vector<headphone>& headphones;
    bool named;

    [[nodiscard]] std::string of_output(batch::index k) const {
        return named ? outputs[static_cast<std::size_t>(k)].name() : fmt::format("output {}", k);
    }
    [[nodiscard]] std::string of_headphone(batch::index k) const {
        return named ? headphones[static_cast<std::size_t>(k)].name() : fmt::format("headphone {}", k);
    }
};

// A catalog name as a CSV field. It is data, whatever it holds: shown as terminal_text (no control character
// survives, so a name cannot break a row or drive a terminal reading `--out -`), quoted where it holds a comma or
// a quote (RFC 4180), and led by an apostrophe where a spreadsheet would take it for a formula (= + - @).
std::string csv_field(const std::string& name);

// The gear of each row, as CSV fields made once.
struct csv_names {
    std::vector<std::string> headphone, amplifier, output, gain;
};

csv_names csv_names_of(const std::vector<headphone>& headphones, const std::vector<stage_names>& output_names);

// The catalog's stages as the engine's columns, with the loads of its load-sensed modes where it has any.
template <class T>
batch::output_columns<T> packed_outputs(const std::vector<output_stage>& outputs, std::span<const batch::load_band> loads) {
    return loads.empty() ? batch::pack<T>(std::span<const output_stage>{outputs}) : batch::pack<T>(std::span<const output_stage>{outputs}, loads);
}

// --out: the CSV file (or standard output) that every pair goes to as the sweep makes it, with the gear's names as
// CSV fields made once; no file when --out is not given. The engine writes from its threads, a tile at a time.
struct csv_out {
    std::optional<output_file> file;
    std::mutex lock;
    csv_names names;

    csv_out(const sweep_job& job, command_output& os, std::string_view header, const std::vector<headphone>& headphones,
            const std::vector<stage_names>& output_names);
    // A tile of either sweep, formatted on the calling thread and written whole under the lock: one row per pair
    // that exists (NaN headroom: a load-sensed mode the headphone's load does not select), each begun with its gear's
    // names and finished by row(buffer, cell).
    template <class Tile, class Row>
    void write_tile(const Tile& tile, Row row) {
        fmt::memory_buffer buf;
        for (std::size_t q = 0; q < tile.outputs.size(); ++q) {
            const auto j = static_cast<std::size_t>(tile.outputs[q]);
            for (batch::index i = 0; i < tile.headphones; ++i) {
                const auto at = static_cast<std::size_t>(static_cast<batch::index>(q) * tile.stride + i);
                if (std::isnan(tile.headroom_db[at])) continue;
                fmt::format_to(std::back_inserter(buf), "{},{},{},{},", names.headphone[static_cast<std::size_t>(tile.first_headphone + i)],
                               names.amplifier[j], names.output[j], names.gain[j]);
                row(buf, at);
            }
        }
        const std::lock_guard guard{lock};
        file->write({buf.data(), buf.size()});
    }
};

// The sweep at one load per pair, with its report (or JSON) and --out rows.
template <class T>
void run_sweep(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
               const std::vector<headphone>& headphones, const sweep_job& job, command_output& os, bool named = false,
               std::span<const attenuator* const> through = {}, std::span<const batch::load_band> loads = {});

// --across-frequency: each pair's worst headroom over 20 Hz-20 kHz (batch/across.hpp), as `pair` reports it.
template <class T>
void run_across(const std::vector<output_stage>& outputs, const std::vector<stage_names>& output_names,
                const std::vector<headphone>& headphones, const sweep_job& job, const eq_choice& eq, const std::string& eq_flag,
                command_output& os, bool named, std::span<const batch::load_band> loads = {});

}  // namespace headroom::cli
