#include "controller/run/local_launcher.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace archload::run {

std::string LocalLauncher::DefaultAgentBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "archload-agent";
  return (self.parent_path() / "archload-agent").string();
}

void LocalLauncher::Launch(int count, const std::string& controller, uint64_t seed) {
  if (access(binary_.c_str(), X_OK) != 0) {
    throw std::runtime_error("agent binary not found or not executable: " + binary_);
  }
  const pid_t parent = getpid();
  for (int i = 0; i < count; ++i) {
    const std::string id = "agent-" + std::to_string(i);
    const std::string seed_arg = std::to_string(seed + 1000003ULL * static_cast<uint64_t>(i));
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);  // the parent died before prctl took effect
      execl(binary_.c_str(), binary_.c_str(), "--controller", controller.c_str(), "--agent-id",
            id.c_str(), "--seed", seed_arg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    pids_.push_back(pid);
  }
}

void LocalLauncher::Stop(int grace_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  std::vector<pid_t> left;
  for (;;) {
    left.clear();
    for (pid_t pid : pids_) {
      int status;
      if (waitpid(pid, &status, WNOHANG) == 0) left.push_back(pid);
    }
    pids_ = left;
    if (pids_.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (pid_t pid : pids_) {
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
  }
  pids_.clear();
}

}  // namespace archload::run
