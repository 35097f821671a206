#pragma once

// The harness's own round trip per hop, measured while the load runs: every period a probe frame
// goes to the next agent of the run (this one included), over the same connections and through
// the same event loops as the design's calls, and the listener there answers it at once. Its
// round trip is what a call costs beyond the callee's sojourn: the sockets, both agents' event
// loops and whatever else they were busy with. The controller adds it, per hop, to the BoE
// (docs/confidence.md, "Harness calibration").

#include <cstdint>
#include <utility>
#include <vector>

#include "agents/runtime/fleet.h"
#include "common/stats/histogram.h"

namespace archload::agent {

class HopProber {
 public:
  explicit HopProber(Fleet& fleet, int64_t period_ns = 10'000'000);

  // From now on, one probe per period, round-robin over the peers; none when no peer hosts an
  // instance. Round trips of probes sent inside the measuring window are recorded.
  void Start();
  void Stop() { stopped_ = true; }

  const stats::Histogram& round_trip_ns() const { return rtt_ns_; }
  uint64_t lost() const { return lost_; }  // probes the transport failed

 private:
  void Tick();

  Fleet& fleet_;
  int64_t period_ns_;
  std::vector<std::pair<int, int>> targets_;
  size_t next_ = 0;
  bool stopped_ = false;
  stats::Histogram rtt_ns_;
  uint64_t lost_ = 0;
};

}  // namespace archload::agent
