// Catalog look-ups by the names people type (headroom/frontend/lookup.hpp): exact ignoring case, else a refusal
// that lists the nearest names.

#include "headroom/frontend/lookup.hpp"

#include "headroom/parse.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace headroom::frontend {

namespace {

using detail::lower;

std::string quoted_list(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
    return s;
}

// Lower-case letters and digits only, so that "HD 600", "hd-600" and "HD600" compare equal.
std::string folded(std::string_view s) {
    std::string out;
    for (unsigned char c : s)
        if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

template <class Item, class NameOf>
const Item& find_named(const std::vector<Item>& items, std::string_view query, NameOf name_of, const std::string& what,
                       const std::string& kind) {
    const std::string q = lower(query);
    for (const auto& item : items)
        if (lower(name_of(item)) == q) return item;
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const auto& item : items) names.push_back(name_of(item));
    const auto near = near_names(names, query);
    std::string message = "no " + what + " '" + std::string{query} + "'";
    if (!near.empty())
        message += "; did you mean " + quoted_list(near) + "?";
    else if (names.size() <= 8)
        message += " (choices: " + quoted_list(names) + ")";
    throw unknown_name{kind, message};
}

}  // namespace

std::vector<std::string> near_names(const std::vector<std::string>& names, std::string_view query, std::size_t limit) {
    const std::string q = folded(query);
    struct scored {
        bool contains;
        std::size_t distance;
        const std::string* name;
    };
    std::vector<scored> found;
    for (const auto& n : names) {
        const std::string f = folded(n);
        const bool contains = !q.empty() && (f.find(q) != std::string::npos || (!f.empty() && q.find(f) != std::string::npos));
        // A part of the name ("HD600" for "Sennheiser HD600") matches as a substring; typos in the whole name
        // ("Sennhiser HD600") by edit distance, and typos in a part ("Sundra" for "HIFIMAN Sundara") by the
        // closest stretch of the name about as long as the query.
        const std::size_t whole = edit_distance(q, f);
        std::size_t part = whole;
        if (q.size() >= 4)
            for (std::size_t len = q.size() - 1; len <= q.size() + 1; ++len)
                for (std::size_t at = 0; at + len <= f.size(); ++at) part = std::min(part, edit_distance(q, f.substr(at, len)));
        const bool typo = whole <= std::max<std::size_t>(2, q.size() / 3) || part <= std::max<std::size_t>(1, q.size() / 5);
        if (contains || typo) found.push_back({contains, std::min(whole, part), &n});
    }
    std::stable_sort(found.begin(), found.end(), [](const scored& a, const scored& b) {
        if (a.contains != b.contains) return a.contains;
        return a.distance < b.distance;
    });
    std::vector<std::string> out;
    for (std::size_t k = 0; k < found.size() && k < limit; ++k) out.push_back(*found[k].name);
    return out;
}

const headphone_entry& find_headphone(const std::vector<headphone_entry>& catalog, std::string_view name) {
    return find_named(catalog, name, [](const headphone_entry& h) -> const std::string& { return h.name(); }, "headphone", "headphone");
}

const amplifier_entry& find_amplifier(const std::vector<amplifier_entry>& catalog, std::string_view name) {
    return find_named(catalog, name, [](const amplifier_entry& a) -> const std::string& { return a.name; }, "amplifier", "amplifier");
}

const attenuator_entry& find_attenuator(const std::vector<attenuator_entry>& catalog, std::string_view name) {
    return find_named(catalog, name, [](const attenuator_entry& a) -> const std::string& { return a.name(); }, "attenuator", "attenuator");
}

const amplifier_output& find_output(const amplifier_entry& amp, std::string_view output_name) {
    const auto& outputs = amp.outputs;
    const std::string& name = amp.name;
    std::vector<std::string> names;
    for (const auto& o : outputs) names.push_back(o.name);
    if (output_name.empty()) {
        if (outputs.size() == 1) return outputs.front();
        throw unknown_name{"output", "amplifier '" + name + "' has several outputs: choose one of " + quoted_list(names)};
    }
    const std::string q = lower(detail::trim(output_name));
    for (const auto& o : outputs)
        if (lower(o.name) == q) return o;
    // Users type the kind of jack, not the catalog's name for it.
    std::optional<topology> kind;
    if (q == "balanced" || q == "bal" || q == "bridged") kind = topology::balanced;
    if (q == "single-ended" || q == "single_ended" || q == "single ended" || q == "se" || q == "unbalanced") kind = topology::single_ended;
    // Or the connector ("4.4mm").
    std::vector<const amplifier_output*> by_connector;
    for (const auto& o : outputs)
        if (!o.connector.empty() && lower(o.connector) == q) by_connector.push_back(&o);
    if (by_connector.size() == 1) return *by_connector.front();
    if (kind) {
        std::vector<const amplifier_output*> of_kind;
        for (const auto& o : outputs)
            if (o.kind == *kind) of_kind.push_back(&o);
        if (of_kind.size() == 1) return *of_kind.front();
        if (of_kind.empty())
            throw unknown_name{"output", "amplifier '" + name + "' has no " + std::string{to_string(*kind)} + " output (outputs: " +
                                             quoted_list(names) + ")"};
        std::vector<std::string> same;
        for (const auto* o : of_kind) same.push_back(o->name);
        throw unknown_name{"output", "amplifier '" + name + "' has several " + std::string{to_string(*kind)} +
                                         " outputs: choose one of " + quoted_list(same)};
    }
    return find_named(outputs, output_name, [](const amplifier_output& o) -> const std::string& { return o.name; },
                      "output of '" + name + "' named", "output");
}

const output_setting& find_setting(const amplifier_output& output, std::string_view gain_name) {
    const auto& settings = output.settings;
    const std::string& name = output.name;
    if (gain_name.empty()) {
        if (settings.size() == 1) return settings.front();
        std::vector<std::string> names;
        for (const auto& s : settings) names.push_back(s.gain_name);
        throw unknown_name{"setting", "output '" + name + "' has settings: choose one of " + quoted_list(names)};
    }
    if (settings.size() == 1 && settings.front().gain_name.empty())
        throw unknown_name{"setting", "output '" + name + "' has no settings to choose from: leave the setting out"};
    return find_named(settings, gain_name, [](const output_setting& s) -> const std::string& { return s.gain_name; },
                      "setting of output '" + name + "' named", "setting");
}

}  // namespace headroom::frontend
