#pragma once

// What a spec sheet's power table says about the output stage behind it. Makers state output power at a few
// loads ("1.8 W @ 16 ohm, 1.2 W @ 32 ohm, 130 mW @ 600 ohm"), not the stage's limits; this finds the simplest set of
// limits that explains the table, in dB, so that a report can say *why* the power falls where it does (the rails,
// a current limit, a power rating, or supply sag: a clipping voltage that sinks as the load falls although the
// output impedance is small).
//
// Models, simplest first (the first whose worst point is within the tolerance wins; otherwise the one with the
// smallest squared error, a richer model having to earn its extra limit):
//   voltage                V_oc behind Z_out
//   voltage+current        ... and I_max
//   voltage+sag            V_oc behind a large-signal source resistance R_s >= Z_out
//   voltage+power          ... and a load-independent sine rating P_clip
//   voltage+current+power
//   voltage+sag+current
// The fitted stage that the rest of the library may analyse with also carries the table itself, so it can only err
// low: within the stated loads it never exceeds a stated rating or the straight line between two, and outside them
// it claims no more current (below) and no more voltage (above) than the table shows (limit.hpp).
//
// Deterministic and bounded: at most rating_table::max_points points, closed-form starts, then a Nelder-Mead polish
// of the best start with a fixed number of evaluations.

#include "headroom/analysis.hpp"
#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/limit.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/power_point.hpp"
#include "headroom/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom {

enum class fit_model : std::uint8_t {
    voltage = 0,
    voltage_current = 1,
    voltage_sag = 2,
    voltage_power = 3,
    voltage_current_power = 4,
    voltage_sag_current = 5,
};
inline constexpr std::size_t fit_model_count = 6;

[[nodiscard]] constexpr std::string_view to_string(fit_model m) noexcept {
    constexpr std::array<std::string_view, fit_model_count> names{"voltage",       "voltage+current",
                                                                  "voltage+sag",   "voltage+power",
                                                                  "voltage+current+power", "voltage+sag+current"};
    return names[static_cast<std::size_t>(m)];
}

struct fit_options {
    std::optional<impedance> output_impedance{};  // the maker's Z_out; unknown is taken as 0
    gain tolerance = gain::of_db(0.1);            // the simplest model whose worst point is within this wins
};

// How one stated point compares with the fitted limits (the table itself is left out of this comparison).
struct fitted_point {
    power_point stated;
    power model_power;
    gain error;     // 10 lg(model / stated): positive where the limits alone promise more than the sheet
    limit binding;  // which limit sets the model power at this load
};

struct stage_fit {
    output_stage stage;  // the fitted limits and the stated table: errs low everywhere
    fit_model model;
    std::optional<voltage> open_circuit_voltage;
    std::optional<impedance> source_resistance;  // with sag
    std::optional<current> current_limit;
    std::optional<power> clipping_power;
    std::vector<fitted_point> points;  // ascending load
    gain max_error;                    // largest |error|
    gain rms_error;
    bool voltage_is_lower_bound = false;  // V_oc binds at no point: the least value the data allow
};

namespace detail::fitting {

inline constexpr double inf = std::numeric_limits<double>::infinity();

// A model's free parameters in log space: ln V_oc, ln I_max, ln P_clip and ln(R_s - Z_out); an absent one is NaN.
struct params {
    double ln_v = inf, ln_i = inf, ln_p = inf, ln_sag = -inf;
};

struct problem {
    std::vector<double> r, p_db;  // ohm; 10 lg(P / 1 W), ascending load
    double z_out = 0.0;
};

[[nodiscard]] inline limits::stage_terms<double> terms_of(const problem& pb, const params& x) noexcept {
    limits::stage_terms<double> t;
    t.v_clip = std::exp(x.ln_v);
    t.r_clip = pb.z_out + std::exp(x.ln_sag);
    t.i_max = std::exp(x.ln_i);
    t.sqrt_p_clip = std::exp(0.5 * x.ln_p);
    t.z_out = pb.z_out;
    return t;
}

[[nodiscard]] inline limits::binding<double> at_load(const limits::stage_terms<double>& t, double r) noexcept {
    return limits::binding_of(limits::load_voltages(t, r, std::sqrt(r)));
}

// 10 lg(model / stated) at every point.
[[nodiscard]] inline std::vector<double> errors_db(const problem& pb, const params& x) {
    const auto t = terms_of(pb, x);
    std::vector<double> e(pb.r.size());
    for (std::size_t k = 0; k < e.size(); ++k) {
        const double v = at_load(t, pb.r[k]).voltage;
        e[k] = db10_per_neper * std::log(v * v / pb.r[k]) - pb.p_db[k];
    }
    return e;
}

[[nodiscard]] inline double sum_squares(const problem& pb, const params& x) {
    double s = 0.0;
    for (const double e : errors_db(pb, x)) s += e * e;
    return std::isfinite(s) ? s : inf;
}

// Which parameters a model moves.
struct free_set {
    bool v, i, p, sag;
};

[[nodiscard]] constexpr free_set free_of(fit_model m) noexcept {
    switch (m) {
        case fit_model::voltage: return {true, false, false, false};
        case fit_model::voltage_current: return {true, true, false, false};
        case fit_model::voltage_sag: return {true, false, false, true};
        case fit_model::voltage_power: return {true, false, true, false};
        case fit_model::voltage_current_power: return {true, true, true, false};
        case fit_model::voltage_sag_current: return {true, true, false, true};
    }
    return {true, false, false, false};
}

[[nodiscard]] inline std::vector<double> pack(free_set f, const params& x) {
    std::vector<double> v;
    if (f.v) v.push_back(x.ln_v);
    if (f.i) v.push_back(x.ln_i);
    if (f.p) v.push_back(x.ln_p);
    if (f.sag) v.push_back(x.ln_sag);
    return v;
}

[[nodiscard]] inline params unpack(free_set f, const std::vector<double>& v) noexcept {
    params x;
    std::size_t k = 0;
    if (f.v) x.ln_v = v[k++];
    if (f.i) x.ln_i = v[k++];
    if (f.p) x.ln_p = v[k++];
    if (f.sag) x.ln_sag = v[k++];
    return x;
}

// Per-point values each limit would need to reproduce point k exactly if it bound there.
[[nodiscard]] inline double ln_v_for(const problem& pb, std::size_t k, double r_source) noexcept {
    const double r = pb.r[k];
    return 0.5 * (pb.p_db[k] / db10_per_neper + std::log(r)) + std::log((r + r_source) / r);
}
[[nodiscard]] inline double ln_i_for(const problem& pb, std::size_t k) noexcept {
    return 0.5 * (pb.p_db[k] / db10_per_neper - std::log(pb.r[k]));
}
[[nodiscard]] inline double ln_p_for(const problem& pb, std::size_t k) noexcept { return pb.p_db[k] / db10_per_neper; }

// The mean of f over points [first, last): least squares in log space for one limit over a run of points. An empty
// run gets just above the largest value, so that the limit binds nowhere.
template <class F>
[[nodiscard]] double run_mean(std::size_t n, std::size_t first, std::size_t last, F f) {
    if (first == last) {
        double most = -inf;
        for (std::size_t k = 0; k < n; ++k) most = std::max(most, f(k));
        return most + 1e-3;
    }
    double sum = 0.0;
    for (std::size_t k = first; k < last; ++k) sum += f(k);
    return sum / static_cast<double>(last - first);
}

// Nelder-Mead with standard coefficients and a fixed initial simplex, so the result is deterministic.
template <class F>
[[nodiscard]] std::vector<double> nelder_mead(F f, std::vector<double> x0, double step, int max_evaluations) {
    const std::size_t n = x0.size();
    if (n == 0) return x0;
    std::vector<std::vector<double>> s(n + 1, x0);
    std::vector<double> fx(n + 1);
    for (std::size_t j = 0; j < n; ++j) s[j + 1][j] += step;
    int evaluations = 0;
    const auto eval = [&](const std::vector<double>& x) {
        ++evaluations;
        return f(x);
    };
    for (std::size_t j = 0; j <= n; ++j) fx[j] = eval(s[j]);
    const auto combine = [n](const std::vector<double>& a, const std::vector<double>& b, double t) {
        std::vector<double> c(n);
        for (std::size_t k = 0; k < n; ++k) c[k] = a[k] + t * (b[k] - a[k]);
        return c;
    };
    std::vector<std::size_t> order(n + 1);
    while (evaluations < max_evaluations) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
        const std::size_t best = order.front(), worst = order.back(), second = order[n - 1];
        double size = 0.0;
        for (const auto& x : s)
            for (std::size_t k = 0; k < n; ++k) size = std::max(size, std::abs(x[k] - s[best][k]));
        if (size < 1e-10 || fx[worst] - fx[best] < 1e-15) break;
        std::vector<double> centroid(n, 0.0);
        for (std::size_t j : order)
            if (j != worst)
                for (std::size_t k = 0; k < n; ++k) centroid[k] += s[j][k] / static_cast<double>(n);
        const auto reflected = combine(centroid, s[worst], -1.0);
        const double f_reflected = eval(reflected);
        if (f_reflected < fx[best]) {
            const auto expanded = combine(centroid, s[worst], -2.0);
            const double f_expanded = eval(expanded);
            if (f_expanded < f_reflected) s[worst] = expanded, fx[worst] = f_expanded;
            else s[worst] = reflected, fx[worst] = f_reflected;
            continue;
        }
        if (f_reflected < fx[second]) {
            s[worst] = reflected, fx[worst] = f_reflected;
            continue;
        }
        const bool outside = f_reflected < fx[worst];
        const auto contracted = outside ? combine(centroid, reflected, 0.5) : combine(centroid, s[worst], 0.5);
        const double f_contracted = eval(contracted);
        if (f_contracted < (outside ? f_reflected : fx[worst])) {
            s[worst] = contracted, fx[worst] = f_contracted;
            continue;
        }
        for (std::size_t j = 0; j <= n; ++j) {
            if (j == best) continue;
            s[j] = combine(s[best], s[j], 0.5);
            fx[j] = eval(s[j]);
        }
    }
    return s[static_cast<std::size_t>(std::min_element(fx.begin(), fx.end()) - fx.begin())];
}

struct candidate {
    params x;
    double sum_squares = inf;
};

// Closed-form starts: every contiguous split of the load-sorted points into a current-limited run (lowest loads),
// a power-limited run and a voltage-limited run, each solved as a mean in log space; for sag, a few source
// resistances with V_oc through the highest load. Then a polish of the best start.
[[nodiscard]] inline candidate fit_model_to(const problem& pb, fit_model m) {
    const free_set f = free_of(m);
    const std::size_t n = pb.r.size();
    candidate best;
    const auto consider = [&](const params& x) {
        const double s = sum_squares(pb, x);
        if (s < best.sum_squares) best = {x, s};
    };
    const std::size_t i_runs = f.i ? n : 0;
    for (std::size_t a = 0; a <= i_runs; ++a) {
        for (std::size_t b = a; b <= (f.p ? n : a); ++b) {
            params x;
            if (f.i) x.ln_i = run_mean(n, 0, a, [&](std::size_t k) { return ln_i_for(pb, k); });
            if (f.p) x.ln_p = run_mean(n, a, b, [&](std::size_t k) { return ln_p_for(pb, k); });
            if (f.sag) {
                for (double sag = 0.25; sag <= 256.0; sag *= 2.0) {
                    x.ln_sag = std::log(sag);
                    x.ln_v = run_mean(n, b, n, [&](std::size_t k) { return ln_v_for(pb, k, pb.z_out + sag); });
                    consider(x);
                }
            } else {
                x.ln_v = run_mean(n, b, n, [&](std::size_t k) { return ln_v_for(pb, k, pb.z_out); });
                consider(x);
            }
        }
    }
    const auto objective = [&](const std::vector<double>& v) { return sum_squares(pb, unpack(f, v)); };
    std::vector<double> v = pack(f, best.x);
    const int budget = 300 * static_cast<int>(v.size() + 1);
    for (const double step : {0.1, 0.01}) v = nelder_mead(objective, v, step, budget);
    consider(unpack(f, v));
    return best;
}

// Whether limit `which` sets the load voltage at some point with every other limit strictly above it.
[[nodiscard]] inline bool binds_strictly(const problem& pb, const params& x, limit which) {
    const auto t = terms_of(pb, x);
    for (const double r : pb.r) {
        const auto v = limits::load_voltages(t, r, std::sqrt(r));
        const double mine = v[static_cast<std::size_t>(which)];
        if (!std::isfinite(mine)) return false;
        bool strictly = true;
        for (std::size_t k = 0; k < limit_count; ++k)
            if (k != static_cast<std::size_t>(which) && !(mine < v[k] * (1.0 - 1e-9))) strictly = false;
        if (strictly) return true;
    }
    return false;
}

}  // namespace detail::fitting

// Fits limits to stated sine ratings (at least one point, at most rating_table::max_points). Throws spec_error
// naming the point and field for a power or load that is not positive and in range, a load stated twice, or too
// many points.
[[nodiscard]] inline stage_fit fit_output_stage(std::span<const power_point> points, const fit_options& options = {},
                                                std::string name = "fitted output", topology kind = topology::single_ended) {
    namespace df = detail::fitting;
    const std::string entity = "output stage '" + name + "'";
    rating_table table{{points.begin(), points.end()}, entity};  // validates, sorts and bounds the points
    if (options.output_impedance)
        detail::require_impedance(value_in(*options.output_impedance, ohm), entity, "output impedance", true);

    df::problem pb;
    pb.z_out = options.output_impedance ? value_in(*options.output_impedance, ohm) : 0.0;
    for (const auto& p : table.points()) {
        pb.r.push_back(value_in(p.load, ohm));
        pb.p_db.push_back(detail::db10_per_neper * std::log(value_in(p.output, watt)));
    }

    constexpr std::array models{fit_model::voltage,     fit_model::voltage_current,       fit_model::voltage_sag,
                                fit_model::voltage_power, fit_model::voltage_current_power, fit_model::voltage_sag_current};
    const double tolerance_db = options.tolerance.db();
    std::optional<std::pair<fit_model, df::candidate>> chosen;
    for (const fit_model m : models) {
        if (df::free_of(m).v + df::free_of(m).i + df::free_of(m).p + df::free_of(m).sag > static_cast<int>(pb.r.size()) &&
            chosen)
            break;  // more parameters than points: the data cannot tell them apart
        const df::candidate c = df::fit_model_to(pb, m);
        double worst = 0.0;
        for (const double e : df::errors_db(pb, c.x)) worst = std::max(worst, std::abs(e));
        if (worst <= tolerance_db + 1e-9) {
            chosen = {m, c};
            break;
        }
        // A richer model must earn its extra limit with a clearly smaller error.
        if (!chosen || c.sum_squares < chosen->second.sum_squares * (1.0 - 1e-6) - 1e-12) chosen = {m, c};
    }
    auto [model, best] = *chosen;

    // Limits that bind at no point are not identified by the data: current and power limits are dropped, and V_oc
    // becomes the least value that leaves every point where the other limits put it.
    df::params x = best.x;
    if (std::isfinite(x.ln_i) && !df::binds_strictly(pb, x, limit::current)) x.ln_i = df::inf;
    if (std::isfinite(x.ln_p) && !df::binds_strictly(pb, x, limit::power)) x.ln_p = df::inf;
    bool lower_bound = false;
    if (!df::binds_strictly(pb, x, limit::voltage) && (std::isfinite(x.ln_i) || std::isfinite(x.ln_p))) {
        df::params others = x;
        others.ln_v = df::inf;
        const auto t = df::terms_of(pb, others);
        double ln_v = -df::inf;
        for (const double r : pb.r)
            ln_v = std::max(ln_v, std::log(df::at_load(t, r).voltage * (r + t.r_clip) / r));
        x.ln_v = ln_v;
        lower_bound = true;
    }

    const auto t = df::terms_of(pb, x);
    const std::vector<double> e = df::errors_db(pb, x);
    std::vector<fitted_point> fitted;
    double worst = 0.0, squares = 0.0;
    for (std::size_t k = 0; k < pb.r.size(); ++k) {
        const auto [v, which] = df::at_load(t, pb.r[k]);
        fitted.push_back({table.points()[k], in_si(v * v / pb.r[k], watt), gain::of_db(e[k]), which});
        worst = std::max(worst, std::abs(e[k]));
        squares += e[k] * e[k];
    }

    output_spec spec;
    const auto present = [](double ln) { return std::isfinite(ln); };
    std::optional<voltage> v_oc;
    std::optional<impedance> r_s;
    std::optional<current> i_max;
    std::optional<power> p_clip;
    if (present(x.ln_v)) v_oc = in_si(std::exp(x.ln_v), volt);
    if (present(x.ln_sag)) r_s = in_si(t.r_clip, ohm);
    if (present(x.ln_i)) i_max = in_si(std::exp(x.ln_i), ampere);
    if (present(x.ln_p)) p_clip = in_si(std::exp(x.ln_p), watt);
    spec.open_circuit_voltage = v_oc;
    spec.source_resistance = r_s;
    spec.current_limit = i_max;
    spec.clipping_power = p_clip;
    spec.ratings = std::move(table);
    spec.output_impedance = options.output_impedance;
    spec.kind = kind;
    return {output_stage{std::move(name), std::move(spec)},
            model,
            v_oc,
            r_s,
            i_max,
            p_clip,
            std::move(fitted),
            gain::of_db(worst),
            gain::of_db(std::sqrt(squares / static_cast<double>(pb.r.size()))),
            lower_bound};
}

}  // namespace headroom
