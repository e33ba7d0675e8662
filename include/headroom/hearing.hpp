#pragma once

// Whether a person hears an output's hiss (docs/physics.md section 11, docs/iem.md). The hiss is broadband: an
// output stage's noise is flat (white) across 20 Hz-20 kHz, and a headphone turns it into sound with the
// sensitivity it has at 1 kHz (an IEM tuned to a diffuse-field-like target puts back at the eardrum what the ear
// canal would add, so its 1 kHz figure stands for the band). A noise is heard where its power within one auditory
// filter reaches the threshold of hearing there, so the hiss is compared band by band with:
//
//  - the threshold of hearing of ISO 226:2003 (its T_f column: binaural, free field, otologically normal listeners
//    aged 18 to 25; the same values as ISO 389-7), at the 29 one-third-octave frequencies from 20 Hz to 12.5 kHz;
//  - the auditory filter's equivalent rectangular bandwidth of Glasberg and Moore (Hearing Research 47, 1990):
//    ERB(f) = 24.7 (4.37 f / 1 kHz + 1) Hz.
//
// For white noise the most audible band is at 4 kHz (T_f -5.4 dB SPL, ERB 456 Hz), so a hiss reaches the
// threshold at a spectrum level of -32.0 dB SPL per hertz, which is 8.96 dB(A) over 20 Hz-20 kHz. Detection
// across several bands at once lowers the threshold of a broadband noise by a few dB below the single-band figure,
// so a hiss a little below it may still be heard by a keen listener: the verdict's margin is reported with it.
//
// Whether the hiss is heard through what else reaches the ear is judged against an ordinary quiet room: 35 dB(A),
// the WHO Guidelines for Community Noise (1999) value for living spaces indoors by day, heard through 25 dB of
// isolation, what Etymotic Research states for its ER-4 ("at least 20-25 dB of external noise exclusion at all
// frequencies", ER-4 fittings manual); more isolation leaves less to mask the hiss. The hiss and that background
// are compared as A-weighted totals, an approximation (room noise is mostly low frequencies, the hiss's audible
// part high ones, so the room masks the hiss less than the totals say: a hiss called "quiet_room" may be heard in an
// ordinary room too).

#include "headroom/decibel.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/spectrum.hpp"
#include "headroom/units.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace headroom {

namespace hearing {

// ISO 226:2003, Table 1: the 29 preferred one-third-octave frequencies and T_f, the threshold of hearing (dB SPL).
inline constexpr std::array<double, 29> threshold_hz{20,  25,  31.5, 40,   50,   63,   80,   100,  125,  160,
                                                     200, 250, 315,  400,  500,  630,  800,  1000, 1250, 1600,
                                                     2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500};
inline constexpr std::array<double, 29> threshold_db{78.5, 68.7, 59.5, 51.1, 44.0, 37.5, 31.5, 26.5, 22.1, 17.9,
                                                     14.4, 11.4, 8.6,  6.2,  4.4,  3.0,  2.2,  2.4,  3.5,  1.7,
                                                     -1.3, -4.2, -6.0, -5.4, -1.5, 6.0,  12.6, 13.9, 12.3};

// Glasberg and Moore (1990): the equivalent rectangular bandwidth of the auditory filter at f, in Hz.
[[nodiscard]] constexpr double erb_hz(double f_hz) noexcept { return 24.7 * (4.37 * f_hz / 1000.0 + 1.0); }

// The assumed listening room (see the header comment).
inline constexpr double room_noise_dba = 35.0;   // WHO (1999), indoors by day
inline constexpr double iem_isolation_db = 25.0;  // Etymotic ER-4, at least 20-25 dB at all frequencies

// 10 lg of the integral over 20 Hz-20 kHz of the A-weighting's power gain, per hertz: the A-weighted level of white
// noise is its spectrum level (dB per hertz) plus this (40.96 dB); its unweighted level is the spectrum level plus
// 10 lg 19980 (43.01 dB). Trapezoids on a 1/96-octave grid in ln f (the weight per ln f of white noise is f).
[[nodiscard]] inline gain a_weighted_bandwidth() {
    static const gain g = [] {
        constexpr double lo = 20.0, hi = 20000.0;
        const double span = std::log(hi / lo);
        const int steps = static_cast<int>(std::ceil(std::log2(hi / lo) * 96.0));
        double sum = 0.0;
        for (int k = 0; k <= steps; ++k) {
            const double hz = lo * std::exp(span * k / steps);
            const double w = (k == 0 || k == steps) ? 0.5 : 1.0;
            sum += w * hz * a_weighting(in_si(hz, hertz)).power_ratio();
        }
        return gain::of_power_ratio(sum * span / steps);
    }();
    return g;
}
[[nodiscard]] inline gain unweighted_bandwidth() { return gain::of_power_ratio(20000.0 - 20.0); }

// L_A - L of white noise over 20 Hz-20 kHz: -2.05 dB.
[[nodiscard]] inline gain white_noise_a_weighting() { return a_weighted_bandwidth() - unweighted_bandwidth(); }

// The spectrum level (dB SPL per hertz) at which white noise reaches the threshold of hearing in its most audible
// band, and that band's frequency.
struct band_threshold {
    double spectrum_level_db;
    double at_hz;
};
[[nodiscard]] inline band_threshold white_noise_band_threshold() noexcept {
    band_threshold best{1e300, 0.0};
    for (std::size_t k = 0; k < threshold_hz.size(); ++k) {
        const double level = threshold_db[k] - 10.0 * std::log10(erb_hz(threshold_hz[k]));
        if (level < best.spectrum_level_db) best = {level, threshold_hz[k]};
    }
    return best;
}

// The A-weighted level of a white hiss that just reaches the threshold of hearing: 8.96 dB(A).
[[nodiscard]] inline spl white_noise_threshold_a() {
    return spl::of_db(white_noise_band_threshold().spectrum_level_db) + a_weighted_bandwidth();
}

// The A-weighted background an IEM leaves of the assumed room: 35 - 25 = 10 dB(A).
[[nodiscard]] constexpr spl room_background_a() noexcept { return spl::of_db(room_noise_dba - iem_isolation_db); }

}  // namespace hearing

enum class hiss_audibility : std::uint8_t {
    inaudible,   // below the threshold of hearing: not heard even in silence
    quiet_room,  // above the threshold, below what an ordinary room leaves through the IEM: heard only in a quiet room
    audible,     // above that background too
};

[[nodiscard]] constexpr std::string_view to_string(hiss_audibility a) noexcept {
    switch (a) {
        case hiss_audibility::inaudible: return "inaudible";
        case hiss_audibility::quiet_room: return "quiet_room";
        case hiss_audibility::audible: break;
    }
    return "audible";
}

struct hiss_judgement {
    hiss_audibility verdict;
    spl hiss_a;        // the hiss judged, A-weighted (the higher end of a range)
    spl threshold_a;   // the threshold of hearing for a white hiss
    spl background_a;  // the room's noise left by the IEM's isolation
    gain margin;       // hiss_a - threshold_a: how far above (or below) the threshold
    // The figure is an upper bound: the noise was derived from an SNR (docs/physics.md section 9), its weighting is
    // not stated (taken as A-weighted, which errs loud), or it is a range (its higher end is judged).
    bool upper_bound;
};

// The A-weighted level of a hiss stated with a weighting: unweighted white noise is 2.05 dB less A-weighted; a
// figure whose weighting is not stated is taken as A-weighted already, which errs loud.
[[nodiscard]] inline spl a_weighted_hiss(spl level, noise_weighting w) {
    return w == noise_weighting::unweighted ? level + hearing::white_noise_a_weighting() : level;
}

// Judges a hiss at the listener (its higher end, where it is a range): `derived` where the noise behind it comes from
// an SNR.
[[nodiscard]] inline hiss_judgement judge_hiss(spl high, noise_weighting w, bool is_range, bool derived) {
    const spl a = a_weighted_hiss(high, w);
    const spl threshold = hearing::white_noise_threshold_a();
    const spl background = hearing::room_background_a();
    const hiss_audibility verdict = a < threshold ? hiss_audibility::inaudible
                                    : a < background ? hiss_audibility::quiet_room
                                                     : hiss_audibility::audible;
    return {verdict, a, threshold, background, a - threshold, derived || is_range || w == noise_weighting::not_stated};
}

}  // namespace headroom
