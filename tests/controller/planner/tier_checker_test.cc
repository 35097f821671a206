#include "controller/planner/tier_checker.h"

#include <gtest/gtest.h>

#include "common/spec/spec_yaml.h"
#include "controller/planner/planner.h"
#include "controller/planner/tier_completion.h"

namespace archload::planner {
namespace {

const char* kProblem = R"(id: tiers
constants: {cache_hit_target: 0.95}
tiers:
  - name: T0
    checks:
      - {kind: must_include, type: app, raw: "Must include: app"}
      - {kind: connection_from, type: app, raw: "Must have connection from: app"}
  - name: T1
    checks:
      - {kind: min_count, type: app, min: 3, raw: "Minimum 3 of type: app"}
      - {kind: param_range, param: cache.hit_rate, raw: "Parameter range check: cache.hit_rate"}
  - name: T2
    checks:
      - {kind: must_include, type: db_replica, raw: "Must include: db_replica"}
design:
  components:
    - {name: U, type: client}
    - {name: A, type: app}
    - {name: K, type: cache}
    - {name: P, type: db_primary}
  connections:
    - {from: U, to: A}
    - {from: A, to: K}
    - {from: A, to: P}
)";

TEST(TierChecker, UnsizedDesignFailsWithReasons) {
  const auto p = spec::ParseProblemYaml(kProblem, "t.yaml");
  const auto r = CheckTiers(p, *p.design);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].pass);
  EXPECT_FALSE(r[1].pass);
  EXPECT_EQ(r[1].checks[0].reason, "1 instance(s) of app, need 3");
  EXPECT_EQ(r[1].checks[1].reason, "'K' sets no hit_rate");
  EXPECT_FALSE(r[2].pass);
  EXPECT_FALSE(AllPass(r));
}

TEST(TierChecker, RangeUsesTheProblemsTarget) {
  const auto p = spec::ParseProblemYaml(kProblem, "t.yaml");
  const auto range = RangeFor("cache.hit_rate", p);
  ASSERT_TRUE(range.has_value());
  EXPECT_DOUBLE_EQ(range->min, 0.95);
  EXPECT_EQ(range->source, "constant cache_hit_target");
  auto design = *p.design;
  design.components[2].hit_rate = 0.9;
  const auto r = CheckTiers(p, design);
  EXPECT_FALSE(r[1].checks[1].pass);
  EXPECT_NE(r[1].checks[1].reason.find("outside [0.95"), std::string::npos);
  EXPECT_FALSE(RangeFor("cache.ttl", p).has_value());
}

TEST(TierChecker, PlannedDesignPasses) {
  const auto p = spec::ParseProblemYaml(kProblem, "t.yaml");
  const Plan plan = MakePlan(p, {});
  const auto r = CheckTiers(p, plan.sized_design);
  EXPECT_TRUE(AllPass(r)) << r[1].checks[0].reason << " / " << r[1].checks[1].reason;
  // The missing replica was added beside the primary.
  const auto* added = plan.sized_design.Find("db_replica (added by planner)");
  ASSERT_NE(added, nullptr);
  EXPECT_TRUE(added->added_by_planner);
}

}  // namespace
}  // namespace archload::planner
