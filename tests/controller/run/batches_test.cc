// Batches of one-second windows: their count stays within [max/2, max] however long the run,
// nothing is lost when they merge, and a short last batch joins the one before.
#include "controller/run/batches.h"

#include <gtest/gtest.h>

namespace archload::run {
namespace {

Batch Window(int k, uint64_t ok, double ms) {
  Batch b;
  b.start_s = k;
  b.length_s = 1;
  b.windows = 1;
  b.offered = ok;
  b.ok = ok;
  b.read_ns.RecordN(static_cast<uint64_t>(ms * 1e6), ok);
  b.busy_ns = {0, ok * 1000};
  return b;
}

TEST(BatchSet, EachWindowIsABatchUntilTheSetIsFull) {
  BatchSet set(8);
  for (int k = 0; k < 7; ++k) set.Add(Window(k, 10, 1));
  const auto s = set.Sections();
  ASSERT_EQ(s.size(), 7u);
  EXPECT_EQ(set.windows_per_batch(), 1u);
  EXPECT_DOUBLE_EQ(s[6].start_s, 6);
}

TEST(BatchSet, AFullSetMergesNeighboursAndKeepsEveryCount) {
  BatchSet set(8);
  uint64_t total = 0;
  for (int k = 0; k < 100; ++k) {
    set.Add(Window(k, k + 1, k + 1));
    total += k + 1;
    const auto s = set.Sections();
    if (k >= 8) {
      EXPECT_GE(s.size(), 4u) << k;
      EXPECT_LE(s.size(), 8u) << k;
    }
    uint64_t ok = 0, samples = 0, busy = 0;
    double length = 0;
    for (const auto& b : s) {
      ok += b.ok;
      samples += b.read_ns.Count();
      busy += b.busy_ns[1];
      length += b.length_s;
    }
    EXPECT_EQ(ok, total) << k;
    EXPECT_EQ(samples, total) << k;
    EXPECT_EQ(busy, total * 1000) << k;
    EXPECT_DOUBLE_EQ(length, k + 1) << k;
  }
  EXPECT_EQ(set.windows_per_batch(), 16u);  // 100 windows: doubled at 8, 16, 32 and 64
}

TEST(BatchSet, AShortLastBatchJoinsThePreviousOne) {
  BatchSet set(4);
  for (int k = 0; k < 9; ++k) set.Add(Window(k, 1, 1));
  // 8 windows made 4 full batches: merged to 2 of 2 windows, then 2 more of 2 = 4, merged to
  // 2 of 4; the 9th window is a quarter of a batch and joins the second.
  EXPECT_EQ(set.windows_per_batch(), 4u);
  const auto s = set.Sections();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].windows, 5u);
  EXPECT_DOUBLE_EQ(s[1].length_s, 5);
  set.Add(Window(9, 1, 1));  // half a batch: its own
  EXPECT_EQ(set.Sections().size(), 3u);
}

TEST(BatchSet, ASliverJoinsTheLatestBatchWithoutCountingAsAWindow) {
  BatchSet set(8);
  for (int k = 0; k < 3; ++k) set.Add(Window(k, 100, 1));
  Batch sliver = Window(3, 40, 1);
  sliver.length_s = 0.2;  // a run stopped 0.2 s after its third report, then drained
  sliver.offered = 20;
  set.AddToLatest(sliver);
  const auto s = set.Sections();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[2].windows, 1u);
  EXPECT_EQ(s[2].ok, 140u);
  EXPECT_EQ(s[2].offered, 120u);
  EXPECT_DOUBLE_EQ(s[2].length_s, 1.2);
}

}  // namespace
}  // namespace archload::run
