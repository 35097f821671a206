#pragma once

#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::planner {

struct ParamRange {
  double min = 0;
  double max = 0;
  std::string source;  // "default" or the constant that set the bound
};

// The ranges "Parameter range check: X.param" uses (documented in docs/model.md). The seed
// gives no range; a problem constant such as cache_hit_target raises the lower bound.
std::optional<ParamRange> RangeFor(const std::string& param, const spec::Problem& problem);

struct CheckResult {
  spec::TierCheck check;
  bool pass = false;
  std::string reason;
};

struct TierResult {
  std::string name;
  bool pass = true;
  std::vector<CheckResult> checks;
};

// Evaluates every tier against `design`. A component without a count counts as one instance.
std::vector<TierResult> CheckTiers(const spec::Problem& problem, const spec::Design& design);

bool AllPass(const std::vector<TierResult>& results);

}  // namespace archload::planner
