// Real components in the loop (docs/backends.md), end to end: a real redis-server behind the
// blog's cache, its hit ratio beside Redis's own count; a backend that is down refuses the run;
// one killed mid-run shows as its group's errors, and the run still reports.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/support/background.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::Background;
using archload::testing::RedisServer;
using archload::testing::RunCommand;

const std::string kData = std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/";

const nlohmann::json* Component(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["components"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

nlohmann::json Load(const fs::path& p) {
  std::ifstream in(p);
  return in ? nlohmann::json::parse(in, nullptr, false) : nlohmann::json();
}

// Runs `args` (an 8 s run with a report), waits until the load runs (`started` in the output),
// lets it run 3 s, calls `kill`, and checks the run still ended in a verdict with a complete
// report, no harness fault, and the backend's failures counted in `group`.
void KillMidRun(std::vector<std::string> args, const std::string& name, const std::string& started,
                const std::function<void()>& kill, const std::string& group) {
  const fs::path report = fs::temp_directory_path() / ("archload-e2e-" + name + ".json");
  fs::remove(report);
  args.insert(args.begin(), ARCHLOAD_BIN);
  for (const char* a : {"--duration", "8s", "--agents", "2", "--quiet", "--report"}) {
    args.push_back(a);
  }
  args.push_back(report.string());
  Background run(args, (fs::temp_directory_path() / ("archload-e2e-" + name + ".log")).string());
  ASSERT_TRUE(
      run.WaitForOutput([&](const std::string& o) { return o.find(started) != std::string::npos; },
                        std::chrono::seconds(30)))
      << run.Output();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // load is running: kill it in it
  kill();
  const int code = run.Wait(std::chrono::seconds(60));
  EXPECT_TRUE(code == 1 || code == 3) << run.Output();  // a verdict, not an error or a crash
  const auto r = Load(report);
  ASSERT_TRUE(r.is_object()) << run.Output();
  EXPECT_TRUE(r["complete"].get<bool>());
  EXPECT_TRUE(r["harness"]["faults"].empty()) << r["harness"]["faults"];
  const auto* g = Component(r, group);
  ASSERT_NE(g, nullptr);
  EXPECT_GT((*g)["failed"].get<uint64_t>(), 0u);
  EXPECT_GT((*g)["backend"]["errors"].get<uint64_t>(), 0u);
}

// Must show 1: at 1,000 req/s the hit ratio archload reports is Redis's own (INFO
// keyspace_hits / (hits + misses) over the run), within 1 point, and Redis's latency is there.
TEST(BackendE2e, ARedisCachesHitRatioIsRedissOwn) {
  RedisServer redis("blog");
  ASSERT_TRUE(redis.ready());
  const fs::path report = fs::temp_directory_path() / "archload-e2e-blog-redis.json";
  fs::remove(report);
  const auto out = RunCommand("timeout 120 " + std::string(ARCHLOAD_BIN) + " run " + kData +
                              "blog_redis.yaml --duration 10s --agents 2 --quiet --backend "
                              "\"Shared Cache=redis://" +
                              redis.address() + "\" --report " + report.string());
  const auto r = Load(report);
  ASSERT_TRUE(r.is_object()) << out.out;
  const auto* cache = Component(r, "Shared Cache");
  ASSERT_NE(cache, nullptr);
  const auto stats = redis.Info("stats");
  const double hits = stats.at("keyspace_hits"), misses = stats.at("keyspace_misses");
  ASSERT_GT(hits + misses, 5000) << out.out;
  EXPECT_NEAR((*cache)["hit_ratio"].get<double>(), hits / (hits + misses), 0.01) << out.out;
  ASSERT_TRUE((*cache)["backend"].is_object()) << out.out;
  EXPECT_EQ((*cache)["backend"]["kind"], "redis");
  EXPECT_GT((*cache)["backend"]["p50_ms"].get<double>(), 0);
  EXPECT_EQ((*cache)["backend"]["errors"], 0);
  EXPECT_NE(out.out.find("Real backends"), std::string::npos) << out.out;
  // The report puts Redis's own count beside it.
  EXPECT_NEAR((*cache)["backend"]["server_hit_ratio"].get<double>(), hits / (hits + misses), 1e-9);
}

// Must show 4: a backend that is down refuses the run before any load, naming it.
TEST(BackendE2e, ABackendThatIsDownRefusesTheRun) {
  const int port = archload::testing::FreeLoopbackPort();
  const auto start = std::chrono::steady_clock::now();
  const auto out = RunCommand(std::string(ARCHLOAD_BIN) + " run " + kData +
                              "blog_redis.yaml --duration 5s --quiet --backend \"Shared "
                              "Cache=redis://127.0.0.1:" +
                              std::to_string(port) + "\"");
  EXPECT_EQ(out.code, 2) << out.out;
  EXPECT_NE(out.out.find("the redis backend of 'Shared Cache' (127.0.0.1:" + std::to_string(port) +
                         ") is unreachable"),
            std::string::npos)
      << out.out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// ... and one killed mid-run fails its group's requests, and the run ends with a report.
TEST(BackendE2e, ABackendKilledMidRunIsItsGroupsErrors) {
  RedisServer redis("killed");
  ASSERT_TRUE(redis.ready());
  KillMidRun(
      {"run", kData + "blog_redis.yaml", "--backend", "Shared Cache=redis://" + redis.address()},
      "redis-killed", "fleet:", [&] { redis.Kill(); }, "Shared Cache");
}

// Must show 2: a broker on the librdkafka mock cluster: every published message consumed exactly
// once per consumer group.
TEST(BackendE2e, KafkaDeliversEveryPublishOncePerConsumerGroup) {
  Background mock({KAFKA_MOCK_BIN, "1"},
                  (fs::temp_directory_path() / "archload-kafka-mock.log").string());
  ASSERT_TRUE(mock.WaitForOutput(
      [](const std::string& o) { return o.find("bootstraps: ") != std::string::npos; },
      std::chrono::seconds(20)))
      << mock.Output();
  std::string boot = mock.Output().substr(mock.Output().find("bootstraps: ") + 12);
  boot = boot.substr(0, boot.find('\n'));
  const fs::path report = fs::temp_directory_path() / "archload-e2e-kafka.json";
  fs::remove(report);
  const auto out = RunCommand("timeout 120 " + std::string(ARCHLOAD_BIN) + " run " + kData +
                              "broker_kafka.yaml --duration 8s --agents 2 --quiet --backend "
                              "\"Events=kafka://" +
                              boot + "\" --report " + report.string());
  const auto r = Load(report);
  ASSERT_TRUE(r.is_object()) << out.out;
  const auto* events = Component(r, "Events");
  ASSERT_NE(events, nullptr);
  const uint64_t published = (*events)["published"].get<uint64_t>();
  EXPECT_GT(published, 1000u) << out.out;
  for (const char* g : {"Indexers", "Archivers"}) {
    const auto* w = Component(r, g);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ((*w)["consumed"].get<uint64_t>(), published) << g << "\n" << out.out;
    EXPECT_GT((*w)["async_p99_ms"].get<double>(), 0) << g;
  }
  // Lag per consumer group: none left at the end, some seen while the load ran.
  const auto& consumers = (*events)["backend"]["consumers"];
  ASSERT_EQ(consumers.size(), 2u) << (*events)["backend"];
  for (const auto& c : consumers) {
    EXPECT_EQ(c["consumed"].get<uint64_t>(), published) << c;
    EXPECT_EQ(c["lag"].get<int64_t>(), 0) << c;
    EXPECT_GE(c["peak_lag"].get<int64_t>(), 0) << c;
  }
  EXPECT_NE(out.out.find("consumer group of Indexers: consumed"), std::string::npos) << out.out;
}

// Must show 3: tutorial-simple-blog with its Load Balancer as a real haproxy passes at 1,000
// req/s, and the haproxy hop's latency is in the report. haproxy is gone when the run ends.
TEST(BackendE2e, TheBlogPassesBehindARealHaproxy) {
  const fs::path report = fs::temp_directory_path() / "archload-e2e-haproxy.json";
  fs::remove(report);
  const auto out = RunCommand("timeout 120 " + std::string(ARCHLOAD_BIN) +
                              " run tutorial-simple-blog --duration 10s --agents 2 --quiet "
                              "--backend \"Load Balancer=haproxy\" --report " +
                              report.string());
  EXPECT_EQ(out.code, 0) << out.out;
  EXPECT_NE(out.out.find("real proxy: Load Balancer: haproxy on 127.0.0.1:"), std::string::npos)
      << out.out;
  const auto r = Load(report);
  ASSERT_TRUE(r.is_object()) << out.out;
  const auto* lb = Component(r, "Load Balancer");
  const auto* app = Component(r, "App Servers");
  ASSERT_NE(lb, nullptr);
  ASSERT_NE(app, nullptr);
  ASSERT_TRUE((*lb)["backend"].is_object()) << out.out;
  EXPECT_EQ((*lb)["backend"]["kind"], "haproxy");
  EXPECT_EQ((*lb)["backend"]["address"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  const auto commands = (*lb)["backend"]["commands"].get<uint64_t>();
  EXPECT_GT(commands, 8000u) << out.out;
  EXPECT_EQ((*lb)["backend"]["errors"], 0);
  // The hop: the proxy's own time, well under the app's.
  const double hop_p50 = (*lb)["backend"]["p50_ms"].get<double>();
  EXPECT_GT(hop_p50, 0);
  EXPECT_LT(hop_p50, 5.0) << out.out;
  // Every request the proxy passed reached an app instance (counted ones, within the window).
  EXPECT_NEAR((*app)["rps"].get<double>(), (*lb)["rps"].get<double>(),
              0.02 * (*lb)["rps"].get<double>());
  EXPECT_NE(RunCommand("pgrep -f '[a]rchload-haproxy-'").code, 0) << "haproxy outlived its run";
}

// ... and a haproxy killed mid-run: its group's errors, and the run still ends with a report.
TEST(BackendE2e, AHaproxyKilledMidRunIsItsGroupsErrors) {
  KillMidRun(
      {"run", "tutorial-simple-blog", "--backend", "Load Balancer=haproxy"}, "haproxy-killed",
      "real proxy:", [] { EXPECT_EQ(RunCommand("pkill -KILL -f '[a]rchload-haproxy-'").code, 0); },
      "Load Balancer");
}

}  // namespace
