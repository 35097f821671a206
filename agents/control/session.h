#pragma once

#include <string>

namespace archload::agent {

struct SessionOptions {
  std::string controller;  // host:port
  std::string agent_id;
  std::string listen_host = "127.0.0.1";
  uint64_t seed = 1;
};

// Runs one agent for one run: dial the controller, take the assignment, serve, report stats
// until told to stop. Returns the process exit code: 0 after a clean stop, 3 when the
// controller went away (the lease is lost: load stops at once), 2 on a protocol error.
int RunSession(const SessionOptions& options);

}  // namespace archload::agent
