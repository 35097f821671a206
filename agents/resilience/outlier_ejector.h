#pragma once

// Passive outlier detection (Envoy's consecutive-5xx ejection): a caller that sees an instance
// fail `consecutive_failures` times in a row stops choosing it for base × (times ejected before
// + 1) (capped), never ejecting more than a share of the group. Time is passed in.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/model/resilience.h"

namespace archload::agent {

class OutlierEjector {
 public:
  OutlierEjector(const model::OutlierDetection& config, int instances);

  // A call to `instance` ended (ok: answered without error). Returns true when this ejected it.
  bool OnResult(int instance, bool ok, int64_t now_ns);
  bool Ejected(int instance, int64_t now_ns) const;
  int EjectedCount(int64_t now_ns) const;
  int64_t EjectedUntil(int instance) const {
    return instance >= 0 && static_cast<std::size_t>(instance) < states_.size()
               ? states_[instance].until_ns
               : 0;
  }
  uint64_t ejections() const { return ejections_; }

 private:
  struct State {
    int consecutive = 0;
    int times = 0;
    int64_t until_ns = 0;  // ejected while now < until
  };
  model::OutlierDetection config_;
  std::vector<State> states_;
  uint64_t ejections_ = 0;
};

}  // namespace archload::agent
