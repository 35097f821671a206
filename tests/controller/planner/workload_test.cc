#include "controller/planner/workload.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/spec/spec_yaml.h"
#include "controller/planner/planner.h"

namespace archload::planner {
namespace {

const char* kDesign = R"yaml(design:
  components:
    - {name: Users, type: client}
    - {name: App, type: app}
  connections:
    - {from: Users, to: App}
)yaml";

spec::Problem Load(const std::string& head) {
  return spec::ParseProblemYaml(head + kDesign, "rate.yaml");
}

// The SpecError MakePlan throws for `problem`, or a failure.
spec::SpecError PlanError(const spec::Problem& problem) {
  try {
    MakePlan(problem, {});
  } catch (const spec::SpecError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a SpecError";
  return spec::SpecError("", 0, "", "none");
}

TEST(Workload, AZeroRateNfrIsRefusedNamingItsLine) {
  const auto p = Load(
      "id: zero\nnfrs:\n  - {name: Latency, raw: \"P99 < 100ms\"}\n  - name: Request Rate\n"
      "    raw: \"0 req/s\"\n");
  // Listing the problem still works: only sizing needs the rate.
  EXPECT_DOUBLE_EQ(ResolveWorkload(p).rate_rps, 0);
  const auto e = PlanError(p);
  EXPECT_EQ(e.file(), "rate.yaml");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.field(), "nfrs[1].raw");
  EXPECT_NE(std::string(e.what()).find("is 0 req/s: a run would offer no load and pass"),
            std::string::npos)
      << e.what();
}

TEST(Workload, AZeroRateConstantIsRefusedNotReplacedByTheDefault) {
  const auto total = PlanError(Load("id: zero\nconstants:\n  level: \"L5\"\n  total_qps: 0\n"));
  EXPECT_EQ(total.line(), 4);
  EXPECT_EQ(total.field(), "constants.total_qps");
  EXPECT_NE(std::string(total.what()).find("(constant total_qps) is 0 req/s"), std::string::npos)
      << total.what();
  const auto split = PlanError(Load("id: zero\nconstants:\n  read_qps: 0\n  write_qps: 0\n"));
  EXPECT_EQ(split.line(), 3);
  EXPECT_EQ(split.field(), "constants.read_qps");
}

TEST(Workload, AnExplicitRateReplacesAZeroStatedOne) {
  const auto p = Load("id: zero\nnfrs:\n  - {name: Request Rate, raw: \"0 req/s\"}\n");
  PlanOptions o;
  o.rate_rps = 250;
  const Plan plan = MakePlan(p, o);
  EXPECT_DOUBLE_EQ(plan.workload.rate_rps, 250);
  EXPECT_EQ(plan.workload.rate_source, "--rate");
}

TEST(Workload, ARateAboveTheLimitIsRefusedNamingItsSource) {
  const auto nfr =
      PlanError(Load("id: huge\nnfrs:\n  - {name: Request Rate, raw: \"5B req/s\"}\n"));
  EXPECT_EQ(nfr.line(), 3);
  EXPECT_EQ(nfr.field(), "nfrs[0].raw");
  EXPECT_NE(std::string(nfr.what()).find("above the planner's limit of 1000000000 req/s"),
            std::string::npos)
      << nfr.what();
  const auto workload = PlanError(Load("id: huge\nworkload:\n  rate_rps: 2e9\n"));
  EXPECT_EQ(workload.line(), 3);
  EXPECT_EQ(workload.field(), "workload.rate_rps");
}

TEST(Workload, AHugeSpikeConstantIsRefused) {
  const auto e =
      PlanError(Load("id: spike\nnfrs:\n  - {name: Request Rate, raw: \"100 req/s\"}\nconstants:\n"
                     "  spike_multiplier: 1e300\n"));
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.field(), "constants.spike_multiplier");
  const auto ok = Load(
      "id: spike\nnfrs:\n  - {name: Request Rate, raw: \"100 req/s\"}\nconstants:\n"
      "  spike_multiplier: 100\n");
  EXPECT_DOUBLE_EQ(MakePlan(ok, {}).workload.spike_multiplier, 100);
}

TEST(Workload, ABadRateOptionIsRefused) {
  const auto p = Load("id: ok\nnfrs:\n  - {name: Request Rate, raw: \"100 req/s\"}\n");
  for (double bad : {0.0, -1.0, 2e9, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()}) {
    PlanOptions o;
    o.rate_rps = bad;
    EXPECT_THROW(MakePlan(p, o), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace archload::planner
