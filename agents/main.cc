// archload-agent: hosts emulated component instances for one run of the controller.
#include <sys/resource.h>

#include <CLI/CLI.hpp>

#include "agents/control/session.h"

int main(int argc, char** argv) {
  CLI::App app{"archload-agent: emulated components for an archload run"};
  archload::agent::SessionOptions o;
  app.add_option("--controller", o.controller, "controller address host:port")->required();
  app.add_option("--agent-id", o.agent_id, "name in reports")->required();
  app.add_option("--listen-host", o.listen_host, "address the instances listen on");
  app.add_option("--seed", o.seed, "random seed");
  CLI11_PARSE(app, argc, argv);
  // One socket per instance plus connections: lift the soft descriptor limit to the hard one.
  // 10,000 instances in one agent need ~30,000 (listen, inbound, outbound); root may go higher.
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    const rlim_t want = 262144;
    if (rl.rlim_max < want) {
      rlimit raised{want, want};
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    if (rl.rlim_cur < rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
  }
  return archload::agent::RunSession(o);
}
