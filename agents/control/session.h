#pragma once

#include <string>

namespace archload::agent {

struct SessionOptions {
  std::string controller;  // host:port
  std::string agent_id;
  std::string listen_host = "127.0.0.1";  // --bind: the address the instances listen on
  uint64_t seed = 1;
  std::string token;                     // presented on every control call, and demanded back
  std::string allow_peers = "loopback";  // where this agent may send load (AddressPolicy)
  // TLS (PEM files): verify the controller with `tls_ca`; present `tls_cert`/`tls_key` when
  // the controller demands client certificates. Empty: plaintext gRPC.
  std::string tls_ca, tls_cert, tls_key;
  bool reconnect = false;         // after a run, or a lost controller, wait for the next one
  double connect_timeout_s = 15;  // give up dialing after this (0: keep trying)
  std::string hostname;           // the machine it runs on (default: gethostname)
  // Prometheus /metrics on listen_host: 0 any free port (reported in Ready), -1 none. Served
  // only when the assignment asks for metrics.
  int metrics_port = 0;
};

// The largest control-plane message either side accepts. An assignment or start message for
// 1.6M instances is ~7 MB; the controller refuses a run whose messages would exceed this before
// any agent starts load, naming the limit.
inline constexpr int kMaxControlMessageBytes = 64 << 20;

// Exit codes of a session.
inline constexpr int kSessionDone = 0;       // the run was collected and ended
inline constexpr int kSessionRefused = 2;    // a refusal on either side: token, assignment, peers
inline constexpr int kSessionLostLease = 3;  // the controller went away or fell silent

// Runs one agent for one run: dial the controller, check it holds the token, take the
// assignment, serve, report stats until told to stop. Load stops within the lease timeout of
// the controller going silent.
int RunSession(const SessionOptions& options);

// RunSession once, or (reconnect) again and again: a systemd or Kubernetes agent that outlives
// runs and controllers. Refusals end it either way: they are configuration errors.
int RunAgent(const SessionOptions& options);

}  // namespace archload::agent
