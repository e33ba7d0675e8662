#pragma once

// The one way the commands write a file the user names (sweep --out, plot --out). The bytes go to a temporary
// file created exclusively beside the destination, under a name nobody can guess; every write, the fsync and
// the close are checked; only then is the file renamed over the destination (and the folder synced). So the
// destination holds either its old content or the whole new file, never a truncated one, whatever fails: a full
// disk, a file size limit, a crash, SIGINT, SIGTERM or SIGHUP (signal_cleanup.hpp removes the temporary file).
//
// Only a regular file is ever replaced: a symbolic link, FIFO, device, socket or folder at the destination is
// refused (a usage_error, exit 2) before anything is written. A new file gets the mode 0666 less the umask
// (0644 usually); a replaced file keeps its mode. "-" means standard output: the bytes are written there as
// they come, with the same checks.

#include "signal_cleanup.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace headroom::cli {

// Refuses, as usage_error naming `flag`, a destination that output_file would refuse: an empty name, a path
// naming a folder, a folder that does not exist, or anything but a regular file at the path. Cheap and creates
// nothing: commands call it before expensive work, so that a bad --out costs nothing.
void check_destination(std::string_view flag, const std::string& path);

class output_file {
public:
    // Creates the temporary file (or takes `standard_output` for "-"). Throws usage_error for a destination
    // check_destination refuses, output_error (exit 1) when the file cannot be created.
    output_file(std::string_view flag, std::string path, std::ostream& standard_output);
    ~output_file();  // unless committed: the temporary file is removed and the destination is untouched
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    // Throws output_error naming the flag and the file when a write fails (the temporary file is then removed by the
    // destructor).
    void write(std::string_view bytes);

    // Makes the file the destination: flush, fsync, close, rename, sync the folder. Throws output_error on any
    // failure, with the destination untouched unless the rename has happened.
    void commit();

    [[nodiscard]] bool is_standard_output() const noexcept { return standard_output_ != nullptr; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    void flush_buffer();
    void write_fully(std::string_view bytes);
    [[noreturn]] void fail(const char* doing, int error) const;

    std::string flag_;
    std::string path_;
    std::string folder_;  // where the temporary file and the destination are
    std::string temp_;
    std::ostream* standard_output_ = nullptr;
    int fd_ = -1;
    bool replaces_ = false;    // the destination exists (a regular file)
    unsigned mode_ = 0;        // the mode the file gets at commit
    unsigned uid_ = 0, gid_ = 0;
    bool committed_ = false;
    std::string buffer_;
    std::optional<cleanup_file> cleanup_;  // while the temporary file exists
};

}  // namespace headroom::cli
