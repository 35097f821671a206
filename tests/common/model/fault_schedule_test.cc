#include "common/model/fault_schedule.h"

#include <gtest/gtest.h>

namespace archload::model {
namespace {

Fault Make(FaultKind kind, int group, int instance, double start, double duration) {
  Fault f;
  f.kind = kind;
  f.group = group;
  f.instance = instance;
  f.start_s = start;
  f.duration_s = duration;
  return f;
}

TEST(FaultSchedule, AKillHoldsForItsWindowAndRestartsUnlessToldNot) {
  Fault kill = Make(FaultKind::kKill, 2, 1, 5, 10);
  Fault forever = Make(FaultKind::kKill, 3, -1, 5, 10);
  forever.restart = false;
  const FaultSchedule s({kill, forever});
  EXPECT_FALSE(s.Dead(2, 1, 4.999));
  EXPECT_TRUE(s.Dead(2, 1, 5));
  EXPECT_TRUE(s.Dead(2, 1, 14.999));
  EXPECT_FALSE(s.Dead(2, 1, 15));  // restarted
  EXPECT_FALSE(s.Dead(2, 0, 8));   // another instance
  EXPECT_TRUE(s.Dead(3, 7, 100));  // every instance, never restarted
  EXPECT_EQ(s.Transitions(), (std::vector<double>{5, 15}));
}

TEST(FaultSchedule, ErrorsCombineAndPartitionsGoOneWayOrBoth) {
  Fault a = Make(FaultKind::kErrors, 1, -1, 0, 0);
  a.fraction = 0.5;
  Fault b = Make(FaultKind::kErrors, 1, 0, 0, 0);
  b.fraction = 0.5;
  Fault cut = Make(FaultKind::kPartition, 1, -1, 2, 3);
  cut.peer_group = 4;
  cut.both_ways = false;
  const FaultSchedule s({a, b, cut});
  EXPECT_DOUBLE_EQ(s.ErrorChance(1, 0, 1), 0.75);  // 1 - 0.5 × 0.5
  EXPECT_DOUBLE_EQ(s.ErrorChance(1, 1, 1), 0.5);
  EXPECT_DOUBLE_EQ(s.ErrorChance(2, 0, 1), 0);
  EXPECT_TRUE(s.Partitioned(1, 4, 2.5));
  EXPECT_FALSE(s.Partitioned(4, 1, 2.5));  // one way only
  EXPECT_FALSE(s.Partitioned(1, 4, 5));    // over
  Fault both = cut;
  both.both_ways = true;
  EXPECT_TRUE(FaultSchedule({both}).Partitioned(4, 1, 2.5));
}

TEST(FaultSchedule, OverloadsMultiplyTheRateAndNamesRoundTrip) {
  Fault spike = Make(FaultKind::kOverload, -1, -1, 10, 3);
  spike.multiplier = 1.5;
  const FaultSchedule s({spike});
  EXPECT_DOUBLE_EQ(s.RateMultiplier(9), 1);
  EXPECT_DOUBLE_EQ(s.RateMultiplier(11), 1.5);
  EXPECT_DOUBLE_EQ(s.RateMultiplier(13), 1);
  for (auto k : {FaultKind::kKill, FaultKind::kHang, FaultKind::kSlow, FaultKind::kErrors,
                 FaultKind::kPartition, FaultKind::kOverload}) {
    EXPECT_EQ(ParseFaultKind(FaultKindName(k)), k);
  }
  EXPECT_FALSE(ParseFaultKind("explode"));
}

}  // namespace
}  // namespace archload::model
