#pragma once

// 95% confidence intervals by sectioning (batch means): the whole run's estimate, with a
// half-width from the spread of the same estimate over B batches, t(B-1) s / √B. Percentiles are
// not means, but a percentile's variance, like a mean's, falls as 1 / samples, which is all
// sectioning needs; centring on the whole run's figure avoids the small-batch bias of averaging
// batch percentiles (docs/confidence.md).

#include <optional>
#include <vector>

namespace archload::run {

struct Interval {
  double low = 0, high = 0;
  int batches = 0;
  double lag1 = 0;  // lag-1 autocorrelation of the batch estimates
  double HalfWidth() const { return (high - low) / 2; }
};

// The 0.975 quantile of Student's t with `df` degrees of freedom (df ≥ 1).
double StudentT975(int df);

// Fewer than two estimates give none. When the batch estimates' lag-1 autocorrelation r is
// positive (batches too short to be independent), their variance is inflated by (1 + r)/(1 - r),
// the AR(1) factor for the variance of a mean: conservative rather than falsely tight.
std::optional<Interval> SectionInterval(double point, const std::vector<double>& estimates);

}  // namespace archload::run
