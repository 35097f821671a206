// The CLI as a user runs it: a real process, its exit code and what it prints.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;

using Result = archload::testing::ProcessResult;

Result RunCli(const std::string& args) {
  if (!fs::exists(ARCHLOAD_BIN)) {
    ADD_FAILURE() << "archload binary missing at " << ARCHLOAD_BIN << ": build it first";
    return {};
  }
  return archload::testing::RunCommand(std::string(ARCHLOAD_BIN) + " --catalog " +
                                       ARCHLOAD_SOURCE_DIR + "/problems " + args);
}

// Without the --catalog RunCli adds: `env` is put in front of the command ("VAR=value").
Result RunCliWithout(const std::string& env, const std::string& args) {
  return archload::testing::RunCommand(env + " " + ARCHLOAD_BIN + " " + args);
}

fs::path TempFile(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("archload-cli-test-" + name);
  std::ofstream(p) << content;
  return p;
}

TEST(Cli, ProblemsListJsonHas618UniqueIds) {
  const auto r = RunCli("problems list --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 618u);
  std::set<std::string> ids;
  for (const auto& row : j) ids.insert(row["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 618u);
  EXPECT_TRUE(j[0].contains("latency_target"));
  EXPECT_TRUE(j[0].contains("target_rps"));
}

TEST(Cli, ProblemsListFilters) {
  const auto r = RunCli("problems list --category tutorial --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out).size(), 4u);
}

// A plan of 1.2 million instances still gets its latency budget: the budget's no-queueing
// what-if multiplies the counts by less rather than tripping the plan's size limit (it printed
// "the plan needs 24144001 instances" and exited 2; docs/validation.md).
TEST(Cli, AHugePlanStillGetsItsLatencyBudget) {
  const auto r = RunCli("plan multiregion-streaming");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("instances in all"), std::string::npos) << r.out;
}

TEST(Cli, PlanTutorialBlogJson) {
  const auto r = RunCli("plan tutorial-simple-blog --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  std::set<std::string> types;
  int app = 0;
  for (const auto& g : j["groups"]) {
    types.insert(g["type"].get<std::string>());
    if (g["type"] == "app") app = g["count"]["chosen"].get<int>();
  }
  EXPECT_GE(app, 7);
  EXPECT_EQ(app, 8);
  for (const char* t : {"lb", "db_primary", "db_replica"}) EXPECT_TRUE(types.count(t)) << t;
  const double max = j["max_throughput_rps"].get<double>();
  EXPECT_GE(max, 1000);
  EXPECT_LE(max, 1400);
  EXPECT_EQ(j["bottleneck"], "App Servers");
  EXPECT_TRUE(j["latency"].contains("p99_ms"));
}

TEST(Cli, CheckPassesWhenPlannedAndNamesTheFailingTierUnsized) {
  const auto planned = RunCli("check tutorial-simple-blog");
  EXPECT_EQ(planned.code, 0) << planned.out;
  EXPECT_NE(planned.out.find("all tiers pass"), std::string::npos);
  const auto unsized = RunCli("check tutorial-simple-blog --unsized");
  EXPECT_EQ(unsized.code, 1) << unsized.out;
  EXPECT_NE(unsized.out.find("✗ T2: Scale to 1,000 QPS"), std::string::npos) << unsized.out;
  EXPECT_NE(unsized.out.find("1 instance(s) of app, need 7"), std::string::npos);
}

// check --faults: without health checks a dead app instance is never left, so availability
// fails; with the default resilience declared it is noticed and the NFRs hold.
TEST(Cli, CheckFaultsJudgesOneLostInstancePerRequiredGroup) {
  const auto plain = RunCli("check tutorial-simple-blog --faults --format json");
  ASSERT_EQ(plain.code, 1) << plain.out;
  const auto j = nlohmann::json::parse(plain.out);
  ASSERT_EQ(j["cases"].size(), 1u);
  const auto& c = j["cases"][0];
  EXPECT_EQ(c["group"], "App Servers");
  EXPECT_EQ(c["tier_minimum"], 7);
  EXPECT_TRUE(c["detection_s"].is_null());
  EXPECT_NEAR(c["availability"].get<double>(), 0.875, 0.001);
  EXPECT_TRUE(c["latency_holds"].get<bool>());
  EXPECT_FALSE(c["availability_holds"].get<bool>());
  const auto checked = RunCli(
      "check tutorial-simple-blog --faults --set \"App Servers.resilience.outlier_consecutive=0\"");
  EXPECT_EQ(checked.code, 0) << checked.out;
  EXPECT_NE(checked.out.find("5.00 s"), std::string::npos) << checked.out;  // checks at 6, 8, 10
  EXPECT_NE(checked.out.find("every NFR holds with one instance lost"), std::string::npos);
  const auto bad = RunCli("check tutorial-simple-blog --run");
  EXPECT_EQ(bad.code, 2) << bad.out;
}

// A fault that does not fit the run is refused before anything starts, naming it.
TEST(Cli, AFaultOutsideTheDesignIsAnErrorNamingIt) {
  auto r = RunCli(
      "run tutorial-simple-blog --duration 1s --no-metrics --fault "
      "\"{kind: kill, component: App Servers, instance: 8}\"");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("instance 8 of 'App Servers', which has 8"), std::string::npos) << r.out;
  r = RunCli(
      "run tutorial-simple-blog --duration 1s --no-metrics --fault "
      "\"{kind: kill, component: Web}\"");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no component 'Web'"), std::string::npos) << r.out;
  r = RunCli("run tutorial-simple-blog --duration 1s --no-metrics --fault \"{kind: melt}\"");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("fault.kind"), std::string::npos) << r.out;
}

TEST(Cli, StatsMeetTheParsingBar) {
  const auto r = RunCli("problems stats --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_GE(j["parsed_latency_target_with_percentile"].get<int>(), 570);
  EXPECT_GE(j["parsed_rate"].get<int>(), 570);
  EXPECT_EQ(j["reference_designs"].get<int>(), 217);
}

TEST(Cli, UserDesignFilePlansAndChecks) {
  const auto f = TempFile("design.yaml", R"(id: my-shop
nfrs:
  - {name: Latency, raw: "P99 < 300ms"}
  - {name: Request Rate, raw: "2,000 req/s"}
design:
  components:
    - {name: Users, type: client}
    - {name: LB, type: lb}
    - {name: Shop, type: app, capacity_rps: 400}
    - {name: DB, type: db_primary}
  connections:
    - {from: Users, to: LB}
    - {from: LB, to: Shop}
    - {from: Shop, to: DB}
)");
  const auto r = RunCli("plan " + f.string() + " --format json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["problem"], "my-shop");
  EXPECT_EQ(j["groups"][2]["count"]["chosen"].get<int>(), 6);  // 2000 × 1.2 / 400
}

struct BadInput {
  std::string args;
  std::string message;
};

TEST(Cli, BadInputExitsTwoWithAClearMessage) {
  const auto malformed = TempFile(
      "bad.yaml", "id: x\ndesign:\n  components:\n    - {name: a, type: app, count: -3}\n");
  const auto dangling = TempFile("dangling.yaml",
                                 "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  "
                                 "connections:\n    - {from: a, to: ghost}\n");
  const auto duplicate = TempFile("duplicate.yaml",
                                  "id: x\ndesign:\n  components:\n    - {name: a, type: app}\n  "
                                  "components:\n    - {name: b, type: app}\n");
  const std::vector<BadInput> cases = {
      {"plan no-such-problem", "unknown problem id 'no-such-problem'"},
      {"plan tutorial-simple-blog --rate -5", "--rate"},
      {"plan tutorial-simple-blog --scale 3", "--scale '3'"},
      {"plan tutorial-simple-blog --rate 1e300",
       "--rate: expected a finite number in (0, 1000000000], got '1e300'"},
      {"plan tutorial-simple-blog --rate 1e9",
       "field 'design.components[2]': group 'App Servers' would need 8e+06 instances"},
      {"plan tutorial-simple-blog --scale 1e-310", "the smallest scale is 1/1000000000000"},
      {"plan tutorial-simple-blog --format xml", "unknown --format"},
      {"plan " + malformed.string(), malformed.string() + ":4: field 'design.components[0].count'"},
      {"check " + dangling.string(), dangling.string() + ":6: field 'design.connections[0].to'"},
      {"plan /nonexistent/design.yaml", "no such design file"},
      {"plan " + duplicate.string(),
       duplicate.string() + ":5: field 'design.components': duplicate key (first given at line 3)"},
      {"import-seed /nonexistent/seed.txt --out /tmp/x", "cannot open seed file"},
      {"frobnicate", "subcommand"},
      {"run tutorial-simple-blog --max-duration 1m", "--max-duration goes with --until-confident"},
      {"run tutorial-simple-blog --until-confident --profile ramp",
       "--until-confident needs --profile constant"},
      {"run tutorial-simple-blog --until-confident --duration 2m --max-duration 1m",
       "is shorter than --duration"},
      {"run tutorial-simple-blog --until-confident --max-duration soon", "--max-duration 'soon'"},
      {"run tutorial-simple-blog --duration 5s --warmup 5s", "leaves nothing of --duration"},
      {"run tutorial-simple-blog --backend \"Nope=redis://127.0.0.1:6379\"", "no group 'Nope'"},
      {"run tutorial-simple-blog --event-loop epoll", "--event-loop: epoll not in {poll,asio}"},
      {"run tutorial-simple-blog --backend \"App Servers=redis://127.0.0.1:6379\"",
       "cannot stand in for a service group"},
      // Nothing listens on port 1: the run refuses to start, naming the backend.
      {"run tutorial-simple-blog --backend \"Read Replica=redis://127.0.0.1:1\"",
       "the redis backend of 'Read Replica' (127.0.0.1:1) is unreachable: Connection refused; "
       "the run did not start"},
  };
  for (const auto& c : cases) {
    const auto r = RunCli(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << "\n" << r.out;
  }
}

// CLI11's own PositiveNumber and Range checks let "nan" through; every numeric flag of every
// subcommand must refuse nan and the infinities before anything runs, naming the flag.
TEST(Cli, NumericFlagsRefuseNanAndInfinities) {
  const std::string run = "run tutorial-simple-blog --quiet --duration 1s ";
  // knee with a short search, should a value ever get through: every bound but `flag` itself.
  auto knee = [](const std::string& flag) {
    std::string args = "knee tutorial-simple-blog ";
    for (const char* bound : {"--scale 1/100", "--max-trials 3", "--trial 0.5", "--warmup 0"}) {
      if (std::string(bound).rfind(flag + " ", 0) != 0) args += std::string(bound) + " ";
    }
    return args;
  };
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"plan tutorial-simple-blog ", "--rate"},
      {"plan tutorial-simple-blog ", "--headroom"},
      {"plan tutorial-simple-blog ", "--scale"},
      {"check tutorial-simple-blog ", "--rate"},
      {run, "--rate"},
      {run, "--headroom"},
      {run, "--scale"},
      {run, "--agents"},
      {run, "--seed"},
      {run, "--service-time-scale"},
      {run, "--timer-spin-us"},
      {run, "--wait-agents"},
      {run, "--ready-timeout"},
      {run, "--lease-timeout"},
      {"run tutorial-simple-blog --quiet ", "--duration"},
      {knee("--scale"), "--scale"},
      {knee("--headroom"), "--headroom"},
      {knee("--precision"), "--precision"},
      {knee("--start"), "--start"},
      {knee("--warmup"), "--warmup"},
      {knee("--trial"), "--trial"},
      {knee("--max-trials"), "--max-trials"},
      {knee("--harness-bound"), "--harness-bound"},
      {knee("--agents"), "--agents"},
      {knee("--seed"), "--seed"},
  };
  for (const auto& [command, flag] : flags) {
    for (const char* value : {"nan", "inf", "-inf", "NaN", "1e999"}) {
      const std::string args = command + flag + "=" + value;
      const auto r = RunCli(args);
      EXPECT_EQ(r.code, 2) << args << "\n" << r.out;
      // Both named: the refusal is of this value, not of something else on the line.
      EXPECT_NE(r.out.find(flag), std::string::npos) << args << "\n" << r.out;
      EXPECT_NE(r.out.find(value), std::string::npos) << args << "\n" << r.out;
    }
  }
  // The message says what is accepted.
  const auto rate = RunCli("plan tutorial-simple-blog --rate nan");
  EXPECT_NE(rate.out.find("--rate: expected a finite number in (0, 1000000000], got 'nan'"),
            std::string::npos)
      << rate.out;
}

// A missing catalog directory is named as such, not reported as an unknown problem id.
TEST(Cli, MissingCatalogDirectoryIsNamed) {
  const std::string missing = "/nonexistent/archload-catalog";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "--catalog " + missing + " plan tutorial-simple-blog"},
      {"", "--catalog " + missing + " problems list"},
      {"", "--catalog " + missing + " run tutorial-simple-blog --duration 1s --quiet"},
      {"ARCHLOAD_CATALOG=" + missing, "plan tutorial-simple-blog"},
      {"ARCHLOAD_CATALOG=" + missing, "problems show tutorial-simple-blog"},
  };
  for (const auto& [env, args] : cases) {
    const auto r = RunCliWithout(env, args);
    EXPECT_EQ(r.code, 2) << env << " " << args << "\n" << r.out;
    EXPECT_NE(r.out.find(missing + ": the catalog directory does not exist (given by "),
              std::string::npos)
        << env << " " << args << "\n"
        << r.out;
    EXPECT_EQ(r.out.find("unknown problem id"), std::string::npos) << r.out;
  }
  const auto env = RunCliWithout("ARCHLOAD_CATALOG=" + missing, "plan tutorial-simple-blog");
  EXPECT_NE(env.out.find("(given by $ARCHLOAD_CATALOG)"), std::string::npos) << env.out;
}

// A stated rate of 0 would run 0 req/s and pass: refused, naming the NFR line, unless --rate.
TEST(Cli, AZeroRateIsRefusedUnlessRateIsGiven) {
  const auto f = TempFile("zero-rate.yaml", R"(id: zero-rate
nfrs:
  - {name: Latency, raw: "P99 < 100ms"}
  - {name: Request Rate, raw: "0 req/s"}
design:
  components:
    - {name: Users, type: client}
    - {name: App, type: app}
  connections:
    - {from: Users, to: App}
)");
  for (const std::string command : {"plan ", "check ", "run --duration 1s --quiet "}) {
    const auto r = RunCli(command + f.string());
    EXPECT_EQ(r.code, 2) << command << r.out;
    EXPECT_NE(r.out.find(f.string() + ":4: field 'nfrs[1].raw': the client rate (NFR Request "
                                      "Rate: \"0 req/s\") is 0 req/s"),
              std::string::npos)
        << command << r.out;
  }
  const auto given = RunCli("plan " + f.string() + " --rate 100 --format json");
  ASSERT_EQ(given.code, 0) << given.out;
  EXPECT_EQ(nlohmann::json::parse(given.out)["workload"]["rate_rps"].get<double>(), 100);
}

// `plan X --write-design out.yaml` writes a design that `plan out.yaml` loads and sizes alike.
// A description starting with a space was once written as a literal block that did not load.
TEST(Cli, WrittenDesignPlansAgain) {
  const auto in = TempFile("write-in.yaml", R"(id: written
description: "  starts with spaces\nsecond line"
nfrs:
  - {name: Latency, raw: "P99 < 300ms", latency: []}
  - {name: Request Rate, raw: "2,000 req/s"}
design:
  components:
    - {name: Users, type: client}
    - {name: "LB: front", type: lb}
    - {name: Shop, type: app, capacity_rps: 400}
    - {name: DB, type: db_primary}
  connections:
    - {from: Users, to: "LB: front"}
    - {from: "LB: front", to: Shop}
    - {from: Shop, to: DB}
)");
  const fs::path out = fs::temp_directory_path() / "archload-cli-test-write-out.yaml";
  const auto first =
      RunCli("plan " + in.string() + " --format json --write-design " + out.string());
  ASSERT_EQ(first.code, 0) << first.out;
  const auto second = RunCli("plan " + out.string() + " --format json");
  ASSERT_EQ(second.code, 0) << second.out;
  const auto a = nlohmann::json::parse(first.out), b = nlohmann::json::parse(second.out);
  ASSERT_EQ(a["groups"].size(), b["groups"].size());
  for (size_t i = 0; i < a["groups"].size(); ++i) {
    EXPECT_EQ(a["groups"][i]["count"]["chosen"], b["groups"][i]["count"]["chosen"]) << i;
  }
  EXPECT_EQ(a["nfrs"].size(), b["nfrs"].size());
  fs::remove(out);
}

// A design that shares a call script through an alias is written out expanded: 2 KB that
// would become 650 KB, over the loader's limit. Nothing is written that `plan` then refuses.
TEST(Cli, ADesignThatWouldNotLoadAgainIsNotWritten) {
  std::string yaml =
      "id: aliased\nnfrs:\n  - {name: Request Rate, raw: \"1000 req/s\"}\ndesign:\n"
      "  components:\n    - {name: &t \"Shared Database " +
      std::string(90, 'x') + "\", type: db_primary}\n";
  std::string calls = "*t";
  for (int i = 1; i < 100; ++i) calls += ", *t";
  for (int i = 0; i < 30; ++i) {
    yaml += "    - {name: S" + std::to_string(i) + ", type: app, calls: " +
            (i == 0 ? "&s {any: [{parallel: [" + calls + "]}]}" : std::string("*s")) + "}\n";
  }
  const auto in = TempFile("aliased.yaml", yaml);
  const fs::path out = fs::temp_directory_path() / "archload-cli-test-aliased-out.yaml";
  fs::remove(out);
  const auto r = RunCli("plan " + in.string() + " --write-design " + out.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(
      r.out.find("error: not writing " + out.string() + ": the sized design would not load again"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("over the limit of 262144 bytes"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Cli, ImportSeedWritesTheCatalog) {
  const fs::path seed_dir = fs::path(ARCHLOAD_SOURCE_DIR).parent_path() / "shared" / "seed";
  std::error_code ec;
  fs::path seed;
  if (fs::is_directory(seed_dir, ec)) {
    for (const auto& e : fs::directory_iterator(seed_dir)) seed = e.path();
  }
  if (seed.empty()) GTEST_SKIP() << "no seed under " << seed_dir;
  const fs::path out = fs::temp_directory_path() / "archload-cli-import";
  fs::remove_all(out);
  const auto r = RunCli("import-seed " + seed.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(out)) files += e.is_regular_file();
  EXPECT_EQ(files, 618u);
  fs::remove_all(out);
}

}  // namespace
