// Confidence on a judged run: every verdict gets its interval from the run's batches; a target
// inside it makes the verdict inconclusive (with the run length that would decide it), and the
// run's outcome follows: pass only when decided, fail when any NFR fails decidedly.
#include "controller/run/confidence.h"

#include <gtest/gtest.h>

#include <cmath>

namespace archload::run {
namespace {

// Ten one-second batches of 1,000 responses at 1,000 req/s offered; batch k's latencies are all
// `ms[k]`.
RunResult Result(const std::vector<double>& ms) {
  RunResult r;
  r.offered_rps = 1000;
  r.duration_s = static_cast<double>(ms.size());
  GroupResult g;
  g.name = "App";
  g.role = "service";
  g.count = 2;
  g.concurrency = 1;
  for (size_t k = 0; k < ms.size(); ++k) {
    Batch b;
    b.start_s = static_cast<double>(k);
    b.length_s = 1;
    b.windows = 1;
    b.offered = 1000;
    b.ok = 1000;
    b.read_ns.RecordN(static_cast<uint64_t>(ms[k] * 1e6), 1000);
    b.busy_ns = {static_cast<uint64_t>(1e9 * (0.5 + 0.01 * (k % 3)))};
    r.read_ns.Merge(b.read_ns);
    g.busy_ns += b.busy_ns[0];
    r.ok += b.ok;
    r.completed_in_window += b.ok;
    r.batches.push_back(b);
  }
  r.all_ns = r.read_ns;
  r.achieved_rps = r.ok / r.duration_s;
  g.utilization = g.busy_ns / (1e9 * r.duration_s * 2);
  r.groups.push_back(g);
  return r;
}

Verdict Latency(double p, double target_ms, const RunResult& r) {
  Verdict v;
  v.name = "P" + std::to_string(static_cast<int>(p)) + " latency";
  v.kind = "latency";
  v.unit = "ms";
  v.percentile = p;
  v.target = target_ms;
  v.measured = r.read_ns.ValueAtPercentile(p) / 1e6;
  v.pass = *v.measured <= target_ms;
  return v;
}

// The throughput verdict of a run offered 1,000 req/s, measured at what it achieved.
Verdict Throughput(const RunResult& r) {
  Verdict v;
  v.name = "throughput";
  v.kind = "throughput";
  v.unit = "req/s";
  v.target = 1000;
  v.measured = r.achieved_rps;
  return v;
}

const std::vector<double> kNoisy = {48, 52, 50, 47, 53, 49, 51, 50, 46, 54};

TEST(Confidence, AFarTargetIsDecidedWithItsInterval) {
  RunResult r = Result(kNoisy);
  r.nfrs.push_back(Latency(50, 200, r));
  AttachConfidence(r);
  const auto& v = r.nfrs[0];
  ASSERT_TRUE(v.interval);
  EXPECT_LT(v.interval->low, *v.measured);
  EXPECT_GT(v.interval->high, *v.measured);
  EXPECT_LT(v.interval->HalfWidth(), 5);
  EXPECT_FALSE(v.inconclusive);
  EXPECT_TRUE(EveryVerdictDecided(r));
  EXPECT_FALSE(Inconclusive(r));
  EXPECT_TRUE(AllPass(r));
}

TEST(Confidence, ATargetInsideTheIntervalIsInconclusiveWithTheLengthThatDecidesIt) {
  RunResult r = Result(kNoisy);
  Verdict v = Latency(50, 0, r);
  v.target = *v.measured + 0.5;  // just above the figure: passes, but within the noise
  v.pass = true;
  r.nfrs.push_back(v);
  AttachConfidence(r);
  const auto& got = r.nfrs[0];
  ASSERT_TRUE(got.interval);
  EXPECT_TRUE(got.inconclusive);
  ASSERT_TRUE(got.decide_s);
  const double h = got.interval->HalfWidth();
  EXPECT_NEAR(*got.decide_s, 10 * (h / 0.5) * (h / 0.5), 1e-6);
  EXPECT_GT(*got.decide_s, 10);
  EXPECT_FALSE(EveryVerdictDecided(r));
  EXPECT_TRUE(Inconclusive(r));
  EXPECT_FALSE(AllPass(r));  // a pass that is not decided is not a pass
}

TEST(Confidence, ADecidedFailureDecidesTheRunWhateverElseIsUndecided) {
  RunResult r = Result(kNoisy);
  Verdict undecided = Latency(50, 0, r);
  undecided.target = *undecided.measured + 0.5;
  undecided.pass = true;
  r.nfrs.push_back(undecided);
  r.nfrs.push_back(Latency(99, 10, r));  // ~54 ms against 10: fails by far
  AttachConfidence(r);
  EXPECT_TRUE(r.nfrs[0].inconclusive);
  EXPECT_FALSE(r.nfrs[1].inconclusive);
  EXPECT_FALSE(r.nfrs[1].pass);
  EXPECT_FALSE(Inconclusive(r));
  EXPECT_FALSE(AllPass(r));
}

TEST(Confidence, AvailabilityWithNoErrorsIsDecidedEvenAtATargetOfOne) {
  RunResult r = Result(kNoisy);
  Verdict v;
  v.name = "availability";
  v.kind = "availability";
  v.unit = "fraction";
  v.target = 1.0;
  v.measured = 1.0;
  v.pass = true;
  r.nfrs.push_back(v);
  AttachConfidence(r);
  ASSERT_TRUE(r.nfrs[0].interval);
  EXPECT_DOUBLE_EQ(r.nfrs[0].interval->low, 1);
  EXPECT_FALSE(r.nfrs[0].inconclusive);
}

TEST(Confidence, ThroughputIsTheAnsweredShareOfArrivalsAtTheOfferedRate) {
  RunResult r = Result(kNoisy);
  // Arrivals vary from batch to batch, but every one is answered: no doubt it kept up.
  for (size_t k = 0; k < r.batches.size(); ++k) {
    r.batches[k].offered = 900 + 20 * k;
    r.batches[k].ok = r.batches[k].offered;
  }
  Verdict v = Throughput(r);
  v.pass = true;
  r.nfrs.push_back(v);
  AttachConfidence(r);
  ASSERT_TRUE(r.nfrs[0].interval);
  EXPECT_NEAR(r.nfrs[0].interval->HalfWidth(), 0, 1e-9);
  EXPECT_FALSE(r.nfrs[0].inconclusive);
}

TEST(Confidence, ThroughputIsJudgedAgainstWhatArrivedWhenLessArrived) {
  RunResult r = Result(kNoisy);
  r.arrived_rps = 930;  // Poisson arrivals 7% short of the offered 1,000
  r.achieved_rps = 930;
  Verdict v = Throughput(r);
  v.pass = r.achieved_rps >= 0.95 * ThroughputDemand(r);
  EXPECT_TRUE(v.pass);  // every arrival answered: 930 is not a shortfall of the design's
  r.nfrs.push_back(v);
  AttachConfidence(r);
  EXPECT_FALSE(r.nfrs[0].inconclusive);
  // With 2% errors it fails, decidedly, whatever the rate.
  r.error_rate = 0.02;
  r.nfrs[0].pass = false;
  r.achieved_rps = 0.951 * ThroughputDemand(r);
  r.nfrs[0].measured = r.achieved_rps;
  for (size_t k = 0; k < r.batches.size(); ++k) r.batches[k].ok = 1000 - 20 * (k % 4);
  AttachConfidence(r);
  ASSERT_TRUE(r.nfrs[0].interval);
  EXPECT_LT(r.nfrs[0].interval->low, 0.95 * ThroughputDemand(r));  // it straddles the 95% ...
  EXPECT_FALSE(r.nfrs[0].inconclusive);                            // ... yet the errors decide
}

TEST(Confidence, TheRunsEdgesDoNotWidenTheThroughputInterval) {
  RunResult r = Result(kNoisy);
  r.batches.front().ok = 960;  // responses still in flight at the first batch's end ...
  r.batches.back().ok = 1040;  // ... complete in the last, with the drain
  AttachConfidence(r);
  ASSERT_TRUE(r.confidence.achieved_rps);
  EXPECT_NEAR(r.confidence.achieved_rps->HalfWidth(), 0, 1e-9);
  r.batches.resize(5);  // under six batches: no throughput interval
  AttachConfidence(r);
  EXPECT_FALSE(r.confidence.achieved_rps);
}

TEST(Confidence, HeadlineFiguresAndUtilisationHaveIntervals) {
  RunResult r = Result(kNoisy);
  AttachConfidence(r);
  const auto& c = r.confidence;
  EXPECT_EQ(c.batches, 10);
  EXPECT_DOUBLE_EQ(c.batch_s, 1);
  ASSERT_TRUE(c.latency_mean_ms && c.latency_p99_ms && c.achieved_rps && c.utilization[0]);
  // The batches' means (46..54 ms, sd 2.58) give t(9) · s / √10.
  EXPECT_NEAR(c.latency_mean_ms->HalfWidth(), 2.262 * 2.582 / std::sqrt(10.0), 0.05);
  EXPECT_LT(c.utilization[0]->low, r.groups[0].utilization);
  EXPECT_GT(c.utilization[0]->high, r.groups[0].utilization);
  ASSERT_TRUE(c.availability);
  EXPECT_DOUBLE_EQ(c.availability->low, 1);  // no errors in any batch
}

TEST(Confidence, RunsUnderTwoBatchesGiveNoIntervalAndDecideNothing) {
  RunResult r = Result({50});
  r.nfrs.push_back(Latency(50, 200, r));
  AttachConfidence(r);
  EXPECT_FALSE(r.nfrs[0].interval);
  EXPECT_FALSE(r.nfrs[0].inconclusive);
  EXPECT_FALSE(EveryVerdictDecided(r));  // --until-confident goes on
  EXPECT_TRUE(AllPass(r));               // a plain run is judged on its figure as before
}

}  // namespace
}  // namespace archload::run
