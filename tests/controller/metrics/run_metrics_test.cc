// The controller's metrics logic, without a network: windows over merged agent stats, the
// conversion of run figures to families, the file_sd targets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "controller/metrics/run_collector.h"
#include "controller/metrics/run_totals.h"
#include "controller/metrics/sd_targets.h"

namespace archload::metrics {
namespace {

namespace fs = std::filesystem;

run::AgentState AgentWith(uint64_t ok, const std::vector<uint64_t>& latencies_ns) {
  run::AgentState a;
  stats::Histogram h;
  for (uint64_t v : latencies_ns) h.Record(v);
  a.latest.mutable_client()->set_ok(ok);
  a.latest.mutable_client()->set_read_latency_ns(h.Serialize());
  auto* g = a.latest.add_groups();
  g->set_group(0);
  g->set_busy_ns(ok * 1'000'000);
  g->set_received(ok);
  return a;
}

TEST(RunTotals, MergesAgentsBucketByBucket) {
  const auto t =
      MergeTotals(3, {AgentWith(2, {1'000'000, 2'000'000}), AgentWith(1, {9'000'000})}, 1);
  EXPECT_EQ(t.ok, 3u);
  EXPECT_EQ(t.read_ns.Count(), 3u);
  EXPECT_EQ(t.busy_ns[0], 3'000'000u);
  EXPECT_EQ(t.AllNs().ValueAtPercentile(100), 9'000'000u);
}

TEST(RunWindows, TheWindowIsWhatArrivedInItsLastSeconds) {
  RunWindows w(10, 1);
  // Second 1..20: one request a second; seconds 1-10 take 1 ms, 11-20 take 100 ms.
  std::vector<uint64_t> seen;
  for (int s = 1; s <= 20; ++s) {
    seen.push_back(s <= 10 ? 1'000'000 : 100'000'000);
    w.Add(MergeTotals(s, {AgentWith(s, seen)}, 1));
    if (s == 5) {
      // Younger than the window: the window is the whole run.
      EXPECT_EQ(w.base().t_s, 0);
    }
  }
  EXPECT_EQ(w.latest().t_s, 20);
  EXPECT_EQ(w.base().t_s, 10);
  const auto window = RunWindows::Window(w.latest().read_ns, w.base().read_ns);
  EXPECT_EQ(window.Count(), 10u);
  EXPECT_NEAR(static_cast<double>(window.ValueAtPercentile(1)), 100e6, 1e6);
  // Since start, the median is still in the fast half.
  EXPECT_NEAR(static_cast<double>(w.latest().read_ns.ValueAtPercentile(50)), 1e6, 1e4);
}

std::map<std::string, const prometheus::MetricFamily*> ByName(
    const std::vector<prometheus::MetricFamily>& families) {
  std::map<std::string, const prometheus::MetricFamily*> out;
  for (const auto& f : families) out[f.name] = &f;
  return out;
}

std::string Label(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label) {
    if (l.name == name) return l.value;
  }
  return "";
}

TEST(RunFamilies, TargetsAndBoEFromTheStartTheVerdictOnlyOnceJudged) {
  RunFigures f;
  f.nfrs.push_back({"P99 latency", "latency", "read", "99", "seconds", 0.2, 0.055, 0.05, {}});
  f.nfrs.push_back({"throughput", "throughput", "", "", "requests_per_second", 1000, 1000, {}, {}});
  f.latency[{"run", "all"}] = Quantiles{0.01, 0.02, 0.05, 0.07};
  const auto live_families = RunFamilies("r", "p", f);
  auto live = ByName(live_families);
  ASSERT_TRUE(live.count("archload_nfr_target"));
  ASSERT_EQ(live["archload_nfr_target"]->metric.size(), 2u);
  EXPECT_EQ(live["archload_nfr_target"]->metric[0].gauge.value, 0.2);
  EXPECT_EQ(Label(live["archload_nfr_target"]->metric[0], "unit"), "seconds");
  EXPECT_EQ(live["archload_nfr_measured"]->metric.size(), 1u);  // throughput not measured yet
  EXPECT_FALSE(live.count("archload_nfr_pass"));
  EXPECT_FALSE(live.count("archload_run_pass"));
  const auto* lat = live["archload_run_latency_seconds"];
  ASSERT_EQ(lat->metric.size(), 4u);
  EXPECT_EQ(Label(lat->metric[2], "percentile"), "99");
  EXPECT_EQ(lat->metric[2].gauge.value, 0.05);
  EXPECT_EQ(Label(lat->metric[3], "percentile"), "99.9");

  f.nfrs[0].pass = true;
  f.nfrs[1].pass = false;
  f.pass = false;
  f.state = "ended";
  const auto judged_families = RunFamilies("r", "p", f);
  auto judged = ByName(judged_families);
  ASSERT_TRUE(judged.count("archload_nfr_pass"));
  EXPECT_EQ(judged["archload_nfr_pass"]->metric[0].gauge.value, 1);
  EXPECT_EQ(judged["archload_nfr_pass"]->metric[1].gauge.value, 0);
  EXPECT_EQ(judged["archload_run_pass"]->metric[0].gauge.value, 0);
  for (const auto& m : judged["archload_run_state"]->metric) {
    EXPECT_EQ(m.gauge.value, Label(m, "state") == "ended" ? 1 : 0);
  }
}

TEST(RunCollector, CountsScrapesAndWhetherTheyWereFinal) {
  RunCollector c("r", "p");
  c.Collect();
  EXPECT_EQ(c.ledger().scrapes(), 1u);
  EXPECT_FALSE(c.ledger().final_scraped());
  c.Update(RunFigures{}, true);
  c.Collect();
  EXPECT_TRUE(c.ledger().final_scraped());
}

TEST(SdTargets, WritesFileSdJsonAndRemovesItAtTheEnd) {
  const fs::path dir = fs::temp_directory_path() / ("archload-sd-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  std::string path;
  {
    SdTargets sd((dir / "nested").string(), "run-1");
    path = sd.path();
    EXPECT_EQ(fs::path(path).filename(), "run-1.json");
    EXPECT_FALSE(fs::exists(path));  // nothing until the agents are known
    sd.Write({{"127.0.0.1:9000", {{"run", "run-1"}, {"problem", "p"}}},
              {"127.0.0.1:9001", {{"run", "run-1"}, {"problem", "p"}, {"agent", "agent-0"}}}});
    std::ifstream in(path);
    const auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1]["targets"][0], "127.0.0.1:9001");
    EXPECT_EQ(j[1]["labels"]["agent"], "agent-0");
    EXPECT_EQ(j[0]["labels"]["run"], "run-1");
  }
  EXPECT_FALSE(fs::exists(path));
  fs::remove_all(dir);
}

TEST(SdTargets, RefusesADirectoryItCannotCreate) {
  EXPECT_THROW(SdTargets("/proc/archload-cannot-be-here", "r"), std::runtime_error);
}

}  // namespace
}  // namespace archload::metrics
