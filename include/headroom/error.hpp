#pragma once

// The library's one exception type for invalid specifications. It names the entity (a headphone, an output
// stage, a sensitivity) and the field, so that a caller can point the user at the exact bad value.

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace headroom {

class spec_error : public std::invalid_argument {
public:
    spec_error(std::string entity, std::string field, const std::string& problem)
        : std::invalid_argument{entity + ": " + field + " " + problem},
          entity_{std::move(entity)},
          field_{std::move(field)} {}

    [[nodiscard]] const std::string& entity() const noexcept { return entity_; }
    [[nodiscard]] const std::string& field() const noexcept { return field_; }

private:
    std::string entity_;
    std::string field_;
};

namespace detail {

// Shared checks for constructors: throw naming entity and field, never return a half-valid object.
inline void require_finite(double v, const std::string& entity, const char* field) {
    if (!std::isfinite(v)) throw spec_error{entity, field, "must be a finite number"};
}
inline void require_positive(double v, const std::string& entity, const char* field) {
    require_finite(v, entity, field);
    if (!(v > 0.0)) throw spec_error{entity, field, "must be positive"};
}
inline void require_non_negative(double v, const std::string& entity, const char* field) {
    require_finite(v, entity, field);
    if (v < 0.0) throw spec_error{entity, field, "must not be negative"};
}

}  // namespace detail
}  // namespace headroom
