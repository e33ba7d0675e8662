#pragma once

// Catalog gear by the names people type: exact ignoring case, and on a miss a refusal that lists the nearest names
// ("no headphone 'HD 600'; did you mean 'Sennheiser HD600'?"). An output may also be named by its kind
// ("balanced", "se") or its connector ("4.4mm") where that picks one. Compiled in headroom::frontend.

#include "headroom/catalog.hpp"
#include "headroom/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::frontend {

// A name the catalog does not hold: what() lists the nearest names; kind() is "headphone", "amplifier", "output" or
// "setting", "attenuator".
class unknown_name : public error {
public:
    unknown_name(std::string kind, const std::string& message) : error{message}, kind_{std::move(kind)} {}
    [[nodiscard]] const std::string& kind() const noexcept { return kind_; }

private:
    std::string kind_;
};

[[nodiscard]] const headphone_entry& find_headphone(const std::vector<headphone_entry>& catalog, std::string_view name);
[[nodiscard]] const amplifier_entry& find_amplifier(const std::vector<amplifier_entry>& catalog, std::string_view name);
[[nodiscard]] const attenuator_entry& find_attenuator(const std::vector<attenuator_entry>& catalog, std::string_view name);
// An amplifier's output by name, kind or connector; empty: its only output.
[[nodiscard]] const amplifier_output& find_output(const amplifier_entry& amp, std::string_view name);
// An output's setting by name; empty: its only setting.
[[nodiscard]] const output_setting& find_setting(const amplifier_output& output, std::string_view name);

// Names from `names` close to `query`, best first, at most `limit` of them (by substring and edit distance).
[[nodiscard]] std::vector<std::string> near_names(const std::vector<std::string>& names, std::string_view query, std::size_t limit = 5);

}  // namespace headroom::frontend
