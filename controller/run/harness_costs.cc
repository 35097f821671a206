#include "controller/run/harness_costs.h"

#include <algorithm>

namespace archload::run {

planner::HarnessCosts HarnessCostsOf(const RunResult& r) {
  planner::HarnessCosts c;
  const auto& rtt = r.harness.hop_rtt_ns;
  if (rtt.Count() > 0) {
    // The distribution as 1,000 equally likely values: its quantiles at the midpoints.
    constexpr int kPoints = 1000;
    c.round_trip_s.reserve(kPoints);
    for (int i = 0; i < kPoints; ++i) {
      c.round_trip_s.push_back(rtt.ValueAtPercentile(100.0 * (i + 0.5) / kPoints) / 1e9);
    }
  }
  bool any = false;
  for (const auto& g : r.groups) {
    double overrun = 0;
    // Per visit whose service time was emulated: a zero one has no timer to overrun (its hold,
    // 0, is in the histogram too).
    const uint64_t visits = g.service_ns.Count() - g.service_ns.CountsAtOrBelow({0}).front();
    if (visits > 0 && g.hold_ns > g.busy_ns) {
      overrun = static_cast<double>(g.hold_ns - g.busy_ns) / static_cast<double>(visits) / 1e9;
      any = true;
    }
    c.overrun_s.push_back(overrun);
  }
  if (!any) c.overrun_s.clear();
  return c;
}

}  // namespace archload::run
