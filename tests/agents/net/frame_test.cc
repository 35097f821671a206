#include "agents/net/frame.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace archload::agent {
namespace {

Frame Sample() {
  Frame f;
  f.kind = FrameKind::kResponse;
  f.request_class = 1;
  f.flags = kFlagLocalOnly;
  f.status = FrameStatus::kRejected;
  f.hit = true;
  f.target_group = 513;
  f.target_instance = 9999;
  f.request_id = 0x123456789ABCDEFULL;
  f.origin_ns = 1000;
  f.key = 0xFEDCBA9876543210ULL;
  f.AddHop(3, 7, 1000 + 5000);
  f.AddHop(4, 1, 1000 + 9000);
  return f;
}

TEST(Frame, RoundTrips) {
  std::string bytes;
  const Frame f = Sample();
  f.EncodeTo(bytes);
  ASSERT_EQ(bytes.size(), f.EncodedSize());
  Frame g;
  auto used = Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &g);
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, bytes.size());
  EXPECT_EQ(g.kind, FrameKind::kResponse);
  EXPECT_EQ(g.request_class, 1);
  EXPECT_EQ(g.flags, kFlagLocalOnly);
  EXPECT_EQ(g.status, FrameStatus::kRejected);
  EXPECT_TRUE(g.hit);
  EXPECT_EQ(g.target_group, 513);
  EXPECT_EQ(g.target_instance, 9999);
  EXPECT_EQ(g.request_id, f.request_id);
  EXPECT_EQ(g.origin_ns, 1000);
  EXPECT_EQ(g.key, f.key);
  ASSERT_EQ(g.trace_len, 2);
  EXPECT_EQ(g.trace[0].group, 3);
  EXPECT_EQ(g.trace[0].instance, 7);
  EXPECT_EQ(g.trace[0].arrive_us, 5u);
  EXPECT_EQ(g.trace[1].arrive_us, 9u);
}

TEST(Frame, PartialInputAsksForMore) {
  std::string bytes;
  Sample().EncodeTo(bytes);
  Frame g;
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto used = Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), n, &g);
    ASSERT_TRUE(used.has_value());
    EXPECT_EQ(*used, 0u) << n;
  }
}

TEST(Frame, GarbageIsRejectedNotTrusted) {
  std::mt19937 rng(5);
  int rejected = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string bytes;
    Sample().EncodeTo(bytes);
    bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
    Frame g;
    auto used = Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &g);
    if (!used) ++rejected;
    if (used && *used > 0) {
      EXPECT_LE(*used, bytes.size());
    }
  }
  EXPECT_GT(rejected, 0);
  // An absurd length never makes the reader wait for gigabytes.
  std::string huge(8, '\0');
  huge[3] = 0x7F;
  Frame g;
  EXPECT_FALSE(Frame::Decode(reinterpret_cast<const uint8_t*>(huge.data()), huge.size(), &g));
}

// Every byte that indexes a table on the receiving side is checked, and the refusal says which.
TEST(Frame, OutOfRangeFieldsAreRefusedByName) {
  struct Case {
    size_t offset;
    uint8_t value;
    FrameError expected;
  };
  for (const Case& c : {Case{5, 2, FrameError::kClass}, Case{5, 5, FrameError::kClass},
                        Case{5, 200, FrameError::kClass}, Case{6, 0x40, FrameError::kFlags},
                        Case{6, 0x80, FrameError::kFlags}, Case{7, 4, FrameError::kStatus},
                        Case{8, 2, FrameError::kHit}, Case{4, 3, FrameError::kKind}}) {
    std::string bytes;
    Sample().EncodeTo(bytes);
    bytes[c.offset] = static_cast<char>(c.value);
    Frame g;
    FrameError why = FrameError::kCount;
    EXPECT_FALSE(
        Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &g, &why))
        << c.offset << "=" << int(c.value);
    EXPECT_EQ(why, c.expected) << FrameErrorName(why);
  }
}

TEST(Frame, HarnessStatusAndWideInstancesRoundTrip) {
  Frame f = Sample();
  f.status = FrameStatus::kHarness;
  f.target_instance = 4000000000u;
  f.flags = kFlagLocalOnly | kFlagOneWay | kFlagDelivery | kFlagFill;
  std::string bytes;
  f.EncodeTo(bytes);
  Frame g;
  ASSERT_TRUE(Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &g));
  EXPECT_EQ(g.status, FrameStatus::kHarness);
  EXPECT_EQ(g.target_instance, 4000000000u);
  EXPECT_EQ(g.flags, f.flags);
}

TEST(Frame, TraceStopsAtItsCapacity) {
  Frame f;
  for (int i = 0; i < 100; ++i) f.AddHop(1, 1, i * 1000);
  EXPECT_EQ(f.trace_len, Frame::kMaxTrace);
}

// Found by frame_fuzz (corpus: regression-origin-overflow.bin): origin_ns comes off the wire, and
// an instance stamping its hop computed now - origin_ns in int64_t, which overflows (undefined
// behaviour) for an origin near INT64_MIN. The hop's time saturates instead.
TEST(Frame, HopTimeSaturatesForAnyOrigin) {
  Frame f;
  f.origin_ns = INT64_MIN;
  f.AddHop(1, 0, 15'671'998'385'658);
  f.origin_ns = INT64_MAX;
  f.AddHop(1, 1, -5);
  f.origin_ns = 1'000'000;
  f.AddHop(1, 2, 1'000'000 + 7'999);
  ASSERT_EQ(f.trace_len, 3);
  EXPECT_EQ(f.trace[0].arrive_us, UINT32_MAX);  // far in the past: saturates
  EXPECT_EQ(f.trace[1].arrive_us, 0u);          // in the future: nothing elapsed
  EXPECT_EQ(f.trace[2].arrive_us, 7u);
}

TEST(Frame, NsBetweenNeverOverflows) {
  EXPECT_EQ(NsBetween(INT64_MIN, INT64_MAX), UINT64_MAX);
  EXPECT_EQ(NsBetween(INT64_MAX, INT64_MIN), 0u);
  EXPECT_EQ(NsBetween(-10, 5), 15u);
  EXPECT_EQ(NsBetween(5, 5), 0u);
}

}  // namespace
}  // namespace archload::agent
