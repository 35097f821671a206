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
  double service_ms = 0;    // mean service time: concurrency / capacity (what the BoE uses)
  // What the run emulates when the design states a capacity and also the behaviour behind it
  // (service_time and concurrency) and the two disagree; 0: service_ms.
  double emulated_service_ms = 0;
  double EmulatedMs() const { return emulated_service_ms > 0 ? emulated_service_ms : service_ms; }
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
  // Set when a stated capacity disagrees with the stated service time and concurrency: the BoE
  // takes the statement (the designer's claim), the run emulates the behaviour, and `knee`
  // measures which was right.
  std::string disagreement;
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
