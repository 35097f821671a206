// Latency budgets and what-if planning through the real CLI.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace {

archload::testing::ProcessResult Cli(const std::string& args) {
  return archload::testing::RunCommand(std::string(ARCHLOAD_BIN) + " --catalog " +
                                       ARCHLOAD_SOURCE_DIR + "/problems " + args);
}

// Must show 3: the budget of api-rate-limit-cache says which hop's service time blocks its P95
// target and the ceiling that would meet it.
TEST(CapacityCli, PlanPrintsTheLatencyBudgetAndTheBlockingHop) {
  const auto r = Cli("plan api-rate-limit-cache");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Latency budget: P95 latency (rate limit checks) target 5.0 ms"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("API Gateway: service time must fall from 10 ms to <= "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("or no count meets P95 latency (rate limit checks) 5.0 ms"),
            std::string::npos);
  const auto j = Cli("plan api-rate-limit-cache --format json");
  const auto plan = nlohmann::json::parse(j.out);
  const auto& b = plan["latency_budgets"][0];
  EXPECT_FALSE(b["reachable_by_counts"].get<bool>());
  EXPECT_EQ(b["ceiling"]["group"], "API Gateway");
  EXPECT_LT(b["ceiling"]["to_ms"].get<double>(), 5);
}

TEST(CapacityCli, SizeForLatencyRaisesTheCountsThatMeetTheTarget) {
  const std::string fixture = std::string(ARCHLOAD_SOURCE_DIR) + "/tests/data/latency_sizing.yaml";
  const auto plain = nlohmann::json::parse(Cli("plan " + fixture + " --format json").out);
  const auto sized =
      nlohmann::json::parse(Cli("plan " + fixture + " --size-for latency --format json").out);
  EXPECT_EQ(plain["groups"][1]["count"]["chosen"], 10);
  EXPECT_GT(sized["groups"][1]["count"]["chosen"].get<int>(), 10);
  EXPECT_TRUE(sized["latency_budgets"][0]["met"].get<bool>());
}

TEST(CapacityCli, SetAnswersWhatIfQuestionsWithoutEditingYaml) {
  const auto r = Cli("plan api-rate-limit-cache --set \"API Gateway.service_time=1ms\"");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("-> met:"), std::string::npos) << r.out;
  const auto bad = Cli("plan api-rate-limit-cache --set \"Gateway.count=3\"");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("no group 'Gateway'"), std::string::npos) << bad.out;
}

}  // namespace
