// The calculator as a WebAssembly module (embind): three functions that take and give JSON text. The catalog is
// embedded in the module at /catalog (web/CMakeLists.txt), so the page needs no network.

#include "calculator.hpp"

#include <emscripten/bind.h>

#include <exception>
#include <memory>
#include <string>

namespace {

// Loaded once, on the first call; a catalog that fails to load is reported by every call.
struct loaded {
    std::unique_ptr<headroom::web::calculator> calc;
    std::string error;
};

const loaded& the_calculator() {
    static const loaded l = [] {
        loaded r;
        try {
            r.calc = std::make_unique<headroom::web::calculator>("/catalog");
        } catch (const std::exception& e) {
            r.error = e.what();
        }
        return r;
    }();
    return l;
}

std::string failure(const std::string& message) {
    std::string quoted;
    for (const char c : message) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) quoted += c;
    }
    return R"({"ok":false,"field":"","message":")" + quoted + "\"}";
}

std::string catalog() {
    const loaded& l = the_calculator();
    return l.calc ? l.calc->catalog_json() : failure(l.error);
}

std::string analyse(const std::string& request) {
    const loaded& l = the_calculator();
    return l.calc ? l.calc->analyse(request) : failure(l.error);
}

std::string fields() { return headroom::web::calculator::fields_json(); }

std::string rank(const std::string& request) {
    const loaded& l = the_calculator();
    return l.calc ? l.calc->rank(request) : failure(l.error);
}

}  // namespace

EMSCRIPTEN_BINDINGS(headroom) {
    emscripten::function("catalog", &catalog);
    emscripten::function("analyse", &analyse);
    emscripten::function("rank", &rank);
    emscripten::function("fields", &fields);
}
