#include "controller/planner/latency_predictor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/spec/spec_yaml.h"
#include "controller/planner/planner.h"

namespace archload::planner {
namespace {

// One M/M/1 group behind a client: the sojourn time is exponential with rate μ - λ, so
// P99 = ln(100) / (μ - λ) and the mean is 1 / (μ - λ).
TEST(LatencyPredictor, SingleMm1GroupMatchesClosedForm) {
  const auto p = spec::ParseProblemYaml(R"(id: mm1
workload: {rate_rps: 80, read_ratio: 1}
design:
  components:
    - {name: C, type: client}
    - {name: S, type: app, count: 1, concurrency: 1,
       service_time: {distribution: exponential, mean_ms: 10}}
  connections:
    - {from: C, to: S}
)",
                                        "mm1.yaml");
  const Plan plan = MakePlan(p, {});
  const double rate = 100 - 80;  // μ - λ
  EXPECT_NEAR(plan.latency.mean_ms, 1000.0 / rate, 0.04 * 1000.0 / rate);
  EXPECT_NEAR(plan.latency.p99_ms, 1000.0 * std::log(100.0) / rate,
              0.06 * 1000 * std::log(100.0) / rate);
  EXPECT_NEAR(plan.groups[1].utilization, 0.8, 1e-9);
}

TEST(LatencyPredictor, CacheHitsShortenThePathNotAverageIt) {
  const auto p = spec::ParseProblemYaml(R"(id: cached
workload: {rate_rps: 100, read_ratio: 1}
design:
  components:
    - {name: C, type: client}
    - {name: A, type: app, count: 10, concurrency: 1,
       service_time: {distribution: fixed, mean_ms: 1}}
    - {name: K, type: cache, hit_rate: 0.9, count: 1,
       service_time: {distribution: fixed, mean_ms: 1}}
    - {name: D, type: db_primary, count: 10,
       service_time: {distribution: fixed, mean_ms: 50}}
  connections:
    - {from: C, to: A}
    - {from: A, to: K}
    - {from: A, to: D}
)",
                                        "cached.yaml");
  const Plan plan = MakePlan(p, {});
  // 90% of reads: app + cache lookup ≈ 2 ms; misses add the DB (50 ms) and a cache fill.
  EXPECT_LT(plan.latency.p50_ms, 5);
  EXPECT_GT(plan.latency.p99_ms, 50);
}

// The harness's costs as a run measured them: a round trip per call (the client's to the
// entry included) and an overrun per emulated service time, which also loads the queue.
TEST(LatencyPredictor, HarnessCostsAddARoundTripPerCallAndAnOverrunPerService) {
  const auto p = spec::ParseProblemYaml(R"(id: chain
workload: {rate_rps: 10, read_ratio: 1}
design:
  components:
    - {name: C, type: client}
    - {name: A, type: app, count: 1000, concurrency: 1,
       service_time: {distribution: fixed, mean_ms: 2}}
    - {name: D, type: db_primary, count: 1000, concurrency: 1,
       service_time: {distribution: fixed, mean_ms: 3}}
  connections:
    - {from: C, to: A}
    - {from: A, to: D}
)",
                                        "chain.yaml");
  const Plan design = MakePlan(p, {});
  PlanOptions costed;
  costed.harness.round_trip_s.assign(10, 0.25e-3);
  costed.harness.overrun_s = {0, 0.1e-3, 0.1e-3};
  const Plan with = MakePlan(p, costed);
  // Two calls (client -> app -> store) of 0.25 ms and two overruns of 0.1 ms. At 1%
  // utilisation nobody waits.
  EXPECT_NEAR(design.latency.p50_ms, 5.0, 0.01);
  EXPECT_NEAR(with.latency.p50_ms, 5.0 + 0.5 + 0.2, 0.01);
  EXPECT_NEAR(with.latency.p99_ms - design.latency.p99_ms, 0.7, 0.01);
}

TEST(LatencyPredictor, AnOverrunLoadsTheQueueToo) {
  const auto p = spec::ParseProblemYaml(R"(id: busy
workload: {rate_rps: 90, read_ratio: 1}
design:
  components:
    - {name: C, type: client}
    - {name: S, type: app, count: 1, concurrency: 1, queue_limit: 100000,
       service_time: {distribution: fixed, mean_ms: 10}}
  connections:
    - {from: C, to: S}
)",
                                        "busy.yaml");
  PlanOptions costed;
  costed.harness.overrun_s = {0, 0.5e-3};
  const Plan design = MakePlan(p, {});
  const Plan with = MakePlan(p, costed);
  // ρ 0.9 -> 0.945: M/D/1's wait ρ S / (2 (1 - ρ)) grows from 45 ms to ~90 ms.
  EXPECT_NEAR(design.groups[1].hop_wait_ms, 45, 1);
  EXPECT_NEAR(with.groups[1].hop_wait_ms, 0.945 * 10.5 / (2 * 0.055), 2);
  EXPECT_NEAR(with.groups[1].hop_service_ms, 10.5, 1e-9);
}

// Fork-join: branches fed the same arrivals wait together. Two identical M/M/1 branches have
// Flatto and Hahn's exact mean (12 - ρ)/8 · 1/(μ - λ); four, Nelson and Tantawi's approximation
// [H4/H2 + 4/11 (1 - H4/H2) ρ] R2 (H: harmonic numbers). Independent branches overstate both.
TEST(LatencyPredictor, ForkJoinBranchesShareTheirQueueing) {
  auto problem =
      spec::LoadProblemFile(std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/fork_join.yaml");
  PlanOptions o;
  o.latency_samples = 400000;
  const double fork_ms = 0.01;
  const double rho = 0.5, gap = 1000 - 500;  // μ - λ per second
  const double exact = 1000 * (12 - rho) / 8 / gap + fork_ms;
  const double independent = 1000 * 1.5 / gap + fork_ms;
  const Plan two = MakePlan(problem, o);
  EXPECT_NEAR(two.latency.mean_ms, exact, 0.005 * exact);
  EXPECT_LT(two.latency.mean_ms, independent - 0.02 * independent);

  auto& comps = problem.design->components;
  for (const char* name : {"Third", "Fourth"}) {
    auto extra = comps[2];
    extra.name = name;
    comps.push_back(extra);
    problem.design->connections.push_back({"Fork", name});
  }
  auto& step = comps[1].calls->read->front();  // every request is a read here
  step.calls.push_back(step.calls.front());
  step.calls.back().target = "Third";
  step.calls.push_back(step.calls.front());
  step.calls.back().target = "Fourth";
  const Plan four = MakePlan(problem, o);
  const double h2 = 1.5, h4 = 1 + 1.0 / 2 + 1.0 / 3 + 1.0 / 4;
  const double nelson_tantawi = (h4 / h2 + 4.0 / 11 * (1 - h4 / h2) * rho) * (exact - fork_ms);
  EXPECT_NEAR(four.latency.mean_ms - fork_ms, nelson_tantawi, 0.04 * nelson_tantawi);
  EXPECT_LT(four.latency.mean_ms - fork_ms, 1000 * h4 / gap * 0.98);  // below independence
}

}  // namespace
}  // namespace archload::planner
