#pragma once

#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::planner {

// A few of the seed's reference designs lack a type their own tiers require (three omit the
// db_replica their "Must include" names). Sizing adds one component of each missing type, wired
// where its role belongs, so the planned design can pass its tiers. Returns what it added.
std::vector<std::string> CompleteForTiers(const spec::Problem& problem, spec::Design& design);

}  // namespace archload::planner
