// Writing the files users name (output_file.hpp), on its own and through sweep --out: whole or not at all, only
// over a regular file, with the right mode, never after an empty or odd name, and with one clear line and exit 1
// when the disk is full or a file size limit is reached.

#include "cli/commands.hpp"
#include "cli/output_file.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using headroom::cli::output_file;
using headroom::test::result;
using headroom::test::run;
using headroom::test::scratch_dir;
using headroom::test::slurp;

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

mode_t mode_of(const fs::path& p) {
    struct stat st{};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return st.st_mode;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream{p, std::ios::binary} << text; }

// Sets the umask for the guard's life.
struct umask_guard {
    mode_t old;
    explicit umask_guard(mode_t m) : old{::umask(m)} {}
    ~umask_guard() { ::umask(old); }
    umask_guard(const umask_guard&) = delete;
    umask_guard& operator=(const umask_guard&) = delete;
};

// A usage error: exit 2, nothing on stdout, one line on stderr holding `fragment`.
void check_refused(const result& r, const std::string& fragment) {
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("output_file: nothing reaches the destination before commit, and no temporary file is left") {
    const scratch_dir s{"of_commit"};
    const fs::path dest = s.dir / "out.csv";
    write_text(dest, "old\n");
    std::ostringstream stdout_unused;
    {
        output_file f{"--out", dest.string(), stdout_unused};
        f.write("new, ");
        f.write(std::string(3 << 20, 'x'));  // larger than the buffer: written through
        CHECK(slurp(dest) == "old\n");
        CHECK(s.entries().size() == 2);  // the destination and the temporary file
        // Destroyed without commit, as when an exception unwinds.
    }
    CHECK(slurp(dest) == "old\n");
    CHECK(s.entries() == std::vector<std::string>{"out.csv"});
    {
        output_file f{"--out", dest.string(), stdout_unused};
        f.write("new\n");
        f.commit();
    }
    CHECK(slurp(dest) == "new\n");
    CHECK(s.entries() == std::vector<std::string>{"out.csv"});
    CHECK(stdout_unused.str().empty());
}

TEST_CASE("output_file: a new file gets 0666 less the umask, a replaced file keeps its mode") {
    const scratch_dir s{"of_mode"};
    std::ostringstream unused;
    const auto write_file = [&](const fs::path& p) {
        output_file f{"--out", p.string(), unused};
        f.write("x\n");
        f.commit();
    };
    {
        const umask_guard u{022};
        write_file(s.dir / "a");
        CHECK((mode_of(s.dir / "a") & 07777) == 0644);
    }
    {
        const umask_guard u{027};
        write_file(s.dir / "b");
        CHECK((mode_of(s.dir / "b") & 07777) == 0640);
    }
    write_text(s.dir / "c", "old");
    fs::permissions(s.dir / "c", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    {
        const umask_guard u{0};
        write_file(s.dir / "c");
    }
    CHECK((mode_of(s.dir / "c") & 07777) == 0640);
    CHECK(slurp(s.dir / "c") == "x\n");
}

TEST_CASE("output_file: - is standard output") {
    std::ostringstream out;
    output_file f{"--out", "-", out};
    CHECK(f.is_standard_output());
    f.write("a,b\n");
    f.commit();
    CHECK(out.str() == "a,b\n");
}

TEST_CASE("sweep --out replaces only a regular file: links, FIFOs, devices and folders are refused") {
    const scratch_dir s{"of_special"};
    const std::vector<std::string> sweep{"sweep", "--synthetic", "3x4", "--out"};
    const auto with_out = [&](const fs::path& p) {
        auto args = sweep;
        args.push_back(p.string());
        return args;
    };

    // A symbolic link to a victim: the victim and the link stay as they are.
    write_text(s.dir / "victim", "precious\n");
    fs::create_symlink(s.dir / "victim", s.dir / "link.csv");
    check_refused(run(with_out(s.dir / "link.csv")), "is a symbolic link");
    CHECK(slurp(s.dir / "victim") == "precious\n");
    CHECK(fs::is_symlink(s.dir / "link.csv"));
    // A dangling link would have let rename plant a file wherever it pointed.
    fs::create_symlink(s.dir / "nowhere", s.dir / "dangling.csv");
    check_refused(run(with_out(s.dir / "dangling.csv")), "is a symbolic link");
    CHECK_FALSE(fs::exists(s.dir / "nowhere"));

    // A FIFO: refused at once (opening it to write would wait for a reader).
    REQUIRE(::mkfifo((s.dir / "fifo").c_str(), 0600) == 0);
    check_refused(run(with_out(s.dir / "fifo")), "is a FIFO");
    CHECK(S_ISFIFO(mode_of(s.dir / "fifo")));

    // /dev/null stays the character device it is (as root a rename would have replaced it).
    check_refused(run(with_out("/dev/null")), "is a character device");
    CHECK(S_ISCHR(mode_of("/dev/null")));
    if (::mknod((s.dir / "null").c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
        check_refused(run(with_out(s.dir / "null")), "is a character device");
        CHECK(S_ISCHR(mode_of(s.dir / "null")));
        fs::remove(s.dir / "null");
    } else {
        MESSAGE("cannot make a device node here (not root): only /dev/null itself is checked");
    }

    // A folder, named with or without a trailing slash, and a path into a folder that does not exist.
    fs::create_directories(s.dir / "folder");
    check_refused(run(with_out(s.dir / "folder")), "is a folder");
    check_refused(run(with_out(s.dir / "folder" / "")), "names a folder");
    check_refused(run(with_out(s.dir / "missing" / "x.csv")), "does not exist");

    // Nothing else appeared: no temporary file, no output.
    auto names = s.entries();
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"dangling.csv", "fifo", "folder", "link.csv", "victim"});
}

TEST_CASE("empty file and value arguments are refused naming the flag, before anything is written") {
    const scratch_dir s{"of_empty"};
    for (const auto& [args, flag] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"sweep", "--synthetic", "3x4", "--out", ""}, "--out"},
             {{"sweep", "--amps", ""}, "--amps"},
             {{"sweep", "--headphones", ""}, "--headphones"},
             {{"sweep", "--synthetic", ""}, "--synthetic"},
             {{"sweep", "--synthetic", "3x4", "--threads", ""}, "--threads"},
             {{"sweep", "--synthetic", "3x4", "--crest", ""}, "--crest"},
             {{"sweep", "--synthetic", "3x4", "--seed", ""}, "--seed"},
             {{"plot", "load", "--vmax", "2", "--out", ""}, "--out"},
             {{"catalog", "headphones", "--catalog-dir", ""}, "--catalog-dir"},
         }) {
        CAPTURE(flag);
        check_refused(run(args), flag);
    }
    CHECK(s.entries().empty());
}

TEST_CASE("sweep --out -: the CSV alone on standard output, and with --json it is refused") {
    const result r = run({"sweep", "--synthetic", "3x4", "--out", "-"});
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.rfind("headphone,amplifier,output,gain,headroom_db,limit,max_spl_db,max_limit\n", 0) == 0);
    CHECK(lines(r.out) == 1 + 3 * 4);
    check_refused(run({"sweep", "--synthetic", "3x4", "--out", "-", "--json"}), "--out -");
}

TEST_CASE("sweep --out with names that are not UTF-8, hold controls or quotes: written, and reported escaped") {
    const scratch_dir s{"of_names"};
    for (const std::string name : {"caf\xe9.csv", "\xff\xfe.csv", "new\nline.csv", "esc\x1b[2J.csv", "quote'\"`$(x).csv"}) {
        const fs::path dest = s.dir / name;
        const result j = run({"sweep", "--synthetic", "3x4", "--out", dest.string(), "--json"});
        CAPTURE(j.err);
        REQUIRE(j.code == 0);
        const auto doc = nlohmann::json::parse(j.out);  // valid JSON whatever the name
        CHECK(doc.contains("out"));
        CHECK(lines(slurp(dest)) == 1 + 3 * 4);

        const result text = run({"sweep", "--synthetic", "3x4", "--out", dest.string()});
        REQUIRE(text.code == 0);
        CHECK(headroom::test::terminal_safe(text.out));
        CHECK(text.out.find("every pair written to ") != std::string::npos);
        fs::remove(dest);
    }
    CHECK(s.entries().empty());
}

TEST_CASE("a full disk: exit 1 with one line, the old file untouched, no temporary file") {
    const scratch_dir s{"of_full"};
    const fs::path mount_point = s.dir / "small";
    fs::create_directories(mount_point);
    if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=128k") != 0) {
        MESSAGE("cannot mount a small tmpfs here (needs root): the full-disk case is left to the file size limit test");
        return;
    }
    struct unmount {
        fs::path p;
        ~unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    } const unmount_at_end{mount_point};
    const fs::path dest = mount_point / "pairs.csv";
    write_text(dest, "old\n");
    const result r = run({"sweep", "--synthetic", "100x1000", "--out", dest.string()});  // about 3 MB of CSV
    CAPTURE(r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(lines(r.err) == 1);
    CHECK(r.err.find("No space left on device") != std::string::npos);
    CHECK(slurp(dest) == "old\n");
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator{mount_point}) left.push_back(e.path().filename().string());
    CHECK(left == std::vector<std::string>{"pairs.csv"});
}

TEST_CASE("a file size limit (ulimit -f): exit 1 with one line, the old file untouched, no temporary file") {
    const scratch_dir s{"of_fsize"};
    const fs::path dest = s.dir / "pairs.csv";
    write_text(dest, "old\n");
    headroom::test::launch_options o;
    o.err = (s.dir / "err").string();
    o.file_size_limit = 64 * 1024;
    const pid_t pid = headroom::test::launch({"sweep", "--synthetic", "100x1000", "--out", dest.string()}, o);
    const int status = headroom::test::wait_for(pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    const std::string err = slurp(s.dir / "err");
    CAPTURE(err);
    CHECK(lines(err) == 1);
    CHECK(err.find("File too large") != std::string::npos);
    CHECK(slurp(dest) == "old\n");
    fs::remove(s.dir / "err");
    CHECK(s.entries() == std::vector<std::string>{"pairs.csv"});
}
