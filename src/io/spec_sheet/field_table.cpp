// What a label asks for, and how each figure field's value is read: one table. A label may hold the words of several
// fields ("output power" is not "power handling", "input sensitivity" is no sensitivity), so the rows are tried in
// order and the first that names the label wins. A figure field's row also holds its reader under each reading of
// the text; a figure of the other device is refused there (a headphone's sensitivity in an amplifier's text). A new
// figure field is a value of field_class, a row here and its reader.

#include "parts.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace headroom::spec_detail {
namespace {

// ---- a figure of one device met in the other's text ----------------------------------------------------------------

item_result headphone_power(const line_facts& f, const item& it, const std::vector<segment>& segs) {
    // "Output power (32 Ω)": an amplifier's; "Power: 50 mW" alone is the rating of a headphone.
    if (f.label_words.any({"output", "out"}) || f.label_tag.any() || !f.label_loads.empty() || has_unit(f.value_tokens, is_ohm))
        return refuse("an amplifier's output power in a headphone's text");
    return read_rated_power(f, it, segs);
}

item_result amplifier_figure(const line_facts&, const item&, const std::vector<segment>&) {
    return refuse("an amplifier's figure in a headphone's text");
}

item_result rating_in_amplifier(const line_facts&, const item&, const std::vector<segment>&) {
    return refuse("a headphone's power rating in an amplifier's text");
}

item_result impedance_in_amplifier(const line_facts& f, const item&, const std::vector<segment>&) {
    if (impedance_range(f.value_tokens) || f.label_words.any({"headphone", "headphones", "load", "loads"}))
        return ignore("the loads it suits: not a figure of the amplifier");
    return refuse("an impedance, but whose? for the amplifier's own, label it 'output impedance'");
}

item_result sensitivity_in_amplifier(const line_facts& f, const item&, const std::vector<segment>&) {
    if (has_unit(f.value_tokens, is_voltage) && !has_unit(f.value_tokens, is_db))
        return ignore("an input sensitivity: not a figure of the output");
    return refuse("a headphone's sensitivity in an amplifier's text");
}

// A label made only of a model's name words: "Model", "Name", "Product name", "Model number".
bool names_a_name(const words& w) {
    std::string rest = w.joined;
    for (const std::string_view x : {" model ", " name ", " product ", " number ", " no ", " device ", " full ", " official ",
                                     " / ", " item "}) {
        rest = spaced_out(rest, x);
    }
    return rest.find_first_not_of(' ') == std::string::npos && w.any({"model", "name"});
}

using fc = field_class;

// The rows in the order they are tried.
constexpr std::array<field_row, 20> field_rows{{
    {fc::name, names_a_name},
    {fc::line_output,
     [](const words& w) {
         return w.any({"line-out", "lo", "preout", "pre-out", "subwoofer"}) ||
                w.any({"line output", "line out", "line level", "line outputs", "coaxial output", "optical output", "digital output",
                       "rca output", "preamp output", "pre output"});
     }},
    {fc::recommended,
     [](const words& w) {
         return w.any({"recommended", "suitable", "applicable", "compatible", "adaptive", "supported", "load", "loads", "drives"}) &&
                w.any({"impedance", "impedances", "headphone", "headphones", "range", "load", "loads"});
     }},
    {fc::input, [](const words& w) { return w.has("input") && !w.has("power"); }},
    {fc::other,  // the power supply and the wireless side
     [](const words& w) {
         return w.any({"supply", "consumption", "adapter", "charging", "charge", "battery", "playback", "playtime", "standby", "usb",
                       "bluetooth", "wifi", "wi-fi", "wireless", "codec", "codecs", "ldac", "aptx", "dc", "ac", "endurance", "runtime"});
     }},
    {fc::snr,
     [](const words& w) {
         return w.any({"snr", "s/n", "sn", "dnr", "dr", "signal-to-noise", "signal/noise"}) ||
                w.any({"s n", "s n ratio", "signal to noise", "signal noise", "dynamic range"});
     },
     read_snr, amplifier_figure},
    {fc::noise,
     [](const words& w) {
         return w.any({"noise", "hiss"}) && !w.any({"cancelling", "canceling", "cancellation", "reduction", "isolation", "anc"});
     },
     read_noise, amplifier_figure},
    {fc::damping, [](const words& w) { return w.has("damping"); }, read_damping, amplifier_figure},
    {fc::zout,
     [](const words& w) {
         return w.any({"zout", "z-out"}) ||
                w.any({"output impedance", "output resistance", "z out", "output z", "source impedance"}) ||
                (w.any({"impedance", "resistance"}) && w.any({"output", "out"}));
     },
     read_zout, amplifier_figure},
    {fc::other, [](const words& w) { return w.any({"max", "maximum", "peak", "max."}) && w.has("spl"); }},  // no sensitivity
    {fc::sensitivity,
     [](const words& w) { return (w.has("pressure") && w.has("sound")) || w.any({"sensitivity", "spl", "efficiency"}); },
     sensitivity_in_amplifier, read_sensitivity},
    {fc::other,  // figures the catalog does not hold, unless a held one is named beside them
     [](const words& w) {
         return w.any({"thd", "thd+n", "distortion", "imd", "crosstalk", "separation", "frequency", "response", "bandwidth", "sample",
                       "sampling", "bit", "bits", "dsd", "pcm", "chip", "chips", "chipset", "dac", "decoding", "decoder", "soc", "cpu",
                       "processor", "ram", "memory", "storage", "rom", "screen", "display", "resolution", "os", "system", "firmware",
                       "weight", "weighs", "dimension", "dimensions", "size", "length", "cable", "plug", "wire", "color", "colour",
                       "colors", "material", "materials", "housing", "shell", "price", "msrp", "warranty", "accessories", "volume",
                       "steps", "jitter", "clock", "phase", "slew", "rise", "balance", "temperature", "humidity", "time", "hours",
                       "diaphragm", "magnet", "coil", "mic", "microphone", "isolation", "attenuation", "deviation", "filter", "filters",
                       "eq", "peq", "mqa", "app", "remote", "knob", "button", "buttons", "led", "light", "indicator", "pressure", "clamping",
                       "force", "contact", "tolerance", "expansion", "dac/amp", "amp", "amplifier", "opamp", "op-amp", "topology", "class",
                       "architecture", "trs", "trrs", "fit", "warm", "gaming"}) &&
                !w.any({"spl", "sensitivity", "power", "voltage", "impedance", "gain", "current", "efficiency"});
     }},
    {fc::imax, [](const words& w) { return w.has("current") && !w.any({"power"}); }, read_current, amplifier_figure},
    {fc::vmax,
     [](const words& w) {
         return w.any({"vout", "swing"}) || (w.any({"voltage", "level"}) && w.any({"output", "out", "max", "maximum", "max.", "open"})) ||
                (w.has("voltage") && !w.any({"supply", "battery", "charging", "operating"}));
     },
     read_swing, amplifier_figure},
    {fc::gain, [](const words& w) { return w.any({"gain", "gains", "amplification"}) && !w.any({"power", "voltage", "output"}); },
     read_gain, amplifier_figure},
    {fc::rated_power,
     [](const words& w) { return (w.any({"handling", "capacity", "rating"}) && w.has("power")) || (w.has("input") && w.has("power")); },
     rating_in_amplifier, read_rated_power},
    {fc::power, [](const words& w) { return w.any({"power", "drive", "driving", "watt", "watts"}); }, read_power, headphone_power},
    {fc::impedance, [](const words& w) { return w.any({"impedance", "resistance", "impedence"}); }, impedance_in_amplifier,
     read_impedance},
    {fc::kind,
     [](const words& w) {
         return w.any({"type", "driver", "drivers", "transducer", "transducers", "coupling", "wearing", "design", "form", "style",
                       "category", "principle", "configuration", "structure", "acoustic", "acoustics", "back", "kind"});
     }},
    {fc::ports,
     [](const words& w) {
         return w.any({"port", "ports", "outputs", "jack", "jacks", "terminal", "terminals", "connector", "connectors", "interface",
                       "interfaces", "socket", "sockets"});
     }},
}};

}  // namespace

field_class class_of(const words& w) {
    if (w.empty()) return field_class::none;
    for (const field_row& row : field_rows)
        if (row.names(w)) return row.cls;
    // Only an output's name: "3.5mm", "BAL", "PO", "4.4mm balanced".
    std::string rest = w.joined;
    for (const std::string_view x : {" 3.5mm ", " 4.4mm ", " 6.35mm ", " 2.5mm ", " xlr4 ", " xlr ", " 2xxlr3 ", " balanced ", " bal ",
                                     " se ", " single-ended ", " single ", " ended ", " unbalanced ", " po ", " pho ", " headphone ",
                                     " headphones ", " out ", " output "}) {
        rest = spaced_out(rest, x);
    }
    if (rest.find_first_not_of(' ') == std::string::npos) return field_class::none;
    return field_class::unknown;
}

const field_row* figure_row(field_class cls) {
    const auto row = std::find_if(field_rows.begin(), field_rows.end(), [&](const field_row& r) { return r.cls == cls && r.amplifier; });
    return row == field_rows.end() ? nullptr : &*row;
}

}  // namespace headroom::spec_detail
