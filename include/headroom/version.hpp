#pragma once

// The one place the version lives; CMake reads it from here.
#define HEADROOM_VERSION_MAJOR 0
#define HEADROOM_VERSION_MINOR 1
#define HEADROOM_VERSION_PATCH 0
#define HEADROOM_VERSION_STRING "0.1.0"
