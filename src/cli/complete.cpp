#include "complete.hpp"

#include "catalog_select.hpp"
#include "recommend.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string_view>

namespace headroom::cli {

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (prefix.size() > text.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

// Catalog names for the flags that take them; nothing (the shell then completes file names) for the rest.
std::vector<std::string> values_for(const std::string& flag, const std::vector<std::string>& words) {
    std::string dir;  // a --catalog-dir earlier on the line
    for (std::size_t k = 0; k + 1 < words.size(); ++k)
        if (words[k] == "--catalog-dir") dir = words[k + 1];
    std::vector<std::string> names;
    try {
        if (flag == "--headphone")
            for (const auto& h : headphone_catalog(dir)) names.push_back(h.name());
        if (flag == "--amp")
            for (const auto& a : amplifier_catalog(dir)) names.push_back(a.name);
        if (flag == "--connector")
            for (const auto& a : amplifier_catalog(dir))
                for (const auto& o : a.outputs)
                    if (!o.connector.empty()) names.push_back(o.connector);
        if (flag == "--kind") names = kind_names();
        if (flag == "--precision") names = {"float", "double"};
    } catch (const std::exception&) {
        // A catalog that does not load completes nothing; the command itself will say why.
    }
    return names;
}

}  // namespace

void complete(CLI::App& app, const std::vector<std::string>& words, std::ostream& out) {
    if (words.empty()) return;
    std::string current = words.back();
    if (!current.empty() && (current.front() == '"' || current.front() == '\'')) current.erase(0, 1);
    // Walk down the subcommands named so far.
    CLI::App* at = &app;
    for (std::size_t k = 0; k + 1 < words.size(); ++k) {
        const auto subs = at->get_subcommands([&](CLI::App* s) { return s->get_name() == words[k]; });
        if (!subs.empty()) at = subs.front();
    }
    std::vector<std::string> candidates;
    const std::string previous = words.size() >= 2 ? words[words.size() - 2] : std::string{};
    const auto takes_value = [&](const std::string& name) {
        const auto opts = at->get_options([&](CLI::Option* o) { return o->check_lname(name.substr(2)) && o->get_expected_min() > 0; });
        return !opts.empty();
    };
    if (previous.rfind("--", 0) == 0 && takes_value(previous)) {
        candidates = values_for(previous, words);
    } else if (!current.empty() && current.front() == '-') {
        for (const CLI::Option* o : at->get_options())
            for (const auto& n : o->get_lnames()) candidates.push_back("--" + n);
        candidates.emplace_back("--help");
    } else {
        for (const CLI::App* s : at->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); }))
            candidates.push_back(s->get_name());
        if (at->get_name() == "catalog") candidates.insert(candidates.end(), {"headphones", "amps"});
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (const auto& c : candidates)
        if (starts_with_ignoring_case(c, current)) out << c << '\n';
}

}  // namespace headroom::cli
