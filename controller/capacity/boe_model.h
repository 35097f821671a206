#pragma once

// The back-of-the-envelope model of exactly what runs: the fleet as sized and scaled, evaluated
// at any offered rate. It predicts what a trial at that rate should measure, the design's
// maximum throughput, and the rate at which its latency reaches each NFR target (the BoE's own
// knees, to put beside the measured ones).

#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"
#include "controller/planner/planner.h"

namespace archload::capacity {

class BoeModel {
 public:
  BoeModel(const spec::Problem& problem, const planner::Plan& plan, double headroom);

  // The prediction at `scaled_rps` (the run's scale).
  planner::Plan At(double scaled_rps) const;
  double max_rps() const { return max_rps_; }  // scaled
  const std::string& bottleneck() const { return bottleneck_; }
  double divisor() const { return divisor_; }

  // Predicted latency (ms) of an NFR (by its verdict name, e.g. "P99 latency") at a rate;
  // infinity when a hop is at or over capacity.
  double LatencyMs(const std::string& nfr_name, double scaled_rps) const;

  struct NfrKnee {
    std::string name;
    double target_ms = 0;
    std::optional<double> rps;  // where the prediction reaches the target; none: not even at 0
  };
  std::vector<NfrKnee> NfrKnees() const;
  // The lowest of the NFR knees (every NFR holds below it), capped at max_rps().
  std::optional<double> NfrKneeRps() const;

 private:
  spec::Problem as_run_;
  double headroom_;
  double divisor_;
  double max_rps_ = 0;
  std::string bottleneck_;
};

}  // namespace archload::capacity
