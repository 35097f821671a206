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

}  // namespace
}  // namespace archload::planner
