#pragma once

// Queueing formulas for the BoE latency prediction: M/M/c (Erlang C) per instance, with the
// Allen-Cunneen correction for service times that are not exponential; M/M/c/K where an
// instance's queue limit can bind (what it admits and rejects, and how long the admitted wait).

#include <cstdint>
#include <random>
#include <vector>

namespace archload::planner {

// Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ
// (in erlangs). Numerically stable for large c. Returns 1 when a >= c (unstable).
double ErlangC(int c, double a);

// Mean waiting time in queue for M/M/c, seconds. Infinity when λ >= cμ.
double MmcMeanWait(int c, double lambda, double mu);

// Erlang B: probability that an arrival finds all c servers busy in M/M/c/c (a = λ/μ erlangs).
double ErlangB(int c, double a);

// M/M/c/K with K = c + queue_limit: c servers, room for queue_limit waiting, arrivals that find
// it full rejected. Any load, overloaded included (it is always stable).
struct BoundedQueue {
  double rejected_fraction = 0;  // P(an arrival finds K in the system): PASTA
  double admitted_rps = 0;       // λ (1 - rejected_fraction)
  double utilization = 0;        // admitted_rps / (c μ)
  double wait_probability = 0;   // of an admitted arrival: P(all servers busy | admitted)
  double mean_wait_s = 0;        // of an admitted arrival, in the queue (Little: Lq / λ_admitted)
  double mean_queue = 0;         // Lq, time-averaged
};
// queue_limit above 10^7 is taken as 10^7 (a queue that long never fills within a run unless the
// instance is overloaded, and then it stays full either way).
BoundedQueue MmcK(int c, int64_t queue_limit, double lambda, double mu);

// How long an arrival waits at a queue: 0 with probability 1 - probability, else exponential
// with the conditional mean (infinite when the queue is unstable).
struct WaitDistribution {
  double probability = 0;
  double conditional_mean_s = 0;
  double Sample(std::mt19937_64& rng) const;
  // The wait at quantile u in [0, 1): the same u at two queues gives comonotonic waits.
  double Quantile(double u) const;
};

// One instance of a group, seen as an M/G/c queue.
struct HopQueue {
  int servers = 1;            // concurrency c
  double arrival_rps = 0;     // λ at this instance
  double service_mean_s = 0;  // mean service time (mixed over classes)
  double service_cv = 1;      // coefficient of variation of the service time
  double arrival_cv2 = 1;     // squared cv of inter-arrival times (1: Poisson)
  int64_t queue_limit = -1;   // requests an instance holds waiting; -1: unbounded

  double Utilization() const;
  bool Stable() const { return Utilization() < 1.0; }
  double WaitProbability() const;  // Erlang C
  // Allen-Cunneen: M/M/c wait × (ca² + cs²) / 2, or where a queue limit binds, M/M/c/K's wait
  // of the admitted requests (finite even overloaded: a full queue refuses the rest).
  double MeanWait() const;
  // The Allen-Cunneen wait, ignoring any queue limit (infinite when overloaded).
  double UnboundedWait() const;
  // The queue limit, not the load, sets the wait (fills `bounded`): overloaded, or M/M/c/K's
  // admitted wait is below Allen-Cunneen's (near saturation, where the latter grows without
  // bound but the queue cannot). Elsewhere Allen-Cunneen stays, with its correction for smooth
  // round-robin arrivals, which M/M/c/K lacks.
  bool LimitBinds(BoundedQueue* bounded) const;
  // The wait's distribution: 0 with probability 1-C, else exponential with the mean conditional
  // wait (the exact M/M/c shape, rescaled for cv). Costs O(servers): compute it once per queue,
  // not once per sample (a concurrency of a million once made planning take minutes).
  WaitDistribution Wait() const;
  // M/M/c/K at this instance (exponential service assumed); an unbounded queue rejects nothing.
  BoundedQueue Bounded() const;
  // Samples a queueing delay, seconds (Wait().Sample()).
  double SampleWait(std::mt19937_64& rng) const { return Wait().Sample(rng); }
};

// Samples a service time with the given mean and distribution, seconds.
double SampleServiceTime(std::mt19937_64& rng, const char* distribution, double mean_s, double cv,
                         const std::vector<double>* samples_s);

}  // namespace archload::planner
