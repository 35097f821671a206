// Fuzz target: stats::Histogram::Deserialize (common/stats/histogram.h) on arbitrary bytes, the
// form in which agents report their measurements to the controller over the control plane.
//
// For an accepted histogram, properties beyond "no crash, no sanitizer report":
//   - the format is canonical: Serialize() gives back exactly the accepted bytes, and
//     Deserialize(Serialize()) equals the histogram;
//   - Count, Min, Max, Mean and ValueAtPercentile agree: Mean and every percentile lie in
//     [Min, Max], percentiles never decrease as p grows, P0 is Min and P100 is Max;
//   - Merge: with an empty histogram changes nothing, with a histogram of another precision is
//     refused and changes nothing, with itself doubles Count (or is refused on overflow) and keeps
//     Min, Max and Mean; merging in a recorded value keeps the sum of counts.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "common/stats/histogram.h"

namespace {

using archload::stats::Histogram;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "histogram_fuzz: %s\n", what);
  std::abort();
}

void Check(bool ok, const char* what) {
  if (!ok) Fail(what);
}

bool NearlyEqual(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-9;
}

constexpr double kPercentiles[] = {0, 1, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

void CheckQueries(const Histogram& h) {
  const uint64_t lo = h.Min();
  const uint64_t hi = h.Max();
  const double mean = h.Mean();
  if (h.Count() == 0) {
    Check(lo == 0 && hi == 0 && mean == 0, "an empty histogram reports non-zero figures");
    Check(h.ValueAtPercentile(50) == 0, "an empty histogram has a non-zero median");
    return;
  }
  Check(lo <= hi, "Min() > Max()");
  Check(std::isfinite(mean), "Mean() is not finite");
  // The mean is computed in doubles: allow its rounding at the ends of the range.
  Check(mean >= static_cast<double>(lo) * (1 - 1e-12) &&
            mean <= static_cast<double>(hi) * (1 + 1e-12),
        "Mean() outside [Min(), Max()]");
  Check(h.ValueAtPercentile(0) == lo, "P0 is not Min()");
  Check(h.ValueAtPercentile(100) == hi, "P100 is not Max()");
  Check(h.ValueAtPercentile(-5) == lo && h.ValueAtPercentile(250) == hi,
        "out-of-range percentiles are not clamped");
  Check(h.ValueAtPercentile(std::numeric_limits<double>::quiet_NaN()) == lo, "P(NaN) is not Min()");
  uint64_t previous = 0;
  for (double p : kPercentiles) {
    const uint64_t v = h.ValueAtPercentile(p);
    Check(v >= lo && v <= hi, "a percentile outside [Min(), Max()]");
    Check(v >= previous, "percentiles decrease as p grows");
    previous = v;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto h = Histogram::Deserialize(bytes);
  if (!h) return 0;

  const std::string again = h->Serialize();
  Check(again == bytes, "Serialize() of an accepted histogram differs from its bytes");
  const auto back = Histogram::Deserialize(again);
  Check(back.has_value() && *back == *h, "Deserialize(Serialize(h)) != h");
  CheckQueries(*h);

  Histogram merged = *h;
  Check(merged.Merge(Histogram(h->precision_bits())) && merged == *h,
        "merging an empty histogram changed it");
  Histogram other_precision(h->precision_bits() == 7 ? 8 : 7);
  other_precision.Record(1);
  Check(!merged.Merge(other_precision) && merged == *h,
        "a merge across precisions was not refused, or changed the histogram");

  if (merged.Merge(*h)) {
    Check(merged.Count() == 2 * h->Count(), "self-merge did not double Count()");
    Check(merged.Min() == h->Min() && merged.Max() == h->Max(), "self-merge moved Min or Max");
    Check(NearlyEqual(merged.Mean(), h->Mean()), "self-merge changed Mean()");
    CheckQueries(merged);
    const auto merged_back = Histogram::Deserialize(merged.Serialize());
    Check(merged_back.has_value() && *merged_back == merged,
          "a merged histogram does not round-trip");
  } else {
    Check(h->Count() > UINT64_MAX - h->Count(), "self-merge refused without overflow");
    Check(merged == *h, "a refused merge changed the histogram");
  }

  // A value from the input itself (its first bytes), recorded into a copy and merged back.
  uint64_t value = 0;
  for (size_t i = 0; i < size && i < 8; ++i) value = (value << 8) | data[i];
  Histogram one(h->precision_bits());
  one.Record(value);
  Histogram sum = *h;
  if (sum.Merge(one)) {
    Check(sum.Count() == h->Count() + 1, "merging one value did not add one to Count()");
    Check(sum.Min() == std::min(h->Count() ? h->Min() : value, value) &&
              sum.Max() == std::max(h->Max(), value),
          "merging one value set Min or Max wrongly");
    CheckQueries(sum);
  } else {
    Check(h->Count() == UINT64_MAX, "merging one value refused without overflow");
  }
  return 0;
}
