#pragma once

// A component's effective emulation parameters: per-instance capacity per request class,
// concurrency, service-time distribution and hit rate, each with where it came from (explicit
// parameter, problem constant, or the documented type default of docs/model.md).

#include <optional>
#include <string>

#include "common/spec/problem.h"

namespace archload::model {

struct ClassProfile {
  double capacity_rps = 0;  // per instance
  double service_ms = 0;    // mean service time: concurrency / capacity
};

struct ComponentProfile {
  int concurrency = 1;
  ClassProfile read;
  ClassProfile write;
  std::string distribution = "lognormal";  // of the service time
  double cv = 0.5;                         // coefficient of variation of the service time
  std::vector<double> samples_ms;          // empirical distribution
  std::optional<double> hit_rate;          // cache, edge cache
  std::string capacity_source;
  std::string hit_rate_source;
};

// The type defaults before any constant or parameter applies.
struct TypeDefaults {
  double read_service_ms;
  double write_service_ms;
  int concurrency;
  double cv;
  const char* distribution;
};
TypeDefaults DefaultsFor(const spec::Component& component);

// Default hit rates when neither a parameter nor a constant gives one.
inline constexpr double kDefaultCacheHitRate = 0.9;
inline constexpr double kDefaultCdnHitRate = 0.9;

// Throws spec::SpecError (the component's line and field) when a stated capacity would need a
// concurrency above spec::kMaxCount.
ComponentProfile ResolveProfile(const spec::Component& component, const spec::Problem& problem);

}  // namespace archload::model
