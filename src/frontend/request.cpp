// From a face's request to the model (headroom/frontend/request.hpp).

#include "headroom/frontend/request.hpp"

#include "headroom/frontend/lookup.hpp"
#include "headroom/io.hpp"
#include "headroom/recommend.hpp"

#include <algorithm>
#include <string_view>

namespace headroom::frontend {

namespace {

using fields::request_field;

[[noreturn]] void fail(request_field f, face from, const std::string& problem) { throw input_error{key_of(f, from), problem}; }

// Runs a look-up or a reader, naming the request field in its error.
template <class Get>
decltype(auto) named(request_field f, face from, Get get) {
    try {
        return get();
    } catch (const input_error&) {
        throw;
    } catch (const error& e) {
        fail(f, from, e.what());
    }
}

template <class Enum, std::size_t N>
std::string stated_keys(const fields::values<Enum>& v, const std::array<fields::field, N>& rows, face from) {
    std::string keys;
    for (std::size_t k = 0; k < N; ++k)
        if (v.has(static_cast<Enum>(k))) keys += (keys.empty() ? "" : ", ") + std::string{rows[k].name(from)};
    return keys;
}

std::optional<impedance_curve> curve_of(const gear_request& r) {
    if (!r.curve_file.empty() && !r.driver.empty())
        fail(request_field::driver, r.from, "and " + key_of(request_field::curve, r.from) + " exclude each other: give one");
    if (!r.curve_file.empty())
        return named(request_field::curve, r.from, [&] { return load_impedance_curve(r.curve_file); });
    if (!r.driver.empty())
        return named(request_field::driver, r.from, [&] { return impedance_curve::driver(parse_driver_model(r.driver), r.driver); });
    return std::nullopt;
}

// Of a catalog amplifier: the options the request names.
std::vector<output_option> catalog_options(const gear_request& r, const headphone& hp, const std::vector<amplifier_entry>& amps,
                                           const attenuator* att) {
    if (!r.amp_figures.empty())
        fail(request_field::amp, r.from, "names a catalog amplifier: leave out the figures (" +
                                             stated_keys(r.amp_figures, fields::output_rows, r.from) + ")");
    if (r.balanced) fail(request_field::balanced, r.from, "describes typed-in figures, not a catalog amplifier's output");
    if (!r.gain_settings.empty()) fail(request_field::setting, r.from, "names one of the catalog amplifier's settings");
    const amplifier_entry& a = named(request_field::amp, r.from, [&]() -> const amplifier_entry& { return find_amplifier(amps, r.amp); });
    const amplifier_output* only = nullptr;
    if (!r.output.empty()) only = &named(request_field::output, r.from, [&]() -> const amplifier_output& { return find_output(a, r.output); });
    if (r.bridge == bridging::also) fail(request_field::bridge, r.from, "applies to typed-in figures of a single-ended leg");
    if (r.bridge == bridging::only) {
        // A catalog device's balanced figures are its own, never derived from its single-ended ones.
        const amplifier_output* balanced = only != nullptr ? only : a.balanced_output();
        if (only != nullptr && only->kind != topology::balanced)
            fail(request_field::bridge, r.from,
                 "'" + only->name + "' is single-ended, and a catalog device's balanced figures are its own, never derived" +
                     (a.balanced_output() != nullptr ? ": use " + key_of(request_field::output, r.from) + " '" + a.balanced_output()->name + "'"
                                                     : std::string{": it has no balanced output"}));
        if (balanced == nullptr)
            fail(request_field::bridge, r.from,
                 "'" + a.name + "' has no balanced output, and a catalog device's is never derived from its single-ended figures");
        only = balanced;
    }
    std::vector<output_option> options = headroom::options_of(a, hp, only, att);
    if (r.setting.empty()) return options;
    if (only == nullptr) only = &named(request_field::output, r.from, [&]() -> const amplifier_output& { return find_output(a, ""); });
    const output_setting& s = named(request_field::setting, r.from, [&]() -> const output_setting& { return find_setting(*only, r.setting); });
    for (const auto& o : options)
        if (o.output == only->name && o.gain_setting == s.gain_name) return {o};
    const auto used = std::find_if(options.begin(), options.end(), [&](const output_option& o) { return o.output == only->name; });
    fail(request_field::setting, r.from,
         "'" + s.gain_name + "' is a mode '" + a.name + "' selects itself from the load, and into this headphone it uses '" +
             (used != options.end() ? used->gain_setting : std::string{}) + "': leave " + key_of(request_field::setting, r.from) + " out");
}

// Of typed-in figures: one option, or one per typed-in setting, and the bridge the request asks for.
std::vector<output_option> typed_options(const gear_request& r) {
    if (!r.output.empty()) fail(request_field::output, r.from, "names an output of a catalog amplifier: give " + key_of(request_field::amp, r.from));
    if (!r.setting.empty()) fail(request_field::setting, r.from, "names a setting of a catalog amplifier: give " + key_of(request_field::amp, r.from));
    const fields::output_figures base = fields::read_output(r.amp_figures, r.from);
    const topology kind = r.balanced ? topology::balanced : topology::single_ended;
    if (r.balanced && r.bridge != bridging::none)
        fail(request_field::bridge, r.from, "bridges a single-ended leg; these figures already describe a balanced output");
    const std::string output_name = r.balanced ? "balanced" : "single-ended";
    std::vector<output_option> options;
    if (r.gain_settings.empty()) {
        options.push_back({output_name, "", fields::make_output_stage(base, kind, "amplifier output", r.from)});
    } else {
        const auto& gain_row = fields::output_rows[fields::at(fields::output_field::gain)];
        if (!base.source_level)
            fail(request_field::setting, r.from,
                 "settings need the source's full-scale level they follow (" +
                     std::string{fields::output_rows[fields::at(fields::output_field::source_level)].name(r.from)} + ")");
        if (base.amplifier_gain)
            throw input_error{std::string{gain_row.name(r.from)}, "is given twice: as a gain and as settings"};
        for (std::size_t k = 0; k < r.gain_settings.size(); ++k) {
            const auto& [name, g] = r.gain_settings[k];
            for (std::size_t q = 0; q < k; ++q)
                if (detail::lower(r.gain_settings[q].first) == detail::lower(name))
                    fail(request_field::setting, r.from, "the setting '" + name + "' is given twice");
            fields::output_values one;
            one.set(fields::output_field::gain, g);
            const fields::output_figures setting = fields::overlay(base, fields::read_output(one, r.from));
            options.push_back({output_name, name, fields::make_output_stage(setting, kind, "amplifier output", r.from)});
        }
    }
    if (r.bridge == bridging::none) return options;
    std::vector<output_option> bridged;
    for (const auto& o : options)
        bridged.push_back({"balanced (bridged)", o.gain_setting,
                           fields::checked(r.from, key_of(request_field::bridge, r.from), [&] { return bridge(o.stage); }), o.kind});
    if (r.bridge == bridging::only) return bridged;
    options.insert(options.end(), bridged.begin(), bridged.end());
    return options;
}

}  // namespace

std::string key_of(fields::request_field f, face from) { return std::string{fields::request_rows[fields::at(f)].name(from)}; }

bool names_amplifier(const gear_request& r) { return !r.amp.empty() || !r.amp_figures.empty() || !r.gain_settings.empty(); }

headphone headphone_of(const gear_request& r, const std::vector<headphone_entry>& catalog) {
    std::optional<impedance_curve> curve = curve_of(r);
    if (!r.headphone.empty()) {
        if (!r.headphone_figures.empty())
            fail(request_field::headphone, r.from, "names a catalog headphone: leave out the figures (" +
                                                       stated_keys(r.headphone_figures, fields::headphone_rows, r.from) + ")");
        headphone hp = named(request_field::headphone, r.from, [&] { return find_headphone(catalog, r.headphone).model; });
        return curve ? hp.with_curve(std::move(*curve)) : hp;
    }
    if (r.headphone_figures.empty()) {
        const auto& z = fields::headphone_rows[fields::at(fields::headphone_field::impedance)];
        const auto& s = fields::headphone_rows[fields::at(fields::headphone_field::sensitivity)];
        throw input_error{std::string{z.name(r.from)}, "state the headphone: " + std::string{z.name(r.from)} + " and " + std::string{s.name(r.from)} +
                                                          ", or " + key_of(request_field::headphone, r.from) + " with a name from the catalog"};
    }
    return fields::make_headphone(r.headphone_figures, r.from, "headphone", std::move(curve));
}

std::vector<output_option> options_of(const gear_request& r, const headphone& hp, const std::vector<amplifier_entry>& amps,
                                      const attenuator* att) {
    if (!r.amp.empty()) return catalog_options(r, hp, amps, att);
    return typed_options(r);
}

std::optional<programme> programme_of(const gear_request& r) { return fields::make_programme(r.programme, r.from); }

std::optional<headroom::attenuator> attenuator_of(const gear_request& r, const std::vector<attenuator_entry>& catalog) {
    if (!r.attenuator_name.empty()) {
        if (!r.attenuator_figures.empty())
            fail(request_field::attenuator, r.from, "names a catalog attenuator: leave out the resistors (" +
                                                        stated_keys(r.attenuator_figures, fields::attenuator_rows, r.from) + ")");
        return named(request_field::attenuator, r.from, [&] { return find_attenuator(catalog, r.attenuator_name).model; });
    }
    return fields::make_attenuator(r.attenuator_figures, r.from, "attenuator");
}

std::optional<parametric_eq> eq_of(const gear_request& r) {
    if (!r.eq_file.empty() && !r.eq_text.empty()) fail(request_field::eq, r.from, "is given both as a file and as text: give one");
    if (!r.eq_file.empty()) return named(request_field::eq, r.from, [&] { return load_parametric_eq(r.eq_file); });
    if (r.eq_text.empty()) return std::nullopt;
    return named(request_field::eq, r.from, [&] { return read_parametric_eq(r.eq_text, r.eq_name.empty() ? "EQ" : r.eq_name); });
}

}  // namespace headroom::frontend
