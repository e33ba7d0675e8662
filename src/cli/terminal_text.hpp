#pragma once

// Text that came from files or flags (catalog names, file names, messages quoting either) is data: printed raw,
// an escape sequence in a catalog name would clear the screen, retitle the window or plant a link, and a carriage
// return or line feed would forge report or error lines. Everything such text reaches a terminal through
// terminal_text() (stdout reports, stderr error lines), which keeps printable UTF-8 and shows the rest visibly.

#include <string>
#include <string_view>

namespace headroom::cli {

// `text` with every byte a terminal could act on shown as an escape:
//   \n \r \t                      for line feed, carriage return and tab
//   \xNN                          for the other C0 controls (ESC is \x1b), DEL, and each byte that is not valid UTF-8
//   \u0085, \u202e, ...           for C1 controls (U+0080-U+009F), the bidirectional overrides and isolates
//                                 (U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators (U+2028-9)
// Printable characters, including every other valid UTF-8 character, pass unchanged. The result is valid UTF-8
// with no control character in it, so it is one line however it is printed.
[[nodiscard]] std::string terminal_text(std::string_view text);

}  // namespace headroom::cli
