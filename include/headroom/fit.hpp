#pragma once

// Spec sheets state output power at a few loads ("1.2 W @ 32 ohm, 300 mW @ 300 ohm"), not the limits of the output
// stage. This recovers an output stage (V_oc, I_max, P_max behind a known or zero Z_out) whose predicted power
// matches the stated points best in dB, so that the rest of the library can analyse any other load with it,
// or bridge it.
//
// The model is the scalar one (analysis.hpp): P(R) = V_L^2 / R with
// V_L = min(V_oc R / (R + Z_out), I_max R, sqrt(P_max R)). The fit is least squares on 10 lg P, in log-space
// parameters, trying the simplest explanation first: V_oc alone; V_oc + I_max; V_oc + P_max; all three. The
// first whose worst point is within the tolerance wins, else the one with the smallest squared error.
//
// What the data cannot tell apart, the fit decides by rule, and says so:
// - one limited point fits a current limit and a power limit equally; the current limit is tried first
//   (solid-state headphone outputs run out of current), and a power limit shows only as power that stays flat
//   while the load falls;
// - a limit that binds at no point is not identified: I_max or P_max is then dropped (the data say nothing
//   about it), while V_oc is set to the least value consistent with the data and flagged as a lower bound.
//
// Deterministic: closed-form starts from every contiguous split of the points (sorted by load) into
// current-, power- and voltage-limited runs, then a Nelder-Mead polish of the best start.

#include "headroom/analysis.hpp"
#include "headroom/decibel.hpp"
#include "headroom/error.hpp"
#include "headroom/output_stage.hpp"
#include "headroom/power_point.hpp"
#include "headroom/units.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace headroom {

// Which limits a fit uses, simplest first. V_oc is always there: every output runs out of voltage somewhere.
enum class fit_model : std::uint8_t {
    voltage = 0,
    voltage_current = 1,
    voltage_power = 2,
    voltage_current_power = 3,
};

[[nodiscard]] constexpr std::string_view to_string(fit_model m) noexcept {
    constexpr std::array<std::string_view, 4> names{"voltage", "voltage+current", "voltage+power",
                                                    "voltage+current+power"};
    return names[static_cast<std::size_t>(m)];
}

struct fit_options {
    impedance output_impedance = in_si(0.0, ohm);  // the maker's Z_out; 0 when unknown
    // Limits stated outright: held fixed, the fit supplies the others.
    std::optional<voltage> open_circuit_voltage{};
    std::optional<current> current_limit{};
    std::optional<power> power_limit{};
    gain tolerance = gain::of_db(0.1);  // the simplest model whose worst point is within this wins
};

// How one stated point compares with the fitted stage.
struct fitted_point {
    power_point stated;
    power model_power;
    gain error;     // 10 lg(model / stated): positive where the fit promises more than the sheet
    limit binding;  // which limit sets the model power at this load
};

struct stage_fit {
    output_stage stage;
    fit_model model;
    std::vector<fitted_point> points;
    gain max_error;                        // largest |error|
    gain rms_error;
    bool voltage_is_lower_bound = false;  // V_oc binds at no point: the least value the data allow
};

namespace detail::fitting {

// ln-space parameters of one candidate; an absent limit is +infinity (it never binds).
struct log_limits {
    double ln_v = unbounded;
    double ln_i = unbounded;
    double ln_p = unbounded;
};

struct problem {
    std::vector<power_point> points;  // sorted by load
    double z_out;                     // ohm
    std::optional<double> fixed_ln_v, fixed_ln_i, fixed_ln_p;
    std::string name;
    topology kind;
};

[[nodiscard]] inline double ln_of(double x) noexcept { return std::log(x); }

// The output stage for a set of ln-limits, built through the checked constructor so that the fit and the model
// can never disagree about what a stage is.
[[nodiscard]] inline output_stage make_stage(const problem& pb, const log_limits& x) {
    output_spec s;
    if (std::isfinite(x.ln_v)) s.open_circuit_voltage = in_si(std::exp(x.ln_v), volt);
    if (std::isfinite(x.ln_i)) s.current_limit = in_si(std::exp(x.ln_i), ampere);
    if (std::isfinite(x.ln_p)) s.power_limit = in_si(std::exp(x.ln_p), watt);
    s.output_impedance = in_si(pb.z_out, ohm);
    s.kind = pb.kind;
    return output_stage{pb.name, s};
}

// The scalar model's load voltage and binding limit at one load. (max_output needs a headphone, whose
// sensitivity plays no part here, so this calls the same two functions it does.)
[[nodiscard]] inline std::pair<double, limit> model_voltage(const output_stage& st, impedance load) noexcept {
    return binding_of(load_voltage_limits(st, load));
}

// dB error of every point for a candidate stage.
[[nodiscard]] inline Eigen::ArrayXd errors_db(const problem& pb, const output_stage& st) {
    Eigen::ArrayXd e(static_cast<Eigen::Index>(pb.points.size()));
    for (std::size_t k = 0; k < pb.points.size(); ++k) {
        const double r = value_in(pb.points[k].load, ohm);
        const double v = model_voltage(st, pb.points[k].load).first;
        e[static_cast<Eigen::Index>(k)] = db10_per_neper * (ln_of(v * v / r) - ln_of(value_in(pb.points[k].output, watt)));
    }
    return e;
}

// Which limits a model lets the fit move; fixed limits are always present and never move.
struct free_set {
    bool v, i, p;
    [[nodiscard]] int count() const noexcept { return int{v} + int{i} + int{p}; }
};

[[nodiscard]] inline free_set free_limits(const problem& pb, fit_model m) noexcept {
    const bool with_i = m == fit_model::voltage_current || m == fit_model::voltage_current_power;
    const bool with_p = m == fit_model::voltage_power || m == fit_model::voltage_current_power;
    return {!pb.fixed_ln_v, with_i && !pb.fixed_ln_i, with_p && !pb.fixed_ln_p};
}

[[nodiscard]] inline log_limits unpack(const problem& pb, free_set f, const Eigen::VectorXd& x) noexcept {
    log_limits l;
    Eigen::Index k = 0;
    l.ln_v = f.v ? x[k++] : pb.fixed_ln_v.value_or(unbounded);
    l.ln_i = f.i ? x[k++] : pb.fixed_ln_i.value_or(unbounded);
    l.ln_p = f.p ? x[k++] : pb.fixed_ln_p.value_or(unbounded);
    return l;
}

[[nodiscard]] inline Eigen::VectorXd pack(free_set f, const log_limits& l) {
    Eigen::VectorXd x(f.count());
    Eigen::Index k = 0;
    if (f.v) x[k++] = l.ln_v;
    if (f.i) x[k++] = l.ln_i;
    if (f.p) x[k++] = l.ln_p;
    return x;
}

[[nodiscard]] inline double sum_squares(const problem& pb, const log_limits& l) {
    return errors_db(pb, make_stage(pb, l)).square().sum();
}

// The ln-value of each limit that would reproduce point k exactly if that limit bound there.
[[nodiscard]] inline double ln_v_for(const problem& pb, std::size_t k) noexcept {
    const double r = value_in(pb.points[k].load, ohm);
    return 0.5 * ln_of(value_in(pb.points[k].output, watt) * r) + ln_of((r + pb.z_out) / r);
}
[[nodiscard]] inline double ln_i_for(const problem& pb, std::size_t k) noexcept {
    return 0.5 * ln_of(value_in(pb.points[k].output, watt) / value_in(pb.points[k].load, ohm));
}
[[nodiscard]] inline double ln_p_for(const problem& pb, std::size_t k) noexcept {
    return ln_of(value_in(pb.points[k].output, watt));
}

// Least squares in ln space for one limit over a run of points is the mean of the per-point values; an empty run
// gets the largest value (the limit then binds nowhere, just).
template <class PerPoint>
[[nodiscard]] double run_mean(const problem& pb, std::size_t first, std::size_t last, PerPoint per_point) {
    if (first == last) {
        double most = -unbounded;
        for (std::size_t k = 0; k < pb.points.size(); ++k) most = std::max(most, per_point(pb, k));
        return most + 1e-3;
    }
    double sum = 0.0;
    for (std::size_t k = first; k < last; ++k) sum += per_point(pb, k);
    return sum / static_cast<double>(last - first);
}

// Nelder-Mead on a small smooth-almost-everywhere objective (a min of log-linear terms). Standard coefficients;
// a fixed initial simplex, so the result is deterministic.
[[nodiscard]] inline Eigen::VectorXd nelder_mead(const std::function<double(const Eigen::VectorXd&)>& f,
                                                 Eigen::VectorXd x0, double step, int max_evaluations) {
    const Eigen::Index n = x0.size();
    if (n == 0) return x0;
    std::vector<Eigen::VectorXd> simplex(static_cast<std::size_t>(n + 1), x0);
    std::vector<double> fx(static_cast<std::size_t>(n + 1));
    for (Eigen::Index j = 0; j < n; ++j) simplex[static_cast<std::size_t>(j + 1)][j] += step;
    int evaluations = 0;
    const auto eval = [&](const Eigen::VectorXd& x) {
        ++evaluations;
        return f(x);
    };
    for (std::size_t j = 0; j < simplex.size(); ++j) fx[j] = eval(simplex[j]);
    std::vector<std::size_t> order(simplex.size());
    while (evaluations < max_evaluations) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
        const std::size_t best = order.front(), worst = order.back(), second = order[order.size() - 2];
        double size = 0.0;
        for (const auto& x : simplex) size = std::max(size, (x - simplex[best]).cwiseAbs().maxCoeff());
        if (size < 1e-10 || fx[worst] - fx[best] < 1e-15) break;
        Eigen::VectorXd centroid = Eigen::VectorXd::Zero(n);
        for (std::size_t j : order)
            if (j != worst) centroid += simplex[j];
        centroid /= static_cast<double>(n);
        const Eigen::VectorXd reflected = centroid + (centroid - simplex[worst]);
        const double f_reflected = eval(reflected);
        if (f_reflected < fx[best]) {
            const Eigen::VectorXd expanded = centroid + 2.0 * (centroid - simplex[worst]);
            const double f_expanded = eval(expanded);
            if (f_expanded < f_reflected) {
                simplex[worst] = expanded;
                fx[worst] = f_expanded;
            } else {
                simplex[worst] = reflected;
                fx[worst] = f_reflected;
            }
            continue;
        }
        if (f_reflected < fx[second]) {
            simplex[worst] = reflected;
            fx[worst] = f_reflected;
            continue;
        }
        const bool outside = f_reflected < fx[worst];
        const Eigen::VectorXd contracted =
            outside ? Eigen::VectorXd(centroid + 0.5 * (reflected - centroid))
                    : Eigen::VectorXd(centroid + 0.5 * (simplex[worst] - centroid));
        const double f_contracted = eval(contracted);
        if (f_contracted < (outside ? f_reflected : fx[worst])) {
            simplex[worst] = contracted;
            fx[worst] = f_contracted;
            continue;
        }
        for (std::size_t j = 0; j < simplex.size(); ++j) {
            if (j == best) continue;
            simplex[j] = simplex[best] + 0.5 * (simplex[j] - simplex[best]);
            fx[j] = eval(simplex[j]);
        }
    }
    const auto best = static_cast<std::size_t>(std::min_element(fx.begin(), fx.end()) - fx.begin());
    return simplex[best];
}

// Whether limit `which` sets the load voltage at some point with every other limit strictly above it.
[[nodiscard]] inline bool binds_strictly(const problem& pb, const log_limits& l, limit which) {
    const output_stage st = make_stage(pb, l);
    for (const auto& p : pb.points) {
        const auto v = load_voltage_limits(st, p.load);
        const double mine = v[static_cast<std::size_t>(which)];
        if (!std::isfinite(mine)) return false;
        bool strictly = true;
        for (std::size_t k = 0; k < limit_count; ++k)
            if (k != static_cast<std::size_t>(which) && !(mine < v[k] * (1.0 - 1e-9))) strictly = false;
        if (strictly) return true;
    }
    return false;
}

struct candidate {
    log_limits limits;
    double sum_squares;
};

// The best ln-limits for one model: every contiguous split of the load-sorted points into a current-limited
// run (lowest loads), a power-limited run and a voltage-limited run, each solved in closed form, then polished.
[[nodiscard]] inline candidate fit_model_to(const problem& pb, fit_model m) {
    const free_set f = free_limits(pb, m);
    const std::size_t n = pb.points.size();
    const bool with_i = m == fit_model::voltage_current || m == fit_model::voltage_current_power;
    const bool with_p = m == fit_model::voltage_power || m == fit_model::voltage_current_power;
    candidate best{{}, unbounded};
    for (std::size_t a = 0; a <= (with_i ? n : 0); ++a) {
        for (std::size_t b = a; b <= (with_p ? n : a); ++b) {
            log_limits l;
            l.ln_i = pb.fixed_ln_i ? *pb.fixed_ln_i : (with_i ? run_mean(pb, 0, a, ln_i_for) : unbounded);
            l.ln_p = pb.fixed_ln_p ? *pb.fixed_ln_p : (with_p ? run_mean(pb, a, b, ln_p_for) : unbounded);
            l.ln_v = pb.fixed_ln_v ? *pb.fixed_ln_v : run_mean(pb, b, n, ln_v_for);
            const double s = sum_squares(pb, l);
            if (s < best.sum_squares) best = {l, s};
        }
    }
    if (f.count() == 0) return best;
    const auto objective = [&](const Eigen::VectorXd& x) { return sum_squares(pb, unpack(pb, f, x)); };
    Eigen::VectorXd x = pack(f, best.limits);
    // Two passes: a restart from the first optimum shakes Nelder-Mead out of a collapsed simplex.
    for (double step : {0.1, 0.01}) x = nelder_mead(objective, x, step, 400 * (f.count() + 1));
    const log_limits polished = unpack(pb, f, x);
    const double s = sum_squares(pb, polished);
    if (s < best.sum_squares) best = {polished, s};
    return best;
}

}  // namespace detail::fitting

// Fits an output stage to stated power points (at least one). Throws spec_error naming the point and field for
// a non-positive or non-finite power, load or Z_out, or a fixed limit that is not positive.
[[nodiscard]] inline stage_fit fit_output_stage(std::span<const power_point> points, const fit_options& options = {},
                                                std::string name = "fitted output",
                                                topology kind = topology::single_ended) {
    namespace df = detail::fitting;
    const std::string entity = "output stage '" + name + "'";
    if (points.empty()) throw spec_error{entity, "power", "needs at least one power point to fit"};
    for (std::size_t k = 0; k < points.size(); ++k) {
        const std::string who = entity + " power point " + std::to_string(k + 1);
        detail::require_positive(value_in(points[k].output, watt), who, "power");
        detail::require_positive(value_in(points[k].load, ohm), who, "load");
    }
    detail::require_non_negative(value_in(options.output_impedance, ohm), entity, "output impedance");
    if (options.open_circuit_voltage)
        detail::require_positive(value_in(*options.open_circuit_voltage, volt), entity, "open-circuit voltage");
    if (options.current_limit) detail::require_positive(value_in(*options.current_limit, ampere), entity, "current limit");
    if (options.power_limit) detail::require_positive(value_in(*options.power_limit, watt), entity, "power limit");

    df::problem pb{{points.begin(), points.end()}, value_in(options.output_impedance, ohm), {}, {}, {}, std::move(name), kind};
    std::stable_sort(pb.points.begin(), pb.points.end(),
                     [](const power_point& a, const power_point& b) { return a.load < b.load; });
    if (options.open_circuit_voltage) pb.fixed_ln_v = std::log(value_in(*options.open_circuit_voltage, volt));
    if (options.current_limit) pb.fixed_ln_i = std::log(value_in(*options.current_limit, ampere));
    if (options.power_limit) pb.fixed_ln_p = std::log(value_in(*options.power_limit, watt));

    // Simplest first; a model within the tolerance ends the search.
    constexpr std::array models{fit_model::voltage, fit_model::voltage_current, fit_model::voltage_power,
                                fit_model::voltage_current_power};
    const double tolerance_db = options.tolerance.db();
    std::optional<std::pair<fit_model, df::candidate>> chosen;
    for (const fit_model m : models) {
        const df::candidate c = df::fit_model_to(pb, m);
        const double worst = df::errors_db(pb, df::make_stage(pb, c.limits)).abs().maxCoeff();
        if (worst <= tolerance_db + 1e-9) {
            chosen = {m, c};
            break;
        }
        // A richer model must earn its extra limit with a clearly smaller error.
        if (!chosen || c.sum_squares < chosen->second.sum_squares * (1.0 - 1e-6) - 1e-12) chosen = {m, c};
    }
    auto [model, best] = *chosen;

    // Limits that bind at no point are not identified by the data (see the header comment). A tie counts as not
    // binding: the tied limit alone reproduces the point. Current first, then power, so that of two tied limits
    // one stays.
    df::log_limits l = best.limits;
    if (!pb.fixed_ln_i && !df::binds_strictly(pb, l, limit::current)) l.ln_i = detail::unbounded;
    if (!pb.fixed_ln_p && !df::binds_strictly(pb, l, limit::power)) l.ln_p = detail::unbounded;
    bool lower_bound = false;
    if (!pb.fixed_ln_v && !df::binds_strictly(pb, l, limit::voltage)) {
        // The least V_oc that leaves every point's load voltage where the other limits put it.
        df::log_limits others = l;
        others.ln_v = detail::unbounded;
        const bool any_other = std::isfinite(others.ln_i) || std::isfinite(others.ln_p);
        if (any_other) {
            const output_stage st = df::make_stage(pb, others);
            double ln_v = -detail::unbounded;
            for (const auto& p : pb.points) {
                const double r = value_in(p.load, ohm);
                ln_v = std::max(ln_v, std::log(df::model_voltage(st, p.load).first * (r + pb.z_out) / r));
            }
            l.ln_v = ln_v;
            lower_bound = true;
        }
    }

    output_stage stage = df::make_stage(pb, l);
    const Eigen::ArrayXd e = df::errors_db(pb, stage);
    std::vector<fitted_point> fitted;
    fitted.reserve(pb.points.size());
    for (std::size_t k = 0; k < pb.points.size(); ++k) {
        const auto [v, which] = df::model_voltage(stage, pb.points[k].load);
        fitted.push_back({pb.points[k], in_si(v * v / value_in(pb.points[k].load, ohm), watt),
                          gain::of_db(e[static_cast<Eigen::Index>(k)]), which});
    }
    const double rms = std::sqrt(e.square().mean());
    return {std::move(stage), model, std::move(fitted), gain::of_db(e.abs().maxCoeff()), gain::of_db(rms), lower_bound};
}

}  // namespace headroom
