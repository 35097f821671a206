#pragma once

// The processes a launcher started: spawned in their own process group (the terminal's Ctrl-C is
// the controller's to handle), asked to die with the controller (PR_SET_PDEATHSIG), reaped by
// PID, and described in words when they end.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "controller/run/launcher.h"

namespace archload::run {

class ChildProcesses {
 public:
  ~ChildProcesses() { Stop(0); }

  // Starts argv[0] with `argv`, this process's environment plus `env`. Throws on fork failure.
  void Spawn(const std::string& id, const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env);
  std::vector<AgentExit> Exited();
  // Waits up to `grace_ms` for them to exit, then kills each process group.
  void Stop(int grace_ms);
  std::vector<pid_t> pids() const;

 private:
  struct Child {
    std::string id;
    pid_t pid = 0;
    bool reaped = false;
    std::string how;
  };
  void Poll(Child& c);

  std::vector<Child> children_;
};

// "exited with code 2 (...)", "killed by signal 9 (SIGKILL)" from a waitpid status.
std::string DescribeExit(int status);

}  // namespace archload::run
