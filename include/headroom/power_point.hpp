#pragma once

// One line of a spec sheet's power table: "1.2 W into 32 ohm". Makers state output power this way rather than as
// the limits of the output stage; fit.hpp turns a few of these points back into V_oc, I_max and P_max.

#include "headroom/units.hpp"

namespace headroom {

struct power_point {
    power output;   // continuous sine power, RMS
    impedance load; // the resistive load it was stated or measured into
};

}  // namespace headroom
