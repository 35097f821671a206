#include "controller/planner/scale.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "common/spec/spec_yaml.h"
#include "controller/planner/limits.h"

namespace archload::planner {

ScaleSpec ParseScale(const std::string& text) {
  ScaleSpec s;
  if (text == "auto") {
    s.automatic = true;
    return s;
  }
  auto number = [&](const std::string& part) {
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (part.empty() || end == part.c_str() || *end != '\0' || !std::isfinite(v) || v <= 0) {
      throw std::invalid_argument("--scale '" + text +
                                  "': expected auto, 1, 1/N or a fraction in (0, 1]");
    }
    return v;
  };
  const size_t slash = text.find('/');
  double fraction;
  if (slash != std::string::npos) {
    fraction = number(text.substr(0, slash)) / number(text.substr(slash + 1));
  } else {
    fraction = number(text);
  }
  if (fraction > 1) {
    throw std::invalid_argument("--scale '" + text + "': a scale above 1 would amplify the design");
  }
  // A tiny fraction (1e-310) would make the divisor infinite and every scaled count 1.
  if (!(1 / fraction <= kMaxScaleDivisor)) {
    throw std::invalid_argument("--scale '" + text + "': the smallest scale is 1/" +
                                spec::FormatNumber(kMaxScaleDivisor));
  }
  s.divisor = 1 / fraction;
  return s;
}

std::string FormatScale(double divisor) { return "1/" + spec::FormatNumber(divisor); }

int ScaledCount(int count, double divisor) {
  if (count <= 0) return 0;
  return std::max(1, static_cast<int>(std::ceil(count / divisor - 1e-9)));
}

MachineBudget LocalMachineBudget() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  // Conservative until the benchmarks (bench/) measure the data plane: each client request
  // touches ~4 emulated hops, and a core keeps its timer lateness low at ~10k hops/s.
  return {2500.0 * cores, static_cast<int>(500 * cores)};
}

double AutoDivisor(double rate_rps, const std::vector<int>& counts, const MachineBudget& budget) {
  static const double kSteps[] = {1, 2, 5};
  for (double decade = 1; decade < kMaxScaleDivisor; decade *= 10) {
    for (double step : kSteps) {
      const double d = step * decade;
      int64_t instances = 0;  // a plan holds up to kMaxInstancesPerPlan: more than an int
      for (int c : counts) instances += ScaledCount(c, d);
      if (rate_rps / d <= budget.client_rps && instances <= budget.instances) return d;
    }
  }
  return kMaxScaleDivisor;
}

}  // namespace archload::planner
