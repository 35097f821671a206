#include "agents/runtime/arrival_schedule.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace archload::agent {

ArrivalSchedule::ArrivalSchedule(RateProfile profile, uint64_t seed)
    : p_(std::move(profile)), rng_(seed) {}

double ArrivalSchedule::RateAt(double t) const {
  double surge = 1;
  for (const auto& s : p_.surges) {
    if (t >= s.from_s && t < s.to_s) surge *= s.multiplier;
  }
  return surge * ProfileRateAt(t);
}

double ArrivalSchedule::ProfileRateAt(double t) const {
  const double d = p_.duration_s > 0 ? p_.duration_s : 1;
  const double f = std::clamp(t / d, 0.0, 1.0);
  if (p_.kind == "ramp") return p_.start_rps + (p_.rate_rps - p_.start_rps) * f;
  if (p_.kind == "step") {
    // Four equal steps from the start rate to the final rate.
    const int k = std::min(3, static_cast<int>(f * 4));
    return p_.start_rps + (p_.rate_rps - p_.start_rps) * k / 3.0;
  }
  if (p_.kind == "spike" && f >= 0.4 && f < 0.6) return p_.rate_rps * p_.spike_multiplier;
  return p_.rate_rps;
}

double ArrivalSchedule::Next() {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // Evenly spaced arrivals start half an interval in, so N arrivals fill [0, duration).
  for (int guard = 0; guard < 1000000; ++guard) {
    if (t_ >= p_.duration_s) return kInf;
    const double rate = RateAt(t_);
    if (rate <= 0) {
      t_ += 0.001;  // nothing to send now: look again in a millisecond
      continue;
    }
    double gap;
    if (p_.poisson) {
      gap = std::exponential_distribution<double>(rate)(rng_);
    } else {
      gap = first_ ? 0.5 / rate : 1.0 / rate;
    }
    first_ = false;
    t_ += gap;
    return t_ < p_.duration_s ? t_ : kInf;
  }
  return kInf;
}

}  // namespace archload::agent
