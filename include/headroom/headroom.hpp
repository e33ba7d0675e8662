#pragma once

// Everything: the typed model (units, decibels, sensitivity, headphone, output stage, analysis, parsing, fitting,
// curves and EQ across frequency) and the batch layer (columns, pack, the sweep engine's interface: link
// headroom::batch to call it). Include the individual headers to pay only for what you use; the catalog loader
// (catalog.hpp, target headroom::catalog) and the fmt formatters (format.hpp) are opt-in.

#include "headroom/analysis.hpp"
#include "headroom/attenuator.hpp"
#include "headroom/decibel.hpp"
#include "headroom/eq.hpp"
#include "headroom/error.hpp"
#include "headroom/fit.hpp"
#include "headroom/headphone.hpp"
#include "headroom/hearing.hpp"
#include "headroom/impedance_curve.hpp"
#include "headroom/literals.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/parse.hpp"
#include "headroom/power_point.hpp"
#include "headroom/response.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"
#include "headroom/version.hpp"

#include "headroom/batch/columns.hpp"
#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
