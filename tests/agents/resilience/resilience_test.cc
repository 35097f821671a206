// The callers' resilience logic on a fake clock: every instant is passed in, nothing sleeps.
#include <gtest/gtest.h>

#include "agents/resilience/backoff.h"
#include "agents/resilience/health_checker.h"
#include "agents/resilience/outlier_ejector.h"
#include "agents/resilience/retry_budget.h"

namespace archload::agent {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

TEST(RetryBudget, AllowsItsShareOfRequestsOverTheWindowPlusAFloorPerSecond) {
  RetryBudget budget(0.1, 2);
  for (int i = 0; i < 100; ++i) budget.OnRequest(0);
  int allowed = 0;
  for (int i = 0; i < 50; ++i) allowed += budget.TryRetry(kSecond / 2) ? 1 : 0;
  EXPECT_EQ(allowed, 10);  // 10% of 100
  EXPECT_EQ(budget.refused(), 40u);
  // The floor: a second later, with no new requests, two more still go.
  EXPECT_TRUE(budget.TryRetry(kSecond + 1));
  EXPECT_TRUE(budget.TryRetry(kSecond + 2));
  EXPECT_FALSE(budget.TryRetry(kSecond + 3));
  // Ten seconds on, the old requests and retries have left the window.
  for (int i = 0; i < 10; ++i) budget.OnRequest(11 * kSecond);
  EXPECT_TRUE(budget.TryRetry(11 * kSecond));   // floor
  EXPECT_TRUE(budget.TryRetry(11 * kSecond));   // floor
  EXPECT_FALSE(budget.TryRetry(11 * kSecond));  // 3 > 10% of 10 and past the floor
  RetryBudget unbounded(-1, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unbounded.TryRetry(0));
}

TEST(Backoff, FullJitterStaysUnderItsCeiling) {
  std::mt19937_64 rng(7);
  const int64_t base = 25'000'000, cap = 250'000'000;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int64_t ceiling = std::min<int64_t>(cap, base << attempt);
    int64_t most = 0;
    for (int i = 0; i < 2000; ++i) {
      const int64_t d = FullJitterBackoffNs(attempt, base, cap, rng);
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling);
      most = std::max(most, d);
    }
    EXPECT_GT(most, ceiling * 9 / 10) << attempt;  // it spreads over the whole range
  }
}

TEST(OutlierEjector, EjectsAfterConsecutiveFailuresForLongerEachTimeAndNeverTheWholeGroup) {
  model::OutlierDetection c;
  c.consecutive_failures = 3;
  c.base_ejection_ms = 1000;
  c.max_ejection_ms = 2500;
  c.max_ejected_fraction = 0.5;
  OutlierEjector e(c, 4);
  EXPECT_FALSE(e.OnResult(0, false, 0));
  EXPECT_FALSE(e.OnResult(0, true, 0));  // a success resets the count
  EXPECT_FALSE(e.OnResult(0, false, 0));
  EXPECT_FALSE(e.OnResult(0, false, 0));
  EXPECT_TRUE(e.OnResult(0, false, 10));
  EXPECT_TRUE(e.Ejected(0, 10));
  EXPECT_TRUE(e.Ejected(0, 10 + kSecond - 1));
  EXPECT_FALSE(e.Ejected(0, 10 + kSecond));
  // Ejected again: twice as long.
  for (int i = 0; i < 3; ++i) e.OnResult(0, false, 2 * kSecond);
  EXPECT_TRUE(e.Ejected(0, 2 * kSecond + 2 * kSecond - 1));
  EXPECT_FALSE(e.Ejected(0, 4 * kSecond));
  // Two of four at most: the third failing instance stays in.
  for (int i = 0; i < 3; ++i) e.OnResult(1, false, 3 * kSecond);
  for (int i = 0; i < 3; ++i) e.OnResult(2, false, 3 * kSecond);
  EXPECT_TRUE(e.Ejected(1, 3 * kSecond));
  EXPECT_FALSE(e.Ejected(2, 3 * kSecond));
  EXPECT_EQ(e.EjectedCount(3 * kSecond), 2);
  EXPECT_EQ(e.ejections(), 3u);
}

TEST(HealthChecker, FallAndRiseThresholds) {
  model::HealthCheck c;
  c.fall = 3;
  c.rise = 2;
  HealthChecker h(c, 2);
  EXPECT_TRUE(h.Up(0));
  EXPECT_EQ(h.OnCheck(0, false), HealthChecker::Change::kNone);
  EXPECT_EQ(h.OnCheck(0, false), HealthChecker::Change::kNone);
  EXPECT_EQ(h.OnCheck(0, true), HealthChecker::Change::kNone);  // the streak breaks
  EXPECT_EQ(h.OnCheck(0, false), HealthChecker::Change::kNone);
  EXPECT_EQ(h.OnCheck(0, false), HealthChecker::Change::kNone);
  EXPECT_EQ(h.OnCheck(0, false), HealthChecker::Change::kDown);
  EXPECT_FALSE(h.Up(0));
  EXPECT_EQ(h.UpCount(), 1);
  EXPECT_EQ(h.OnCheck(0, true), HealthChecker::Change::kNone);
  EXPECT_EQ(h.OnCheck(0, true), HealthChecker::Change::kUp);
  EXPECT_TRUE(h.Up(0));
  EXPECT_FALSE(h.Up(5));  // not an instance
}

}  // namespace
}  // namespace archload::agent
