// Uses the installed readers (headroom::io): a catalog from text and an AutoEq preset.
#include <headroom/catalog.hpp>
#include <headroom/io.hpp>

#include <cstdio>

int main() {
    using namespace headroom;
    const auto phones = parse_headphone_catalog(
        R"({"format": "headroom-catalog-1", "headphones": [{"name": "Sennheiser HD600", "type": "over-ear dynamic",
            "impedance": "300ohm", "sensitivity": "97dB/mW", "basis": "spec",
            "source": "https://www.soundonsound.com/reviews/sennheiser-hd600"}]})",
        "inline.json");
    const auto eq = read_parametric_eq("Preamp: -6 dB\nFilter 1: ON PK Fc 1000 Hz Gain 6 dB Q 1\n", "inline.txt");
    const bool ok = phones.size() == 1 && phones.front().name() == "Sennheiser HD600" && eq.filters().size() == 1;
    std::printf("headroom::io: %zu headphone, %zu filter\n", phones.size(), eq.filters().size());
    return ok ? 0 : 1;
}
