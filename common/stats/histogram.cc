#include "common/stats/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <stdexcept>

namespace archload::stats {
namespace {

// Bucketing scheme, with p = precision_bits and shift(v) = max(0, bit_width(v) - 1 - p):
//
//   index(v) = (shift << p) + (v >> shift)
//
// For v < 2^(p+1) the shift is 0 and index(v) == v, so those values are recorded exactly (one
// bucket per value, which covers the required exact range below 2^p). Each higher octave
// [2^k, 2^(k+1)) has shift = k - p and is split into 2^p sub-buckets of width 2^shift whose
// lowest value is m << shift with m in [2^p, 2^(p+1)); the relative error width / lowest is
// therefore 1/m <= 2^-p. Consecutive octaves occupy consecutive index ranges, so the index space
// is dense: (65 - p) << p buckets cover all of uint64 (at most 217,088 for p = 12), which bounds
// every allocation, including those driven by untrusted serialized input.
constexpr int kMinPrecision = 1;
constexpr int kMaxPrecision = 12;

size_t IndexOf(uint64_t value, int p) {
  const int shift = std::max(0, static_cast<int>(std::bit_width(value)) - 1 - p);
  return (static_cast<size_t>(shift) << p) + static_cast<size_t>(value >> shift);
}

size_t NumBuckets(int p) { return static_cast<size_t>(65 - p) << p; }

uint64_t LowestOf(size_t index, int p) {
  if (index < (size_t{2} << p)) return index;
  const int shift = static_cast<int>(index >> p) - 1;
  const uint64_t mantissa = (index & ((size_t{1} << p) - 1)) | (size_t{1} << p);
  return mantissa << shift;
}

uint64_t HighestOf(size_t index, int p) {
  if (index < (size_t{2} << p)) return index;
  const int shift = static_cast<int>(index >> p) - 1;
  // Cannot overflow: the top bucket's highest value is exactly UINT64_MAX.
  return LowestOf(index, p) + ((uint64_t{1} << shift) - 1);
}

// Wire format, version 1:
//   byte   kFormatV1
//   byte   precision_bits
//   varint count, varint min, varint max   (min = max = 0 when empty)
//   then, for each non-zero bucket in increasing index order:
//   varint gap, varint bucket count        (gap = index - previous index - 1, previous = -1)
// Varints are unsigned LEB128. The pair list runs to the end of the input; no pair count is needed
// because bucket counts are non-zero and must sum to `count`, so losing any pair is detected.
constexpr uint8_t kFormatV1 = 0xA1;

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Accepts only canonical encodings (no redundant trailing zero groups, nothing past bit 63), so
// every histogram has exactly one serialized form and re-serializing reproduces the input.
bool GetVarint(std::string_view in, size_t& pos, uint64_t& v) {
  v = 0;
  for (int i = 0; i < 10; ++i) {
    if (pos >= in.size()) return false;
    const auto byte = static_cast<uint8_t>(in[pos++]);
    if (i == 9 && byte > 1) return false;
    v |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) return i == 0 || byte != 0;
  }
  return false;
}

}  // namespace

Histogram::Histogram(int precision_bits) : precision_bits_(precision_bits) {
  if (precision_bits < kMinPrecision || precision_bits > kMaxPrecision) {
    throw std::invalid_argument("Histogram precision_bits must be in [1, 12], got " +
                                std::to_string(precision_bits));
  }
}

size_t Histogram::BucketIndex(uint64_t value) const { return IndexOf(value, precision_bits_); }
uint64_t Histogram::BucketLowest(size_t index) const { return LowestOf(index, precision_bits_); }
uint64_t Histogram::BucketHighest(size_t index) const { return HighestOf(index, precision_bits_); }

void Histogram::RecordN(uint64_t value, uint64_t count) {
  // Saturate rather than wrap so that the bucket counts always sum to count_ (the invariant
  // Deserialize checks); 2^64 samples is unreachable in practice anyway.
  count = std::min(count, UINT64_MAX - count_);
  if (count == 0) return;
  const size_t index = BucketIndex(value);
  if (index >= counts_.size()) counts_.resize(index + 1);
  counts_[index] += count;
  count_ += count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

bool Histogram::Merge(const Histogram& other) {
  if (other.precision_bits_ != precision_bits_) return false;
  // Refusing is the only way to keep "changes nothing on failure" and the sum invariant together.
  if (other.count_ > UINT64_MAX - count_) return false;
  if (other.count_ == 0) return true;
  const size_t n = other.counts_.size();  // read before resizing: `other` may be *this
  if (n > counts_.size()) counts_.resize(n);
  for (size_t i = 0; i < n; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return true;
}

bool Histogram::Subtract(const Histogram& earlier) {
  if (earlier.precision_bits_ != precision_bits_ || earlier.count_ > count_) return false;
  for (size_t i = 0; i < earlier.counts_.size(); ++i) {
    const uint64_t mine = i < counts_.size() ? counts_[i] : 0;
    if (earlier.counts_[i] > mine) return false;
  }
  // Past counts_.size() `earlier` holds only zeros (checked above). Each index is read before
  // it is written, so `earlier` may be *this (the result is empty).
  const size_t n = std::min(counts_.size(), earlier.counts_.size());
  for (size_t i = 0; i < n; ++i) counts_[i] -= earlier.counts_[i];
  count_ -= earlier.count_;
  if (count_ == 0) {
    Reset();
    return true;
  }
  size_t first = 0;
  while (counts_[first] == 0) ++first;
  size_t last = counts_.size() - 1;
  while (counts_[last] == 0) --last;
  counts_.resize(last + 1);
  // Every value left was recorded after `earlier`, so it lies within [min_, max_] as well as in
  // the buckets that still count it.
  min_ = std::max(BucketLowest(first), min_);
  max_ = std::min(BucketHighest(last), max_);
  return true;
}

void Histogram::Reset() {
  count_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  counts_.clear();
}

uint64_t Histogram::Min() const { return count_ == 0 ? 0 : min_; }
uint64_t Histogram::Max() const { return count_ == 0 ? 0 : max_; }

double Histogram::Mean() const {
  if (count_ == 0) return 0.0;
  double sum = 0.0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    // Narrowing each bucket to [min, max] makes the edge buckets exact when they hold a single
    // distinct value (e.g. a constant latency), at no cost elsewhere.
    const uint64_t lo = std::max(BucketLowest(i), min_);
    const uint64_t hi = std::min(BucketHighest(i), max_);
    const double mid = static_cast<double>(lo) + static_cast<double>(hi - lo) / 2.0;
    sum += static_cast<double>(counts_[i]) * mid;
  }
  return sum / static_cast<double>(count_);
}

// Reports the bucket's highest equivalent value (as HdrHistogram does): it never under-reports,
// so "at least p% of values are <= v" holds for the returned v, and the over-report is below one
// bucket width, i.e. within 2^-p of the true sample percentile.
uint64_t Histogram::ValueAtPercentile(double p) const {
  if (count_ == 0) return 0;
  if (!(p > 0.0)) return Min();  // also catches NaN
  if (p >= 100.0) return Max();
  const double target = p / 100.0 * static_cast<double>(count_);
  // The slack (a few ulps) stops decimal percentiles such as 99.9 from rounding just above an
  // integer rank and skipping to the next value.
  const double ranked = std::ceil(target * (1.0 - 1e-15));
  uint64_t rank = 1;
  if (ranked >= static_cast<double>(count_)) {
    rank = count_;
  } else if (ranked > 1.0) {
    rank = static_cast<uint64_t>(ranked);
  }
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    if (cumulative >= rank) return std::clamp(BucketHighest(i), min_, max_);
  }
  return Max();  // unreachable while bucket counts sum to count_
}

std::vector<uint64_t> Histogram::CountsAtOrBelow(const std::vector<uint64_t>& edges) const {
  std::vector<uint64_t> out(edges.size(), 0);
  size_t bucket = 0;
  uint64_t below = 0;  // values in the buckets before `bucket`
  for (size_t e = 0; e < edges.size(); ++e) {
    const uint64_t edge = edges[e];
    // Every bucket wholly at or below the edge counts in full.
    while (bucket < counts_.size() && BucketHighest(bucket) <= edge) below += counts_[bucket++];
    uint64_t share = 0;
    if (bucket < counts_.size() && counts_[bucket] > 0 && BucketLowest(bucket) <= edge) {
      const uint64_t lo = BucketLowest(bucket);
      const double width = static_cast<double>(BucketHighest(bucket) - lo) + 1.0;
      const double part = static_cast<double>(edge - lo + 1) / width;
      share = static_cast<uint64_t>(std::floor(static_cast<double>(counts_[bucket]) * part));
    }
    out[e] = below + share;
  }
  return out;
}

double Histogram::SumEstimate() const {
  double sum = 0.0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const uint64_t lo = BucketLowest(i);
    const double mid = static_cast<double>(lo) + static_cast<double>(BucketHighest(i) - lo) / 2.0;
    sum += static_cast<double>(counts_[i]) * mid;
  }
  return sum;
}

std::string Histogram::Serialize() const {
  std::string out;
  out.push_back(static_cast<char>(kFormatV1));
  out.push_back(static_cast<char>(precision_bits_));
  PutVarint(out, count_);
  PutVarint(out, Min());
  PutVarint(out, Max());
  size_t next = 0;  // index just past the previous non-zero bucket
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    PutVarint(out, i - next);
    PutVarint(out, counts_[i]);
    next = i + 1;
  }
  return out;
}

std::optional<Histogram> Histogram::Deserialize(std::string_view bytes) {
  if (bytes.size() < 2 || static_cast<uint8_t>(bytes[0]) != kFormatV1) return std::nullopt;
  const int precision = static_cast<uint8_t>(bytes[1]);
  if (precision < kMinPrecision || precision > kMaxPrecision) return std::nullopt;
  size_t pos = 2;
  uint64_t count = 0, min = 0, max = 0;
  if (!GetVarint(bytes, pos, count) || !GetVarint(bytes, pos, min) || !GetVarint(bytes, pos, max)) {
    return std::nullopt;
  }
  if (min > max) return std::nullopt;

  Histogram h(precision);
  if (count == 0) {
    if (min != 0 || max != 0 || pos != bytes.size()) return std::nullopt;
    return h;
  }
  // Every index is bounds-checked before use, so a hostile input can make the vector grow to at
  // most NumBuckets(precision) entries; the loop consumes at least two bytes per pair.
  const size_t limit = NumBuckets(precision);
  size_t next = 0;
  uint64_t sum = 0;
  while (pos < bytes.size()) {
    uint64_t gap = 0, n = 0;
    if (!GetVarint(bytes, pos, gap) || !GetVarint(bytes, pos, n)) return std::nullopt;
    if (gap >= limit - next || n == 0 || n > count - sum) return std::nullopt;
    const size_t index = next + static_cast<size_t>(gap);
    if (index >= h.counts_.size()) h.counts_.resize(index + 1);
    h.counts_[index] = n;
    sum += n;
    next = index + 1;
  }
  if (sum != count) return std::nullopt;
  // Min and max must fall in the first and last non-zero buckets, or percentile clamping and the
  // edge-bucket narrowing in Mean() would report values that were never recorded.
  const size_t first = static_cast<size_t>(
      std::find_if(h.counts_.begin(), h.counts_.end(), [](uint64_t c) { return c != 0; }) -
      h.counts_.begin());
  if (h.BucketIndex(min) != first || h.BucketIndex(max) != h.counts_.size() - 1) {
    return std::nullopt;
  }
  h.count_ = count;
  h.min_ = min;
  h.max_ = max;
  return h;
}

bool Histogram::operator==(const Histogram& other) const {
  if (precision_bits_ != other.precision_bits_ || count_ != other.count_ || Min() != other.Min() ||
      Max() != other.Max()) {
    return false;
  }
  const auto trimmed = [](const std::vector<uint64_t>& v) {
    size_t n = v.size();
    while (n > 0 && v[n - 1] == 0) --n;
    return n;
  };
  const size_t n = trimmed(counts_);
  if (n != trimmed(other.counts_)) return false;
  return std::equal(counts_.begin(), counts_.begin() + static_cast<std::ptrdiff_t>(n),
                    other.counts_.begin());
}

}  // namespace archload::stats
