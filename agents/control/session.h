#pragma once

#include <string>

namespace archload::agent {

struct SessionOptions {
  std::string controller;  // host:port
  std::string agent_id;
  std::string listen_host = "127.0.0.1";
  uint64_t seed = 1;
  std::string token;                     // presented on every control call
  std::string allow_peers = "loopback";  // where this agent may send load (AddressPolicy)
  // Prometheus /metrics on listen_host: 0 any free port (reported in Ready), -1 none. Served
  // only when the assignment asks for metrics.
  int metrics_port = 0;
};

// The largest control-plane message either side accepts. An assignment or start message for
// 1.6M instances is ~7 MB; the controller refuses a run whose messages would exceed this before
// any agent starts load, naming the limit.
inline constexpr int kMaxControlMessageBytes = 64 << 20;

// Runs one agent for one run: dial the controller, take the assignment, serve, report stats
// until told to stop. Returns the process exit code: 0 after a clean stop, 3 when the
// controller went away (the lease is lost: load stops at once), 2 when the assignment cannot be
// hosted or the controller refused us (the reason is sent in Goodbye and printed).
int RunSession(const SessionOptions& options);

}  // namespace archload::agent
