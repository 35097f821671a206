#pragma once

// The wait before a retry: "full jitter" (AWS Architecture Blog, 2015), uniform in
// [0, min(max, base × 2^attempt)], so retries of many callers spread instead of arriving in
// waves.

#include <algorithm>
#include <cstdint>
#include <random>

namespace archload::agent {

// attempt: 0 for the first retry.
inline int64_t FullJitterBackoffNs(int attempt, int64_t base_ns, int64_t max_ns,
                                   std::mt19937_64& rng) {
  const int shift = std::clamp(attempt, 0, 30);
  const double ceiling =
      std::min<double>(static_cast<double>(max_ns),
                       static_cast<double>(base_ns) * static_cast<double>(1LL << shift));
  if (ceiling <= 0) return 0;
  std::uniform_real_distribution<double> u(0, ceiling);
  return static_cast<int64_t>(u(rng));
}

}  // namespace archload::agent
