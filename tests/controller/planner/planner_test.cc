#include "controller/planner/planner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

#include "common/spec/spec_yaml.h"
#include "controller/catalog/catalog.h"
#include "controller/planner/limits.h"
#include "controller/planner/queueing.h"

namespace archload::planner {
namespace {

spec::Problem Blog() {
  catalog::Catalog cat(std::string(ARCHLOAD_SOURCE_DIR) + "/problems");
  return catalog::LoadProblemOrDesign("tutorial-simple-blog", cat);
}

const GroupPlan& Group(const Plan& plan, const std::string& type) {
  for (const auto& g : plan.groups) {
    if (g.type == type) return g;
  }
  throw std::runtime_error("no group of type " + type);
}

TEST(Planner, TutorialBlogMatchesTheWhiteboard) {
  const Plan plan = MakePlan(Blog(), {});
  EXPECT_DOUBLE_EQ(plan.workload.rate_rps, 1000);
  EXPECT_DOUBLE_EQ(plan.workload.read_ratio, 0.9);
  const auto& app = Group(plan, "app");
  EXPECT_DOUBLE_EQ(app.profile.read.capacity_rps, 150);
  EXPECT_EQ(app.boe_count, 7);       // 1000 / 150 = 6.67
  EXPECT_EQ(app.headroom_count, 8);  // × 1.2 = 8
  EXPECT_EQ(app.tier_min, 7);
  EXPECT_EQ(app.count, 8);
  EXPECT_NEAR(app.utilization, 1000.0 / 1200.0, 1e-9);
  EXPECT_EQ(plan.bottleneck, "App Servers");
  EXPECT_NEAR(plan.max_throughput_rps, 1200, 1e-6);
  EXPECT_NEAR(Group(plan, "db_replica").rate.read, 900, 1e-9);
  EXPECT_NEAR(Group(plan, "db_primary").rate.write, 100, 1e-9);
  EXPECT_EQ(Group(plan, "lb").count, 1);
  EXPECT_TRUE(plan.latency.stable);
  ASSERT_FALSE(plan.nfrs.empty());
  EXPECT_EQ(plan.nfrs.back().name, "throughput");
  EXPECT_TRUE(plan.nfrs.back().pass);
}

// Where a queue limit binds, the plan says what it refuses (M/M/c/K) and what completes; the
// blog at its planned rate refuses nothing, and its default limits are half a second of work.
TEST(Planner, ABindingQueueLimitIsPredictedAsMmcK) {
  const Plan over = MakePlan(
      spec::LoadProblemFile(std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/mmck_overload.yaml"),
      {});
  const auto& servers = Group(over, "app");
  EXPECT_EQ(servers.queue_limit, 8);
  EXPECT_FALSE(servers.queue_limit_default);
  EXPECT_NEAR(servers.rejected_fraction, 0.33822, 1e-5);
  EXPECT_NEAR(over.rejected_fraction, 0.33822, 1e-5);
  EXPECT_NEAR(over.admitted_rps, 600 * (1 - 0.33822), 1e-3);
  // Overloaded, yet the admitted requests have a latency: M/M/c/K's wait plus the service.
  EXPECT_FALSE(over.latency.stable);
  const double admitted_ms = 1000 * MmcK(2, 8, 600, 200).mean_wait_s + 5;
  EXPECT_NEAR(servers.hop_mean_ms, admitted_ms, 1e-9);
  EXPECT_NEAR(over.latency.mean_ms, admitted_ms, 0.04 * admitted_ms);

  const Plan blog = MakePlan(Blog(), {});
  const auto& app = Group(blog, "app");
  EXPECT_TRUE(app.queue_limit_default);
  EXPECT_EQ(app.queue_limit, 75);  // 150 req/s × 0.5 s
  EXPECT_LT(app.rejected_fraction, 1e-6);
  EXPECT_LT(blog.rejected_fraction, 1e-6);
  EXPECT_NEAR(blog.admitted_rps, 1000, 1e-3);
}

// Instances picked at random see Poisson arrivals: the hop is M/M/1 exactly (5 ms + 7.5 ms wait
// at ρ 0.6); picked round-robin, the Allen-Cunneen factor (1/4 + 1) / 2 cuts the wait to 4.6875.
TEST(Planner, RandomBalancingMeansPoissonArrivalsAtEachInstance) {
  auto problem =
      spec::LoadProblemFile(std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/mmc_random.yaml");
  const Plan random = MakePlan(problem, {});
  EXPECT_TRUE(Group(random, "app").random_arrivals);
  EXPECT_NEAR(Group(random, "app").hop_mean_ms, 12.5, 1e-6);
  problem.design->components[0].balance = "round_robin";
  const Plan rr = MakePlan(problem, {});
  EXPECT_FALSE(Group(rr, "app").random_arrivals);
  EXPECT_NEAR(Group(rr, "app").hop_mean_ms, 9.6875, 1e-6);
}

// A store's write time defaults to the type's ratio (5x its read time); write_mean_ms states it,
// and a stated capacity then splits by the stated times.
TEST(Planner, AStatedWriteTimeReplacesTheTypesRatio) {
  const auto load = [](const std::string& st) {
    return spec::ParseProblemYaml(R"(id: w
workload: {rate_rps: 100, read_ratio: 0.5}
design:
  components:
    - {name: C, type: client}
    - {name: DB, type: db_primary, count: 4, concurrency: 2, service_time: )" +
                                      st + R"(}
  connections:
    - {from: C, to: DB}
)",
                                  "w.yaml");
  };
  const Plan typed = MakePlan(load("{distribution: fixed, mean_ms: 2}"), {});
  EXPECT_NEAR(Group(typed, "db_primary").profile.write.service_ms, 10, 1e-9);
  const auto stated = load("{distribution: fixed, mean_ms: 2, write_mean_ms: 3}");
  const Plan plan = MakePlan(stated, {});
  EXPECT_NEAR(Group(plan, "db_primary").profile.read.service_ms, 2, 1e-9);
  EXPECT_NEAR(Group(plan, "db_primary").profile.write.service_ms, 3, 1e-9);
  // It survives writing the design out and reading it back.
  const auto again = spec::ParseProblemYaml(spec::EmitProblemYaml(stated), "again.yaml");
  EXPECT_EQ(*again.design->components[1].service_time->write_mean_ms, 3);
}

TEST(Planner, RateOverrideScalesTheFleet) {
  PlanOptions o;
  o.rate_rps = 3000;
  const Plan plan = MakePlan(Blog(), o);
  EXPECT_EQ(Group(plan, "app").count, 24);  // 3000 × 1.2 / 150
  EXPECT_EQ(plan.workload.rate_source, "--rate");
}

TEST(Planner, ScaleDividesCountsNeverBelowOne) {
  PlanOptions o;
  o.scale = ParseScale("1/4");
  const Plan plan = MakePlan(Blog(), o);
  EXPECT_EQ(Group(plan, "app").scaled_count, 2);
  EXPECT_EQ(Group(plan, "lb").scaled_count, 1);
  EXPECT_DOUBLE_EQ(plan.scale_divisor, 4);
}

TEST(Planner, AutoScaleFitsTheBudget) {
  PlanOptions o;
  o.scale = ParseScale("auto");
  o.rate_rps = 1e7;
  o.budget = {5000, 1000};
  const Plan plan = MakePlan(Blog(), o);
  EXPECT_TRUE(plan.scale_automatic);
  EXPECT_LE(1e7 / plan.scale_divisor, 5000);
  int instances = 0;
  for (const auto& g : plan.groups) instances += g.scaled_count;
  EXPECT_LE(instances, 1000);
}

TEST(Planner, SizedDesignCarriesCountsAndHitRates) {
  const Plan plan = MakePlan(Blog(), {});
  const auto* app = plan.sized_design.Find("App Servers");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->count, 8);
}

// The SpecError MakePlan throws, or a failure.
spec::SpecError PlanError(const spec::Problem& problem, const PlanOptions& options = {}) {
  try {
    MakePlan(problem, options);
  } catch (const spec::SpecError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a SpecError";
  return spec::SpecError("", 0, "", "none");
}

spec::Problem Design(const std::string& head, const std::string& components) {
  return spec::ParseProblemYaml(
      head + "design:\n  components:\n    - {name: Users, type: client}\n" + components,
      "limits.yaml");
}

// A need past INT_MAX once became a count of -2147483648; now the group is refused by name.
TEST(PlannerLimits, AGroupOverTheLimitIsRefusedByName) {
  const auto p = Design("id: tiny\nnfrs:\n  - {name: Request Rate, raw: \"1,000 req/s\"}\n",
                        "    - {name: Slow, type: app, capacity_rps: 1e-9}\n"
                        "  connections:\n    - {from: Users, to: Slow}\n");
  const auto e = PlanError(p);
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.field(), "design.components[1]");
  EXPECT_NE(std::string(e.what()).find("group 'Slow' would need 1.2e+12 instances"),
            std::string::npos)
      << e.what();
  EXPECT_NE(std::string(e.what()).find("over the limit of 1000000 instances per group"),
            std::string::npos)
      << e.what();
  // At the largest rate the CLI accepts, the blog's app servers are over the limit too.
  PlanOptions o;
  o.rate_rps = kMaxRateRps;
  EXPECT_NE(std::string(PlanError(Blog(), o).what()).find("group 'App Servers' would need"),
            std::string::npos);
}

TEST(PlannerLimits, APlanOverTheLimitIsRefused) {
  std::string components;
  for (int i = 0; i < 11; ++i) {
    components += "    - {name: A" + std::to_string(i) + ", type: app, count: 1000000}\n";
  }
  const auto e = PlanError(Design("id: big\n", components));
  EXPECT_EQ(e.field(), "design");
  EXPECT_NE(std::string(e.what()).find("the plan needs 11000001 instances in all, over the limit "
                                       "of 10000000 per plan"),
            std::string::npos)
      << e.what();
}

TEST(PlannerLimits, AStatedCapacityNeedingTooMuchConcurrencyIsRefused) {
  const auto e = PlanError(
      Design("id: conc\n",
             "    - {name: Big, type: app, capacity_rps: 1e12, service_time: {distribution: fixed, "
             "mean_ms: 1000}}\n"));
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.field(), "design.components[1]");
  EXPECT_NE(std::string(e.what()).find("over the limit of 1000000"), std::string::npos) << e.what();
}

TEST(PlannerLimits, AHugePartitionCountIsRefused) {
  const auto e = PlanError(Design("id: parts\nconstants:\n  partition_count: 1e300\n",
                                  "    - {name: Events, type: stream}\n"));
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.field(), "constants.partition_count");
}

TEST(PlannerLimits, BadOptionsAreRefused) {
  PlanOptions headroom;
  headroom.headroom = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(MakePlan(Blog(), headroom), std::invalid_argument);
  PlanOptions scale;
  scale.scale.divisor = std::numeric_limits<double>::infinity();
  EXPECT_THROW(MakePlan(Blog(), scale), std::invalid_argument);
}

TEST(PlannerLimits, AutoScaleCountsInstancesPastIntMax) {
  // 3000 groups of a million: 3e9 instances, which an int sum wrapped to a negative figure.
  const std::vector<int> counts(3000, 1000000);
  EXPECT_DOUBLE_EQ(AutoDivisor(1000, counts, {1e9, 1000000}), 5000);
}

// Erlang C costs O(concurrency); computed for every sampled hop, a concurrency of a million
// (the most a file may state) made `plan` run for minutes. It takes milliseconds.
TEST(PlannerLimits, TheLargestConcurrencyPlansQuickly) {
  const auto p =
      Design("id: wide\nnfrs:\n  - {name: Request Rate, raw: \"1,000 req/s\"}\n",
             "    - {name: Wide, type: app, concurrency: 1000000, count: 1, capacity_rps: 1100}\n"
             "  connections:\n    - {from: Users, to: Wide}\n");
  const auto start = std::chrono::steady_clock::now();
  const Plan plan = MakePlan(p, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(plan.groups[1].profile.concurrency, 1000000);
  EXPECT_TRUE(plan.latency.stable);
  EXPECT_LT(seconds, 5.0);
}

TEST(Planner, ASizedDesignKeepsTheRateItWasSizedFor) {
  PlanOptions o;
  o.rate_rps = 3000;
  o.latency_samples = 200;
  const Plan plan = MakePlan(Blog(), o);
  const spec::Problem sized = SizedProblem(Blog(), plan);
  ASSERT_TRUE(sized.workload.rate_rps.has_value());
  EXPECT_DOUBLE_EQ(*sized.workload.rate_rps, 3000);
  const spec::Problem again = spec::ParseProblemYaml(spec::EmitProblemYaml(sized), "sized.yaml");
  PlanOptions fast;
  fast.latency_samples = 200;
  const Plan replan = MakePlan(again, fast);
  EXPECT_DOUBLE_EQ(replan.workload.rate_rps, 3000);
  EXPECT_EQ(Group(replan, "app").count, 24);
  EXPECT_NEAR(Group(replan, "app").utilization, Group(plan, "app").utilization, 1e-12);
  // Sized for the problem's own rate, the file states none of its own.
  EXPECT_FALSE(SizedProblem(Blog(), MakePlan(Blog(), fast)).workload.rate_rps.has_value());
}

// The largest group the planner sizes is the largest count a file may state: a design sized at
// the limit is written and loads again (a count over it once made the written file unloadable).
TEST(PlannerLimits, ADesignSizedAtTheGroupLimitLoadsAgain) {
  PlanOptions o;
  o.rate_rps = 125e6;  // × 1.2 / 150 req/s per app server: exactly 1,000,000
  o.latency_samples = 200;
  const Plan plan = MakePlan(Blog(), o);
  EXPECT_EQ(Group(plan, "app").count, kMaxInstancesPerGroup);
  const auto again =
      spec::ParseProblemYaml(spec::EmitProblemYaml(SizedProblem(Blog(), plan)), "sized.yaml");
  EXPECT_EQ(again.design->Find("App Servers")->count, kMaxInstancesPerGroup);
  o.rate_rps = 126e6;
  EXPECT_NE(std::string(PlanError(Blog(), o).what()).find("group 'App Servers' would need"),
            std::string::npos);
}

TEST(Scale, ParsesForms) {
  EXPECT_DOUBLE_EQ(ParseScale("1/1000").divisor, 1000);
  EXPECT_DOUBLE_EQ(ParseScale("0.01").divisor, 100);
  EXPECT_DOUBLE_EQ(ParseScale("1").divisor, 1);
  EXPECT_TRUE(ParseScale("auto").automatic);
  EXPECT_THROW(ParseScale("2"), std::invalid_argument);
  EXPECT_THROW(ParseScale("1/0"), std::invalid_argument);
  EXPECT_THROW(ParseScale("fast"), std::invalid_argument);
  // A denormal fraction made the divisor infinite.
  EXPECT_THROW(ParseScale("1e-310"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(ParseScale("1/1000000000000").divisor, kMaxScaleDivisor);
  EXPECT_THROW(ParseScale("1/1e13"), std::invalid_argument);
}

TEST(Workload, FallsBackToConstantsThenDefault) {
  spec::Problem p;
  p.id = "x";
  p.constants.push_back({"search_qps", 5000.0, ""});
  auto w = ResolveWorkload(p);
  EXPECT_DOUBLE_EQ(w.rate_rps, 5000);
  EXPECT_EQ(w.rate_source, "constant search_qps");
  spec::Problem empty;
  empty.id = "y";
  w = ResolveWorkload(empty);
  EXPECT_DOUBLE_EQ(w.rate_rps, kDefaultRateRps);
  EXPECT_DOUBLE_EQ(w.read_ratio, kDefaultReadRatio);
}

}  // namespace
}  // namespace archload::planner
