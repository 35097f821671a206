#pragma once

// Starts agent processes on this machine and makes sure none outlives the controller: each
// child asks the kernel for SIGKILL when its parent dies, and Stop() kills and reaps by PID.
// Children get their own process group, so the terminal's Ctrl-C reaches only the controller,
// which then stops the load in order and keeps what was measured.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "controller/run/launcher.h"

namespace archload::run {

class LocalLauncher final : public Launcher {
 public:
  explicit LocalLauncher(std::string agent_binary) : binary_(std::move(agent_binary)) {}
  ~LocalLauncher() override { Stop(); }

  // Throws std::runtime_error when the binary is missing or fork fails.
  std::vector<std::string> Launch(const LaunchRequest& request) override;
  std::vector<AgentExit> Exited() override;
  void Stop(int grace_ms = 3000) override;
  std::vector<pid_t> pids() const;

  // archload-agent next to the running archload binary.
  static std::string DefaultAgentBinary();

 private:
  struct Child {
    std::string id;
    pid_t pid = 0;
    bool reaped = false;
    std::string how;
  };
  void Reap(Child& c, int status);

  std::string binary_;
  std::vector<Child> children_;
};

// "exited with code 2", "killed by signal 9 (SIGKILL)" from a waitpid status.
std::string DescribeExit(int status);

}  // namespace archload::run
