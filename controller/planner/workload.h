#pragma once

#include <optional>
#include <string>

#include "common/spec/problem.h"

namespace archload::planner {

// The client traffic a plan sizes for, each figure with where it came from.
struct ResolvedWorkload {
  double rate_rps = 0;
  std::string rate_source;
  double read_ratio = 0.9;
  std::string read_ratio_source;
  double spike_multiplier = 1;
  std::string spike_source;
  double start_rps = 0;  // "Start: 100 req/sec": where ramp and step profiles begin; 0 if unstated
};

inline constexpr double kDefaultRateRps = 1000;
inline constexpr double kDefaultReadRatio = 0.9;

// Precedence: --rate, the design's workload section, the rate NFRs (a "Target" rate, then the
// normal total, then the sum of per-class rates, then a peak), the problem's *_qps constants,
// and last a documented default of 1,000 req/s.
ResolvedWorkload ResolveWorkload(const spec::Problem& problem,
                                 std::optional<double> rate_override = std::nullopt);

}  // namespace archload::planner
