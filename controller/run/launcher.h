#pragma once

// How agents come to exist for a run. The runner does not care where they run: it hands each a
// controller address, a token and an id, then waits for them to dial in. Implementations: local
// child processes (local_launcher.h); hosts through a command template and agents started
// elsewhere come with distributed runs.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace archload::run {

struct LaunchRequest {
  int count = 1;
  std::string controller;  // host:port the agents dial
  std::string token;       // the run's control-plane token; never put on a command line
  uint64_t seed = 1;
};

// An agent process that ended, and how: why an agent was lost, in words.
struct AgentExit {
  std::string id;
  std::string how;  // "exited with code 2", "killed by signal 9 (SIGKILL)"
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Starts the agents; returns the ids they will say hello with. Throws std::runtime_error.
  virtual std::vector<std::string> Launch(const LaunchRequest& request) = 0;
  // Agents that have ended since launch (not blocking).
  virtual std::vector<AgentExit> Exited() = 0;
  // Waits up to `grace_ms` for the agents to exit by themselves, then kills the rest.
  virtual void Stop(int grace_ms) = 0;
};

}  // namespace archload::run
