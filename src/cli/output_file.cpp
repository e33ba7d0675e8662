#include "output_file.hpp"

#include "commands.hpp"
#include "standard_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace headroom::cli {

namespace {

constexpr std::size_t buffer_size = std::size_t{1} << 20;

// The folder and the last component of a destination path, as the system will resolve them.
struct split_path {
    std::string folder, name;
};

split_path split(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {".", path};
    return {slash == 0 ? std::string{"/"} : path.substr(0, slash), path.substr(slash + 1)};
}

std::string_view kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// The mode a new file gets: what open(..., 0666) would give under the process's umask. umask() can only be read
// by setting it; nothing else in the command creates files meanwhile.
mode_t new_file_mode() {
    const mode_t mask = ::umask(077);
    ::umask(mask);
    return 0666 & ~mask;
}

// 16 hex digits from the system's random source: a temporary name nobody can guess in advance and plant a link at.
std::string random_suffix() {
    std::random_device rd;
    const std::uint64_t v = (std::uint64_t{rd()} << 32) ^ rd();
    return fmt::format("{:016x}", v);
}

// The destination as it is now: false when there is nothing there; usage_error when it is there and not a
// regular file.
bool existing_regular_file(std::string_view flag, const std::string& path, struct stat& st) {
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return false;
        throw output_error{fmt::format("{}: cannot examine '{}': {}", flag, path, std::strerror(errno))};
    }
    if (!S_ISREG(st.st_mode))
        throw usage_error{fmt::format("{}: '{}' is {}; only a regular file is replaced", flag, path, kind_of(st.st_mode))};
    return true;
}

}  // namespace

void check_destination(std::string_view flag, const std::string& path) {
    if (path.empty()) throw usage_error{fmt::format("{}: give a file name (or - for standard output)", flag)};
    if (path == "-") return;
    const split_path p = split(path);
    if (p.name.empty() || p.name == "." || p.name == "..")
        throw usage_error{fmt::format("{}: '{}' names a folder, not a file", flag, path)};
    struct stat st{};
    if (::stat(p.folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw usage_error{fmt::format("{}: directory '{}' does not exist", flag, p.folder)};
    (void)existing_regular_file(flag, path, st);
}

output_file::output_file(std::string_view flag, std::string path, std::ostream& standard_output)
    : flag_{flag}, path_{std::move(path)} {
    check_destination(flag_, path_);
    if (path_ == "-") {
        standard_output_ = &standard_output;
        return;
    }
    const split_path p = split(path_);
    folder_ = p.folder;
    struct stat st{};
    replaces_ = existing_regular_file(flag_, path_, st);
    if (replaces_) {
        mode_ = st.st_mode & 07777;
        uid_ = st.st_uid;
        gid_ = st.st_gid;
    } else {
        mode_ = new_file_mode();
    }
    // Long names leave room for the suffix within the system's 255-byte limit on a name.
    const std::string stem = p.name.substr(0, std::min<std::size_t>(p.name.size(), 200));
    const std::string prefix = path_.substr(0, path_.size() - p.name.size()) + stem + ".tmp-";
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        std::string candidate = prefix + random_suffix();
        // Create and register as one step, so that a signal cannot leave an unregistered file behind. The file
        // stays private (0600) until commit gives it its final mode.
        const signals_held held;
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            fail("cannot create a file beside", errno);
        }
        fd_ = fd;
        temp_ = std::move(candidate);
        try {
            cleanup_.emplace(temp_);
        } catch (...) {
            ::close(fd_);
            ::unlink(temp_.c_str());
            fd_ = -1;
            throw;
        }
    }
    if (fd_ < 0) fail("cannot create a file beside", EEXIST);
    buffer_.reserve(buffer_size);
}

output_file::~output_file() {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_.empty() && !committed_) {
        const signals_held held;
        ::unlink(temp_.c_str());
        cleanup_.reset();
    }
}

void output_file::fail(const char* doing, int error) const {
    throw output_error{fmt::format("{}: {} '{}': {}", flag_, doing, path_, std::strerror(error))};
}

void output_file::write(std::string_view bytes) {
    if (committed_) throw std::logic_error{"output_file: write after commit"};
    if (standard_output_ != nullptr) {
        standard_output_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!*standard_output_)
            throw output_error{fmt::format("{}: cannot write standard output: {}", flag_, write_failure(*standard_output_))};
        return;
    }
    if (buffer_.size() + bytes.size() > buffer_size) flush_buffer();
    if (bytes.size() >= buffer_size)
        write_fully(bytes);  // as large as the buffer: no point copying it
    else
        buffer_ += bytes;
}

void output_file::flush_buffer() {
    write_fully(buffer_);
    buffer_.clear();
}

void output_file::write_fully(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t done = ::write(fd_, bytes.data(), bytes.size());
        if (done < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
        }
        if (done == 0) fail("cannot write", EIO);
        bytes.remove_prefix(static_cast<std::size_t>(done));
    }
}

void output_file::commit() {
    if (committed_) return;
    if (standard_output_ != nullptr) {
        if (!standard_output_->flush())
            throw output_error{fmt::format("{}: cannot write standard output: {}", flag_, write_failure(*standard_output_))};
        committed_ = true;
        return;
    }
    flush_buffer();
    // Keep the owner where the system lets us (root replacing a user's file); elsewhere the file is the writer's.
    if (replaces_ && (uid_ != ::geteuid() || gid_ != ::getegid()) && ::fchown(fd_, uid_, gid_) != 0) {
    }
    if (::fchmod(fd_, static_cast<mode_t>(mode_)) != 0) fail("cannot set the mode of", errno);
    if (::fsync(fd_) != 0) fail("cannot write", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot write", errno);

    // Whatever appeared at the destination meanwhile must still be a regular file (or nothing): rename() would
    // replace a link or a device node itself.
    struct stat st{};
    (void)existing_regular_file(flag_, path_, st);
    {
        const signals_held held;
        if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("cannot replace", errno);
        committed_ = true;
        cleanup_.reset();
    }
    // The rename is durable once the folder is: without this a crash could bring back the old file, or none.
    const int dir = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        const int synced = ::fsync(dir) == 0 ? 0 : errno;
        ::close(dir);
        if (synced != 0 && synced != EINVAL && synced != EROFS && synced != EBADF) fail("wrote, but cannot sync the folder of", synced);
    }
}

}  // namespace headroom::cli
