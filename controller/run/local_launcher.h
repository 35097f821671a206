#pragma once

// Agents as child processes on this machine (the default launcher): none outlives the controller.

#include <string>
#include <vector>

#include "controller/run/child_processes.h"
#include "controller/run/launcher.h"

namespace archload::run {

class LocalLauncher final : public Launcher {
 public:
  explicit LocalLauncher(std::string agent_binary) : binary_(std::move(agent_binary)) {}
  ~LocalLauncher() override { Stop(); }

  // Throws std::runtime_error when the binary is missing or fork fails.
  std::vector<std::string> Launch(const LaunchRequest& request) override;
  std::vector<AgentExit> Exited() override { return children_.Exited(); }
  void Stop(int grace_ms = 3000) override { children_.Stop(grace_ms); }
  std::vector<pid_t> pids() const { return children_.pids(); }

  // archload-agent next to the running archload binary.
  static std::string DefaultAgentBinary();

 private:
  std::string binary_;
  ChildProcesses children_;
};

}  // namespace archload::run
