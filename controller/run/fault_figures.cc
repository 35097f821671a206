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
// after the start, and the first they chose again after the end.
void CallersAccount(FaultFigures& ff, const std::vector<EdgeFigures>& edges, double end_s) {
  const auto& f = ff.fault;
  for (const auto& e : edges) {
    if (e.target != f.group) continue;
    for (const auto& ev : e.events) {
      if (!Concerns(f, ev.instance)) continue;
      if ((ev.what == "ejected" || ev.what == "down") && ev.at_s >= f.start_s) {
        const double d = ev.at_s - f.start_s;
        if (!ff.callers_detected_s || d < *ff.callers_detected_s) ff.callers_detected_s = d;
      }
      // Back in the choice: an up after the end, or an ejection that runs out after it.
      double back = -1;
      if (ev.what == "up" && ev.at_s >= end_s) back = ev.at_s;
      if (ev.what == "ejected" && ev.until_s >= end_s) back = ev.until_s;
      if (back >= 0 && (!ff.callers_restored_s || back - end_s < *ff.callers_restored_s)) {
        ff.callers_restored_s = back - end_s;
      }
    }
  }
}

}  // namespace

std::string DescribeFault(const model::Fault& f, const std::vector<GroupResult>& groups) {
  std::string out = model::FaultKindName(f.kind);
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
                   std::optional<double> availability_target) {
  r.faults.clear();
  r.availability.reset();
  if (r.injected.empty()) return;
  std::vector<FaultWindow> windows;
  for (const auto& f : r.injected) {
    const double end = f.duration_s > 0 ? std::min(r.duration_s, f.start_s + f.duration_s)
                                        : r.duration_s;
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
    ff.target = DescribeFault(ff.fault, r.groups);
    ff.predicted = planner::PredictFault(prediction, ff.fault, in);
    if (i < r.availability->faults.size()) ff.measured = r.availability->faults[i];
    CallersAccount(ff, r.edges, windows[i].end_s);
    r.faults.push_back(std::move(ff));
  }
}

}  // namespace archload::run
