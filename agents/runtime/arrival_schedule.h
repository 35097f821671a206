#pragma once

// When an open-loop client sends: the intended send times of a rate profile. Pure logic over
// seconds since the start of the run, so tests drive it without a clock.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace archload::agent {

struct RateProfile {
  std::string kind = "constant";  // constant | ramp | step | spike
  double rate_rps = 0;            // constant rate; ramp/step: the final rate; spike: the base
  double start_rps = 0;           // ramp/step: the first rate
  double spike_multiplier = 1;    // spike: rate × multiplier from 40% to 60% of the run
  double duration_s = 0;
  bool poisson = true;
  // Overload faults (docs/faults.md): the rate × multiplier over [from_s, to_s).
  struct Surge {
    double from_s, to_s, multiplier;
  };
  std::vector<Surge> surges;
};

class ArrivalSchedule {
 public:
  ArrivalSchedule(RateProfile profile, uint64_t seed);

  double RateAt(double t_s) const;

  // The next intended send time in seconds since start; +infinity once past the duration.
  double Next();

 private:
  double ProfileRateAt(double t_s) const;

  RateProfile p_;
  std::mt19937_64 rng_;
  double t_ = 0;
  bool first_ = true;
};

}  // namespace archload::agent
