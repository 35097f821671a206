// `archload knee` end to end: real trials, real agents. Minutes each, so only the two the issue
// asks for: the blog's knees beside its BoE, and a design whose BoE is wrong by construction.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using archload::testing::RunCommand;

const std::string kSource = ARCHLOAD_SOURCE_DIR;

nlohmann::json Knee(const std::string& target, const std::string& flags, const std::string& name,
                    archload::testing::ProcessResult* out) {
  const fs::path report = fs::temp_directory_path() / ("archload-knee-" + name + ".json");
  fs::remove(report);
  *out = RunCommand("timeout 900 " + std::string(ARCHLOAD_BIN) + " --catalog " + kSource +
                    "/problems knee " + target + " " + flags + " --report " + report.string());
  std::ifstream in(report);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

// CI machines are shared (2 cores, other tests before and after): trials may void at 5 ms of send
// lag, not the default 1 ms, or a busy moment would read as the harness limit.

// Must show 1: the saturation knee within 3% of the BoE's 1,200 req/s, the NFR knee (P99 200 ms)
// within 5% of the BoE's own prediction of where P99 reaches 200 ms, the App Servers the
// bottleneck both ways, the curve, exit 0.
TEST(KneeE2e, TutorialBlogKneesAgreeWithTheBoe) {
  archload::testing::ProcessResult r;
  const auto j = Knee("tutorial-simple-blog", "--agents 2 --harness-bound 5", "blog", &r);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(r.code, 0) << r.out;
  ASSERT_FALSE(j["saturation_knee_rps"].is_null()) << r.out;
  EXPECT_NEAR(j["boe"]["max_rps"].get<double>(), 1200, 1);
  EXPECT_NEAR(j["saturation_knee_rps"].get<double>(), 1200, 36) << r.out;
  ASSERT_FALSE(j["nfr_knee_rps"].is_null()) << r.out;
  ASSERT_FALSE(j["boe"]["nfr_knee_rps"].is_null()) << r.out;
  const double boe_nfr = j["boe"]["nfr_knee_rps"].get<double>();
  EXPECT_NEAR(j["nfr_knee_rps"].get<double>(), boe_nfr, 0.05 * boe_nfr) << r.out;
  EXPECT_EQ(j["bottleneck"]["measured"], "App Servers") << r.out;
  EXPECT_EQ(j["bottleneck"]["predicted"], "App Servers");
  ASSERT_EQ(j["curve"].size(), 6u) << r.out;
  for (const auto& p : j["curve"]) {
    EXPECT_GT(p["p99_ms"].get<double>(), 0);
    // The model has no latency at or past its maximum (queues without bound): null, not 0.
    if (p["boe_p99_ms"].is_null()) {
      EXPECT_GE(p["offered_rps"].get<double>(), 0.99 * j["boe"]["max_rps"].get<double>());
    } else {
      EXPECT_GT(p["boe_p99_ms"].get<double>(), 0);
    }
    EXPECT_TRUE(p["utilization"].contains("App Servers"));
  }
  EXPECT_FALSE(j["harness_limited"].get<bool>()) << r.out;
  EXPECT_NE(r.out.find("Curve (measured, BoE in brackets)"), std::string::npos);
}

// Must show 2: the design claims its Workers take 300 req/s each, but their service time and
// concurrency give 100: the knee disagrees with the BoE and says which group.
TEST(KneeE2e, AMisStatedCapacityIsFoundAndNamed) {
  archload::testing::ProcessResult r;
  const auto j =
      Knee(kSource + "/tests/data/misstated_capacity.yaml",
           "--agents 2 --trial 4 --warmup 1 --precision 0.03 --harness-bound 5", "misstated", &r);
  ASSERT_TRUE(j.is_object()) << r.out;
  ASSERT_FALSE(j["saturation_knee_rps"].is_null()) << r.out;
  const double measured = j["saturation_knee_rps"].get<double>();
  const double boe = j["boe"]["max_rps"].get<double>();
  EXPECT_LT(measured, 0.6 * boe) << r.out;  // 200 of a claimed 600
  // 4 s trials near saturation: the queue is still growing, so the 99% knee lands 5-15% below
  // the true 200 (seen: 173-188).
  EXPECT_NEAR(measured, 200, 30) << r.out;
  EXPECT_EQ(j["bottleneck"]["measured"], "Workers") << r.out;
  ASSERT_TRUE(j["misjudged"].is_object()) << r.out;
  EXPECT_EQ(j["misjudged"]["group"], "Workers");
  EXPECT_NE(r.out.find("The knee disagrees with the BoE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Workers ran at"), std::string::npos) << r.out;
  // plan says so too, before any run.
  const auto plan = RunCommand(std::string(ARCHLOAD_BIN) + " plan " + kSource +
                               "/tests/data/misstated_capacity.yaml");
  EXPECT_NE(plan.out.find("'Workers': the stated capacity (300 req/s per instance) disagrees"),
            std::string::npos)
      << plan.out;
}

}  // namespace
