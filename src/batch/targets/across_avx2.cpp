// The sweep across frequency's loops compiled for x86-64 with AVX2 (no FMA: the same operations as every other path).
// The flags are set for this file alone in src/batch/CMakeLists.txt; the engine runs it only where the processor
// supports it (across.cpp).
#define HEADROOM_BATCH_TARGET avx2
#include "batch/across_impl.hpp"
