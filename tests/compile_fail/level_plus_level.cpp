// Adding two levels has no meaning (two 80 dB sources make 83 dB, not 160 dB): level + level is deleted.
// Without HEADROOM_COMPILE_FAIL this compiles, proving the rest of the file is sound.

#include "headroom/decibel.hpp"

int main() {
    const headroom::spl a = headroom::spl::of_db(80.0);
    const headroom::spl b = headroom::spl::of_db(80.0);
    const headroom::gain difference = a - b;  // the meaningful operation: a difference of levels
    (void)difference;
#ifdef HEADROOM_COMPILE_FAIL
    const auto sum = a + b;
    (void)sum;
#endif
}
