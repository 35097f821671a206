#include "controller/metrics/run_totals.h"

namespace archload::metrics {

namespace {
void MergeSerialized(stats::Histogram& into, const std::string& bytes) {
  if (bytes.empty()) return;
  if (auto h = stats::Histogram::Deserialize(bytes)) into.Merge(*h);
}
}  // namespace

stats::Histogram RunTotals::AllNs() const {
  stats::Histogram all = read_ns;
  all.Merge(write_ns);
  return all;
}

RunTotals MergeTotals(double t_s, const std::vector<run::AgentState>& agents, size_t groups) {
  RunTotals t;
  t.t_s = t_s;
  t.busy_ns.assign(groups, 0);
  t.received.assign(groups, 0);
  for (const auto& a : agents) {
    const auto& c = a.latest.client();
    t.offered += c.offered();
    t.sent += c.sent();
    t.ok += c.ok();
    t.errors += c.errors();
    t.harness_errors += c.harness_errors();
    t.dropped += c.dropped();
    MergeSerialized(t.read_ns, c.read_latency_ns());
    MergeSerialized(t.write_ns, c.write_latency_ns());
    MergeSerialized(t.send_lag_ns, c.send_lag_ns());
    for (const auto& g : a.latest.groups()) {
      MergeSerialized(t.async_ns, g.async_ns());
      MergeSerialized(t.lateness_ns, g.lateness_ns());
      if (g.group() < 0 || static_cast<size_t>(g.group()) >= groups) continue;
      t.busy_ns[g.group()] += g.busy_ns();
      t.received[g.group()] += g.received();
    }
    t.agent_cpu_s += a.latest.health().cpu_ns() / 1e9;
  }
  return t;
}

RunWindows::RunWindows(double window_s, size_t groups) : window_s_(window_s) {
  RunTotals start;
  start.busy_ns.assign(groups, 0);
  start.received.assign(groups, 0);
  kept_.push_back(std::move(start));
}

void RunWindows::Add(RunTotals totals) {
  kept_.push_back(std::move(totals));
  // Drop what is older than the newest totals at or before latest - window.
  const double horizon = kept_.back().t_s - window_s_;
  while (kept_.size() > 2 && kept_[1].t_s <= horizon) kept_.pop_front();
}

const RunTotals& RunWindows::base() const { return kept_.front(); }

stats::Histogram RunWindows::Window(const stats::Histogram& latest, const stats::Histogram& base) {
  stats::Histogram w = latest;
  if (!w.Subtract(base)) return latest;
  return w;
}

}  // namespace archload::metrics
