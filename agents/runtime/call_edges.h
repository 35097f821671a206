#pragma once

// What a caller group on this agent knows about each group it calls (docs/faults.md): the
// resilience settings for the edge, its retry budget, which instances it ejected as outliers or
// its health checks marked down, and its calls in flight (for circuit breaking). One per
// (caller, target) pair that has been used.

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "agents/resilience/health_checker.h"
#include "agents/resilience/outlier_ejector.h"
#include "agents/resilience/retry_budget.h"
#include "common/model/resilience.h"

namespace archload::agent {

struct EdgeState {
  EdgeState(const model::Resilience& r, int instances)
      : config(r),
        budget(r.retry_budget, r.retry_budget_min_per_s),
        ejector(r.outlier, instances),
        health(r.health, instances) {}

  // Whether the caller may choose `instance` now (not ejected, not marked down).
  bool Usable(int instance, int64_t now_ns) const {
    return !ejector.Ejected(instance, now_ns) && health.Up(instance);
  }

  model::Resilience config;
  RetryBudget budget;
  OutlierEjector ejector;
  HealthChecker health;
  int pending = 0;
  // What happened on the edge (v1::EdgeStats says what each counts).
  uint64_t calls = 0, failed = 0, retries = 0, timeouts = 0, overflows = 0, partitioned = 0;
  uint64_t checks = 0;
  // When instances left the caller's choice and came back, seconds from the load's start.
  struct Event {
    double at_s = 0;
    int instance = 0;
    const char* what = "";  // ejected | down | up
    double until_s = 0;     // ejected: until then
  };
  std::vector<Event> events;
  bool checking = false;  // its active health checks are running
};

class CallEdges {
 public:
  // `config(target)`: the resilience settings callers use towards a group; `instances(target)`.
  template <typename Config, typename Count>
  EdgeState& Of(int caller, int target, Config config, Count instances) {
    auto it = edges_.find({caller, target});
    if (it == edges_.end()) {
      it = edges_
               .emplace(std::make_pair(caller, target),
                        std::make_unique<EdgeState>(config(target), instances(target)))
               .first;
    }
    return *it->second;
  }
  const std::map<std::pair<int, int>, std::unique_ptr<EdgeState>>& all() const { return edges_; }

 private:
  std::map<std::pair<int, int>, std::unique_ptr<EdgeState>> edges_;
};

}  // namespace archload::agent
