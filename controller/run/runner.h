#pragma once

#include <atomic>
#include <ostream>
#include <string>

#include "common/spec/problem.h"
#include "controller/planner/planner.h"
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
  std::string run_id;               // empty: the problem's id
  v1::MetricsConfig metrics;        // what the agents expose to Prometheus
  RunObserver* observer = nullptr;  // told how the run goes (the metrics); may be null
};

// Plans the problem, launches agents, drives the load and returns what was measured, judged.
// Throws std::runtime_error, with the reason, when the fleet cannot be brought up (nothing was
// measured yet); once load has started, a failure returns the partial result with complete =
// false and the reason rather than losing what was measured.
RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& options,
              std::ostream& progress);

}  // namespace archload::run
