#include "gear_flags.hpp"

#include "catalog_select.hpp"
#include "commands.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom::cli {

namespace {

using fields::at;
using fields::request_field;

std::string flag_of(request_field f) { return frontend::key_of(f, face::command_line); }

}  // namespace

void add_gear_flags(CLI::App& app, gear_flags& f, gear_scope scope) {
    std::vector<CLI::Option*> given;  // flags whose empty value would silently mean "not given"
    auto* headphone = app.add_option(flag_of(request_field::headphone), f.headphone, std::string{fields::request_rows[at(request_field::headphone)].help});
    given.push_back(headphone);
    for (std::size_t k = 0; k < fields::headphone_rows.size(); ++k) {
        const auto& row = fields::headphone_rows[k];
        if (!scope.headphone_figures && k != at(fields::headphone_field::impedance)) continue;
        auto* o = app.add_option(std::string{row.flag}, f.headphone_figures[k], std::string{row.help});
        given.push_back(o);
        headphone->excludes(o);
    }
    if (scope.amplifier) {
        auto* amp = app.add_option(flag_of(request_field::amp), f.amp,
                                   "An amplifier from the catalog, by name; --output and --gain pick its output and setting");
        given.push_back(amp);
        given.push_back(app.add_option(flag_of(request_field::output), f.output, std::string{fields::request_rows[at(request_field::output)].help})
                            ->needs(amp));
        const auto noise_row = [](std::size_t k) {
            using fields::output_field;
            return k == at(output_field::noise) || k == at(output_field::noise_weighting) || k == at(output_field::snr) ||
                   k == at(output_field::snr_reference) || k == at(output_field::volume);
        };
        for (std::size_t k = 0; k < fields::output_rows.size(); ++k) {
            const auto& row = fields::output_rows[k];
            if (row.flag == flag_of(request_field::setting)) continue;  // --gain: registered below with its two meanings
            if (scope.output_figures == gear_scope::figures::load && noise_row(k)) continue;
            if (scope.output_figures == gear_scope::figures::zout && k != at(fields::output_field::zout)) continue;
            CLI::Option* o = row.kind == fields::value_kind::power_table
                                 ? app.add_option(std::string{row.flag}, f.power, std::string{row.help} + ", repeatable")
                                 : app.add_option(std::string{row.flag}, f.output_figures[k], std::string{row.help});
            given.push_back(o);
            amp->excludes(o);
        }
        given.push_back(app.add_option(flag_of(request_field::setting), f.gain, std::string{fields::request_rows[at(request_field::setting)].help}));
        if (scope.output_figures != gear_scope::figures::zout) {
            auto* balanced = app.add_flag(flag_of(request_field::balanced), f.balanced, std::string{fields::request_rows[at(request_field::balanced)].help});
            amp->excludes(balanced);
            if (scope.bridge)
                app.add_flag(flag_of(request_field::bridge), f.bridge,
                             "The figures describe one SE leg: analyse the bridged output (with --amp: its balanced output)")
                    ->excludes(balanced);
        }
    } else {
        // What a headphone needs is counted behind an output impedance, where one is given.
        const auto& zout = fields::output_rows[at(fields::output_field::zout)];
        given.push_back(app.add_option(std::string{zout.flag}, f.output_figures[at(fields::output_field::zout)],
                                       "An output impedance to size the unloaded swing for (0.5, 0.5ohm)"));
    }
    if (scope.programme) {
        const auto& target_row = fields::programme_rows[at(fields::programme_field::target)];
        const auto& crest_row = fields::programme_rows[at(fields::programme_field::crest)];
        auto* target = app.add_option(std::string{target_row.flag}, f.programme[at(fields::programme_field::target)], std::string{target_row.help});
        if (scope.target_required) target->required();
        given.push_back(target);
        given.push_back(app.add_option(std::string{crest_row.flag}, f.programme[at(fields::programme_field::crest)], std::string{crest_row.help})
                            ->needs(target));
    }
    if (scope.attenuator) {
        auto* by_name = app.add_option(flag_of(request_field::attenuator), f.attenuator, std::string{fields::request_rows[at(request_field::attenuator)].help});
        given.push_back(by_name);
        for (std::size_t k = 0; k < fields::attenuator_rows.size(); ++k) {
            const auto& row = fields::attenuator_rows[k];
            if (!scope.resistor_rating && k == at(fields::attenuator_field::rating)) continue;
            auto* o = app.add_option(std::string{row.flag}, f.attenuator_figures[k], std::string{row.help});
            given.push_back(o);
            by_name->excludes(o);
        }
    }
    given.push_back(app.add_option("--catalog-dir", f.catalog.dir,
                                   "Folder with headphones.json and amplifiers.json (and attenuators.json) (default: the bundled catalog)"));
    add_own_flag(app, f.catalog.own);
    for (auto* o : given) o->check(non_empty);
}

frontend::gear_request request_of(const gear_flags& f, const curve_flags& curves) {
    frontend::gear_request r;
    r.from = face::command_line;
    r.headphone = f.headphone;
    for (std::size_t k = 0; k < fields::headphone_rows.size(); ++k)
        if (!f.headphone_figures[k].empty()) r.headphone_figures.set(static_cast<fields::headphone_field>(k), f.headphone_figures[k]);
    r.amp = f.amp;
    r.output = f.output;
    for (std::size_t k = 0; k < fields::output_rows.size(); ++k)
        if (!f.output_figures[k].empty()) r.amp_figures.set(static_cast<fields::output_field>(k), f.output_figures[k]);
    if (!f.power.empty()) r.amp_figures.set(fields::output_field::power, f.power);
    // --gain names a setting of a catalog amplifier, else it is the gain after --source.
    if (!f.gain.empty()) {
        if (!f.amp.empty())
            r.setting = f.gain;
        else
            r.amp_figures.set(fields::output_field::gain, f.gain);
    }
    r.balanced = f.balanced;
    r.bridge = f.bridge ? frontend::bridging::only : frontend::bridging::none;
    for (std::size_t k = 0; k < fields::programme_rows.size(); ++k)
        if (!f.programme[k].empty()) r.programme.set(static_cast<fields::programme_field>(k), f.programme[k]);
    r.curve_file = curves.impedance_curve;
    r.driver = curves.driver;
    r.eq_file = curves.eq;
    r.attenuator_name = f.attenuator;
    for (std::size_t k = 0; k < fields::attenuator_rows.size(); ++k)
        if (!f.attenuator_figures[k].empty()) r.attenuator_figures.set(static_cast<fields::attenuator_field>(k), f.attenuator_figures[k]);
    return r;
}

std::optional<attenuator> make_attenuator(const frontend::gear_request& r, const std::string& catalog_dir) {
    return frontend::attenuator_of(r, r.attenuator_name.empty() ? std::vector<attenuator_entry>{} : attenuator_catalog(catalog_dir));
}

headphone make_headphone(const frontend::gear_request& r, const catalog_files& catalog) {
    return frontend::headphone_of(r, r.headphone.empty() ? std::vector<headphone_entry>{} : headphone_catalog(catalog));
}

std::vector<output_option> make_options(const frontend::gear_request& r, const headphone& hp, const catalog_files& catalog,
                                        const attenuator* att) {
    return frontend::options_of(r, hp, r.amp.empty() ? std::vector<amplifier_entry>{} : amplifier_catalog(catalog), att);
}

programme programme_flags(const std::string& target, const std::string& crest) {
    fields::programme_values v;
    if (!target.empty()) v.set(fields::programme_field::target, target);
    if (!crest.empty()) v.set(fields::programme_field::crest, crest);
    auto p = fields::make_programme(v, face::command_line);
    if (!p) throw input_error{"--target", "is needed: the programme's average level (85)"};
    return *p;
}

}  // namespace headroom::cli
