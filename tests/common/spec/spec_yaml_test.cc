#include "common/spec/spec_yaml.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

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

// Every text field reads back as written, whatever it holds: yaml-cpp's literal blocks
// (|) carry no chomping or indentation indicator, so some texts must be quoted instead.
TEST(SpecYaml, TextsReadBackExactly) {
  const std::vector<std::string> texts = {
      "one line",
      "two\nlines",
      "ends in a break\n",
      "  indented first line\nsecond\n",
      "  indented, no break\nsecond",
      "several breaks\n\n\n",
      "\nstarts with a break\n",
      "carriage\rreturn\n",
      "tab\tand \x01 control\n",
      "trailing spaces  \n   \nend\n",
      "# not a comment\n- not a list\nkey: not a map\n",
      "",
      " ",
      "\n",
      "caf\xc3\xa9 \xf0\x9f\x98\x80\nline\n",
  };
  for (const auto& text : texts) {
    Problem p;
    p.id = "t";
    p.title = p.summary = p.goal = p.description = text;
    p.functional_requirements = {text};
    p.constants.push_back({"note", std::nullopt, text});
    const std::string once = EmitProblemYaml(p);
    Problem again;
    ASSERT_NO_THROW(again = ParseProblemYaml(once, "t.yaml")) << once;
    EXPECT_EQ(again.title, text) << once;
    EXPECT_EQ(again.summary, text) << once;
    EXPECT_EQ(again.goal, text) << once;
    EXPECT_EQ(again.description, text) << once;
    EXPECT_EQ(again.functional_requirements[0], text) << once;
    EXPECT_EQ(again.FindConstant("note")->text, text) << once;
    EXPECT_EQ(EmitProblemYaml(again), once);
  }
}

// An omitted target list is parsed again from `raw`; one the file emptied must stay empty.
TEST(SpecYaml, ExplicitlyEmptyTargetsStayEmpty) {
  const Problem p = ParseProblemYaml(
      "id: x\nnfrs:\n  - {name: Latency, raw: \"P99 < 100ms\", latency: []}\n"
      "  - {name: Request Rate, raw: \"100 req/s\", rates: []}\n",
      "x.yaml");
  ASSERT_TRUE(p.nfrs[0].latency.empty());
  ASSERT_TRUE(p.nfrs[1].rates.empty());
  const Problem again = ParseProblemYaml(EmitProblemYaml(p), "again.yaml");
  EXPECT_TRUE(again.nfrs[0].latency.empty());
  EXPECT_TRUE(again.nfrs[1].rates.empty());
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
        BadCase{"unknown_balance",
                "id: x\ndesign:\n  components:\n    - {name: a, type: lb, balance: hash}\n", 4,
                "design.components[0].balance",
                "expected round_robin, least_outstanding, p2c, random"},
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
                "design.components[0].role", "unknown role"},
        // yaml-cpp keeps the first of two equal keys; a repeated key is refused wherever it is.
        BadCase{"unknown_fault",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: explode, component: a}\n",
                6, "design.faults[0].kind", "unknown fault 'explode'"},
        BadCase{"slow_without_delay",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: slow, component: a}\n",
                6, "design.faults[0].delay", "a slow fault needs a delay"},
        BadCase{"partition_without_peer",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: partition, component: a}\n",
                6, "design.faults[0].peer", "missing required field"},
        BadCase{"fault_on_nothing",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: kill, component: b}\n",
                6, "design.faults[0]", "no component is named 'b'"},
        BadCase{"fault_fraction",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: errors, component: a, fraction: 1.5}\n",
                6, "design.faults[0].fraction", "out of range"},
        BadCase{"kill_agent_without_agent",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  faults:\n    - "
                "{kind: kill_agent, start_s: 3}\n",
                6, "design.faults[0].agent", "a kill_agent names its agent"},
        BadCase{"resilience_typo",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, resilience: {retrys: "
                "2}}\n",
                4, "design.components[0].resilience.retrys", "unknown field"},
        BadCase{"resilience_negative",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, resilience: "
                "{timeout_ms: -1}}\n",
                4, "design.components[0].resilience.timeout_ms", "out of range"},
        BadCase{"duplicate_top_key", "id: x\ntitle: a\nid: y\n", 3, "id",
                "duplicate key (first given at line 1)"},
        BadCase{"duplicate_in_flow_map",
                "id: x\ndesign:\n  components:\n    - {name: a, type: app, count: 3, count: 5}\n",
                4, "design.components[0].count", "duplicate key (first given at line 4)"},
        BadCase{"duplicate_in_call_script",
                "id: x\ndesign:\n  components:\n    - name: a\n      type: app\n      calls:\n"
                "        read: [{call: a}]\n        read: [{call: b}]\n",
                8, "design.components[0].calls.read", "duplicate key (first given at line 7)"},
        BadCase{"duplicate_constant", "id: x\nconstants:\n  qps: 100\n  qps: 0\n", 4,
                "constants.qps", "duplicate key (first given at line 3)"},
        BadCase{"duplicate_nfr_field",
                "id: x\nnfrs:\n  - name: Latency\n    raw: P99 < 1ms\n    raw: P99 < 9ms\n", 5,
                "nfrs[0].raw", "duplicate key (first given at line 4)"},
        BadCase{"list_as_key", "id: x\n[a, b]: 1\n", 2, "", "a key must be text"},
        BadCase{"empty_key", "id: x\nconstants:\n  : 1\n", 3, "constants", "a key must be text"},
        // A constant of nan or inf would size a group for a capacity of nan or inf.
        BadCase{"nan_constant",
                "id: x\nconstants:\n  level: L5\n  app_capacity_per_instance: nan\n", 4,
                "constants.app_capacity_per_instance", "expected a finite number, got 'nan'"},
        BadCase{"inf_constant", "id: x\nconstants:\n  qps: -inf\n", 3, "constants.qps",
                "expected a finite number"},
        // yaml-cpp would keep the byte, then write it back as U+FFFD.
        BadCase{"latin1", "id: x\ntitle: ok\ndescription: caf\xe9\n", 3, "",
                "the file is not UTF-8 (byte 0xE9)"}),
    [](const auto& info) { return std::string(info.param.name); });

std::string ErrorOf(const std::string& yaml) {
  try {
    ParseProblemYaml(yaml, "bad.yaml");
  } catch (const SpecError& e) {
    return e.what();
  }
  return "no error";
}

// A design every field of which is valid, whose components share one call script through an
// alias: each component holds steps × calls_per_step calls of 3 nodes ({to: T}).
std::string SharedScriptDesign(int components, int steps, int calls_per_step) {
  std::string calls;
  for (int i = 0; i < calls_per_step; ++i) calls += i == 0 ? "&c {to: T}" : ", *c";
  std::string step_list;
  for (int i = 0; i < steps; ++i) {
    step_list += i == 0 ? "&st {parallel: [" + calls + "]}" : ", *st";
  }
  std::string yaml = "id: shared\ndesign:\n  components:\n    - {name: T, type: db_primary}\n";
  for (int i = 0; i < components; ++i) {
    yaml += "    - {name: A" + std::to_string(i) + ", type: app, calls: ";
    yaml += i == 0 ? "&s {any: [" + step_list + "]}}\n" : "*s}\n";
  }
  return yaml;
}

TEST(SpecYamlLimits, AliasesCountEachTimeTheyAreUsed) {
  // Small enough to load: every component really holds steps × calls script calls.
  const Problem small = ParseProblemYaml(SharedScriptDesign(3, 10, 10), "ok.yaml");
  ASSERT_EQ(small.design->components.size(), 4u);
  EXPECT_EQ(small.design->components[3].calls->read->size(), 10u);
  EXPECT_EQ((*small.design->components[3].calls->read)[9].calls.size(), 10u);
  // 2 KB of text standing for 40 × 100 × 100 = 400,000 calls (1.2M nodes): refused.
  const std::string bomb = SharedScriptDesign(40, 100, 100);
  EXPECT_LT(bomb.size(), 3000u);
  const std::string error = ErrorOf(bomb);
  EXPECT_NE(error.find("the document expands to more than 100000 YAML nodes"), std::string::npos)
      << error;
}

TEST(SpecYamlLimits, BillionLaughsIsRefusedInWellUnderASecond) {
  // Ten levels of nine aliases: 9^10 (3.5 billion) leaves from 400 bytes of text.
  std::string yaml = "id: lol\nfunctional_requirements:\n  - &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    yaml += "  - &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 9; ++k) yaml += ", " + prev;
    yaml += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string error = ErrorOf(yaml);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(error.find("more than 100000 YAML nodes"), std::string::npos) << error;
  EXPECT_LT(seconds, 1.0);  // about 10 ms; generous for sanitizers on a busy machine
}

TEST(SpecYamlLimits, AnAliasToItselfIsRefused) {
  // The anchor is defined before its content, so the list contains itself.
  const std::string error = ErrorOf("id: x\nfunctional_requirements: &a [x, *a]\n");
  EXPECT_NE(error.find("nested deeper than 64 levels"), std::string::npos) << error;
  EXPECT_NE(error.find("bad.yaml:2: field 'functional_requirements[1][1]"), std::string::npos)
      << error;
}

TEST(SpecYamlLimits, TextOverTheSizeLimitIsRefusedBeforeParsing) {
  const std::string valid = "id: x\n# ";
  std::string at_limit = valid + std::string(kMaxYamlBytes - valid.size() - 1, 'x') + "\n";
  ASSERT_EQ(at_limit.size(), kMaxYamlBytes);
  EXPECT_EQ(ParseProblemYaml(at_limit, "ok.yaml").id, "x");
  // One byte more, even of a comment, and the text is refused unparsed.
  const std::string error = ErrorOf(at_limit + "#");
  EXPECT_NE(error.find("bad.yaml: the file is 262145 bytes, over the limit of 262144 bytes"),
            std::string::npos)
      << error;
}

TEST(SpecYamlLimits, AFileOverTheSizeLimitIsRefusedWithoutReadingItAll) {
  const auto path = std::filesystem::temp_directory_path() / "archload-spec-test-big.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << "id: x\n";
    const std::string line = "# " + std::string(1022, 'x') + "\n";
    for (size_t i = 0; i < 4 * kMaxYamlBytes / line.size(); ++i) out << line;
  }
  try {
    LoadProblemFile(path);
    ADD_FAILURE() << "expected a SpecError";
  } catch (const SpecError& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_NE(std::string(e.what()).find("over the limit of 262144 bytes"), std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path);
}

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
      EXPECT_NE(std::string(e.what()).find("a key must be text"), std::string::npos) << e.what();
    }
  }
}

// Found by tests/fuzz/yaml_fuzz and seed_fuzz: a `|` block reads back with one trailing newline
// whatever the text had, so emit, reload, emit changed the bytes. The emitter now writes a block
// only when it reads back exactly (else a quoted string), so a reload changes nothing.
TEST(SpecYaml, ProseRoundTripsExactly) {
  const Problem p =
      ParseProblemYaml("id: x\ngoal: \"g1\\ng2\"\nsummary: |\n  s1\n  s2\n\n\n", "x.yaml");
  EXPECT_EQ(p.goal, "g1\ng2");
  EXPECT_EQ(p.summary, "s1\ns2\n");
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
    EXPECT_NE(std::string(e.what()).find("not UTF-8"), std::string::npos) << e.what();
  }
}

// Found by yaml_fuzz (corpus: regression-nul-in-block.yaml): yaml-cpp read a NUL inside a `|`
// block as the byte 0xA0 (not UTF-8), so the loaded text changed on emit and reload. A raw
// control character other than tab, line feed and carriage return is not YAML: refused with its
// line. Escaped in a double-quoted string, as the emitter writes it, the same text loads.
TEST(SpecYaml, RawControlCharactersAreASpecErrorWithTheirLine) {
  for (const char c : {'\0', '\x01', '\x1b'}) {
    std::string yaml = "id: x\ndescription: |\n  a m3";
    yaml += c;
    yaml += "_count b\n";
    try {
      ParseProblemYaml(yaml, "bad.yaml");
      ADD_FAILURE() << "byte " << static_cast<int>(c) << " loaded";
    } catch (const SpecError& e) {
      EXPECT_EQ(e.line(), 3) << e.what();
      EXPECT_NE(std::string(e.what()).find("raw control character"), std::string::npos) << e.what();
    }
  }
  const Problem p = ParseProblemYaml("id: x\ndescription: \"a m3\\x00_count b\\n\"\n", "ok.yaml");
  EXPECT_EQ(p.description, std::string("a m3\0_count b\n", 14));
  EXPECT_EQ(EmitProblemYaml(ParseProblemYaml(EmitProblemYaml(p), "again.yaml")),
            EmitProblemYaml(p));
}

// Found by yaml_fuzz (corpus: regression-cr-in-id.yaml): yaml-cpp wrote an id of "\r\r" as a
// plain scalar with the CRs raw and read it back without them. Every string the emitter writes
// survives a carriage return: quoted, escaped.
TEST(SpecYaml, ALoneCarriageReturnSurvivesInEveryField) {
  const Problem p = ParseProblemYaml("id: \"a\\rb\\r\"\n", "cr.yaml");
  ASSERT_EQ(p.id, "a\rb\r");
  Problem q = p;
  q.title = q.category = q.difficulty = "x\ry";
  q.functional_requirements = {"\r"};
  q.nfrs.push_back({});
  q.nfrs.back().name = "N\r";
  q.nfrs.back().raw = "r\raw";
  q.design.emplace();
  q.design->components.push_back({});
  q.design->components.back().name = "C\r";
  q.design->components.back().type = "app";
  const std::string once = EmitProblemYaml(q);
  EXPECT_EQ(once.find("\r"), std::string::npos) << "a raw carriage return was written";
  const Problem again = ParseProblemYaml(once, "again.yaml");
  EXPECT_EQ(again.id, q.id);
  EXPECT_EQ(again.title, q.title);
  EXPECT_EQ(again.functional_requirements, q.functional_requirements);
  EXPECT_EQ(EmitProblemYaml(again), once);
}

TEST(SpecYaml, FormatNumberIsShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(0.9), "0.9");
  EXPECT_EQ(FormatNumber(1000), "1000");
  EXPECT_EQ(std::stod(FormatNumber(1.0 / 3)), 1.0 / 3);
  EXPECT_EQ(FormatNumber(0.999), "0.999");
}

}  // namespace
}  // namespace archload::spec

namespace archload::spec {
namespace {

TEST(SpecYaml, FaultsAndResilienceRoundTrip) {
  const std::string yaml =
      "id: x\n"
      "design:\n"
      "  components:\n"
      "    - {name: lb, type: lb}\n"
      "    - name: app\n"
      "      type: app\n"
      "      resilience: {timeout_ms: 300, retries: 3, retry_budget: -1, check_interval_ms: 0}\n"
      "  connections:\n"
      "    - {from: lb, to: app}\n"
      "  faults:\n"
      "    - {kind: kill, component: app, instance: 1, start_s: 5, duration_s: 10, restart: "
      "false}\n"
      "    - {kind: slow, component: app, fraction: 0.1, delay: {distribution: lognormal, "
      "mean_ms: 50, cv: 1}}\n"
      "    - {kind: partition, component: lb, peer: app, one_way: true, start_s: 1}\n"
      "    - {kind: overload, multiplier: 1.5, start_s: 3, duration_s: 3}\n";
  const Problem p = ParseProblemYaml(yaml, "f.yaml");
  const Problem q = ParseProblemYaml(EmitProblemYaml(p), "again.yaml");
  for (const Problem* x : {&p, &q}) {
    ASSERT_TRUE(x->design);
    const auto& d = *x->design;
    ASSERT_EQ(d.faults.size(), 4u);
    EXPECT_EQ(d.faults[0].kind, "kill");
    EXPECT_EQ(*d.faults[0].instance, 1);
    EXPECT_FALSE(d.faults[0].restart);
    EXPECT_EQ(d.faults[1].delay->distribution, "lognormal");
    EXPECT_DOUBLE_EQ(*d.faults[1].fraction, 0.1);
    EXPECT_TRUE(d.faults[2].one_way);
    EXPECT_EQ(d.faults[2].peer, "app");
    EXPECT_DOUBLE_EQ(*d.faults[3].multiplier, 1.5);
    const auto& r = *d.components[1].resilience;
    EXPECT_DOUBLE_EQ(*r.timeout_ms, 300);
    EXPECT_EQ(*r.retries, 3);
    EXPECT_DOUBLE_EQ(*r.retry_budget, -1);
    EXPECT_DOUBLE_EQ(*r.check_interval_ms, 0);
    EXPECT_FALSE(r.check_fall);
  }
  EXPECT_EQ(p.design->faults[0].line, 11);
}

TEST(SpecYaml, AFaultFlagIsTheDesignsSyntaxAndNamesItselfInErrors) {
  const Fault f = ParseFaultFlag("{kind: hang, component: App Servers, start_s: 2}");
  EXPECT_EQ(f.kind, "hang");
  EXPECT_EQ(f.component, "App Servers");
  try {
    ParseFaultFlag("{kind: hang, component: a, start_s: soon}");
    FAIL() << "expected a SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("--fault '{kind: hang"), std::string::npos) << e.what();
    EXPECT_EQ(e.field(), "fault.start_s");
  }
}

}  // namespace
}  // namespace archload::spec
