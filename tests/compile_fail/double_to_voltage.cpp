// A bare double does not become a voltage: is 7.5 volts, millivolts or peak-to-peak? Write 7.5_V or
// in_si(7.5, volt).

#include "headroom/literals.hpp"
#include "headroom/units.hpp"

int main() {
    using namespace headroom::literals;
    const headroom::voltage ok = 7.5_V;
    (void)ok;
#ifdef HEADROOM_COMPILE_FAIL
    const headroom::voltage v = 7.5;
    (void)v;
#endif
}
