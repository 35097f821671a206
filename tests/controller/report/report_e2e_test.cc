// Reports of real runs: the per-second series and the serialized histogram add up to the run's
// own totals, the measured call rates match the groups they feed, and `archload compare` on
// tutorial-simple-blog at 1,000 and 3,000 req/s names the NFRs the second fails and exits 1.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "common/stats/histogram.h"
#include "common/text/base64.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::ProcessResult;
using archload::testing::RunCommand;
using Json = nlohmann::json;

const std::string kBin =
    std::string(ARCHLOAD_BIN) + " --catalog " + ARCHLOAD_SOURCE_DIR + "/problems ";

fs::path Temp(const std::string& name) {
  return fs::temp_directory_path() / ("archload-report-e2e-" + name);
}

Json RunBlog(double rate, const std::string& name, ProcessResult* process = nullptr) {
  const auto path = Temp(name + ".json");
  fs::remove(path);
  const auto r = RunCommand("timeout 120 " + kBin + "run tutorial-simple-blog --duration 3s " +
                            "--agents 2 --quiet --rate " + std::to_string(rate) + " --report " +
                            path.string());
  if (process) *process = r;
  std::ifstream in(path);
  return in ? Json::parse(in, nullptr, false) : Json();
}

const Json* Find(const Json& list, const std::string& key, const std::string& value) {
  for (const auto& e : list) {
    if (e.value(key, "") == value) return &e;
  }
  return nullptr;
}

TEST(ReportE2e, SeriesHistogramAndCallsAddUpToTheRun) {
  ProcessResult p;
  const Json r = RunBlog(800, "sums", &p);
  ASSERT_TRUE(r.is_object()) << p.out;
  EXPECT_EQ(r["schema"], "archload-run-report");
  const auto& s = r["series"];
  // 3 s of load: windows ending at 1, 2 and 3 s (a late report would merge two: never fewer
  // than 2), the last closed with the final stats.
  ASSERT_GE(s["t_s"].size(), 2u);
  EXPECT_LE(s["t_s"].size(), 3u);
  EXPECT_NEAR(s["t_s"].back().get<double>(), r["duration_s"].get<double>(), 1e-3);
  uint64_t responses = 0;
  double offered = 0, prev_t = 0;
  for (size_t i = 0; i < s["t_s"].size(); ++i) {
    responses += s["responses"][i].get<uint64_t>();
    offered += s["offered_rps"][i].get<double>() * s["window_s"][i].get<double>();
    EXPECT_GT(s["t_s"][i].get<double>(), prev_t);
    prev_t = s["t_s"][i].get<double>();
    // Each second of 800 req/s: its own percentiles, around the run's.
    ASSERT_TRUE(s["p50_ms"][i].is_number()) << i;
    EXPECT_LE(s["p50_ms"][i].get<double>(), s["p99_ms"][i].get<double>());
    EXPECT_NEAR(s["achieved_rps"][i].get<double>(), 800, 200) << i;
  }
  EXPECT_EQ(responses, r["requests"]["ok"].get<uint64_t>());
  EXPECT_NEAR(offered, r["requests"]["offered"].get<double>(), 1.0);
  // The serialized histogram is the run's: same count, same percentiles.
  const auto bytes =
      archload::text::Base64Decode(r["latency_ms"]["histogram"]["base64"].get<std::string>());
  ASSERT_TRUE(bytes.has_value());
  const auto h = archload::stats::Histogram::Deserialize(*bytes);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->Count(), r["requests"]["ok"].get<uint64_t>());
  EXPECT_DOUBLE_EQ(h->ValueAtPercentile(99) / 1e6, r["latency_ms"]["p99"].get<double>());
  EXPECT_EQ(r["predicted_latency_ms"]["spectrum"].size(), 25u);
  EXPECT_EQ(r["latency_ms"]["spectrum"].size(), 25u);
  // Measured calls: every request the LB received came from the readers and went on to the app
  // servers; the app servers split reads and writes between replica and primary.
  const auto* lb = Find(r["components"], "name", "Load Balancer");
  const auto* app = Find(r["components"], "name", "App Servers");
  ASSERT_TRUE(lb && app);
  double into_lb = 0, lb_to_app = 0, app_to_db = 0;
  for (const auto& c : r["calls"]) {
    EXPECT_TRUE(c["wired"].get<bool>());
    if (c["to"] == "Load Balancer") into_lb += c["rps"].get<double>();
    if (c["from"] == "Load Balancer" && c["to"] == "App Servers") lb_to_app = c["rps"];
    if (c["from"] == "App Servers") app_to_db += c["rps"].get<double>();
  }
  EXPECT_NEAR(into_lb, (*lb)["rps"].get<double>(), 0.5);
  EXPECT_NEAR(lb_to_app, (*app)["rps"].get<double>(), 0.5);
  EXPECT_NEAR(app_to_db, (*app)["rps"].get<double>(), 0.5);  // one store call per request
  EXPECT_EQ(r["calls"].size(), 4u);
}

TEST(ReportE2e, CompareTutorialBlogAt1000And3000FlagsTheSecondsFailuresAndExits1) {
  ProcessResult p1, p3;
  const Json r1 = RunBlog(1000, "1k", &p1), r3 = RunBlog(3000, "3k", &p3);
  ASSERT_TRUE(r1.is_object()) << p1.out;
  ASSERT_TRUE(r3.is_object()) << p3.out;
  ASSERT_TRUE(r1["pass"].get<bool>()) << "the baseline must hold: " << p1.out;
  const std::string a = Temp("1k.json").string(), b = Temp("3k.json").string();
  const auto html = Temp("compare.html");
  fs::remove(html);
  const auto cmp =
      RunCommand("timeout 60 " + kBin + "compare " + a + " " + b + " --html " + html.string());
  EXPECT_EQ(cmp.code, 1) << cmp.out;
  for (const char* nfr : {"P99 latency", "throughput"}) {
    EXPECT_NE(cmp.out.find(std::string("REGRESSION: ") + nfr + " held in [1]"), std::string::npos)
        << nfr << "\n"
        << cmp.out;
  }
  EXPECT_TRUE(fs::exists(html));
  // The same as JSON, for scripts.
  const auto js = RunCommand("timeout 60 " + kBin + "compare " + a + " " + b + " --format json");
  EXPECT_EQ(js.code, 1);
  const Json j = Json::parse(js.out.substr(js.out.find('{')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << js.out;
  std::set<std::string> regressed;
  for (const auto& r : j["regressions"]) regressed.insert(r["nfr"].get<std::string>());
  EXPECT_TRUE(regressed.count("P99 latency"));
  EXPECT_TRUE(regressed.count("throughput"));
  // The other way round, nothing that held fails: exit 0.
  EXPECT_EQ(RunCommand("timeout 60 " + kBin + "compare " + b + " " + a).code, 0);
  // Not a run report: exit 2, naming the file.
  const auto plan = Temp("plan.json");
  RunCommand(kBin + "plan tutorial-simple-blog --format json > " + plan.string());
  const auto bad = RunCommand("timeout 60 " + kBin + "compare " + a + " " + plan.string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find(plan.string() + ": not an archload run report"), std::string::npos)
      << bad.out;
  const auto rep = RunCommand("timeout 60 " + kBin + "report " + plan.string());
  EXPECT_EQ(rep.code, 2);
  EXPECT_NE(rep.out.find(plan.string()), std::string::npos);
}

}  // namespace
