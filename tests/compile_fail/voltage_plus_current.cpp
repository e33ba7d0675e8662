// Volts and amperes do not add: the dimensions differ. Multiplying by an impedance is what relates them.

#include "headroom/literals.hpp"
#include "headroom/units.hpp"

int main() {
    using namespace headroom::literals;
    const headroom::voltage ok = 1_V + 250_mA * 4_ohm;
    (void)ok;
#ifdef HEADROOM_COMPILE_FAIL
    const auto sum = 1_V + 250_mA;
    (void)sum;
#endif
}
