#pragma once

// Sizes the planner refuses rather than computes (docs/model.md, "Limits"). Past them a figure
// is a typo or a unit mistake rather than a design, and the counts it implies would no longer
// fit the types that carry them to the agents.

#include <cstdint>

#include "common/spec/spec_yaml.h"

namespace archload::planner {

// Client requests per second, wherever the rate comes from (--rate, workload.rate_rps, an NFR,
// a constant). The catalog's largest stated rate is 2.7e8 req/s.
inline constexpr double kMaxRateRps = 1e9;

// The spike profile's multiplier, as workload.spike_multiplier and an NFR's peak_multiplier
// may state it; a spike_multiplier constant is held to the same bound.
inline constexpr double kMaxSpikeMultiplier = 1e6;

// Instances in one group, with headroom. Equal to the largest `count:` a design file may state
// (docs/spec.md), so that every sized design `plan --write-design` writes loads again. The
// catalog's largest group is 900,000 instances.
inline constexpr int kMaxInstancesPerGroup = spec::kMaxCount;

// Instances in a whole plan at full scale. The catalog's largest plan has 1.62 million.
inline constexpr int64_t kMaxInstancesPerPlan = 10'000'000;

// --headroom: spare capacity as a fraction of the need (10: eleven times the need).
inline constexpr double kMaxHeadroom = 10;

// The largest --scale divisor (1/N), also where --scale auto stops looking.
inline constexpr double kMaxScaleDivisor = 1e12;

}  // namespace archload::planner
