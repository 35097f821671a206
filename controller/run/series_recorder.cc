#include "controller/run/series_recorder.h"

#include <algorithm>
#include <cmath>

namespace archload::run {

namespace {

void MergeSerialized(stats::Histogram& into, const std::string& bytes) {
  if (bytes.empty()) return;
  if (auto h = stats::Histogram::Deserialize(bytes)) into.Merge(*h);
}

std::optional<double> PercentileMs(const stats::Histogram& h, double p) {
  if (h.Count() == 0) return std::nullopt;
  return h.ValueAtPercentile(p) / 1e6;
}

}  // namespace

SeriesRecorder::SeriesRecorder(const RunSpec& spec, double planned_s, double interval_s)
    : planned_s_(planned_s), interval_s_(interval_s), warmup_s_(spec.workload.warmup_s()) {
  for (const auto& g : spec.groups) {
    groups_.push_back(
        {std::max(1, g.count()), std::max(1, g.concurrency()), g.role() == v1::ROLE_BROKER});
  }
  series_.interval_s = interval_s;
  series_.groups.resize(groups_.size());
  prev_ = Merge({});
}

void SeriesRecorder::Observe(const std::vector<AgentState>& agents) {
  if (pending_.size() < agents.size()) {
    pending_.resize(agents.size());
    seen_elapsed_.resize(agents.size(), -1);
  }
  const double step_ns = interval_s_ * 1e9;
  for (size_t i = 0; i < agents.size(); ++i) {
    const auto& s = agents[i].latest;
    if (s.elapsed_ns() == seen_elapsed_[i]) continue;
    seen_elapsed_[i] = s.elapsed_ns();
    // Only the reports at whole intervals: Stop's and Collect's answers come at any time.
    if (s.stopped() || s.final()) continue;
    const auto k = static_cast<int64_t>(std::llround(s.elapsed_ns() / step_ns));
    if (k < next_k_ || std::abs(s.elapsed_ns() - k * step_ns) > 0.3 * step_ns) continue;
    pending_[i].emplace(k, s);
  }
  EmitReady(agents);
}

void SeriesRecorder::EmitReady(const std::vector<AgentState>& agents) {
  if (agents.empty()) return;
  for (;;) {
    const int64_t k = next_k_;
    if (k * interval_s_ > planned_s_ - interval_s_ / 2) return;  // Finish closes the last one
    // Ready when every agent has reported at k or later, or is gone (its last report stands).
    bool ready = true, all_at_k = true;
    for (size_t i = 0; i < agents.size(); ++i) {
      if (Gone(agents[i])) continue;
      const auto& p = pending_[i];
      if (p.empty() || p.rbegin()->first < k) ready = false;
      if (!p.count(k)) all_at_k = false;
    }
    if (!ready) return;
    if (all_at_k) {
      std::vector<const v1::Stats*> reports;
      for (size_t i = 0; i < agents.size(); ++i) {
        reports.push_back(Gone(agents[i]) ? &agents[i].latest : &pending_[i].at(k));
      }
      Emit(reports, k * interval_s_);
    }
    // A report that never arrived (an agent too busy to send it on time) widens the window:
    // the next boundary closes both intervals.
    for (auto& p : pending_) p.erase(p.begin(), p.upper_bound(k));
    next_k_ = k + 1;
  }
}

Series SeriesRecorder::Finish(const std::vector<AgentState>& agents, double measured_s) {
  std::vector<const v1::Stats*> reports;
  for (const auto& a : agents) reports.push_back(&a.latest);
  if (!agents.empty()) Emit(reports, std::max(measured_s, prev_t_ + 1e-3));
  return std::move(series_);
}

SeriesRecorder::Totals SeriesRecorder::Merge(const std::vector<const v1::Stats*>& reports) const {
  Totals t;
  const size_t n = groups_.size();
  for (auto* v : {&t.received, &t.rejected, &t.busy_ns, &t.hits, &t.misses}) v->assign(n, 0);
  t.queue_depth.assign(n, 0);
  t.broker_depth.assign(n, 0);
  for (const auto* s : reports) {
    const auto& c = s->client();
    t.offered += c.offered();
    t.sent += c.sent();
    t.ok += c.ok();
    t.errors += c.errors();
    t.dropped += c.dropped();
    MergeSerialized(t.read_ns, c.read_latency_ns());
    MergeSerialized(t.write_ns, c.write_latency_ns());
    for (const auto& g : s->groups()) {
      if (g.group() < 0 || static_cast<size_t>(g.group()) >= n) continue;
      const size_t i = static_cast<size_t>(g.group());
      t.received[i] += g.received();
      t.rejected[i] += g.rejected();
      t.busy_ns[i] += g.busy_ns();
      t.hits[i] += g.hits();
      t.misses[i] += g.misses();
      t.queue_depth[i] += g.queue_depth();
      t.broker_depth[i] += g.broker_depth();
      MergeSerialized(t.async_ns, g.async_ns());
    }
  }
  return t;
}

void SeriesRecorder::Emit(const std::vector<const v1::Stats*>& reports, double t_s) {
  Totals now = Merge(reports);
  const double w = t_s - prev_t_;
  // Counters only grow; a report older than the previous one (an agent's stats replaced by an
  // earlier snapshot, which should not happen) counts as nothing rather than wrapping.
  auto delta = [](uint64_t a, uint64_t b) { return a > b ? a - b : 0; };
  auto& s = series_;
  s.t_s.push_back(t_s);
  s.window_s.push_back(w);
  s.offered_rps.push_back(delta(now.offered, prev_.offered) / w);
  s.sent_rps.push_back(delta(now.sent, prev_.sent) / w);
  s.achieved_rps.push_back(delta(now.ok, prev_.ok) / w);
  s.errors_rps.push_back(delta(now.errors, prev_.errors) / w);
  s.dropped_rps.push_back(delta(now.dropped, prev_.dropped) / w);
  auto difference = [](const stats::Histogram& later, const stats::Histogram& earlier) {
    stats::Histogram d = later;
    if (!d.Subtract(earlier)) d.Reset();
    return d;
  };
  Batch b;
  b.start_s = prev_t_;
  b.length_s = w;
  b.windows = 1;
  b.offered = delta(now.offered, prev_.offered);
  b.ok = delta(now.ok, prev_.ok);
  b.errors = delta(now.errors, prev_.errors);
  b.read_ns = difference(now.read_ns, prev_.read_ns);
  b.write_ns = difference(now.write_ns, prev_.write_ns);
  b.async_ns = difference(now.async_ns, prev_.async_ns);
  for (size_t i = 0; i < groups_.size(); ++i)
    b.busy_ns.push_back(delta(now.busy_ns[i], prev_.busy_ns[i]));
  stats::Histogram window = b.read_ns;
  window.Merge(b.write_ns);
  s.responses.push_back(window.Count());
  s.p50_ms.push_back(PercentileMs(window, 50));
  s.p95_ms.push_back(PercentileMs(window, 95));
  s.p99_ms.push_back(PercentileMs(window, 99));
  uint64_t rejected = 0;
  for (size_t i = 0; i < groups_.size(); ++i) {
    auto& g = s.groups[i];
    const uint64_t rej = delta(now.rejected[i], prev_.rejected[i]);
    rejected += rej;
    g.rps.push_back(delta(now.received[i], prev_.received[i]) / w);
    g.utilization.push_back(delta(now.busy_ns[i], prev_.busy_ns[i]) /
                            (1e9 * w * groups_[i].count * groups_[i].concurrency));
    g.queue_depth.push_back(now.queue_depth[i]);
    g.broker_depth.push_back(groups_[i].broker ? now.broker_depth[i] : 0);
    g.rejected.push_back(rej);
    const uint64_t hits = delta(now.hits[i], prev_.hits[i]);
    const uint64_t lookups = hits + delta(now.misses[i], prev_.misses[i]);
    g.hit_ratio.push_back(lookups > 0 ? std::optional<double>(static_cast<double>(hits) / lookups)
                                      : std::nullopt);
  }
  s.rejected_rps.push_back(rejected / w);
  // Windows wholly after the warm-up; a window with nothing counted yet adds nothing either.
  if (prev_t_ >= warmup_s_ - 1e-6 && b.offered + b.ok + b.errors > 0) {
    if (w < interval_s_ / 2) {
      batches_.AddToLatest(std::move(b));
    } else {
      batches_.Add(b);
    }
  }
  prev_ = std::move(now);
  prev_t_ = t_s;
}

}  // namespace archload::run
