#include "controller/run/availability.h"

#include <algorithm>
#include <cmath>

namespace archload::run {

namespace {

uint64_t At(const std::vector<uint64_t>& v, size_t i) { return i < v.size() ? v[i] : 0; }

// Bins per second, at least 1.
size_t PerSecond(const Timeline& t) {
  return std::max<size_t>(1, static_cast<size_t>(std::lround(1.0 / t.bin_s)));
}

}  // namespace

AvailabilityAnalysis AnalyzeAvailability(const Timeline& t, const std::vector<FaultWindow>& faults,
                                         double availability_target, double tolerance) {
  AvailabilityAnalysis a;
  const size_t bins = t.offered.size();
  const size_t sec = PerSecond(t);
  uint64_t offered_all = 0, ok_all = 0;
  for (size_t i = 0; i < bins; ++i) {
    offered_all += At(t.offered, i);
    ok_all += std::min(At(t.ok, i), At(t.offered, i));
  }
  a.failed = offered_all - ok_all;
  a.budget = (1 - availability_target) * static_cast<double>(offered_all);
  for (size_t s = 0; s * sec < bins; ++s) {
    uint64_t off = 0, ok = 0;
    for (size_t i = s * sec; i < std::min(bins, (s + 1) * sec); ++i) {
      off += At(t.offered, i);
      ok += std::min(At(t.ok, i), At(t.offered, i));
    }
    a.per_second.push_back(off > 0 ? static_cast<double>(ok) / off : 1.0);
  }
  // Baseline: before the first fault, or the whole run.
  double first = 1e300;
  for (const auto& f : faults) first = std::min(first, f.start_s);
  {
    uint64_t off = 0, ok = 0;
    // Up to a second before the first fault: requests sent just before it may still be held
    // by what it kills.
    const double upto = first >= 2 ? first - 1 : first;
    const size_t end = faults.empty() ? bins : std::min(bins, static_cast<size_t>(upto / t.bin_s));
    for (size_t i = 0; i < end; ++i) {
      off += At(t.offered, i);
      ok += std::min(At(t.ok, i), At(t.offered, i));
    }
    a.baseline = off > 0 ? static_cast<double>(ok) / off : 1.0;
  }
  auto bad = [&](size_t i) { return At(t.offered, i) > At(t.ok, i); };
  for (const auto& f : faults) {
    FaultImpact im;
    im.start_s = f.start_s;
    im.end_s = f.end_s;
    const size_t s0 = static_cast<size_t>(std::max(0.0, f.start_s) / t.bin_s);
    const size_t s_end =
        std::min(bins, static_cast<size_t>(std::max(f.end_s, f.start_s) / t.bin_s));
    // Detection: the first second without a failure after the burst that began at the fault.
    size_t first_bad = bins;
    for (size_t i = s0; i < bins && i < s_end; ++i) {
      if (bad(i)) {
        first_bad = i;
        break;
      }
    }
    if (first_bad < bins) {
      size_t clean = 0;
      for (size_t i = first_bad; i < s_end; ++i) {
        clean = bad(i) ? 0 : clean + 1;
        if (clean >= sec) {
          im.detection_s = (i + 1 - sec) * t.bin_s - f.start_s;
          break;
        }
      }
    }
    // Recovery: availability back to baseline - tolerance over a whole second.
    const double floor = a.baseline - tolerance;
    size_t dip_end = bins;
    for (size_t i = first_bad; i + sec <= bins && first_bad < bins; ++i) {
      uint64_t off = 0, ok = 0;
      for (size_t k = i; k < i + sec; ++k) {
        off += At(t.offered, k);
        ok += std::min(At(t.ok, k), At(t.offered, k));
      }
      const double avail = off > 0 ? static_cast<double>(ok) / off : 1.0;
      im.lowest = std::min(im.lowest, avail);
      if (avail >= floor && !bad(i)) {
        dip_end = i;
        break;
      }
    }
    if (first_bad < bins && dip_end < bins) im.recovery_s = dip_end * t.bin_s - f.start_s;
    if (first_bad == bins) im.recovery_s = 0.0;  // nothing failed: no dip
    // Requests sent within a second before the start that the fault failed (a kill fails what
    // the instance held) count too.
    const size_t from = first_bad < bins ? std::min(first_bad, s0 >= sec ? s0 - sec : 0) : bins;
    for (size_t i = from; i < std::min(dip_end, bins); ++i) {
      im.lost += At(t.offered, i) - std::min(At(t.ok, i), At(t.offered, i));
    }
    a.faults.push_back(im);
  }
  return a;
}

}  // namespace archload::run
