#pragma once

// `archload run --hosts hosts.yaml`: where the agents of a cluster run go and how each is
// started. A command template per host is expanded for every agent:
//
//   controller: {listen: "10.231.0.1:0", advertise: "10.231.0.1"}
//   command: "ssh {host} archload-agent --controller {controller} --agent-id {id} --bind {address}
//   --allow-peers {peers}" hosts:
//     - {name: node1, address: 10.231.0.11, agents: 2, cores: 4}
//     - {name: node2, address: 10.231.0.12, command: "ip netns exec {name} {agent} ..."}
//
// Placeholders: {name}, {host} and {address} (the host's address), {controller} (what agents
// dial), {id} (the agent id), {agent} (the archload-agent path), {peers} (every host address: what
// agents may send load to), {seed}. The token reaches the command in $ARCHLOAD_TOKEN, never on
// its command line.

#include <string>
#include <vector>

namespace archload::run {

struct HostEntry {
  std::string name;
  std::string address;
  int agents = 1;
  int cores = 0;  // 0: what the agents report
  std::string command;
};

struct HostsFile {
  std::string listen = "0.0.0.0:0";  // the control plane's bind address
  std::string advertise;             // what agents dial; default: the listen host
  std::string agent_binary;          // {agent}
  std::vector<HostEntry> hosts;
  int AgentCount() const;
};

// Throws spec::SpecError naming the file, line and field.
HostsFile LoadHostsFile(const std::string& path);

// Expands one agent's command.
std::string ExpandCommand(const HostsFile& f, const HostEntry& host, const std::string& agent_id,
                          const std::string& controller, const std::string& agent_binary,
                          uint64_t seed);

}  // namespace archload::run
