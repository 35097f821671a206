#include "controller/run/confidence.h"

#include <cmath>
#include <functional>

namespace archload::run {

namespace {

using Estimate = std::function<std::optional<double>(const Batch&)>;

std::optional<Interval> Over(const std::vector<Batch>& batches, std::optional<double> point,
                             const Estimate& estimate) {
  if (!point) return std::nullopt;
  std::vector<double> v;
  for (const auto& b : batches) {
    if (auto e = estimate(b)) v.push_back(*e);
  }
  return SectionInterval(*point, v);
}

stats::Histogram OfClass(const Batch& b, const std::string& cls) {
  if (cls == "read") return b.read_ns;
  if (cls == "write") return b.write_ns;
  stats::Histogram all = b.read_ns;
  all.Merge(b.write_ns);
  return all;
}

// The class Judge measured: the class's own histogram, else every request when the class had
// none (as Judge falls back).
std::string ClassJudged(const RunResult& r, const std::string& cls) {
  if (cls == "read" && r.read_ns.Count() == 0) return "";
  if (cls == "write" && r.write_ns.Count() == 0) return "";
  return cls;
}

Estimate Percentile(const std::string& cls, double p) {
  return [cls, p](const Batch& b) -> std::optional<double> {
    const auto h = OfClass(b, cls);
    if (h.Count() == 0) return std::nullopt;
    return h.ValueAtPercentile(p) / 1e6;
  };
}

// The fraction of arrivals answered, at the rate that arrived: arrival noise is the workload's,
// and the verdict's demand follows the arrivals (ThroughputDemand), so it cancels.
Estimate Throughput(double arrived_rps) {
  return [arrived_rps](const Batch& b) -> std::optional<double> {
    if (b.offered == 0) return std::nullopt;
    return static_cast<double>(b.ok) / static_cast<double>(b.offered) * arrived_rps;
  };
}

std::optional<double> Availability(const Batch& b) {
  if (b.ok + b.errors == 0) return std::nullopt;
  return static_cast<double>(b.ok) / static_cast<double>(b.ok + b.errors);
}

// Where the verdict's figure passes: at or below the target (latencies), or at or above it.
bool LowerIsBetter(const Verdict& v) { return v.kind == "latency" || v.kind == "async"; }

double Threshold(const Verdict& v, const RunResult& r) {
  return v.kind == "throughput" ? 0.95 * ThroughputDemand(r) : v.target;
}

}  // namespace

void AttachConfidence(RunResult& r) {
  auto& c = r.confidence;
  c = RunConfidence{};
  if (!r.injected.empty()) {
    // Faults make the run's seconds unlike each other (a dip, a recovery): batch means assume
    // the opposite, so a faulted run is judged on its figures, with no interval.
    for (auto& v : r.nfrs) {
      v.interval.reset();
      v.inconclusive = false;
      v.decide_s.reset();
    }
    return;
  }
  const auto& batches = r.batches;
  c.batches = static_cast<int>(batches.size());
  double total = 0;
  for (const auto& b : batches) total += b.length_s;
  c.batch_s = batches.empty() ? 0 : total / static_cast<double>(batches.size());
  const auto all = FiguresOf(r.all_ns);
  const bool any = all.count > 0;
  c.latency_mean_ms = Over(batches, any ? std::optional(all.mean_ms) : std::nullopt,
                           [](const Batch& b) -> std::optional<double> {
                             auto h = OfClass(b, "");
                             if (h.Count() == 0) return std::nullopt;
                             return h.Mean() / 1e6;
                           });
  c.latency_p50_ms =
      Over(batches, any ? std::optional(all.p50_ms) : std::nullopt, Percentile("", 50));
  c.latency_p99_ms =
      Over(batches, any ? std::optional(all.p99_ms) : std::nullopt, Percentile("", 99));
  // The first batch's responses lag its arrivals and the last one holds the drain: their
  // answered shares are the run's edges, not the design's keeping up, so throughput's interval
  // leaves them out, and needs four inner ones (under six batches the figure alone judges it:
  // two or three estimates make t so large that every short run would read inconclusive).
  const std::vector<Batch> inner = batches.size() >= 6
                                       ? std::vector<Batch>(batches.begin() + 1, batches.end() - 1)
                                       : std::vector<Batch>();
  c.achieved_rps =
      Over(inner, r.achieved_rps, Throughput(r.arrived_rps > 0 ? r.arrived_rps : r.offered_rps));
  c.availability = Over(
      batches, r.ok + r.errors > 0 ? std::optional(1 - r.error_rate) : std::nullopt, Availability);
  for (size_t g = 0; g < r.groups.size(); ++g) {
    const auto& gr = r.groups[g];
    const double slots = static_cast<double>(gr.count) * gr.concurrency;
    c.utilization.push_back(Over(batches, gr.utilization, [g, slots](const Batch& b) {
      if (g >= b.busy_ns.size() || b.length_s <= 0) return std::optional<double>();
      return std::optional<double>(b.busy_ns[g] / (1e9 * b.length_s * slots));
    }));
  }

  const double counted_s = std::max(0.0, r.duration_s - r.warmup_s);
  for (auto& v : r.nfrs) {
    v.interval.reset();
    v.inconclusive = false;
    v.decide_s.reset();
    if (!v.measured) continue;
    if (v.kind == "latency") {
      v.interval =
          Over(batches, v.measured, Percentile(ClassJudged(r, v.request_class), v.percentile));
    } else if (v.kind == "async") {
      v.interval = Over(batches, v.measured, [p = v.percentile](const Batch& b) {
        if (b.async_ns.Count() == 0) return std::optional<double>();
        return std::optional<double>(b.async_ns.ValueAtPercentile(p) / 1e6);
      });
    } else if (v.kind == "throughput") {
      v.interval = c.achieved_rps;
    } else if (v.kind == "availability") {
      v.interval = c.availability;
    }
    if (!v.interval) continue;
    // Throughput also fails on more than 1% errors, whatever the rate: decided.
    if (v.kind == "throughput" && r.error_rate > 0.01) continue;
    const double t = Threshold(v, r);
    const bool decided = LowerIsBetter(v) ? v.interval->high <= t || v.interval->low > t
                                          : v.interval->low >= t || v.interval->high < t;
    if (decided) continue;
    v.inconclusive = true;
    // The half-width shrinks as 1/√length: the length at which it would reach the gap between
    // the figure and the target.
    const double gap = std::abs(*v.measured - t);
    const double half = v.interval->HalfWidth();
    if (gap > 0 && half > 0 && counted_s > 0) v.decide_s = counted_s * (half / gap) * (half / gap);
  }
}

bool EveryVerdictDecided(const RunResult& r) {
  for (const auto& v : r.nfrs) {
    if (v.measured && (!v.interval || v.inconclusive)) return false;
  }
  return true;
}

}  // namespace archload::run
