// Per-second series from cumulative agent reports: each window is the difference of two merged
// reports (percentiles from subtracted histograms), windows add up to the run's totals, a report
// an agent failed to send widens a window instead of misplacing counts, and reports off the
// whole-second grid (Stop's, Collect's) never open a window of their own.
#include "controller/run/series_recorder.h"

#include <gtest/gtest.h>

#include "common/stats/histogram.h"
#include "controller/run/run_result.h"

namespace archload::run {
namespace {

RunSpec Spec() {
  RunSpec s;
  const char* names[] = {"client", "App", "Queue"};
  const v1::Role roles[] = {v1::ROLE_CLIENT, v1::ROLE_SERVICE, v1::ROLE_BROKER};
  for (int i = 0; i < 3; ++i) {
    v1::GroupSpec g;
    g.set_index(i);
    g.set_name(names[i]);
    g.set_role(roles[i]);
    g.set_count(i == 1 ? 4 : 1);
    g.set_concurrency(i == 1 ? 2 : 1);
    s.groups.push_back(g);
  }
  return s;
}

// What one agent has measured since the start: `ok` responses, each taking `ms` (all in the
// same histogram), and App busy for `busy_s`.
struct Cumulative {
  uint64_t offered = 0, ok = 0, errors = 0, rejected = 0, hits = 0, misses = 0;
  double busy_s = 0;
  int64_t queue = 0, depth = 0;
  stats::Histogram latency_ns;
};

v1::Stats Report(double elapsed_s, const Cumulative& c, bool stopped = false, bool final = false) {
  v1::Stats s;
  s.set_elapsed_ns(static_cast<int64_t>(elapsed_s * 1e9));
  s.set_stopped(stopped);
  s.set_final(final);
  auto* cl = s.mutable_client();
  cl->set_offered(c.offered);
  cl->set_sent(c.offered);
  cl->set_ok(c.ok);
  cl->set_errors(c.errors);
  cl->set_read_latency_ns(c.latency_ns.Serialize());
  auto* app = s.add_groups();
  app->set_group(1);
  app->set_received(c.offered);
  app->set_rejected(c.rejected);
  app->set_busy_ns(static_cast<uint64_t>(c.busy_s * 1e9));
  app->set_hits(c.hits);
  app->set_misses(c.misses);
  app->set_queue_depth(c.queue);
  auto* q = s.add_groups();
  q->set_group(2);
  q->set_broker_depth(c.depth);
  return s;
}

// Adds one second of traffic: n responses of `ms` each.
void Second(Cumulative& c, uint64_t n, double ms, double busy_s = 0) {
  c.offered += n;
  c.ok += n;
  c.latency_ns.RecordN(static_cast<uint64_t>(ms * 1e6), n);
  c.busy_s += busy_s;
}

std::vector<AgentState> Agents(const std::vector<v1::Stats>& reports) {
  std::vector<AgentState> out;
  for (size_t i = 0; i < reports.size(); ++i) {
    AgentState a;
    a.id = "agent-" + std::to_string(i);
    a.latest = reports[i];
    out.push_back(a);
  }
  return out;
}

TEST(SeriesRecorder, EachSecondIsTheDifferenceOfConsecutiveMergedReports) {
  SeriesRecorder rec(Spec(), 3);
  Cumulative a, b;
  // Second 1: 100 + 100 responses of 10 ms; second 2: 50 + 150 of 40 ms.
  Second(a, 100, 10, 0.8);
  Second(b, 100, 10, 0.8);
  rec.Observe(Agents({Report(1.002, a), Report(1.004, b)}));
  Second(a, 50, 40, 4.0);
  Second(b, 150, 40, 4.0);
  // One agent's report arrives before the other's: nothing is emitted until both are in.
  rec.Observe(Agents({Report(2.001, a), Report(1.004, b)}));
  rec.Observe(Agents({Report(2.001, a), Report(2.003, b)}));
  // The load ends at 3 s; the final stats include what drained after it.
  Second(a, 10, 500);
  const auto s = rec.Finish(Agents({Report(3.2, a, true, true), Report(3.2, b, true, true)}), 3.0);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s.t_s[0], 1);
  EXPECT_DOUBLE_EQ(s.t_s[1], 2);
  EXPECT_DOUBLE_EQ(s.t_s[2], 3);
  EXPECT_DOUBLE_EQ(s.window_s[1], 1);
  EXPECT_DOUBLE_EQ(s.achieved_rps[0], 200);
  EXPECT_DOUBLE_EQ(s.achieved_rps[1], 200);
  EXPECT_DOUBLE_EQ(s.achieved_rps[2], 10);
  EXPECT_EQ(s.responses[1], 200u);
  // Exact per window: second 2 holds only the 40 ms responses, although the run's P50 is 10 ms.
  EXPECT_NEAR(*s.p50_ms[0], 10, 0.1);
  EXPECT_NEAR(*s.p50_ms[1], 40, 0.4);
  EXPECT_NEAR(*s.p99_ms[1], 40, 0.4);
  EXPECT_NEAR(*s.p99_ms[2], 500, 5);
  // App: 4 instances × 2 slots; 8 s busy in second 2 of 8 slot-seconds.
  EXPECT_NEAR(s.groups[1].utilization[0], 0.2, 1e-9);
  EXPECT_NEAR(s.groups[1].utilization[1], 1.0, 1e-9);
  EXPECT_NEAR(s.groups[1].rps[1], 200, 1e-9);
}

TEST(SeriesRecorder, WindowsAddUpToTheRunsTotalsAndItsHistogram) {
  SeriesRecorder rec(Spec(), 5);
  Cumulative a, b;
  std::vector<AgentState> last;
  for (int k = 1; k <= 4; ++k) {
    Second(a, 37 * k, 5.0 * k);
    Second(b, 11 * k, 3.0 * k);
    rec.Observe(Agents({Report(k + 0.01, a), Report(k + 0.02, b)}));
  }
  Second(a, 5, 90);
  last = Agents({Report(5.3, a, true, true), Report(5.3, b, true, true)});
  const auto s = rec.Finish(last, 5.0);
  ASSERT_EQ(s.size(), 5u);
  uint64_t responses = 0;
  double ok = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    responses += s.responses[i];
    ok += s.achieved_rps[i] * s.window_s[i];
  }
  EXPECT_EQ(responses, a.ok + b.ok);
  EXPECT_NEAR(ok, static_cast<double>(a.ok + b.ok), 1e-6);
  // The same as MergeResults would report for the run.
  RunSpec spec = Spec();
  const auto merged = MergeResults(spec, last, 5.0);
  EXPECT_EQ(merged.ok, a.ok + b.ok);
}

TEST(SeriesRecorder, AMissedReportWidensTheWindowInsteadOfMisplacingCounts) {
  SeriesRecorder rec(Spec(), 10);
  Cumulative a, b;
  Second(a, 100, 10);
  Second(b, 100, 10);
  rec.Observe(Agents({Report(1.0, a), Report(1.0, b)}));
  Second(a, 100, 10);
  Second(b, 100, 10);
  // Agent b's report at 2 s never arrived (too busy to send it); its 3 s report did.
  rec.Observe(Agents({Report(2.0, a), Report(1.0, b)}));
  Second(a, 100, 10);
  Second(b, 100, 10);
  rec.Observe(Agents({Report(3.0, a), Report(3.0, b)}));
  const auto s = rec.Finish(Agents({Report(3.5, a, true, true), Report(3.5, b, true, true)}), 3.5);
  ASSERT_EQ(s.size(), 3u);  // [0,1], [1,3], [3,3.5]
  EXPECT_DOUBLE_EQ(s.t_s[1], 3);
  EXPECT_DOUBLE_EQ(s.window_s[1], 2);
  EXPECT_DOUBLE_EQ(s.achieved_rps[1], 200);  // 400 responses over 2 s
  EXPECT_NEAR(s.window_s[2], 0.5, 1e-9);
}

TEST(SeriesRecorder, ReportsOffTheGridAndLostAgents) {
  SeriesRecorder rec(Spec(), 10);
  Cumulative a, b;
  Second(a, 10, 10);
  // A report between whole seconds (e.g. the first, sent as the load started) opens nothing.
  rec.Observe(Agents({Report(0.5, a), Report(0.5, b)}));
  Second(b, 10, 10);
  auto agents = Agents({Report(1.0, a), Report(1.0, b)});
  rec.Observe(agents);
  // Agent b is lost after 1 s: the series goes on with a alone, b's last report standing.
  agents[1].connected = false;
  Second(a, 30, 10);
  agents[0].latest = Report(2.0, a);
  rec.Observe(agents);
  const auto s = rec.Finish(agents, 2.4);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s.achieved_rps[0], 20);
  EXPECT_DOUBLE_EQ(s.achieved_rps[1], 30);
}

TEST(SeriesRecorder, GaugesHitRatiosAndRejections) {
  SeriesRecorder rec(Spec(), 3);
  Cumulative a;
  Second(a, 100, 10);
  a.hits = 90;
  a.misses = 10;
  a.rejected = 3;
  a.queue = 7;
  a.depth = 12;
  rec.Observe(Agents({Report(1.0, a)}));
  Second(a, 100, 10);
  a.rejected = 5;
  a.queue = 0;
  const auto s = rec.Finish(Agents({Report(2.1, a, true, true)}), 2.0);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(*s.groups[1].hit_ratio[0], 0.9);
  EXPECT_FALSE(s.groups[1].hit_ratio[1].has_value());  // no lookups in that second
  EXPECT_EQ(s.groups[1].rejected[0], 3u);
  EXPECT_EQ(s.groups[1].rejected[1], 2u);
  EXPECT_DOUBLE_EQ(s.rejected_rps[1], 2);
  EXPECT_EQ(s.groups[1].queue_depth[0], 7);
  EXPECT_EQ(s.groups[1].queue_depth[1], 0);
  EXPECT_EQ(s.groups[2].broker_depth[0], 12);  // brokers only
  EXPECT_EQ(s.groups[1].broker_depth[0], 0);
  EXPECT_FALSE(s.p50_ms.empty());
}

TEST(SeriesRecorder, NothingObservedStillClosesOneWindow) {
  SeriesRecorder rec(Spec(), 1);
  Cumulative a;
  Second(a, 4, 2);
  const auto s = rec.Finish(Agents({Report(1.1, a, true, true)}), 0.6);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NEAR(s.window_s[0], 0.6, 1e-9);
  EXPECT_EQ(s.responses[0], 4u);
  // Without agents nothing is made up.
  SeriesRecorder empty(Spec(), 1);
  EXPECT_EQ(empty.Finish({}, 1).size(), 0u);
}

TEST(SeriesRecorder, WindowsAfterTheWarmUpBecomeBatchesWithTheirClasses) {
  RunSpec spec = Spec();
  spec.workload.set_warmup_s(1);
  SeriesRecorder rec(spec, 4);
  Cumulative a;
  for (int k = 1; k <= 3; ++k) {
    Second(a, 100, 10.0 * k, 0.5);
    rec.Observe(Agents({Report(k + 0.01, a)}));
  }
  Second(a, 100, 40, 0.5);
  rec.Finish(Agents({Report(4.2, a, true, true)}), 4.0);
  // Second 1 is the warm-up's: three batches remain, each its own second's responses.
  const auto b = rec.batches().Sections();
  ASSERT_EQ(b.size(), 3u);
  EXPECT_DOUBLE_EQ(b[0].start_s, 1);
  EXPECT_EQ(b[0].ok, 100u);
  EXPECT_EQ(b[0].offered, 100u);
  EXPECT_EQ(b[0].read_ns.Count(), 100u);
  EXPECT_NEAR(b[0].read_ns.ValueAtPercentile(50) / 1e6, 20, 0.2);
  EXPECT_NEAR(b[2].read_ns.ValueAtPercentile(50) / 1e6, 40, 0.4);
  ASSERT_EQ(b[1].busy_ns.size(), 3u);
  EXPECT_EQ(b[1].busy_ns[1], 500000000u);
}

}  // namespace
}  // namespace archload::run
