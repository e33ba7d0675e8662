// libFuzzer target for the text readers: quantities with units ("97dB/mW", "1.2W@32"), AutoEq parametric EQ
// files, impedance-curve CSVs and driver models. The first byte picks the reader, the rest is its input, and
// whatever parses is then used (an EQ's response, a curve's response behind an output impedance), so that odd
// but accepted values reach the arithmetic too. Any input must either work or raise the readers' documented
// errors (parse_error, io_error, spec_error), never crash, hang, read out of bounds or throw anything else.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DHEADROOM_FUZZ=ON
//   cmake --build build-fuzz --target text_fuzz
//   ./build-fuzz/tests/fuzz/text_fuzz -max_total_time=20 build-fuzz/tests/fuzz/text_corpus tests/fuzz/text_corpus

#include "headroom/eq.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/io.hpp"
#include "headroom/parse.hpp"
#include "headroom/response.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

void read(std::uint8_t which, std::string_view text) {
    using namespace headroom;
    switch (which % 12) {
        case 0: (void)parse_voltage(text); break;
        case 1: (void)parse_current(text); break;
        case 2: (void)parse_power(text); break;
        case 3: (void)parse_impedance(text); break;
        case 4: (void)parse_frequency(text); break;
        case 5: (void)parse_gain(text); break;
        case 6: (void)parse_spl(text); break;
        case 7: (void)parse_stated_sensitivity(text); break;
        case 8: (void)parse_power_point(text); break;
        case 9: {
            const parametric_eq eq = read_parametric_eq(text, "fuzz.txt");
            (void)eq_response_on(eq);
            break;
        }
        case 10: {
            const impedance_curve z = read_impedance_curve(text, "fuzz.csv");
            (void)analyse_response(z, in_si(2.0, ohm));
            break;
        }
        default: {
            const driver_model d = parse_driver_model(text);
            (void)analyse_response(impedance_curve::driver(d), in_si(10.0, ohm));
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    try {
        read(data[0], {reinterpret_cast<const char*>(data) + 1, size - 1});
    } catch (const headroom::parse_error&) {
    } catch (const headroom::io_error&) {
    } catch (const headroom::spec_error&) {
    }
    return 0;
}
