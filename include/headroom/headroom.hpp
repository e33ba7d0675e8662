#pragma once

// Everything: the typed model (units, decibels, sensitivity, headphone, output stage, analysis, parsing).
// Include the individual headers to pay only for what you use.

#include "headroom/analysis.hpp"
#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/headphone.hpp"
#include "headroom/literals.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/parse.hpp"
#include "headroom/sensitivity.hpp"
#include "headroom/units.hpp"
#include "headroom/version.hpp"
