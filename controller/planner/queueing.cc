#include "controller/planner/queueing.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/model/service_time.h"

namespace archload::planner {

double ErlangC(int c, double a) {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // C = B / (1 - ρ(1 - B)).
  const double b = ErlangB(c, a);
  const double rho = a / c;
  return b / (1 - rho * (1 - b));
}

double ErlangB(int c, double a) {
  if (c <= 0) return 1;
  if (a <= 0) return 0;
  double b = 1;
  for (int k = 1; k <= c; ++k) {
    b = a * b / (k + a * b);
    if (b == 0) break;  // underflowed, and stays 0: no need to count up to a large c
  }
  return b;
}

// The states n = c .. K carry weights proportional to ρ^(n-c) relative to state c, those below c
// the Erlang B mass (1/B - 1) relative to it. Weights are scaled so the largest is 1 (ρ^m when
// the instance is overloaded overflows for any long queue), and summed over the queue.
BoundedQueue MmcK(int c, int64_t queue_limit, double lambda, double mu) {
  BoundedQueue q;
  if (lambda <= 0 || mu <= 0) return q;
  c = std::max(1, c);
  const int64_t m = std::clamp<int64_t>(queue_limit, 0, 10'000'000);
  const double a = lambda / mu;
  const double rho = a / c;
  const double b = ErlangB(c, a);
  if (b == 0) {  // all servers are never busy at once (B underflowed): nothing waits or is refused
    q.admitted_rps = lambda;
    q.utilization = rho;
    return q;
  }
  const double log_rho = std::log(rho);
  const double log_top = rho > 1 ? static_cast<double>(m) * log_rho : 0;  // log of max weight
  // Sums over j = 0..m of w_j = ρ^j / top and of j w_j.
  double sum_w = 0, sum_jw = 0;
  if (rho > 1) {
    double w = 1;  // j = m
    for (int64_t j = m; j >= 0 && w > 0; --j) {
      sum_w += w;
      sum_jw += static_cast<double>(j) * w;
      w /= rho;
    }
  } else {
    double w = 1;  // j = 0
    for (int64_t j = 0; j <= m && w > 0; ++j) {
      sum_w += w;
      sum_jw += static_cast<double>(j) * w;
      w *= rho;
    }
  }
  const double w_m = std::exp(static_cast<double>(m) * log_rho - log_top);
  const double below = (1 / b - 1) * std::exp(-log_top);
  const double norm = below + sum_w;
  if (!(norm > 0) || !std::isfinite(norm)) return q;
  const double p_full = w_m / norm;
  const double p_busy = sum_w / norm;  // P(n >= c)
  q.rejected_fraction = std::clamp(p_full, 0.0, 1.0);
  q.admitted_rps = lambda * (1 - q.rejected_fraction);
  q.utilization = q.admitted_rps / (c * mu);
  q.mean_queue = sum_jw / norm;
  if (q.rejected_fraction < 1) {
    q.wait_probability = std::clamp((p_busy - p_full) / (1 - q.rejected_fraction), 0.0, 1.0);
  }
  if (q.admitted_rps > 0) q.mean_wait_s = q.mean_queue / q.admitted_rps;
  return q;
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

double HopQueue::UnboundedWait() const {
  if (service_mean_s <= 0 || arrival_rps <= 0) return 0;
  const double mm = MmcMeanWait(servers, arrival_rps, 1.0 / service_mean_s);
  return mm * (arrival_cv2 + service_cv * service_cv) / 2;
}

bool HopQueue::LimitBinds(BoundedQueue* bounded) const {
  if (queue_limit < 0 || service_mean_s <= 0 || arrival_rps <= 0) return false;
  if (Stable()) {
    // An admitted request waits at most for the queue ahead of it, about queue_limit services
    // shared by the servers: a wait well under that cannot be shortened by the limit (and
    // M/M/c/K, a loop over the queue, is not worth computing).
    const double unbounded = UnboundedWait();
    if (unbounded < 0.5 * static_cast<double>(queue_limit) * service_mean_s / servers) {
      return false;
    }
    *bounded = Bounded();
    return bounded->mean_wait_s < unbounded;
  }
  *bounded = Bounded();
  return true;
}

double HopQueue::MeanWait() const {
  if (service_mean_s <= 0 || arrival_rps <= 0) return 0;
  if (BoundedQueue b; LimitBinds(&b)) return b.mean_wait_s;
  return UnboundedWait();
}

BoundedQueue HopQueue::Bounded() const {
  if (service_mean_s <= 0 || arrival_rps <= 0) return {};
  if (queue_limit < 0) {
    BoundedQueue q;
    q.admitted_rps = arrival_rps;
    q.utilization = Utilization();
    q.wait_probability = WaitProbability();
    q.mean_wait_s = MmcMeanWait(servers, arrival_rps, 1.0 / service_mean_s);
    return q;
  }
  return MmcK(servers, queue_limit, arrival_rps, 1.0 / service_mean_s);
}

WaitDistribution HopQueue::Wait() const {
  WaitDistribution w;
  if (BoundedQueue b; LimitBinds(&b)) {
    // What the admitted wait: M/M/c/K's probability and mean, with an exponential tail.
    w.probability = b.wait_probability;
    if (w.probability > 0) w.conditional_mean_s = b.mean_wait_s / w.probability;
    return w;
  }
  w.probability = WaitProbability();
  if (w.probability > 0) w.conditional_mean_s = MeanWait() / w.probability;
  return w;
}

double WaitDistribution::Quantile(double u) const {
  if (probability <= 0 || u < 1 - probability) return 0;
  if (!std::isfinite(conditional_mean_s)) return std::numeric_limits<double>::infinity();
  // Above 1 - p the wait is exponential: P(W > w) = p exp(-w / mean).
  const double tail = std::max(1e-300, (1 - u) / probability);
  return -conditional_mean_s * std::log(tail);
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
