#pragma once

// What one agent process knows about the run: every group's spec and rules, the endpoint table,
// the shared timer queue and peer pool, and this agent's counters per group. Everything runs on
// the agent's single io_context thread, so nothing here is locked.

#include <algorithm>
#include <asio.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "agents/backend/backend.h"
#include "agents/backend/http_proxy_backend.h"
#include "agents/core/timer_queue.h"
#include "agents/net/net_health.h"
#include "agents/net/peer_pool.h"
#include "agents/runtime/call_edges.h"
#include "agents/runtime/local_first.h"
#include "archload/v1/control.pb.h"
#include "common/model/call_rules.h"
#include "common/model/fault_schedule.h"
#include "common/model/service_time.h"
#include "common/spec/problem.h"
#include "common/stats/histogram.h"
#include "common/stats/threshold_counts.h"

namespace archload::agent {

// What instances did with the requests that reached them: kept per group (this agent's
// instances of it) always, and per instance as well for groups of at most
// kInstanceSeriesMaxCount instances, which the metrics expose instance by instance.
struct VisitCounters {
  uint64_t received = 0;
  uint64_t completed = 0;
  uint64_t rejected = 0;
  uint64_t failed = 0;
  uint64_t harness_failed = 0;  // the transport lost one of its calls
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t busy_ns = 0;
  int64_t in_service = 0;
  int64_t queue_depth = 0;  // requests waiting now
};

// Larger groups are exposed per agent, not per instance: a group at --scale 1 can have 600,000
// instances, and a series each would swamp any time-series store (docs/metrics.md).
inline constexpr int kInstanceSeriesMaxCount = 16;

struct GroupCounters : VisitCounters {
  uint64_t published = 0;
  uint64_t consumed = 0;
  int64_t broker_depth = 0;
  stats::Histogram sojourn_ns;     // queue wait + service per visit
  stats::Histogram queue_wait_ns;  // arrival until a service slot was free
  stats::Histogram service_ns;     // in service: the emulated time, as long as it really took
  uint64_t hold_ns = 0;            // service_ns's exact sum (busy_ns is the sampled times')
  uint64_t fault_failed = 0;       // requests an injected fault failed here (warm-up included)
  stats::Histogram async_ns;
  stats::ThresholdCounts async_under;   // exact counts of async_ns at the async NFR targets
  stats::Histogram lateness_ns;         // emulated service end: actual - intended
  std::vector<uint64_t> calls_to;       // [target group]: calls this group's instances sent there
  std::vector<uint64_t> in_process_to;  // [target group]: ... that stayed in this agent

  void CountCall(int target) {
    if (static_cast<size_t>(target) >= calls_to.size()) calls_to.resize(target + 1);
    ++calls_to[target];
  }
  void CountInProcess(int target) {
    if (static_cast<size_t>(target) >= in_process_to.size()) in_process_to.resize(target + 1);
    ++in_process_to[target];
  }
};

struct ClientCounters {
  uint64_t offered = 0;
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t ok = 0;
  uint64_t errors = 0;
  uint64_t harness_errors = 0;       // lost by the harness, not failed by the design
  uint64_t completed_in_window = 0;  // ok responses inside the measuring window
  uint64_t max_send_lag_ns = 0;
  stats::Histogram read_ns;
  stats::Histogram write_ns;
  stats::Histogram send_lag_ns;  // actual send - intended send
  // Exact counts of read_ns / write_ns at the latency NFR targets (for the metrics' buckets).
  stats::ThresholdCounts read_under;
  stats::ThresholdCounts write_under;
  // By intended send time, 100 ms bins from the load's start (docs/faults.md).
  // Offered: every arrival (sent or dropped); the difference from ok + failed never ended.
  std::vector<uint32_t> timeline_offered, timeline_ok, timeline_failed;
  static constexpr int64_t kTimelineBinNs = 100'000'000;
  static constexpr size_t kTimelineMaxBins = 36'000;
  static void Timeline(std::vector<uint32_t>& v, int64_t intended_ns, int64_t load_start_ns) {
    if (intended_ns < load_start_ns) return;
    const auto bin = static_cast<size_t>((intended_ns - load_start_ns) / kTimelineBinNs);
    if (bin >= kTimelineMaxBins) return;  // an hour: the final stats stay small
    if (v.size() <= bin) v.resize(bin + 1, 0);
    ++v[bin];
  }
};

struct GroupRuntime {
  v1::GroupSpec spec;
  std::unique_ptr<Backend> backend;   // a real component instead of the emulation (null: none)
  HttpProxyBackend* proxy = nullptr;  // the backend, when it is a real HTTP proxy: call it there
  // How callers treat this group (docs/faults.md); `resilient`: calls to it go through Call.
  model::Resilience resilience;
  bool resilient = false;
  stats::Histogram backend_ns;  // its commands' round trips (counted visits)
  spec::Role role = spec::Role::kService;
  model::ServiceTimeSampler read;
  model::ServiceTimeSampler write;
  GroupCounters counters;
  uint64_t next_instance = 0;  // round-robin cursor when this group is a call target
  std::vector<int> local;      // its instances on this agent's host (placement --local)
};

class Fleet {
 public:
  explicit Fleet(asio::io_context& io, uint64_t seed);

  // Builds groups and call rules from the assignment's group specs. Throws
  // std::invalid_argument when the assignment does not describe a consistent fleet.
  void Configure(const v1::Assignment& assignment);

  asio::io_context& io() { return io_; }
  TimerQueue& timers() { return timers_; }
  PeerPool& peers() { return peers_; }
  const PeerPool& peers() const { return peers_; }
  NetHealth& health() { return health_; }
  const NetHealth& health() const { return health_; }
  std::mt19937_64& rng() { return rng_; }
  const model::CallRules& rules() const { return *rules_; }
  GroupRuntime& group(int g) { return groups_[g]; }
  const GroupRuntime& group(int g) const { return groups_[g]; }
  size_t group_count() const { return groups_.size(); }
  ClientCounters& client() { return client_; }
  const ClientCounters& client() const { return client_; }
  bool stopping() const { return stopping_; }
  void set_stopping() { stopping_ = true; }

  // The measuring window on the monotonic clock: warm-up before `from` is not counted.
  void SetWindow(int64_t from_ns, int64_t to_ns) {
    window_from_ns_ = from_ns;
    window_to_ns_ = to_ns;
  }
  // The load stopped early (Stop before the planned end: --until-confident, Ctrl-C): what
  // completes while it drains is not throughput inside the window.
  void CloseWindow(int64_t at_ns) { window_to_ns_ = std::min(window_to_ns_, at_ns); }
  bool Counted(int64_t t_ns) const { return t_ns >= window_from_ns_; }
  bool InWindow(int64_t t_ns) const { return t_ns >= window_from_ns_ && t_ns <= window_to_ns_; }

  // Picks the instance of `target` a call goes to, by the caller's balancing policy.
  // Caches with a key space are sharded by key instead. With PreferLocal, calls stay on this
  // agent's host wherever the target has instances there and the balancing allows it.
  // `caller`: the calling group, when known; round-robin calls then stay on this agent as far
  // as every instance keeps its share (agents/runtime/local_first.h), once EnableLocalFirst ran.
  int ChooseInstance(int target, const std::string& balance, uint64_t key = 0, int caller = -1);
  // Placement --local: note, per group, the instances on this agent's host.
  void PreferLocal(const v1::Start& start);
  // Calls to this agent's own instances go in-process: keep round-robin calls here where the
  // balance allows. After the peer table is set.
  void EnableLocalFirst(uint32_t self);
  // Counts a call `caller` sends to `instance` of `target` on its edge's in-process count when
  // that instance is this agent's (the report's "in-process by edge").
  void CountIfInProcess(int caller, int target, int instance) {
    if (peers_.IsLocal(target, instance)) groups_[caller].counters.CountInProcess(target);
  }

  static int64_t NowNs() { return TimerQueue::NowNs(); }

  // Injected faults (docs/faults.md), on the load's clock: seconds since it started.
  const model::FaultSchedule& faults() const { return faults_; }
  void SetFaults(model::FaultSchedule faults) { faults_ = std::move(faults); }
  void set_load_start(int64_t ns) { load_start_ns_ = ns; }
  int64_t load_start_ns() const { return load_start_ns_; }
  double LoadSeconds(int64_t now_ns) const { return (now_ns - load_start_ns_) / 1e9; }
  // Faults draw from their own stream: a run with faults keeps the design's own samples.
  std::mt19937_64& fault_rng() { return fault_rng_; }
  // Calls to `target` go through Call (timeouts, retries, ejection) rather than straight out.
  bool CallsThroughResilience(int target) const {
    return groups_[target].resilient || !faults_.empty();
  }
  EdgeState& Edge(int caller, int target) {
    return edges_.Of(
        caller, target, [this](int t) { return groups_[t].resilience; },
        [this](int t) { return peers_.InstanceCount(t); });
  }
  const CallEdges& edges() const { return edges_; }
  // Calls waiting out a retry's backoff: in flight, with nothing on the wire.
  size_t& backing_off() { return backing_off_; }

  // The group's real backend, connected on first use (the instances of an agent share it); null
  // when the group is emulated. Close them all before the instances go.
  Backend* BackendOf(int group);
  // The group is a real HTTP proxy at host:port (the controller started it): calls go there.
  void SetHttpProxy(int group, const std::string& host, int port);
  void CloseBackends();
  // Requests this agent sent and still waits for: over its connections to agents, and to real
  // HTTP proxies (a real backend's own commands are its instances' work, awaited by their
  // callers).
  size_t InFlight() const {
    size_t n = peers_.InFlight() + backing_off_;
    for (const auto& g : groups_) n += g.proxy ? g.proxy->Pending() : 0;
    return n;
  }

 private:
  asio::io_context& io_;
  TimerQueue timers_;
  NetHealth health_;
  PeerPool peers_;
  CallEdges edges_;
  size_t backing_off_ = 0;
  model::FaultSchedule faults_;
  int64_t load_start_ns_ = 0;
  std::mt19937_64 fault_rng_;
  std::mt19937_64 rng_;
  std::vector<GroupRuntime> groups_;
  LocalFirst local_first_;
  bool local_first_on_ = false;
  spec::Design design_;  // the shape CallRules needs: names, types, roles, connections
  std::unique_ptr<model::CallRules> rules_;
  ClientCounters client_;
  bool stopping_ = false;
  int64_t window_from_ns_ = 0;
  int64_t window_to_ns_ = INT64_MAX;
};

}  // namespace archload::agent
