// The JSON of a batch sweep (headroom/frontend/sweep_json.hpp).
#include "headroom/frontend/sweep_json.hpp"

#include <string>
#include <utility>

namespace headroom::frontend {

ojson sweep_json(const batch::sweep_result& r, bool single_precision, double seconds, std::optional<double> cpu_seconds) {
    const double pairs = static_cast<double>(r.pairs());
    ojson j;
    j["outputs"] = r.outputs();
    j["headphones"] = r.headphones();
    j["pairs"] = r.pairs();
    j["seconds"] = seconds;
    j["pairs_per_second"] = pairs / seconds;
    if (cpu_seconds) {
        j["cpu_seconds"] = *cpu_seconds;
        j["pairs_per_cpu_second"] = pairs / *cpu_seconds;
    }
    j["threads"] = r.threads();
    j["simd"] = std::string{batch::to_string(r.path())};
    j["precision"] = single_precision ? "float" : "double";
    j["target_spl_db"] = r.target().db();
    j["crest_factor_db"] = r.crest_factor().db();
    j["min_headroom_db"] = r.threshold().db();
    j["headroom_db"] = {{"min", r.min_headroom().db()}, {"mean", r.mean_headroom().db()}, {"max", r.max_headroom().db()}};
    j["above_threshold"] = r.above_threshold();
    j["above_threshold_fraction"] = static_cast<double>(r.above_threshold()) / pairs;
    ojson b;
    for (std::size_t k = 0; k < limit_count; ++k) b[std::string{limit_names[k]}] = r.count(static_cast<limit>(k));
    j["binding"] = std::move(b);
    return j;
}

ojson across_json(const batch::across_result& r, bool single_precision, double seconds, double cpu_seconds, const ojson& eq) {
    const double pairs = static_cast<double>(r.pairs());
    ojson j;
    j["across_frequency"] = true;
    j["outputs"] = r.outputs();
    j["headphones"] = r.headphones();
    j["pairs"] = r.pairs();
    j["frequencies"] = r.frequencies();
    j["pair_frequencies"] = r.pair_frequencies();
    j["evaluated_pair_frequencies"] = r.evaluated();
    j["seconds"] = seconds;
    j["cpu_seconds"] = cpu_seconds;
    j["pair_frequencies_per_second"] = r.pair_frequencies() / seconds;  // every pair-frequency counts, pruned or not
    j["threads"] = r.threads();
    j["simd"] = std::string{batch::to_string(r.path())};
    j["precision"] = single_precision ? "float" : "double";
    j["target_spl_db"] = r.target().db();
    j["crest_factor_db"] = r.crest_factor().db();
    j["min_headroom_db"] = r.threshold().db();
    for (const auto& [k, v] : eq.items()) j[k] = v;
    j["worst_headroom_db"] = {{"min", r.min_headroom().db()}, {"mean", r.mean_headroom().db()}, {"max", r.max_headroom().db()}};
    j["above_threshold"] = r.above_threshold();
    j["above_threshold_fraction"] = pairs > 0 ? static_cast<double>(r.above_threshold()) / pairs : 0.0;
    ojson b;
    for (std::size_t k = 0; k < limit_count; ++k) b[std::string{limit_names[k]}] = r.count(static_cast<limit>(k));
    j["binding"] = std::move(b);
    return j;
}

ojson across_best_json(const batch::across_result& r, batch::index i, const std::function<std::string(std::size_t)>& output_name) {
    ojson best = ojson::array();
    for (std::size_t q = 0; q < r.best_records(i).size(); ++q) {
        const batch::best_across o = r.best(i, q);
        ojson e{{"output", o.output}};
        if (output_name) e["output_name"] = output_name(static_cast<std::size_t>(o.output));
        e["worst_headroom_db"] = o.headroom.db();
        e["worst_headroom_hz"] = o.frequency_hz;
        e["worst_headroom_limit"] = to_string(o.binding);
        best.push_back(std::move(e));
    }
    return best;
}

json_object_writer::json_object_writer(std::ostream& os) : os_{os} { os_ << '{'; }

void json_object_writer::key(std::string_view k) {
    os_ << (first_ ? "\n  " : ",\n  ") << ojson(std::string{k}).dump(-1, ' ', false, ojson::error_handler_t::replace) << ": ";
    first_ = false;
}

void json_object_writer::indented(const ojson& value, std::string_view indent) {
    const std::string text = value.dump(2, ' ', false, ojson::error_handler_t::replace);
    for (const char c : text) {
        os_ << c;
        if (c == '\n') os_ << indent;
    }
}

void json_object_writer::member(std::string_view k, const ojson& value) {
    key(k);
    indented(value, "  ");
}

void json_object_writer::array_member(std::string_view k, std::size_t count, const std::function<ojson(std::size_t)>& entry) {
    key(k);
    if (count == 0) {
        os_ << "[]";
        return;
    }
    os_ << '[';
    for (std::size_t i = 0; i < count; ++i) {
        os_ << (i == 0 ? "\n    " : ",\n    ");
        indented(entry(i), "    ");
    }
    os_ << "\n  ]";
}

void json_object_writer::close() { os_ << (first_ ? "}\n" : "\n}\n"); }

void write_sweep_json(std::ostream& os, const ojson& statistics, const ojson& extra, const batch::sweep_result& r,
                      const sweep_names& names) {
    json_object_writer w{os};
    for (const auto& [k, v] : statistics.items()) w.member(k, v);
    for (const auto& [k, v] : extra.items()) w.member(k, v);
    if (r.top_k() > 0)
        w.array_member("top", static_cast<std::size_t>(r.headphones()), [&](std::size_t i) {
            ojson entry{{"headphone", i}};
            if (names.headphone) entry["headphone_name"] = names.headphone(i);
            ojson best = ojson::array();
            for (const batch::best_output& o : r.best(static_cast<batch::index>(i))) {
                ojson b{{"output", o.output}};
                if (names.output) b["output_name"] = names.output(static_cast<std::size_t>(o.output));
                b["headroom_db"] = o.headroom.db();
                b["limit"] = to_string(o.binding);
                b["max_spl_db"] = o.max_spl.db();
                best.push_back(std::move(b));
            }
            entry["best"] = std::move(best);
            return entry;
        });
    w.close();
}

}  // namespace headroom::frontend
