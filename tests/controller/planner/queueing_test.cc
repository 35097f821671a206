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

namespace archload::planner {
namespace {

// The birth-death chain of M/M/c/K solved state by state: the reference for MmcK.
BoundedQueue BruteForce(int c, int m, double lambda, double mu) {
  const int k = c + m;
  std::vector<double> p(k + 1);
  p[0] = 1;
  for (int n = 1; n <= k; ++n) p[n] = p[n - 1] * lambda / (std::min(n, c) * mu);
  double sum = 0;
  for (double x : p) sum += x;
  for (double& x : p) x /= sum;
  BoundedQueue q;
  q.rejected_fraction = p[k];
  q.admitted_rps = lambda * (1 - p[k]);
  double busy = 0;
  for (int n = c; n < k; ++n) busy += p[n];
  q.wait_probability = busy / (1 - p[k]);
  for (int n = c + 1; n <= k; ++n) q.mean_queue += (n - c) * p[n];
  q.mean_wait_s = q.mean_queue / q.admitted_rps;
  q.utilization = q.admitted_rps / (c * mu);
  return q;
}

TEST(MmcK, MatchesTheChainSolvedStateByState) {
  for (int c : {1, 2, 4, 16}) {
    for (int m : {0, 1, 8, 100}) {
      for (double rho : {0.3, 0.9, 1.0, 1.5, 4.0}) {
        const double mu = 50, lambda = rho * c * mu;
        const auto got = MmcK(c, m, lambda, mu);
        const auto want = BruteForce(c, m, lambda, mu);
        const std::string at =
            "c " + std::to_string(c) + " m " + std::to_string(m) + " rho " + std::to_string(rho);
        EXPECT_NEAR(got.rejected_fraction, want.rejected_fraction, 1e-9) << at;
        EXPECT_NEAR(got.admitted_rps, want.admitted_rps, 1e-7 * lambda) << at;
        EXPECT_NEAR(got.wait_probability, want.wait_probability, 1e-9) << at;
        EXPECT_NEAR(got.mean_queue, want.mean_queue, 1e-7 * (1 + want.mean_queue)) << at;
        EXPECT_NEAR(got.mean_wait_s, want.mean_wait_s, 1e-9 + 1e-7 * want.mean_wait_s) << at;
        EXPECT_NEAR(got.utilization, want.utilization, 1e-9) << at;
      }
    }
  }
}

TEST(MmcK, TextbookValues) {
  // M/M/1/3 (room for 2 waiting): (1 - ρ) ρ^3 / (1 - ρ^4).
  EXPECT_NEAR(MmcK(1, 2, 25, 50).rejected_fraction, 0.5 * 0.125 / (1 - 0.0625), 1e-12);
  EXPECT_NEAR(MmcK(1, 2, 100, 50).rejected_fraction, 8.0 / 15, 1e-12);
  // No room to wait: Erlang B.
  EXPECT_NEAR(MmcK(4, 0, 150, 50).rejected_fraction, ErlangB(4, 3), 1e-12);
  // The overloaded M/M/2/10 of tests/data/mmck_overload.yaml.
  EXPECT_NEAR(MmcK(2, 8, 150, 50).rejected_fraction, 0.33822, 1e-5);
}

// Long queues: a stable instance refuses nothing and waits as M/M/c; an overloaded one refuses
// what it cannot serve (1 - 1/ρ) whatever the length, without overflowing ρ^K.
TEST(MmcK, LongQueuesTendToMmcOrToTheOverflow) {
  const auto stable = MmcK(4, 1'000'000, 160, 50);
  EXPECT_LT(stable.rejected_fraction, 1e-12);
  EXPECT_NEAR(stable.mean_wait_s, MmcMeanWait(4, 160, 50), 1e-9);
  EXPECT_NEAR(stable.wait_probability, ErlangC(4, 3.2), 1e-9);
  const auto over = MmcK(4, 100'000'000, 400, 50);
  EXPECT_NEAR(over.rejected_fraction, 0.5, 1e-9);
  EXPECT_NEAR(over.admitted_rps, 200, 1e-6);
  EXPECT_NEAR(over.utilization, 1, 1e-9);
  EXPECT_TRUE(std::isfinite(over.mean_wait_s));
  const auto big = MmcK(1'000'000, 16, 1e6 * 50 * 0.5, 50);
  EXPECT_EQ(big.rejected_fraction, 0);
  EXPECT_NEAR(big.utilization, 0.5, 1e-12);
}

TEST(HopQueue, BoundedIsMmcKAndAnUnboundedQueueRefusesNothing) {
  HopQueue q;
  q.servers = 2;
  q.arrival_rps = 150;
  q.service_mean_s = 0.02;
  EXPECT_EQ(q.Bounded().rejected_fraction, 0);  // unbounded
  EXPECT_EQ(q.Bounded().admitted_rps, 150);
  q.queue_limit = 8;
  EXPECT_NEAR(q.Bounded().rejected_fraction, MmcK(2, 8, 150, 50).rejected_fraction, 1e-12);
}

}  // namespace
}  // namespace archload::planner
