#pragma once

// A real process started in the background for end-to-end tests: its output goes to a file the
// test polls (never sleeping blindly), it can be signalled, and it is always killed and reaped.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace archload::testing {

inline std::set<pid_t> ChildrenOf(pid_t parent) {
  std::set<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid;
    rest >> state >> ppid;
    if (ppid == parent && state != 'Z') out.insert(std::stoi(name));
  }
  return out;
}

inline bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t close = line.rfind(')');
  return close != std::string::npos && line[close + 2] != 'Z';
}

// The command line of a process, arguments joined by spaces.
inline std::string CommandLine(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto& c : s) {
    if (c == '\0') c = ' ';
  }
  return s;
}

class Background {
 public:
  // Runs argv[0] with argv, stdout and stderr into `log`.
  Background(const std::vector<std::string>& argv, const std::string& log) : log_(log) {
    std::filesystem::remove(log_);
    pid_ = fork();
    if (pid_ == 0) {
      if (!freopen(log.c_str(), "w", stdout)) _exit(126);
      dup2(fileno(stdout), fileno(stderr));
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      for (pid_t c : ChildrenOf(pid_)) kill(c, SIGKILL);
      kill(pid_, SIGKILL);
      Wait(std::chrono::seconds(10));
    }
  }

  pid_t pid() const { return pid_; }
  std::string Output() const {
    std::ifstream in(log_);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  // Polls the output until pred holds or the process exits or the timeout passes.
  bool WaitForOutput(const std::function<bool(const std::string&)>& pred,
                     std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(Output())) return true;
      if (!Alive(pid_)) return pred(Output());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  void Signal(int sig) { kill(pid_, sig); }
  // The exit code (128 + signal when killed), or -1 when it did not end within `timeout`.
  int Wait(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  // The child of this process whose command line contains `needle`, or -1.
  pid_t Child(const std::string& needle) const {
    for (pid_t c : ChildrenOf(pid_)) {
      if (CommandLine(c).find(needle) != std::string::npos) return c;
    }
    return -1;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace archload::testing
