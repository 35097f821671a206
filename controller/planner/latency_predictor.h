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

class LatencyPredictor {
 public:
  // queues: one per component (an instance of the group at its planned load).
  LatencyPredictor(const TrafficModel& traffic,
                   const std::vector<model::ComponentProfile>& profiles,
                   const std::vector<HopQueue>& queues, size_t samples = 20000,
                   uint64_t seed = 20261127);

  // All classes when `c` is empty.
  LatencySummary Summary(std::optional<model::RequestClass> c = std::nullopt) const;
  double PercentileMs(double percentile, std::optional<model::RequestClass> c = std::nullopt) const;

 private:
  struct Outcome {
    double seconds = 0;
    bool hit = false;
  };
  Outcome Sample(const HopNode& node, std::mt19937_64& rng) const;

  const TrafficModel& traffic_;
  const std::vector<model::ComponentProfile>& profiles_;
  std::vector<WaitDistribution> waits_;  // [component], computed once from the queues
  std::vector<std::array<model::ServiceTimeSampler, 2>> samplers_;  // [component][class]
  std::vector<double> read_ms_;                                     // sorted
  std::vector<double> write_ms_;                                    // sorted
  std::vector<double> all_ms_;                                      // sorted
  bool stable_ = true;
};

}  // namespace archload::planner
