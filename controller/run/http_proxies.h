#pragma once

// Proxy groups played by a real haproxy (docs/backends.md): for each, the controller writes a
// config with every instance of the group behind it as a server (at its agent's HTTP side door),
// starts haproxy on a free loopback port once the agents are ready, and stops it when the run
// ends. Callers of the group then speak HTTP/1.1 to it (Start.http_proxies).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "archload/v1/control.pb.h"
#include "controller/run/child_processes.h"
#include "controller/run/control_server.h"
#include "controller/run/run_spec.h"

namespace archload::run {

struct ProxiedGroup {
  int proxy = 0;   // the group haproxy plays
  int behind = 0;  // the one group it sends every request to
};

// The groups of the run with an haproxy backend and the group each fronts. Throws
// std::invalid_argument naming a proxy group that does not send every request to one group (a
// real proxy only forwards).
std::vector<ProxiedGroup> ProxiedGroups(const RunSpec& spec);

// haproxy's config for one proxied group: a frontend on bind_host:bind_port, a backend with
// every instance of `behind` (named as the agents expect) at the HTTP address of the agent
// hosting it, balanced as the design says, presenting `token`.
std::string HaproxyConfig(const RunSpec& spec, const ProxiedGroup& p,
                          const std::vector<v1::Address>& http_of_agent,
                          const std::string& bind_host, int bind_port, const std::string& token);

// The haproxy binary on PATH (or /usr/sbin); empty when there is none.
std::string FindHaproxy();

class RealProxies {
 public:
  // Starts one haproxy per proxied group and waits (at most 10 s each) until it accepts
  // connections; throws std::runtime_error naming the group and what haproxy said.
  // Each proxy's address goes into its group's backend address (for the report).
  RealProxies(RunSpec& spec, const std::vector<AgentState>& agents);
  ~RealProxies();

  // Tells the agents where each proxy is.
  void FillStart(v1::Start* start) const;
  // "Load Balancer: haproxy 127.0.0.1:40123 (pid 4242)" per proxy, for the progress output.
  std::vector<std::string> Describe() const;
  // Each running proxy's CPU since it started (user + system), by proxy group.
  std::map<int, double> CpuSeconds() const;
  // A proxy that stopped during the run, described (empty: all still up).
  std::vector<std::string> Exited();

 private:
  struct Running {
    ProxiedGroup group;
    std::string name;
    int port = 0;
    pid_t pid = 0;
  };
  std::string dir_;  // config and logs, private to this user
  std::vector<Running> running_;
  ChildProcesses children_;
};

}  // namespace archload::run
