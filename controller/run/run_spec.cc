#include "controller/run/run_spec.h"

#include <cmath>
#include <stdexcept>

#include "archload/v1/roles.h"
#include "common/model/resilience.h"
#include "common/security/secret.h"

namespace archload::run {

namespace {

void FillServiceTime(v1::ServiceTime* st, const model::ComponentProfile& p, double mean_ms,
                     double scale) {
  st->set_distribution(p.distribution);
  st->set_mean_ms(mean_ms * scale);
  st->set_cv(p.cv);
  for (double s : p.samples_ms) st->add_samples_ms(s * scale);
}

void FillScript(v1::CallScript* out, const std::optional<std::vector<spec::ScriptStep>>& steps,
                const spec::Design& design) {
  if (!steps) return;
  out->set_present(true);
  for (const auto& s : *steps) {
    auto* ps = out->add_steps();
    ps->set_one_of(s.one_of);
    ps->set_parallel(s.parallel);
    ps->set_when(s.when);
    ps->set_lookup(s.lookup);
    ps->set_async(s.async);
    for (const auto& c : s.calls) {
      auto* pc = ps->add_calls();
      for (size_t j = 0; j < design.components.size(); ++j) {
        if (design.components[j].name == c.target) pc->set_target(static_cast<int>(j));
      }
      pc->set_weight(c.weight);
      pc->set_probability(c.probability);
      pc->set_local_only(c.local_only);
      pc->set_request_class(c.request_class);
    }
  }
}

}  // namespace

bool KilledByFault(const RunSpec& spec, size_t agent) {
  for (const auto& f : spec.faults) {
    if (f.kind() == "kill_agent" && f.agent() >= 0 && static_cast<size_t>(f.agent()) == agent) {
      return true;
    }
  }
  return false;
}

v1::ResilienceSpec ResilienceSpecOf(const std::optional<spec::Resilience>& r) {
  v1::ResilienceSpec p;
  if (!r) return p;  // present false: callers wait for every answer
  const model::Resilience d;
  p.set_present(true);
  p.set_timeout_ms(r->timeout_ms.value_or(d.timeout_ms));
  p.set_retries(r->retries.value_or(d.retries));
  p.set_backoff_base_ms(r->backoff_base_ms.value_or(d.backoff_base_ms));
  p.set_backoff_max_ms(r->backoff_max_ms.value_or(d.backoff_max_ms));
  p.set_retry_budget(r->retry_budget.value_or(d.retry_budget));
  p.set_retry_budget_min_per_s(r->retry_budget_min_per_s.value_or(d.retry_budget_min_per_s));
  p.set_max_pending(r->max_pending.value_or(d.max_pending));
  p.set_check_interval_ms(r->check_interval_ms.value_or(d.health.interval_ms));
  p.set_check_timeout_ms(r->check_timeout_ms.value_or(d.health.timeout_ms));
  p.set_check_fall(r->check_fall.value_or(d.health.fall));
  p.set_check_rise(r->check_rise.value_or(d.health.rise));
  p.set_outlier_consecutive(r->outlier_consecutive.value_or(d.outlier.consecutive_failures));
  p.set_outlier_base_ms(r->outlier_base_ms.value_or(d.outlier.base_ejection_ms));
  p.set_outlier_max_ms(r->outlier_max_ms.value_or(d.outlier.max_ejection_ms));
  p.set_outlier_max_fraction(r->outlier_max_fraction.value_or(d.outlier.max_ejected_fraction));
  return p;
}

std::vector<v1::FaultSpec> FaultSpecsOf(const spec::Design& design,
                                        const std::vector<int>& counts) {
  std::vector<v1::FaultSpec> out;
  auto index_of = [&](const std::string& name) {
    for (size_t k = 0; k < design.components.size(); ++k) {
      if (design.components[k].name == name) return static_cast<int>(k);
    }
    throw std::invalid_argument("a fault names '" + name + "', which is not a component");
  };
  for (const auto& f : design.faults) {  // --fault adds to them (cmd_run)
    v1::FaultSpec p;
    p.set_kind(f.kind);
    if (!f.component.empty()) p.set_group(index_of(f.component));
    if (f.instance) {
      const int count = static_cast<size_t>(p.group()) < counts.size() ? counts[p.group()] : 0;
      if (*f.instance >= count) {
        throw std::invalid_argument("a " + f.kind + " fault names instance " +
                                    std::to_string(*f.instance) + " of '" + f.component +
                                    "', which has " + std::to_string(count) + " in this run");
      }
      p.set_instance(*f.instance);
    }
    if (!f.peer.empty()) p.set_peer_group(index_of(f.peer));
    p.set_one_way(f.one_way);
    p.set_start_s(f.start_s);
    p.set_duration_s(f.duration_s);
    p.set_no_restart(!f.restart);
    p.set_fraction(f.fraction.value_or(0));
    p.set_multiplier(f.multiplier.value_or(0));
    p.set_agent(f.agent.value_or(0));
    if (f.delay) {
      auto* d = p.mutable_delay();
      d->set_distribution(f.delay->distribution);
      d->set_mean_ms(f.delay->mean_ms);
      d->set_cv(f.delay->cv);
      for (double v : f.delay->samples_ms) d->add_samples_ms(v);
    }
    out.push_back(std::move(p));
  }
  return out;
}

RunSpec BuildRunSpec(const planner::Plan& plan, const RunOptions& o, int agents) {
  RunSpec rs;
  rs.data_secret = security::RandomBytes(32);
  // Keys of real backends are this run's own: "al:<8 hex digits>:<group>:<key>".
  const std::string run_tag = security::Hex(rs.data_secret.substr(0, 4));
  rs.divisor = plan.scale_divisor;
  const double offered = o.offered_rps / rs.divisor;
  const auto& design = plan.sized_design;
  std::vector<double> client_read(design.components.size(), 0),
      client_write(design.components.size(), 0);
  for (const auto& e : plan.entry_shares) {
    client_read[e.component] += e.read;
    client_write[e.component] += e.write;
  }
  for (size_t i = 0; i < design.components.size(); ++i) {
    const auto& c = design.components[i];
    const auto& g = plan.groups[i];
    v1::GroupSpec s;
    s.set_index(static_cast<int>(i));
    s.set_name(c.name);
    s.set_type(c.type);
    s.set_role(v1::ToProto(c.role));
    s.set_count(std::max(1, g.scaled_count));
    s.set_concurrency(g.profile.concurrency);
    FillServiceTime(s.mutable_read(), g.profile, g.profile.read.EmulatedMs(), o.service_time_scale);
    FillServiceTime(s.mutable_write(), g.profile, g.profile.write.EmulatedMs(),
                    o.service_time_scale);
    s.set_hit_rate(g.profile.hit_rate.value_or(0));
    s.set_queue_limit(static_cast<int>(g.queue_limit));
    s.set_balance(c.balance.value_or("round_robin"));
    if (c.backend) {
      auto* b = s.mutable_backend();
      b->set_kind(c.backend->kind);
      b->set_address(c.backend->address);
      // Without a TTL a fill outlives the run by ten minutes at most: a user's Redis is not
      // left holding this run's keys.
      b->set_ttl_s(c.backend->ttl_s.value_or(o.duration_s + 600));
      b->set_timeout_ms(c.backend->timeout_ms.value_or(1000));
      b->set_key_prefix("al:" + run_tag + ":" + std::to_string(i) + ":");
    }
    for (const auto& conn : design.connections) {
      if (conn.from != c.name) continue;
      for (size_t j = 0; j < design.components.size(); ++j) {
        if (design.components[j].name == conn.to) s.add_downstream(static_cast<int>(j));
      }
    }
    if (c.keyspace) {
      s.set_keyspace_capacity(static_cast<uint64_t>(c.keyspace->capacity));
      if (rs.workload.key_space() == 0) {
        rs.workload.set_key_space(static_cast<uint64_t>(c.keyspace->keys));
        rs.workload.set_key_zipf(c.keyspace->zipf);
      }
    }
    if (c.calls) {
      FillScript(s.mutable_read_script(), c.calls->read, design);
      FillScript(s.mutable_write_script(), c.calls->write, design);
      // Script targets are edges the agents must be able to reach.
      for (const auto* steps : {&c.calls->read, &c.calls->write}) {
        if (!*steps) continue;
        for (const auto& step : **steps) {
          for (const auto& call : step.calls) {
            for (size_t j = 0; j < design.components.size(); ++j) {
              if (design.components[j].name == call.target) s.add_downstream(static_cast<int>(j));
            }
          }
        }
      }
    }
    if (c.role == spec::Role::kClient) {
      const double share = client_read[i] + client_write[i];
      s.set_client_rate_rps(offered * share);
      s.set_client_read_ratio(share > 0 ? client_read[i] / share : 0);
    }
    rs.groups.push_back(std::move(s));
  }
  if (plan.implicit_client) {
    // No client in the design: one in front of its entry points, carrying all the load.
    v1::GroupSpec s;
    s.set_index(static_cast<int>(rs.groups.size()));
    s.set_name("client (implicit)");
    s.set_type("client");
    s.set_role(v1::ROLE_CLIENT);
    s.set_count(1);
    s.set_concurrency(1);
    double read = 0, total = 0;
    for (const auto& e : plan.entry_shares) {
      s.add_downstream(e.component);
      read += e.read;
      total += e.read + e.write;
    }
    s.set_client_rate_rps(offered);
    s.set_client_read_ratio(total > 0 ? read / total : plan.workload.read_ratio);
    rs.implicit_client = s.index();
    rs.groups.push_back(std::move(s));
  }

  rs.workload.set_rate_rps(offered);
  rs.workload.set_read_ratio(plan.workload.read_ratio);
  rs.workload.set_poisson(o.poisson);
  rs.workload.set_profile(o.profile);
  // Ramp and step climb from the problem's stated start rate ("Start: 100 req/sec, Target:
  // 1,000"), in proportion when --rate changes the target; else from 10% of the rate.
  const double start_fraction =
      plan.workload.start_rps > 0 && plan.workload.rate_rps > 0
          ? std::min(1.0, plan.workload.start_rps / plan.workload.rate_rps)
          : 0.1;
  rs.workload.set_start_rps(offered * start_fraction);
  rs.workload.set_spike_multiplier(
      plan.workload.spike_multiplier > 1 ? plan.workload.spike_multiplier : 3);
  rs.workload.set_duration_s(o.duration_s);
  rs.workload.set_warmup_s(std::clamp(o.warmup_s, 0.0, o.duration_s));
  rs.workload.set_seed(o.seed);

  // Spread instances over the agents round-robin, so every agent hosts a slice of every group.
  rs.agents = std::max(1, agents);
  size_t next = 0;
  for (const auto& g : rs.groups) {
    auto& row = rs.agent_of.emplace_back(static_cast<size_t>(g.count()));
    for (auto& a : row) a = static_cast<uint32_t>(next++ % rs.agents);
  }
  // The group behind a real HTTP proxy takes HTTP/1.1 from it (docs/backends.md).
  for (const auto& g : rs.groups) {
    if (g.backend().kind() != "haproxy") continue;
    for (int d : g.downstream()) rs.groups[d].set_http_ingress(true);
  }
  // Faults name components; agents get group indices (docs/faults.md).
  std::vector<int> counts;
  for (const auto& g : rs.groups) counts.push_back(g.count());
  rs.faults = FaultSpecsOf(design, counts);
  for (const auto& f : rs.faults) {
    if (f.kind() != "kill_agent") continue;
    if (agents < 2 || f.agent() >= agents) {
      throw std::invalid_argument(
          "a kill_agent fault names agent " + std::to_string(f.agent()) + ", and the run has " +
          std::to_string(agents) + " (indices 0.." + std::to_string(agents - 1) +
          (agents < 2 ? "; killing the only agent leaves nothing to measure: use --agents 2 or more"
                      : "") +
          ")");
    }
  }
  // How callers treat each component: the design's settings over the defaults.
  for (size_t k = 0; k < design.components.size() && k < rs.groups.size(); ++k) {
    *rs.groups[k].mutable_resilience() = ResilienceSpecOf(design.components[k].resilience);
  }
  return rs;
}

void CheckFleetSize(const RunSpec& spec) {
  if (spec.groups.size() > kMaxGroups) {
    throw std::runtime_error("the design has " + std::to_string(spec.groups.size()) +
                             " groups, over the limit of " + std::to_string(kMaxGroups));
  }
  size_t total = 0;
  std::string largest;
  int largest_count = 0;
  for (const auto& g : spec.groups) {
    total += static_cast<size_t>(g.count());
    if (g.count() > largest_count) {
      largest_count = g.count();
      largest = g.name();
    }
  }
  const size_t per_agent = (total + spec.agents - 1) / spec.agents;
  if (per_agent > kMaxInstancesPerAgent) {
    const size_t need = (total + kMaxInstancesPerAgent - 1) / kMaxInstancesPerAgent;
    throw std::runtime_error(
        "the fleet has " + std::to_string(total) + " instances (largest group '" + largest +
        "': " + std::to_string(largest_count) + "), " + std::to_string(per_agent) +
        " per agent over " + std::to_string(spec.agents) + " agents: over the limit of " +
        std::to_string(kMaxInstancesPerAgent) + " instances per agent. Use --agents " +
        std::to_string(need) + " or more, or a smaller --scale (e.g. --scale 1/100)");
  }
}

std::vector<v1::HostedInstances> HostedBy(const RunSpec& spec, int agent) {
  std::vector<v1::HostedInstances> out;
  for (size_t g = 0; g < spec.agent_of.size(); ++g) {
    v1::HostedInstances h;
    h.set_group(static_cast<int>(g));
    for (size_t i = 0; i < spec.agent_of[g].size(); ++i) {
      if (spec.agent_of[g][i] == static_cast<uint32_t>(agent)) {
        h.add_instances(static_cast<uint32_t>(i));
      }
    }
    if (h.instances_size() > 0) out.push_back(std::move(h));
  }
  return out;
}

void FillPlacement(const RunSpec& spec, v1::Start* start) {
  for (size_t g = 0; g < spec.agent_of.size(); ++g) {
    auto* p = start->add_placement();
    p->set_group(static_cast<int>(g));
    p->mutable_agent()->Add(spec.agent_of[g].begin(), spec.agent_of[g].end());
  }
}

}  // namespace archload::run
