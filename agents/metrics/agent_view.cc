#include "agents/metrics/agent_view.h"

#include "common/sys/cpu.h"

namespace archload::agent::metrics {

namespace {

bool PerInstance(const GroupRuntime& g) { return g.spec.count() <= kInstanceSeriesMaxCount; }

// Adds an instance's consumer groups into `series` (summing when it covers several brokers).
void AddConsumers(ComponentSeries& series, const Instance& inst) {
  for (const auto& cg : inst.consumers()) {
    ComponentSeries::Consumer* c = nullptr;
    for (auto& have : series.consumers) {
      if (have.group == cg.group) c = &have;
    }
    if (c == nullptr) {
      series.consumers.push_back({cg.group, 0, 0, 0});
      c = &series.consumers.back();
    }
    c->lag += cg.backlog.size() + static_cast<uint64_t>(std::max(0, cg.inflight));
    c->delivered += cg.delivered;
    c->redelivered += cg.redelivered;
  }
}

}  // namespace

ViewPlan PlanView(const AgentRuntime::View& v) {
  ViewPlan p;
  p.hosted.assign(v.fleet.group_count(), 0);
  for (size_t i = 0; i < v.instances.size(); ++i) {
    const Instance& inst = *v.instances[i];
    const auto& g = v.fleet.group(inst.group());
    ++p.hosted[inst.group()];
    if (PerInstance(g) && inst.own() != nullptr) {
      p.per_instance.push_back(i);
    } else if (g.role == spec::Role::kBroker) {
      p.large_brokers.push_back(i);
    }
  }
  return p;
}

AgentView TakeView(const AgentRuntime::View& v, const ViewPlan& plan, bool final) {
  AgentView out;
  out.started = v.started;
  out.stopped = v.stopped;
  out.final = final;
  const size_t groups = v.fleet.group_count();
  out.groups.resize(groups);
  for (size_t gi = 0; gi < groups && gi < plan.hosted.size(); ++gi) {
    const auto& g = v.fleet.group(static_cast<int>(gi));
    auto& gv = out.groups[gi];
    gv.hosted = plan.hosted[gi];
    if (gv.hosted == 0) continue;
    const auto& c = g.counters;
    gv.published = c.published;
    gv.consumed = c.consumed;
    gv.queue_wait_ns = c.queue_wait_ns;
    gv.service_ns = c.service_ns;
    gv.sojourn_ns = c.sojourn_ns;
    gv.async_ns = c.async_ns;
    gv.async_under = c.async_under;
    gv.lateness_ns = c.lateness_ns;
    if (!PerInstance(g)) {
      ComponentSeries s;
      s.group = static_cast<int>(gi);
      s.instances = gv.hosted;
      s.visits = c;  // the group's VisitCounters: all its instances here
      s.broker_depth = c.broker_depth;
      out.series.push_back(std::move(s));
    }
  }
  for (size_t i : plan.per_instance) {
    const Instance& inst = *v.instances[i];
    ComponentSeries s;
    s.group = inst.group();
    s.instance = inst.index();
    s.instances = 1;
    s.visits = *inst.own();
    for (const auto& cg : inst.consumers())
      s.broker_depth += static_cast<int64_t>(cg.backlog.size());
    AddConsumers(s, inst);
    out.series.push_back(std::move(s));
  }
  for (size_t i : plan.large_brokers) {
    const Instance& inst = *v.instances[i];
    for (auto& s : out.series) {
      if (s.group == inst.group() && s.instance < 0) AddConsumers(s, inst);
    }
  }
  out.client = v.fleet.client();
  out.generators = v.generators;
  out.instances = static_cast<int>(v.instances.size());
  out.loop_iterations = v.loop_iterations;
  out.io_cpu_ns = sys::ThreadCpuNs();
  out.inbound_connections = v.inbound_connections;
  out.outbound_connections = v.outbound_connections;
  out.in_flight = v.fleet.InFlight();
  out.net = v.fleet.health().counters();
  return out;
}

}  // namespace archload::agent::metrics
