#include "controller/capacity/boe_model.h"

#include <cmath>
#include <limits>

namespace archload::capacity {

BoeModel::BoeModel(const spec::Problem& problem, const planner::Plan& plan, double headroom)
    : as_run_(problem), headroom_(headroom), divisor_(plan.scale_divisor) {
  as_run_.design = plan.sized_design;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    as_run_.design->components[i].count = plan.groups[i].scaled_count;
  }
  const auto at = At(plan.workload.rate_rps / divisor_);
  max_rps_ = at.max_throughput_rps;
  bottleneck_ = at.bottleneck;
}

planner::Plan BoeModel::At(double scaled_rps) const {
  planner::PlanOptions o;
  o.rate_rps = std::max(scaled_rps, 1e-6);
  o.headroom = headroom_;
  return planner::MakePlan(as_run_, o);
}

double BoeModel::LatencyMs(const std::string& nfr_name, double scaled_rps) const {
  if (scaled_rps >= max_rps_) return std::numeric_limits<double>::infinity();
  const auto p = At(scaled_rps);
  if (!p.latency.stable) return std::numeric_limits<double>::infinity();
  for (const auto& n : p.nfrs) {
    if (n.unit == "ms" && n.name == nfr_name) return n.predicted;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::vector<BoeModel::NfrKnee> BoeModel::NfrKnees() const {
  std::vector<NfrKnee> out;
  const auto base = At(max_rps_ * 0.5);
  for (const auto& n : base.nfrs) {
    if (n.unit != "ms" || !(n.target > 0)) continue;
    NfrKnee k{n.name, n.target, std::nullopt};
    // Latency grows with the rate: bisect for where it crosses the target.
    double lo = max_rps_ * 1e-3, hi = max_rps_;
    if (!(LatencyMs(n.name, lo) <= n.target)) {
      out.push_back(k);  // not met even at a trickle: the service times alone exceed it
      continue;
    }
    for (int i = 0; i < 30 && hi - lo > max_rps_ * 1e-4; ++i) {
      const double mid = (lo + hi) / 2;
      (LatencyMs(n.name, mid) <= n.target ? lo : hi) = mid;
    }
    k.rps = lo;
    out.push_back(k);
  }
  return out;
}

std::optional<double> BoeModel::NfrKneeRps() const {
  std::optional<double> knee = max_rps_;
  for (const auto& k : NfrKnees()) {
    if (!k.rps) return std::nullopt;
    knee = std::min(*knee, *k.rps);
  }
  return knee;
}

}  // namespace archload::capacity
