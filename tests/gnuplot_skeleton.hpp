#pragma once

// A reader of the gnuplot scripts headroom writes, for the tests and the plot_script fuzz target: it separates
// the code from the contents of the single-quoted string literals. User text is safe in a script when, whatever
// it is, the code (the skeleton) stays the same as with harmless text, and every literal is one line of valid
// UTF-8 with no control character. The reader knows what the scripts use: single-quoted literals ('' inside),
// the fixed double-quoted "\n", and datablocks ($name << EOD ... EOD) of numbers. A backquote, a comment or a
// line break outside those is a malformed script.

#include <string>
#include <string_view>
#include <vector>

namespace headroom::test {

struct script_shape {
    std::string skeleton;               // the script with each single-quoted literal replaced by ''
    std::vector<std::string> literals;  // their contents, '' read as '
    bool well_formed = true;
    std::string problem;                // why not, for a failure message
};

inline script_shape shape_of(std::string_view script) {
    script_shape s;
    const auto malformed = [&](std::string why) {
        if (s.well_formed) s.problem = std::move(why);
        s.well_formed = false;
    };
    bool in_datablock = false;
    std::size_t at = 0;
    while (at < script.size()) {
        const std::size_t end = std::min(script.find('\n', at), script.size());
        const std::string_view line = script.substr(at, end - at);
        if (in_datablock || (line.starts_with("$") && line.find(" << EOD") != std::string_view::npos)) {
            // Numbers only, copied as they are.
            for (const char c : line)
                if (c != ' ' && c != '.' && c != '-' && c != '+' && c != 'e' && (c < '0' || c > '9') && !line.starts_with("$") &&
                    line != "EOD")
                    malformed("a datablock holds '" + std::string{line} + "'");
            in_datablock = line != "EOD";
            s.skeleton.append(line);
            s.skeleton += '\n';
            at = end + 1;
            continue;
        }
        for (std::size_t i = 0; i < line.size(); ++i) {
            const char c = line[i];
            if (c == '\'') {
                std::string content;
                std::size_t j = i + 1;
                for (;; ++j) {
                    if (j >= line.size()) {
                        malformed("a single-quoted string runs past its line");
                        break;
                    }
                    if (line[j] == '\'') {
                        if (j + 1 < line.size() && line[j + 1] == '\'') {
                            content += '\'';
                            ++j;
                            continue;
                        }
                        break;
                    }
                    content += line[j];
                }
                s.literals.push_back(std::move(content));
                s.skeleton += "''";
                i = j;
            } else if (c == '"') {
                const std::size_t close = line.find('"', i + 1);
                if (close == std::string_view::npos || line.substr(i, close - i + 1) != "\"\\n\"") malformed("a double-quoted string other than \"\\n\"");
                s.skeleton.append(line.substr(i, close == std::string_view::npos ? line.size() - i : close - i + 1));
                i = close == std::string_view::npos ? line.size() : close;
            } else if (c == '`' || c == '#' || c == '@' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                malformed(std::string{"code holds '"} + c + "'");
                s.skeleton += c;
            } else {
                s.skeleton += c;
            }
        }
        s.skeleton += '\n';
        at = end + 1;
    }
    if (in_datablock) malformed("a datablock without EOD");
    return s;
}

}  // namespace headroom::test
