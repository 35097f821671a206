#pragma once

// What an injected fault should cost, predicted from the plan and the callers' resilience
// (docs/faults.md), for the simple cases the issue names: a fault that fails an instance's
// visits (kill, hang, errors) costs the requests that reach it until callers stop choosing it;
// losing k of n instances leaves the rest at ρ·n/(n - k); an overload with retries and no
// budget keeps failing after it ends when the retried load exceeds capacity (metastability).
// The run report puts each figure beside what was measured.

#include <optional>
#include <string>
#include <vector>

#include "common/model/fault_schedule.h"
#include "common/model/resilience.h"
#include "controller/planner/planner.h"

namespace archload::planner {

struct FaultModelInput {
  double rate_rps = 0;        // offered, as run
  double counted_from_s = 0;  // the warm-up's end: requests before it are not counted
  double run_s = 0;           // the load's length
  // [group]: how callers treat it (the design's settings, or none).
  std::vector<model::Resilience> resilience;
  // [group]: the callers' separate views of it: each agent hosting instances of a caller group
  // keeps its own ejections and health (agents/runtime/call_edges.h).
  std::vector<int> caller_views;
};

struct FaultPrediction {
  std::string how;  // how callers notice it, or why they do not: the model's assumptions
  // From the fault's start until callers stop choosing what failed; none: not within the fault.
  std::optional<double> detection_s;
  // From the fault's end until a restarted instance is chosen again (kill with restart).
  std::optional<double> restored_s;
  double failing_share = 0;                     // of requests, while undetected
  double lost = 0;                              // requests offered in the counted window that fail
  std::optional<double> availability;           // over the counted window, this fault alone
  std::optional<double> survivors_utilization;  // once the failed instances are avoided
  bool saturates = false;                       // ... at or above 1
  bool metastable = false;                      // overload: retries keep it overloaded after
};

FaultPrediction PredictFault(const Plan& plan, const model::Fault& fault,
                             const FaultModelInput& in);

// The slow faults as the latency predictor's mixture: each one's share is its fraction times
// the part of the counted window it covers (and 1/count when it targets one instance of the
// group: `counts[group]`).
std::vector<SlowFault> SlowFaultsOf(const std::vector<model::Fault>& faults,
                                    const std::vector<int>& counts, double counted_from_s,
                                    double run_s);

}  // namespace archload::planner
