#pragma once

// Records a run second by second from the agents' cumulative stats. During the load every agent
// reports at whole seconds after the shared start instant (agents/control/session.cc), so the
// k-th report of every agent covers the same [0, k s); the difference of two consecutive merged
// reports is one second of the run, percentiles included (histogram subtraction: exact counts
// per bucket). Fed the runner's snapshots at its ticks (50 ms apart, much shorter than the
// interval, so no report goes unseen); the last window is closed with the final stats, so the
// windows add up to the run's totals exactly.

#include <cstdint>
#include <map>
#include <vector>

#include "common/stats/histogram.h"
#include "controller/run/batches.h"
#include "controller/run/control_server.h"
#include "controller/run/run_spec.h"
#include "controller/run/series.h"

namespace archload::run {

class SeriesRecorder {
 public:
  // `planned_s`: the load's planned length; windows ending after planned_s - interval / 2 are
  // left to Finish, so the last one is never a sliver of drain.
  SeriesRecorder(const RunSpec& spec, double planned_s, double interval_s = 1);

  // The agents' latest state, as the runner sees it at a tick during the load.
  void Observe(const std::vector<AgentState>& agents);
  // Closes the last window at `measured_s` with each agent's final (else latest) stats.
  Series Finish(const std::vector<AgentState>& agents, double measured_s);

  // The windows after the warm-up, in batches (for confidence intervals), so far.
  const BatchSet& batches() const { return batches_; }
  size_t windows() const { return series_.size(); }

 private:
  struct Group {
    int count = 1, concurrency = 1;
    bool broker = false;
  };
  // The agents' reports at one instant, merged.
  struct Totals {
    uint64_t offered = 0, sent = 0, ok = 0, errors = 0, dropped = 0;
    stats::Histogram read_ns, write_ns;                               // end to end
    stats::Histogram async_ns;                                        // at every consumer
    std::vector<uint64_t> received, rejected, busy_ns, hits, misses;  // [group]
    std::vector<int64_t> queue_depth, broker_depth;                   // [group]
  };

  static bool Gone(const AgentState& a) { return !a.connected || !a.lost.empty(); }
  void EmitReady(const std::vector<AgentState>& agents);
  Totals Merge(const std::vector<const v1::Stats*>& reports) const;
  void Emit(const std::vector<const v1::Stats*>& reports, double t_s);

  std::vector<Group> groups_;
  double planned_s_;
  double interval_s_;
  std::vector<std::map<int64_t, v1::Stats>> pending_;  // [agent]: reports at whole intervals k
  std::vector<int64_t> seen_elapsed_;                  // [agent]: the last report looked at
  int64_t next_k_ = 1;                                 // the next interval boundary to close
  double prev_t_ = 0;                                  // where the last window ended
  Totals prev_;                                        // at prev_t_
  Series series_;
  double warmup_s_ = 0;
  BatchSet batches_;
};

}  // namespace archload::run
