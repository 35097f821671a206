#include "controller/planner/queueing.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "common/model/service_time.h"

namespace archload::planner {

double ErlangC(int c, double a) {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by recursion, then C = B / (1 - ρ(1 - B)).
  double b = 1;
  for (int k = 1; k <= c; ++k) {
    b = a * b / (k + a * b);
    if (b == 0) break;  // underflowed, and stays 0: no need to count up to a large c
  }
  const double rho = a / c;
  return b / (1 - rho * (1 - b));
}

double MmcMeanWait(int c, double lambda, double mu) {
  if (lambda <= 0) return 0;
  if (lambda >= c * mu) return std::numeric_limits<double>::infinity();
  return ErlangC(c, lambda / mu) / (c * mu - lambda);
}

double HopQueue::Utilization() const {
  if (service_mean_s <= 0) return 0;
  return arrival_rps * service_mean_s / servers;
}

double HopQueue::WaitProbability() const {
  if (service_mean_s <= 0) return 0;
  return ErlangC(servers, arrival_rps * service_mean_s);
}

double HopQueue::MeanWait() const {
  if (service_mean_s <= 0 || arrival_rps <= 0) return 0;
  const double mm = MmcMeanWait(servers, arrival_rps, 1.0 / service_mean_s);
  return mm * (arrival_cv2 + service_cv * service_cv) / 2;
}

WaitDistribution HopQueue::Wait() const {
  WaitDistribution w;
  w.probability = WaitProbability();
  if (w.probability > 0) w.conditional_mean_s = MeanWait() / w.probability;
  return w;
}

double WaitDistribution::Sample(std::mt19937_64& rng) const {
  if (probability <= 0) return 0;
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng) >= probability) return 0;
  if (!std::isfinite(conditional_mean_s)) return std::numeric_limits<double>::infinity();
  std::exponential_distribution<double> e(1.0 / conditional_mean_s);
  return e(rng);
}

double SampleServiceTime(std::mt19937_64& rng, const char* distribution, double mean_s, double cv,
                         const std::vector<double>* samples_s) {
  std::vector<double> samples_ms;
  if (samples_s != nullptr) {
    for (double s : *samples_s) samples_ms.push_back(s * 1000);
  }
  return model::ServiceTimeSampler(distribution, mean_s * 1000, cv, samples_ms).SampleSeconds(rng);
}

}  // namespace archload::planner
