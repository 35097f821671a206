#pragma once

// Draws emulated service times. Shared by the planner's latency prediction and the agents, so a
// prediction and a run sample the same distribution.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace archload::model {

class ServiceTimeSampler {
 public:
  ServiceTimeSampler() = default;
  // distribution: fixed | exponential | lognormal | empirical (samples in ms).
  ServiceTimeSampler(const std::string& distribution, double mean_ms, double cv,
                     std::vector<double> samples_ms = {});

  double SampleSeconds(std::mt19937_64& rng) const;
  int64_t SampleNs(std::mt19937_64& rng) const {
    return static_cast<int64_t>(SampleSeconds(rng) * 1e9);
  }
  double mean_ms() const { return mean_s_ * 1000; }

 private:
  enum class Kind { kFixed, kExponential, kLognormal, kEmpirical } kind_ = Kind::kFixed;
  double mean_s_ = 0;
  double mu_ = 0;  // lognormal parameters
  double sigma_ = 0;
  std::vector<double> samples_s_;
};

}  // namespace archload::model
