// The sweep across frequency's loops compiled for x86-64 with AVX-512 F, VL, BW and DQ, on 512-bit vectors.
// The flags are set for this file alone in src/batch/CMakeLists.txt; the engine runs it only where the processor
// supports it (across.cpp).
#define HEADROOM_BATCH_TARGET avx512
#include "batch/across_impl.hpp"
