#pragma once

// The fleet of one run as the controller sees it: the control server, the launcher that brings
// agents into being (local children, host commands, or agents started elsewhere), the run's
// token, and waits that notice Ctrl-C and agents that die, naming who is missing and why.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controller/run/control_server.h"
#include "controller/run/hosts_file.h"
#include "controller/run/launcher.h"

namespace archload::run {

struct FleetOptions {
  int agents = 1;            // local agents (ignored with hosts or wait_agents)
  std::string agent_binary;  // empty: next to this binary
  std::string hosts_file;    // --hosts
  int wait_agents = 0;       // --wait-agents
  std::string listen;        // --listen host:port (default 127.0.0.1:0, hosts: its file)
  std::string advertise;     // --advertise: what agents dial (default: the listen host)
  std::string token;         // empty: a fresh random one (local runs)
  ControlTls tls;
  double lease_timeout_s = 3;
  uint64_t seed = 42;
  std::string run_id;
  const std::atomic<int>* interrupt = nullptr;
};

class FleetSession {
 public:
  explicit FleetSession(FleetOptions o);
  ~FleetSession();

  // Starts the control server and the agents. Throws std::runtime_error.
  void Launch();

  int expected() const { return expected_; }
  bool local() const { return hosts_.hosts.empty() && o_.wait_agents == 0; }
  ControlServer& server() { return *server_; }
  Launcher& launcher() { return *launcher_; }
  const std::string& address() const { return address_; }
  const HostsFile& hosts() const { return hosts_; }
  bool Interrupted() const { return o_.interrupt && o_.interrupt->load() != 0; }

  // Waits for pred in short slices, so Ctrl-C and agents that die are noticed at once. Throws
  // when interrupted.
  bool Wait(const std::function<bool(const std::vector<AgentState>&)>& pred,
            std::chrono::milliseconds timeout);
  // Who is missing for `ok` and why, for an error message.
  std::string Missing(const std::function<bool(const AgentState&)>& ok);
  // How agent `id` ended, if its launcher knows.
  std::string ExitOf(const std::string& id);

 private:
  FleetOptions o_;
  HostsFile hosts_;
  int expected_ = 0;
  std::vector<std::string> launched_ids_;
  std::unique_ptr<ControlServer> server_;
  std::unique_ptr<Launcher> launcher_;
  std::string address_;
};

}  // namespace archload::run
