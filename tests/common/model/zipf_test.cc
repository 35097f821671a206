#include "common/model/zipf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <list>
#include <unordered_map>
#include <vector>

namespace archload::model {
namespace {

TEST(ZipfSampler, FrequenciesFollowThePowerLaw) {
  ZipfSampler z(100000, 0.9);
  std::mt19937_64 rng(3);
  std::vector<int> counts(11, 0);
  const int n = 2000000;
  for (int i = 0; i < n; ++i) {
    const uint64_t k = z.Sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, 100000u);
    if (k <= 10) ++counts[k];
  }
  // p(k) / p(1) = k^-s
  for (int k : {2, 5, 10}) {
    EXPECT_NEAR(static_cast<double>(counts[k]) / counts[1], std::pow(k, -0.9), 0.03) << k;
  }
}

TEST(ZipfSampler, UniformWhenSkewIsZeroAndHandlesSOne) {
  ZipfSampler flat(10, 0.0);
  ZipfSampler one(1000, 1.0);
  std::mt19937_64 rng(1);
  std::vector<int> counts(11, 0);
  for (int i = 0; i < 100000; ++i) ++counts[flat.Sample(rng)];
  for (int k = 1; k <= 10; ++k) EXPECT_NEAR(counts[k], 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    const auto k = one.Sample(rng);
    EXPECT_TRUE(k >= 1 && k <= 1000);
  }
}

// An exact LRU over sampled keys, to check Che's approximation against.
double SimulatedLruHitRatio(uint64_t n, double s, size_t capacity, int requests) {
  ZipfSampler z(n, s);
  std::mt19937_64 rng(11);
  std::list<uint64_t> order;
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> index;
  int hits = 0, counted = 0;
  for (int i = 0; i < requests; ++i) {
    const uint64_t k = z.Sample(rng);
    const bool warm = i >= requests / 5;  // skip the cold start
    auto it = index.find(k);
    if (it != index.end()) {
      order.splice(order.begin(), order, it->second);
      hits += warm;
    } else {
      if (index.size() >= capacity) {
        index.erase(order.back());
        order.pop_back();
      }
      order.push_front(k);
      index[k] = order.begin();
    }
    counted += warm;
  }
  return static_cast<double>(hits) / counted;
}

TEST(LruHitRatio, MatchesASimulatedLru) {
  EXPECT_NEAR(LruHitRatio(10000, 0.9, 1000), SimulatedLruHitRatio(10000, 0.9, 1000, 1000000), 0.02);
  EXPECT_NEAR(LruHitRatio(50000, 0.7, 5000), SimulatedLruHitRatio(50000, 0.7, 5000, 1000000), 0.02);
}

TEST(LruHitRatio, Limits) {
  EXPECT_DOUBLE_EQ(LruHitRatio(100, 1.0, 100), 1.0);
  EXPECT_DOUBLE_EQ(LruHitRatio(100, 1.0, 0), 0.0);
  const double big = LruHitRatio(1000000000ULL, 0.99, 1000000);  // geometric buckets
  EXPECT_GT(big, 0.3);
  EXPECT_LT(big, 1.0);
}

}  // namespace
}  // namespace archload::model
