// Backend addresses and their fit to a group, checked before anything runs (docs/backends.md).
#include "common/spec/backend_address.h"

#include <gtest/gtest.h>

#include "common/spec/spec_yaml.h"

namespace archload::spec {
namespace {

TEST(BackendAddress, HostPortsAndWhatIsWrongWithThem) {
  std::string why;
  auto hp = ParseHostPort("127.0.0.1:6379", &why);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 6379);
  hp = ParseHostPort("[::1]:9092", &why);
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::1");
  EXPECT_FALSE(ParseHostPort("localhost", &why));
  EXPECT_NE(why.find("host:port"), std::string::npos);
  EXPECT_FALSE(ParseHostPort("h:70000", &why));
  EXPECT_NE(why.find("1..65535"), std::string::npos);
  EXPECT_FALSE(ParseHostPort("h:12x", &why));
}

TEST(BackendAddress, TheFlagNamesAGroupAndAKind) {
  auto [group, b] = ParseBackendFlag("Shared Cache=redis://127.0.0.1:6379");
  EXPECT_EQ(group, "Shared Cache");
  EXPECT_EQ(b.kind, "redis");
  EXPECT_EQ(b.address, "127.0.0.1:6379");
  auto [lb, h] = ParseBackendFlag("Load Balancer=haproxy");
  EXPECT_EQ(h.kind, "haproxy");
  EXPECT_TRUE(h.address.empty());
  EXPECT_THROW(ParseBackendFlag("redis://x:1"), std::invalid_argument);
  try {
    ParseBackendFlag("Cache=memcached://x:1");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown kind 'memcached'"), std::string::npos);
  }
}

TEST(BackendAddress, EachKindStandsInForItsRolesOnly) {
  EXPECT_EQ(BackendProblem({"redis", "127.0.0.1:6379", {}, {}}, Role::kCache), "");
  EXPECT_EQ(BackendProblem({"redis", "127.0.0.1:6379", {}, {}}, Role::kStore), "");
  EXPECT_EQ(BackendProblem({"kafka", "a:9092,b:9092", {}, {}}, Role::kBroker), "");
  EXPECT_EQ(BackendProblem({"haproxy", "", {}, {}}, Role::kProxy), "");
  EXPECT_NE(BackendProblem({"redis", "127.0.0.1:6379", {}, {}}, Role::kService)
                .find("cannot stand in for a service group"),
            std::string::npos);
  EXPECT_NE(BackendProblem({"redis", "", {}, {}}, Role::kCache).find("needs an address"),
            std::string::npos);
  EXPECT_NE(BackendProblem({"redis", "a:1,b:2", {}, {}}, Role::kCache).find("one address"),
            std::string::npos);
  EXPECT_NE(BackendProblem({"kafka", "a:1", 60.0, {}}, Role::kBroker).find("ttl_s"),
            std::string::npos);
}

TEST(BackendAddress, ADesignDeclaresItAndWritesItBack) {
  const char* yaml = R"(id: real
design:
  components:
    - {name: C, type: client}
    - {name: App, type: app}
    - name: Cache
      type: cache
      backend: {kind: redis, address: "127.0.0.1:6379", ttl_s: 300, timeout_ms: 50}
  connections:
    - {from: C, to: App}
    - {from: App, to: Cache}
)";
  const auto p = ParseProblemYaml(yaml, "real.yaml");
  const auto& b = p.design->components[2].backend;
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, "redis");
  EXPECT_EQ(*b->ttl_s, 300);
  const auto again = ParseProblemYaml(EmitProblemYaml(p), "again.yaml");
  EXPECT_EQ(again.design->components[2].backend->address, "127.0.0.1:6379");
  EXPECT_EQ(*again.design->components[2].backend->timeout_ms, 50);
  // A backend that cannot stand in for its group is an error naming the line and field.
  std::string bad = yaml;
  bad.replace(bad.find("type: cache"), 11, "type: app  ");
  try {
    ParseProblemYaml(bad, "bad.yaml");
    FAIL();
  } catch (const SpecError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.yaml:8"), std::string::npos) << what;
    EXPECT_NE(what.find("design.components[2].backend"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace archload::spec
