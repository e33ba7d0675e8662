#pragma once

// A maker's specification text, as copied from a product page, a manual or a shop listing, read into a catalog entry
// (docs/catalog-format.md, "Adding your own gear"). Every line is accounted for: read into named catalog fields, or
// ignored (no figure, or a figure the catalog does not hold: frequency response, weight, THD), or refused with a
// one-line reason where a reading would be a guess (a figure without a label or a unit, a sensitivity without its
// reference, a power without its load, two values for one field). Lines are read in the classes of phrasing makers
// use, not as fixed examples: "label: value", "label<tab>value", "label value", a label on its own line above its
// values, sections per output ("4.4mm balanced output"), values per output ("3.5mm: 125mW@32Ω / 4.4mm: 240mW@32Ω",
// "PO<7.2μV; BAL<14.1μV"), per channel ("245mW+245mW", "1.2 W x2"), bounds ("<1Ω", "≥120dB", entered at the bound),
// full-width and odd spaces, bullets and tabs.
//
// Whether the text describes a headphone or an amplifier is decided from what can be read under each reading (or
// given). The entry is checked by the catalog loader before it is returned, so that it reads back and analyses as a
// hand-written one would. Compiled in headroom::io (src/io/spec_sheet.cpp).

#include "headroom/catalog.hpp"
#include "headroom/io.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace headroom {

enum class gear_kind : std::uint8_t { headphone, amplifier };

[[nodiscard]] std::string_view to_string(gear_kind k) noexcept;

// What the text may not say: the flags of `headroom catalog import`. Given values win over the text's.
struct spec_sheet_options {
    std::optional<gear_kind> kind;                  // else decided from the fields read
    std::string name;                               // else a "Model:" or "Name:" line
    std::optional<headphone_type> type;      // else from the text's words (in-ear, circumaural, planar...)
    std::optional<amplifier_kind> amp_kind;  // else from the text's words (dongle, desktop, DAP...)
    std::string source;                             // written as the entry's "source" when given
    std::string source_level;                       // "2V": what gain settings follow, when the text does not say
};

// The largest text read: a product page's specifications are a few kilobytes; a megabyte is a paste gone wrong.
inline constexpr std::size_t max_spec_sheet_bytes = std::size_t{1} << 20;
// Lines (non-blank) and a line's length and numbers: beyond these a text or a line is not a spec sheet, and the work
// stays bounded whatever is pasted.
inline constexpr std::size_t max_spec_sheet_lines = 5000;
inline constexpr std::size_t max_spec_line_bytes = 1000;
inline constexpr std::size_t max_spec_line_numbers = 40;
// A line beyond these is not a spec sheet's at all: the whole text is refused (io_error) rather than the line.
inline constexpr std::size_t max_spec_text_line_numbers = 400;
inline constexpr std::size_t max_spec_text_line_bytes = 65536;

enum class line_status : std::uint8_t {
    read,     // at least one catalog field read from it
    ignored,  // no figure, or only figures the catalog does not hold
    refused,  // a figure that could not be read without guessing: `note` says why
};

[[nodiscard]] std::string_view to_string(line_status s) noexcept;

// One field read from a line, as it is written into the entry.
struct spec_field {
    std::string field;    // the catalog key: "power", "vmax", "zout", "snr", "noise", "impedance", "sensitivity", ...
    std::string value;    // "245mW@32ohm", "6.5Vrms", "A-weighted", "low: 0dB"
    std::string output;   // the amplifier output it belongs to ("4.4mm balanced"); empty for the entry's own fields
    std::string setting;  // the gain setting, where the figure is one setting's
    bool used = true;     // false: read, but not in the entry (the line's note says why)
};

struct spec_line {
    std::size_t number = 0;  // 1-based, in the text as given
    std::string text;        // the line as given: UTF-8 without control characters other than tabs (show it safely)
    line_status status = line_status::ignored;
    std::vector<spec_field> fields;  // read lines only
    std::string note;  // ignored or refused: why; read: what was assumed or converted ("a bound: <1ohm entered at 1ohm")
};

struct spec_import {
    std::vector<spec_line> lines;  // one per non-blank line
    std::optional<gear_kind> kind;
    std::string name;
    std::string entry_json;  // the catalog entry, one JSON object (as in a catalog's list); empty when none was made
    std::string problem;     // why no entry was made, one line; empty when one was

    [[nodiscard]] std::size_t count(line_status s) const noexcept;
    // The lines that carry a figure the catalog holds, and the share of them read: read / (read + refused).
    [[nodiscard]] double read_fraction() const noexcept;
};

// Reads `text`. Throws io_error naming `file` for input that is not a spec text at all, before any line is read:
// more than max_spec_sheet_bytes or max_spec_sheet_lines, a line beyond max_spec_text_line_numbers or _bytes, a NUL or other control byte, or invalid UTF-8. Every other
// problem is reported in the result (a refused line, or `problem` when no entry could be made).
[[nodiscard]] spec_import read_spec_sheet(std::string_view text, const std::string& file,
                                          const spec_sheet_options& options = {});

// The catalog file's JSON text with `entry_json` (an entry as read_spec_sheet makes it) appended to its headphones or
// amplifiers list: `catalog_json` empty makes a new catalog. The result is checked as a whole by the loader (an
// existing entry of the same name ignoring case is an error naming both); `file` names the catalog in messages.
// Throws io_error.
[[nodiscard]] std::string catalog_with_entry(std::string_view catalog_json, const std::string& file, std::string_view entry_json,
                                             gear_kind kind);

}  // namespace headroom
