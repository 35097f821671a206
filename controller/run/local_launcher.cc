#include "controller/run/local_launcher.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace archload::run {

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    std::string how = "exited with code " + std::to_string(code);
    if (code == 2) how += " (it refused its assignment or its flags)";
    if (code == 3) how += " (it lost the controller)";
    if (code == 4) how += " (out of memory)";
    return how;
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) +
           (name ? " (SIG" + std::string(name) + ")" : "");
  }
  return "ended (status " + std::to_string(status) + ")";
}

std::string LocalLauncher::DefaultAgentBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "archload-agent";
  return (self.parent_path() / "archload-agent").string();
}

std::vector<std::string> LocalLauncher::Launch(const LaunchRequest& r) {
  if (access(binary_.c_str(), X_OK) != 0) {
    throw std::runtime_error("agent binary not found or not executable: " + binary_);
  }
  // The environment is built before fork: after it, in a process with threads, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "ARCHLOAD_TOKEN=", 15) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back("ARCHLOAD_TOKEN=" + r.token);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> ids;
  const pid_t parent = getpid();
  for (int i = 0; i < r.count; ++i) {
    const std::string id = "agent-" + std::to_string(i);
    const std::string seed_arg = std::to_string(r.seed + 1000003ULL * static_cast<uint64_t>(i));
    std::vector<std::string> args = {binary_, "--controller", r.controller, "--agent-id",
                                     id,      "--seed",       seed_arg};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    if (pid == 0) {
      setpgid(0, 0);  // the terminal's Ctrl-C is the controller's to handle
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);  // the parent died before prctl took effect
      execve(binary_.c_str(), argv.data(), envp.data());
      _exit(127);
    }
    children_.push_back({id, pid, false, ""});
    ids.push_back(id);
  }
  return ids;
}

void LocalLauncher::Reap(Child& c, int status) {
  c.reaped = true;
  c.how = DescribeExit(status);
}

std::vector<AgentExit> LocalLauncher::Exited() {
  std::vector<AgentExit> out;
  for (auto& c : children_) {
    int status;
    if (!c.reaped && waitpid(c.pid, &status, WNOHANG) == c.pid) Reap(c, status);
    if (c.reaped) out.push_back({c.id, c.how});
  }
  return out;
}

std::vector<pid_t> LocalLauncher::pids() const {
  std::vector<pid_t> out;
  for (const auto& c : children_) {
    if (!c.reaped) out.push_back(c.pid);
  }
  return out;
}

void LocalLauncher::Stop(int grace_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (;;) {
    bool left = false;
    for (auto& c : children_) {
      int status;
      if (!c.reaped && waitpid(c.pid, &status, WNOHANG) == c.pid) Reap(c, status);
      left = left || !c.reaped;
    }
    if (!left || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& c : children_) {
    if (c.reaped) continue;
    kill(c.pid, SIGKILL);
    int status;
    waitpid(c.pid, &status, 0);
    Reap(c, status);
  }
}

}  // namespace archload::run
