#pragma once

#include <string>
#include <vector>

namespace archload::planner {

// --scale: "1" (full), "1/1000" (divide rates and instance counts by 1000), "0.001" (the same)
// or "auto" (fit the run to this machine).
struct ScaleSpec {
  bool automatic = false;
  double divisor = 1;
};

// Throws std::invalid_argument with a message naming the bad value.
ScaleSpec ParseScale(const std::string& text);

// "1/1000", or "1/1" at full scale.
std::string FormatScale(double divisor);

// An instance count at scale: divided, rounded up, never below one.
int ScaledCount(int count, double divisor);

// What one machine is trusted to emulate at --scale auto (docs/model.md).
struct MachineBudget {
  double client_rps;
  int instances;
};
MachineBudget LocalMachineBudget();

// The smallest divisor from 1, 2, 5, 10, 20, 50 ... that brings rate and instances in budget.
double AutoDivisor(double rate_rps, const std::vector<int>& counts, const MachineBudget& budget);

}  // namespace archload::planner
