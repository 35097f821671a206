// Sectioning intervals: Student's t, a width from the batches' spread centred on the run's own
// figure, and a wider interval when the batches are correlated.
#include "controller/run/interval.h"

#include <gtest/gtest.h>

#include <random>

namespace archload::run {
namespace {

TEST(Interval, StudentTFollowsTheTableAndApproachesTheNormal) {
  EXPECT_DOUBLE_EQ(StudentT975(1), 12.706);
  EXPECT_DOUBLE_EQ(StudentT975(9), 2.262);
  EXPECT_DOUBLE_EQ(StudentT975(30), 2.042);
  EXPECT_NEAR(StudentT975(40), 2.021, 0.001);
  EXPECT_NEAR(StudentT975(120), 1.980, 0.001);
  EXPECT_NEAR(StudentT975(100000), 1.960, 0.001);
}

TEST(Interval, NeedsTwoBatches) {
  EXPECT_FALSE(SectionInterval(5, {}));
  EXPECT_FALSE(SectionInterval(5, {5}));
  EXPECT_TRUE(SectionInterval(5, {5, 5}));
}

TEST(Interval, HalfWidthIsTSOverRootBAroundThePoint) {
  // Estimates 1..4 alternate around their mean (negative lag-1 correlation: no inflation).
  const auto i = SectionInterval(10, {1, 4, 2, 3});
  ASSERT_TRUE(i);
  const double s = std::sqrt(5.0 / 3.0);  // sample sd of 1, 2, 3, 4
  EXPECT_NEAR(i->HalfWidth(), 3.182 * s / 2, 1e-9);
  EXPECT_NEAR(i->low + i->high, 20, 1e-9);  // centred on the run's figure, not the batches' mean
  EXPECT_EQ(i->batches, 4);
  EXPECT_LT(i->lag1, 0);
}

TEST(Interval, EqualBatchesGiveAPoint) {
  const auto i = SectionInterval(1, {1, 1, 1, 1, 1});
  ASSERT_TRUE(i);
  EXPECT_DOUBLE_EQ(i->low, 1);
  EXPECT_DOUBLE_EQ(i->high, 1);
}

TEST(Interval, CorrelatedBatchesWidenIt) {
  // The same values, once in a trend (lag-1 correlation high) and once interleaved.
  const std::vector<double> trend = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<double> mixed = {1, 10, 2, 9, 3, 8, 4, 7, 5, 6};
  const auto wide = SectionInterval(5.5, trend);
  const auto narrow = SectionInterval(5.5, mixed);
  ASSERT_TRUE(wide && narrow);
  EXPECT_GT(wide->lag1, 0.5);
  EXPECT_GT(wide->HalfWidth(), 2 * narrow->HalfWidth());
}

TEST(Interval, CoversTheTrueMeanOfIndependentBatchesAbout95PercentOfTheTime) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> draw(100, 15);
  int covered = 0;
  constexpr int kTrials = 2000;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> batches;
    double sum = 0;
    for (int b = 0; b < 10; ++b) {
      batches.push_back(draw(rng));
      sum += batches.back();
    }
    const auto i = SectionInterval(sum / 10, batches);
    if (i->low <= 100 && 100 <= i->high) ++covered;
  }
  // Exact 95% without the correlation guard; with it (it widens about half the intervals a
  // little) somewhat more.
  EXPECT_GE(covered, 0.94 * kTrials);
  EXPECT_LE(covered, 0.99 * kTrials);
}

}  // namespace
}  // namespace archload::run
