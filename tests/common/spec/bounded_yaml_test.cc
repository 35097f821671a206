#include "common/spec/bounded_yaml.h"

#include <gtest/gtest.h>

#include "common/spec/spec_error.h"
#include "common/spec/spec_yaml.h"

namespace archload::spec {
namespace {

// Any YAML archload reads, not only problems: a hosts file, say.
SpecError ErrorOf(const std::string& yaml) {
  try {
    LoadBoundedYaml(yaml, "hosts.yaml");
  } catch (const SpecError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a SpecError";
  return SpecError("", 0, "", "none");
}

TEST(BoundedYaml, ReadsAPlainDocument) {
  const YAML::Node n = LoadBoundedYaml("hosts:\n  - {address: 10.0.0.1, agents: 2}\n", "h.yaml");
  EXPECT_EQ(n["hosts"][0]["agents"].as<int>(), 2);
}

TEST(BoundedYaml, RefusesARepeatedKeyNamingBothLines) {
  const auto e = ErrorOf("hosts:\n  - address: 10.0.0.1\n    agents: 2\n    agents: 64\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.field(), "hosts[0].agents");
  EXPECT_NE(std::string(e.what()).find("duplicate key (first given at line 3)"), std::string::npos)
      << e.what();
}

TEST(BoundedYaml, RefusesAnAliasBomb) {
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 6; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) yaml += ", " + prev;
    yaml += "]\n";
  }
  EXPECT_NE(std::string(ErrorOf(yaml).what()).find("more than 100000 YAML nodes"),
            std::string::npos);
}

TEST(BoundedYaml, AMissingFileIsNamed) {
  try {
    LoadBoundedYamlFile("/nonexistent/hosts.yaml");
    FAIL() << "expected a SpecError";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/hosts.yaml");
    EXPECT_NE(std::string(e.what()).find("cannot open file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace archload::spec
