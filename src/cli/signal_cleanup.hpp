#pragma once

// What a command must undo when SIGINT (Ctrl-C), SIGTERM or SIGHUP ends it: temporary files it was writing
// (a sweep's CSV can grow by gigabytes) and child processes it started (gnuplot). A small fixed registry holds
// them; the handler, which may only make async-signal-safe calls, unlinks the files, kills the children, then
// restores the signal's default action and raises it again, so that the process still ends the way the signal
// asked (a shell reports 130 for Ctrl-C) and nothing is left behind.
//
// The handlers are installed when the first guard registers, and only for signals the process does not ignore
// (`nohup` keeps SIGHUP ignored). Register and release from a thread while no other thread could take these
// signals; each registry change itself runs with the signals held back (signals_held), so a handler
// never sees a half-written entry.

#include <signal.h>
#include <sys/types.h>

#include <string>

namespace headroom::cli {

// Removes `path` (a file) if a signal ends the process while the guard lives. The guard never removes the file
// itself: its owner does that, or renames the file into place, and then lets the guard go.
class cleanup_file {
public:
    explicit cleanup_file(const std::string& path);
    ~cleanup_file();
    cleanup_file(const cleanup_file&) = delete;
    cleanup_file& operator=(const cleanup_file&) = delete;

    void release() noexcept;  // no longer removed on a signal

private:
    int slot_ = -1;
};

// Kills `pid` (SIGKILL) if a signal ends the process while the guard lives. Release it once the child has been
// waited for, never before: until then the pid cannot belong to another process.
class cleanup_child {
public:
    explicit cleanup_child(pid_t pid);
    ~cleanup_child();
    cleanup_child(const cleanup_child&) = delete;
    cleanup_child& operator=(const cleanup_child&) = delete;

    void release() noexcept;

private:
    int slot_ = -1;
};

// Holds back SIGINT, SIGTERM and SIGHUP on this thread while it lives (they are delivered when it ends), for
// steps that must not be split by a signal: creating a file and registering it, renaming it and releasing it,
// starting a child and registering it.
class signals_held {
public:
    signals_held() noexcept;
    ~signals_held();
    signals_held(const signals_held&) = delete;
    signals_held& operator=(const signals_held&) = delete;

private:
    sigset_t saved_{};
};

}  // namespace headroom::cli
