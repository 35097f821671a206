#include "controller/planner/queueing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace archload::planner {
namespace {

TEST(ErlangC, SingleServerIsUtilization) {
  EXPECT_NEAR(ErlangC(1, 0.5), 0.5, 1e-12);
  EXPECT_NEAR(ErlangC(1, 0.83), 0.83, 1e-12);
}

TEST(ErlangC, TwoServersKnownValue) {
  // c=2, a=1 (ρ=0.5): C = a^c/c! · c/(c-a) / (Σ a^k/k! + that) = 1/3.
  EXPECT_NEAR(ErlangC(2, 1.0), 1.0 / 3.0, 1e-12);
}

TEST(ErlangC, LargeCIsStableAndBounded) {
  const double c = ErlangC(5000, 4900);
  EXPECT_GT(c, 0);
  EXPECT_LT(c, 1);
  EXPECT_EQ(ErlangC(10, 10), 1);
  EXPECT_EQ(ErlangC(10, 0), 0);
}

TEST(MmcMeanWait, MatchesMm1Formula) {
  // M/M/1: Wq = ρ / (μ - λ)
  const double lambda = 80, mu = 100;
  EXPECT_NEAR(MmcMeanWait(1, lambda, mu), 0.8 / (mu - lambda), 1e-12);
  EXPECT_TRUE(std::isinf(MmcMeanWait(1, 100, 100)));
}

TEST(HopQueue, AllenCunneenHalvesWaitForDeterministicService) {
  HopQueue exp{1, 80, 0.01, 1.0};
  HopQueue fixed{1, 80, 0.01, 0.0};
  EXPECT_NEAR(fixed.MeanWait(), exp.MeanWait() / 2, 1e-12);  // M/D/1 = M/M/1 / 2
  EXPECT_NEAR(exp.Utilization(), 0.8, 1e-12);
}

TEST(HopQueue, SampledWaitHasTheRightMean) {
  HopQueue q{4, 300, 0.01, 1.0};  // ρ = 0.75
  std::mt19937_64 rng(7);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += q.SampleWait(rng);
  EXPECT_NEAR(sum / n, q.MeanWait(), 0.03 * q.MeanWait());
}

TEST(ServiceTime, LognormalHasRequestedMeanAndCv) {
  std::mt19937_64 rng(11);
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    const double s = SampleServiceTime(rng, "lognormal", 0.01, 0.5, nullptr);
    sum += s;
    sq += s * s;
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sq / n - mean * mean);
  EXPECT_NEAR(mean, 0.01, 0.0002);
  EXPECT_NEAR(sd / mean, 0.5, 0.02);
}

}  // namespace
}  // namespace archload::planner
