#include "controller/run/fault_figures.h"

#include <algorithm>

#include "common/spec/spec_yaml.h"

namespace archload::run {

namespace {

std::string GroupName(int g, const std::vector<GroupResult>& groups) {
  return g >= 0 && static_cast<size_t>(g) < groups.size() ? groups[g].name
                                                          : "group " + std::to_string(g);
}

bool Concerns(const model::Fault& f, int instance) {
  return f.instance < 0 || f.instance == instance;
}

// The callers' account of a fault at a group: the first instance of it they stopped choosing
// after the start, and when they chose it again after the end: marked up again by the checks
// and no longer ejected (both, when both acted). None when that is past the run's end.
void CallersAccount(FaultFigures& ff, const std::vector<EdgeFigures>& edges, double end_s,
                    double run_s) {
  const auto& f = ff.fault;
  bool down = false, ejected = false, never_up = false;
  double up_at = -1, ejection_end = -1;
  for (const auto& e : edges) {
    if (e.target != f.group) continue;
    // Per view (edge, events in time order): its first up after the end; the latest of those.
    bool down_here = false;
    double up_here = -1;
    for (const auto& ev : e.events) {
      if (!Concerns(f, ev.instance) || ev.at_s < f.start_s) continue;
      if (ev.what == "down") down_here = true;
      if (ev.what == "up" && ev.at_s >= end_s && up_here < 0) up_here = ev.at_s;
    }
    if (down_here && up_here < 0) never_up = true;
    up_at = std::max(up_at, up_here);
    for (const auto& ev : e.events) {
      if (!Concerns(f, ev.instance) || ev.at_s < f.start_s) continue;
      if (ev.what == "ejected" || ev.what == "down") {
        const double d = ev.at_s - f.start_s;
        if (!ff.callers_detected_s || d < *ff.callers_detected_s) ff.callers_detected_s = d;
      }
      if (ev.what == "down") down = true;
      if (ev.what == "ejected") {
        ejected = true;
        ejection_end = std::max(ejection_end, ev.until_s);
      }
    }
  }
  if (!down && !ejected) {
    ff.callers_restored_s = 0.0;  // they never stopped choosing it
    return;
  }
  if (down && (never_up || up_at < 0)) return;  // still down at the end for some view
  const double back = std::max(down ? up_at : 0.0, ejected ? ejection_end : 0.0);
  if (back <= run_s) ff.callers_restored_s = std::max(0.0, back - end_s);
}

// P99 over the whole batches inside [from, to).
std::optional<double> P99Between(const std::vector<Batch>& batches, double from, double to) {
  stats::Histogram h;
  for (const auto& b : batches) {
    if (b.start_s < from - 1e-6 || b.start_s + b.length_s > to + 1e-6) continue;
    h.Merge(b.read_ns);
    h.Merge(b.write_ns);
  }
  if (h.Count() == 0) return std::nullopt;
  return h.ValueAtPercentile(99) / 1e6;
}

}  // namespace

std::string DescribeFault(const model::Fault& f, const std::vector<GroupResult>& groups,
                          const std::vector<std::vector<uint32_t>>& agent_of) {
  std::string out = model::FaultKindName(f.kind);
  if (f.kind == model::FaultKind::kKillAgent) {
    std::string hosted;
    for (size_t g = 0; g < agent_of.size(); ++g) {
      std::string ids;
      int n = 0;
      for (size_t i = 0; i < agent_of[g].size(); ++i) {
        if (static_cast<int>(agent_of[g][i]) != f.agent) continue;
        ids += (n++ ? ", #" : " #") + std::to_string(i);
      }
      if (n > 0)
        hosted += (hosted.empty() ? "" : "; ") + GroupName(static_cast<int>(g), groups) + ids;
    }
    out += " " + std::to_string(f.agent) + " (hosting " + (hosted.empty() ? "nothing" : hosted) +
           ") at " + spec::FormatNumber(f.start_s) + " s";
    return out;
  }
  if (f.kind == model::FaultKind::kPartition) {
    out += " " + GroupName(f.group, groups) + (f.both_ways ? " ↔ " : " → ") +
           GroupName(f.peer_group, groups);
  } else if (f.kind == model::FaultKind::kOverload) {
    out += " ×" + spec::FormatNumber(f.multiplier);
  } else {
    out += " " + GroupName(f.group, groups);
    if (f.instance >= 0) out += " #" + std::to_string(f.instance);
  }
  if ((f.kind == model::FaultKind::kSlow || f.kind == model::FaultKind::kErrors) &&
      f.fraction < 1) {
    out += " (" + spec::FormatNumber(100 * f.fraction) + "% of requests)";
  }
  out += " at " + spec::FormatNumber(f.start_s) + " s";
  out += f.duration_s > 0 ? " for " + spec::FormatNumber(f.duration_s) + " s" : " to the end";
  if (f.kind == model::FaultKind::kKill && !f.restart) out += ", no restart";
  return out;
}

void AnalyzeFaults(RunResult& r, const planner::Plan& prediction,
                   std::optional<double> availability_target, const planner::Plan* unslowed) {
  r.faults.clear();
  r.availability.reset();
  if (r.injected.empty()) return;
  std::vector<FaultWindow> windows;
  for (const auto& f : r.injected) {
    // A kill without a restart, and an agent killed, last to the end whatever the duration.
    const bool lasts = f.duration_s <= 0 || f.kind == model::FaultKind::kKillAgent ||
                       (f.kind == model::FaultKind::kKill && !f.restart);
    const double end = lasts ? r.duration_s : std::min(r.duration_s, f.start_s + f.duration_s);
    windows.push_back({f.start_s, end});
  }
  r.availability = AnalyzeAvailability(r.timeline, windows, availability_target.value_or(1));

  planner::FaultModelInput in;
  in.rate_rps = r.offered_rps;
  in.counted_from_s = r.warmup_s;
  in.run_s = r.duration_s;
  in.resilience = r.resilience;
  in.caller_views.assign(r.groups.size(), 0);
  for (const auto& e : r.edges) {
    if (e.target >= 0 && static_cast<size_t>(e.target) < in.caller_views.size()) {
      in.caller_views[e.target] += e.views;
    }
  }
  for (size_t i = 0; i < r.injected.size(); ++i) {
    FaultFigures ff;
    ff.fault = r.injected[i];
    ff.target = DescribeFault(ff.fault, r.groups, r.agent_of);
    ff.predicted = planner::PredictFault(prediction, ff.fault, in);
    if (i < r.availability->faults.size()) ff.measured = r.availability->faults[i];
    CallersAccount(ff, r.edges, windows[i].end_s, r.duration_s);
    ff.p99_before_ms = P99Between(r.batches, 0, ff.fault.start_s);
    ff.p99_during_ms = P99Between(r.batches, ff.fault.start_s, windows[i].end_s);
    ff.p99_after_ms = P99Between(r.batches, windows[i].end_s, 1e300);
    if (ff.fault.kind == model::FaultKind::kSlow && unslowed) {
      if (unslowed->latency.stable) ff.boe_p99_without_ms = unslowed->latency.p99_ms;
      if (prediction.latency.stable) ff.boe_p99_with_ms = prediction.latency.p99_ms;
    }
    r.faults.push_back(std::move(ff));
  }
}

}  // namespace archload::run
