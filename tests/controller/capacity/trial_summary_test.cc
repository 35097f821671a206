#include <gtest/gtest.h>

#include <cmath>

#include "controller/capacity/trial_runner.h"

namespace archload::capacity {
namespace {

// A 1 s counted window at 200 req/s whose requests took 150 ms on average: queueing, as an
// overloaded design builds it (docs/validation.md: multiregion-orchestration).
run::RunResult Overloaded() {
  run::RunResult r;
  r.offered_rps = 200;
  r.duration_s = 1.5;
  r.warmup_s = 0.5;
  r.offered = 200;
  r.achieved_rps = 186;
  r.complete = true;
  r.all_ns.RecordN(150'000'000, 200);
  return r;
}

TEST(TrialSummary, TheEdgeAllowanceDoesNotGrowWithTheQueueOfAnOverload) {
  const auto free = Summarize(Overloaded());
  // √(2 × 200 × 0.15) / 200 ≈ 3.9%: twice that lowers the 99% floor to ~91%, and 93% passes.
  EXPECT_NEAR(free.edge_sigma, std::sqrt(2 * 200 * 0.15) / 200, 1e-3);
  EXPECT_EQ(Saturation(free), TrialVerdict::kPass);
  // Capped at a design that keeps up (20 ms in flight): √(2 × 200 × 0.02) / 200 ≈ 1.4%.
  const auto capped = Summarize(Overloaded(), kHarnessHealthyNs, 20);
  EXPECT_NEAR(capped.edge_sigma, std::sqrt(2 * 200 * 0.02) / 200, 1e-3);
  EXPECT_EQ(Saturation(capped), TrialVerdict::kFail);
  // A design that keeps up is not affected by the cap.
  EXPECT_NEAR(Summarize(Overloaded(), kHarnessHealthyNs, 500).edge_sigma, free.edge_sigma, 1e-12);
}

}  // namespace
}  // namespace archload::capacity
