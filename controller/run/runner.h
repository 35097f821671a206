#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>

#include "common/spec/problem.h"
#include "controller/planner/planner.h"
#include "controller/run/control_server.h"
#include "controller/run/run_observer.h"
#include "controller/run/run_result.h"
#include "controller/run/run_spec.h"

namespace archload::run {

struct RunnerOptions {
  RunOptions run;
  int agents = 0;            // 0: one per core
  std::string agent_binary;  // empty: next to this binary
  bool progress = true;
  double drain_s = 2;
  // Set (to the signal number) when the user asks to stop: the load stops, what the agents
  // measured is collected, and the result comes back marked incomplete. Null: never.
  const std::atomic<int>* interrupt = nullptr;

  // Distributed runs (docs/distributed.md). Agents on hosts from a file with a command each,
  // or agents started elsewhere that dial in; local children otherwise.
  std::string hosts_file;
  int wait_agents = 0;
  std::string listen;     // the control plane's bind address host:port
  std::string advertise;  // what agents dial, when not the bind address
  std::string token;      // the run's token; empty: a fresh random one
  ControlTls tls;
  double ready_timeout_s = 30;  // every agent connected and ready by then, or the run fails
  double lease_timeout_s = 3;   // an agent silent this long is lost (and gives us up likewise)
  bool continue_on_agent_loss = false;  // --on-agent-loss continue: measure on without it
  bool prefer_local = false;            // --placement local: calls stay on their host
  std::string run_id;                   // empty: the problem's id
  v1::MetricsConfig metrics;            // what the agents expose to Prometheus
  RunObserver* observer = nullptr;      // told how the run goes (the metrics); may be null
  // --until-confident: run.duration_s is the most the load runs; from confident_from_s on, the
  // run so far (merged, with its batches) is handed to `decided` at every new window, and the
  // load stops once it has said yes at two windows in a row (one look that happens to fall
  // inside the intervals does not end the run). Empty: the load runs its duration.
  std::function<bool(RunResult& so_far)> decided;
  double confident_from_s = 0;
};

// Plans the problem, launches agents, drives the load and returns what was measured, judged.
// Throws std::runtime_error, with the reason, when the fleet cannot be brought up (nothing was
// measured yet); once load has started, a failure returns the partial result with complete =
// false and the reason rather than losing what was measured.
RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& options,
              std::ostream& progress);

}  // namespace archload::run
