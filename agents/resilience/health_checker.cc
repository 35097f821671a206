#include "agents/resilience/health_checker.h"

#include <algorithm>

namespace archload::agent {

HealthChecker::HealthChecker(const model::HealthCheck& config, int instances)
    : config_(config), states_(static_cast<size_t>(std::max(0, instances))) {}

HealthChecker::Change HealthChecker::OnCheck(int instance, bool ok) {
  if (instance < 0 || static_cast<size_t>(instance) >= states_.size()) return Change::kNone;
  State& s = states_[instance];
  if (ok == s.up) {
    s.streak = 0;
    return Change::kNone;
  }
  ++s.streak;
  const int needed = std::max(1, s.up ? config_.fall : config_.rise);
  if (s.streak < needed) return Change::kNone;
  s.up = ok;
  s.streak = 0;
  return ok ? Change::kUp : Change::kDown;
}

bool HealthChecker::Up(int instance) const {
  return instance >= 0 && static_cast<size_t>(instance) < states_.size() && states_[instance].up;
}

int HealthChecker::UpCount() const {
  return static_cast<int>(
      std::count_if(states_.begin(), states_.end(), [](const State& s) { return s.up; }));
}

}  // namespace archload::agent
