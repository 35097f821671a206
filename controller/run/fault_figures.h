#pragma once

// What each injected fault cost, measured beside predicted (docs/faults.md): availability over
// time from the clients' timeline, the callers' own account of when they stopped and resumed
// choosing what failed, and the fault model's prediction for the same run.

#include <optional>

#include "controller/planner/planner.h"
#include "controller/run/run_result.h"

namespace archload::run {

// Fills r.faults and r.availability from r.injected, r.timeline and r.edges; `prediction` is the
// BoE for what ran, `availability_target` the design's NFR if it has one. Nothing without faults.
// `unslowed`: the same BoE without the slow faults' delays (null when there are none).
void AnalyzeFaults(RunResult& r, const planner::Plan& prediction,
                   std::optional<double> availability_target,
                   const planner::Plan* unslowed = nullptr);

// "kill App Servers #0 at 5 s for 10 s"
// A kill_agent names the instances the agent hosted (`agent_of`: [group][instance] -> agent).
std::string DescribeFault(const model::Fault& f, const std::vector<GroupResult>& groups,
                          const std::vector<std::vector<uint32_t>>& agent_of = {});

}  // namespace archload::run
