// The command line for sensitive IEMs (docs/iem.md): pair, need and sweep with an attenuator (--series, --shunt,
// --attenuator), whether the hiss is heard, where the volume sits, --max-hiss; each key against the model.

#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using headroom::test::run;
using json = nlohmann::json;

// A 16 ohm, 120 dB SPL/V IEM on a 2 V output behind 1 ohm with 5 uV of A-weighted noise, music at 75 dB SPL.
const std::vector<std::string> iem_pair{"pair",  "--impedance", "16", "--sensitivity", "120dB/V", "--vmax", "2", "--zout", "1",
                                        "--noise", "5uV", "--noise-weighting", "A-weighted", "--target", "75", "--crest", "18"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

json json_of(const std::vector<std::string>& args) {
    const auto r = run(with(args, {"--json"}));
    INFO(r.err);
    REQUIRE(r.code == 0);
    return json::parse(r.out);
}

double db20(double x) { return 20.0 * std::log10(x); }

}  // namespace

TEST_CASE("pair --json: hiss_audibility, volume_attenuation_db and the attenuator's figures") {
    const json plain = json_of(iem_pair);
    // 120 + 20 lg(5e-6 x 16/17) = 13.45 dB(A): over the 10 dB(A) an ordinary room leaves through an IEM.
    CHECK(plain["hiss_audibility"] == "audible");
    CHECK(plain["hiss_spl_dba"].get<double>() == doctest::Approx(13.45282).epsilon(1e-6));
    CHECK(plain["hiss_threshold_dba"].get<double>() == doctest::Approx(8.964).epsilon(1e-3));
    CHECK(plain["attenuator"].is_null());
    // 2 V unloaded against the peaks' 33.58 mV: 35.50 dB below full output (V_oc: no source level is given).
    CHECK(plain["volume_attenuation_db"].get<double>() == doctest::Approx(35.50432).epsilon(1e-6));
    CHECK(plain["volume_reference"] == "open_circuit_voltage");

    const json j = json_of(with(iem_pair, {"--series", "75ohm"}));
    CHECK(j["hiss_audibility"] == "inaudible");
    CHECK(j["max_spl_db"].get<double>() == doctest::Approx(110.82724).epsilon(1e-7));
    CHECK(j["damping_factor"].get<double>() == doctest::Approx(16.0 / 76.0));
    CHECK(j["volume_attenuation_db"].get<double>() == doctest::Approx(35.50432 + db20(17.0 / 92.0)).epsilon(1e-6));
    const json& a = j["attenuator"];
    CHECK(a["series_ohm"] == 75.0);
    CHECK(a["shunt_ohm"].is_null());
    CHECK(a["source_impedance_ohm"].get<double>() == doctest::Approx(76.0));
    CHECK(a["amplifier_load_ohm"].get<double>() == doctest::Approx(91.0));
    CHECK(a["hiss_reduction_db"].get<double>() == doctest::Approx(-db20(17.0 / 92.0)));
    CHECK(a["max_spl_change_db"].get<double>() == doctest::Approx(db20(17.0 / 92.0)));
    CHECK(a["series_dissipation_w"].get<double>() == doctest::Approx(75.0 * (2.0 / 92.0) * (2.0 / 92.0)));
    CHECK(a["resistor_rating_w"] == 0.25);
    CHECK(a["resistor_rating_stated"] == false);
    CHECK(a["series_exceeds_rating"] == false);

    // Unknown noise: the verdict is null, never "inaudible".
    const json quiet = json_of({"pair", "--impedance", "16", "--sensitivity", "120dB/V", "--vmax", "2"});
    CHECK(quiet["hiss_audibility"].is_null());
    CHECK(quiet["volume_attenuation_db"].is_null());  // no programme
}

TEST_CASE("pair: an L-pad's shunt, a stated rating and the report's words") {
    const json j = json_of(with(iem_pair, {"--series", "10ohm", "--shunt", "1ohm", "--resistor-rating", "0.125W"}));
    const json& a = j["attenuator"];
    // (1 + 10) || 1 = 11/12 ohm behind 1/12 of V_oc.
    CHECK(a["source_impedance_ohm"].get<double>() == doctest::Approx(11.0 / 12.0));
    CHECK(a["source_ratio_db"].get<double>() == doctest::Approx(db20(1.0 / 12.0)));
    CHECK(a["resistor_rating_w"] == 0.125);
    CHECK(a["resistor_rating_stated"] == true);
    CHECK(a["shunt_dissipation_w"].is_number());

    const auto r = run(with(iem_pair, {"--series", "10ohm", "--shunt", "1ohm"}));
    REQUIRE(r.code == 0);
    for (const char* words : {"Attenuator      10 ohm in series and 1 ohm across the headphone (an L-pad)", "Through the attenuator",
                              "buys ", "less hiss", "costs ", "less maximum level", "resistors ", "against 250 mW (assumed) each",
                              "heard ", "volume ", "below full output"})
        CHECK_MESSAGE(r.out.find(words) != std::string::npos, words);
}

TEST_CASE("pair: attenuator input errors name the flag") {
    const auto shunt_alone = run(with(iem_pair, {"--shunt", "1ohm"}));
    CHECK(shunt_alone.code == 2);
    CHECK(shunt_alone.out.empty());
    CHECK(shunt_alone.err.find("--shunt: needs --series") != std::string::npos);
    const auto bad = run(with(iem_pair, {"--series", "-3ohm"}));
    CHECK(bad.code == 2);
    CHECK(bad.err.find("--series") != std::string::npos);
    const auto unknown = run(with(iem_pair, {"--attenuator", "Etymotic ER4PT P-to-S adaptor"}));
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("did you mean 'Etymotic ER4PT P-to-S adapter'") != std::string::npos);
    const auto both = run(with(iem_pair, {"--attenuator", "Etymotic ER4PT P-to-S adapter", "--series", "75"}));
    CHECK(both.code == 2);
    const auto volume = run(with(iem_pair, {"--volume", "stepped"}));
    CHECK(volume.code == 2);
    CHECK(volume.err.find("--volume: 'stepped' is not one of 'analog', 'digital'") != std::string::npos);
}

TEST_CASE("pair --amp with a catalog attenuator: every output through it, and the volume warning for its control") {
    const json c = json_of({"pair", "--headphone", "Sennheiser IE 300", "--amp", "FiiO KA3", "--target", "70", "--crest", "18",
                            "--attenuator", "Etymotic ER4PT P-to-S adapter"});
    REQUIRE(c["outputs"].size() == 2);
    for (const json& o : c["outputs"]) {
        CHECK(o["attenuator"]["name"] == "Etymotic ER4PT P-to-S adapter");
        CHECK(o["hiss_audibility"].is_string());
        CHECK(o["volume_attenuation_db"].is_number());
    }
    // --volume on typed-in figures: past 40 dB an analog control's channels may wander.
    const json analog = json_of({"pair", "--impedance", "16", "--sensitivity", "120dB/V", "--vmax", "2", "--zout", "1", "--noise", "5uV",
                                 "--target", "60", "--crest", "18", "--volume", "analog"});
    CHECK(analog["volume_control"] == "analog");
    CHECK(analog["volume_warnings"] == json::array({"analog_tracking"}));
    const json digital = json_of(with(iem_pair, {"--volume", "digital"}));
    CHECK(digital["volume_warnings"] == json::array({"digital_resolution"}));
}

TEST_CASE("need --series: what the amplifier delivers through the adapter") {
    const json n = json_of({"need", "--impedance", "16", "--sensitivity", "120dB/V", "--target", "100", "--series", "75ohm"});
    // 100 dB SPL needs 0.1 V at the IEM; through 75 ohm the amplifier drives 91 ohm with 0.1 x 91/16 = 0.569 V.
    CHECK(n["attenuator"]["amplifier_load_ohm"].get<double>() == doctest::Approx(91.0));
    CHECK(n["attenuator"]["amplifier_voltage_vrms"].get<double>() == doctest::Approx(0.1 * 91.0 / 16.0));
    CHECK(n["required_open_circuit_voltage_vrms"].get<double>() == doctest::Approx(0.1 * 91.0 / 16.0));
}

TEST_CASE("sweep: --attenuator stands before every IEM, --max-hiss lists only outputs known to be that quiet") {
    const json s = json_of({"sweep", "--headphone", "Sennheiser IE 300", "--target", "75", "--crest", "18", "--max-hiss", "9",
                            "--attenuator", "Etymotic ER4PT P-to-S adapter"});
    CHECK(s["attenuator"] == "Etymotic ER4PT P-to-S adapter");
    CHECK(s["max_hiss_dba"] == 9.0);
    const json& t = s["recommendations"][0];
    CHECK(t["attenuator"] == "Etymotic ER4PT P-to-S adapter");
    CHECK(t["noise_unknown"].get<int>() > 0);  // most catalog outputs state no noise: counted apart, never listed
    for (const json& row : t["outputs"]) {
        REQUIRE(row["hiss_spl_dba"].is_number());
        CHECK(row["hiss_spl_dba"].get<double>() <= 9.0);
    }
    const json plain = json_of({"sweep", "--headphone", "Sennheiser IE 300", "--target", "75", "--crest", "18"});
    CHECK(plain["recommendations"][0]["attenuator"].is_null());
    CHECK(plain["recommendations"][0]["noise_unknown"].is_null());
    // Over-ear headphones are not IEMs: the attenuator is not put before them.
    const json hd = json_of({"sweep", "--headphone", "Sennheiser HD600", "--target", "75", "--attenuator", "Etymotic ER4PT P-to-S adapter"});
    CHECK(hd["recommendations"][0]["attenuator"].is_null());

    const auto whole = run({"sweep", "--target", "75", "--max-hiss", "9"});
    CHECK(whole.code == 2);
    CHECK(whole.err.find("--max-hiss: applies to the tables of a selection") != std::string::npos);
    const auto text = run({"sweep", "--kind", "iem", "--amp", "FiiO KA3", "--target", "75", "--attenuator", "Etymotic ER4PT P-to-S adapter"});
    CHECK(text.code == 0);
    CHECK(text.out.find("IEMs through Etymotic ER4PT P-to-S adapter") != std::string::npos);
    // The whole-catalog sweep through the attenuator says so.
    const auto all = run({"sweep", "--target", "75", "--attenuator", "Etymotic ER4PT P-to-S adapter"});
    CHECK(all.code == 0);
    CHECK(all.out.find("every IEM through Etymotic ER4PT P-to-S adapter") != std::string::npos);
}

TEST_CASE("pair --attenuator: a catalog L-pad's stated resistor rating is read from its resistor_rating key") {
    // 2 V from 0 ohm through 33 ohm in series and 3.3 ohm across a 16 ohm IEM: the amplifier drives
    // 33 + (3.3 || 16) = 35.736 ohm with 2 / 35.736 = 55.97 mA, so 33 x 0.05597^2 = 103.4 mW in the series resistor,
    // under the stated 125 mW; the IEM and the shunt get 0.05597 x 2.736 = 0.1531 V, 0.1531^2 / 3.3 = 7.10 mW. The
    // source the IEM sees is 33 || 3.3 = 3.0 ohm.
    const json j = json_of({"pair", "--impedance", "16", "--sensitivity", "120dB/V", "--vmax", "2", "--zout", "0", "--attenuator",
                            "DIY Audio Heaven headphone attenuation adapter"});
    const json& a = j.at("attenuator");
    const double parallel = 3.3 * 16.0 / 19.3;
    const double current = 2.0 / (33.0 + parallel);
    CHECK(a.at("resistor_rating_w").get<double>() == doctest::Approx(0.125));
    CHECK(a.at("resistor_rating_stated") == true);
    CHECK(a.at("series_dissipation_w").get<double>() == doctest::Approx(33.0 * current * current));
    CHECK(a.at("shunt_dissipation_w").get<double>() == doctest::Approx(current * parallel * current * parallel / 3.3));
    CHECK(a.at("series_exceeds_rating") == false);
    CHECK(a.at("source_impedance_ohm").get<double>() == doctest::Approx(33.0 * 3.3 / 36.3));
}
