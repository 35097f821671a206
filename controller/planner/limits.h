#pragma once

// Sizes the planner refuses rather than computes (docs/model.md, "Limits"). Past them a figure
// is a typo or a unit mistake rather than a design, and the counts it implies would no longer
// fit the types that carry them to the agents.

namespace archload::planner {

// Client requests per second, wherever the rate comes from (--rate, workload.rate_rps, an NFR,
// a constant). The catalog's largest stated rate is 2.7e8 req/s.
inline constexpr double kMaxRateRps = 1e9;

}  // namespace archload::planner
