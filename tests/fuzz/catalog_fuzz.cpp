// libFuzzer target for the catalog loader: any byte string must either load or raise catalog_error, never crash,
// hang, read out of bounds or throw anything else. The same bytes go through both the headphone and the
// amplifier reader, so the seeds of one exercise the other's "wrong list" paths too.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DHEADROOM_FUZZ=ON
//   cmake --build build-fuzz --target catalog_fuzz
//   ./build-fuzz/tests/fuzz/catalog_fuzz -max_total_time=20 build-fuzz/tests/fuzz/corpus tests/fuzz/corpus
// (or `ctest --test-dir build-fuzz -R catalog_fuzz`, which runs the same for 20 s)

#include "headroom/catalog.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    try {
        (void)headroom::parse_headphone_catalog(text, "fuzz.json");
    } catch (const headroom::catalog_error&) {
    }
    try {
        (void)headroom::parse_amplifier_catalog(text, "fuzz.json");
    } catch (const headroom::catalog_error&) {
    }
    return 0;
}
