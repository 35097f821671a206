#include "controller/planner/fault_model.h"

#include <gtest/gtest.h>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/catalog.h"
#include "controller/planner/what_if.h"

namespace archload::planner {
namespace {

spec::Problem Blog() {
  catalog::Catalog cat(std::string(ARCHLOAD_SOURCE_DIR) + "/problems");
  return catalog::LoadProblemOrDesign("tutorial-simple-blog", cat);
}

int GroupOf(const Plan& plan, const std::string& name) {
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    if (plan.groups[i].name == name) return static_cast<int>(i);
  }
  throw std::runtime_error("no group " + name);
}

model::Resilience None() {
  model::Resilience r;
  r.timeout_ms = 0;
  r.outlier.consecutive_failures = 0;
  r.health.interval_ms = 0;
  return r;
}

struct Fixture {
  Plan plan = MakePlan(Blog(), {});
  int app = GroupOf(plan, "App Servers");
  FaultModelInput in;
  model::Fault kill;
  Fixture() {
    in.rate_rps = plan.workload.rate_rps;
    in.run_s = 20;
    in.resilience.assign(plan.groups.size(), None());
    in.caller_views.assign(plan.groups.size(), 1);
    kill.kind = model::FaultKind::kKill;
    kill.group = app;
    kill.instance = 0;
    kill.start_s = 5;
    kill.duration_s = 10;
  }
};

TEST(FaultModel, WithoutResilienceAKilledInstanceFailsItsShareForTheWholeFault) {
  Fixture f;
  const auto p = PredictFault(f.plan, f.kill, f.in);
  EXPECT_FALSE(p.detection_s);
  EXPECT_NEAR(p.failing_share, 1.0 / 8, 1e-9);
  // 1,000 req/s × 1/8 × 10 s, and what the instance held when it died.
  EXPECT_GT(p.lost, 1250);
  EXPECT_LT(p.lost, 1260);
  EXPECT_NEAR(*p.survivors_utilization, f.plan.groups[f.app].utilization * 8 / 7, 1e-9);
  EXPECT_DOUBLE_EQ(*p.restored_s, 0);  // callers never stopped choosing it
}

TEST(FaultModel, HealthChecksOnTheLoadsClockDetectAtTheThirdFailedRound) {
  Fixture f;
  f.in.resilience[f.app] = model::Resilience{};
  f.in.resilience[f.app].outlier.consecutive_failures = 0;
  const auto p = PredictFault(f.plan, f.kill, f.in);
  // Rounds at 6, 8, 10 s fail: down at 10 s; back after the restart at 16 and 18 s.
  ASSERT_TRUE(p.detection_s);
  EXPECT_DOUBLE_EQ(*p.detection_s, 5);
  EXPECT_DOUBLE_EQ(*p.restored_s, 3);
  EXPECT_NEAR(p.lost, 1000.0 / 8 * 5, 5);
  // A hang is seen a check's timeout later.
  f.kill.kind = model::FaultKind::kHang;
  EXPECT_DOUBLE_EQ(*PredictFault(f.plan, f.kill, f.in).detection_s, 6);
}

TEST(FaultModel, OutlierEjectionAndRetriesLoseAlmostNothing) {
  Fixture f;
  f.in.resilience[f.app] = model::Resilience{};
  f.in.resilience[f.app].retries = 2;
  const auto p = PredictFault(f.plan, f.kill, f.in);
  // Five failures in a row at 125 req/s: 40 ms.
  EXPECT_NEAR(*p.detection_s, 0.04, 1e-9);
  EXPECT_LT(p.lost, 1);
  EXPECT_GT(*p.availability, 0.9999);
  // Ejected for 30 s from 5.04 s: not back within the run.
  EXPECT_FALSE(p.restored_s);
  // Without a budget cap retries still only fail when every attempt meets the dead one.
  f.in.resilience[f.app].outlier.consecutive_failures = 0;
  f.in.resilience[f.app].health.interval_ms = 0;
  const auto q = PredictFault(f.plan, f.kill, f.in);
  EXPECT_NEAR(q.failing_share, 1.0 / (8 * 8 * 8), 1e-9);
}

TEST(FaultModel, EjectionNeverTakesMoreThanItsShareOfTheGroup) {
  Fixture f;
  const int db = GroupOf(f.plan, "Primary DB");
  f.in.resilience[db] = model::Resilience{};
  f.kill.group = db;
  f.kill.instance = -1;
  f.kill.start_s = 4;
  f.kill.duration_s = 3;
  const auto p = PredictFault(f.plan, f.kill, f.in);
  EXPECT_FALSE(p.detection_s);              // a single instance: nothing to fail over to
  EXPECT_NEAR(p.failing_share, 0.1, 1e-6);  // the writes
  EXPECT_NEAR(p.lost, 1000 * 0.1 * 3, 5);
  EXPECT_NEAR(*p.availability, 1 - 300.0 / 20000, 3e-4);
}

TEST(FaultModel, ErrorsFailTheirFractionAndWarmUpIsNotCounted) {
  Fixture f;
  f.kill.kind = model::FaultKind::kErrors;
  f.kill.instance = -1;
  f.kill.fraction = 0.2;
  f.in.counted_from_s = 7;  // the first 2 s of the fault are warm-up
  const auto p = PredictFault(f.plan, f.kill, f.in);
  EXPECT_NEAR(p.failing_share, 0.2, 1e-9);
  EXPECT_NEAR(p.lost, 1000 * 0.2 * 8, 1e-6);
}

TEST(FaultModel, PartitionsCountTheCallsThatCrossWhenTheyAreTheOnlyCaller) {
  Fixture f;
  model::Fault part;
  part.kind = model::FaultKind::kPartition;
  part.group = f.app;
  part.peer_group = GroupOf(f.plan, "Read Replica");
  part.start_s = 4;
  part.duration_s = 3;
  const auto p = PredictFault(f.plan, part, f.in);
  EXPECT_NEAR(p.lost, 1000 * 0.9 * 3, 10);
  // Partitioning the balancer from the clients: the balancer's only caller is the client.
  part.group = GroupOf(f.plan, "Load Balancer");
  part.peer_group = GroupOf(f.plan, "Blog Readers");
  part.both_ways = true;
  EXPECT_NEAR(PredictFault(f.plan, part, f.in).lost, 3000, 10);
}

TEST(FaultModel, RetriesWithoutABudgetAfterASurgePastCapacityAreMetastable) {
  const Plan plan = MakePlan(
      spec::LoadProblemFile(std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/metastable.yaml"), {});
  FaultModelInput in;
  in.rate_rps = plan.workload.rate_rps;
  in.run_s = 15;
  in.resilience.assign(plan.groups.size(), None());
  in.resilience[GroupOf(plan, "Servers")] = model::Resilience{};
  in.resilience[GroupOf(plan, "Servers")].timeout_ms = 300;
  in.resilience[GroupOf(plan, "Servers")].retries = 3;
  in.resilience[GroupOf(plan, "Servers")].retry_budget = -1;
  model::Fault surge;
  surge.kind = model::FaultKind::kOverload;
  surge.multiplier = 600.0 / 280;
  surge.start_s = 3;
  surge.duration_s = 3;
  const auto stuck = PredictFault(plan, surge, in);
  EXPECT_TRUE(stuck.saturates);
  EXPECT_TRUE(stuck.metastable) << stuck.how;
  in.resilience[GroupOf(plan, "Servers")].retry_budget = 0.1;
  EXPECT_FALSE(PredictFault(plan, surge, in).metastable);
  surge.multiplier = 1.2;  // 336 req/s: within capacity
  in.resilience[GroupOf(plan, "Servers")].retry_budget = -1;
  EXPECT_FALSE(PredictFault(plan, surge, in).saturates);
}

TEST(FaultModel, SlowFaultsAreTheirFractionOfTheCountedWindow) {
  model::Fault slow;
  slow.kind = model::FaultKind::kSlow;
  slow.group = 2;
  slow.fraction = 0.1;
  slow.start_s = 5;
  slow.duration_s = 5;
  const auto s = SlowFaultsOf({slow}, {1, 1, 8}, 0, 20);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NEAR(s[0].share, 0.1 * 5 / 20, 1e-12);
  slow.instance = 3;  // one of 8 instances
  EXPECT_NEAR(SlowFaultsOf({slow}, {1, 1, 8}, 0, 20)[0].share, 0.1 * 5 / 20 / 8, 1e-12);
  slow.start_s = 30;  // after the run
  EXPECT_TRUE(SlowFaultsOf({slow}, {1, 1, 8}, 0, 20).empty());
}

TEST(FaultModel, TheLatencyPredictorSamplesTheSlowMixture) {
  const auto blog = Blog();
  const Plan plain = MakePlan(blog, {});
  PlanOptions o;
  const int app = GroupOf(plain, "App Servers");
  o.slow_faults.push_back({app, 0.1, model::ServiceTimeSampler("fixed", 500, 0, {})});
  const Plan slowed = MakePlan(blog, o);
  // A tenth of the requests take 500 ms more: P99 sits among them, P50 does not move.
  EXPECT_GT(slowed.latency.p99_ms, 500);
  EXPECT_NEAR(slowed.latency.p50_ms, plain.latency.p50_ms, 0.1 * plain.latency.p50_ms);
}

TEST(WhatIf, ResilienceFieldsSetTheirOwnValueAndLeaveTheRestToTheDefaults) {
  auto blog = Blog();
  ApplyChanges(blog, {ParseChange("App Servers.resilience.retries=2"),
                      ParseChange("App Servers.resilience.retry_budget=-1")});
  const auto* app = blog.design->Find("App Servers");
  ASSERT_TRUE(app->resilience);
  EXPECT_EQ(*app->resilience->retries, 2);
  EXPECT_EQ(*app->resilience->retry_budget, -1);
  EXPECT_FALSE(app->resilience->timeout_ms);
  EXPECT_THROW(ParseChange("App Servers.resilience.retires=2"), std::invalid_argument);
  EXPECT_THROW(ParseChange("App Servers.resilience.retries=-2"), std::invalid_argument);
  EXPECT_THROW(ParseChange("App Servers.resilience.timeout_ms=fast"), std::invalid_argument);
}

}  // namespace
}  // namespace archload::planner
