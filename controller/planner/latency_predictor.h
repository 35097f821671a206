#pragma once

// Predicts end-to-end latency percentiles of the BoE model by sampling request trees: each hop
// adds an M/G/c queueing delay (Erlang C) and a service time drawn from its distribution. A
// sampled path respects cache hits and misses, so percentiles of mixed paths come out right
// (an average of per-hop percentiles would not).

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "common/model/call_rules.h"
#include "common/model/component_profile.h"
#include "common/model/service_time.h"
#include "controller/planner/queueing.h"
#include "controller/planner/traffic_model.h"

namespace archload::planner {

// The percentiles of a latency spectrum (the run report's "spectrum", P0 to P99.99): dense where
// tails live, for a plot against log(1 / (1 - p)).
inline constexpr std::array<double, 25> kSpectrumPercentiles = {
    0,  10,    20,   30, 40,    50, 60,    70,   75,    80,   85,    90,   92.5,
    95, 96.25, 97.5, 98, 98.75, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99};

struct LatencySummary {
  bool stable = true;  // false: some hop on the path is at or over capacity
  size_t samples = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  // (percentile, ms) at kSpectrumPercentiles. Sampled: P99.99 of 20,000 samples rests on the
  // two slowest.
  std::vector<std::pair<double, double>> spectrum;
};

// What the harness adds to what the design takes, as a run measured it (docs/confidence.md,
// "Harness calibration"): every call's round trip, drawn from the probes' distribution, and per
// emulated service time the hold beyond the sampled time (the timer's overrun).
struct HarnessCosts {
  std::vector<double> round_trip_s;  // samples of a call's round trip; empty: none
  std::vector<double> overrun_s;     // [component]: mean overrun of a non-zero service time
  // [component]: a load generator, the root of its request trees and no call itself (the
  // planner fills it; a design without clients has its entries called by an implicit one).
  std::vector<bool> client;
  bool empty() const { return round_trip_s.empty() && overrun_s.empty(); }
};

// A slow fault's added latency (docs/faults.md): on this share of the component's visits, a delay
// drawn from `delay` before the visit reaches it. The share is the fault's fraction times the
// part of the run it lasts, so the prediction is the whole run's mixture.
struct SlowFault {
  int component = 0;
  double share = 0;
  model::ServiceTimeSampler delay;
};

class LatencyPredictor {
 public:
  // queues: one per component (an instance of the group at its planned load, with the harness's
  // overrun in its service time when `harness` has one).
  LatencyPredictor(const TrafficModel& traffic,
                   const std::vector<model::ComponentProfile>& profiles,
                   const std::vector<HopQueue>& queues, size_t samples = 20000,
                   uint64_t seed = 20261127, HarnessCosts harness = {},
                   std::vector<SlowFault> slow = {});

  // All classes when `c` is empty.
  LatencySummary Summary(std::optional<model::RequestClass> c = std::nullopt) const;
  double PercentileMs(double percentile, std::optional<model::RequestClass> c = std::nullopt) const;

 private:
  struct Outcome {
    double seconds = 0;
    bool hit = false;
  };
  // `shared_wait`: the quantile this node's queueing wait is drawn at, when it shares it with its
  // siblings of a fork (see the .cc); null: drawn on its own.
  Outcome Sample(const HopNode& node, std::mt19937_64& rng,
                 const double* shared_wait = nullptr) const;

  const TrafficModel& traffic_;
  const std::vector<model::ComponentProfile>& profiles_;
  std::vector<WaitDistribution> waits_;  // [component], computed once from the queues
  HarnessCosts harness_;
  // The round trips' own stream: the design's samples stay the ones it draws without the
  // harness, so the BoE with the harness's costs never reads below the BoE without them.
  mutable std::mt19937_64 harness_rng_;
  std::vector<SlowFault> slow_;
  mutable std::mt19937_64 fault_rng_;  // the same reasoning: faults draw from their own stream
  std::vector<std::array<model::ServiceTimeSampler, 2>> samplers_;  // [component][class]
  std::vector<double> read_ms_;                                     // sorted
  std::vector<double> write_ms_;                                    // sorted
  std::vector<double> all_ms_;                                      // sorted
  bool stable_ = true;
};

}  // namespace archload::planner
