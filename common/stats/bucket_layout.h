#pragma once

// The fixed bucket layout archload's histograms are exposed with (Prometheus classic histograms,
// cumulative `le` buckets). Edges are 10^(k/20) to three digits (1, 1.12, 1.26, 1.41, ..., 8.91)
// in every decade from 1 µs to 100 s: log-spaced, 20 per decade, adjacent edges at most 12.7%
// apart, 161 edges. histogram_quantile interpolates linearly inside a bucket, so its relative
// error is at most that spacing (plus the log-linear histogram's 0.79%); docs/metrics.md gives
// the figure measured on a real run.
//
// Each NFR target is added as an exact edge: its cumulative count comes from a ThresholdCounts
// recorded beside the histogram, so the fraction of requests under a target is exact. A fixed
// edge within 1% of an exact edge is dropped, which keeps every edge in a different log-linear
// bucket from its neighbours and so keeps the cumulative counts monotonic.

#include <cstdint>
#include <vector>

#include "common/stats/histogram.h"
#include "common/stats/threshold_counts.h"

namespace archload::stats {

class BucketLayout {
 public:
  // exact_s: the NFR targets, seconds (non-positive and duplicate values are ignored).
  explicit BucketLayout(const std::vector<double>& exact_s = {});

  // Ascending upper bounds, without +Inf, in seconds and in nanoseconds (the same edges).
  const std::vector<double>& bounds_s() const { return bounds_s_; }
  const std::vector<uint64_t>& bounds_ns() const { return bounds_ns_; }
  // The exact edges, ascending, ns: the thresholds a ThresholdCounts must record for
  // Cumulative() to be exact at them.
  const std::vector<uint64_t>& exact_ns() const { return exact_ns_; }

  // The cumulative count at each bound: estimated from `h` at the fixed edges (within one
  // log-linear bucket), taken from `exact` at the exact edges. `exact` must have been built with
  // exact_ns(); null or mismatched, the exact edges are estimated from `h` too.
  std::vector<uint64_t> Cumulative(const Histogram& h, const ThresholdCounts* exact) const;

 private:
  std::vector<double> bounds_s_;
  std::vector<uint64_t> bounds_ns_;
  std::vector<uint64_t> exact_ns_;
  std::vector<int> exact_index_;  // position of each exact edge in bounds_*
};

}  // namespace archload::stats
