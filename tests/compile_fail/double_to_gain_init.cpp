// `gain g = 3.0;` does not compile: gain(double) is deleted so that every number says which ratio it is.

#include "headroom/decibel.hpp"
#include "headroom/literals.hpp"

int main() {
    using namespace headroom::literals;
    const headroom::gain ok = 3.0_dB;
    (void)ok;
#ifdef HEADROOM_COMPILE_FAIL
    const headroom::gain g = 3.0;
    (void)g;
#endif
}
