#include "controller/run/stall_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace archload::run {
namespace {

// Agents report every second; agent 1 goes silent from 3 s to 8 s (SIGSTOP, say).
TEST(StallDetector, ASilenceLongerThanTheThresholdIsOneStallWithItsBounds) {
  StallDetector d(2.5);
  for (double t = 0.05; t < 12; t += 0.05) {
    const double heard0 = std::floor(t);
    const double heard1 = t < 3 ? std::floor(t) : t < 8 ? 3.0 : std::floor(t);
    d.Observe(t, {heard0, heard1});
  }
  d.Finish(12);
  ASSERT_EQ(d.stalls().size(), 1u);
  const auto& s = d.stalls()[0];
  EXPECT_EQ(s.agent, 1u);
  EXPECT_DOUBLE_EQ(s.from_s, 3.0);
  EXPECT_DOUBLE_EQ(s.to_s, 8.0);
  EXPECT_FALSE(s.ongoing);
  EXPECT_DOUBLE_EQ(s.duration_s(), 5.0);
}

TEST(StallDetector, OrdinaryJitterIsNotAStall) {
  StallDetector d(2.5);
  // Reports arrive every 1-2.4 s.
  double heard = 0;
  for (double t = 0; t < 30; t += 0.1) {
    if (t - heard >= (static_cast<int>(t) % 3 == 0 ? 2.4 : 1.0)) heard = t;
    d.Observe(t, {heard});
  }
  d.Finish(30);
  EXPECT_TRUE(d.stalls().empty());
}

TEST(StallDetector, AStallStillOpenAtTheEndIsClosedThere) {
  StallDetector d(2.5);
  for (double t = 0; t < 10; t += 0.5) d.Observe(t, {std::min(t, 4.0)});
  d.Finish(10);
  ASSERT_EQ(d.stalls().size(), 1u);
  EXPECT_DOUBLE_EQ(d.stalls()[0].from_s, 4.0);
  EXPECT_DOUBLE_EQ(d.stalls()[0].to_s, 10.0);
}

}  // namespace
}  // namespace archload::run
