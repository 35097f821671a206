#pragma once

// Axis scales for the report's charts: a data interval mapped onto pixels, linear or base-10
// logarithmic, with "nice" tick values (1, 2, 2.5, 5 × 10^k; decades on a log scale).

#include <vector>

namespace archload::report::html {

class Scale {
 public:
  // [lo, hi] onto [from_px, to_px] (to_px < from_px for a y axis, which grows upwards). A log
  // scale needs lo > 0; an empty interval is widened so nothing divides by zero.
  Scale(double lo, double hi, double from_px, double to_px, bool log = false);

  double operator()(double v) const;  // clamped to the pixel range
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  bool log() const { return log_; }
  // About `target` tick values within [lo, hi].
  std::vector<double> Ticks(int target = 5) const;

  // A range that starts at a nice value below lo and ends at one above hi (linear), or at whole
  // decades (log).
  static Scale Nice(double lo, double hi, double from_px, double to_px, bool log = false);

 private:
  double lo_, hi_, from_, to_;
  bool log_;
};

// The nice step (1, 2, 2.5 or 5 × 10^k) nearest range / target.
double NiceStep(double range, int target);

}  // namespace archload::report::html
