#pragma once

// The JSON of a batch sweep (`sweep --json`, the Python module's sweep results), apart from json.hpp: only the faces
// that link the batch engine (the command line, the Python module) need it; the web page does not. Compiled in
// headroom::frontend_batch (src/frontend/).

#include "headroom/batch/sweep.hpp"
#include "headroom/frontend/json.hpp"

#include <optional>

namespace headroom::frontend {

// ---- a catalog sweep (`sweep --json`) -------------------------------------------------------------------------

// The statistics of a batch sweep: sizes, time, threads, path, precision, the programme and threshold,
// headroom_db {min, mean, max}, above_threshold(_fraction) and binding counts per limit. cpu_seconds (with
// pairs_per_cpu_second) where the caller measured it.
[[nodiscard]] ojson sweep_json(const batch::sweep_result& r, bool single_precision, double seconds,
                               std::optional<double> cpu_seconds = std::nullopt);

}  // namespace headroom::frontend
