#pragma once

// Agents on other hosts, started by a command template per host (hosts_file.h): `ssh {host}
// ...`, `ip netns exec {name} ...`. Each command runs under /bin/sh in its own process group with
// the token in $ARCHLOAD_TOKEN. Stopping kills the commands; agents on the far side of ssh stop by
// their lease when the controller goes quiet.

#include <string>
#include <vector>

#include "controller/run/child_processes.h"
#include "controller/run/hosts_file.h"
#include "controller/run/launcher.h"

namespace archload::run {

class CommandLauncher final : public Launcher {
 public:
  CommandLauncher(HostsFile hosts, std::string agent_binary)
      : hosts_(std::move(hosts)), binary_(std::move(agent_binary)) {}
  ~CommandLauncher() override { Stop(); }

  std::vector<std::string> Launch(const LaunchRequest& request) override;
  std::vector<AgentExit> Exited() override { return children_.Exited(); }
  void Stop(int grace_ms = 3000) override { children_.Stop(grace_ms); }

  // The host each launched agent id runs on.
  const std::string& HostOf(const std::string& id) const;

 private:
  HostsFile hosts_;
  std::string binary_;
  ChildProcesses children_;
  std::vector<std::pair<std::string, std::string>> host_of_;  // id -> host name
};

// Agents started elsewhere (systemd units, a Kubernetes Deployment): nothing to launch; the run
// admits the first N that dial in with the token.
class WaitLauncher final : public Launcher {
 public:
  std::vector<std::string> Launch(const LaunchRequest&) override { return {}; }
  std::vector<AgentExit> Exited() override { return {}; }
  void Stop(int) override {}
};

}  // namespace archload::run
