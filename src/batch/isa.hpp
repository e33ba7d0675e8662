#pragma once

// Which instruction set runs: the processor's features, the paths this build compiled, HEADROOM_SIMD, and the loops
// each path exports to both sweeps (isa.cpp). Compiled for the baseline only.

#include "headroom/batch/sweep.hpp"

#include "batch/across_api.hpp"
#include "batch/kernel_api.hpp"

namespace headroom::batch::detail {

// The loops of path p (it must be compiled in: checked_start, plan.hpp, says whether it runs here).
[[nodiscard]] const target_kernels& single_load_kernels(simd_path p);
[[nodiscard]] const across_target_kernels& across_kernels_of(simd_path p);

}  // namespace headroom::batch::detail
