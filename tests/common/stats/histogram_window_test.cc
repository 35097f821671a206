// What the Prometheus exposition and the controller's 10 s windows need from the histogram:
// subtracting an earlier snapshot, counts at or below given edges, and a monotone sum.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "common/stats/histogram.h"

namespace archload::stats {
namespace {

std::vector<uint64_t> LogNormalNs(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(5e6), 1.0);
  std::vector<uint64_t> v(n);
  for (auto& x : v) x = static_cast<uint64_t>(d(rng));
  return v;
}

TEST(HistogramWindow, SubtractingAnEarlierSnapshotLeavesWhatCameAfter) {
  const auto before = LogNormalNs(50'000, 1);
  const auto after = LogNormalNs(20'000, 2);
  Histogram cumulative, alone;
  for (uint64_t v : before) cumulative.Record(v);
  const Histogram snapshot = cumulative;
  for (uint64_t v : after) {
    cumulative.Record(v);
    alone.Record(v);
  }
  ASSERT_TRUE(cumulative.Subtract(snapshot));
  EXPECT_EQ(cumulative.Count(), after.size());
  // Same buckets, so every percentile is the same bucket; only the clamp to the exact min and
  // max (unknown after subtracting) can differ, by less than one bucket.
  for (double p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    const double want = static_cast<double>(alone.ValueAtPercentile(p));
    const double got = static_cast<double>(cumulative.ValueAtPercentile(p));
    EXPECT_LE(std::abs(got - want), want / 128.0 + 1) << "p" << p;
  }
  EXPECT_LE(cumulative.Min(), alone.Min());
  EXPECT_GE(cumulative.Max(), alone.Max());
  // The window is a well-formed histogram: it survives the wire format.
  const auto back = Histogram::Deserialize(cumulative.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, cumulative);
}

TEST(HistogramWindow, SubtractRefusesWhatIsNotAnEarlierStateAndChangesNothing) {
  Histogram h;
  h.Record(1000);
  h.Record(2000);
  const Histogram copy = h;
  Histogram stranger;
  stranger.Record(5'000'000);
  EXPECT_FALSE(h.Subtract(stranger));
  EXPECT_EQ(h, copy);
  Histogram bigger = h;
  bigger.Record(1000);
  EXPECT_FALSE(h.Subtract(bigger));
  EXPECT_EQ(h, copy);
  EXPECT_FALSE(h.Subtract(Histogram(8)));
  EXPECT_EQ(h, copy);
}

TEST(HistogramWindow, SubtractingItselfOrNothing) {
  Histogram h;
  for (uint64_t v : LogNormalNs(1000, 3)) h.Record(v);
  const Histogram copy = h;
  ASSERT_TRUE(h.Subtract(Histogram()));
  EXPECT_EQ(h, copy);
  ASSERT_TRUE(h.Subtract(h));
  EXPECT_EQ(h, Histogram());
  EXPECT_EQ(h.ValueAtPercentile(99), 0u);
}

TEST(HistogramWindow, CountsAtBucketEdgesAreExact) {
  const auto values = LogNormalNs(100'000, 4);
  Histogram h;
  for (uint64_t v : values) h.Record(v);
  auto sorted = values;
  std::sort(sorted.begin(), sorted.end());
  // Bucket highest values: 2^k - 1 is always one (the end of an octave), and below 256 every
  // value is its own bucket at precision 7.
  std::vector<uint64_t> edges = {0, 17, 255};
  for (int k = 9; k < 40; ++k) edges.push_back((uint64_t{1} << k) - 1);
  const auto counts = h.CountsAtOrBelow(edges);
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto exact = static_cast<uint64_t>(
        std::upper_bound(sorted.begin(), sorted.end(), edges[i]) - sorted.begin());
    EXPECT_EQ(counts[i], exact) << "edge " << edges[i];
  }
}

TEST(HistogramWindow, CountsInsideABucketAreWithinThatBucket) {
  const auto values = LogNormalNs(100'000, 5);
  Histogram h;
  for (uint64_t v : values) h.Record(v);
  auto sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<uint64_t> edges;
  for (uint64_t e = 1'000'000; e < 100'000'000; e = e * 11 / 10) edges.push_back(e);
  const auto counts = h.CountsAtOrBelow(edges);
  for (size_t i = 0; i < edges.size(); ++i) {
    const auto at_or_below = [&](double x) {
      return static_cast<double>(
          std::upper_bound(sorted.begin(), sorted.end(), static_cast<uint64_t>(x)) -
          sorted.begin());
    };
    // The straddled bucket spans at most 1/128 of its lowest value on either side of the edge.
    const double e = static_cast<double>(edges[i]);
    EXPECT_GE(static_cast<double>(counts[i]), at_or_below(e * (1 - 1.0 / 128)) - 1) << e;
    EXPECT_LE(static_cast<double>(counts[i]), at_or_below(e * (1 + 1.0 / 128)) + 1) << e;
    if (i > 0) {
      EXPECT_GE(counts[i], counts[i - 1]);
    }
  }
}

TEST(HistogramWindow, CountsAndSumNeverDecreaseAsValuesArrive) {
  // Prometheus treats buckets and _sum as counters: a dip would read as a counter reset.
  std::vector<uint64_t> edges;
  for (uint64_t e = 1000; e < 1'000'000'000; e = e * 9 / 8 + 1) edges.push_back(e);
  Histogram h;
  std::vector<uint64_t> last(edges.size(), 0);
  double last_sum = 0;
  for (uint64_t v : LogNormalNs(5'000, 6)) {
    h.Record(v);
    const auto now = h.CountsAtOrBelow(edges);
    for (size_t i = 0; i < edges.size(); ++i) ASSERT_GE(now[i], last[i]);
    ASSERT_GE(h.SumEstimate(), last_sum);
    last = now;
    last_sum = h.SumEstimate();
  }
}

TEST(HistogramWindow, SumEstimateIsWithinHalfABucket) {
  const auto values = LogNormalNs(100'000, 7);
  Histogram h;
  double exact = 0;
  for (uint64_t v : values) {
    h.Record(v);
    exact += static_cast<double>(v);
  }
  EXPECT_NEAR(h.SumEstimate(), exact, exact / 256);
  EXPECT_EQ(Histogram().SumEstimate(), 0.0);
  Histogram small;
  for (uint64_t v = 0; v < 256; ++v) small.Record(v);  // every value its own bucket
  EXPECT_EQ(small.SumEstimate(), 255.0 * 256 / 2);
}

}  // namespace
}  // namespace archload::stats
