#pragma once

#include <optional>
#include <string>

#include "common/spec/problem.h"

namespace archload::planner {

// The client traffic a plan sizes for, each figure with where it came from.
struct ResolvedWorkload {
  double rate_rps = 0;
  std::string rate_source;
  // Where in the problem's file the rate was stated, for errors: the line and field path
  // ("nfrs[1].raw", "constants.total_qps", "workload.rate_rps"); 0 and "" for --rate and the
  // default.
  int rate_line = 0;
  std::string rate_field;
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

// Refuses a rate the planner cannot size for: zero or negative (a run would offer no load and
// pass), or above kMaxRateRps; and a spike_multiplier constant above kMaxSpikeMultiplier.
// Throws spec::SpecError naming the file, line and field the figure came from, or
// std::invalid_argument for a bad --rate.
void RequirePlannableWorkload(const spec::Problem& problem, const ResolvedWorkload& workload);

}  // namespace archload::planner
