#include "controller/run/availability.h"

#include <gtest/gtest.h>

namespace archload::run {
namespace {

// 30 s at 1,000 req/s in 100 ms bins (100 per bin), all answered.
Timeline Steady() {
  Timeline t;
  t.offered.assign(300, 100);
  t.ok.assign(300, 100);
  t.failed.assign(300, 0);
  return t;
}

TEST(Availability, AKillsBurstIsDetectedWhenTheFailuresStop) {
  Timeline t = Steady();
  // One of 8 instances dies at 5 s: 1/8 of requests fail until callers eject it 1.5 s later.
  for (size_t i = 50; i < 65; ++i) {
    t.ok[i] = 87;
    t.failed[i] = 13;
  }
  const auto a = AnalyzeAvailability(t, {{5.0, 15.0}}, 0.999);
  ASSERT_EQ(a.faults.size(), 1u);
  ASSERT_TRUE(a.faults[0].detection_s);
  EXPECT_NEAR(*a.faults[0].detection_s, 1.5, 1e-9);
  ASSERT_TRUE(a.faults[0].recovery_s);
  EXPECT_NEAR(*a.faults[0].recovery_s, 1.5, 1e-9);
  EXPECT_EQ(a.faults[0].lost, 15u * 13u);
  EXPECT_DOUBLE_EQ(a.baseline, 1.0);
  EXPECT_EQ(a.failed, 15u * 13u);
  EXPECT_NEAR(a.budget, 30.0, 1e-6);  // 0.1% of 30,000
  ASSERT_EQ(a.per_second.size(), 30u);
  EXPECT_NEAR(a.per_second[5], 0.87, 1e-9);
  EXPECT_NEAR(a.per_second[6], (5 * 87 + 5 * 100) / 1000.0, 1e-9);
  EXPECT_DOUBLE_EQ(a.per_second[7], 1.0);
}

TEST(Availability, FailuresThatNeverStopAreNotDetectedAndAFaultThatCostsNothingHasNoDip) {
  Timeline t = Steady();
  for (size_t i = 100; i < 300; ++i) t.ok[i] = 90;  // 10% unanswered from 10 s to the end
  const auto a = AnalyzeAvailability(t, {{10.0, 30.0}, {2.0, 3.0}}, 0.99);
  ASSERT_EQ(a.faults.size(), 2u);
  EXPECT_FALSE(a.faults[0].detection_s);
  EXPECT_FALSE(a.faults[0].recovery_s);
  EXPECT_EQ(a.faults[0].lost, 200u * 10u);
  EXPECT_NEAR(a.faults[0].lowest, 0.9, 1e-9);
  // The second fault (2-3 s) made nothing fail: no dip, recovered at once, nothing lost.
  EXPECT_FALSE(a.faults[1].detection_s);
  ASSERT_TRUE(a.faults[1].recovery_s);
  EXPECT_DOUBLE_EQ(*a.faults[1].recovery_s, 0);
  EXPECT_EQ(a.faults[1].lost, 0u);
}

}  // namespace
}  // namespace archload::run
