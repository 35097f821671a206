#include "controller/planner/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>

#include "common/spec/nfr_parser.h"
#include "common/spec/spec_error.h"
#include "common/spec/spec_yaml.h"
#include "controller/planner/limits.h"
#include "controller/planner/tier_completion.h"

namespace archload::planner {

using model::RequestClass;
using spec::Role;

namespace {

// Only for figures already checked against kMaxInstancesPerGroup: past INT_MAX the cast wraps.
int CeilCount(double x) { return static_cast<int>(std::ceil(x - 1e-9)); }

// "6.67e+12", "1200": figures for error messages, where 17 digits would hide the magnitude.
std::string Short(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Options that reach the planner through its API rather than the CLI's checks.
void RequireUsableOptions(const PlanOptions& o) {
  if (!(o.headroom >= 0 && o.headroom <= kMaxHeadroom)) {
    throw std::invalid_argument("--headroom " + Short(o.headroom) +
                                ": expected a finite number in [0, " + Short(kMaxHeadroom) + "]");
  }
  if (!o.scale.automatic && !(o.scale.divisor >= 1 && o.scale.divisor <= kMaxScaleDivisor)) {
    throw std::invalid_argument("--scale 1/" + Short(o.scale.divisor) + ": expected 1/1 to 1/" +
                                Short(kMaxScaleDivisor));
  }
}

// Where component `i` of the planned design is written, for errors. Components the planner
// added come after the file's own and have no line.
struct ComponentRef {
  int line = 0;
  std::string field = "design";
};
ComponentRef RefFor(const spec::Problem& p, const spec::Design& design, size_t i) {
  if (i >= p.design->components.size()) return {};
  return {design.components[i].line, "design.components[" + std::to_string(i) + "]"};
}

// A group needing more than kMaxInstancesPerGroup is refused before any count is cast to int
// (a rate of 1e300 once printed counts of -2147483648). The message gives the figures that
// produced the need, since the cause is nearly always a rate or a capacity in the wrong unit.
void RequireGroupSize(const spec::Problem& p, const ComponentRef& ref, const GroupPlan& g,
                      double with_headroom, double headroom, const ResolvedWorkload& w) {
  if (with_headroom <= kMaxInstancesPerGroup) return;
  const auto& cap = g.profile.read.capacity_rps > 0 ? g.profile.read : g.profile.write;
  throw spec::SpecError(
      p.source, ref.line, ref.field,
      "group '" + g.name + "' would need " + Short(with_headroom) + " instances (" +
          Short(g.rate.Total()) + " req/s reach it at a client rate of " + Short(w.rate_rps) +
          " req/s from " + w.rate_source + "; " + Short(cap.capacity_rps) +
          " req/s per instance from " + g.profile.capacity_source + "; " + Short(headroom * 100) +
          "% headroom), over the limit of " + std::to_string(kMaxInstancesPerGroup) +
          " instances per group (docs/model.md, \"Limits\"): check the rate and the capacity");
}

void RequirePlanSize(const spec::Problem& p, const std::vector<GroupPlan>& groups) {
  int64_t total = 0;
  const GroupPlan* largest = nullptr;
  for (const auto& g : groups) {
    total += g.count;
    if (largest == nullptr || g.count > largest->count) largest = &g;
  }
  if (total <= kMaxInstancesPerPlan) return;
  throw spec::SpecError(p.source, 0, "design",
                        "the plan needs " + std::to_string(total) + " instances in all, over the " +
                            "limit of " + std::to_string(kMaxInstancesPerPlan) +
                            " per plan (docs/model.md, \"Limits\"); the largest group is '" +
                            largest->name + "' with " + std::to_string(largest->count));
}

// Partitions of a stream the design leaves unset: the problem's partition_count, else 16.
int StreamPartitions(const spec::Problem& p) {
  const spec::Constant* k = p.FindConstant("partition_count");
  if (k == nullptr || !k->number || *k->number < 1) return 16;
  if (!(*k->number <= spec::kMaxCount)) {
    throw spec::SpecError(p.source, k->line, "constants.partition_count",
                          Short(*k->number) + " partitions is over the limit of " +
                              std::to_string(spec::kMaxCount) + " a design may state");
  }
  return static_cast<int>(*k->number);
}

// The tier minimums per type ("Minimum 7 of type: app"); the largest wins across tiers.
std::map<std::string, int> TierMinimums(const spec::Problem& p) {
  std::map<std::string, int> mins;
  for (const auto& t : p.tiers) {
    for (const auto& c : t.checks) {
      if (c.kind == spec::CheckKind::kMinCount) {
        mins[c.type] = std::max(mins[c.type], c.min_count);
      }
    }
  }
  return mins;
}

bool AllCallersPickAtRandom(const spec::Design& design, const std::string& name) {
  bool any = false;
  for (const auto& conn : design.connections) {
    if (conn.to != name) continue;
    for (const auto& caller : design.components) {
      if (caller.name != conn.from) continue;
      if (caller.balance.value_or("round_robin") != "random") return false;
      any = true;
    }
  }
  return any;
}

// `overrun_s`: the harness's hold beyond each sampled (non-zero) service time.
HopQueue QueueFor(const GroupPlan& g, double overrun_s = 0) {
  HopQueue q;
  q.servers = g.profile.concurrency;
  const double total = g.rate.Total();
  if (g.count <= 0 || total <= 0 || g.role == Role::kClient) return q;
  q.arrival_rps = total / g.count;
  // Callers pick instances round-robin, so each instance sees every count-th arrival of a
  // roughly Poisson stream: Erlang-count inter-arrival times, cv² = 1 / count. Picked at random,
  // each instance sees a thinned Poisson stream: cv² = 1.
  q.arrival_cv2 = g.random_arrivals ? 1.0 : 1.0 / g.count;
  q.queue_limit = g.queue_limit;
  const double pr = g.rate.read / total, pw = g.rate.write / total;
  const double sr = g.profile.read.service_ms / 1000, sw = g.profile.write.service_ms / 1000;
  const double or_ = sr > 0 ? overrun_s : 0, ow = sw > 0 ? overrun_s : 0;
  q.service_mean_s = pr * (sr + or_) + pw * (sw + ow);
  // Mixture of the two classes, each S + o with o constant: E[(S + o)²] = s² (1 + cv²) + 2 o s +
  // o².
  const double cv2 = g.profile.cv * g.profile.cv;
  const double es2 = pr * (sr * sr * (1 + cv2) + 2 * or_ * sr + or_ * or_) +
                     pw * (sw * sw * (1 + cv2) + 2 * ow * sw + ow * ow);
  q.service_cv = q.service_mean_s > 0
                     ? std::sqrt(std::max(0.0, es2 / (q.service_mean_s * q.service_mean_s) - 1))
                     : 0;
  return q;
}

}  // namespace

int DefaultQueueLimit(double capacity_rps) {
  return std::max(16, static_cast<int>(std::ceil(capacity_rps * 0.5)));
}

Plan MakePlan(const spec::Problem& problem, const PlanOptions& options) {
  if (!problem.design || problem.design->components.empty()) {
    throw spec::SpecError(problem.source, 0, "design", "the problem has no design to plan");
  }
  RequireUsableOptions(options);
  Plan plan;
  spec::Design completed = *problem.design;
  for (const auto& type : CompleteForTiers(problem, completed)) {
    plan.warnings.push_back("the design lacks a " + type +
                            " its tiers require: the planner added one");
  }
  const spec::Design& design = completed;
  plan.problem_id = problem.id;
  plan.title = problem.title;
  plan.synthesized = design.synthesized;
  plan.headroom = options.headroom;
  plan.workload = ResolveWorkload(problem, options.rate_rps);
  RequirePlannableWorkload(problem, plan.workload);
  const double lambda = plan.workload.rate_rps;

  std::vector<model::ComponentProfile> profiles;
  for (const auto& c : design.components) {
    profiles.push_back(model::ResolveProfile(c, problem));
    if (!profiles.back().disagreement.empty())
      plan.warnings.push_back(profiles.back().disagreement);
    if (!spec::RoleForType(c.type).known && c.role_from_type) {
      plan.warnings.push_back("'" + c.name + "': unknown type '" + c.type + "' runs as a service");
    }
  }
  TrafficModel traffic(design, profiles, plan.workload.read_ratio);
  plan.entry_shares = traffic.EntryShares();
  plan.implicit_client = traffic.Rules().ImplicitClient();
  if (traffic.Rules().ImplicitClient()) {
    plan.warnings.push_back("the design has no client: load enters at its entry points");
  }
  if (traffic.CycleCuts() > 0) {
    plan.warnings.push_back(
        "the design has cycles: a request never revisits a component on its path");
  }

  // Per-group load and the instance count it needs.
  for (size_t i = 0; i < design.components.size(); ++i) {
    const auto& c = design.components[i];
    GroupPlan g;
    g.name = c.name;
    g.type = c.type;
    g.role = c.role;
    g.profile = profiles[i];
    const ClassRates per_unit = traffic.TotalRate(static_cast<int>(i));
    g.rate.read = per_unit.read * lambda;
    g.rate.write = per_unit.write * lambda;
    g.async_rps = traffic.AsyncRates()[i].Total() * lambda;
    g.share = per_unit.Total();
    g.explicit_count = c.count;
    g.random_arrivals = AllCallersPickAtRandom(design, c.name);
    g.queue_limit_default = !c.queue_limit.has_value();
    g.queue_limit = c.queue_limit ? *c.queue_limit : DefaultQueueLimit(g.profile.read.capacity_rps);
    if (c.role != Role::kClient) {
      if (g.profile.read.capacity_rps > 0)
        g.instances_needed += g.rate.read / g.profile.read.capacity_rps;
      if (g.profile.write.capacity_rps > 0)
        g.instances_needed += g.rate.write / g.profile.write.capacity_rps;
    }
    const double with_headroom = g.instances_needed * (1 + options.headroom);
    RequireGroupSize(problem, RefFor(problem, design, i), g, with_headroom, options.headroom,
                     plan.workload);
    g.boe_count = CeilCount(g.instances_needed);
    g.headroom_count = CeilCount(with_headroom);
    if (g.rate.Total() <= 0 && c.role != Role::kClient) {
      plan.warnings.push_back("'" + c.name + "' receives no traffic under the default call rules");
    }
    plan.groups.push_back(g);
  }

  // Tier minimums, spread over the groups of a type in proportion to their BoE counts.
  for (const auto& [type, min] : TierMinimums(problem)) {
    std::vector<GroupPlan*> of_type;
    int64_t have = 0;  // groups of a type may together pass INT_MAX
    for (auto& g : plan.groups) {
      if (g.type == type) {
        of_type.push_back(&g);
        have += std::max(1, g.headroom_count);
      }
    }
    if (of_type.empty()) continue;
    for (auto* g : of_type) {
      const double weight =
          static_cast<double>(std::max(1, g->headroom_count)) / static_cast<double>(have);
      g->tier_min = std::max(g->tier_min, CeilCount(min * weight));
    }
  }

  for (auto& g : plan.groups) {
    if (g.role == Role::kClient) {
      g.count = g.explicit_count.value_or(1);
      g.count_reason = "load generator";
    } else if (g.explicit_count) {
      g.count = *g.explicit_count;
      g.count_reason = "set in the design";
      if (g.count < g.boe_count) {
        plan.warnings.push_back("'" + g.name + "': the design's count " + std::to_string(g.count) +
                                " is below the BoE need of " + std::to_string(g.boe_count));
      }
    } else {
      g.count = std::max({1, g.headroom_count, g.tier_min});
      g.count_reason = g.count == g.tier_min && g.tier_min > g.headroom_count ? "tier minimum"
                       : g.count == g.headroom_count                          ? "BoE + headroom"
                                                                              : "at least one";
    }
    if (g.count > 0 && g.instances_needed > 0) {
      g.utilization = g.instances_needed / g.count;
      g.max_client_rps = lambda * g.count / g.instances_needed;
    } else {
      g.max_client_rps = std::numeric_limits<double>::infinity();
    }
  }

  RequirePlanSize(problem, plan.groups);

  // Bottleneck: the group that saturates at the lowest client rate.
  plan.max_throughput_rps = std::numeric_limits<double>::infinity();
  for (const auto& g : plan.groups) {
    if (g.max_client_rps < plan.max_throughput_rps) {
      plan.max_throughput_rps = g.max_client_rps;
      plan.bottleneck = g.name;
    }
  }

  // Latency of the model at the planned load.
  std::vector<HopQueue> queues;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    auto& g = plan.groups[i];
    queues.push_back(
        QueueFor(g, i < options.harness.overrun_s.size() ? options.harness.overrun_s[i] : 0));
    const auto& q = queues.back();
    g.hop_wait_probability = q.WaitProbability();
    g.hop_wait_ms = q.MeanWait() * 1000;
    g.hop_service_ms = q.service_mean_s * 1000;
    g.hop_mean_ms = g.hop_wait_ms + g.hop_service_ms;
    if (g.role != Role::kClient) g.rejected_fraction = q.Bounded().rejected_fraction;
  }
  // A request completes when none of its synchronous visits is refused. Each group's share is
  // its expected visits per request, each refused at the group's full planned load (what the
  // groups before it refused is not taken off: exact for one bounded group, else conservative).
  double log_ok = 0;
  for (const auto& g : plan.groups) {
    if (g.role == Role::kClient || g.rejected_fraction <= 0 || lambda <= 0) continue;
    const double visits = std::max(0.0, g.rate.Total() - g.async_rps) / lambda;
    log_ok += visits * (g.rejected_fraction >= 1 ? -745.0 : std::log1p(-g.rejected_fraction));
  }
  plan.rejected_fraction = 1 - std::exp(log_ok);
  plan.admitted_rps = lambda * (1 - plan.rejected_fraction);
  HarnessCosts harness = options.harness;
  harness.client.clear();
  for (const auto& g : plan.groups) harness.client.push_back(g.role == Role::kClient);
  LatencyPredictor predictor(traffic, profiles, queues, options.latency_samples, 20261127,
                             std::move(harness), options.slow_faults);
  plan.latency = predictor.Summary();
  plan.read_latency = predictor.Summary(RequestClass::kRead);
  plan.write_latency = predictor.Summary(RequestClass::kWrite);

  for (const auto& n : problem.nfrs) {
    if (n.kind != spec::NfrKind::kLatency || n.name != "Latency") continue;
    for (const auto& t : n.latency) {
      NfrPrediction p;
      p.request_class = spec::RequestClassForLabel(t.label);
      std::optional<RequestClass> cls;
      if (p.request_class == "read") cls = RequestClass::kRead;
      if (p.request_class == "write") cls = RequestClass::kWrite;
      const auto& summary = !cls                          ? plan.latency
                            : *cls == RequestClass::kRead ? plan.read_latency
                                                          : plan.write_latency;
      if (summary.samples == 0) cls.reset();
      p.name = "P" + spec::FormatNumber(t.percentile) + " latency" +
               (t.label.empty() ? "" : " (" + t.label + ")");
      p.raw = n.raw;
      p.target = t.ms;
      p.unit = "ms";
      p.predicted = predictor.PercentileMs(t.percentile, cls);
      p.pass = plan.latency.stable && std::isfinite(p.predicted) && p.predicted <= t.ms;
      plan.nfrs.push_back(p);
    }
  }
  NfrPrediction tput;
  tput.name = "throughput";
  tput.raw = plan.workload.rate_source;
  tput.target = lambda;
  tput.unit = "req/s";
  tput.predicted = plan.max_throughput_rps;
  tput.pass = plan.max_throughput_rps >= lambda;
  plan.nfrs.push_back(tput);

  // The sized design: what `archload check` and a run use.
  plan.sized_design = design;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    auto& c = plan.sized_design.components[i];
    c.count = plan.groups[i].count;
    if (profiles[i].hit_rate) c.hit_rate = profiles[i].hit_rate;
    if (c.type == "stream" && !c.partitions) c.partitions = StreamPartitions(problem);
  }

  std::vector<int> counts;
  for (const auto& g : plan.groups) counts.push_back(g.count);
  plan.scale_automatic = options.scale.automatic;
  plan.scale_divisor =
      options.scale.automatic ? AutoDivisor(lambda, counts, options.budget) : options.scale.divisor;
  for (auto& g : plan.groups) g.scaled_count = ScaledCount(g.count, plan.scale_divisor);
  return plan;
}

spec::Problem SizedProblem(const spec::Problem& problem, const Plan& plan) {
  spec::Problem sized = problem;
  sized.design = plan.sized_design;
  // Sized for --rate: the file says so, or planning or running it would use the NFRs' rate.
  if (plan.workload.rate_source == "--rate") sized.workload.rate_rps = plan.workload.rate_rps;
  return sized;
}

}  // namespace archload::planner
