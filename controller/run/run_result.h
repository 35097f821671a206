#pragma once

// What a run measured, merged over agents (histograms bucket by bucket), and the verdict: each
// NFR's target beside the BoE prediction for the same model and the measured figure.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/model/fault_schedule.h"
#include "common/model/resilience.h"
#include "common/spec/problem.h"
#include "common/stats/histogram.h"
#include "controller/planner/fault_model.h"
#include "controller/planner/planner.h"
#include "controller/run/availability.h"
#include "controller/run/batches.h"
#include "controller/run/control_server.h"
#include "controller/run/interval.h"
#include "controller/run/run_spec.h"
#include "controller/run/series.h"

namespace archload::run {

struct LatencyFigures {
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, p999_ms = 0, mean_ms = 0;
  uint64_t count = 0;
};
LatencyFigures FiguresOf(const stats::Histogram& h);

struct GroupResult {
  std::string name;
  std::string type;
  std::string role;
  int count = 0;
  int concurrency = 1;
  uint64_t received = 0, completed = 0, rejected = 0, failed = 0, hits = 0, misses = 0;
  uint64_t harness_failed = 0;  // calls the transport lost
  uint64_t busy_ns = 0, published = 0, consumed = 0;
  uint64_t hold_ns = 0;  // slots held: busy_ns plus the timers' overrun
  int64_t broker_depth = 0, queue_depth = 0;
  double rps = 0;
  double utilization = 0;
  std::optional<double> hit_ratio;
  stats::Histogram sojourn_ns;
  stats::Histogram queue_wait_ns;  // the sojourn's wait for a slot (0: a slot was free)
  stats::Histogram service_ns;     // ... and its hold of the slot (sampled time + timer overrun)
  stats::Histogram async_ns;
  std::map<int, uint64_t> calls_to;  // target group -> calls this group sent it
  std::map<int, uint64_t> in_process_to;  // ... of which went in-process (the same agent)
  // A real backend instead of the emulation (docs/backends.md): what it was asked and how long
  // it took (kind empty: emulated).
  std::string backend_kind, backend_address;
  uint64_t backend_commands = 0, backend_errors = 0, backend_late = 0, backend_disconnects = 0;
  stats::Histogram backend_ns;
  // Redis's own INFO keyspace_hits / misses over the run (warm-up included), when it answered.
  std::optional<double> backend_server_hits, backend_server_misses;
  // A real broker's consumer groups, summed over the agents: worker group -> figures.
  struct Consumer {
    uint64_t consumed = 0, redelivered = 0;
    int64_t lag = 0;       // at the end of the run
    int64_t peak_lag = 0;  // sum of each agent's peak (they share the partitions between them)
  };
  std::map<int, Consumer> backend_consumers;
  std::optional<double> backend_cpu_s;  // a real proxy's own CPU over the run (it is ours to read)
};

// One edge of the design graph with what it carried: calls from one group to another, counted
// by the agents as they were sent (measured, not derived from group rates).
struct CallEdge {
  int from = 0, to = 0;  // group indices
  uint64_t requests = 0;
  double rps = 0;     // requests / the measured window
  bool wired = true;  // a connection or script target of the design (else only measured)
  uint64_t in_process = 0;  // requests that went to an instance of the caller's own agent
};

// A caller group's calls to a target group through its resilience (docs/faults.md), summed over
// the agents that made them; `views`: how many agents kept their own view of the target.
struct EdgeFigures {
  int caller = 0, target = 0;
  int views = 0;
  uint64_t calls = 0, failed = 0, retries = 0, timeouts = 0, overflows = 0, budget_refused = 0;
  uint64_t partitioned = 0, ejections = 0, checks = 0;
  struct Event {
    double at_s = 0;
    int instance = 0;
    std::string what;  // ejected | down | up
    double until_s = 0;
  };
  std::vector<Event> events;  // by time, every view's
};

// One injected fault: what was asked, what the model predicted, what the run measured.
struct FaultFigures {
  model::Fault fault;
  std::string target;  // "App Servers #0", "Load Balancer → App Servers"
  planner::FaultPrediction predicted;
  FaultImpact measured;
  // The callers' own account: the first ejection or down of a target instance after the start,
  // and the first up (or ejection's end) after the fault ended, from its start / end.
  std::optional<double> callers_detected_s, callers_restored_s;
  // End-to-end P99 of the responses completed before the fault, during it and after it (whole
  // one-second batches of the counted window): what it added to latency.
  std::optional<double> p99_before_ms, p99_during_ms, p99_after_ms;
  // Slow faults: the BoE's P99 without the run's slow faults and with them (their mixture).
  std::optional<double> boe_p99_without_ms, boe_p99_with_ms;
};

// How the run was asked for, for the report's header (filled by `archload run`).
struct RunParameters {
  std::string title;
  std::string profile = "constant";
  std::string arrivals = "poisson";
  uint64_t seed = 0;
  double service_time_scale = 1;
  std::string started_at;  // UTC, ISO 8601
  std::string command;     // the command line
};

struct Verdict {
  std::string name;
  std::string raw;
  std::string kind;           // latency | async | throughput | availability
  std::string request_class;  // latency: read | write | empty (every request)
  double percentile = 0;      // latency and async
  std::string unit;           // ms | req/s | fraction
  double target = 0;
  std::optional<double> boe;         // with the harness's measured costs when known
  std::optional<double> boe_design;  // the design's alone
  std::optional<double> measured;
  bool pass = false;  // the measured figure meets the target
  std::string note;   // why there is no measured figure, when there is none
  // The measured figure's 95% interval (none from runs under two batches long). When the target
  // lies inside it, the run could not tell pass from fail: inconclusive, and about how long a
  // run would decide it (none when the figure sits on the target).
  std::optional<Interval> interval;
  bool inconclusive = false;
  std::optional<double> decide_s;
};

// 95% intervals of the run's headline figures (batch means, docs/confidence.md).
struct RunConfidence {
  int batches = 0;
  double batch_s = 0;  // mean length of a batch
  std::optional<Interval> latency_mean_ms, latency_p50_ms, latency_p99_ms;
  std::optional<Interval> achieved_rps, availability;
  std::vector<std::optional<Interval>> utilization;  // [group]
};

// What the agents' data planes refused or lost (agents/net/net_health.h), summed.
struct DataPlaneFigures {
  std::map<std::string, uint64_t> invalid_frames;  // by field
  uint64_t refused_connections = 0, overflow_disconnects = 0, unroutable_frames = 0;
  uint64_t unexpected_frames = 0, accept_errors = 0, connect_errors = 0, lost_connections = 0;
  // Where the design's calls went: to an instance of the same agent in-process, or a socket.
  uint64_t calls_in_process = 0, calls_over_sockets = 0;
  uint64_t InvalidFrames() const;
};

struct StallFigure {
  std::string agent;
  double from_s = 0, to_s = 0;  // into the load
};

// An agent the run lost: when, how long it had been silent, and how it ended.
struct LostAgent {
  std::string id;
  double at_s = 0;        // into the load
  double silent_s = 0;    // since it was last heard from: the detection time
  std::string how;        // "its stream broke, killed by signal 9 (SIGKILL)", "silent for 3.1 s"
  bool injected = false;  // a kill_agent fault: expected, and the design's question
};

// One machine of the fleet (agents with the same host name).
struct HostFigures {
  std::string host;
  int agents = 0;
  int instances = 0;
  double rps = 0;  // requests its instances received per second
  double agent_cpu_s = 0;
  uint64_t sent = 0;             // requests its agents sent to instances anywhere
  uint64_t sent_cross_host = 0;  // ... of which to other hosts
};

// The start barrier: agents estimate the controller's clock (best of several round trips) and
// start on it; how well they did.
struct ClockFigures {
  int agents = 0;
  double max_offset_ms = 0;       // largest |controller clock - agent clock|
  double max_uncertainty_us = 0;  // largest rtt/2 of the sample used: each offset's error bound
  double start_skew_us = 0;       // spread of the agents' start instants, on the controller clock
};

struct AgentSummary {
  std::string id;
  std::string listener;  // host:port, empty when it hosts only load generators
  int instances = 0;
  bool finished = false;  // delivered its final stats
  std::string goodbye;
};

// What the harness itself cost and how true it kept time: if the generators fell behind or the
// timers ran late, the figures above measure archload, not the design.
struct HarnessFigures {
  int agents = 0;
  int instances = 0;
  double startup_s = 0;            // launch until every agent was ready
  double agent_cpu_s = 0;          // all agent processes, from Start to the final stats
  double agent_startup_cpu_s = 0;  // all agent processes, before Start
  double agent_io_cpu_s = 0;       // their data-plane threads alone
  uint64_t agent_max_rss_kb = 0;   // the largest agent
  uint64_t agent_rss_sum_kb = 0;
  double controller_cpu_s = 0;   // control plane: sessions, stats, this report
  double wall_s = 0;             // launch to collect
  stats::Histogram send_lag_ns;  // generators: actual - intended send
  stats::Histogram lateness_ns;  // emulated service times: actual - intended end
  stats::Histogram hop_rtt_ns;   // probes' round trips between agents: the harness per hop
  DataPlaneFigures data_plane;
  uint64_t control_plane_refused = 0;  // sessions refused: no or wrong token, unknown agent id
  std::vector<StallFigure> stalls;     // agents that went silent for seconds
  std::vector<AgentSummary> fleet;     // each agent: where it listened, what it hosted
  std::vector<HostFigures> hosts;
  ClockFigures clock;
  double lease_timeout_s = 0;
  std::vector<LostAgent> lost;
};

struct RunResult {
  std::string run_id;  // the `run` label of its metrics
  std::string problem;
  double divisor = 1;
  double duration_s = 0;  // the load window actually measured: rates are over this
  double planned_s = 0;   // what was asked for
  // --until-confident: when the load stopped because every verdict was decided (0: it did not).
  double decided_at_s = 0;
  bool until_confident = false;
  double offered_rps = 0;  // at scale
  double achieved_rps = 0;
  double arrived_rps = 0;  // the workload's arrivals in the counted window / its length
  double error_rate = 0;
  uint64_t offered = 0, sent = 0, ok = 0, errors = 0, dropped = 0;
  uint64_t harness_errors = 0;       // requests the harness lost: not the design's errors
  uint64_t completed_in_window = 0;  // ok inside the counted window: achieved_rps's numerator
  double warmup_s = 0;               // not counted: the window is [warmup_s, duration_s)
  uint64_t max_send_lag_ns = 0;
  stats::Histogram read_ns, write_ns, all_ns;
  std::vector<GroupResult> groups;
  std::vector<CallEdge> calls;  // the design's edges (wired or used), in group order
  Series series;                // second by second (SeriesRecorder)
  std::vector<Batch> batches;   // the counted windows in batches, for the intervals
  RunConfidence confidence;     // filled by Judge
  RunParameters parameters;
  std::string bottleneck;
  std::string bottleneck_reason;
  std::vector<Verdict> nfrs;
  bool complete = true;  // every agent delivered final stats, and the run was not cut short
  std::string incomplete_reason;
  int interrupted_by = 0;  // the signal that cut the run short, if one did
  std::vector<std::string> warnings;
  // Where the harness, not the design, limited what was measured: a verdict cannot pass then.
  std::vector<std::string> harness_faults;
  HarnessFigures harness;
  // Injected faults (docs/faults.md): the clients' timeline, the callers' edges, each fault's
  // prediction and measurement (AnalyzeFaults), availability over time.
  std::vector<model::Fault> injected;
  std::vector<model::Resilience> resilience;    // [group]: how callers treat it
  std::vector<std::vector<uint32_t>> agent_of;  // [group][instance]: the agent hosting it
  Timeline timeline;
  std::vector<EdgeFigures> edges;
  std::vector<FaultFigures> faults;
  std::optional<AvailabilityAnalysis> availability;
  uint64_t unanswered = 0;  // counted requests sent and never answered (a hang, no timeout)
};

// Merges the agents' latest stats; rates are over `measured_s`, the load window that ran.
RunResult MergeResults(const RunSpec& spec, const std::vector<AgentState>& agents,
                       double measured_s);

// Generators this far behind schedule (p99) did not offer the rate: the run is not judged. Below
// it and above 1 ms the report warns (latencies still count from the intended send times).
inline constexpr double kFaultSendLagNs = 50e6;

// Fills harness_faults from stalls, arrivals never sent, generators far behind, requests the
// harness lost and data-plane errors, and the warnings for what was refused.
void NoteHarnessFaults(RunResult& result);

// "5.0 s"
std::string FormatSeconds(double s);

// The verdict's rows before anything is measured: each NFR's target and the BoE prediction for
// it, at `offered_rps` (the run's, scaled). What the live metrics draw the target lines from.
std::vector<Verdict> Targets(const spec::Problem& problem, const planner::Plan& prediction,
                             double offered_rps);

// The availability the injected faults leave, as predicted (AnalyzeFaults), each on its own: the
// availability row's BoE is the design's times this.
double FaultsAvailability(const RunResult& result);

// Fills nfrs, bottleneck: latency targets (by the class their label names), throughput
// (achieved ≥ 95% of offered with ≤ 1% errors), availability (1 - error rate), async targets
// (skipped when nothing was published).
void Judge(RunResult& result, const spec::Problem& problem, const planner::Plan& prediction);

// What the throughput verdict asks of achieved_rps, before its 95%: the offered rate, or what
// actually arrived when the Poisson arrivals (or a ramp) brought less.
double ThroughputDemand(const RunResult& result);

// Every NFR holds, decided (none inconclusive), the run is complete and the harness did not
// fail.
bool AllPass(const RunResult& result);
// No NFR fails, but some could not be decided: what a longer run (--until-confident) settles.
bool Inconclusive(const RunResult& result);

}  // namespace archload::run
