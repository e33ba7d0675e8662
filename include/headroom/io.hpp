#pragma once

// Reading headroom's inputs from text and files: impedance curves (CSV), driver models, AutoEq parametric EQ and,
// with catalog.hpp, catalogs. All compiled in the headroom::io target (src/io/); this header declares them and
// their one error type. Files from the internet are untrusted: only regular files are read, at most
// max_file_bytes of them, a UTF-8 byte-order mark is skipped, and every problem names the file, the line where
// there is one, and the field.

#include "headroom/eq.hpp"
#include "headroom/error.hpp"
#include "headroom/impedance_curve.hpp"

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace headroom {

// Input that cannot be read as what it should be. what() is one line: "file[:line[:column]]: [entry: ][field: ]problem".
class io_error : public error {
public:
    io_error(std::string file, std::string entry, std::string field, const std::string& problem);

    [[nodiscard]] const std::string& file() const noexcept { return file_; }    // with :line[:column] where known
    [[nodiscard]] const std::string& entry() const noexcept { return entry_; }  // empty for file-level problems
    [[nodiscard]] const std::string& field() const noexcept { return field_; }  // empty when no field applies

private:
    std::string file_, entry_, field_;
};

// The largest file headroom reads: far above any catalog, curve or EQ (the bundled catalog is under 200 KB), and
// small enough that a wrong path (a disk image, /dev/zero) costs nothing.
inline constexpr std::size_t max_file_bytes = std::size_t{64} << 20;

// A regular file's contents, without a leading UTF-8 byte-order mark. Throws io_error naming the path for a folder,
// FIFO, device or socket, a file that cannot be opened, an empty file, or one over max_file_bytes.
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path, std::string_view what);

// Impedance curves: rows of frequency_hz,magnitude_ohm[,phase_deg] (phase in degrees, positive = inductive). An
// optional first row of column names (frequency..., magnitude/impedance/z..., phase...) is skipped, as are blank
// lines and lines starting with '#'. `source` names the text in errors.
[[nodiscard]] impedance_curve read_impedance_curve(std::string_view text, const std::string& source);
[[nodiscard]] impedance_curve load_impedance_curve(const std::filesystem::path& path);

// A driver model from "Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5" (any order, each key once, all five required).
[[nodiscard]] driver_model parse_driver_model(std::string_view text);

// AutoEq's ParametricEQ.txt (and Equalizer APO's unnumbered "Filter:" lines): a Preamp line and PK, LSC and HSC
// filters; OFF filters are skipped.
[[nodiscard]] parametric_eq read_parametric_eq(std::string_view text, const std::string& source);
[[nodiscard]] parametric_eq load_parametric_eq(const std::filesystem::path& path);

}  // namespace headroom
