#include "catalog_select.hpp"

#include "commands.hpp"
#include "headroom/parse.hpp"

#include <map>
#include <string_view>
#include <system_error>

#ifndef HEADROOM_DATA_DIR
#define HEADROOM_DATA_DIR ""
#endif
#ifndef HEADROOM_INSTALLED_DATA_DIR
#define HEADROOM_INSTALLED_DATA_DIR ""
#endif
#ifndef HEADROOM_DATA_FROM_BIN
#define HEADROOM_DATA_FROM_BIN ""
#endif

namespace headroom::cli {

namespace {

bool has_catalog(const std::filesystem::path& dir) {
    std::error_code ec;
    return !dir.empty() && std::filesystem::is_regular_file(dir / "amplifiers.json", ec) &&
           std::filesystem::is_regular_file(dir / "headphones.json", ec);
}

// The installed catalog relative to the running executable (Linux: /proc/self/exe), so that an install tree
// that has been moved or copied still finds its own data; empty where that cannot be known.
std::filesystem::path beside_executable() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec || std::string_view{HEADROOM_DATA_FROM_BIN}.empty()) return {};
    return (exe.parent_path() / HEADROOM_DATA_FROM_BIN).lexically_normal();
}

}  // namespace

std::filesystem::path catalog_dir(const std::string& flag) {
    if (!flag.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(flag, ec)) throw usage_error{"--catalog-dir: '" + flag + "' is not a folder"};
        return flag;
    }
    // An installed command's own data first; then the source tree, so that edits to data/ take effect in a
    // build without installing; then the configured prefix.
    const std::filesystem::path beside = beside_executable();
    for (const std::filesystem::path& dir : {beside, std::filesystem::path{HEADROOM_DATA_DIR}, std::filesystem::path{HEADROOM_INSTALLED_DATA_DIR}})
        if (has_catalog(dir)) return dir;
    throw usage_error{"the bundled catalog is not in " + (beside.empty() ? std::string{} : beside.string() + ", ") +
                      HEADROOM_DATA_DIR " nor " HEADROOM_INSTALLED_DATA_DIR
                      ": point --catalog-dir at a folder with headphones.json and amplifiers.json"};
}

namespace {

std::string folded_name(std::string_view s) {
    std::string out{s};
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// Appends the entries of the user's own files, refusing a name that is already in an earlier file.
template <class Entry, class NameOf, class ListOf>
void merge_own(std::vector<Entry>& list, const std::string& list_file, const std::vector<std::string>& own, NameOf name_of,
               ListOf list_of, const char* what) {
    if (own.empty()) return;
    std::map<std::string, std::string> seen;  // folded name -> the file it came from
    for (const auto& e : list) seen.emplace(folded_name(name_of(e)), list_file);
    for (const auto& file : own) {
        catalog_file c;
        try {
            c = load_catalog_file(file);
        } catch (const catalog_error& e) {
            throw usage_error{std::string{"--own-catalog "} + e.what()};
        }
        for (auto& e : list_of(c)) {
            const auto [at, fresh] = seen.emplace(folded_name(name_of(e)), file);
            if (!fresh)
                throw usage_error{"--own-catalog " + file + ": " + what + " '" + name_of(e) + "' is also in " + at->second +
                                  " (names are unique, ignoring case): rename one of them"};
            // Whatever the file says, these are the user's figures: shown and reported as such.
            e.basis = figure_basis::own;
            list.push_back(std::move(e));
        }
    }
}

}  // namespace

CLI::Option* add_own_flag(CLI::App& app, std::vector<std::string>& own) {
    return app.add_option("--own-catalog", own,
                          "Your own catalog file (headphones, amplifiers or both; `catalog import --add` writes one), merged with "
                          "the catalog; repeatable")
        ->check(non_empty);
}

std::vector<headphone_entry> headphone_catalog(const catalog_files& files) {
    auto list = headphone_catalog(files.dir);
    merge_own(list, (catalog_dir(files.dir) / "headphones.json").string(), files.own,
              [](const headphone_entry& h) -> const std::string& { return h.name(); },
              [](catalog_file& c) -> std::vector<headphone_entry>& { return c.headphones; }, "headphone");
    return list;
}

std::vector<amplifier_entry> amplifier_catalog(const catalog_files& files) {
    auto list = amplifier_catalog(files.dir);
    merge_own(list, (catalog_dir(files.dir) / "amplifiers.json").string(), files.own,
              [](const amplifier_entry& a) -> const std::string& { return a.name; },
              [](catalog_file& c) -> std::vector<amplifier_entry>& { return c.amplifiers; }, "amplifier");
    return list;
}

std::vector<headphone_entry> headphone_catalog(const std::string& dir_flag) {
    try {
        return load_headphone_catalog(catalog_dir(dir_flag) / "headphones.json");
    } catch (const catalog_error& e) {
        throw usage_error{e.what()};
    }
}

std::vector<amplifier_entry> amplifier_catalog(const std::string& dir_flag) {
    try {
        return load_amplifier_catalog(catalog_dir(dir_flag) / "amplifiers.json");
    } catch (const catalog_error& e) {
        throw usage_error{e.what()};
    }
}

std::vector<attenuator_entry> attenuator_catalog(const std::string& dir_flag) {
    const std::filesystem::path file = catalog_dir(dir_flag) / "attenuators.json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return {};
    try {
        return load_attenuator_catalog(file);
    } catch (const catalog_error& e) {
        throw usage_error{e.what()};
    }
}

sweep_catalog load_sweep_catalog(const std::string& amps_file, const std::string& headphones_file, const gear_selection& selection,
                                 const std::vector<std::string>& own) {
    const auto file = [](const std::string& given, const char* name) {
        return given.empty() ? catalog_dir("") / name : std::filesystem::path{given};
    };
    sweep_catalog c;
    try {
        auto amps = load_amplifier_catalog(file(amps_file, "amplifiers.json"));
        auto headphones = load_headphone_catalog(file(headphones_file, "headphones.json"));
        merge_own(amps, file(amps_file, "amplifiers.json").string(), own, [](const amplifier_entry& a) -> const std::string& { return a.name; },
                  [](catalog_file& f) -> std::vector<amplifier_entry>& { return f.amplifiers; }, "amplifier");
        merge_own(headphones, file(headphones_file, "headphones.json").string(), own,
                  [](const headphone_entry& h) -> const std::string& { return h.name(); },
                  [](catalog_file& f) -> std::vector<headphone_entry>& { return f.headphones; }, "headphone");
        if (amps.empty()) throw usage_error{"--amps: the catalog lists no amplifiers"};
        if (headphones.empty()) throw usage_error{"--headphones: the catalog lists no headphones"};
        c.gear = select_gear(std::move(headphones), std::move(amps), selection);
    } catch (const catalog_error& e) {
        throw usage_error{e.what()};
    }
    for (const auto& a : c.gear.amps)
        for (const auto& o : a.outputs)
            for (const auto& s : o.settings) {
                c.outputs.push_back(s.stage);
                c.output_names.push_back({a.name, o.name, s.gain_name});
                batch::load_band band;
                if (s.kind == setting_kind::load_sensed) {
                    if (s.load_min) band.min_ohm = value_in(*s.load_min, ohm);
                    if (s.load_max) band.max_ohm = value_in(*s.load_max, ohm);
                }
                c.loads.push_back(band);
            }
    for (const auto& h : c.gear.headphones) c.headphones.push_back(h.model);
    return c;
}

}  // namespace headroom::cli
