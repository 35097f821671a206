#include "common/stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace archload::stats {
namespace {

// Exact percentile of a sorted sample by the definition the histogram documents: the smallest
// value such that at least p% of the sample is <= it. p comes scaled by 10^4 so that the rank,
// ceil(p/100 * n), is computed in integers and cannot share a rounding quirk with the histogram.
uint64_t ExactPercentile(const std::vector<uint64_t>& sorted, uint64_t p_times_1e4) {
  const uint64_t n = sorted.size();
  uint64_t rank = (p_times_1e4 * n + 999'999) / 1'000'000;  // ceil(p/100 * n)
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

Histogram Build(const std::vector<uint64_t>& values, int precision) {
  Histogram h(precision);
  for (uint64_t v : values) h.Record(v);
  return h;
}

// Samples shared by the accuracy, merge and serialization tests: generated once per process with
// fixed seeds, then sorted for exact reference percentiles.
struct Sample {
  std::string name;
  std::vector<uint64_t> values;  // in recording order
  std::vector<uint64_t> sorted;
};

const std::vector<Sample>& Samples() {
  static const auto* samples = [] {
    constexpr size_t kN = 1'000'000;
    auto* out = new std::vector<Sample>();
    std::mt19937_64 rng(20240611);
    auto add = [&](std::string name, auto&& draw) {
      Sample s{std::move(name), {}, {}};
      s.values.reserve(kN);
      for (size_t i = 0; i < kN; ++i) s.values.push_back(draw());
      s.sorted = s.values;
      std::sort(s.sorted.begin(), s.sorted.end());
      out->push_back(std::move(s));
    };
    // Latencies in nanoseconds: exponential with a 1 ms mean; lognormal with a ~2 ms median and
    // a heavy tail reaching seconds; uniform from 1 µs to 1 s.
    std::exponential_distribution<double> exponential(1.0 / 1e6);
    add("exponential", [&] { return static_cast<uint64_t>(exponential(rng)); });
    std::lognormal_distribution<double> lognormal(std::log(2e6), 1.5);
    add("lognormal", [&] { return static_cast<uint64_t>(lognormal(rng)); });
    std::uniform_int_distribution<uint64_t> uniform(1'000, 1'000'000'000);
    add("uniform", [&] { return uniform(rng); });
    return out;
  }();
  return *samples;
}

TEST(Histogram, DefaultPrecisionIsSevenAndInvalidPrecisionsThrow) {
  EXPECT_EQ(Histogram().precision_bits(), 7);
  EXPECT_EQ(Histogram(1).precision_bits(), 1);
  EXPECT_EQ(Histogram(12).precision_bits(), 12);
  EXPECT_THROW(Histogram(0), std::invalid_argument);
  EXPECT_THROW(Histogram(13), std::invalid_argument);
  EXPECT_THROW(Histogram(-1), std::invalid_argument);
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  const Histogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Min(), 0u);
  EXPECT_EQ(h.Max(), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.ValueAtPercentile(p), 0u) << p;
  EXPECT_EQ(h, Histogram());
  EXPECT_FALSE(h == Histogram(8));  // precision is part of identity even when empty
  const auto back = Histogram::Deserialize(h.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, h);
  EXPECT_EQ(back->precision_bits(), 7);
}

TEST(Histogram, ValuesInTheExactRangeAreExactAtEveryPrecision) {
  for (int p = 1; p <= 12; ++p) {
    // Each value below 2^(p+1) has its own bucket, so the value at rank r of 0..n-1 is exactly
    // r - 1; a wider bucket would report its highest value instead.
    const uint64_t n = uint64_t{2} << p;
    Histogram h(p);
    for (uint64_t v = 0; v < n; ++v) h.Record(v);
    for (uint64_t rank = 1; rank <= n; ++rank) {
      ASSERT_EQ(h.ValueAtPercentile(100.0 * static_cast<double>(rank) / static_cast<double>(n)),
                rank - 1)
          << "p=" << p;
    }
    EXPECT_EQ(h.Mean(), static_cast<double>(n - 1) / 2) << "p=" << p;
  }
}

TEST(Histogram, SmallValuePercentilesFollowTheCeilRankDefinition) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(0), 1u);
  EXPECT_EQ(h.ValueAtPercentile(0.5), 1u);
  EXPECT_EQ(h.ValueAtPercentile(1), 1u);
  EXPECT_EQ(h.ValueAtPercentile(1.01), 2u);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(50.5), 51u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(99.01), 100u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);

  // Decimal percentiles must not round up to the next rank: 99.9% of 1000 is exactly rank 999.
  // (Precision 10 keeps 1..1000 in the exact range.)
  Histogram k(10);
  for (uint64_t v = 1; v <= 1000; ++v) k.Record(v);
  EXPECT_EQ(k.ValueAtPercentile(99.9), 999u);
  EXPECT_EQ(k.ValueAtPercentile(0.1), 1u);
  EXPECT_EQ(k.ValueAtPercentile(70.0), 700u);
}

TEST(Histogram, PercentileArgumentsOutsideTheRangeClamp) {
  Histogram h;
  for (uint64_t v : {10u, 20u, 30u}) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(-5), 10u);
  EXPECT_EQ(h.ValueAtPercentile(250), 30u);
  EXPECT_EQ(h.ValueAtPercentile(std::numeric_limits<double>::infinity()), 30u);
  EXPECT_EQ(h.ValueAtPercentile(-std::numeric_limits<double>::infinity()), 10u);
  EXPECT_EQ(h.ValueAtPercentile(std::numeric_limits<double>::quiet_NaN()), 10u);
}

// The reported value for a lone value v (with a far larger value keeping clamping out of the way)
// is its bucket's highest value, which must lie in [v, v + v * 2^-p).
TEST(Histogram, BucketWidthRespectsTheRelativeErrorBoundInEveryOctave) {
  std::mt19937_64 rng(7);
  for (int p = 1; p <= 12; ++p) {
    double max_error = 0;
    Histogram h(p);
    for (int k = 0; k < 64; ++k) {
      const uint64_t base = uint64_t{1} << k;
      std::vector<uint64_t> probes = {base, base + 1, base - 1, base + (base >> 1),
                                      base | (base - 1)};
      for (int i = 0; i < 4; ++i) probes.push_back(base | (rng() & (base - 1)));
      for (uint64_t v : probes) {
        h.Reset();
        h.Record(v);
        h.Record(v < (uint64_t{1} << 62) ? 2 * v + 2 : UINT64_MAX);  // in a later bucket
        const uint64_t got = h.ValueAtPercentile(50);
        ASSERT_GE(got, v) << "p=" << p << " v=" << v;
        ASSERT_LE(got - v, v >> p) << "p=" << p << " v=" << v;
        if (v > 0) max_error = std::max(max_error, static_cast<double>(got - v) / v);
      }
    }
    EXPECT_LE(max_error, std::ldexp(1.0, -p)) << "p=" << p;
    // The bound is tight-ish: a scheme far coarser or finer than advertised would show here.
    EXPECT_GT(max_error, std::ldexp(1.0, -p) / 2) << "p=" << p;
  }
}

TEST(Histogram, MinAndMaxAreExact) {
  std::mt19937_64 rng(11);
  Histogram h(3);  // coarse buckets, so a bucket-derived min/max would be visibly wrong
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t v = rng() >> (rng() % 64);
    h.Record(v);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_EQ(h.Min(), lo);
  EXPECT_EQ(h.Max(), hi);
  EXPECT_EQ(h.ValueAtPercentile(0), lo);
  EXPECT_EQ(h.ValueAtPercentile(100), hi);

  // At precision 1, 1000 lies in bucket [768, 1023]: p0 must still be the exact minimum rather
  // than that bucket's highest value.
  Histogram coarse(1);
  coarse.Record(1000);
  coarse.Record(5000);
  EXPECT_EQ(coarse.ValueAtPercentile(0), 1000u);
  EXPECT_EQ(coarse.ValueAtPercentile(50), 1023u);
  EXPECT_EQ(coarse.ValueAtPercentile(100), 5000u);

  Histogram one;
  one.Record(123'456'789);
  EXPECT_EQ(one.Min(), 123'456'789u);
  EXPECT_EQ(one.Max(), 123'456'789u);
  EXPECT_EQ(one.ValueAtPercentile(50), 123'456'789u);  // clamped into [min, max]
  EXPECT_EQ(one.Mean(), 123'456'789.0);
}

class HistogramAccuracy : public ::testing::TestWithParam<int> {};

TEST_P(HistogramAccuracy, PercentilesAndMeanMatchLargeRandomSamples) {
  const int precision = GetParam();
  const double bound = std::ldexp(1.0, -precision);
  // Percentiles in units of 1e-4 %, so the reference rank is exact integer arithmetic.
  const std::vector<uint64_t> percentiles_e4 = {0,       10'000,  250'000, 500'000, 900'000,
                                                990'000, 999'000, 999'900, 999'990, 1'000'000};
  double max_error = 0;
  for (const Sample& s : Samples()) {
    const Histogram h = Build(s.values, precision);
    ASSERT_EQ(h.Count(), s.values.size());
    EXPECT_EQ(h.Min(), s.sorted.front()) << s.name;
    EXPECT_EQ(h.Max(), s.sorted.back()) << s.name;
    uint64_t previous = 0;
    for (uint64_t pe4 : percentiles_e4) {
      const double p = static_cast<double>(pe4) / 1e4;
      const uint64_t exact = ExactPercentile(s.sorted, pe4);
      const uint64_t got = h.ValueAtPercentile(p);
      // Highest-equivalent reporting: never below the true value, at most one bucket above.
      EXPECT_GE(got, exact) << s.name << " p" << p;
      EXPECT_LE(static_cast<double>(got - std::min(got, exact)), bound * exact)
          << s.name << " p" << p << " exact " << exact << " got " << got;
      EXPECT_GE(got, previous) << s.name << " p" << p << ": percentiles must be monotonic";
      previous = got;
      if (exact > 0) {
        max_error = std::max(max_error, std::abs(static_cast<double>(got) - exact) / exact);
      }
    }
    long double sum = 0;
    for (uint64_t v : s.values) sum += v;
    const double exact_mean = static_cast<double>(sum / s.values.size());
    // Midpoints are off by at most half a bucket, i.e. 2^-(p+1) of each value.
    EXPECT_NEAR(h.Mean(), exact_mean, exact_mean * bound / 2) << s.name;
  }
  EXPECT_LE(max_error, bound);
  RecordProperty("max_relative_error", std::to_string(max_error));
  std::printf("precision %d: max relative percentile error %.5f%% (bound %.5f%%)\n", precision,
              100 * max_error, 100 * bound);
}

INSTANTIATE_TEST_SUITE_P(Histogram, HistogramAccuracy, ::testing::Values(1, 4, 7, 10, 12));

TEST(Histogram, MergingHalvesEqualsRecordingEverything) {
  for (const Sample& s : Samples()) {
    const size_t half = s.values.size() / 2;
    Histogram first, second;
    for (size_t i = 0; i < half; ++i) first.Record(s.values[i]);
    for (size_t i = half; i < s.values.size(); ++i) second.Record(s.values[i]);
    const Histogram all = Build(s.values, 7);
    ASSERT_FALSE(first == all);
    ASSERT_TRUE(first.Merge(second));
    EXPECT_EQ(first, all) << s.name;
    EXPECT_EQ(first.ValueAtPercentile(99.9), all.ValueAtPercentile(99.9));

    Histogram empty;
    ASSERT_TRUE(empty.Merge(all));
    EXPECT_EQ(empty, all) << "merging into an empty histogram copies it";
  }
}

TEST(Histogram, MergeOfEmptyOrSelf) {
  Histogram h;
  h.Record(5);
  h.Record(5000);
  const Histogram before = h;
  ASSERT_TRUE(h.Merge(Histogram()));
  EXPECT_EQ(h, before);
  EXPECT_EQ(h.Min(), 5u) << "an empty histogram's sentinel min must not leak in";

  ASSERT_TRUE(h.Merge(h));
  Histogram doubled;
  doubled.RecordN(5, 2);
  doubled.RecordN(5000, 2);
  EXPECT_EQ(h, doubled);
}

TEST(Histogram, MergeRefusesDifferentPrecisionAndChangesNothing) {
  Histogram a(7), b(8);
  a.Record(100);
  b.Record(1'000'000);
  const Histogram before = a;
  EXPECT_FALSE(a.Merge(b));
  EXPECT_EQ(a, before);
  EXPECT_EQ(a.Max(), 100u);
  EXPECT_FALSE(b.Merge(a));
  EXPECT_EQ(b.Count(), 1u);
}

TEST(Histogram, CountsSaturateInsteadOfWrapping) {
  Histogram h;
  h.RecordN(5, UINT64_MAX - 1);
  h.RecordN(6, 10);  // only one more fits
  EXPECT_EQ(h.Count(), UINT64_MAX);
  h.Record(1'000'000);  // nothing fits: must not move max either
  EXPECT_EQ(h.Count(), UINT64_MAX);
  EXPECT_EQ(h.Max(), 6u);
  EXPECT_EQ(h.ValueAtPercentile(100), 6u);
  EXPECT_EQ(h.ValueAtPercentile(50), 5u);
  const auto back = Histogram::Deserialize(h.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, h);

  // A merge that would overflow the total is refused whole rather than applied partially.
  Histogram other;
  other.Record(7);
  const Histogram before = h;
  EXPECT_FALSE(h.Merge(other));
  EXPECT_EQ(h, before);
}

TEST(Histogram, RecordNEqualsRepeatedRecord) {
  Histogram bulk, single;
  bulk.RecordN(123, 1000);
  bulk.RecordN(987'654'321, 3);
  for (int i = 0; i < 1000; ++i) single.Record(123);
  for (int i = 0; i < 3; ++i) single.Record(987'654'321);
  EXPECT_EQ(bulk, single);
  EXPECT_EQ(bulk.Count(), 1003u);
  EXPECT_EQ(bulk.ValueAtPercentile(99.7), 123u);
  EXPECT_EQ(bulk.ValueAtPercentile(99.8), 987'654'321u);

  Histogram zero;
  zero.RecordN(42, 0);
  EXPECT_EQ(zero.Count(), 0u);
  EXPECT_EQ(zero.Min(), 0u);
  EXPECT_EQ(zero.Max(), 0u);
  EXPECT_EQ(zero, Histogram()) << "a zero-count record must not touch min/max";
}

TEST(Histogram, ResetRestoresAFreshHistogram) {
  Histogram h(9);
  for (uint64_t v = 1; v < 1'000'000'000; v *= 3) h.Record(v);
  ASSERT_GT(h.Count(), 0u);
  h.Reset();
  EXPECT_EQ(h, Histogram(9));
  EXPECT_EQ(h.precision_bits(), 9);
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Min(), 0u);
  EXPECT_EQ(h.Max(), 0u);
  EXPECT_EQ(h.Mean(), 0.0);
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  h.Record(77);
  Histogram fresh(9);
  fresh.Record(77);
  EXPECT_EQ(h, fresh);
  EXPECT_EQ(h.Min(), 77u) << "min must restart after a reset";
}

TEST(Histogram, EqualityIsBucketWise) {
  // At precision 1, 96..127 share one bucket; 100 and 110 are indistinguishable once recorded.
  Histogram a(1), b(1);
  for (uint64_t v : {100u, 101u, 120u}) a.Record(v);
  for (uint64_t v : {120u, 110u, 100u}) b.Record(v);
  EXPECT_EQ(a, b);

  Histogram c(7), d(7);
  for (uint64_t v : {10u, 11u, 12u}) c.Record(v);
  for (uint64_t v : {10u, 12u, 12u}) d.Record(v);
  EXPECT_FALSE(c == d) << "same count, min and max but different buckets";
  Histogram e(7);
  for (uint64_t v : {10u, 11u, 13u}) e.Record(v);
  EXPECT_FALSE(c == e) << "different max";
  Histogram f(7);
  for (uint64_t v : {9u, 11u, 12u}) f.Record(v);
  EXPECT_FALSE(c == f) << "different min";
  Histogram g(7);
  for (uint64_t v : {10u, 11u, 12u, 12u}) g.Record(v);
  EXPECT_FALSE(c == g) << "different count";
}

TEST(Histogram, HugeValuesNearTheTopOfTheRange) {
  for (int p : {1, 7, 12}) {
    Histogram h(p);
    const std::vector<uint64_t> values = {UINT64_MAX, UINT64_MAX - 1, uint64_t{1} << 63,
                                          (uint64_t{1} << 63) - 1, 0};
    for (uint64_t v : values) h.Record(v);
    EXPECT_EQ(h.Min(), 0u);
    EXPECT_EQ(h.Max(), UINT64_MAX);
    EXPECT_EQ(h.ValueAtPercentile(100), UINT64_MAX);
    EXPECT_EQ(h.ValueAtPercentile(90), UINT64_MAX);  // rank 5 of 5
    const uint64_t p60 = h.ValueAtPercentile(60);    // rank 3: 2^63
    EXPECT_GE(p60, uint64_t{1} << 63);
    EXPECT_LE(p60 - (uint64_t{1} << 63), (uint64_t{1} << 63) >> p);
    const uint64_t p40 = h.ValueAtPercentile(40);  // rank 2: 2^63 - 1
    EXPECT_GE(p40, (uint64_t{1} << 63) - 1);
    EXPECT_LE(p40 - ((uint64_t{1} << 63) - 1), ((uint64_t{1} << 63) - 1) >> p);
    const double exact_mean = 3.0 * std::ldexp(1.0, 64) / 5;
    EXPECT_TRUE(std::isfinite(h.Mean()));
    EXPECT_NEAR(h.Mean(), exact_mean, exact_mean * std::ldexp(1.0, -p));
    const auto back = Histogram::Deserialize(h.Serialize());
    ASSERT_TRUE(back.has_value()) << "p=" << p;
    EXPECT_EQ(*back, h);
    EXPECT_EQ(back->Max(), UINT64_MAX);
  }
}

TEST(Histogram, SerializeRoundTripsAndIsCanonical) {
  std::vector<Histogram> cases;
  cases.emplace_back(7);
  cases.emplace_back(1);
  cases.back().Record(0);
  cases.emplace_back(12);
  cases.back().RecordN(UINT64_MAX, 3);
  for (const Sample& s : Samples()) {
    for (int p : {1, 7, 12}) cases.push_back(Build(s.values, p));
  }
  for (const Histogram& h : cases) {
    const std::string bytes = h.Serialize();
    const auto back = Histogram::Deserialize(bytes);
    ASSERT_TRUE(back.has_value()) << "precision " << h.precision_bits() << " count " << h.Count();
    EXPECT_EQ(*back, h);
    EXPECT_EQ(back->Count(), h.Count());
    EXPECT_EQ(back->Min(), h.Min());
    EXPECT_EQ(back->Max(), h.Max());
    EXPECT_EQ(back->Mean(), h.Mean());
    EXPECT_EQ(back->ValueAtPercentile(99.99), h.ValueAtPercentile(99.99));
    EXPECT_EQ(back->Serialize(), bytes);
  }
}

TEST(Histogram, SerializedLatencyHistogramIsCompact) {
  const Histogram h = Build(Samples()[1].values, 7);  // lognormal: the widest spread
  const size_t size = h.Serialize().size();
  std::printf("serialized 1M-sample lognormal latency histogram (p=7): %zu bytes\n", size);
  RecordProperty("serialized_bytes", std::to_string(size));
  // Sparse varint pairs: a few bytes per occupied bucket, far below 8 bytes per bucket.
  EXPECT_LT(size, 6'000u);
}

TEST(Histogram, WireFormatIsPinned) {
  // Other processes decode this; a change here needs a new version byte, not an edit.
  Histogram h(7);
  h.RecordN(3, 2);
  h.Record(300);  // bucket index (1 << 7) + (300 >> 1) = 278, covering 300..301
  const std::string expected = {
      '\xA1', '\x07',                  // version 1, precision 7
      '\x03', '\x03', '\xAC', '\x02',  // count 3, min 3, max 300
      '\x03', '\x02',                  // bucket 3 (gap 3 from start): 2
      '\x92', '\x02', '\x01',          // bucket 278 (gap 274 from 4): 1
  };
  EXPECT_EQ(h.Serialize(), expected);
  const auto back = Histogram::Deserialize(expected);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, h);
}

TEST(Histogram, EveryTruncationIsRejected) {
  std::vector<Histogram> cases = {Build(Samples()[0].values, 7)};
  cases.emplace_back(3);
  cases.back().Record(UINT64_MAX);  // 10-byte varints
  cases.back().Record(1);
  for (const Histogram& h : cases) {
    const std::string bytes = h.Serialize();
    for (size_t len = 0; len < bytes.size(); ++len) {
      ASSERT_FALSE(Histogram::Deserialize(std::string_view(bytes).substr(0, len)).has_value())
          << "prefix of " << len << " of " << bytes.size() << " bytes accepted";
    }
  }
}

std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}

// Builds a v1 message from its fields, so each malformation below differs from a valid message in
// exactly one respect.
std::string Message(int precision, uint64_t count, uint64_t min, uint64_t max,
                    const std::vector<std::pair<uint64_t, uint64_t>>& gap_counts) {
  std::string out = {'\xA1', static_cast<char>(precision)};
  out += Varint(count) + Varint(min) + Varint(max);
  for (auto [gap, n] : gap_counts) out += Varint(gap) + Varint(n);
  return out;
}

TEST(Histogram, MalformedInputsAreRejected) {
  // The baseline is valid, so each rejection below is due to its single change.
  ASSERT_TRUE(Histogram::Deserialize(Message(7, 3, 3, 300, {{3, 2}, {274, 1}})).has_value());
  ASSERT_TRUE(Histogram::Deserialize(Message(7, 0, 0, 0, {})).has_value());
  ASSERT_TRUE(Histogram::Deserialize(Message(7, 1, UINT64_MAX, UINT64_MAX, {{(58 << 7) - 1, 1}}))
                  .has_value());

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"empty input", ""},
      {"version only", "\xA1"},
      {"wrong version", "\xA2" + Message(7, 3, 3, 300, {{3, 2}, {274, 1}}).substr(1)},
      {"precision 0", Message(0, 3, 3, 300, {{3, 2}, {274, 1}})},
      {"precision 13", Message(13, 3, 3, 300, {{3, 2}, {274, 1}})},
      {"count too high", Message(7, 4, 3, 300, {{3, 2}, {274, 1}})},
      {"count too low", Message(7, 2, 3, 300, {{3, 2}, {274, 1}})},
      {"min above max", Message(7, 3, 301, 300, {{3, 2}, {274, 1}})},
      {"min outside first bucket", Message(7, 3, 4, 300, {{3, 2}, {274, 1}})},
      {"max outside last bucket", Message(7, 3, 3, 302, {{3, 2}, {274, 1}})},
      {"zero bucket count", Message(7, 3, 3, 300, {{3, 2}, {0, 0}, {273, 1}})},
      {"empty with min", Message(7, 0, 1, 1, {})},
      {"empty with buckets", Message(7, 0, 0, 0, {{0, 1}})},
      {"count without buckets", Message(7, 5, 5, 5, {})},
      {"trailing byte", Message(7, 3, 3, 300, {{3, 2}, {274, 1}}) + '\x00'},
      // Index past the last bucket of precision 7 ((65 - 7) << 7 buckets), and gaps that would
      // wrap a size_t if added unchecked.
      {"index out of range", Message(7, 1, UINT64_MAX, UINT64_MAX, {{58 << 7, 1}})},
      {"huge gap", Message(7, 2, 0, 0, {{0, 1}, {UINT64_MAX, 1}})},
      {"gap wrapping to a small index", Message(7, 2, 0, 1, {{1, 1}, {UINT64_MAX - 1, 1}})},
      // Counts whose sum wraps around to the declared count.
      {"count sum overflow", Message(7, 1, 0, 1, {{0, UINT64_MAX}, {0, 2}})},
      {"overlong varint", std::string("\xA1\x07\x80\x00", 4) + Message(7, 0, 0, 0, {}).substr(3)},
      {"varint past 64 bits", std::string("\xA1\x07") + std::string(9, '\xFF') + "\x02\x00\x00"},
      {"unterminated varint", std::string("\xA1\x07") + std::string(11, '\xFF')},
  };
  for (const auto& [what, bytes] : bad) {
    EXPECT_FALSE(Histogram::Deserialize(bytes).has_value()) << what;
  }
}

// Whatever Deserialize accepts must behave like a histogram built by recording.
void ExpectSane(const Histogram& h) {
  ASSERT_GE(h.Max(), h.Min());
  if (h.Count() > 0) {
    uint64_t previous = h.Min();
    for (double p : {0.0, 10.0, 50.0, 99.0, 100.0}) {
      const uint64_t v = h.ValueAtPercentile(p);
      ASSERT_GE(v, previous);
      ASSERT_LE(v, h.Max());
      previous = v;
    }
    ASSERT_GE(h.Mean(), static_cast<double>(h.Min()));
    ASSERT_LE(h.Mean(), static_cast<double>(h.Max()));
  }
  const auto again = Histogram::Deserialize(h.Serialize());
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(*again, h);
}

TEST(Histogram, CorruptedInputsNeverCrashAndAcceptedOnesAreSane) {
  std::mt19937_64 rng(99);
  Histogram source(5);
  for (int i = 0; i < 5'000; ++i) source.Record(rng() % 10'000'000);
  const std::string good = source.Serialize();
  int accepted = 0;
  for (int trial = 0; trial < 20'000; ++trial) {
    std::string bytes = good;
    switch (trial % 4) {
      case 0:  // one bit flip
        bytes[rng() % bytes.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 1:  // a few random bytes
        for (int i = 0, n = 1 + static_cast<int>(rng() % 4); i < n; ++i) {
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
        }
        break;
      case 2:  // insertion or deletion, shifting every later varint
        if (rng() % 2) {
          bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(rng() % bytes.size()),
                       static_cast<char>(rng()));
        } else {
          bytes.erase(rng() % bytes.size(), 1);
        }
        break;
      default:  // pure garbage after a valid-looking header
        bytes.resize(2 + rng() % 64);
        for (size_t i = 2; i < bytes.size(); ++i) bytes[i] = static_cast<char>(rng());
        bytes[1] = static_cast<char>(1 + rng() % 12);
        break;
    }
    const auto h = Histogram::Deserialize(bytes);
    if (h.has_value()) {
      ++accepted;
      ExpectSane(*h);
      if (HasFatalFailure()) {
        ADD_FAILURE() << "trial " << trial;
        return;
      }
    }
  }
  // The checks (count sum, min/max buckets, canonical varints) catch nearly all damage; what gets
  // through is undetectable without a checksum (e.g. a gap change that moves one bucket), and
  // some must get through or the sanity checks above were never exercised.
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 500);
}

}  // namespace
}  // namespace archload::stats
