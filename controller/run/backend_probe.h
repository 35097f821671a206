#pragma once

// Before any agent starts: every real backend of the design answers, or the run does not start
// and says which group's backend, where, and why (docs/backends.md). redis: a PING (and not a
// cluster); kafka: a metadata request; haproxy: the binary is there.

#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::run {

struct BackendProbe {
  std::string group;
  std::string kind;
  std::string address;
  std::string error;  // empty: it answered
  double rtt_ms = 0;  // how long it took to answer
};

// One entry per group with a backend, in design order; `timeout_s` bounds each.
std::vector<BackendProbe> ProbeBackends(const spec::Design& design, double timeout_s = 3);

// Throws std::runtime_error naming every backend that did not answer ("the run did not start").
void RequireBackends(const std::vector<BackendProbe>& probes);

// A Redis's own count of lookups (INFO stats: keyspace_hits, keyspace_misses); none when it does
// not answer.
struct KeyspaceCounts {
  double hits = 0, misses = 0;
};
std::optional<KeyspaceCounts> RedisKeyspace(const std::string& address, double timeout_s = 3);

}  // namespace archload::run
