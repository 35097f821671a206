#include "controller/planner/fault_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/spec/spec_yaml.h"

namespace archload::planner {

namespace {

using model::FaultKind;

double Overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

// The first round of active checks at or after t: rounds run at whole intervals from the load's
// start, the first one interval in (agents/runtime/edge_health.cc).
double NextCheck(double t, double interval) {
  return std::max(1.0, std::ceil(t / interval - 1e-9)) * interval;
}

// Three significant figures are what the model's inputs carry.
std::string Num(double v) {
  if (v == 0 || !std::isfinite(v)) return spec::FormatNumber(v);
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::abs(v))));
  return spec::FormatNumber(std::round(v * scale) / scale);
}

// Overload: during the surge the offered rate exceeds what the design completes; what happens
// after depends on the retries: callers whose calls time out in the backlog retry them, and the
// server still works through what they gave up on. With `r` retries per call and no budget the
// load after the surge can be λ(1 + r); a budget caps it at λ(1 + budget).
FaultPrediction PredictOverload(const Plan& plan, const model::Fault& f,
                                const FaultModelInput& in) {
  FaultPrediction p;
  const double capacity = plan.max_throughput_rps;
  const double surge = in.rate_rps * f.multiplier;
  double amplification = 1;
  bool timeouts = false;
  for (const auto& r : in.resilience) {
    if (r.timeout_ms <= 0) continue;
    timeouts = true;
    const double extra =
        r.retry_budget < 0 ? r.retries : std::min<double>(r.retries, r.retry_budget);
    amplification = std::max(amplification, 1 + extra);
  }
  p.saturates = surge >= capacity;
  const double after = in.rate_rps * amplification;
  p.metastable = p.saturates && timeouts && after >= capacity;
  p.how = "offered ×" + Num(f.multiplier) + " = " + Num(surge) + " req/s against a capacity of " +
          Num(capacity) + " req/s";
  if (!p.saturates) {
    p.how += ": within capacity";
  } else if (!timeouts) {
    p.how += "; no caller gives up (no timeouts), so the backlog drains after it";
  } else {
    p.how += "; after it, timed-out calls and their retries offer up to " + Num(in.rate_rps) +
             " × " + Num(amplification) + " = " + Num(after) + " req/s" +
             (p.metastable ? ": at or above capacity, it stays overloaded (metastable)"
                           : ": below capacity, the backlog drains");
  }
  return p;
}

// Partition: every call across it is dropped and fails at its caller's timeout (or is never
// answered), retries included; nothing else fails. Counted when the called side has no other
// caller (its visits are then exactly the calls that cross); else only the rule is stated.
FaultPrediction PredictPartition(const Plan& plan, const model::Fault& f,
                                 const FaultModelInput& in) {
  FaultPrediction p;
  p.how =
      "calls across the partition are dropped: they fail at the callers' timeout (or are "
      "never answered without one); no other call does";
  const auto& design = plan.sized_design;
  const int n = static_cast<int>(plan.groups.size());
  if (f.group < 0 || f.group >= n || f.peer_group < 0 || f.peer_group >= n ||
      design.components.size() < plan.groups.size()) {
    return p;
  }
  const std::string& a = design.components[f.group].name;
  const std::string& b = design.components[f.peer_group].name;
  // The called side: B, and A too when both ways and B calls A.
  double visits = 0;
  bool counted = true, wired = false;
  auto crossing = [&](const std::string& from, int to) {
    bool any = false, other = false;
    for (const auto& c : design.connections) {
      if (c.to != design.components[to].name) continue;
      (c.from == from ? any : other) = true;
    }
    if (!any) return;
    wired = true;
    if (other) {
      counted = false;
      return;
    }
    const GroupPlan& g = plan.groups[to];
    const double total = g.rate.Total();
    visits += total > 0 ? g.share * (1 - g.async_rps / total) : 0;
  };
  crossing(a, f.peer_group);
  if (f.both_ways) crossing(b, f.group);
  if (!counted || !wired) {
    // A call script may make calls the connections do not draw: then the model cannot count.
    p.how += wired ? " (not counted: the called side has other callers)"
                   : " (not counted: no connection between them; calls scripts may still cross)";
    return p;
  }
  const double end = f.duration_s > 0 ? std::min(in.run_s, f.start_s + f.duration_s) : in.run_s;
  p.failing_share = std::min(1.0, visits);
  p.lost = in.rate_rps * p.failing_share * Overlap(f.start_s, end, in.counted_from_s, in.run_s);
  const double counted_s = std::max(1e-9, in.run_s - in.counted_from_s);
  p.availability = std::max(0.0, 1 - p.lost / (in.rate_rps * counted_s));
  return p;
}

}  // namespace

FaultPrediction PredictFault(const Plan& plan, const model::Fault& f, const FaultModelInput& in) {
  if (f.kind == FaultKind::kOverload) return PredictOverload(plan, f, in);
  FaultPrediction p;
  if (f.kind == FaultKind::kSlow) {
    p.how = "a mixture: the BoE's latency percentiles include the added delay";
    return p;
  }
  if (f.kind == FaultKind::kPartition) return PredictPartition(plan, f, in);
  if (f.kind == FaultKind::kKillAgent) {
    p.how =
        "every instance the agent hosted is gone for the rest of the run: each call to them "
        "fails until callers stop choosing them (their checks and ejection), and its load "
        "generators stop offering";
    return p;
  }
  if (f.group < 0 || static_cast<size_t>(f.group) >= plan.groups.size()) return p;
  const GroupPlan& g = plan.groups[f.group];
  const model::Resilience r = static_cast<size_t>(f.group) < in.resilience.size()
                                  ? in.resilience[f.group]
                                  : model::Resilience{};
  const int n = std::max(1, g.count);
  const int k = f.instance < 0 ? n : 1;
  // A kill without a restart lasts to the end, whatever its duration.
  const bool lasts = f.duration_s <= 0 || (f.kind == FaultKind::kKill && !f.restart);
  const double end = lasts ? in.run_s : std::min(in.run_s, f.start_s + f.duration_s);
  const double length = std::max(0.0, end - f.start_s);
  const double lambda = in.rate_rps;
  const double total = g.rate.Total();
  // Visits per request on the request path (asynchronous visits fail nobody's request).
  const double visits = total > 0 ? g.share * (1 - g.async_rps / total) : 0;
  const double per_instance = visits * lambda / n;
  // The chance that a visit meets the fault, while callers still choose what failed.
  double q = static_cast<double>(k) / n;
  if (f.kind == FaultKind::kErrors) q *= f.fraction;
  const bool hang = f.kind == FaultKind::kHang;
  const bool waits_forever = hang && r.timeout_ms <= 0;
  // Retries: a failed attempt goes again (to another instance, mostly), within the budget.
  double fail_call = q;
  if (r.retries > 0 && !waits_forever) {
    const double views = std::max(
        1, static_cast<size_t>(f.group) < in.caller_views.size() ? in.caller_views[f.group] : 1);
    const double allowed = r.retry_budget < 0
                               ? q
                               : std::min(q, r.retry_budget + r.retry_budget_min_per_s * views /
                                                                  std::max(1e-9, visits * lambda));
    fail_call = (q - allowed) + allowed * std::pow(q, r.retries);
  }
  p.failing_share = visits <= 1 ? visits * fail_call : 1 - std::pow(1 - fail_call, visits);

  // Detection: the earlier of the active checks' and the passive ejection's.
  std::vector<std::string> how;
  const double never = std::numeric_limits<double>::infinity();
  double health_detect = never, eject_detect = never;
  const bool alive = f.kind == FaultKind::kErrors;  // it answers checks; only ejection sees it
  const bool health = r.health.interval_ms > 0 && r.health.fall > 0 && !alive;
  if (k >= n) {
    how.push_back(f.kind == FaultKind::kErrors
                      ? "every instance fails " + Num(100 * f.fraction) +
                            "% of its visits: there is nothing to fail over to"
                      : "every instance fails: there is nothing to fail over to");
  } else {
    if (health) {
      const double interval = r.health.interval_ms / 1000;
      const double down = NextCheck(f.start_s, interval) + (r.health.fall - 1) * interval +
                          (hang ? r.health.timeout_ms / 1000 : 0);
      health_detect = down - f.start_s;
      how.push_back(std::to_string(r.health.fall) + " failed checks " + Num(interval) +
                    " s apart on the load's clock");
    }
    const int may_eject =
        static_cast<int>(std::floor(r.outlier.max_ejected_fraction * static_cast<double>(n)));
    const bool seen_failing = f.kind == FaultKind::kKill || (hang && r.timeout_ms > 0) ||
                              (f.kind == FaultKind::kErrors && f.fraction >= 1);
    if (r.outlier.consecutive_failures > 0 && may_eject >= k && seen_failing && per_instance > 0) {
      const double views = std::max(
          1, static_cast<size_t>(f.group) < in.caller_views.size() ? in.caller_views[f.group] : 1);
      const double eject =
          r.outlier.consecutive_failures * views / per_instance + (hang ? r.timeout_ms / 1000 : 0);
      eject_detect = eject;
      how.push_back(std::to_string(r.outlier.consecutive_failures) +
                    " failures in a row seen by each of " + Num(views) + " callers' views");
    }
    if (!health && r.outlier.consecutive_failures <= 0) {
      how.push_back("callers have no health checks or outlier ejection: they keep choosing it");
    }
  }
  const double detect = std::min(health_detect, eject_detect);
  const bool detected = detect < length;
  if (detected) p.detection_s = detect;
  const double undetected = detected ? detect : length;
  p.lost = lambda * p.failing_share *
           Overlap(f.start_s, f.start_s + undetected, in.counted_from_s, in.run_s);
  if (f.kind == FaultKind::kKill && f.start_s >= in.counted_from_s && f.start_s < in.run_s) {
    // What the killed instances held (Little: rate × time there) fails with them.
    const double held = per_instance * k * g.hop_mean_ms / 1000;
    p.lost += held * (r.retries > 0 ? std::pow(q, r.retries) : 1);
  }
  const double counted = std::max(1e-9, in.run_s - in.counted_from_s);
  p.availability = std::max(0.0, 1 - p.lost / (lambda * counted));
  if (k < n) {
    p.survivors_utilization = g.utilization * n / (n - k);
    p.saturates = *p.survivors_utilization >= 1;
  }
  // A restarted instance back in the callers' choice.
  if (f.kind == FaultKind::kKill && f.restart && f.duration_s > 0 && end < in.run_s) {
    // Back when the checks mark it up again and any ejection has run out.
    double back = end;
    if (health_detect < length) {
      const double interval = r.health.interval_ms / 1000;
      back = std::max(back, NextCheck(end, interval) + (r.health.rise - 1) * interval);
    }
    if (eject_detect < length) {
      back = std::max(back, f.start_s + eject_detect + r.outlier.base_ejection_ms / 1000);
    }
    if (back <= in.run_s) p.restored_s = back - end;
  }
  for (size_t i = 0; i < how.size(); ++i) p.how += (i ? "; " : "") + how[i];
  if (r.retries > 0 && !waits_forever) {
    p.how += "; " + std::to_string(r.retries) + " retries" +
             (r.retry_budget < 0 ? "" : " within a " + Num(100 * r.retry_budget) + "% budget");
  }
  return p;
}

std::vector<SlowFault> SlowFaultsOf(const std::vector<model::Fault>& faults,
                                    const std::vector<int>& counts, double counted_from_s,
                                    double run_s) {
  std::vector<SlowFault> out;
  const double counted = run_s - counted_from_s;
  if (counted <= 0) return out;
  for (const auto& f : faults) {
    if (f.kind != FaultKind::kSlow) continue;
    const double end = f.duration_s > 0 ? f.start_s + f.duration_s : run_s;
    double share = f.fraction * Overlap(f.start_s, end, counted_from_s, run_s) / counted;
    if (f.instance >= 0 && static_cast<size_t>(f.group) < counts.size()) {
      share /= std::max(1, counts[f.group]);
    }
    if (share > 0) out.push_back({f.group, share, f.delay});
  }
  return out;
}

}  // namespace archload::planner
