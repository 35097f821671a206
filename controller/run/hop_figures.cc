#include "controller/run/hop_figures.h"

#include <algorithm>

namespace archload::run {

std::vector<HopFigures> HopsOf(const RunResult& r, const planner::Plan& prediction) {
  std::vector<HopFigures> out;
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const auto& g = r.groups[i];
    if (g.role == "client" || g.queue_wait_ns.Count() == 0) continue;
    HopFigures h;
    h.group = g.name;
    h.count = g.count;
    h.concurrency = g.concurrency;
    const auto& wait = g.queue_wait_ns;
    h.visits = wait.Count();
    h.rps = g.rps;
    h.wait_mean_ms = wait.Mean() / 1e6;
    h.wait_p99_ms = wait.ValueAtPercentile(99) / 1e6;
    // A visit that found a slot free recorded exactly 0: the buckets below 2^8 ns are exact.
    const uint64_t free = wait.CountsAtOrBelow({0}).front();
    h.wait_probability = 1 - static_cast<double>(free) / static_cast<double>(h.visits);
    const auto& hold = g.service_ns;
    if (hold.Count() > 0) {
      const double n = static_cast<double>(hold.Count());
      h.service_mean_ms = g.hold_ns / n / 1e6;
      h.service_p99_ms = hold.ValueAtPercentile(99) / 1e6;
      h.sampled_mean_ms = g.busy_ns / n / 1e6;
      // Per visit with an emulated service time: a zero one has no timer to overrun.
      const uint64_t timed = hold.Count() - hold.CountsAtOrBelow({0}).front();
      if (timed > 0 && g.hold_ns > g.busy_ns) {
        h.overrun_us =
            static_cast<double>(g.hold_ns - g.busy_ns) / static_cast<double>(timed) / 1e3;
      }
    }
    h.utilization = g.utilization;
    h.hold_utilization =
        g.busy_ns > 0 ? g.utilization * static_cast<double>(g.hold_ns) / g.busy_ns : 0;
    if (i < prediction.groups.size()) {
      const auto& p = prediction.groups[i];
      h.boe_wait_ms = p.hop_wait_ms;
      h.boe_service_ms = p.hop_service_ms;
      h.boe_wait_probability = p.hop_wait_probability;
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace archload::run
