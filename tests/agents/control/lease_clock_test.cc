#include <gtest/gtest.h>

#include "agents/control/clock_sync.h"
#include "agents/control/lease.h"

namespace archload::agent {
namespace {

TEST(Lease, ExpiresOnlyAfterTheTimeoutOfSilence) {
  Lease lease(3'000'000'000);
  lease.Heard(10'000'000'000);
  EXPECT_FALSE(lease.Expired(12'900'000'000));
  EXPECT_FALSE(lease.Expired(13'000'000'000));
  EXPECT_TRUE(lease.Expired(13'000'000'001));
  lease.Heard(13'500'000'000);  // a heartbeat renews it
  EXPECT_FALSE(lease.Expired(16'000'000'000));
  lease.set_timeout_ns(1'000'000'000);
  EXPECT_TRUE(lease.Expired(16'000'000'000));
}

// The controller's clock runs 5 ms ahead of the agent's; legs of unequal length mislead a single
// probe, and the shortest round trip is the one kept.
TEST(ClockSync, KeepsTheShortestRoundTripAndItsOffset) {
  ClockSync c;
  EXPECT_FALSE(c.valid());
  const int64_t offset = 5'000'000;
  // t0, controller stamp, t3: out leg / back leg.
  c.Add(1'000'000, 1'000'000 + 900'000 + offset, 1'000'000 + 1'000'000);  // 900 µs out, 100 back
  c.Add(3'000'000, 3'000'000 + 50'000 + offset, 3'000'000 + 100'000);     // 50/50: the best
  c.Add(5'000'000, 5'000'000 + 100'000 + offset, 5'000'000 + 400'000);
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.samples(), 3);
  EXPECT_EQ(c.rtt_ns(), 100'000);
  EXPECT_EQ(c.offset_ns(), offset);
  EXPECT_EQ(c.ToLocal(20'000'000 + offset), 20'000'000);
}

TEST(ClockSync, ANegativeRoundTripIsIgnored) {
  ClockSync c;
  c.Add(10, 20, 5);
  EXPECT_FALSE(c.valid());
}

}  // namespace
}  // namespace archload::agent
