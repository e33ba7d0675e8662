// libFuzzer target for the spec-sheet reader of `headroom catalog import` (include/headroom/spec_sheet.hpp). The
// first byte picks the kind given (none, headphone, amplifier) and whether a source level is given; the rest is the
// pasted text. Any input must either give an import (every line accounted for, an entry that the catalog loader
// accepted, or a problem saying why not) or raise io_error for text that is not a spec text, never crash, hang,
// read out of bounds or throw anything else.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DHEADROOM_FUZZ=ON
//   cmake --build build-fuzz --target spec_sheet_fuzz
//   ./build-fuzz/tests/fuzz/spec_sheet_fuzz -max_total_time=20 build-fuzz/tests/fuzz/spec_sheet_corpus tests/fuzz/spec_sheet_corpus

#include "headroom/catalog.hpp"
#include "headroom/io.hpp"
#include "headroom/spec_sheet.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace headroom;
    if (size == 0) return 0;
    const std::uint8_t mode = data[0];
    const std::string_view text{reinterpret_cast<const char*>(data + 1), size - 1};
    spec_sheet_options options;
    options.name = "fuzz";
    if (mode % 3 == 1) options.kind = gear_kind::headphone;
    if (mode % 3 == 2) options.kind = gear_kind::amplifier;
    if ((mode / 3) % 2 == 1) options.source_level = "2V";
    try {
        const spec_import r = read_spec_sheet(text, "fuzz.txt", options);
        // The documented shape: an entry or a reason, never both nor neither.
        if (r.entry_json.empty() == r.problem.empty()) std::abort();
        if (!r.entry_json.empty() && r.kind) {
            // What import made, the loader reads back (catalog import --add relies on it).
            const std::string catalog = catalog_with_entry("", "fuzz.json", r.entry_json, *r.kind);
            (void)parse_catalog_file(catalog, "fuzz.json");
        }
    } catch (const io_error&) {
        // Not a spec text (binary, too large, a line of thousands of numbers): refused as documented.
    }
    return 0;
}
