#pragma once

// The run's cumulative figures merged over agents at one instant, and the window of the last
// 10 s: the merged histograms at t minus those at t - 10 s, bucket by bucket, so a windowed
// percentile is as exact as a whole-run one (never an average of per-agent percentiles).

#include <cstdint>
#include <deque>
#include <vector>

#include "common/stats/histogram.h"
#include "controller/run/control_server.h"

namespace archload::metrics {

struct RunTotals {
  double t_s = 0;  // since the load started
  uint64_t offered = 0, sent = 0, ok = 0, errors = 0, harness_errors = 0, dropped = 0;
  stats::Histogram read_ns, write_ns, async_ns, send_lag_ns, lateness_ns;
  std::vector<uint64_t> busy_ns;   // per group
  std::vector<uint64_t> received;  // per group
  double agent_cpu_s = 0;          // all agents, since Start

  stats::Histogram AllNs() const;  // read and write
};

// Merges the agents' latest stats (cumulative since Start) for a run of `groups` groups.
RunTotals MergeTotals(double t_s, const std::vector<run::AgentState>& agents, size_t groups);

// Keeps the totals needed to look `window_s` back from the latest.
class RunWindows {
 public:
  explicit RunWindows(double window_s, size_t groups);

  // In time order.
  void Add(RunTotals totals);
  const RunTotals& latest() const { return kept_.back(); }
  // The totals window_s before the latest: the newest kept at or before then, else the oldest
  // (the start of the run, all zeros, while the run is younger than the window).
  const RunTotals& base() const;

  // latest - base for a histogram member (the since-start histogram if they do not subtract,
  // which only a lost agent's vanished stats could cause).
  static stats::Histogram Window(const stats::Histogram& latest, const stats::Histogram& base);

 private:
  double window_s_;
  std::deque<RunTotals> kept_;
};

}  // namespace archload::metrics
