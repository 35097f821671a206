#pragma once

// How callers detect and survive failures (docs/faults.md): per call edge or per role, with
// these defaults (Envoy's, where it has one). Failover time is not a parameter: it emerges from
// these settings and is measured.

#include <cstdint>

namespace archload::model {

struct HealthCheck {
  double interval_ms = 2000;  // 0: no active checks
  double timeout_ms = 1000;
  int fall = 3;  // consecutive failed checks that mark an instance down
  int rise = 2;  // consecutive good checks that bring it back
};

struct OutlierDetection {
  int consecutive_failures = 5;     // 0: off
  double base_ejection_ms = 30000;  // × the times it was ejected before
  double max_ejection_ms = 300000;
  double max_ejected_fraction = 0.5;  // never eject more than this share of the group
};

struct Resilience {
  double timeout_ms = 10000;  // a call unanswered by then fails (and may be retried)
  int retries = 0;
  double backoff_base_ms = 25;  // full jitter: U(0, min(max, base × 2^attempt))
  double backoff_max_ms = 250;
  double retry_budget = 0.2;  // retries at most this share of requests (10 s window); < 0: no cap
  int retry_budget_min_per_s = 10;  // ... but always this many per second
  int max_pending =
      0;  // circuit breaking: calls in flight to the group beyond it fail fast (0: off)
  HealthCheck health;
  OutlierDetection outlier;
};

}  // namespace archload::model
