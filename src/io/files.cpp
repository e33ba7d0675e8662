// Reading untrusted files: only regular files, only so much of them, and no surprises from a FIFO or a device.

#include "headroom/io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace headroom {

namespace {

std::string compose(const std::string& file, const std::string& entry, const std::string& field, const std::string& problem) {
    std::string s;
    for (const std::string* part : {&file, &entry, &field})
        if (!part->empty()) s += *part + ": ";
    return s + problem;
}

// Closes a file descriptor however the reading ends.
struct descriptor {
    int fd;
    ~descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

std::string_view kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

io_error::io_error(std::string file, std::string entry, std::string field, const std::string& problem)
    : error{compose(file, entry, field, problem)},
      file_{std::move(file)},
      entry_{std::move(entry)},
      field_{std::move(field)} {}

std::string read_text_file(const std::filesystem::path& path, std::string_view what) {
    const std::string name = path.string();
    const auto fail = [&](const std::string& problem) { throw io_error{name, "", "", problem}; };
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on the open descriptor, so the
    // file cannot be swapped between the check and the read.
    const descriptor f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (f.fd < 0) fail("cannot open the " + std::string{what} + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) fail("cannot read the " + std::string{what} + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail("is " + std::string{kind_of(st.st_mode)} + ": the " + std::string{what} + " must be a regular file");
    if (st.st_size == 0) fail("is empty: no " + std::string{what} + " in it");
    if (static_cast<std::uintmax_t>(st.st_size) > max_file_bytes)
        fail("is " + std::to_string(st.st_size) + " bytes; a " + std::string{what} + " may have at most " +
             std::to_string(max_file_bytes) + " (64 MiB)");
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("cannot read the " + std::string{what} + ": " + std::strerror(errno));
        if (n == 0) break;  // the file shrank while being read
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark is not content
    if (text.empty()) fail("is empty: no " + std::string{what} + " in it");
    return text;
}

}  // namespace headroom
