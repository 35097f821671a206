#include "agents/resilience/retry_budget.h"

#include <algorithm>

namespace archload::agent {

RetryBudget::Bucket& RetryBudget::At(int64_t now_ns) {
  const int64_t second = now_ns / kBucketNs;
  Bucket& b = buckets_[static_cast<size_t>(second % kBuckets)];
  if (b.second != second) b = Bucket{second, 0, 0};  // a second that left the window
  return b;
}

void RetryBudget::Sums(int64_t now_ns, uint64_t* requests, uint64_t* retries) const {
  const int64_t second = now_ns / kBucketNs;
  *requests = *retries = 0;
  for (const auto& b : buckets_) {
    if (b.second < 0 || b.second <= second - kBuckets || b.second > second) continue;
    *requests += b.requests;
    *retries += b.retries;
  }
}

void RetryBudget::OnRequest(int64_t now_ns) { ++At(now_ns).requests; }

bool RetryBudget::TryRetry(int64_t now_ns) {
  if (fraction_ >= 0) {
    uint64_t requests = 0, retries = 0;
    Sums(now_ns, &requests, &retries);
    const bool within_share =
        static_cast<double>(retries + 1) <= fraction_ * static_cast<double>(requests);
    const bool within_floor = At(now_ns).retries < static_cast<uint64_t>(std::max(0, min_per_s_));
    if (!within_share && !within_floor) {
      ++refused_;
      return false;
    }
  }
  ++At(now_ns).retries;
  return true;
}

}  // namespace archload::agent
