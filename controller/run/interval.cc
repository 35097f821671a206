#include "controller/run/interval.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace archload::run {

double StudentT975(int df) {
  static constexpr std::array<double, 30> kTable = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::numeric_limits<double>::infinity();
  if (df <= 30) return kTable[df - 1];
  // Cornish-Fisher expansion around the normal quantile: within 0.001 of the table beyond 30.
  const double z = 1.959964, n = df;
  return z + (z * z * z + z) / (4 * n) +
         (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

std::optional<Interval> SectionInterval(double point, const std::vector<double>& estimates) {
  const size_t b = estimates.size();
  if (b < 2 || !std::isfinite(point)) return std::nullopt;
  double mean = 0;
  for (double e : estimates) mean += e;
  mean /= static_cast<double>(b);
  double ss = 0, lag = 0;
  for (size_t i = 0; i < b; ++i) {
    const double d = estimates[i] - mean;
    ss += d * d;
    if (i + 1 < b) lag += d * (estimates[i + 1] - mean);
  }
  Interval out;
  out.batches = static_cast<int>(b);
  out.lag1 = ss > 0 ? lag / ss : 0;
  double var = ss / static_cast<double>(b - 1);
  if (out.lag1 > 0) {
    const double r = std::min(out.lag1, 0.9);
    var *= (1 + r) / (1 - r);
  }
  const double half =
      StudentT975(static_cast<int>(b) - 1) * std::sqrt(var / static_cast<double>(b));
  out.low = point - half;
  out.high = point + half;
  return out;
}

}  // namespace archload::run
