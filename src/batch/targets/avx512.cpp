// The batch engine's loops compiled for x86-64 with AVX-512 F, VL, BW and DQ, on 512-bit vectors.
// The flags are set for this file alone in src/batch/CMakeLists.txt; the engine runs it only where the
// processor supports it (engine.cpp).
#define HEADROOM_BATCH_TARGET avx512
#include "batch/kernel_impl.hpp"
