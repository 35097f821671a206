#pragma once

// A log-linear (HDR-style) histogram of non-negative integer values, typically nanoseconds.
// Values are bucketed so that every recorded value is represented within a relative error of
// 2^-precision_bits; percentiles are read from the bucket counts. Histograms with the same
// precision merge exactly (bucket-wise sums), which is how agents' measurements are combined:
// never by averaging percentiles.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archload::stats {

class Histogram {
 public:
  // precision_bits in [1, 12]: 7 gives ≤ 0.79% relative error with 128 sub-buckets per octave.
  explicit Histogram(int precision_bits = 7);

  void Record(uint64_t value) { RecordN(value, 1); }
  void RecordN(uint64_t value, uint64_t count);

  // Adds `other` bucket by bucket. Returns false (and changes nothing) when precisions differ.
  bool Merge(const Histogram& other);
  // Removes `earlier`, bucket by bucket: what was recorded between two cumulative snapshots of
  // one histogram (a 10 s window is the snapshot at t minus the one at t - 10 s). Returns false,
  // changing nothing, when precisions differ or `earlier` holds a value this does not (it is
  // not an earlier state of this histogram). The exact min and max of the difference are not
  // known: they become the edges of its first and last non-empty buckets, narrowed by this
  // histogram's own min and max, so percentiles stay within one bucket of exact.
  bool Subtract(const Histogram& earlier);
  void Reset();

  uint64_t Count() const { return count_; }
  uint64_t Min() const;  // exact; 0 when empty
  uint64_t Max() const;  // exact; 0 when empty
  double Mean() const;   // from bucket midpoints, exact sum not kept
  int precision_bits() const { return precision_bits_; }

  // The value at percentile p in [0, 100]: the smallest bucket value v such that at least
  // p% of recorded values are <= v (reported as the bucket's representative value, clamped to
  // [Min(), Max()]). 0 when empty.
  uint64_t ValueAtPercentile(double p) const;

  // For each of `edges` (ascending), how many recorded values are <= it; one pass over the
  // buckets. Exact for an edge that is a bucket's highest value or lies below 2^(p+1); an edge
  // inside a wider bucket takes the share of that bucket's count below it, assuming values
  // spread evenly over the bucket (rounded down), so it is within that one bucket's count of
  // exact. Each result never decreases as values are recorded: Prometheus buckets are counters.
  std::vector<uint64_t> CountsAtOrBelow(const std::vector<uint64_t>& edges) const;

  // The sum of the recorded values from bucket midpoints (each within half a bucket, 2^-(p+1),
  // of its value): the exact sum is not kept. Never decreases as values are recorded.
  double SumEstimate() const;

  // Compact, versioned binary form (sparse buckets, varints) for the control plane.
  std::string Serialize() const;
  // nullopt on malformed input (truncated, bad version, absurd sizes): never crashes.
  static std::optional<Histogram> Deserialize(std::string_view bytes);

  bool operator==(const Histogram& other) const;

 private:
  size_t BucketIndex(uint64_t value) const;
  uint64_t BucketLowest(size_t index) const;
  uint64_t BucketHighest(size_t index) const;

  int precision_bits_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  std::vector<uint64_t> counts_;  // grows on demand
};

}  // namespace archload::stats
