#include "controller/planner/latency_budget.h"

#include <gtest/gtest.h>

#include "common/spec/spec_yaml.h"
#include "controller/planner/what_if.h"

namespace archload::planner {
namespace {

spec::Problem Tier(double service_ms, const std::string& target, int concurrency = 1) {
  const std::string yaml =
      "id: budget\nnfrs:\n  - {name: Latency, raw: \"" + target +
      "\"}\nworkload: {rate_rps: 800, read_ratio: 1}\ndesign:\n  components:\n"
      "    - {name: Clients, type: client}\n"
      "    - {name: Workers, type: app, concurrency: " +
      std::to_string(concurrency) +
      ", service_time: {distribution: exponential, mean_ms: " + std::to_string(service_ms) +
      "}, queue_limit: 1000}\n  connections:\n    - {from: Clients, to: Workers}\n";
  return spec::ParseProblemYaml(yaml, "budget.yaml");
}

// Queueing dominates: more instances meet the target, and the budget says how many.
TEST(LatencyBudget, WhenQueueingDominatesCountsMeetTheTarget) {
  const auto problem = Tier(10, "P99 < 100ms");
  PlanOptions o;
  const auto plan = MakePlan(problem, o);
  const auto budgets = LatencyBudgets(problem, plan, o);
  ASSERT_EQ(budgets.size(), 1u);
  const auto& b = budgets[0];
  EXPECT_FALSE(b.met);
  EXPECT_TRUE(b.reachable_by_counts);
  EXPECT_LT(b.no_queueing_ms, 100);
  ASSERT_EQ(b.counts.size(), 1u);
  EXPECT_EQ(b.counts[0].first, "Workers");
  EXPECT_GT(b.counts[0].second, plan.groups[1].count);
  ASSERT_FALSE(b.hops.empty());
  EXPECT_GT(b.hops[0].queueing_ms, 10);
  // Sizing applies it, and the sized plan meets the target with its margin.
  std::vector<LatencyBudget> again;
  const auto sized = SizeForLatency(problem, plan, o, &again);
  const auto p2 = MakePlan(sized, o);
  for (const auto& n : p2.nfrs) {
    if (n.unit == "ms") {
      EXPECT_LE(n.predicted, 100) << n.name;
    }
  }
}

// The service time alone exceeds the target: no count meets it, and the ceiling is the service
// time at which it would be met (without queueing): exponential P99 = mean × ln 100.
TEST(LatencyBudget, WhenServiceAloneExceedsTheTargetTheCeilingIsNamed) {
  const auto problem = Tier(10, "P99 < 20ms", 4);
  PlanOptions o;
  const auto plan = MakePlan(problem, o);
  const auto budgets = LatencyBudgets(problem, plan, o);
  ASSERT_EQ(budgets.size(), 1u);
  const auto& b = budgets[0];
  EXPECT_FALSE(b.reachable_by_counts);
  EXPECT_EQ(b.ceiling_group, "Workers");
  EXPECT_NEAR(b.ceiling_from_ms, 10, 1e-9);
  ASSERT_TRUE(b.ceiling_to_ms);
  EXPECT_NEAR(*b.ceiling_to_ms, 20 / std::log(100.0), 0.5);
  EXPECT_NE(b.advice.find("Workers: service time must fall from 10 ms to <= 4."), std::string::npos)
      << b.advice;
}

TEST(WhatIf, ParsesAndAppliesChanges) {
  auto problem = Tier(10, "P99 < 100ms");
  ApplyChanges(problem, {ParseChange("Workers.service_time=2ms"), ParseChange("Workers.count=3"),
                         ParseChange("Workers.concurrency=2")});
  const auto* w = problem.design->Find("Workers");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->service_time->mean_ms, 2);
  EXPECT_EQ(w->service_time->distribution, "exponential");
  EXPECT_EQ(*w->count, 3);
  EXPECT_EQ(*w->concurrency, 2);
  const auto plan = MakePlan(problem, {});
  EXPECT_NEAR(plan.groups[1].profile.read.service_ms, 2, 1e-9);
}

TEST(WhatIf, MistakesAreNamed) {
  for (const char* bad : {"Workers.count", "Workers=3", "Workers.colour=3", "Workers.count=1.5",
                          "Workers.count=nan", "Workers.hit_rate=2", "Workers.service_time=2h"}) {
    EXPECT_THROW(ParseChange(bad), std::invalid_argument) << bad;
  }
  auto problem = Tier(10, "P99 < 100ms");
  try {
    ApplyChanges(problem, {ParseChange("Wrokers.count=3")});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no group 'Wrokers' (groups: Clients, Workers)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace archload::planner
