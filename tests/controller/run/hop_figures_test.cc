// Per-hop figures: a visit's wait and its hold split, P(wait) from the visits that waited, the
// timer's overrun from the exact sums, and what the harness calibration takes from them.
#include "controller/run/hop_figures.h"

#include <gtest/gtest.h>

#include "controller/run/harness_costs.h"

namespace archload::run {
namespace {

RunResult OneHop() {
  RunResult r;
  r.duration_s = 10;
  GroupResult client;
  client.name = "Clients";
  client.role = "client";
  client.queue_wait_ns.Record(0);  // never shown: clients do not serve
  r.groups.push_back(client);
  GroupResult app;
  app.name = "App";
  app.role = "service";
  app.count = 2;
  app.concurrency = 4;
  app.rps = 100;
  app.utilization = 0.5;
  // 1,000 visits: 600 found a slot free, 400 waited 2 ms; each held its slot 10.06 ms for a
  // sampled 10 ms.
  app.queue_wait_ns.RecordN(0, 600);
  app.queue_wait_ns.RecordN(2'000'000, 400);
  app.service_ns.RecordN(10'060'000, 1000);
  app.busy_ns = 1000ull * 10'000'000;
  app.hold_ns = 1000ull * 10'060'000;
  r.groups.push_back(app);
  r.harness.hop_rtt_ns.RecordN(100'000, 900);
  r.harness.hop_rtt_ns.RecordN(1'000'000, 100);
  return r;
}

TEST(HopFigures, SplitWaitFromServiceBesideTheBoE) {
  planner::Plan plan;
  plan.groups.resize(2);
  plan.groups[1].hop_wait_ms = 0.9;
  plan.groups[1].hop_service_ms = 10;
  plan.groups[1].hop_wait_probability = 0.45;
  const auto hops = HopsOf(OneHop(), plan);
  ASSERT_EQ(hops.size(), 1u);  // clients are not a hop
  const auto& h = hops[0];
  EXPECT_EQ(h.group, "App");
  EXPECT_EQ(h.visits, 1000u);
  EXPECT_DOUBLE_EQ(h.wait_probability, 0.4);
  EXPECT_NEAR(h.wait_mean_ms, 0.8, 0.01);
  EXPECT_NEAR(h.wait_p99_ms, 2, 0.02);
  EXPECT_NEAR(h.service_mean_ms, 10.06, 1e-9);
  EXPECT_NEAR(h.sampled_mean_ms, 10, 1e-9);
  EXPECT_NEAR(h.overrun_us, 60, 1e-6);
  EXPECT_NEAR(h.hold_utilization, 0.503, 1e-9);
  EXPECT_DOUBLE_EQ(*h.boe_wait_probability, 0.45);
  EXPECT_DOUBLE_EQ(*h.boe_wait_ms, 0.9);
}

TEST(HarnessCosts, RoundTripsAsTheirDistributionAndOverrunPerGroup) {
  const auto c = HarnessCostsOf(OneHop());
  ASSERT_EQ(c.round_trip_s.size(), 1000u);
  // 90% of the probes took 0.1 ms, 10% 1 ms: so do the equally likely values.
  size_t slow = 0;
  for (double s : c.round_trip_s) slow += s > 0.5e-3 ? 1 : 0;
  EXPECT_EQ(slow, 100u);
  ASSERT_EQ(c.overrun_s.size(), 2u);
  EXPECT_DOUBLE_EQ(c.overrun_s[0], 0);
  EXPECT_NEAR(c.overrun_s[1], 60e-6, 1e-12);
}

TEST(HarnessCosts, AZeroServiceTimeHasNoOverrunToDilute) {
  RunResult r = OneHop();
  r.groups[1].service_ns.RecordN(0, 1000);  // 1,000 more visits with nothing to emulate
  EXPECT_NEAR(HarnessCostsOf(r).overrun_s[1], 60e-6, 1e-12);
  planner::Plan plan;
  plan.groups.resize(2);
  EXPECT_NEAR(HopsOf(r, plan)[0].overrun_us, 60, 1e-6);
}

TEST(HarnessCosts, NoneMeasuredIsEmpty) {
  RunResult r;
  r.groups.resize(2);
  EXPECT_TRUE(HarnessCostsOf(r).empty());
}

}  // namespace
}  // namespace archload::run
