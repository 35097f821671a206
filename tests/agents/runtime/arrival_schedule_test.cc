#include "agents/runtime/arrival_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace archload::agent {
namespace {

std::vector<double> Gaps(RateProfile p, uint64_t seed) {
  ArrivalSchedule s(p, seed);
  std::vector<double> gaps;
  double prev = 0;
  for (double t = s.Next(); std::isfinite(t); t = s.Next()) {
    gaps.push_back(t - prev);
    prev = t;
  }
  return gaps;
}

TEST(ArrivalSchedule, PoissonGapsAreExponential) {
  RateProfile p;
  p.rate_rps = 1000;
  p.duration_s = 100;
  p.poisson = true;
  const auto gaps = Gaps(p, 7);
  ASSERT_NEAR(static_cast<double>(gaps.size()), 100000, 1500);
  double sum = 0, sq = 0;
  for (double g : gaps) {
    sum += g;
    sq += g * g;
  }
  const double mean = sum / gaps.size();
  const double cv = std::sqrt(sq / gaps.size() - mean * mean) / mean;
  EXPECT_NEAR(mean, 0.001, 0.00002);
  EXPECT_NEAR(cv, 1.0, 0.02);  // exponential: cv 1
}

TEST(ArrivalSchedule, ConstantArrivalsAreEvenlySpaced) {
  RateProfile p;
  p.rate_rps = 100;
  p.duration_s = 1;
  p.poisson = false;
  const auto gaps = Gaps(p, 1);
  ASSERT_EQ(gaps.size(), 100u);
  EXPECT_NEAR(gaps[0], 0.005, 1e-12);  // half an interval in
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_NEAR(gaps[i], 0.01, 1e-9);
}

TEST(ArrivalSchedule, Profiles) {
  RateProfile ramp{"ramp", 1000, 100, 1, 10, false, {}};
  ArrivalSchedule r(ramp, 1);
  EXPECT_DOUBLE_EQ(r.RateAt(0), 100);
  EXPECT_DOUBLE_EQ(r.RateAt(5), 550);
  EXPECT_DOUBLE_EQ(r.RateAt(10), 1000);
  RateProfile step{"step", 400, 100, 1, 8, false, {}};
  ArrivalSchedule s(step, 1);
  EXPECT_DOUBLE_EQ(s.RateAt(1), 100);
  EXPECT_DOUBLE_EQ(s.RateAt(3), 200);
  EXPECT_DOUBLE_EQ(s.RateAt(7.9), 400);
  RateProfile spike{"spike", 100, 0, 3, 10, false, {}};
  ArrivalSchedule k(spike, 1);
  EXPECT_DOUBLE_EQ(k.RateAt(1), 100);
  EXPECT_DOUBLE_EQ(k.RateAt(5), 300);
  EXPECT_DOUBLE_EQ(k.RateAt(9), 100);
  // The spike sends about 100×8 + 300×2 = 1400 requests.
  EXPECT_NEAR(static_cast<double>(Gaps(spike, 1).size()), 1400, 5);
}

TEST(ArrivalSchedule, EndsAtTheDuration) {
  RateProfile p;
  p.rate_rps = 50;
  p.duration_s = 2;
  ArrivalSchedule s(p, 3);
  double last = 0;
  for (double t = s.Next(); std::isfinite(t); t = s.Next()) last = t;
  EXPECT_LT(last, 2);
  EXPECT_FALSE(std::isfinite(s.Next()));
}

}  // namespace
}  // namespace archload::agent
