// AutoEq's ParametricEQ.txt (docs/frequency.md): a Preamp line and PK, LSC and HSC filters.
//
//     Preamp: -6.2 dB
//     Filter 1: ON LSC Fc 105 Hz Gain 6.3 dB Q 0.70
//     Filter 2: ON PK Fc 204 Hz Gain -3.2 dB Q 0.33

#include "headroom/io.hpp"

#include "text.hpp"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace headroom {

namespace {

// A line's words: "105 Hz" style tokens, the number then its unit as the next word.
struct eq_tokens {
    std::vector<std::string> t;
    std::size_t i = 0;
    std::string where;

    [[nodiscard]] io_error error(const std::string& problem) const { return io_error{where, "", "", problem}; }
    [[nodiscard]] bool done() const noexcept { return i >= t.size(); }
    const std::string& next(std::string_view expected) {
        if (done()) throw error("expected " + std::string{expected} + " but the line ends");
        return t[i++];
    }
    void expect(std::string_view word) {
        const std::string& w = next(word);
        if (w != word) throw error("expected '" + std::string{word} + "', found " + detail::quoted(w));
    }
    double number(std::string_view field) { return io_detail::number_field(next(field), where, field); }
    [[nodiscard]] std::string peek() const { return done() ? std::string{} : t[i]; }
};

}  // namespace

parametric_eq read_parametric_eq(std::string_view text, const std::string& source) {
    gain preamp = gain::of_db(0.0);
    std::vector<eq_filter> filters;
    bool seen_preamp = false;
    io_detail::for_each_line(text, [&](int line_number, std::string_view line) {
        if (line.empty() || line.front() == '#') return;
        eq_tokens tok;
        tok.where = source + ":" + std::to_string(line_number);
        std::istringstream words{std::string{line}};
        for (std::string w; words >> w;) tok.t.push_back(w);
        const std::string& head = tok.next("Preamp: or Filter N:");
        if (head == "Preamp:") {
            if (seen_preamp) throw tok.error("a second Preamp line");
            seen_preamp = true;
            const std::string db_text = tok.peek();
            const double db = tok.number("preamp gain");
            tok.expect("dB");
            if (!(std::abs(db) <= ranges::max_gain_db)) throw tok.error("Preamp " + db_text + " dB must lie within -60 to 60 dB");
            preamp = gain::of_db(db);
        } else if (head == "Filter" || head == "Filter:") {  // Equalizer APO also writes unnumbered filters
            if (head == "Filter") {
                const std::string& label = tok.next("the filter number");
                if (label.empty() || label.back() != ':') throw tok.error("expected 'Filter N:', found 'Filter " + label + "'");
            }
            const std::string& state = tok.next("ON or OFF");
            if (state != "ON" && state != "OFF") throw tok.error("filter state " + detail::quoted(state) + " is not ON or OFF");
            const std::string& kind = tok.next("filter type");
            eq_filter_type type = eq_filter_type::peaking;
            if (kind == "PK") type = eq_filter_type::peaking;
            else if (kind == "LSC") type = eq_filter_type::low_shelf;
            else if (kind == "HSC") type = eq_filter_type::high_shelf;
            else if (state == "OFF") return;  // an ignored filter may be of any kind
            else throw tok.error("filter type " + detail::quoted(kind) + " is not PK, LSC or HSC");
            tok.expect("Fc");
            const std::string fc_text = tok.peek();
            const double fc = tok.number("Fc");
            tok.expect("Hz");
            tok.expect("Gain");
            const std::string g_text = tok.peek();
            const double g = tok.number("Gain");
            tok.expect("dB");
            tok.expect("Q");
            const std::string q_text = tok.peek();
            const double q = tok.number("Q");
            if (!(fc > 0.0 && fc < default_eq_sample_rate_hz / 2.0)) throw tok.error("Fc " + fc_text + " Hz must lie between 0 and 24000 Hz");
            if (!(q >= ranges::min_q && q <= ranges::max_q)) throw tok.error("Q " + q_text + " must lie within 0.01 to 100");
            if (!(std::abs(g) <= ranges::max_gain_db)) throw tok.error("Gain " + g_text + " dB must lie within -60 to 60 dB");
            if (state == "ON") {
                if (filters.size() == parametric_eq::max_filters)
                    throw tok.error("more than " + std::to_string(parametric_eq::max_filters) + " filters");
                filters.emplace_back(type, in_si(fc, hertz), gain::of_db(g), q);
            }
        } else {
            throw tok.error("expected a 'Preamp:' or 'Filter N:' line, found " + detail::quoted(head));
        }
        if (!tok.done()) throw tok.error("unexpected " + detail::quoted(tok.t[tok.i]) + " at the end of the line");
    });
    return parametric_eq{preamp, std::move(filters), source};
}

parametric_eq load_parametric_eq(const std::filesystem::path& path) {
    return read_parametric_eq(read_text_file(path, "EQ"), path.string());
}

}  // namespace headroom
