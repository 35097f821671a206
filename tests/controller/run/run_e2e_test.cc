// `archload run` end to end: real controller, real agent processes, real loopback sockets.
// Every run is bounded (seconds of load, a timeout around the process); assertions are on what
// the emulation must reproduce, with bounds wide enough for a loaded 2-core machine.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "common/model/zipf.h"
#include "tests/support/background.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::Alive;
using archload::testing::ChildrenOf;
using archload::testing::ProcessResult;
using archload::testing::RunCommand;

const std::string kData = std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/";

struct RunOutcome {
  ProcessResult process;
  nlohmann::json report;
};

RunOutcome RunArchload(const std::string& args, const std::string& name) {
  RunOutcome o;
  if (!fs::exists(ARCHLOAD_BIN) || !fs::exists(ARCHLOAD_AGENT_BIN)) {
    ADD_FAILURE() << "binaries missing (" << ARCHLOAD_BIN << ", " << ARCHLOAD_AGENT_BIN
                  << "): build them first";
    return o;
  }
  const fs::path report = fs::temp_directory_path() / ("archload-e2e-" + name + ".json");
  fs::remove(report);
  o.process =
      RunCommand("timeout 120 " + std::string(ARCHLOAD_BIN) + " --catalog " + ARCHLOAD_SOURCE_DIR +
                 "/problems run " + args + " --quiet --report " + report.string());
  std::ifstream in(report);
  if (in) o.report = nlohmann::json::parse(in, nullptr, false);
  return o;
}

const nlohmann::json* Component(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["components"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

const nlohmann::json* Nfr(const nlohmann::json& report, const std::string& name) {
  for (const auto& n : report["nfr"]) {
    if (n["name"] == name) return &n;
  }
  return nullptr;
}

// Erlang C mean sojourn time of M/M/c, ms.
double ErlangMeanMs(int c, double lambda, double mean_s) {
  const double mu = 1 / mean_s, a = lambda / mu;
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  const double rho = a / c;
  const double wait_prob = b / (1 - rho * (1 - b));
  return 1000 * (mean_s + wait_prob / (c * mu - lambda));
}

TEST(RunE2e, TutorialBlogReportsTheDocumentedJson) {
  const auto o = RunArchload("tutorial-simple-blog --duration 8s --agents 2", "blog");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const auto& r = o.report;
  for (const char* k : {"problem", "scale", "duration_s", "offered_rps", "achieved_rps",
                        "latency_ms", "error_rate", "nfr", "components", "bottleneck"}) {
    EXPECT_TRUE(r.contains(k)) << k;
  }
  for (const char* k : {"p50", "p95", "p99", "p999"}) EXPECT_TRUE(r["latency_ms"].contains(k));
  EXPECT_EQ(r["problem"], "tutorial-simple-blog");
  EXPECT_NEAR(r["achieved_rps"].get<double>(), 1000, 40) << o.process.out;
  EXPECT_LT(r["error_rate"].get<double>(), 0.01);
  // The exit code agrees with the verdict.
  EXPECT_EQ(o.process.code, r["pass"].get<bool>()           ? 0
                            : r["inconclusive"].get<bool>() ? 3
                                                            : 1)
      << o.process.out;
  const auto* app = Component(r, "App Servers");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ((*app)["count"], 8);
  for (const char* k :
       {"name", "type", "count", "rps", "utilization", "p99_ms", "rejected", "hit_ratio"}) {
    EXPECT_TRUE(app->contains(k)) << k;
  }
  EXPECT_NEAR((*app)["utilization"].get<double>(), 0.83, 0.08);
  // Measured beside the BoE prediction for the same model.
  const auto* p99 = Nfr(r, "P99 latency");
  ASSERT_NE(p99, nullptr);
  EXPECT_FALSE((*p99)["boe"].is_null());
  EXPECT_FALSE((*p99)["measured"].is_null());
  EXPECT_TRUE(o.process.out.find("VERDICT") != std::string::npos);
  // What the harness cost, beside what it measured: 2 agents host 11 instances (the client is a
  // generator, not an instance), every request's send lag and service-time lateness recorded.
  const auto& h = r["harness"];
  ASSERT_TRUE(h.is_object()) << o.process.out;
  EXPECT_EQ(h["agents"], 2);
  EXPECT_EQ(h["instances"], 11);
  EXPECT_GT(h["startup_s"].get<double>(), 0);
  EXPECT_GT(h["agent_cpu_s"].get<double>(), 0);
  EXPECT_GE(h["agent_cpu_s"].get<double>(), h["agent_io_cpu_s"].get<double>());
  EXPECT_GT(h["agent_max_rss_mb"].get<double>(), 1);
  EXPECT_GE(h["send_lag_us"]["p99"].get<double>(), h["send_lag_us"]["p50"].get<double>());
  EXPECT_GE(h["timer_lateness_us"]["p99"].get<double>(),
            h["timer_lateness_us"]["p50"].get<double>());
  EXPECT_NE(o.process.out.find("Harness: 2 agents, 11 instances"), std::string::npos);
  // Every verdict row carries its 95% interval around the measured figure, and so do the
  // headline figures (batch means over the 8 one-second batches).
  for (const auto& n : r["nfr"]) {
    ASSERT_TRUE(n["ci95"].is_array()) << n;
    EXPECT_TRUE(n["verdict"] == "pass" || n["verdict"] == "fail" || n["verdict"] == "inconclusive");
  }
  // Eight one-second batches at 1,000 req/s: each batch's P99 rests on ~10 tail samples, so the
  // P99 interval is ±5-18% alone (10 runs here) and read ±26% once in CI beside a fuzz build;
  // ±35% still catches an interval that is not computed from the batches. Throughput ±3%.
  const auto& ci99 = (*p99)["ci95"];
  const double p99_half = (ci99[1].get<double>() - ci99[0].get<double>()) / 2;
  EXPECT_GT(p99_half, 0);
  EXPECT_LT(p99_half, 0.35 * (*p99)["measured"].get<double>()) << *p99;
  const auto& tput_ci = (*Nfr(r, "throughput"))["ci95"];
  EXPECT_LT(tput_ci[1].get<double>() - tput_ci[0].get<double>(), 60) << tput_ci;
  EXPECT_GE(r["confidence"]["batches"].get<int>(), 7);
  EXPECT_TRUE(r["confidence"]["latency_ms"]["mean"].is_array());
  EXPECT_TRUE((*app)["utilization_ci95"].is_array());
  EXPECT_NE(o.process.out.find("measured ± 95%"), std::string::npos);
  // Per hop: the wait and service split, P(wait) beside Erlang C, the timer's overrun.
  const nlohmann::json* hop = nullptr;
  for (const auto& hp : r["hops"]) {
    if (hp["group"] == "App Servers") hop = &hp;
  }
  ASSERT_NE(hop, nullptr) << r["hops"];
  EXPECT_GT((*hop)["wait_probability"].get<double>(), 0.05);
  EXPECT_LT((*hop)["wait_probability"].get<double>(), 0.9);
  EXPECT_GT((*hop)["predicted_wait_probability"].get<double>(), 0);
  const double service = (*hop)["predicted_service_ms"].get<double>();
  EXPECT_NEAR((*hop)["sampled_service_mean_ms"].get<double>(), service, 0.05 * service);
  EXPECT_GE((*hop)["overrun_us"].get<double>(), 0);
  EXPECT_LT((*hop)["overrun_us"].get<double>(), 500);  // spinning timers end within µs
  EXPECT_NE(o.process.out.find("Per hop"), std::string::npos);
  // Harness calibration: the probes' round trips, and the BoE with them beside the design's.
  EXPECT_GT(h["hop_round_trip_us"]["count"].get<uint64_t>(), 100u);
  EXPECT_GT(h["hop_round_trip_us"]["p50"].get<double>(), 1);
  ASSERT_TRUE(r["predicted_latency_with_harness_ms"].is_object());
  EXPECT_GT(r["predicted_latency_with_harness_ms"]["p50"].get<double>(),
            r["predicted_latency_ms"]["p50"].get<double>());
  EXPECT_FALSE((*p99)["boe_design"].is_null());
}

// Sub-millisecond hops: most of what is measured is the harness's own round trip and timers.
// The BoE with the costs the run measured (harness calibration) predicts the figures; both BoE
// figures are in the report. (Issue 16 asks for 10%: docs/confidence.md records the figures; the
// P99 here gets 15% for a loaded CI machine.)
class HarnessCalibration : public ::testing::TestWithParam<const char*> {};

TEST_P(HarnessCalibration, TheBoEWithTheHarnessCostsPredictsSubMillisecondDesigns) {
  const std::string id = GetParam();
  const auto o = RunArchload(id + " --scale auto --duration 11s --warmup 1s --agents 2", id);
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const auto& r = o.report;
  const auto& with = r["predicted_latency_with_harness_ms"];
  ASSERT_TRUE(with.is_object()) << o.process.out;
  ASSERT_TRUE(r["predicted_latency_ms"].is_object());
  const double p50 = r["latency_ms"]["p50"].get<double>(),
               p99 = r["latency_ms"]["p99"].get<double>();
  EXPECT_NEAR(p50, with["p50"].get<double>(), 0.10 * with["p50"].get<double>()) << o.process.out;
  EXPECT_NEAR(p99, with["p99"].get<double>(), 0.15 * with["p99"].get<double>()) << o.process.out;
  EXPECT_GE(with["p50"].get<double>(), r["predicted_latency_ms"]["p50"].get<double>());
  EXPECT_NE(o.process.out.find("with the harness's costs"), std::string::npos) << o.process.out;
  EXPECT_NE(o.process.out.find("BoE+harness"), std::string::npos) << o.process.out;
}

INSTANTIATE_TEST_SUITE_P(SubMillisecond, HarnessCalibration,
                         ::testing::Values("audit-trail", "petabyte-data-lake"));

// Sequential stopping: the load runs on past its least duration only until every verdict is
// decided by its interval, and says when that was.
// Calls between instances of one agent go in-process (agents/net/local_link.h) and round-robin
// callers keep them there where every instance keeps its share; the old loop over sockets
// (--event-loop asio --force-sockets) must measure the same design the same way.
TEST(RunE2e, InProcessCallsMeasureWhatSocketsMeasure) {
  const auto fast =
      RunArchload("tutorial-simple-blog --duration 8s --warmup 1s --agents 2", "local");
  const auto slow = RunArchload(
      "tutorial-simple-blog --duration 8s --warmup 1s --agents 2 --event-loop asio "
      "--force-sockets --timer-spin-us 50",
      "sockets");
  ASSERT_TRUE(fast.report.is_object()) << fast.process.out;
  ASSERT_TRUE(slow.report.is_object()) << slow.process.out;
  const auto& fd = fast.report["harness"]["data_plane"];
  const auto& sd = slow.report["harness"]["data_plane"];
  // 1,000 req/s, three calls each (client -> lb -> app -> db): the generator sits beside the
  // balancer, and the app servers' calls mostly stay on their agent.
  const double fast_calls =
      fd["calls_in_process"].get<double>() + fd["calls_over_sockets"].get<double>();
  EXPECT_GT(fd["calls_in_process"].get<double>(), 0.5 * fast_calls) << fd;
  EXPECT_EQ(sd["calls_in_process"], 0) << sd;
  EXPECT_GT(sd["calls_over_sockets"].get<double>(), 20000) << sd;
  EXPECT_NE(fast.process.out.find("in-process (within one agent)"), std::string::npos)
      << fast.process.out;
  // Which hops: the generator sits beside the one balancer, so all of that edge stays inside.
  bool saw_client_edge = false;
  for (const auto& c : fast.report["calls"]) {
    if (c["from"] != "Blog Readers") continue;
    saw_client_edge = true;
    EXPECT_GT(c["requests"].get<double>(), 0) << c;
    EXPECT_EQ(c["in_process"], c["requests"]) << c;
  }
  EXPECT_TRUE(saw_client_edge) << fast.report["calls"];
  for (const auto* o : {&fast, &slow}) {
    const auto& r = o->report;
    EXPECT_TRUE(r["pass"].get<bool>()) << o->process.out;
    EXPECT_EQ(r["requests"]["harness_errors"], 0) << o->process.out;
    EXPECT_NEAR(r["achieved_rps"].get<double>(), 1000, 30) << o->process.out;
  }
  // The same design measured both ways: median latency and the App Servers' utilisation agree
  // (run-to-run noise at 1,000 req/s over 8 s is a few percent).
  const double p50f = fast.report["latency_ms"]["p50"], p50s = slow.report["latency_ms"]["p50"];
  EXPECT_NEAR(p50f, p50s, 0.15 * p50s);
  const auto* af = Component(fast.report, "App Servers");
  const auto* as = Component(slow.report, "App Servers");
  ASSERT_TRUE(af && as);
  EXPECT_NEAR((*af)["utilization"].get<double>(), (*as)["utilization"].get<double>(), 0.08);
  // What each costs is bench/run's business (section 9), not a test's.
}

TEST(RunE2e, UntilConfidentStopsOnceEveryVerdictIsDecided) {
  const auto o = RunArchload(
      "tutorial-simple-blog --until-confident --duration 5s --max-duration 60s --agents 2",
      "until-confident");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const auto& r = o.report;
  EXPECT_EQ(o.process.code, 0) << o.process.out;
  EXPECT_TRUE(r["until_confident"].get<bool>());
  ASSERT_FALSE(r["decided_at_s"].is_null()) << o.process.out;
  EXPECT_GE(r["decided_at_s"].get<double>(), 5);
  EXPECT_LT(r["duration_s"].get<double>(), 60);
  EXPECT_DOUBLE_EQ(r["planned_s"].get<double>(), 60);
  EXPECT_TRUE(r["complete"].get<bool>());
  for (const auto& n : r["nfr"]) EXPECT_NE(n["verdict"], "inconclusive") << n;
  EXPECT_NE(o.process.out.find("every verdict was decided after"), std::string::npos)
      << o.process.out;
  // Throughput is over the window that ran, not the 60 s it might have.
  EXPECT_NEAR(r["achieved_rps"].get<double>(), 1000, 50);
}

TEST(RunE2e, OverloadNamesTheAppServersAndFails) {
  const auto o = RunArchload("tutorial-simple-blog --rate 3000 --duration 5s", "overload");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  EXPECT_EQ(o.process.code, 1) << o.process.out;
  EXPECT_EQ(o.report["bottleneck"], "App Servers");
  const auto* app = Component(o.report, "App Servers");
  ASSERT_NE(app, nullptr);
  EXPECT_GT((*app)["rejected"].get<uint64_t>(), 1000u);
  const auto* tput = Nfr(o.report, "throughput");
  ASSERT_NE(tput, nullptr);
  EXPECT_FALSE((*tput)["pass"].get<bool>());
  // Eight app servers at 150 req/s each cap what gets through.
  EXPECT_NEAR(o.report["achieved_rps"].get<double>(), 1200, 150);
}

// M/M/4 with exponential 5 ms service (capacity 800 req/s) fed by Poisson arrivals.
class MmcFidelity : public ::testing::TestWithParam<double> {};

TEST_P(MmcFidelity, MeanLatencyFollowsErlangC) {
  const double rho = GetParam();
  const double lambda = rho * 800;
  std::ostringstream args;
  args << kData << "mmc_fast.yaml --rate " << lambda << " --duration 15s";
  const auto o = RunArchload(args.str(), "mmc" + std::to_string(static_cast<int>(rho * 100)));
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const double expected = ErlangMeanMs(4, lambda, 0.005);
  const double measured = o.report["latency_ms"]["mean"].get<double>();
  // The closing note records 60 s figures within 10%; 15 s of a loaded CI machine gets more.
  EXPECT_NEAR(measured, expected, (rho < 0.6 ? 0.15 : 0.25) * expected)
      << "rho " << rho << ": measured " << measured << " ms, Erlang C " << expected << " ms";
}

INSTANTIATE_TEST_SUITE_P(Utilisation, MmcFidelity, ::testing::Values(0.5, 0.8));

TEST(RunE2e, SaturationThroughputIsTheConfiguredCapacity) {
  const auto o = RunArchload(kData + "mmc_saturate.yaml --rate 1600 --duration 8s", "saturate");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  EXPECT_NEAR(o.report["achieved_rps"].get<double>(), 800, 80) << o.process.out;
  EXPECT_EQ(o.process.code, 1);  // offered twice the capacity: throughput fails
}

// Random balancing: each of four M/M/1 instances at ρ 0.6 sees Poisson arrivals, so the mean is
// M/M/1's 12.5 ms. Round-robin's smoother arrivals measure about 8.3 (planner: 9.7), out of this
// band; 15 s runs of random measured 11.4-11.7.
TEST(RunE2e, RandomBalancingMakesEachInstanceMm1) {
  const auto o = RunArchload(kData + "mmc_random.yaml --duration 15s", "random");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const double measured = o.report["latency_ms"]["mean"].get<double>();
  EXPECT_NEAR(measured, 12.5, 0.15 * 12.5) << o.process.out;
  EXPECT_NEAR(o.report["predicted_latency_ms"]["mean"].get<double>(), 12.5, 0.5) << o.process.out;
}

// An overloaded bounded queue (M/M/2/10 at 150% of capacity) refuses a steady share of its
// arrivals: the plan's M/M/c/K figures must be what the run measures, within 3%.
TEST(RunE2e, AnOverloadedBoundedQueueRefusesWhatMmcKPredicts) {
  const auto o = RunArchload(kData + "mmck_overload.yaml --duration 20s", "mmck");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const double refused = o.report["predicted_rejected_fraction"].get<double>();
  const double admitted = o.report["predicted_admitted_rps"].get<double>();
  EXPECT_NEAR(refused, 0.3382, 0.0001);
  // A 20 s run's refused share is itself a sample: seven runs read 0.332-0.352 (mean 0.341, sd
  // 0.0067), so the bound is three of its standard deviations, ±6%. (With every call over a
  // socket the same seed replayed nearly the same trajectory, 0.339-0.341: that spread was the
  // seed's, not the estimate's.)
  EXPECT_NEAR(o.report["error_rate"].get<double>(), refused, 0.06 * refused) << o.process.out;
  EXPECT_NEAR(o.report["achieved_rps"].get<double>(), admitted, 0.03 * admitted) << o.process.out;
  EXPECT_NE(o.process.out.find("Refused by full queues"), std::string::npos) << o.process.out;
  // The requests it admits wait for a nearly full queue: M/M/c/K's admitted latency.
  const double predicted = o.report["predicted_latency_ms"]["mean"].get<double>();
  EXPECT_NEAR(o.report["latency_ms"]["mean"].get<double>(), predicted, 0.1 * predicted)
      << o.process.out;
}

// Fork-join of two M/M/1 servers (ρ 0.5): the run measures Flatto and Hahn's mean, and the BoE,
// whose branches share their queueing, predicts it (independent branches would say 4% more).
TEST(RunE2e, AForkJoinMeasuresWhatThePlannerPredicts) {
  const auto o = RunArchload(kData + "fork_join.yaml --duration 11s --warmup 1s", "fork-join");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const double predicted = o.report["predicted_latency_with_harness_ms"]["mean"].get<double>();
  EXPECT_NEAR(o.report["latency_ms"]["mean"].get<double>(), predicted, 0.08 * predicted)
      << o.process.out;
  EXPECT_NEAR(o.report["predicted_latency_ms"]["mean"].get<double>(), 2.885, 0.05) << o.process.out;
}

TEST(RunE2e, CacheHitRatioMatchesTheConfiguredRate) {
  const auto o = RunArchload(kData + "cache_hits.yaml --duration 8s", "cache");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const auto* cache = Component(o.report, "Cache");
  ASSERT_NE(cache, nullptr);
  EXPECT_NEAR((*cache)["hit_ratio"].get<double>(), 0.9, 0.02);
  // Misses go to the database: about a tenth of the reads.
  const auto* db = Component(o.report, "DB");
  ASSERT_NE(db, nullptr);
  EXPECT_NEAR((*db)["rps"].get<double>(), 50, 15);
}

TEST(RunE2e, LruCacheHitRatioFollowsChesApproximation) {
  const auto o = RunArchload(kData + "cache_lru.yaml --duration 8s", "lru");
  ASSERT_TRUE(o.report.is_object()) << o.process.out;
  const auto* cache = Component(o.report, "Cache");
  ASSERT_NE(cache, nullptr);
  // 10,000 Zipf(0.9) keys, 1,000 held: the cache warms up within the first second or so.
  const double che = archload::model::LruHitRatio(10000, 0.9, 1000);
  EXPECT_NEAR((*cache)["hit_ratio"].get<double>(), che, 0.06);
}

TEST(RunE2e, BadRunInputIsAnErrorNotACrash) {
  for (const std::string args :
       {"tutorial-simple-blog --duration soon", "tutorial-simple-blog --profile wobble",
        "tutorial-simple-blog --scale 7", "no-such-problem"}) {
    const auto o = RunArchload(args, "bad");
    EXPECT_EQ(o.process.code, 2) << args << "\n" << o.process.out;
    EXPECT_NE(o.process.out.find("error:"), std::string::npos) << o.process.out;
  }
}

TEST(RunE2e, AgentsDoNotOutliveAKilledController) {
  ASSERT_TRUE(fs::exists(ARCHLOAD_BIN));
  const pid_t controller = fork();
  ASSERT_GE(controller, 0);
  if (controller == 0) {
    const std::string catalog = std::string(ARCHLOAD_SOURCE_DIR) + "/problems";
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execl(ARCHLOAD_BIN, ARCHLOAD_BIN, "--catalog", catalog.c_str(), "run", "tutorial-simple-blog",
          "--duration", "60s", "--agents", "2", "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (bounded) until both agents run and load flows, then kill the controller outright.
  std::set<pid_t> agents;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (agents.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    agents = ChildrenOf(controller);
  }
  ASSERT_EQ(agents.size(), 2u);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(controller, SIGKILL);
  int status;
  waitpid(controller, &status, 0);
  const auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool any_alive = true;
  while (any_alive && std::chrono::steady_clock::now() < gone_by) {
    any_alive = false;
    for (pid_t a : agents) any_alive = any_alive || Alive(a);
    if (any_alive) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(any_alive) << "agents still running 10 s after the controller died";
  for (pid_t a : agents) kill(a, SIGKILL);  // never leave strays behind, even on failure
}

}  // namespace
