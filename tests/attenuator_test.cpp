// Attenuators and adapters between the output and the headphone, whether the hiss is heard, and where the volume
// sits (docs/physics.md sections 10 and 11, docs/iem.md): each figure against a value worked by hand from the
// formulas in the comments.

#include "headroom/batch/pack.hpp"
#include "headroom/batch/sweep.hpp"
#include "headroom/compare.hpp"
#include "headroom/frequency_analysis.hpp"
#include "headroom/hearing.hpp"
#include "headroom/response.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <mutex>
#include <random>
#include <span>
#include <vector>

using namespace headroom;

namespace {

impedance ohms(double v) { return in_si(v, ohm); }
double db20(double x) { return 20.0 * std::log10(x); }

// A 16 ohm, 120 dB SPL/V IEM, resistive.
headphone iem16() { return {"IEM", ohms(16), sensitivity::per_volt(spl::of_db(120))}; }

// The same IEM with a multi-driver curve: 40 ohm from 20 to 200 Hz, 16 ohm at 1 kHz, 5 ohm from 5 to 20 kHz (its
// plateaus hold grid points, so the extremes are reached exactly).
headphone iem16_multi_driver() {
    const auto hz = [](double v) { return in_si(v, hertz); };
    return iem16().with_curve(impedance_curve::tabulated(
        {{hz(20), ohms(40), 0}, {hz(200), ohms(40), 0}, {hz(1000), ohms(16), 0}, {hz(5000), ohms(5), 0}, {hz(20000), ohms(5), 0}}));
}

// A dongle-like output: V_oc, Z_out, optionally a current limit and noise (A-weighted).
output_stage source(double v_oc, double z_out, std::optional<double> i_max = std::nullopt, std::optional<double> noise = std::nullopt) {
    output_spec s;
    s.open_circuit_voltage = in_si(v_oc, volt);
    s.output_impedance = ohms(z_out);
    if (i_max) s.current_limit = in_si(*i_max, ampere);
    if (noise) s.noise = output_noise{in_si(*noise, volt), noise_weighting::a_weighted};
    return {"dongle", s};
}

}  // namespace

TEST_CASE("attenuator: the Thevenin source and the amplifier's load") {
    const attenuator lpad{"L-pad", ohms(10), ohms(1)};
    // V_th / V_oc = R_p / (R_p + Z_out + R_s) = 1 / 12 for Z_out 1 ohm; Z_th = (1 + 10) || 1 = 11/12 ohm.
    CHECK(lpad.thevenin_ratio(1.0) == doctest::Approx(1.0 / 12.0));
    CHECK(lpad.thevenin_impedance(1.0) == doctest::Approx(11.0 / 12.0));
    // The amplifier sees R_s + R_p || Z: 10 + 16/17 ohm; the headphone gets (16/17) / (10 + 16/17) of its voltage.
    CHECK(lpad.amplifier_load(16.0).real() == doctest::Approx(10.0 + 16.0 / 17.0));
    CHECK(lpad.transfer(16.0).real() == doctest::Approx((16.0 / 17.0) / (10.0 + 16.0 / 17.0)));
    const attenuator series{"75 ohm", ohms(75)};
    CHECK(series.thevenin_ratio(1.0) == 1.0);
    CHECK(series.thevenin_impedance(1.0) == doctest::Approx(76.0));
    CHECK(value_in(series.rating(), watt) == doctest::Approx(0.25));  // assumed where not stated
    CHECK_FALSE(series.stated_rating());
    CHECK_THROWS_AS((attenuator{"none", ohms(0)}), spec_error);
    CHECK_THROWS_AS((attenuator{"bad", ohms(-1)}), spec_error);
    CHECK_THROWS_AS((attenuator{"bad", ohms(10), ohms(0)}), spec_error);
}

TEST_CASE("attenuator: a 75 ohm series adapter on a 16 ohm IEM from a 1 ohm source") {
    const output_stage out = source(2.0, 1.0, std::nullopt, 5e-6);
    const attenuator adapter{"75 ohm adapter", ohms(75)};
    const headphone hp = iem16();
    const pair_analysis with = analyse(out, hp, std::nullopt, &adapter);
    const pair_analysis without = analyse(out, hp);
    // Level: 2 V behind 1 + 75 ohm into 16 ohm is 2 x 16/92 = 0.3478 V: 120 + 20 lg 0.3478 = 110.83 dB SPL; without
    // it 2 x 16/17 V, 125.49 dB SPL.
    CHECK(with.max.max_level.db() == doctest::Approx(110.82724).epsilon(1e-7));
    CHECK(without.max.max_level.db() == doctest::Approx(125.49402).epsilon(1e-7));
    CHECK(with.max.binding == limit::voltage);
    // Damping: 16 / (1 + 75) = 0.2105, against 16 / 1; the 1/8 rule fails (8 x 76 > 16).
    CHECK(*with.damping_factor == doctest::Approx(16.0 / 76.0));
    CHECK(*without.damping_factor == doctest::Approx(16.0));
    CHECK(with.meets_one_eighth_rule == false);
    // Hiss: 5 uV follows the same divider: 120 + 20 lg(5e-6 x 16/92) = -1.21 dB SPL, against 13.45 without: the
    // adapter buys 20 lg(92/17) = 14.67 dB less hiss, and audible hiss becomes inaudible.
    CHECK(with.hiss->high.db() == doctest::Approx(-1.2139568).epsilon(1e-6));
    CHECK(without.hiss->high.db() == doctest::Approx(13.45282).epsilon(1e-6));
    REQUIRE(with.attenuation);
    const attenuator_effect& e = *with.attenuation;
    CHECK(e.insertion_loss.db() == doctest::Approx(db20(17.0 / 92.0)));
    CHECK((e.hiss_without->high - with.hiss->high).db() == doctest::Approx(14.66678).epsilon(1e-6));
    CHECK((with.max.max_level - e.max_without.max_level).db() == doctest::Approx(db20(17.0 / 92.0)));
    CHECK(value_in(e.source_impedance, ohm) == doctest::Approx(76.0));
    CHECK(e.source_ratio.db() == doctest::Approx(0.0));
    CHECK(without.audibility->verdict == hiss_audibility::audible);
    CHECK(with.audibility->verdict == hiss_audibility::inaudible);
    // Dissipation: the series resistor carries the headphone's current, 2 / 92 A: 75 x (2/92)^2 = 35.4 mW.
    CHECK(value_in(e.series_dissipation, watt) == doctest::Approx(75.0 * (2.0 / 92.0) * (2.0 / 92.0)));
    CHECK_FALSE(e.shunt_dissipation);
    CHECK_FALSE(e.series_over_rating);
}

TEST_CASE("attenuator: the response deviation against a multi-driver curve (40 to 5 ohm)") {
    const output_stage out = source(2.0, 1.0);
    const attenuator adapter{"75 ohm adapter", ohms(75)};
    const headphone hp = iem16_multi_driver();
    const auto with = analyse_frequency(out, hp, nullptr, std::nullopt, &adapter);
    const auto without = analyse_frequency(out, hp, nullptr, std::nullopt);
    REQUIRE(with);
    REQUIRE(without);
    // Resistive: spread = 20 lg(Z_max / (Z_max + Z_s)) - 20 lg(Z_min / (Z_min + Z_s)). Behind 1 ohm:
    // 20 lg(40/41) - 20 lg(5/6) = 1.37 dB; behind 76 ohm: 20 lg(40/116) - 20 lg(5/81) = 14.94 dB.
    CHECK(without->response.spread.db() == doctest::Approx(1.36915).epsilon(1e-5));
    CHECK(with->response.spread.db() == doctest::Approx(14.94234).epsilon(1e-5));
    CHECK(with->spread_without_attenuator->db() == doctest::Approx(without->response.spread.db()));
    // The limits act at the curve's minimum, 5 ohm: 2 V x 5/81 = 0.1235 V, 101.83 dB SPL.
    const pair_analysis a = analyse(out, hp, std::nullopt, &adapter);
    CHECK(a.max.max_level.db() == doctest::Approx(101.83030).epsilon(1e-7));
    CHECK(with->max.lowest_max_level.db() == doctest::Approx(101.83030).epsilon(1e-6));
}

TEST_CASE("attenuator: an L-pad makes a current-limited output bind at its own terminals") {
    // 2 V behind 0.5 ohm, 200 mA; an L-pad of 1 ohm in series and 1 ohm across a 16 ohm IEM.
    const output_stage out = source(2.0, 0.5, 0.2);
    const attenuator lpad{"L-pad", ohms(1), ohms(1)};
    const headphone hp = iem16();
    const pair_analysis without = analyse(out, hp);
    // Without: 2 x 16/16.5 = 1.939 V is under 0.2 A x 16 = 3.2 V: voltage-limited, 125.75 dB SPL.
    CHECK(without.max.binding == limit::voltage);
    CHECK(without.max.max_level.db() == doctest::Approx(125.75332).epsilon(1e-7));
    const pair_analysis a = analyse(out, hp, std::nullopt, &lpad);
    // The amplifier sees 1 + 16/17 = 1.941 ohm: the voltage limit allows 2 x 1.941/2.441 = 1.590 V there, the current
    // limit 0.2 x 1.941 = 0.388 V, which binds; the headphone gets (16/17)/1.941 of it, 0.2 A x 16/17 = 0.1882 V:
    // 105.49 dB SPL, limited by current.
    CHECK(a.max.binding == limit::current);
    CHECK(value_in(a.max.load_voltage, volt) == doctest::Approx(0.2 * 16.0 / 17.0));
    CHECK(a.max.max_level.db() == doctest::Approx(105.49402).epsilon(1e-7));
    const attenuator_effect& e = *a.attenuation;
    CHECK(value_in(e.at_max.load, ohm) == doctest::Approx(1.0 + 16.0 / 17.0));
    CHECK(value_in(e.at_max.terminal_current, ampere) == doctest::Approx(0.2));
    CHECK(value_in(e.at_max.terminal_voltage, volt) == doctest::Approx(0.2 * (1.0 + 16.0 / 17.0)));
    // The Thevenin source: 1 / (1 + 0.5 + 1) = 0.4 (-7.96 dB) behind (0.5 + 1) || 1 = 0.6 ohm: damping 26.7, 1/8 rule met.
    CHECK(e.source_ratio.db() == doctest::Approx(db20(0.4)));
    CHECK(value_in(e.source_impedance, ohm) == doctest::Approx(0.6));
    CHECK(*a.damping_factor == doctest::Approx(16.0 / 0.6));
    CHECK(a.meets_one_eighth_rule == true);
    // Resistors at the maximum: 0.2^2 x 1 = 40 mW in series, 0.1882^2 / 1 = 35.4 mW across.
    CHECK(value_in(e.series_dissipation, watt) == doctest::Approx(0.04));
    CHECK(value_in(*e.shunt_dissipation, watt) == doctest::Approx(0.0354325).epsilon(1e-5));
    // A programme's headroom binds at the same terminals: 95 dB SPL of music with 15 dB peaks.
    const programme p{spl::of_db(95), gain::of_db(15)};
    const headroom_result h = headroom_for(out, hp, p, &lpad);
    CHECK(h.binding == limit::current);
    CHECK(h.margin.db() == doctest::Approx(105.49402 + 3.0103 - 15.0 - 95.0).epsilon(1e-6));
}

TEST_CASE("attenuator: the power in each resistor against a 0.25 W rating") {
    // 5 V from 0 ohm through 10 ohm in series and 1 ohm across a 16 ohm IEM: the amplifier drives 10 + 16/17 ohm with
    // 5 / 10.941 = 0.457 A, which puts 10 x 0.457^2 = 2.09 W in the series resistor (over 0.25 W); the headphone gets
    // 5 x (16/17) / 10.941 = 0.430 V, so the shunt takes 0.430^2 / 1 = 0.185 W (under it).
    const output_stage out = source(5.0, 0.0);
    const attenuator lpad{"L-pad", ohms(10), ohms(1), in_si(0.25, watt)};
    const pair_analysis a = analyse(out, iem16(), std::nullopt, &lpad);
    const attenuator_effect& e = *a.attenuation;
    CHECK(value_in(e.series_dissipation, watt) == doctest::Approx(2.0883917).epsilon(1e-6));
    CHECK(value_in(*e.shunt_dissipation, watt) == doctest::Approx(0.1849925).epsilon(1e-6));
    CHECK(e.series_over_rating);
    CHECK_FALSE(e.shunt_over_rating);
    CHECK(a.max.max_level.db() == doctest::Approx(112.67154).epsilon(1e-7));
}

TEST_CASE("attenuator: the scalar through-network equals the Thevenin source, and the amplifier-side load equals it too") {
    // Property: for a voltage-limited output, V_hp from the limits at the amplifier's terminals equals V_th R / (R + Z_th)
    // (section 10), for random resistors and loads; and max_output through the attenuator equals the model fed the
    // amplifier's load with the sensitivity shifted by 20 lg(transfer) (what sweep --attenuator packs).
    std::mt19937 rng{22};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int k = 0; k < 200; ++k) {
        const double v_oc = 0.5 + 9.5 * u(rng), z_out = 10.0 * u(rng), rs = 0.5 + 100.0 * u(rng), r = 4.0 + 300.0 * u(rng);
        const std::optional<double> rp = u(rng) < 0.5 ? std::nullopt : std::optional{0.2 + 50.0 * u(rng)};
        const attenuator att{"a", ohms(rs), rp ? std::optional{ohms(*rp)} : std::nullopt};
        const output_stage out = source(v_oc, z_out);
        const headphone hp{"h", ohms(r), sensitivity::per_volt(spl::of_db(110))};
        const double v_hp = value_in(max_output(out, hp, &att).load_voltage, volt);
        const double thevenin = v_oc * att.thevenin_ratio(z_out) * r / (r + att.thevenin_impedance(z_out));
        CHECK(v_hp == doctest::Approx(thevenin).epsilon(1e-12));
        const double share = att.transfer(r).real();
        const headphone seen{"seen", ohms(att.amplifier_load(r).real()), sensitivity::per_volt(spl::of_db(110) + gain::of_voltage_ratio(share))};
        CHECK(max_output(out, hp, &att).max_level.db() == doctest::Approx(max_output(out, seen).max_level.db()).epsilon(1e-12));
    }
}

TEST_CASE("hearing: the threshold of a white hiss from ISO 226 and the ERB") {
    // ERB(4 kHz) = 24.7 (4.37 x 4 + 1) = 456.5 Hz; the most audible band for white noise is at 4 kHz, where T_f is
    // -5.4 dB SPL: a spectrum level of -5.4 - 10 lg 456.5 = -31.99 dB SPL per hertz.
    CHECK(hearing::erb_hz(4000) == doctest::Approx(456.456));
    const auto band = hearing::white_noise_band_threshold();
    CHECK(band.at_hz == 4000.0);
    CHECK(band.spectrum_level_db == doctest::Approx(-5.4 - 10.0 * std::log10(456.456)));
    // White noise over 20 Hz-20 kHz: its A-weighted level is its spectrum level + 40.96 dB (10 lg of the A-weighting's
    // power gain integrated over the band), its unweighted level + 10 lg 19980 = 43.01 dB: -2.05 dB.
    CHECK(hearing::a_weighted_bandwidth().db() == doctest::Approx(40.958).epsilon(1e-4));
    CHECK(hearing::white_noise_a_weighting().db() == doctest::Approx(-2.048).epsilon(1e-3));
    // So a white hiss reaches the threshold at -31.99 + 40.96 = 8.96 dB(A); the assumed room leaves 35 - 25 = 10 dB(A).
    CHECK(hearing::white_noise_threshold_a().db() == doctest::Approx(8.964).epsilon(1e-3));
    CHECK(hearing::room_background_a().db() == 10.0);
}

TEST_CASE("hearing: inaudible, quiet_room or audible") {
    const auto verdict = [](double db, noise_weighting w) { return judge_hiss(spl::of_db(db), w, false, false); };
    CHECK(verdict(5.0, noise_weighting::a_weighted).verdict == hiss_audibility::inaudible);
    CHECK(verdict(9.5, noise_weighting::a_weighted).verdict == hiss_audibility::quiet_room);
    CHECK(verdict(10.0, noise_weighting::a_weighted).verdict == hiss_audibility::audible);
    // Unweighted white noise is 2.05 dB less A-weighted: 11.0 dB is 8.95 dB(A), just inaudible.
    const auto u = verdict(11.0, noise_weighting::unweighted);
    CHECK(u.verdict == hiss_audibility::inaudible);
    CHECK(u.hiss_a.db() == doctest::Approx(11.0 - 2.048).epsilon(1e-3));
    CHECK_FALSE(u.upper_bound);
    // A weighting not stated is taken as A-weighted (errs loud), and the verdict is an upper bound; so is one from an
    // SNR.
    CHECK(verdict(9.5, noise_weighting::not_stated).upper_bound);
    CHECK(judge_hiss(spl::of_db(9.5), noise_weighting::a_weighted, false, true).upper_bound);
    CHECK(verdict(9.5, noise_weighting::a_weighted).margin.db() == doctest::Approx(9.5 - 8.964).epsilon(1e-3));
}

TEST_CASE("volume: how far below full output the volume sits") {
    // A 2 V dongle at unity gain behind 1 ohm into a 16 ohm, 120 dB SPL/V IEM; music at 75 dB SPL with 18 dB peaks. The
    // peaks are those of a sine at 75 + 18 - 3.01 = 89.99 dB SPL, 10^((89.99 - 120)/20) = 31.60 mV at the IEM and
    // 31.60 x 17/16 = 33.58 mV unloaded: the volume sits 20 lg(2 / 0.03358) = 35.50 dB below full output.
    output_spec s;
    s.source = source_gain{in_si(2.0, volt), gain::of_db(0.0)};
    s.output_impedance = ohms(1);
    s.noise = output_noise{in_si(2e-6, volt), noise_weighting::a_weighted};
    s.volume = volume_control::digital;
    const output_stage out{"dongle", s};
    const pair_analysis a = analyse(out, iem16(), programme{spl::of_db(75), gain::of_db(18)});
    REQUIRE(a.volume);
    CHECK(a.volume->reference == volume_reference::source_gain);
    CHECK(a.volume->attenuation.db() == doctest::Approx(35.50432).epsilon(1e-6));
    CHECK(a.volume->attenuation.db() == doctest::Approx((a.source_gain_stage->stated - a.source_gain_stage->needed).db()));
    CHECK_FALSE(a.volume->beyond_analog_tracking);
    // The hiss, 120 + 20 lg(2e-6 x 16/17) = 5.49 dB SPL, leaves the peaks 89.99 - 5.49 = 84.50 dB above it: less than
    // a 16-bit recording's 96.33 dB. The dynamic range at full volume is 20 lg(2 V / 2 uV) = 120 dB.
    CHECK(a.volume->remaining_range->db() == doctest::Approx(84.49568).epsilon(1e-6));
    CHECK(a.volume->dynamic_range->db() == doctest::Approx(120.0).epsilon(1e-9));
    CHECK(a.volume->beyond_digital_range);
    // 10 dB quieter: 45.5 dB below full output, past the 40 dB a dual-gang potentiometer's tracking is specified to.
    const pair_analysis quiet = analyse(out, iem16(), programme{spl::of_db(65), gain::of_db(18)});
    CHECK(quiet.volume->attenuation.db() == doctest::Approx(45.50432).epsilon(1e-6));
    CHECK(quiet.volume->beyond_analog_tracking);
    // An attenuator moves the volume up by its insertion loss (the 75 ohm adapter: 20 lg(92/17) = 14.67 dB).
    const attenuator adapter{"75 ohm", ohms(75)};
    const pair_analysis through = analyse(out, iem16(), programme{spl::of_db(65), gain::of_db(18)}, &adapter);
    CHECK(through.volume->attenuation.db() == doctest::Approx(45.50432 + db20(17.0 / 92.0)).epsilon(1e-6));
    CHECK_FALSE(through.volume->beyond_analog_tracking);
}

TEST_CASE("volume: without a source level, full output is V_oc or the maximum") {
    const output_stage out = source(2.0, 1.0);
    const pair_analysis a = analyse(out, iem16(), programme{spl::of_db(75), gain::of_db(18)});
    CHECK(a.volume->reference == volume_reference::open_circuit_voltage);
    CHECK(a.volume->attenuation.db() == doctest::Approx(35.50432).epsilon(1e-6));
    CHECK_FALSE(a.volume->remaining_range);  // no noise: unknown
    output_spec s;
    s.current_limit = in_si(0.05, ampere);
    const pair_analysis m = analyse(output_stage{"current only", s}, iem16(), programme{spl::of_db(75), gain::of_db(18)});
    // 0.05 A x 16 ohm = 0.8 V: 120 + 20 lg 0.8 = 118.06 dB SPL, 28.07 dB above the peaks' 89.99.
    CHECK(m.volume->reference == volume_reference::maximum_output);
    CHECK(m.volume->attenuation.db() == doctest::Approx(120.0 + db20(0.8) - 89.98970).epsilon(1e-6));
}

TEST_CASE("compare: ranking a sensitive IEM's outputs by the hiss as heard") {
    // Two outputs with the headroom; the one whose 3 uV is unweighted (2.05 dB less as heard) ranks above one with
    // 2.8 uV of A-weighted noise, which ranks above one whose noise is unknown.
    const auto with_noise = [](double v, noise_weighting w) {
        output_spec s;
        s.open_circuit_voltage = in_si(2.0, volt);
        s.output_impedance = ohms(1);
        s.noise = output_noise{in_si(v, volt), w};
        return output_stage{"o", s};
    };
    std::vector<output_option> options{{"unknown", "", source(2.0, 1.0)},
                                       {"a", "", with_noise(2.8e-6, noise_weighting::a_weighted)},
                                       {"unweighted", "", with_noise(3e-6, noise_weighting::unweighted)}};
    const comparison c = compare_outputs(options, iem16(), programme{spl::of_db(75), gain::of_db(18)});
    CHECK(c.options[c.ranking[0]].option.output == "unweighted");
    CHECK(c.options[c.ranking[1]].option.output == "a");
    CHECK(c.options[c.ranking[2]].option.output == "unknown");
}

TEST_CASE("attenuator: sweep --attenuator's packed columns give the scalar model's figures through the attenuator") {
    // The engine is unchanged: each headphone is packed as the load the amplifier sees through its attenuator and the
    // sensitivity at the amplifier's terminals (batch/pack.hpp). Every pair's maximum level and headroom from the batch
    // engine equal analyse(out, hp, p, &att) within 1e-9 dB, with limits of every kind (rating tables included).
    std::mt19937 rng{2022};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<output_stage> outputs;
    for (int k = 0; k < 24; ++k) {
        output_spec s;
        s.open_circuit_voltage = in_si(0.5 + 8.0 * u(rng), volt);
        s.output_impedance = ohms(5.0 * u(rng));
        if (k % 2 == 0) s.current_limit = in_si(0.02 + 0.3 * u(rng), ampere);
        if (k % 3 == 0) s.ratings = rating_table{{{in_si(0.05 + u(rng), watt), ohms(16)}, {in_si(0.02 + 0.1 * u(rng), watt), ohms(300)}}};
        if (k % 5 == 0) s.source = source_gain{in_si(1.0 + u(rng), volt), gain::of_db(6.0 * u(rng))};
        outputs.push_back(output_stage{"o", s});
    }
    const attenuator series{"75 ohm", ohms(75)};
    const attenuator lpad{"L-pad", ohms(10), ohms(1)};
    std::vector<headphone> headphones;
    std::vector<const attenuator*> through;
    for (int k = 0; k < 30; ++k) {
        headphones.push_back(headphone{"h", ohms(8.0 + 60.0 * u(rng)), sensitivity::per_volt(spl::of_db(100.0 + 25.0 * u(rng)))});
        through.push_back(k % 3 == 0 ? nullptr : (k % 3 == 1 ? &series : &lpad));
    }
    const programme p{spl::of_db(85), gain::of_db(15)};
    const auto amps = batch::pack<double>(std::span<const output_stage>{outputs});
    const auto hps = batch::pack<double>(std::span<const headphone>{headphones}, std::span<const attenuator* const>{through});
    std::mutex lock;
    std::size_t checked = 0;
    batch::row_sink<double> rows = [&](const batch::pair_rows<double>& tile) {
        const std::lock_guard guard{lock};
        for (std::size_t q = 0; q < tile.outputs.size(); ++q)
            for (batch::index i = 0; i < tile.headphones; ++i) {
                const auto at = static_cast<std::size_t>(static_cast<batch::index>(q) * tile.stride + i);
                const auto h = static_cast<std::size_t>(tile.first_headphone + i);
                const pair_analysis a = analyse(outputs[static_cast<std::size_t>(tile.outputs[q])], headphones[h], p, through[h]);
                CHECK(tile.max_spl_db[at] == doctest::Approx(a.max.max_level.db()).epsilon(1e-11));
                CHECK(tile.headroom_db[at] == doctest::Approx(a.headroom->margin.db()).epsilon(1e-11));
                CHECK(tile.max_binding[at] == a.max.binding);
                ++checked;
            }
    };
    const auto r = batch::sweep(amps, hps, p.average_level(), p.crest_factor(), {}, rows);
    CHECK(checked == outputs.size() * headphones.size());
    CHECK(r.pairs() == static_cast<std::int64_t>(checked));
}
