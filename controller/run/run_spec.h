#pragma once

// Turns a plan into what the agents run: one GroupSpec per group at the run's scale (counts,
// concurrency, service-time distributions, hit rates, bounded queues, wiring), each client
// group's share of the offered rate, and which agent hosts which instance.

#include <string>
#include <vector>

#include "archload/v1/control.pb.h"
#include "controller/planner/planner.h"

namespace archload::run {

// The agents sleep until each deadline in their own poll call with a 1 ns timer slack
// (agents/core/event_loop.h): timer lateness P99 13 µs at 10k req/s on a 2-core VM. Spinning the
// last 50 µs takes it to 4 µs but, at rates where a timer is always that close, keeps a core busy
// (4x the CPU per request; docs/performance.md), so it is opt-in.
inline constexpr int kDefaultTimerSpinUs = 0;

struct RunOptions {
  double offered_rps = 0;  // full-scale client rate to offer (--rate, else the plan's)
  double duration_s = 20;
  std::string profile = "constant";  // constant | ramp | step | spike
  bool poisson = true;
  uint64_t seed = 42;
  // Multiplies every emulated service time; 0 leaves only the harness's own cost, which is how
  // the harness is benchmarked (the BoE column then describes the unscaled design).
  double service_time_scale = 1;
  // Agents spin instead of sleeping when a timer is due within this many µs (0: never).
  int timer_spin_us = kDefaultTimerSpinUs;
  // The agents' data-plane loop (docs/performance.md): "poll" (default) or "asio", the loop it
  // replaced, kept to measure against; and every call over TCP, even to the agent's own
  // instances.
  std::string event_loop = "poll";
  bool force_sockets = false;
  // Seconds of load at the start that are not counted (knee trials: queues reach steady state).
  double warmup_s = 0;
};

struct RunSpec {
  v1::Workload workload;
  std::vector<v1::GroupSpec> groups;
  std::vector<std::vector<uint32_t>> agent_of;  // [group][instance] -> the agent hosting it
  int agents = 1;
  std::string data_secret;  // 32 random bytes: the data plane's handshake key for this run
  double divisor = 1;
  int implicit_client = -1;           // index of the added client group, or -1
  std::vector<v1::FaultSpec> faults;  // the design's and --fault's, by group index
};

RunSpec BuildRunSpec(const planner::Plan& plan, const RunOptions& options, int agents);

// The agent is killed by an injected fault (kill_agent): its loss is the design's question.
bool KilledByFault(const RunSpec& spec, size_t agent);

// The design's faults by group index, each instance checked against `counts` (the run's, per
// component): SpecError-free, std::invalid_argument naming the fault when it does not fit.
std::vector<v1::FaultSpec> FaultSpecsOf(const spec::Design& design, const std::vector<int>& counts);

// How callers treat a component: its design settings over common/model/resilience.h's defaults;
// none declared: present false (they wait for every answer and never give up on an instance).
v1::ResilienceSpec ResilienceSpecOf(const std::optional<spec::Resilience>& resilience);

// The most instances one agent hosts: each costs ~0.5 KB when idle, so this is ~0.5 GB per agent
// before any traffic. A fleet beyond it is refused before launch, naming the limit.
inline constexpr size_t kMaxInstancesPerAgent = 1000000;
// Instance indices travel in 32 bits and groups in 16 (agents/net/frame.h).
inline constexpr size_t kMaxGroups = 65535;

// Throws std::runtime_error naming the limit when the fleet is too big to host.
void CheckFleetSize(const RunSpec& spec);

// What agent `agent` hosts, group by group (load generators included).
std::vector<v1::HostedInstances> HostedBy(const RunSpec& spec, int agent);
// The placement part of the Start message: per group, the agent of every instance.
void FillPlacement(const RunSpec& spec, v1::Start* start);

}  // namespace archload::run
