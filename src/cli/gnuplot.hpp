#pragma once

// Running gnuplot: found on PATH and started with an argument vector (posix_spawn, never a shell), the script on
// its standard input from a private, already unlinked file, its messages in another, and the image read from its
// standard output into an output_file. The destination's name never appears in the script.

#include "output_file.hpp"

#include <string>

namespace headroom::cli {

// Runs gnuplot on `script` and writes what it draws to `image`, without committing it: when gnuplot fails, is
// killed or draws nothing, this throws and the caller's destination keeps its old content. A signal that ends the
// command ends gnuplot too (signal_cleanup.hpp).
//
// Throws usage_error when gnuplot is not on PATH, output_error when the image cannot be written or gnuplot fails
// ("gnuplot failed: <its first message>").
void run_gnuplot(const std::string& script, output_file& image);

}  // namespace headroom::cli
