// A bare double does not become a level: a level needs its reference (spl::of_db(85) is dB SPL re 20 uPa).

#include "headroom/decibel.hpp"

int main() {
    const headroom::spl ok = headroom::spl::of_db(85.0);
    (void)ok;
#ifdef HEADROOM_COMPILE_FAIL
    const headroom::spl s = 85.0;
    (void)s;
#endif
}
