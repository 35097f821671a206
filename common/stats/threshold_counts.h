#pragma once

// Exact counts of the values at or below a few fixed thresholds: the NFR targets. A log-linear
// bucket (common/stats/histogram.h) can straddle a target, so the histogram alone says "fraction
// under 200 ms" only to within 0.79%; these counters say it exactly. Record is a short loop over
// one to three thresholds, cheap enough for every request.

#include <cstdint>
#include <utility>
#include <vector>

namespace archload::stats {

class ThresholdCounts {
 public:
  ThresholdCounts() = default;
  explicit ThresholdCounts(std::vector<uint64_t> thresholds)
      : thresholds_(std::move(thresholds)), counts_(thresholds_.size(), 0) {}

  void Record(uint64_t value) {
    for (size_t i = 0; i < thresholds_.size(); ++i) counts_[i] += value <= thresholds_[i] ? 1 : 0;
  }

  const std::vector<uint64_t>& thresholds() const { return thresholds_; }
  // counts()[i]: values recorded that were <= thresholds()[i].
  const std::vector<uint64_t>& counts() const { return counts_; }

 private:
  std::vector<uint64_t> thresholds_;
  std::vector<uint64_t> counts_;
};

}  // namespace archload::stats
