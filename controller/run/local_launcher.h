#pragma once

// Starts agent processes on this machine and makes sure none outlives the controller: each
// child asks the kernel for SIGKILL when its parent dies, and Stop() kills and reaps by PID.

#include <sys/types.h>

#include <string>
#include <vector>

namespace archload::run {

class LocalLauncher {
 public:
  explicit LocalLauncher(std::string agent_binary) : binary_(std::move(agent_binary)) {}
  ~LocalLauncher() { Stop(); }

  // Throws std::runtime_error when the binary is missing or fork fails.
  void Launch(int count, const std::string& controller_address, uint64_t seed);
  // Waits up to `grace_ms` for the agents to exit by themselves, then kills the rest.
  void Stop(int grace_ms = 3000);
  const std::vector<pid_t>& pids() const { return pids_; }

  // archload-agent next to the running archload binary.
  static std::string DefaultAgentBinary();

 private:
  std::string binary_;
  std::vector<pid_t> pids_;
};

}  // namespace archload::run
