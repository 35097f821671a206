#include "controller/report/plan_report.h"

#include <cmath>

#include "common/spec/spec_yaml.h"
#include "controller/report/table.h"

namespace archload::report {
namespace {

nlohmann::json Finite(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::json LatencyJson(const planner::LatencySummary& s) {
  return {{"stable", s.stable},           {"samples", s.samples},
          {"mean_ms", Finite(s.mean_ms)}, {"p50_ms", Finite(s.p50_ms)},
          {"p95_ms", Finite(s.p95_ms)},   {"p99_ms", Finite(s.p99_ms)},
          {"p999_ms", Finite(s.p999_ms)}};
}

}  // namespace

nlohmann::json PlanToJson(const planner::Plan& plan) {
  nlohmann::json j;
  j["problem"] = plan.problem_id;
  j["title"] = plan.title;
  j["synthesized"] = plan.synthesized;
  j["scale"] = {{"divisor", plan.scale_divisor},
                {"text", planner::FormatScale(plan.scale_divisor)},
                {"automatic", plan.scale_automatic}};
  j["headroom"] = plan.headroom;
  j["workload"] = {{"rate_rps", plan.workload.rate_rps},
                   {"rate_source", plan.workload.rate_source},
                   {"scaled_rate_rps", plan.workload.rate_rps / plan.scale_divisor},
                   {"read_ratio", plan.workload.read_ratio},
                   {"read_ratio_source", plan.workload.read_ratio_source},
                   {"spike_multiplier", plan.workload.spike_multiplier},
                   {"spike_source", plan.workload.spike_source}};
  auto& groups = j["groups"] = nlohmann::json::array();
  for (const auto& g : plan.groups) {
    nlohmann::json gj;
    gj["name"] = g.name;
    gj["type"] = g.type;
    gj["role"] = spec::RoleName(g.role);
    gj["share"] = g.share;
    gj["rate_rps"] = {{"read", g.rate.read},
                      {"write", g.rate.write},
                      {"total", g.rate.Total()},
                      {"async", g.async_rps}};
    gj["capacity"] = {{"read_rps", g.profile.read.capacity_rps},
                      {"write_rps", g.profile.write.capacity_rps},
                      {"source", g.profile.capacity_source}};
    gj["concurrency"] = g.profile.concurrency;
    gj["service_time"] = {{"distribution", g.profile.distribution},
                          {"read_mean_ms", g.profile.read.service_ms},
                          {"write_mean_ms", g.profile.write.service_ms},
                          {"cv", g.profile.cv}};
    if (g.profile.hit_rate) {
      gj["hit_rate"] = *g.profile.hit_rate;
      gj["hit_rate_source"] = g.profile.hit_rate_source;
    }
    gj["count"] = {{"instances_needed", g.instances_needed},
                   {"boe", g.boe_count},
                   {"with_headroom", g.headroom_count},
                   {"tier_min", g.tier_min},
                   {"chosen", g.count},
                   {"reason", g.count_reason},
                   {"scaled", g.scaled_count}};
    if (g.explicit_count) gj["count"]["explicit"] = *g.explicit_count;
    gj["utilization"] = g.utilization;
    gj["max_client_rps"] = Finite(g.max_client_rps);
    gj["predicted_hop"] = {{"mean_ms", Finite(g.hop_mean_ms)},
                           {"wait_probability", g.hop_wait_probability}};
    if (g.role != spec::Role::kClient) {
      gj["queue_limit"] = {{"per_instance", g.queue_limit},
                           {"source", g.queue_limit_default ? "default" : "design"}};
      gj["rejected_fraction"] = g.rejected_fraction;
    }
    groups.push_back(gj);
  }
  j["bottleneck"] =
      plan.bottleneck.empty() ? nlohmann::json(nullptr) : nlohmann::json(plan.bottleneck);
  j["max_throughput_rps"] = Finite(plan.max_throughput_rps);
  j["admitted_rps"] = plan.admitted_rps;
  j["rejected_fraction"] = plan.rejected_fraction;
  j["latency"] = LatencyJson(plan.latency);
  j["latency"]["read"] = LatencyJson(plan.read_latency);
  j["latency"]["write"] = LatencyJson(plan.write_latency);
  auto& nfrs = j["nfrs"] = nlohmann::json::array();
  for (const auto& n : plan.nfrs) {
    nfrs.push_back({{"name", n.name},
                    {"raw", n.raw},
                    {"target", n.target},
                    {"unit", n.unit},
                    {"boe", Finite(n.predicted)},
                    {"pass", n.pass},
                    {"class", n.request_class}});
  }
  j["warnings"] = plan.warnings;
  return j;
}

void PrintPlanTable(const planner::Plan& plan, std::ostream& out) {
  out << "Plan for " << plan.problem_id << (plan.title.empty() ? "" : " — " + plan.title)
      << (plan.synthesized ? "  [synthesized design]" : "") << "\n";
  out << "Rate " << HumanRate(plan.workload.rate_rps) << " req/s (" << plan.workload.rate_source
      << "), reads " << Percent(plan.workload.read_ratio) << " (" << plan.workload.read_ratio_source
      << "), headroom " << Percent(plan.headroom) << ", scale "
      << planner::FormatScale(plan.scale_divisor) << (plan.scale_automatic ? " (auto)" : "")
      << "\n\n";
  Table t({"group", "type", "role", "share", "req/s", "cap/inst", "source", "BoE", "+hr", "tier",
           "count", "scaled", "util", "hop mean", "queue"},
          {false, false, false, true, true, true, false, true, true, true, true, true, true, true,
           true});
  for (const auto& g : plan.groups) {
    const bool client = g.role == spec::Role::kClient;
    std::string cap = "-";
    if (!client) {
      cap = HumanRate(g.profile.read.capacity_rps);
      if (std::fabs(g.profile.read.capacity_rps - g.profile.write.capacity_rps) > 1e-9) {
        cap += "/" + HumanRate(g.profile.write.capacity_rps) + "w";
      }
    }
    t.AddRow({g.name, g.type, spec::RoleName(g.role), Percent(g.share), HumanRate(g.rate.Total()),
              cap, client ? "" : g.profile.capacity_source,
              client ? "-" : spec::FormatNumber(std::round(g.instances_needed * 100) / 100),
              client ? "-" : std::to_string(g.headroom_count),
              g.tier_min > 0 ? std::to_string(g.tier_min) : "-", std::to_string(g.count),
              std::to_string(g.scaled_count), client ? "-" : Percent(g.utilization),
              client ? "-" : Ms(g.hop_mean_ms),
              client ? "-" : std::to_string(g.queue_limit) + (g.queue_limit_default ? "*" : "")});
  }
  t.Print(out);
  out << "(queue: requests an instance holds waiting; * the default, half a second of its work)\n";
  // Where a queue limit binds at the planned rate, M/M/c/K says what it refuses.
  bool bounded = false;
  for (const auto& g : plan.groups) {
    if (g.role == spec::Role::kClient || g.rejected_fraction < 0.001) continue;
    if (!bounded) out << "\nQueue limits that bind (M/M/c/K per instance):\n";
    bounded = true;
    out << "  " << g.name << ": refuses " << Percent(g.rejected_fraction) << " of its visits ("
        << HumanRate(g.rate.Total() / std::max(1, g.count)) << " req/s per instance, "
        << g.profile.concurrency << " in service + " << g.queue_limit << " waiting)\n";
  }
  if (bounded) {
    out << "At " << HumanRate(plan.workload.rate_rps)
        << " req/s offered: " << HumanRate(plan.admitted_rps) << " req/s complete, "
        << Percent(plan.rejected_fraction) << " refused\n";
  }
  out << "\nBottleneck: " << (plan.bottleneck.empty() ? "none" : plan.bottleneck)
      << "; predicted max throughput " << HumanRate(plan.max_throughput_rps) << " req/s\n";
  out << "Predicted latency ("
      << (plan.latency.stable               ? "M/G/c per hop"
          : plan.rejected_fraction >= 0.001 ? "overload: of the requests full queues admit, M/M/c/K"
                                            : "UNSTABLE: overload")
      << "): p50 " << Ms(plan.latency.p50_ms) << ", p95 " << Ms(plan.latency.p95_ms) << ", p99 "
      << Ms(plan.latency.p99_ms) << ", p99.9 " << Ms(plan.latency.p999_ms) << "\n\n";
  Table n({"NFR", "target", "BoE", "verdict"}, {false, true, true, false});
  for (const auto& nfr : plan.nfrs) {
    const bool ms = nfr.unit == "ms";
    n.AddRow({nfr.name, ms ? Ms(nfr.target) : HumanRate(nfr.target) + " req/s",
              ms ? Ms(nfr.predicted) : HumanRate(nfr.predicted) + " req/s",
              nfr.pass ? "✓ meets" : "✗ misses"});
  }
  n.Print(out);
  for (const auto& w : plan.warnings) out << "warning: " << w << "\n";
}

nlohmann::json TiersToJson(const std::vector<planner::TierResult>& tiers) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& t : tiers) {
    nlohmann::json tj{{"name", t.name}, {"pass", t.pass}, {"checks", nlohmann::json::array()}};
    for (const auto& c : t.checks) {
      tj["checks"].push_back(
          {{"check", c.check.raw.empty() ? spec::CheckKindName(c.check.kind) : c.check.raw},
           {"kind", spec::CheckKindName(c.check.kind)},
           {"pass", c.pass},
           {"reason", c.reason}});
    }
    arr.push_back(tj);
  }
  return arr;
}

void PrintTiers(const std::vector<planner::TierResult>& tiers, std::ostream& out) {
  if (tiers.empty()) out << "(the problem defines no tiers)\n";
  for (const auto& t : tiers) {
    out << (t.pass ? "✓ " : "✗ ") << t.name << "\n";
    for (const auto& c : t.checks) {
      out << "    " << (c.pass ? "✓ " : "✗ ") << c.check.raw << " — " << c.reason << "\n";
    }
  }
}

}  // namespace archload::report
