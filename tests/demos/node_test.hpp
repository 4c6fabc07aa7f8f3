#pragma once
// Runs a Node test script of the demos (tests/demos/*.test.js, tests/browser/*.test.js) from a
// Catch2 test case. The script starts the demo servers it needs itself; the environment tells it
// where they are (SIO_DEMO_CHAT, ...) and where its npm packages are (NODE_PATH).
//
// The script runs in a process group of its own, so that whatever it started and left behind (a
// server, if the script died) is ended with it, by that group's id. Every wait is bounded: the
// output and the script's exit are awaited with poll() on a pipe and a pidfd, never by sleeping.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace demo_test {

using Clock = std::chrono::steady_clock;

/// How a process ended and what it wrote.
struct ProcessResult {
  bool started = false;   ///< false: it could not be started (see `output`)
  bool finished = false;  ///< false: it overran its time and was killed
  int exit_code = -1;     ///< its exit code, or -1 when a signal ended it
  int signal = 0;         ///< the signal that ended it, or 0
  std::string output;     ///< stdout and stderr, interleaved

  /// "exit code 0", "killed by signal 9", ...
  std::string status() const {
    if (!started) return "not started";
    if (exit_code >= 0) return "exit code " + std::to_string(exit_code);
    return "killed by signal " + std::to_string(signal);
  }
};

/// Reads what is available on `fd` into `out`; false once the pipe is closed (or broken).
inline bool read_some(int fd, std::string& out) {
  char buffer[8192];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      out.append(buffer, static_cast<std::size_t>(got));
      return true;
    }
    if (got < 0 && errno == EINTR) continue;
    return got < 0 && errno == EAGAIN;
  }
}

/// Waits up to `limit` for the process behind `pidfd` to exit, reading its output meanwhile.
/// Returns true when it exited.
inline bool wait_exit(int pidfd, int& out_fd, std::string& output, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) return false;
    pollfd fds[2] = {{pidfd, POLLIN, 0}, {out_fd, POLLIN, 0}};
    const int n = ::poll(fds, out_fd >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (out_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && !read_some(out_fd, output)) {
      ::close(out_fd);
      out_fd = -1;
    }
    if (fds[0].revents & POLLIN) return true;
  }
}

/// Runs `argv` (argv[0] is a path) with `env` for at most `limit`, collecting its output. The
/// process leads a new process group; when it ends (or overruns), what remains of the group is
/// ended too: SIGTERM, then SIGKILL after a bounded wait.
inline ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                 std::chrono::milliseconds limit) {
  ProcessResult result;
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    result.output = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.output = std::string("fork: ") + std::strerror(errno);
    for (int fd : {out[0], out[1], null_in}) ::close(fd);
    return result;
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here on.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test program takes its script along
    if (::getppid() != parent) ::_exit(126);
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    static const char msg[] = "exec failed\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so the group exists whichever of the two runs first
  ::close(out[1]);
  if (null_in >= 0) ::close(null_in);
  int out_fd = out[0];
  ::fcntl(out_fd, F_SETFL, ::fcntl(out_fd, F_GETFL) | O_NONBLOCK);
  result.started = true;

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    result.output = std::string("pidfd_open: ") + std::strerror(errno);
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    if (out_fd >= 0) ::close(out_fd);
    return result;
  }

  result.finished = wait_exit(pidfd, out_fd, result.output, Clock::now() + limit);
  // The group leader is not reaped yet, so the group id cannot have been reused: end the rest of
  // the group (what the script left running), or the whole group when the script overran.
  if (::kill(-pid, SIGTERM) == 0 && !result.finished) {
    if (!wait_exit(pidfd, out_fd, result.output, Clock::now() + std::chrono::seconds(5))) ::kill(-pid, SIGKILL);
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // What the script wrote just before exiting may still be in the pipe.
  if (out_fd >= 0) {
    pollfd fd = {out_fd, POLLIN, 0};
    while (::poll(&fd, 1, 0) > 0 && read_some(out_fd, result.output)) {
    }
    ::close(out_fd);
  }
  ::close(pidfd);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

/// The absolute path of `name` on PATH, or empty.
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

/// This process's environment with `vars` set (replacing any value they had).
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

/// Whether a directory exists.
inline bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// Runs `node <script> <args...>` with the demos and the npm packages in its environment, and
/// fails the test case (with the script's output) unless it exits 0.
inline void run_node_test(const std::string& script, const std::vector<std::string>& args = {},
                          std::chrono::seconds limit = std::chrono::seconds(60)) {
  const std::string node_modules = SIO_DEMO_NODE_MODULES;
  if (!is_directory(node_modules + "/socket.io-client"))
    FAIL("the npm packages are not installed in " << node_modules << ": run scripts/setup-deps");
  const std::string node = find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");

  std::vector<std::string> argv = {node, script};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto env = environment_with({{"NODE_PATH", node_modules},
                                     {"SIO_DEMO_CHAT", SIO_DEMO_CHAT},
                                     {"SIO_DEMO_NEWS", SIO_DEMO_NEWS},
                                     {"SIO_DEMO_ROOMS", SIO_DEMO_ROOMS},
                                     {"SIO_DEMO_AUTH", SIO_DEMO_AUTH}});
  const auto result = run_process(argv, env, limit);
  INFO("node " << script << ": " << result.status() << "\n--- output ---\n" << result.output);
  if (!result.finished) FAIL("the script did not finish within " << limit.count() << " s");
  CHECK(result.exit_code == 0);
}

}  // namespace demo_test
