#pragma once

// A seeded random catalog for sweeps and benchmarks: output stages and headphones spread over the ranges real
// gear covers (docs/physics.md section 3), built as model objects so that they pass the model's own validation and
// reach the batch core through pack() like a catalog read from files.

#include "headroom/headphone.hpp"
#include "headroom/output_stage.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace headroom::batch {

struct synthetic_catalog {
    std::vector<output_stage> outputs;
    std::vector<headphone> headphones;
};

// Output stages: V_oc 0.5-20 V, I_max 0.02-1 A, Z_out 0-10 ohm, P_max 0.05-5 W (uniform). Headphones: impedance
// log-uniform 8-600 ohm, S_V 90-125 dB/V (uniform). The same seed gives the same catalog.
[[nodiscard]] synthetic_catalog make_synthetic(std::size_t outputs, std::size_t headphones, std::uint64_t seed);

// The same headphones, each given an impedance curve of one of three shapes real gear has (in turn): a dynamic
// driver (its model, with a bass resonance peak of 1.5-6 times Re at 40-120 Hz and a rising inductive top), a planar
// (flat within 2 %, resistive), and a multi-driver IEM (a measured table with a deep minimum, down to a fifth of its
// nominal impedance at 2-6 kHz, and phase swings of up to +-45 degrees at the crossovers). Seeded as make_synthetic.
[[nodiscard]] std::vector<headphone> with_realistic_curves(const std::vector<headphone>& headphones, std::uint64_t seed);

}  // namespace headroom::batch
