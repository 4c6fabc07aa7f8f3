// Runs the official Socket.IO JavaScript client against a Socket.IO server: one test case per scenario
// script in tests/interop/. Each case starts the server (sio's interop_server, or Node's reference server
// when SIO_INTEROP_REFERENCE=1), reads the port it bound, runs `node <scenario>.test.js <url>` and checks
// its exit code. Every wait is bounded; children are stopped by their own process id only.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

#ifndef SIO_INTEROP_SERVER
#define SIO_INTEROP_SERVER ""
#endif

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto server_start_limit = 15s;  // Node's start-up on a loaded 2-core machine stays far below.
constexpr auto script_limit = 30s;        // Each script stops itself after 10 s; this is the backstop.
constexpr auto stop_grace = 5s;           // After SIGTERM, before SIGKILL.

/// A child process whose stdout and stderr are collected into one string, and whose end can be awaited
/// with a deadline. The child is killed if this test program dies first (PR_SET_PDEATHSIG).
class ChildProcess {
 public:
  /// Starts `argv[0]` (a path, not looked up on PATH) with `argv` and `env`. On failure returns null
  /// and describes why in `error`.
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv,
                                             const std::vector<std::string>& env, std::string& error) {
    std::unique_ptr<ChildProcess> child(new ChildProcess());
    if (!child->start(argv, env, error)) return nullptr;
    return child;
  }

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  ~ChildProcess() {
    stop();
    if (reader_.joinable()) reader_.join();
    if (waiter_.joinable()) waiter_.join();
    if (pid_ > 0) {
      int status = 0;
      ::waitpid(pid_, &status, 0);  // reap: the waiter only observed the exit
    }
  }

  /// Waits until the output has a complete line starting with `prefix` and returns it (without the
  /// newline), or returns false when the child exits or `limit` passes first.
  bool wait_for_line(const std::string& prefix, Clock::duration limit, std::string& line) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline = Clock::now() + limit;
    for (;;) {
      std::size_t start = 0;
      for (std::size_t nl; (nl = output_.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (output_.compare(start, prefix.size(), prefix) == 0) {
          line = output_.substr(start, nl - start);
          return true;
        }
      }
      if (exited_ && eof_) return false;
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return false;
    }
  }

  /// Waits up to `limit` for the child to exit; true if it did.
  bool wait_exit(Clock::duration limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, limit, [this] { return exited_; });
  }

  /// Ends the child if it still runs: SIGTERM, then SIGKILL after a bounded wait.
  void stop() {
    if (pid_ <= 0 || wait_exit(0s)) return;
    // The waiter does not reap the child, so this pid cannot belong to another process yet.
    ::kill(pid_, SIGTERM);
    if (wait_exit(stop_grace)) return;
    ::kill(pid_, SIGKILL);
    wait_exit(stop_grace);
  }

  /// Kills the child at once (used when it overran its time).
  void kill_now() {
    if (pid_ > 0 && !wait_exit(0s)) ::kill(pid_, SIGKILL);
    wait_exit(stop_grace);
  }

  /// Everything the child wrote so far on stdout and stderr.
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

  /// The exit code, or -1 if the child has not exited normally.
  int exit_code() {
    std::lock_guard<std::mutex> lock(mutex_);
    return exited_ ? exit_code_ : -1;
  }

  /// The child's process id.
  pid_t pid() const noexcept { return pid_; }

 private:
  ChildProcess() = default;

  bool start(const std::vector<std::string>& argv, const std::vector<std::string>& env, std::string& error) {
    // Everything the child touches is prepared before fork: after it, only async-signal-safe calls.
    std::vector<char*> c_argv;
    for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
    c_argv.push_back(nullptr);
    std::vector<char*> c_env;
    for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
    c_env.push_back(nullptr);

    int out[2];
    int exec_status[2];  // closed on a successful exec; carries errno if exec fails
    if (::pipe2(out, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return false;
    }
    if (::pipe2(exec_status, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      ::close(out[0]);
      ::close(out[1]);
      return false;
    }
    const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();

    const pid_t pid = ::fork();
    if (pid < 0) {
      error = std::string("fork: ") + std::strerror(errno);
      for (int fd : {out[0], out[1], exec_status[0], exec_status[1], null_in}) ::close(fd);
      return false;
    }
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);
      if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
      const int err = errno;
      ssize_t ignored = ::write(exec_status[1], &err, sizeof err);
      (void)ignored;
      ::_exit(127);
    }

    pid_ = pid;
    ::close(out[1]);
    ::close(exec_status[1]);
    if (null_in >= 0) ::close(null_in);
    int exec_errno = 0;
    ssize_t n;
    do n = ::read(exec_status[0], &exec_errno, sizeof exec_errno);
    while (n < 0 && errno == EINTR);
    ::close(exec_status[0]);

    const int read_fd = out[0];
    reader_ = std::thread([this, read_fd] {
      char buffer[4096];
      for (;;) {
        const ssize_t got = ::read(read_fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        std::lock_guard<std::mutex> lock(mutex_);
        if (got <= 0) {
          eof_ = true;
          cv_.notify_all();
          break;
        }
        output_.append(buffer, static_cast<std::size_t>(got));
        cv_.notify_all();
      }
      ::close(read_fd);
    });
    waiter_ = std::thread([this] {
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
    });

    if (n > 0) {
      error = "cannot run " + std::string(c_argv[0]) + ": " + std::strerror(exec_errno);
      return false;  // the destructor joins and reaps
    }
    return true;
  }

  pid_t pid_ = -1;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::string output_;
  bool eof_ = false;
  bool exited_ = false;
  int exit_code_ = -1;
  int signal_ = 0;
  std::thread reader_;
  std::thread waiter_;
};

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// The absolute path of `name` on PATH, or empty.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

/// This process's environment, with NODE_PATH pointing at the interop node_modules.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "NODE_PATH=", 10) == 0) continue;
    env.emplace_back(*e);
  }
  env.emplace_back(std::string("NODE_PATH=") + SIO_INTEROP_NODE_MODULES);
  return env;
}

bool use_reference_server() {
  const char* flag = std::getenv("SIO_INTEROP_REFERENCE");
  return (flag && std::string(flag) == "1") || std::string(SIO_INTEROP_SERVER).empty();
}

/// Starts the server, runs the scenario script against it, and checks that the script passed.
void run_scenario(const std::string& scenario) {
  const std::string scripts = SIO_INTEROP_SCRIPTS_DIR;
  const std::string node_modules = SIO_INTEROP_NODE_MODULES;
  const bool reference = use_reference_server();
  if (!is_directory(node_modules + "/socket.io-client") || (reference && !is_directory(node_modules + "/socket.io"))) {
    FAIL("the JavaScript packages are not installed in " << node_modules << ": run scripts/setup-deps");
  }
  const std::string node = find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");

  const auto env = child_environment();
  std::vector<std::string> server_argv;
  if (reference) {
    if (std::string(SIO_INTEROP_SERVER).empty()) WARN("interop_server is not built: using Node's reference server");
    server_argv = {node, scripts + "/reference-server.js", "0"};
  } else {
    server_argv = {SIO_INTEROP_SERVER, "0"};
  }
  INFO("server: " << server_argv[0] << (server_argv.size() > 2 ? " " + server_argv[1] : std::string()));

  std::string error;
  auto server = ChildProcess::spawn(server_argv, env, error);
  if (!server) FAIL(error);

  std::string line;
  if (!server->wait_for_line("listening ", server_start_limit, line)) {
    server->stop();
    FAIL("the server printed no \"listening <port>\" line (" << server->status() << "); its output:\n"
                                                              << server->output());
  }
  const std::string port = line.substr(std::strlen("listening "));
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    server->stop();
    FAIL("bad listening line from the server: \"" << line << "\"");
  }

  const std::string url = "http://127.0.0.1:" + port;
  auto script = ChildProcess::spawn({node, scripts + "/" + scenario + ".test.js", url}, env, error);
  if (!script) {
    server->stop();
    FAIL(error);
  }
  const bool finished = script->wait_exit(script_limit);
  if (!finished) script->kill_now();
  const bool server_alive = !server->wait_exit(0s);
  server->stop();

  const std::string report = "scenario " + scenario + " against " + url + ": " + script->status() +
                             "\n--- script output ---\n" + script->output() + "--- server output ---\n" +
                             server->output();
  if (!finished) FAIL("the script did not finish within its time limit\n" << report);
  if (!server_alive) FAIL("the server exited during the scenario (" << server->status() << ")\n" << report);
  if (script->exit_code() != 0) FAIL(report);
  SUCCEED(scenario << " passed");
}

}  // namespace

TEST_CASE("transports", "[interop]") { run_scenario("transports"); }
TEST_CASE("emit", "[interop]") { run_scenario("emit"); }
TEST_CASE("acks", "[interop]") { run_scenario("acks"); }
TEST_CASE("rooms", "[interop]") { run_scenario("rooms"); }
TEST_CASE("namespaces", "[interop]") { run_scenario("namespaces"); }
TEST_CASE("middleware", "[interop]") { run_scenario("middleware"); }
TEST_CASE("disconnect", "[interop]") { run_scenario("disconnect"); }
TEST_CASE("heartbeat", "[interop]") { run_scenario("heartbeat"); }
