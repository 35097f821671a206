#include "controller/run/child_processes.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
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
    if (code == 127) how += " (command not found)";
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

void ChildProcesses::Spawn(const std::string& id, const std::vector<std::string>& argv,
                           const std::map<std::string, std::string>& env) {
  // Everything is built before fork: after it, in a process with threads, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (!env.count(key)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    setpgid(0, 0);  // the terminal's Ctrl-C is the controller's to handle
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);  // the parent died before prctl took effect
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  children_.push_back({id, pid, false, ""});
}

void ChildProcesses::Poll(Child& c) {
  int status;
  if (!c.reaped && waitpid(c.pid, &status, WNOHANG) == c.pid) {
    c.reaped = true;
    c.how = DescribeExit(status);
  }
}

std::vector<AgentExit> ChildProcesses::Exited() {
  std::vector<AgentExit> out;
  for (auto& c : children_) {
    Poll(c);
    if (c.reaped) out.push_back({c.id, c.how});
  }
  return out;
}

std::vector<pid_t> ChildProcesses::pids() const {
  std::vector<pid_t> out;
  for (const auto& c : children_) {
    if (!c.reaped) out.push_back(c.pid);
  }
  return out;
}

void ChildProcesses::Stop(int grace_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (;;) {
    bool left = false;
    for (auto& c : children_) {
      Poll(c);
      left = left || !c.reaped;
    }
    if (!left || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& c : children_) {
    if (c.reaped) continue;
    kill(-c.pid, SIGKILL);  // its process group: a shell's children go too
    kill(c.pid, SIGKILL);
    int status;
    waitpid(c.pid, &status, 0);
    c.reaped = true;
    c.how = DescribeExit(status);
  }
}

}  // namespace archload::run
