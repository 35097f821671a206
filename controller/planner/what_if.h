#pragma once

// What-if changes to a design without editing its YAML, for workshop questions:
//   --set "App Servers.service_time=2ms" --set "Read Replica.count=3"
// Fields: count, concurrency, service_time (a duration; the capacity then follows from it),
// capacity (req/s per instance), hit_rate (0..1), queue_limit; and how callers treat the group
// (docs/faults.md): "App Servers.resilience.retries=2", any field of `resilience:`, the rest at
// their defaults.

#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::planner {

struct Change {
  std::string group;
  std::string field;
  bool resilience = false;  // field is one of the group's resilience settings
  double value = 0;
  std::string text;  // as given, for messages
};

// Parses "Group.field=value"; throws std::invalid_argument naming the flag's text and what is
// wrong. The group name may contain dots and spaces; the field is after the last dot.
Change ParseChange(const std::string& text);

// Applies changes to the problem's design; throws std::invalid_argument for an unknown group.
void ApplyChanges(spec::Problem& problem, const std::vector<Change>& changes);

}  // namespace archload::planner
