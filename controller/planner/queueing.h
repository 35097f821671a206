#pragma once

// Queueing formulas for the BoE latency prediction: M/M/c (Erlang C) per instance, with the
// Allen-Cunneen correction for service times that are not exponential.

#include <random>
#include <vector>

namespace archload::planner {

// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ
// (in erlangs). Numerically stable for large c. Returns 1 when a >= c (unstable).
double ErlangC(int c, double a);

// Mean waiting time in queue for M/M/c, seconds. Infinity when λ >= cμ.
double MmcMeanWait(int c, double lambda, double mu);

// How long an arrival waits at a queue: 0 with probability 1 - probability, else exponential
// with the conditional mean (infinite when the queue is unstable).
struct WaitDistribution {
  double probability = 0;
  double conditional_mean_s = 0;
  double Sample(std::mt19937_64& rng) const;
};

// One instance of a group, seen as an M/G/c queue.
struct HopQueue {
  int servers = 1;            // concurrency c
  double arrival_rps = 0;     // λ at this instance
  double service_mean_s = 0;  // mean service time (mixed over classes)
  double service_cv = 1;      // coefficient of variation of the service time
  double arrival_cv2 = 1;     // squared cv of inter-arrival times (1: Poisson)

  double Utilization() const;
  bool Stable() const { return Utilization() < 1.0; }
  double WaitProbability() const;  // Erlang C
  double MeanWait() const;         // Allen-Cunneen: M/M/c wait × (ca² + cs²) / 2
  // The wait's distribution: 0 with probability 1-C, else exponential with the mean conditional
  // wait (the exact M/M/c shape, rescaled for cv). Costs O(servers): compute it once per queue,
  // not once per sample (a concurrency of a million once made planning take minutes).
  WaitDistribution Wait() const;
  // Samples a queueing delay, seconds (Wait().Sample()).
  double SampleWait(std::mt19937_64& rng) const { return Wait().Sample(rng); }
};

// Samples a service time with the given mean and distribution, seconds.
double SampleServiceTime(std::mt19937_64& rng, const char* distribution, double mean_s, double cv,
                         const std::vector<double>* samples_s);

}  // namespace archload::planner
