#pragma once

// A request as every face makes it: the headphone, the amplifier and the programme the user named or typed in, in the
// face's own spelling; and the one way from it to the model objects (a headphone, the options an amplifier gives it,
// a programme, an EQ). The command line fills one from its flags, the web page from its JSON and links, the Python
// module from its keywords; the fields table (headroom/fields.hpp) spells each field for each face, the model's
// constructors decide what is valid, and an error names the field as the face that took it spells it.

#include "headroom/catalog.hpp"
#include "headroom/compare.hpp"
#include "headroom/eq.hpp"
#include "headroom/fields.hpp"
#include "headroom/impedance_curve.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace headroom::frontend {

// What to do with typed-in figures of a single-ended leg.
enum class bridging : std::uint8_t {
    none,
    only,  // analyse the bridged (balanced) output the leg makes (the command line's --bridge)
    also,  // analyse the leg and its bridge side by side (the web page)
};

struct gear_request {
    face from = face::command_line;

    // A headphone from the catalog by name, or its figures.
    std::string headphone;
    fields::headphone_values headphone_figures;
    std::string curve_file, driver;  // an impedance curve for it (a CSV file or a driver model), replacing its own

    // An amplifier from the catalog by name (an output and a setting of it, or every one), or its figures.
    std::string amp, output, setting;
    fields::output_values amp_figures;
    std::vector<std::pair<std::string, fields::given>> gain_settings;  // typed-in settings: name and gain after the source
    bool balanced = false;                                             // the figures describe a balanced output
    bridging bridge = bridging::none;

    fields::programme_values programme;
    std::string eq_file, eq_text, eq_name;  // an EQ from a file, or its text (named eq_name in messages)

    // An attenuator or adapter between the output and the headphone: from the catalog by name, or its resistors.
    std::string attenuator_name;
    fields::attenuator_values attenuator_figures;
};

// The spelling of a request field for the face.
[[nodiscard]] std::string key_of(fields::request_field f, face from);

// Whether the request names an amplifier at all (by name or by any figure).
[[nodiscard]] bool names_amplifier(const gear_request& r);

// The headphone: from the catalog, or from its figures; with the request's curve where one is given.
[[nodiscard]] headphone headphone_of(const gear_request& r, const std::vector<headphone_entry>& catalog);

// What the amplifier offers this headphone: every setting of every output (of the output and setting the request
// names, where it names them), of a load-sensed output only the mode the device selects (options_of in
// recommend.hpp); or the typed-in figures, with their settings and bridging. Throws input_error naming the field.
// `att`: the attenuator the options drive the headphone through (a load-sensed mode is the one selected for the load
// the amplifier then sees).
[[nodiscard]] std::vector<output_option> options_of(const gear_request& r, const headphone& hp, const std::vector<amplifier_entry>& amps,
                                                    const attenuator* att = nullptr);

[[nodiscard]] std::optional<programme> programme_of(const gear_request& r);

// The EQ the request gives, if any (an empty or unreadable one is refused, never dropped).
[[nodiscard]] std::optional<parametric_eq> eq_of(const gear_request& r);

// The attenuator the request puts between the output and the headphone, if any: from the catalog, or from its
// resistors (a name and resistors together are refused).
[[nodiscard]] std::optional<headroom::attenuator> attenuator_of(const gear_request& r, const std::vector<attenuator_entry>& catalog);

}  // namespace headroom::frontend
