#pragma once
// Child processes for the tests that run real peers: a Socket.IO server whose port is read from
// its output, a Node script whose exit code is the verdict, a browser driven by such a script.
//
// A child is started from an argument vector and an environment, without a shell, in a process
// group of its own, so that whatever it starts and leaves behind is ended with it, by that
// group's id. Its stdout and stderr are collected into one string by a thread that also watches
// for its exit (poll() on the pipe and on a pidfd). Every wait has a deadline; nothing sleeps.
// The child is not reaped before the ChildProcess is destroyed, so its process id, and the id of
// its group, cannot be given to another process while a signal may still be sent to them.
//
//   std::string error;
//   auto server = sio::test::ChildProcess::spawn({program, "0"}, sio::test::environment_with({}), error);
//   std::string line;
//   if (server && server->wait_for_line("listening ", std::chrono::seconds(15), line)) { ... }
//   server->stop();  // SIGTERM, then SIGKILL after a bounded wait; the destructor does it too

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace sio::test {

using Clock = std::chrono::steady_clock;

/// How long a child gets to exit after SIGTERM before it is sent SIGKILL, and the bound on each
/// wait that follows a signal.
constexpr std::chrono::seconds default_stop_grace{5};

/// A running child process: its output so far, and its end, awaited with deadlines.
///
/// The child is killed when the thread that started it dies (PR_SET_PDEATHSIG), so a test
/// program that crashes takes its children along: start children from a thread that outlives
/// them, such as the one running the test cases.
class ChildProcess {
 public:
  /// Starts `argv[0]` (a path, not looked up on PATH: see find_on_path) with `argv` and `env`
  /// ("NAME=value" strings) and stdin from /dev/null. On failure returns null and describes why
  /// in `error`, e.g. "cannot run /usr/bin/node: No such file or directory".
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv,
                                             const std::vector<std::string>& env, std::string& error) {
    if (argv.empty()) {
      error = "cannot run a program without a path";
      return nullptr;
    }
    // Everything the child touches is prepared before fork: after it, only async-signal-safe calls.
    std::vector<char*> c_argv;
    for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
    c_argv.push_back(nullptr);
    std::vector<char*> c_env;
    for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
    c_env.push_back(nullptr);

    int out[2];
    int exec_status[2];  // closed by a successful exec; carries errno when exec fails
    if (::pipe2(out, O_CLOEXEC) != 0) return failed(error, "pipe", {});
    if (::pipe2(exec_status, O_CLOEXEC) != 0) return failed(error, "pipe", {out[0], out[1]});
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) return failed(error, "fork", {out[0], out[1], exec_status[0], exec_status[1], null_in});
    if (pid == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
      if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      const int err = errno;
      ssize_t ignored = ::write(exec_status[1], &err, sizeof err);
      (void)ignored;
      ::_exit(127);
    }

    ::setpgid(pid, pid);  // here too, so the group exists whichever of the two runs first
    for (int fd : {out[1], exec_status[1], null_in}) close_fd(fd);
    int exec_errno = 0;
    ssize_t got;
    do got = ::read(exec_status[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    ::close(exec_status[0]);
    if (got > 0) {
      reap(pid);
      ::close(out[0]);
      error = "cannot run " + argv[0] + ": " + std::strerror(exec_errno);
      return nullptr;
    }

    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    const int wake_fd = pidfd < 0 ? -1 : ::eventfd(0, EFD_CLOEXEC);
    if (pidfd < 0 || wake_fd < 0) {
      const char* what = pidfd < 0 ? "pidfd_open" : "eventfd";
      const int err = errno;
      ::kill(-pid, SIGKILL);
      reap(pid);
      errno = err;
      return failed(error, what, {out[0], pidfd});
    }
    ::fcntl(out[0], F_SETFL, ::fcntl(out[0], F_GETFL) | O_NONBLOCK);
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], pidfd, wake_fd));
  }

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Stops the child and its group if they still run (see stop), then reaps the child.
  ~ChildProcess() {
    stop();
    const std::uint64_t one = 1;
    ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
    (void)ignored;
    watcher_.join();
    ::close(wake_fd_);
    ::close(pidfd_);
    reap(pid_);
  }

  /// Waits until the output has a complete line starting with `prefix` and returns it (without
  /// the newline) in `line`; false when the child exits and closes its output, or `limit`
  /// passes, first.
  bool wait_for_line(const std::string& prefix, Clock::duration limit, std::string& line) {
    return wait_for_line_where([&](std::string_view l) { return l.substr(0, prefix.size()) == prefix; }, limit, line);
  }

  /// The same for a complete line that contains `text` anywhere (servers that start their lines
  /// with a time stamp).
  bool wait_for_line_containing(const std::string& text, Clock::duration limit, std::string& line) {
    return wait_for_line_where([&](std::string_view l) { return l.find(text) != std::string_view::npos; }, limit, line);
  }

  /// Waits up to `limit` for the child to exit; true if it did. A zero limit asks whether it has.
  bool wait_exit(Clock::duration limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, limit, [this] { return exited_; });
  }

  /// Ends the child's process group: SIGTERM, and SIGKILL when the child has not exited within
  /// `grace`. When the child had already exited, this ends what it left running in its group.
  /// Afterwards output() holds everything the group wrote (awaited for at most `grace` more).
  /// Only the first call acts.
  void stop(Clock::duration grace = default_stop_grace) {
    if (stopped_) return;
    stopped_ = true;
    ::kill(-pid_, SIGTERM);
    wait_exit(grace);
    ::kill(-pid_, SIGKILL);  // the child, if it ignored SIGTERM, or what it left behind
    wait_exit(grace);
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, grace, [this] { return output_closed_; });
  }

  /// Kills the child's process group at once (for a child that overran its time) and waits up
  /// to `limit` for the child's exit.
  void kill_now(Clock::duration limit = default_stop_grace) {
    if (!wait_exit(Clock::duration::zero())) ::kill(-pid_, SIGKILL);
    wait_exit(limit);
  }

  /// Everything the child (and its group) wrote so far on stdout and stderr, interleaved.
  std::string output() {
    std::lock_guard<std::mutex> lock(mutex_);
    return output_;
  }

  /// How the child ended, e.g. "exit code 1" or "killed by signal 9"; "running" if it has not.
  std::string status() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!exited_) return "running";
    if (exit_code_ >= 0) return "exit code " + std::to_string(exit_code_);
    return "killed by signal " + std::to_string(signal_);
  }

  /// The exit code, or -1 if the child has not exited normally (yet).
  int exit_code() {
    std::lock_guard<std::mutex> lock(mutex_);
    return exited_ ? exit_code_ : -1;
  }

  /// The child's process id, which is also the id of its process group.
  pid_t pid() const noexcept { return pid_; }

 private:
  template <class Match>
  bool wait_for_line_where(Match match, Clock::duration limit, std::string& line) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline = Clock::now() + limit;
    for (;;) {
      std::size_t start = 0;
      for (std::size_t nl; (nl = output_.find('\n', start)) != std::string::npos; start = nl + 1) {
        const std::string_view candidate(output_.data() + start, nl - start);
        if (match(candidate)) {
          line = std::string(candidate);
          return true;
        }
      }
      if (exited_ && output_closed_) return false;
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return false;
    }
  }

  ChildProcess(pid_t pid, int out_fd, int pidfd, int wake_fd)
      : pid_(pid), pidfd_(pidfd), wake_fd_(wake_fd), watcher_([this, out_fd] { watch(out_fd); }) {}

  static std::unique_ptr<ChildProcess> failed(std::string& error, const char* call, std::initializer_list<int> fds) {
    error = std::string(call) + ": " + std::strerror(errno);
    for (int fd : fds) close_fd(fd);
    return nullptr;
  }

  static void close_fd(int fd) {
    if (fd >= 0) ::close(fd);
  }

  static void reap(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }

  /// Collects the output and notes the exit, until the output is closed and the child has exited,
  /// or the destructor asks it to finish (the output may stay open in a process outside the group).
  void watch(int out_fd) {
    int exit_fd = pidfd_;
    for (;;) {
      if (out_fd < 0 && exit_fd < 0) break;
      pollfd fds[3] = {{out_fd, POLLIN, 0}, {exit_fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int n = ::poll(fds, 3, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      if (fds[0].revents != 0 && !read_available(out_fd)) {
        ::close(out_fd);
        out_fd = -1;
        set_output_closed();
      }
      if (fds[1].revents & POLLIN) {
        note_exit();
        exit_fd = -1;  // poll() skips negative descriptors
      }
      if (fds[2].revents & POLLIN) {
        if (out_fd >= 0) read_available(out_fd);  // what the child wrote just before it ended
        break;
      }
    }
    if (out_fd >= 0) ::close(out_fd);
    set_output_closed();
  }

  /// Appends what can be read now from `fd` to the output; false once it is closed (or broken).
  bool read_available(int fd) {
    char buffer[8192];
    for (;;) {
      const ssize_t got = ::read(fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return got < 0 && errno == EAGAIN;
      std::lock_guard<std::mutex> lock(mutex_);
      output_.append(buffer, static_cast<std::size_t>(got));
      cv_.notify_all();
    }
  }

  void note_exit() {
    siginfo_t info{};
    int rc;
    // WNOWAIT leaves the child unreaped, so its pid stays ours until the destructor reaps it.
    do rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT);
    while (rc < 0 && errno == EINTR);
    std::lock_guard<std::mutex> lock(mutex_);
    exited_ = true;
    if (rc == 0 && info.si_code == CLD_EXITED) {
      exit_code_ = info.si_status;
    } else {
      signal_ = rc == 0 ? info.si_status : -1;
    }
    cv_.notify_all();
  }

  void set_output_closed() {
    std::lock_guard<std::mutex> lock(mutex_);
    output_closed_ = true;
    cv_.notify_all();
  }

  const pid_t pid_;
  const int pidfd_;
  const int wake_fd_;
  bool stopped_ = false;  // only touched by the thread that owns this object

  std::mutex mutex_;
  std::condition_variable cv_;
  std::string output_;
  bool output_closed_ = false;
  bool exited_ = false;
  int exit_code_ = -1;
  int signal_ = 0;

  std::thread watcher_;  // last: it starts in the constructor and uses all of the above
};

/// Whether `path` names a directory.
inline bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// The path of the executable file `name` in the first directory of PATH that has one, or empty.
/// Empty entries of PATH (the current directory) are skipped: a test runs only installed programs.
inline std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

/// This process's environment with `vars` set, replacing any value they had: the `env` of
/// ChildProcess::spawn, e.g. environment_with({{"NODE_PATH", node_modules}}).
inline std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& vars) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    bool replaced = false;
    for (const auto& v : vars) replaced = replaced || std::strncmp(*e, (v.first + "=").c_str(), v.first.size() + 1) == 0;
    if (!replaced) env.emplace_back(*e);
  }
  for (const auto& v : vars) env.push_back(v.first + "=" + v.second);
  return env;
}

}  // namespace sio::test
