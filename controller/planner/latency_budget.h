#pragma once

// Where a latency target's milliseconds go, and what would meet it. For each latency NFR the
// model is asked what-if questions (the planner as a black box on modified designs): how much the
// target percentile drops when one group's queueing is removed (its count made very large), and
// when its service time is (made near zero). Then:
//   - queueing dominates: the smallest counts that meet the target (the group whose queueing
//     costs most first), e.g. "App Servers: 8 -> 11 instances";
//   - service times alone exceed it (no count meets it): the ceiling on the hop that matters
//     most, e.g. "App Servers: service time must fall from 10 ms to <= 3.1 ms".

#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"
#include "controller/planner/planner.h"

namespace archload::planner {

struct HopShare {
  std::string group;
  double service_ms = 0;   // mean service time per visit
  double queueing_ms = 0;  // the target percentile's drop when this group's queueing is removed
  double service_share_ms = 0;  // ... when its service time is removed
};

struct LatencyBudget {
  std::string nfr;  // "P95 latency (rate limit checks)"
  double target_ms = 0;
  double predicted_ms = 0;
  double no_queueing_ms = 0;   // the percentile with every group's queueing removed
  std::vector<HopShare> hops;  // groups on the paths, largest contribution first
  bool met = false;
  bool reachable_by_counts = false;
  std::vector<std::pair<std::string, int>> counts;  // what meets it: group -> count (full scale)
  // When counts cannot: the hop whose service time must fall, from and to.
  std::string ceiling_group;
  double ceiling_from_ms = 0;
  std::optional<double> ceiling_to_ms;  // none: no single hop's service time suffices
  std::string advice;                   // one line for people
};

// Budgets for every latency NFR of the plan, at the plan's rate and full-scale counts.
std::vector<LatencyBudget> LatencyBudgets(const spec::Problem& problem, const Plan& plan,
                                          const PlanOptions& options);

// The problem with the smallest counts that meet every latency NFR the model says counts can
// meet (never below the plan's own counts); `budgets` says which cannot.
spec::Problem SizeForLatency(const spec::Problem& problem, const Plan& plan,
                             const PlanOptions& options, std::vector<LatencyBudget>* budgets);

}  // namespace archload::planner
