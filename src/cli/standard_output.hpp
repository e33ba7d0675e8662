#pragma once

// Standard output is output too: a report that never reached a full disk, a closed descriptor or a broken pipe
// must not end in exit 0. main() writes standard output through fd_streambuf, which writes with write(2),
// retries what was cut short and remembers why a write failed; run() (app.cpp) flushes and checks the stream and
// reports a failure as one line on stderr with exit 1.

#include <array>
#include <ostream>
#include <streambuf>
#include <string>

namespace headroom::cli {

// A buffered stream buffer over a file descriptor. After the first failed write every later one fails too,
// so the stream's state says the output is incomplete.
class fd_streambuf : public std::streambuf {
public:
    // `error`: a failure known from the start (EBADF when the descriptor was closed when the program started).
    explicit fd_streambuf(int fd, int error = 0) noexcept;
    fd_streambuf(const fd_streambuf&) = delete;
    fd_streambuf& operator=(const fd_streambuf&) = delete;

    [[nodiscard]] int error() const noexcept { return error_; }  // the errno of the failure, 0 while none

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

private:
    bool drain() noexcept;
    bool write_all(const char* s, std::size_t n) noexcept;

    int fd_;
    int error_;
    std::array<char, 1 << 16> buffer_{};
};

// Why writing `os` failed, for an error line: the system's reason when it writes through an fd_streambuf.
[[nodiscard]] std::string write_failure(const std::ostream& os);

// Descriptors 0, 1 and 2 that are closed when the program starts are opened on /dev/null, so that no file the
// program opens later takes their number (a closed stdout would otherwise send the report into, say, the CSV
// being written). Returns which of them were closed.
struct closed_standard_streams {
    bool in = false, out = false, err = false;
};
closed_standard_streams claim_standard_descriptors() noexcept;

}  // namespace headroom::cli
