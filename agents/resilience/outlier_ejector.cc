#include "agents/resilience/outlier_ejector.h"

#include <algorithm>
#include <cmath>

namespace archload::agent {

OutlierEjector::OutlierEjector(const model::OutlierDetection& config, int instances)
    : config_(config), states_(static_cast<size_t>(std::max(0, instances))) {}

bool OutlierEjector::Ejected(int instance, int64_t now_ns) const {
  if (instance < 0 || static_cast<size_t>(instance) >= states_.size()) return false;
  return now_ns < states_[instance].until_ns;
}

int OutlierEjector::EjectedCount(int64_t now_ns) const {
  int n = 0;
  for (const auto& s : states_) n += now_ns < s.until_ns ? 1 : 0;
  return n;
}

bool OutlierEjector::OnResult(int instance, bool ok, int64_t now_ns) {
  if (instance < 0 || static_cast<size_t>(instance) >= states_.size()) return false;
  State& s = states_[instance];
  if (ok) {
    s.consecutive = 0;
    return false;
  }
  if (config_.consecutive_failures <= 0 || ++s.consecutive < config_.consecutive_failures ||
      now_ns < s.until_ns) {
    return false;
  }
  // Never eject past the share: a group that is all failing keeps being called (and failing)
  // rather than having nowhere to send anything.
  const int limit = static_cast<int>(
      std::floor(config_.max_ejected_fraction * static_cast<double>(states_.size())));
  if (EjectedCount(now_ns) + 1 > limit) return false;
  const double ms = std::min(config_.max_ejection_ms, config_.base_ejection_ms * (s.times + 1));
  s.until_ns = now_ns + static_cast<int64_t>(ms * 1e6);
  ++s.times;
  s.consecutive = 0;
  ++ejections_;
  return true;
}

}  // namespace archload::agent
