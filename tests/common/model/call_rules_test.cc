#include "common/model/call_rules.h"

#include <gtest/gtest.h>

#include "common/spec/spec_yaml.h"

namespace archload::model {
namespace {

spec::Problem Load(const std::string& design_yaml) {
  return spec::ParseProblemYaml("id: t\ndesign:\n" + design_yaml, "t.yaml");
}

const char* kBlog = R"(  components:
    - {name: Users, type: redirect_client}
    - {name: LB, type: lb}
    - {name: App, type: app}
    - {name: Primary, type: db_primary}
    - {name: Replica, type: db_replica}
  connections:
    - {from: Users, to: LB}
    - {from: LB, to: App}
    - {from: App, to: Primary}
    - {from: App, to: Replica}
)";

TEST(CallRules, ServiceReadsFromReplicaAndWritesToPrimary) {
  const auto p = Load(kBlog);
  CallRules rules(*p.design);
  const int app = rules.Index("App");
  const auto& read = rules.For(app, RequestClass::kRead);
  ASSERT_EQ(read.steps.size(), 1u);
  EXPECT_EQ(read.steps[0].calls[0].target, rules.Index("Replica"));
  const auto& write = rules.For(app, RequestClass::kWrite);
  ASSERT_EQ(write.steps.size(), 1u);
  EXPECT_EQ(write.steps[0].calls[0].target, rules.Index("Primary"));
  EXPECT_EQ(rules.Entries(), std::vector<int>{rules.Index("Users")});
}

TEST(CallRules, CacheAsideLookupThenStoreThenFill) {
  const auto p = Load(R"(  components:
    - {name: App, type: app}
    - {name: Cache, type: cache}
    - {name: Primary, type: db_primary}
    - {name: Queue, type: queue}
    - {name: Worker, type: worker}
  connections:
    - {from: App, to: Cache}
    - {from: App, to: Primary}
    - {from: App, to: Queue}
    - {from: Queue, to: Worker}
)");
  CallRules rules(*p.design);
  const int app = rules.Index("App"), cache = rules.Index("Cache");
  const auto& read = rules.For(app, RequestClass::kRead);
  ASSERT_EQ(read.steps.size(), 3u);
  EXPECT_TRUE(read.steps[0].lookup);
  EXPECT_TRUE(read.steps[0].calls[0].local_only);
  EXPECT_EQ(read.steps[1].condition, StepCondition::kOnCacheMiss);
  EXPECT_EQ(read.steps[1].calls[0].target, rules.Index("Primary"));
  EXPECT_EQ(read.steps[2].calls[0].target, cache);
  EXPECT_EQ(read.steps[2].calls[0].request_class, RequestClass::kWrite);
  // Writes: primary, invalidate the cache, publish. Nothing else.
  const auto& write = rules.For(app, RequestClass::kWrite);
  ASSERT_EQ(write.steps.size(), 3u);
  EXPECT_EQ(write.steps[0].calls[0].target, rules.Index("Primary"));
  EXPECT_TRUE(write.steps[1].calls[0].local_only);
  EXPECT_EQ(write.steps[2].calls[0].target, rules.Index("Queue"));
  // The broker delivers to its consumer off the request path.
  const auto& publish = rules.For(rules.Index("Queue"), RequestClass::kWrite);
  ASSERT_EQ(publish.steps.size(), 1u);
  EXPECT_TRUE(publish.steps[0].async);
  EXPECT_TRUE(rules.ImplicitClient());
  EXPECT_EQ(rules.Entries(), std::vector<int>{app});
}

TEST(CallRules, ReadThroughCacheWhenServiceHasNoStore) {
  const auto p = Load(R"(  components:
    - {name: App, type: app}
    - {name: Cache, type: cache}
    - {name: Primary, type: db_primary}
    - {name: Replica, type: db_replica}
  connections:
    - {from: App, to: Cache}
    - {from: Cache, to: Primary}
    - {from: Cache, to: Replica}
)");
  CallRules rules(*p.design);
  const auto& read = rules.For(rules.Index("App"), RequestClass::kRead);
  ASSERT_EQ(read.steps.size(), 1u);
  EXPECT_FALSE(read.steps[0].calls[0].local_only);
  const auto& cache_read = rules.For(rules.Index("Cache"), RequestClass::kRead);
  EXPECT_TRUE(cache_read.self_lookup);
  ASSERT_EQ(cache_read.steps.size(), 1u);
  EXPECT_EQ(cache_read.steps[0].condition, StepCondition::kOnSelfMiss);
  EXPECT_EQ(cache_read.steps[0].calls[0].target, rules.Index("Replica"));
  const auto& cache_write = rules.For(rules.Index("Cache"), RequestClass::kWrite);
  ASSERT_EQ(cache_write.steps.size(), 1u);
  EXPECT_EQ(cache_write.steps[0].calls[0].target, rules.Index("Primary"));
}

TEST(CallRules, ShardsSplitOneOf) {
  const auto p = Load(R"(  components:
    - {name: App, type: app}
    - {name: S1, type: db_primary}
    - {name: S2, type: db_primary}
  connections:
    - {from: App, to: S1}
    - {from: App, to: S2}
)");
  CallRules rules(*p.design);
  const auto& write = rules.For(rules.Index("App"), RequestClass::kWrite);
  ASSERT_EQ(write.steps.size(), 1u);
  EXPECT_EQ(write.steps[0].mode, StepMode::kOneOf);
  EXPECT_EQ(write.steps[0].calls.size(), 2u);
}

TEST(CallRules, ScriptReplacesTheDefaultRules) {
  const auto p = Load(R"(  components:
    - {name: App, type: app, calls: {read: [{parallel: [A, {to: B, probability: 0.25}]}],
                                      write: [{call: A, async: true, class: read}]}}
    - {name: A, type: db_primary}
    - {name: B, type: search}
)");
  CallRules rules(*p.design);
  const int app = rules.Index("App");
  const auto& read = rules.For(app, RequestClass::kRead);
  ASSERT_EQ(read.steps.size(), 1u);
  EXPECT_TRUE(read.steps[0].parallel);
  ASSERT_EQ(read.steps[0].calls.size(), 2u);
  EXPECT_DOUBLE_EQ(read.steps[0].calls[1].probability, 0.25);
  const auto& write = rules.For(app, RequestClass::kWrite);
  ASSERT_EQ(write.steps.size(), 1u);
  EXPECT_TRUE(write.steps[0].async);
  EXPECT_EQ(write.steps[0].calls[0].request_class, RequestClass::kRead);
  // No drawn connections, yet the script's targets are App's downstreams.
  EXPECT_EQ(rules.Downstreams(app).size(), 2u);
}

}  // namespace
}  // namespace archload::model
