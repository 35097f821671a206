#pragma once

// Caps retries at a share of requests over a sliding window (Envoy's retry budget, Finagle's
// RetryBudget): without it, 3 retries per call turn an overload into 4× the load and keep the
// system down after the load has passed (a metastable failure, docs/faults.md). Time is passed
// in: tests drive it without sleeping.

#include <array>
#include <cstdint>

namespace archload::agent {

class RetryBudget {
 public:
  // fraction < 0: no cap. Always allows min_per_s retries per second of the window.
  RetryBudget(double fraction, int min_per_s) : fraction_(fraction), min_per_s_(min_per_s) {}

  void OnRequest(int64_t now_ns);
  // Whether a retry may go now; counts it when it may.
  bool TryRetry(int64_t now_ns);
  uint64_t refused() const { return refused_; }

  static constexpr int kBuckets = 10;
  static constexpr int64_t kBucketNs = 1'000'000'000;

 private:
  struct Bucket {
    int64_t second = -1;
    uint64_t requests = 0, retries = 0;
  };
  Bucket& At(int64_t now_ns);
  void Sums(int64_t now_ns, uint64_t* requests, uint64_t* retries) const;

  double fraction_;
  int min_per_s_;
  std::array<Bucket, kBuckets> buckets_{};
  uint64_t refused_ = 0;
};

}  // namespace archload::agent
