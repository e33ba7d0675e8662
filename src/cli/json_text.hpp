#pragma once

// JSON text for standard output that cannot throw half-way: strings from catalogs are UTF-8 (the loader checks),
// but file names and folders given on the command line need not be, and nlohmann's dump() throws on such bytes
// by default. Here they become U+FFFD; control characters are escaped as JSON escapes them.

#include <nlohmann/json.hpp>

#include <string>

namespace headroom::cli {

template <class Json>
[[nodiscard]] std::string json_text(const Json& j) {
    return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace headroom::cli
