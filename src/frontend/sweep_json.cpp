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

}  // namespace headroom::frontend
