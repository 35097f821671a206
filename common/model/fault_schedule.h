#pragma once

// The faults a run injects (docs/faults.md): what, where, from when and for how long. Pure: the
// agents ask it at each transition and per request, the planner reads it to predict what the
// faults cost, and tests drive it with any instant. Times are seconds from the load's start.

#include <optional>
#include <string>
#include <vector>

#include "common/model/service_time.h"

namespace archload::model {

enum class FaultKind {
  kKill,       // the instance stops answering; what it holds fails; back after the duration
  kHang,       // it accepts requests and never answers (callers' timeouts decide)
  kSlow,       // added latency, drawn from a distribution, on a fraction of its requests
  kErrors,     // a fraction of its requests answered with an error
  kPartition,  // calls from one group to another are dropped (one way or both)
  kOverload,   // the offered rate × multiplier
  kKillAgent,  // a whole agent process is killed (SIGKILL): every instance it hosts, at once
};

const char* FaultKindName(FaultKind k);
std::optional<FaultKind> ParseFaultKind(const std::string& name);

struct Fault {
  FaultKind kind = FaultKind::kKill;
  int group = -1;         // the target group (partition: the calling side); overload: none
  int instance = -1;      // one instance of it, or -1: all of them
  int peer_group = -1;    // partition: the called side
  bool both_ways = true;  // partition: calls from peer_group to group are dropped too
  double start_s = 0;
  double duration_s = 0;     // 0: until the run ends
  bool restart = true;       // kill: the instance comes back when the fault ends
  double fraction = 1;       // slow, errors: the share of requests it acts on, in (0, 1]
  ServiceTimeSampler delay;  // slow: the added latency
  double multiplier = 1;     // overload
  int agent = -1;            // kill_agent: its index in the run

  bool ActiveAt(double t) const {
    return t >= start_s && (duration_s <= 0 || t < start_s + duration_s);
  }
  bool Targets(int g, int i) const { return group == g && (instance < 0 || instance == i); }
};

class FaultSchedule {
 public:
  FaultSchedule() = default;
  explicit FaultSchedule(std::vector<Fault> faults) : faults_(std::move(faults)) {}

  bool empty() const { return faults_.empty(); }
  const std::vector<Fault>& faults() const { return faults_; }

  // The instance is killed at t (and not yet restarted).
  bool Dead(int group, int instance, double t) const;
  bool Hung(int group, int instance, double t) const;
  // The chance that a request at t is answered with an error: 1 - Π(1 - fraction).
  double ErrorChance(int group, int instance, double t) const;
  // The slow faults acting on the instance at t (each delays its fraction of the requests).
  std::vector<const Fault*> Slow(int group, int instance, double t) const;
  // The agent was killed at or before t (an agent killed stays dead).
  bool AgentDead(int agent, double t) const;
  // Calls from `from` to `to` are dropped at t.
  bool Partitioned(int from, int to, double t) const;
  // The offered rate's multiplier at t (overloads multiply).
  double RateMultiplier(double t) const;
  // Every instant at which some fault starts or ends, sorted, without repeats: when an agent
  // must look again.
  std::vector<double> Transitions() const;

 private:
  std::vector<Fault> faults_;
};

}  // namespace archload::model
