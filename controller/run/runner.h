#pragma once

#include <ostream>
#include <string>

#include "common/spec/problem.h"
#include "controller/planner/planner.h"
#include "controller/run/run_result.h"
#include "controller/run/run_spec.h"

namespace archload::run {

struct RunnerOptions {
  RunOptions run;
  int agents = 0;            // 0: one per core
  std::string agent_binary;  // empty: next to this binary
  bool progress = true;
  double drain_s = 2;
};

// Plans the problem, launches agents, drives the load and returns what was measured, judged.
// Throws std::runtime_error when the fleet cannot be brought up; a failure mid-run returns the
// partial result with complete = false rather than losing what was measured.
RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& options,
              std::ostream& progress);

}  // namespace archload::run
