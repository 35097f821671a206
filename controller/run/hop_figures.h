#pragma once

// Per hop (group): where its visits' time went, measured, beside the BoE. A visit's sojourn is
// its wait for a service slot plus its hold of the slot; the hold is the sampled service time
// plus however late the agent's timer ended it (the overrun: the harness's, not the design's).

#include <optional>
#include <string>
#include <vector>

#include "controller/planner/planner.h"
#include "controller/run/run_result.h"

namespace archload::run {

struct HopFigures {
  std::string group;
  int count = 0, concurrency = 1;
  uint64_t visits = 0;  // that began service
  double rps = 0;
  double wait_mean_ms = 0, wait_p99_ms = 0;
  double wait_probability = 0;                     // visits that found every slot busy
  double service_mean_ms = 0, service_p99_ms = 0;  // the hold
  double sampled_mean_ms = 0;                      // the service times drawn for those visits
  double overrun_us = 0;  // hold - sampled, mean per visit with a non-zero service time
  double utilization = 0, hold_utilization = 0;  // by sampled time; by slot hold
  // The BoE at the run's load (planner: Erlang C / Allen-Cunneen per instance); none for a
  // group the plan does not have.
  std::optional<double> boe_wait_ms, boe_service_ms, boe_wait_probability;
};

// Every group but clients, in design order; groups no visit reached are left out.
std::vector<HopFigures> HopsOf(const RunResult& result, const planner::Plan& prediction);

}  // namespace archload::run
