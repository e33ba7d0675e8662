#include "standard_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace headroom::cli {

fd_streambuf::fd_streambuf(int fd, int error) noexcept : fd_{fd}, error_{error} {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool fd_streambuf::write_all(const char* s, std::size_t n) noexcept {
    if (error_ != 0) return false;
    while (n > 0) {
        const ssize_t done = ::write(fd_, s, n);
        if (done < 0) {
            if (errno == EINTR) continue;
            error_ = errno;
            return false;
        }
        if (done == 0) {  // never for a working descriptor; do not spin
            error_ = EIO;
            return false;
        }
        s += done;
        n -= static_cast<std::size_t>(done);
    }
    return true;
}

bool fd_streambuf::drain() noexcept {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    const bool ok = write_all(pbase(), n);
    setp(buffer_.data(), buffer_.data() + buffer_.size());  // a failed buffer is dropped: the stream has failed
    return ok;
}

fd_streambuf::int_type fd_streambuf::overflow(int_type c) {
    if (!drain()) return traits_type::eof();
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    return c;
}

std::streamsize fd_streambuf::xsputn(const char* s, std::streamsize n) {
    if (n <= epptr() - pptr()) {
        std::memcpy(pptr(), s, static_cast<std::size_t>(n));
        pbump(static_cast<int>(n));
        return n;
    }
    // Larger than what is left: send the buffer, then the text itself without copying it.
    if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
    return n;
}

int fd_streambuf::sync() { return drain() ? 0 : -1; }

std::string write_failure(const std::ostream& os) {
    if (const auto* fd = dynamic_cast<const fd_streambuf*>(os.rdbuf()); fd != nullptr && fd->error() != 0)
        return std::strerror(fd->error());
    return "write error";
}

closed_standard_streams claim_standard_descriptors() noexcept {
    closed_standard_streams closed;
    bool* flags[] = {&closed.in, &closed.out, &closed.err};
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        *flags[fd] = true;
        // open() returns the lowest free descriptor: this one, as the ones below it are open by now.
        const int null = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) {
            ::dup2(null, fd);
            ::close(null);
        }
    }
    return closed;
}

}  // namespace headroom::cli
