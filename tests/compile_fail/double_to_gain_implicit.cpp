// A bare double does not become a gain when passed where a gain is expected: is 3.0 a power or a voltage ratio,
// or already dB? The caller must say (gain::of_db, of_power_ratio, of_voltage_ratio, or 3.0_dB).

#include "headroom/decibel.hpp"

namespace {
double db_of(headroom::gain g) { return g.db(); }
}  // namespace

int main() {
    (void)db_of(headroom::gain::of_db(3.0));
#ifdef HEADROOM_COMPILE_FAIL
    (void)db_of(3.0);
#endif
}
