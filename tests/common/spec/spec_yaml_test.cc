#include "common/spec/spec_yaml.h"

#include <gtest/gtest.h>

namespace archload::spec {
namespace {

const char* kDesign = R"yaml(id: my-design
title: My design
nfrs:
  - {name: Latency, raw: "P99 < 150ms"}
  - {name: Request Rate, raw: "2k req/s (1,800 reads, 200 writes)"}
constants:
  app_capacity_per_instance: 250
  level: "L5"
tiers:
  - name: Scale
    checks:
      - {kind: min_count, type: app, min: 3, raw: "Minimum 3 of type: app"}
design:
  components:
    - {name: Users, type: client}
    - {name: LB, type: lb, balance: p2c}
    - {name: App, type: app, count: 4, service_time: {distribution: exponential, mean_ms: 5}}
    - {name: Cache, type: cache, hit_rate: 0.8}
    - {name: DB, type: db_primary}
  connections:
    - {from: Users, to: LB}
    - {from: LB, to: App}
    - {from: App, to: Cache}
    - {from: App, to: DB}
)yaml";

TEST(SpecYaml, LoadsAUserDesignAndParsesRawNfrs) {
  const Problem p = ParseProblemYaml(kDesign, "my.yaml");
  EXPECT_EQ(p.id, "my-design");
  ASSERT_EQ(p.nfrs.size(), 2u);
  ASSERT_EQ(p.nfrs[0].latency.size(), 1u);
  EXPECT_DOUBLE_EQ(p.nfrs[0].latency[0].ms, 150);
  ASSERT_EQ(p.nfrs[1].rates.size(), 3u);
  EXPECT_EQ(p.nfrs[1].rates[1].request_class, "read");
  ASSERT_TRUE(p.design.has_value());
  ASSERT_EQ(p.design->components.size(), 5u);
  EXPECT_EQ(p.design->components[2].count, 4);
  EXPECT_EQ(p.design->components[2].service_time->distribution, "exponential");
  EXPECT_EQ(p.design->components[1].role, Role::kProxy);
  EXPECT_EQ(p.design->components[2].line, 17);
  EXPECT_DOUBLE_EQ(*p.NumberConstant("app_capacity_per_instance"), 250);
  EXPECT_EQ(p.FindConstant("level")->text, "L5");
}

TEST(SpecYaml, EmitThenLoadIsIdentity) {
  const Problem p = ParseProblemYaml(kDesign, "my.yaml");
  const std::string once = EmitProblemYaml(p);
  const Problem again = ParseProblemYaml(once, "again.yaml");
  EXPECT_EQ(EmitProblemYaml(again), once);
}

TEST(SpecYaml, QuotedNumericTextConstantStaysText) {
  Problem p;
  p.id = "x";
  p.constants.push_back({"version", std::nullopt, "10"});
  const Problem again = ParseProblemYaml(EmitProblemYaml(p), "x.yaml");
  ASSERT_NE(again.FindConstant("version"), nullptr);
  EXPECT_FALSE(again.FindConstant("version")->number.has_value());
  EXPECT_EQ(again.FindConstant("version")->text, "10");
}

struct BadCase {
  const char* name;
  std::string yaml;
  int line;
  std::string field;
  std::string message_part;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class SpecYamlErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(SpecYamlErrors, NameFileLineAndField) {
  const auto& c = GetParam();
  try {
    ParseProblemYaml(c.yaml, "bad.yaml");
    FAIL() << "expected a SpecError";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.file(), "bad.yaml");
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_EQ(e.field(), c.field) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.yaml:"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SpecYamlErrors,
    ::testing::Values(
        BadCase{"malformed", "id: x\ndesign: [unclosed\n", 3, "", "malformed YAML"},
        BadCase{"missing_id", "title: t\n", 1, "id", "missing required field"},
        BadCase{"unknown_top", "id: x\nfoo: 1\n", 2, "foo", "unknown field"},
        BadCase{"negative_rate", "id: x\nworkload:\n  rate_rps: -5\n", 3, "workload.rate_rps",
                "out of range"},
        BadCase{"not_a_number", "id: x\nworkload:\n  rate_rps: lots\n", 3, "workload.rate_rps",
                "expected a number"},
        BadCase{"bad_count",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, count: 2.5}\n", 4,
                "design.components[0].count", "whole number"},
        BadCase{"hit_rate_range",
                "id: x\ndesign:\n  components:\n    - {name: a, type: cache, hit_rate: 1.5}\n", 4,
                "design.components[0].hit_rate", "out of range"},
        BadCase{"typo_field",
                "id: x\ndesign:\n  components:\n    - {name: a, type: cache, hitrate: 0.9}\n", 4,
                "design.components[0].hitrate", "unknown field"},
        BadCase{"dangling_connection",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  connections:\n    "
                "- {from: a, to: b}\n",
                6, "design.connections[0].to", "no component is named 'b'"},
        BadCase{"duplicate_name",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n    - {name: a, type: "
                "lb}\n",
                5, "design.components[1].name", "duplicate component name"},
        BadCase{"empty_design", "id: x\ndesign:\n  components: []\n", 3, "design.components",
                "non-empty list"},
        BadCase{"bad_distribution",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, service_time: "
                "{distribution: pareto, mean_ms: 3}}\n",
                4, "design.components[0].service_time.distribution", "unknown distribution"},
        BadCase{"bad_role",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, role: magic}\n", 4,
                "design.components[0].role", "unknown role"}),
    [](const auto& info) { return std::string(info.param.name); });

const char* kScripted = R"yaml(id: scripted
design:
  components:
    - {name: Users, type: client}
    - name: API
      type: app
      calls:
        read:
          - {call: Cache, lookup: true, local: true}
          - {call: DB, when: miss}
          - {parallel: [Search, {to: Recs, probability: 0.5}]}
        write:
          - {one_of: [{to: DB, weight: 3}, Search]}
          - {call: Audit, async: true}
    - {name: Cache, type: cache}
    - {name: DB, type: db_primary}
    - {name: Search, type: search}
    - {name: Recs, type: app}
    - {name: Audit, type: queue}
  connections:
    - {from: Users, to: API}
)yaml";

TEST(SpecYaml, CallScriptsLoadAndRoundTrip) {
  const Problem p = ParseProblemYaml(kScripted, "s.yaml");
  const auto& api = *p.design->Find("API");
  ASSERT_TRUE(api.calls.has_value());
  ASSERT_TRUE(api.calls->read.has_value());
  const auto& read = *api.calls->read;
  ASSERT_EQ(read.size(), 3u);
  EXPECT_TRUE(read[0].lookup);
  EXPECT_TRUE(read[0].calls[0].local_only);
  EXPECT_EQ(read[1].when, "miss");
  EXPECT_TRUE(read[2].parallel);
  EXPECT_DOUBLE_EQ(read[2].calls[1].probability, 0.5);
  const auto& write = *api.calls->write;
  EXPECT_TRUE(write[0].one_of);
  EXPECT_DOUBLE_EQ(write[0].calls[0].weight, 3);
  EXPECT_TRUE(write[1].async);
  const std::string once = EmitProblemYaml(p);
  EXPECT_EQ(EmitProblemYaml(ParseProblemYaml(once, "again.yaml")), once);
}

TEST(SpecYaml, CallScriptErrorsNameTheField) {
  auto error_of = [](const std::string& yaml) {
    try {
      ParseProblemYaml(yaml, "bad.yaml");
    } catch (const SpecError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "id: x\ndesign:\n  components:\n    - {name: a, type: app, calls: ";
  EXPECT_NE(error_of(head + "{read: [{call: ghost}]}}\n").find("calls 'ghost'"), std::string::npos);
  EXPECT_NE(error_of(head + "{read: [{call: a, when: later}]}}\n")
                .find("design.components[0].calls.read[0].when"),
            std::string::npos);
  EXPECT_NE(error_of(head + "{read: [{call: a, one_of: [a]}]}}\n").find("exactly one of"),
            std::string::npos);
  EXPECT_NE(error_of(head + "{sometimes: []}}\n").find("calls.sometimes"), std::string::npos);
  EXPECT_NE(
      error_of(head + "{read: [{parallel: [{to: a, probability: 2}]}]}}\n").find("out of range"),
      std::string::npos);
}

// Found by tests/fuzz/yaml_fuzz: a mapping or list as a key escaped the loader as yaml-cpp's
// TypedBadConversion instead of a SpecError.
TEST(SpecYaml, AListAsAKeyIsASpecError) {
  for (const char* yaml : {"? [a, b]\n: 1\nid: x\n", "id: x\nworkload: {? {a: 1}: 2}\n"}) {
    try {
      ParseProblemYaml(yaml, "bad.yaml");
      ADD_FAILURE() << "loaded: " << yaml;
    } catch (const SpecError& e) {
      EXPECT_NE(std::string(e.what()).find("expected a field name"), std::string::npos) << yaml;
    }
  }
}

// Found by tests/fuzz/yaml_fuzz and seed_fuzz: a `|` block reads back with one trailing newline
// whatever the text had, so prose is trimmed on load and a reload changes nothing.
TEST(SpecYaml, ProseRoundTripsWithoutItsOuterBlankLines) {
  const Problem p =
      ParseProblemYaml("id: x\ngoal: \"g1\\ng2\"\nsummary: |\n  s1\n  s2\n\n\n", "x.yaml");
  EXPECT_EQ(p.goal, "g1\ng2");
  EXPECT_EQ(p.summary, "s1\ns2");
  const std::string once = EmitProblemYaml(p);
  const Problem again = ParseProblemYaml(once, "again.yaml");
  EXPECT_EQ(again.goal, p.goal);
  EXPECT_EQ(again.summary, p.summary);
  EXPECT_EQ(EmitProblemYaml(again), once);
}

// Found by tests/fuzz/seed_fuzz: text holding control characters was written raw into a `|`
// block (which YAML cannot hold), and a NUL cut the emitted file short.
TEST(SpecYaml, ControlCharactersInProseRoundTrip) {
  Problem p;
  p.id = "x";
  static constexpr char kDescription[] = "tab\there\nback\bspace, nul\0, cr\r, del\x7f\nend";
  p.description = std::string(kDescription, sizeof kDescription - 1);
  p.summary = "line one\n  indented second line";
  const std::string once = EmitProblemYaml(p);
  EXPECT_NE(once.find("tiers:"), std::string::npos) << "the file was cut short";
  const Problem again = ParseProblemYaml(once, "again.yaml");
  EXPECT_EQ(again.description, p.description);
  EXPECT_EQ(again.summary, p.summary);
  EXPECT_EQ(EmitProblemYaml(again), once);
}

// Seen first in the importer (tests/fuzz/seed_fuzz): yaml-cpp loads malformed UTF-8 as it is,
// and the emitter then writes replacement characters, so the file written back did not hold
// what was loaded.
TEST(SpecYaml, MalformedUtf8IsASpecErrorWithItsLine) {
  try {
    ParseProblemYaml("id: x\ntitle: ok\nsummary: caf\xC3\n", "bad.yaml");
    FAIL();
  } catch (const SpecError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos);
  }
}

TEST(SpecYaml, FormatNumberIsShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(0.9), "0.9");
  EXPECT_EQ(FormatNumber(1000), "1000");
  EXPECT_EQ(std::stod(FormatNumber(1.0 / 3)), 1.0 / 3);
  EXPECT_EQ(FormatNumber(0.999), "0.999");
}

}  // namespace
}  // namespace archload::spec
