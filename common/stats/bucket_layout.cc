#include "common/stats/bucket_layout.h"

#include <algorithm>
#include <cmath>

namespace archload::stats {

namespace {

// 10^(k/20) to three digits, ×100 so that every edge from 1 µs up is a whole number of
// nanoseconds. (Renard's R20 rounds further, to 1.6 after 1.4: 14% apart.)
constexpr int kMantissas[] = {100, 112, 126, 141, 158, 178, 200, 224, 251, 282,
                              316, 355, 398, 447, 501, 562, 631, 708, 794, 891};
constexpr uint64_t kFirstDecadeNs = 10;            // 100 × 10 ns = 1 µs
constexpr uint64_t kLastEdgeNs = 100'000'000'000;  // 100 s
constexpr double kExactNeighbourhood = 1.01;       // fixed edges this close to a target go

}  // namespace

BucketLayout::BucketLayout(const std::vector<double>& exact_s) {
  for (double s : exact_s) {
    if (!(s > 0) || !std::isfinite(s)) continue;
    const auto ns = static_cast<uint64_t>(std::llround(s * 1e9));
    if (ns > 0) exact_ns_.push_back(ns);
  }
  std::sort(exact_ns_.begin(), exact_ns_.end());
  exact_ns_.erase(std::unique(exact_ns_.begin(), exact_ns_.end()), exact_ns_.end());

  std::vector<uint64_t> edges;
  for (uint64_t decade = kFirstDecadeNs; decade * 100 < kLastEdgeNs; decade *= 10) {
    for (int m : kMantissas) edges.push_back(static_cast<uint64_t>(m) * decade);
  }
  edges.push_back(kLastEdgeNs);
  const auto near_exact = [&](uint64_t e) {
    for (uint64_t x : exact_ns_) {
      const double ratio = static_cast<double>(e) / static_cast<double>(x);
      if (ratio < kExactNeighbourhood && ratio > 1 / kExactNeighbourhood) return true;
    }
    return false;
  };
  edges.erase(std::remove_if(edges.begin(), edges.end(), near_exact), edges.end());
  edges.insert(edges.end(), exact_ns_.begin(), exact_ns_.end());
  std::sort(edges.begin(), edges.end());
  bounds_ns_ = edges;
  // Integer nanoseconds divided once: the nearest double to the decimal edge ("0.00112").
  for (uint64_t ns : bounds_ns_) bounds_s_.push_back(static_cast<double>(ns) / 1e9);
  for (uint64_t x : exact_ns_) {
    exact_index_.push_back(static_cast<int>(
        std::lower_bound(bounds_ns_.begin(), bounds_ns_.end(), x) - bounds_ns_.begin()));
  }
}

std::vector<uint64_t> BucketLayout::Cumulative(const Histogram& h,
                                               const ThresholdCounts* exact) const {
  std::vector<uint64_t> out = h.CountsAtOrBelow(bounds_ns_);
  if (exact == nullptr || exact->thresholds() != exact_ns_) return out;
  for (size_t k = 0; k < exact_index_.size(); ++k) out[exact_index_[k]] = exact->counts()[k];
  return out;
}

}  // namespace archload::stats
