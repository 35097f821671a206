#pragma once

// A copy of what an agent has counted, taken on its io thread in one go (one scrape's figures
// belong to one instant, and the data plane is never locked) and converted to metric families
// outside it.

#include <cstdint>
#include <vector>

#include "agents/net/net_health.h"
#include "agents/runtime/agent_runtime.h"
#include "agents/runtime/fleet.h"
#include "common/stats/histogram.h"
#include "common/stats/threshold_counts.h"

namespace archload::agent::metrics {

// One component series: an instance, or all of a large group's instances on this agent.
struct ComponentSeries {
  int group = 0;
  int instance = -1;  // its index in the group; -1: every instance of the group on this agent
  int instances = 0;  // how many it covers
  VisitCounters visits;
  int64_t broker_depth = 0;  // brokers: messages held for their consumers
  struct Consumer {
    int group = 0;     // the consumer group
    uint64_t lag = 0;  // published and not yet processed by it: held plus in flight
    uint64_t delivered = 0;
    uint64_t redelivered = 0;
  };
  std::vector<Consumer> consumers;
};

// Per group, this agent's share (the histograms are per group per agent, never per instance).
struct GroupView {
  int hosted = 0;  // instances on this agent
  uint64_t published = 0;
  uint64_t consumed = 0;
  stats::Histogram queue_wait_ns, service_ns, sojourn_ns, async_ns, lateness_ns;
  stats::ThresholdCounts async_under;
};

struct AgentView {
  bool started = false;
  bool stopped = false;
  bool final = false;             // the figures of the final stats: they will not change
  std::vector<GroupView> groups;  // by group index
  std::vector<ComponentSeries> series;
  ClientCounters client;
  size_t generators = 0;
  int instances = 0;
  uint64_t loop_iterations = 0;
  int64_t io_cpu_ns = 0;  // the data-plane thread, since process start
  size_t inbound_connections = 0;
  size_t outbound_connections = 0;
  uint64_t in_flight = 0;
  NetCounters net;
};

// Which instances a scrape reads one by one: those of small groups (exposed per instance) and
// brokers (their consumers' lag). Worked out once, on the io thread: instances do not change
// after Configure, and a group can have 600,000 of them.
struct ViewPlan {
  std::vector<int> hosted;            // per group: its instances on this agent
  std::vector<size_t> per_instance;   // indices into View::instances
  std::vector<size_t> large_brokers;  // broker instances of groups exposed per agent
};

ViewPlan PlanView(const AgentRuntime::View& v);
// On the io thread.
AgentView TakeView(const AgentRuntime::View& v, const ViewPlan& plan, bool final);

}  // namespace archload::agent::metrics
