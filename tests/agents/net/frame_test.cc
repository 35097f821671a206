#include "agents/net/frame.h"

#include <gtest/gtest.h>

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

// Found by tests/fuzz/frame_fuzz: the reserved header field and the hit byte took any value, so
// a frame decoded from one spelling was forwarded re-encoded as another.
TEST(Frame, AcceptsOneSpellingOnly) {
  std::string bytes;
  Sample().EncodeTo(bytes);
  Frame g;
  const auto decode = [&](const std::string& b) {
    return Frame::Decode(reinterpret_cast<const uint8_t*>(b.data()), b.size(), &g);
  };
  ASSERT_TRUE(decode(bytes).has_value());
  for (size_t reserved : {14, 15}) {
    std::string bad = bytes;
    bad[reserved] = static_cast<char>(0xCA);
    EXPECT_FALSE(decode(bad).has_value()) << "reserved byte " << reserved;
  }
  std::string hit2 = bytes;
  hit2[8] = 2;
  EXPECT_FALSE(decode(hit2).has_value());
  std::string again;
  ASSERT_TRUE(decode(bytes).has_value());
  g.EncodeTo(again);
  EXPECT_EQ(again, bytes);
}

TEST(Frame, TraceStopsAtItsCapacity) {
  Frame f;
  for (int i = 0; i < 100; ++i) f.AddHop(1, 1, i * 1000);
  EXPECT_EQ(f.trace_len, Frame::kMaxTrace);
}

}  // namespace
}  // namespace archload::agent
