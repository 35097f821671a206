#include "controller/planner/latency_budget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "controller/planner/limits.h"

namespace archload::planner {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kNoQueueFactor = 20;  // this many times the instances: waits are all but gone
// Counts are sized to meet 90% of a target: a run measures a percentile with noise, and a design
// sized to land exactly on its target fails half the time (as --headroom keeps spare capacity).
constexpr double kLatencyMargin = 0.9;

class WhatIf {
 public:
  WhatIf(const spec::Problem& problem, const Plan& plan, const PlanOptions& options)
      : base_(problem), plan_(plan) {
    base_.design = plan.sized_design;
    opts_.rate_rps = plan.workload.rate_rps;
    opts_.headroom = options.headroom;
  }
  const spec::Problem& base() const { return base_; }

  double Predict(const spec::Problem& p, const std::string& nfr) const {
    const Plan q = MakePlan(p, opts_);
    if (!q.latency.stable) return kInf;
    for (const auto& n : q.nfrs) {
      if (n.unit == "ms" && n.name == nfr) return n.predicted;
    }
    return kInf;
  }
  spec::Problem WithCount(spec::Problem p, size_t g, int count) const {
    p.design->components[g].count = count;
    return p;
  }
  // kNoQueueFactor, or less where that many instances would exceed a plan's limit (a design of
  // a million instances still gets its budget; waits shrink less, and the budget says less).
  int NoQueueFactor() const {
    int64_t total = 0, largest = 1;
    for (const auto& g : plan_.groups) {
      total += std::max<int64_t>(1, g.count);
      largest = std::max<int64_t>(largest, g.count);
    }
    const int64_t fits = std::min<int64_t>(kMaxInstancesPerPlan / std::max<int64_t>(1, total),
                                           kMaxInstancesPerGroup / largest);
    return static_cast<int>(std::clamp<int64_t>(fits, 1, kNoQueueFactor));
  }
  spec::Problem NoQueueing(spec::Problem p, std::optional<size_t> only = std::nullopt) const {
    for (size_t g = 0; g < p.design->components.size(); ++g) {
      if (only && g != *only) continue;
      auto& c = p.design->components[g];
      if (c.role == spec::Role::kClient) continue;
      c.count = std::max(1, c.count.value_or(1)) * NoQueueFactor();
    }
    return p;
  }
  // Service times of group g times k (through its capacity, concurrency kept).
  spec::Problem ScaledService(spec::Problem p, size_t g, double k) const {
    auto& c = p.design->components[g];
    const auto& prof = plan_.groups[g].profile;
    c.concurrency = prof.concurrency;
    c.capacity_rps.reset();
    c.read_capacity_rps = prof.read.capacity_rps / k;
    c.write_capacity_rps = prof.write.capacity_rps / k;
    return p;
  }

 private:
  spec::Problem base_;
  const Plan& plan_;
  PlanOptions opts_;
};

std::string Ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 1 ? "%.2f ms" : ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return buf;
}

LatencyBudget Budget(const WhatIf& w, const Plan& plan, const NfrPrediction& n) {
  LatencyBudget b;
  b.nfr = n.name;
  b.target_ms = n.target;
  const auto& base = w.base();
  b.predicted_ms = w.Predict(base, n.name);
  b.met = b.predicted_ms <= n.target;
  b.no_queueing_ms = w.Predict(w.NoQueueing(base), n.name);
  b.reachable_by_counts = b.no_queueing_ms <= n.target;
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const auto& gp = plan.groups[g];
    if (gp.role == spec::Role::kClient || gp.share <= 0) continue;
    HopShare h;
    h.group = gp.name;
    h.service_ms = gp.profile.read.service_ms;
    h.queueing_ms = std::max(0.0, b.predicted_ms - w.Predict(w.NoQueueing(base, g), n.name));
    h.service_share_ms =
        std::max(0.0, b.predicted_ms - w.Predict(w.ScaledService(base, g, 0.01), n.name));
    if (!std::isfinite(b.predicted_ms)) h.queueing_ms = h.service_share_ms = 0;
    b.hops.push_back(h);
  }
  std::sort(b.hops.begin(), b.hops.end(), [](const HopShare& a, const HopShare& c) {
    return a.queueing_ms + a.service_share_ms > c.queueing_ms + c.service_share_ms;
  });
  if (b.met) {
    b.advice = "met: " + Ms(b.predicted_ms) + " <= " + Ms(n.target);
    return b;
  }
  if (b.reachable_by_counts) {
    // More instances where queueing costs most, a step at a time, until the target is met.
    auto p = base;
    std::vector<size_t> order;
    for (const auto& h : b.hops) {
      if (h.queueing_ms <= 0) continue;
      for (size_t g = 0; g < plan.groups.size(); ++g) {
        if (plan.groups[g].name == h.group) order.push_back(g);
      }
    }
    double now = b.predicted_ms;
    const double goal = n.target * kLatencyMargin;
    for (size_t g : order) {
      // The predictor samples paths, so its percentiles wobble a little: a group's queueing is
      // spent only after a few steps in a row that gain nothing.
      int idle = 0;
      for (int step = 0; step < 80 && now > goal && idle < 3; ++step) {
        auto& c = p.design->components[g];
        const int from = c.count.value_or(1);
        const int to = std::max(from + 1, static_cast<int>(std::ceil(from * 1.05)));
        const double next = w.Predict(w.WithCount(p, g, to), n.name);
        idle = next < now * 0.999 ? 0 : idle + 1;
        c.count = to;
        now = next;
      }
      if (now <= goal) break;
    }
    std::string what;
    for (size_t g = 0; g < plan.groups.size(); ++g) {
      const int from = base.design->components[g].count.value_or(0);
      const int to = p.design->components[g].count.value_or(0);
      if (to != from) {
        b.counts.emplace_back(plan.groups[g].name, to);
        what += (what.empty() ? "" : ", ") + plan.groups[g].name + ": " + std::to_string(from) +
                " -> " + std::to_string(to) + " instances";
      }
    }
    b.advice = now <= n.target ? what + " meets " + b.nfr + " " + Ms(n.target) + " (predicted " +
                                     Ms(now) + ", sized for 90% of the target)"
                               : "more instances help but the greedy search stopped at " + Ms(now) +
                                     ": " + what;
    return b;
  }
  // No count meets it: the service times alone exceed the target. Find the ceiling on the hop
  // whose service time matters most (with queueing out of the way).
  if (!b.hops.empty()) {
    const auto& top =
        *std::max_element(b.hops.begin(), b.hops.end(), [](const HopShare& a, const HopShare& c) {
          return a.service_share_ms < c.service_share_ms;
        });
    size_t g = 0;
    while (g < plan.groups.size() && plan.groups[g].name != top.group) ++g;
    b.ceiling_group = top.group;
    b.ceiling_from_ms = top.service_ms;
    const auto free = w.NoQueueing(base);
    if (w.Predict(w.ScaledService(free, g, 1e-3), n.name) <= n.target) {
      double lo = 1e-3, hi = 1;  // lo meets, hi does not
      for (int i = 0; i < 30; ++i) {
        const double mid = std::sqrt(lo * hi);
        (w.Predict(w.ScaledService(free, g, mid), n.name) <= n.target ? lo : hi) = mid;
      }
      b.ceiling_to_ms = top.service_ms * lo;
    }
  }
  if (b.ceiling_to_ms) {
    b.advice = b.ceiling_group + ": service time must fall from " + Ms(b.ceiling_from_ms) +
               " to <= " + Ms(*b.ceiling_to_ms) + ", or no count meets " + b.nfr + " " +
               Ms(n.target) + " (" + Ms(b.no_queueing_ms) + " even without queueing)";
  } else {
    b.advice = "no count meets " + b.nfr + " " + Ms(n.target) + " (" + Ms(b.no_queueing_ms) +
               " even without queueing), and no single hop's service time does: " +
               "several hops must get faster";
  }
  return b;
}

}  // namespace

std::vector<LatencyBudget> LatencyBudgets(const spec::Problem& problem, const Plan& plan,
                                          const PlanOptions& options) {
  std::vector<LatencyBudget> out;
  if (!problem.design && plan.sized_design.components.empty()) return out;
  const WhatIf w(problem, plan, options);
  for (const auto& n : plan.nfrs) {
    if (n.unit == "ms" && n.target > 0) out.push_back(Budget(w, plan, n));
  }
  return out;
}

spec::Problem SizeForLatency(const spec::Problem& problem, const Plan& plan,
                             const PlanOptions& options, std::vector<LatencyBudget>* budgets) {
  auto found = LatencyBudgets(problem, plan, options);
  spec::Problem sized = problem;
  sized.design = plan.sized_design;
  std::map<std::string, int> counts;
  for (const auto& b : found) {
    for (const auto& [g, c] : b.counts) counts[g] = std::max(counts[g], c);
  }
  for (auto& c : sized.design->components) {
    if (auto it = counts.find(c.name); it != counts.end()) c.count = it->second;
  }
  if (budgets) *budgets = std::move(found);
  return sized;
}

}  // namespace archload::planner
