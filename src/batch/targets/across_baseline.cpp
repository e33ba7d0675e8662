// The sweep across frequency's loops compiled for the compiler's baseline instruction set (SSE2 on x86-64; the only target on other processors).
// The flags are set for this file alone in src/batch/CMakeLists.txt; the engine runs it only where the processor
// supports it (across.cpp).
#define HEADROOM_BATCH_TARGET baseline
#include "batch/across_impl.hpp"
