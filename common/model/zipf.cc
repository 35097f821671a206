#include "common/model/zipf.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace archload::model {
namespace {

// log1p(x)/x and expm1(x)/x, continuous at 0: they keep H and its inverse exact near s = 1.
double Log1pOverX(double x) { return std::fabs(x) > 1e-8 ? std::log1p(x) / x : 1 - x / 2; }
double Expm1OverX(double x) { return std::fabs(x) > 1e-8 ? std::expm1(x) / x : 1 + x / 2; }

}  // namespace

ZipfSampler::ZipfSampler(uint64_t n, double s) : n_(std::max<uint64_t>(1, n)), s_(s) {
  h_integral_x1_ = H(1.5) - 1;
  h_integral_n_ = H(static_cast<double>(n_) + 0.5);
  shortcut_ = 2 - HInverse(H(2.5) - h(2));
}

// H(x) = ∫ t^-s dt, written so that s = 1 (log x) needs no special case.
double ZipfSampler::H(double x) const {
  const double lx = std::log(x);
  return Expm1OverX((1 - s_) * lx) * lx;
}

double ZipfSampler::HInverse(double x) const {
  double t = x * (1 - s_);
  if (t < -1) t = -1;  // rounding at the far end of the range
  return std::exp(Log1pOverX(t) * x);
}

double ZipfSampler::h(double x) const { return std::exp(-s_ * std::log(x)); }

uint64_t ZipfSampler::Sample(std::mt19937_64& rng) const {
  std::uniform_real_distribution<double> u01(0, 1);
  for (;;) {
    const double u = h_integral_n_ + u01(rng) * (h_integral_x1_ - h_integral_n_);
    const double x = HInverse(u);
    double k = std::floor(x + 0.5);
    k = std::clamp(k, 1.0, static_cast<double>(n_));
    if (k - x <= shortcut_ || u >= H(k + 0.5) - h(k)) return static_cast<uint64_t>(k);
  }
}

double LruHitRatio(uint64_t n, double s, uint64_t capacity) {
  if (n == 0) return 0;
  if (capacity >= n) return 1;
  if (capacity == 0) return 0;
  // (probability weight, number of ranks) groups: exact ranks first, then geometric buckets.
  std::vector<std::pair<double, double>> groups;
  double norm = 0;
  const uint64_t exact = std::min<uint64_t>(n, 1000);
  for (uint64_t k = 1; k <= exact; ++k) {
    const double w = std::pow(static_cast<double>(k), -s);
    groups.push_back({w, 1});
    norm += w;
  }
  for (double lo = static_cast<double>(exact) + 1; lo <= static_cast<double>(n);) {
    const double hi = std::min(static_cast<double>(n), std::floor(lo * 1.01) + 1);
    const double count = hi - lo + 1;
    const double w = std::pow((lo + hi) / 2, -s);
    groups.push_back({w, count});
    norm += w * count;
    lo = hi + 1;
  }
  auto occupancy = [&](double t) {
    double sum = 0;
    for (const auto& [w, c] : groups) sum += c * -std::expm1(-w / norm * t);
    return sum;
  };
  double lo = 0, hi = 1;
  while (occupancy(hi) < static_cast<double>(capacity)) hi *= 2;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (occupancy(mid) < static_cast<double>(capacity) ? lo : hi) = mid;
  }
  double hit = 0;
  for (const auto& [w, c] : groups) hit += c * (w / norm) * -std::expm1(-w / norm * hi);
  return std::clamp(hit, 0.0, 1.0);
}

}  // namespace archload::model
