#pragma once

// Small fleets for the data-plane benchmarks: a few groups wired in a line, each hosted by its
// own in-process AgentRuntime (its own io thread, pinned to a CPU), so one component's CPU cost
// is that thread's CPU time. The runtimes are the ones archload-agent runs; only the control
// plane is left out.

#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agents/runtime/agent_runtime.h"
#include "archload/v1/control.pb.h"
#include "common/stats/histogram.h"

namespace archload::bench {

struct GroupDef {
  std::string name;
  v1::Role role = v1::ROLE_SERVICE;
  int count = 1;
  int concurrency = 1000000;  // the harness, not the design, is the limit
  double service_ms = 0;      // fixed
  std::vector<int> downstream;
  double rate_rps = 0;  // clients
};

// The data-plane secret every bench connection presents (a real run draws a random one).
inline std::string BenchSecret() { return std::string(32, 'b'); }

// timer_spin_us as `archload run` sets it by default.
inline v1::Assignment MakeAssignment(const std::vector<GroupDef>& defs, double duration_s,
                                     bool poisson = false, int timer_spin_us = 0) {
  v1::Assignment a;
  a.set_run_id("bench");
  double rate = 0;
  for (size_t i = 0; i < defs.size(); ++i) {
    const auto& d = defs[i];
    auto* g = a.add_groups();
    g->set_index(static_cast<int>(i));
    g->set_name(d.name);
    g->set_type(d.name);
    g->set_role(d.role);
    g->set_count(d.count);
    g->set_concurrency(d.concurrency);
    for (auto* st : {g->mutable_read(), g->mutable_write()}) {
      st->set_distribution("fixed");
      st->set_mean_ms(d.service_ms);
    }
    g->set_queue_limit(0);
    g->set_balance("round_robin");
    for (int ds : d.downstream) g->add_downstream(ds);
    g->set_client_rate_rps(d.rate_rps);
    g->set_client_read_ratio(1.0);
    rate += d.rate_rps;
  }
  auto* w = a.mutable_workload();
  w->set_rate_rps(rate);
  w->set_read_ratio(1.0);
  w->set_poisson(poisson);
  w->set_duration_s(duration_s);
  w->set_profile("constant");
  w->set_seed(7);
  a.set_timer_spin_us(timer_spin_us);
  a.set_data_secret(BenchSecret());
  return a;
}

// One runtime hosting the given instances of the fleet.
class Host {
 public:
  Host(const v1::Assignment& fleet, const std::vector<std::pair<int, int>>& instances, int cpu)
      : runtime_(std::make_unique<agent::AgentRuntime>("127.0.0.1", 1 + cpu)) {
    if (!runtime_->PinToCpu(cpu)) std::fprintf(stderr, "warning: cannot pin to CPU %d\n", cpu);
    v1::Assignment a = fleet;
    for (auto [g, i] : instances) {
      auto* hosted = a.add_hosted();
      hosted->set_group(g);
      hosted->add_instances(static_cast<uint32_t>(i));
    }
    instances_ = instances;
    for (const auto& g : fleet.groups()) counts_.push_back(g.count());
    ready_ = runtime_->Configure(a);
  }
  agent::AgentRuntime& runtime() { return *runtime_; }
  // The host's one listener.
  agent::EndpointAddress listener() const {
    return {ready_.listener().host(), ready_.listener().port()};
  }
  const v1::Ready& ready() const { return ready_; }
  const std::vector<std::pair<int, int>>& instances() const { return instances_; }
  const std::vector<int>& counts() const { return counts_; }

 private:
  std::unique_ptr<agent::AgentRuntime> runtime_;
  v1::Ready ready_;
  std::vector<std::pair<int, int>> instances_;
  std::vector<int> counts_;
};

// Hands every host the whole table (each host's listener, the host of every instance) and starts
// them together. Instances no host took (load generators of other hosts) go to host 0.
inline void StartAll(const std::vector<Host*>& hosts, int delay_ms = 50) {
  v1::Start start;
  std::vector<std::vector<uint32_t>> agent_of;
  for (int c : hosts.front()->counts()) agent_of.emplace_back(static_cast<size_t>(c), 0u);
  for (size_t h = 0; h < hosts.size(); ++h) {
    *start.add_agents() = hosts[h]->ready().listener();
    for (auto [g, i] : hosts[h]->instances()) agent_of[g][i] = static_cast<uint32_t>(h);
  }
  for (size_t g = 0; g < agent_of.size(); ++g) {
    auto* p = start.add_placement();
    p->set_group(static_cast<int>(g));
    p->mutable_agent()->Add(agent_of[g].begin(), agent_of[g].end());
  }
  start.set_delay_ms(delay_ms);
  // Each agent learns its own index, as the controller tells it (calls among its own instances
  // then go in-process).
  for (size_t h = 0; h < hosts.size(); ++h) {
    start.set_agent_index(static_cast<int>(h));
    hosts[h]->runtime().Start(start);
  }
}

// Polls until no requests are in flight anywhere, or the deadline passes.
inline bool Drain(const std::vector<Host*>& hosts, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::milliseconds(static_cast<int>(timeout_s * 1000));
  while (std::chrono::steady_clock::now() < end) {
    size_t in_flight = 0;
    for (auto* h : hosts) in_flight += h->runtime().InFlight();
    if (in_flight == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

inline stats::Histogram HistogramOf(const std::string& bytes) {
  if (auto h = stats::Histogram::Deserialize(bytes)) return *h;
  return stats::Histogram();
}

inline double WallNowS() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void SleepS(double s) {
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(s * 1e6)));
}

}  // namespace archload::bench
