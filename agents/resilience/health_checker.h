#pragma once

// The balancer's view of which instances are up, from active checks: `fall` failed checks in a
// row mark an instance down, `rise` good ones bring it back (haproxy's and Envoy's thresholds).
// The checks themselves are sent by the caller; this keeps the state. Instances start up.

#include <cstdint>
#include <vector>

#include "common/model/resilience.h"

namespace archload::agent {

class HealthChecker {
 public:
  enum class Change { kNone, kDown, kUp };

  HealthChecker(const model::HealthCheck& config, int instances);

  Change OnCheck(int instance, bool ok);
  bool Up(int instance) const;
  int UpCount() const;

 private:
  struct State {
    bool up = true;
    int streak = 0;  // consecutive results against the current state
  };
  model::HealthCheck config_;
  std::vector<State> states_;
};

}  // namespace archload::agent
