#pragma once

// Shell completion: `headroom __complete WORD...` prints the candidates for the last word, one per line, from the
// command's own flag tree and the catalog's names, so the bash script (completions/headroom) never goes stale.

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace headroom::cli {

// The words after "headroom", the last being the one to complete (possibly empty).
void complete(CLI::App& app, const std::vector<std::string>& words, std::ostream& out);

}  // namespace headroom::cli
