#include "common/stats/bucket_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace archload::stats {
namespace {

TEST(BucketLayout, TwentyEdgesPerDecadeFromOneMicrosecondToOneHundredSeconds) {
  const BucketLayout layout;
  const auto& s = layout.bounds_s();
  ASSERT_EQ(s.size(), 161u);
  EXPECT_EQ(s.front(), 1e-6);
  EXPECT_EQ(s.back(), 100.0);
  EXPECT_EQ(s[1], 1.12e-6);  // the nearest double to the decimal, so `le` prints as written
  EXPECT_EQ(s[20 * 5 + 6], 0.2);
  for (size_t i = 1; i < s.size(); ++i) {
    EXPECT_GT(s[i], s[i - 1]);
    EXPECT_LE(s[i] / s[i - 1], 1.127) << s[i];
    EXPECT_GE(s[i] / s[i - 1], 1.119) << s[i];
    EXPECT_EQ(layout.bounds_ns()[i], static_cast<uint64_t>(std::llround(s[i] * 1e9)));
  }
  EXPECT_TRUE(layout.exact_ns().empty());
}

TEST(BucketLayout, TargetsBecomeEdgesAndCrowdOutTheirNeighbours) {
  // 0.2 s is a fixed edge already: it stays once. 0.201 s is within 1% of it: the fixed 0.2 goes.
  const BucketLayout same({0.2});
  EXPECT_EQ(same.bounds_s().size(), 161u);
  EXPECT_EQ(std::count(same.bounds_s().begin(), same.bounds_s().end(), 0.2), 1);
  const BucketLayout near({0.201, 0.201, -1, std::numeric_limits<double>::quiet_NaN(), 0});
  EXPECT_EQ(near.exact_ns(), std::vector<uint64_t>{201'000'000});
  EXPECT_EQ(std::count(near.bounds_s().begin(), near.bounds_s().end(), 0.2), 0);
  EXPECT_EQ(std::count(near.bounds_s().begin(), near.bounds_s().end(), 0.201), 1);
  EXPECT_EQ(near.bounds_s().size(), 161u);
  const BucketLayout apart({0.0123, 0.333});
  EXPECT_EQ(apart.bounds_s().size(), 163u);
  EXPECT_TRUE(std::is_sorted(apart.bounds_s().begin(), apart.bounds_s().end()));
}

TEST(BucketLayout, ExactEdgesCountExactlyAndCumulativeCountsStayMonotonic) {
  const BucketLayout layout({0.2, 0.0502});
  ThresholdCounts exact(layout.exact_ns());
  Histogram h;
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> d(std::log(5e7), 1.2);
  std::vector<uint64_t> values;
  for (int i = 0; i < 200'000; ++i) values.push_back(static_cast<uint64_t>(d(rng)));
  // Values on and just around the targets: the ones a log-linear bucket cannot place.
  for (uint64_t t : layout.exact_ns()) {
    for (uint64_t v : {t - 1, t, t + 1}) values.push_back(v);
  }
  for (uint64_t v : values) {
    h.Record(v);
    exact.Record(v);
  }
  const auto cumulative = layout.Cumulative(h, &exact);
  ASSERT_EQ(cumulative.size(), layout.bounds_ns().size());
  for (uint64_t t : layout.exact_ns()) {
    const auto at = std::find(layout.bounds_ns().begin(), layout.bounds_ns().end(), t) -
                    layout.bounds_ns().begin();
    const auto want =
        std::count_if(values.begin(), values.end(), [t](uint64_t v) { return v <= t; });
    EXPECT_EQ(cumulative[at], static_cast<uint64_t>(want)) << t;
  }
  for (size_t i = 1; i < cumulative.size(); ++i) EXPECT_GE(cumulative[i], cumulative[i - 1]);
  EXPECT_LE(cumulative.back(), h.Count());
  // Without the exact counts the targets are estimated like any other edge.
  const auto estimated = layout.Cumulative(h, nullptr);
  EXPECT_EQ(estimated, h.CountsAtOrBelow(layout.bounds_ns()));
}

TEST(ThresholdCounts, CountsValuesAtOrBelowEachThreshold) {
  ThresholdCounts c({10, 20});
  for (uint64_t v : {0, 10, 11, 20, 21, 1000}) c.Record(v);
  EXPECT_EQ(c.counts(), (std::vector<uint64_t>{2, 4}));
  ThresholdCounts none;
  none.Record(5);
  EXPECT_TRUE(none.counts().empty());
}

}  // namespace
}  // namespace archload::stats
