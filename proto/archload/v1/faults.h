#pragma once

// The one mapping between the control plane's fault and resilience messages and the model's
// (common/model/fault_schedule.h, resilience.h), used by the agents (to inject and survive
// faults) and the controller (to predict and report them). Unchecked: callers check indices.

#include <optional>
#include <stdexcept>
#include <vector>

#include "archload/v1/control.pb.h"
#include "common/model/fault_schedule.h"
#include "common/model/resilience.h"

namespace archload::v1 {

inline model::Fault FromProto(const FaultSpec& f) {
  model::Fault m;
  const auto kind = model::ParseFaultKind(f.kind());
  if (!kind) throw std::invalid_argument("a fault of unknown kind '" + f.kind() + "'");
  m.kind = *kind;
  m.group = f.group();
  m.instance = f.has_instance() ? f.instance() : -1;
  m.peer_group = f.peer_group();
  m.both_ways = !f.one_way();
  m.start_s = f.start_s();
  m.duration_s = f.duration_s();
  m.restart = !f.no_restart();
  m.fraction = f.fraction() > 0 ? f.fraction() : 1;
  m.multiplier = f.multiplier() > 0 ? f.multiplier() : 1;
  m.agent = m.kind == model::FaultKind::kKillAgent ? f.agent() : -1;
  m.delay = model::ServiceTimeSampler(
      f.delay().distribution().empty() ? "fixed" : f.delay().distribution(), f.delay().mean_ms(),
      f.delay().cv(),
      std::vector<double>(f.delay().samples_ms().begin(), f.delay().samples_ms().end()));
  return m;
}

// Unset (present false): callers wait for every answer and never give up on an instance.
inline model::Resilience FromProto(const ResilienceSpec& r) {
  model::Resilience m;
  if (!r.present()) {
    m.timeout_ms = 0;
    m.retries = 0;
    m.outlier.consecutive_failures = 0;
    m.health.interval_ms = 0;
    return m;
  }
  m.timeout_ms = r.timeout_ms();
  m.retries = std::max(0, r.retries());
  m.backoff_base_ms = r.backoff_base_ms();
  m.backoff_max_ms = r.backoff_max_ms();
  m.retry_budget = r.retry_budget();
  m.retry_budget_min_per_s = r.retry_budget_min_per_s();
  m.max_pending = r.max_pending();
  m.health = {r.check_interval_ms(), r.check_timeout_ms(), r.check_fall(), r.check_rise()};
  m.outlier = {r.outlier_consecutive(), r.outlier_base_ms(), r.outlier_max_ms(),
               r.outlier_max_fraction()};
  return m;
}

}  // namespace archload::v1
