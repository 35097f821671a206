#include "controller/report/html/scale.h"

#include <algorithm>
#include <cmath>

namespace archload::report::html {

double NiceStep(double range, int target) {
  if (!(range > 0) || !std::isfinite(range)) return 1;
  const double raw = range / std::max(1, target);
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0}) {
    if (raw <= m * mag * 1.0000001) return m * mag;
  }
  return 10 * mag;
}

Scale::Scale(double lo, double hi, double from_px, double to_px, bool log)
    : lo_(lo), hi_(hi), from_(from_px), to_(to_px), log_(log) {
  if (log_) {
    if (!(lo_ > 0)) lo_ = 1e-3;
    if (!(hi_ > lo_)) hi_ = lo_ * 10;
  } else if (!(hi_ > lo_)) {
    hi_ = lo_ + (lo_ == 0 ? 1 : std::fabs(lo_));
  }
}

double Scale::operator()(double v) const {
  double f = 0;
  if (log_) {
    f = v > 0 ? (std::log10(v) - std::log10(lo_)) / (std::log10(hi_) - std::log10(lo_)) : 0;
  } else {
    f = (v - lo_) / (hi_ - lo_);
  }
  if (!std::isfinite(f)) f = 0;
  f = std::clamp(f, 0.0, 1.0);
  return from_ + f * (to_ - from_);
}

std::vector<double> Scale::Ticks(int target) const {
  std::vector<double> out;
  if (log_) {
    const int a = static_cast<int>(std::ceil(std::log10(lo_) - 1e-9));
    const int b = static_cast<int>(std::floor(std::log10(hi_) + 1e-9));
    const bool fine = b - a < 2;  // few decades: 1, 2, 5 of each
    for (int e = a - 1; e <= b; ++e) {
      for (double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
        const double v = m * std::pow(10, e);
        if (v >= lo_ * (1 - 1e-9) && v <= hi_ * (1 + 1e-9)) out.push_back(v);
      }
    }
    return out;
  }
  const double step = NiceStep(hi_ - lo_, target);
  for (double v = std::ceil(lo_ / step - 1e-9) * step; v <= hi_ + step * 1e-9; v += step) {
    out.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    if (out.size() > 50) break;
  }
  return out;
}

Scale Scale::Nice(double lo, double hi, double from_px, double to_px, bool log) {
  if (log) {
    const double l = lo > 0 ? std::pow(10, std::floor(std::log10(lo))) : 1e-3;
    const double h = hi > 0 ? std::pow(10, std::ceil(std::log10(hi))) : l * 10;
    return Scale(l, std::max(h, l * 10), from_px, to_px, true);
  }
  if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::fabs(lo));
  const double step = NiceStep(hi - lo, 5);
  return Scale(std::floor(lo / step) * step, std::ceil(hi / step) * step, from_px, to_px, false);
}

}  // namespace archload::report::html
