#include "controller/capacity/trial_runner.h"

#include <cmath>
#include <sstream>

namespace archload::capacity {

TrialRunner::TrialRunner(const spec::Problem& problem, const planner::Plan& plan,
                         const BoeModel& boe, TrialConfig config)
    : problem_(problem), plan_(plan), boe_(boe), config_(std::move(config)) {}

TrialResult Summarize(const run::RunResult& r, double bound_ns, double keeping_up_ms) {
  TrialResult t;
  t.offered_rps = r.offered_rps;
  const double window_s = r.duration_s - r.warmup_s;
  if (window_s > 0) t.arrived_rps = static_cast<double>(r.offered) / window_s;
  t.achieved_rps = r.achieved_rps;
  t.error_fraction = r.error_rate;
  const auto& h = r.harness;
  std::ostringstream why;
  if (!r.harness_faults.empty()) why << r.harness_faults.front();
  if (h.send_lag_ns.Count() > 0 && h.send_lag_ns.ValueAtPercentile(99) >= bound_ns) {
    why << (why.tellp() > 0 ? "; " : "") << "send lag p99 "
        << h.send_lag_ns.ValueAtPercentile(99) / 1e6 << " ms";
  }
  if (h.lateness_ns.Count() > 0 && h.lateness_ns.ValueAtPercentile(99) >= bound_ns) {
    why << (why.tellp() > 0 ? "; " : "") << "timer lateness p99 "
        << h.lateness_ns.ValueAtPercentile(99) / 1e6 << " ms";
  }
  if (!r.complete) why << (why.tellp() > 0 ? "; " : "") << r.incomplete_reason;
  t.harness_reason = why.str();
  t.harness_ok = t.harness_reason.empty();
  t.nfrs_ok = true;
  for (const auto& v : r.nfrs) {
    if (v.unit == "ms" && !v.pass) t.nfrs_ok = false;
  }
  const auto f = run::FiguresOf(r.all_ns);
  t.p50_ms = f.p50_ms;
  t.p99_ms = f.p99_ms;
  if (window_s > 0 && t.arrived_rps > 0 && f.count > 0) {
    const double in_flight_ms = keeping_up_ms > 0 ? std::min(f.mean_ms, keeping_up_ms) : f.mean_ms;
    t.edge_sigma = std::sqrt(2 * t.arrived_rps * in_flight_ms / 1e3) / (t.arrived_rps * window_s);
  }
  for (const auto& g : r.groups) {
    t.utilization.push_back(g.utilization);
    t.rejected.push_back(g.rejected);
  }
  return t;
}

TrialResult TrialRunner::operator()(double scaled_rps) {
  run::RunnerOptions ro = config_.runner;
  ro.run.offered_rps = scaled_rps * plan_.scale_divisor;  // Run divides by the scale again
  ro.run.duration_s = config_.warmup_s + config_.measure_s;
  ro.run.warmup_s = config_.warmup_s;
  ro.progress = false;
  static std::ostream quiet(nullptr);  // the search prints its own line per trial
  run::RunResult r = run::Run(problem_, plan_, ro, quiet);
  run::Judge(r, problem_, boe_.At(scaled_rps));
  // A design that keeps up has about the BoE's mean latency at a sustainable rate in flight; a
  // queue beyond that is the overload itself, not noise (docs/capacity.md).
  const double sustainable = std::min(scaled_rps, 0.95 * boe_.max_rps());
  const auto at = boe_.At(sustainable).latency;
  const double keeping_up_ms = at.stable && at.mean_ms > 0 ? at.mean_ms : 0;
  records_.push_back({Summarize(r, config_.harness_bound_ns, keeping_up_ms), std::move(r)});
  records_.back().summary.offered_rps = scaled_rps;
  if (records_.back().result.interrupted_by != 0) {
    interrupted_ = true;
    throw Interrupted();
  }
  return records_.back().summary;
}

const TrialRunner::Record* TrialRunner::Find(double scaled_rps) const {
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (std::abs(it->summary.offered_rps - scaled_rps) <= 1e-9 * scaled_rps) return &*it;
  }
  return nullptr;
}

}  // namespace archload::capacity
