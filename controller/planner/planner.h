#pragma once

// Back-of-the-envelope sizing: the traffic reaching each group, its per-instance capacity, the
// instance count (BoE with headroom, tier minimum), predicted utilisation, bottleneck, maximum
// throughput and latency. The same model later predicts what a run should measure.

#include <optional>
#include <string>
#include <vector>

#include "common/model/component_profile.h"
#include "common/spec/problem.h"
#include "controller/planner/latency_predictor.h"
#include "controller/planner/scale.h"
#include "controller/planner/traffic_model.h"
#include "controller/planner/workload.h"

namespace archload::planner {

struct PlanOptions {
  std::optional<double> rate_rps;  // --rate
  ScaleSpec scale;                 // --scale
  double headroom = 0.2;           // --headroom: spare capacity kept at the planned rate
  MachineBudget budget = LocalMachineBudget();
  // Requests the latency prediction samples; fewer is faster and noisier. Counts do not
  // depend on it.
  size_t latency_samples = 20000;
  // The harness's own costs, as a run measured them: the BoE with them is what that run's
  // figures are compared with (docs/confidence.md). Empty: the design alone.
  HarnessCosts harness = {};
  // Slow faults injected into the run (docs/faults.md): the latency predicted is the mixture.
  std::vector<SlowFault> slow_faults = {};
};

struct GroupPlan {
  std::string name;
  std::string type;
  spec::Role role = spec::Role::kService;
  ClassRates rate;       // req/s reaching the group at full scale (sync + async)
  double async_rps = 0;  // part of `rate` off the request path (consumers, replication)
  double share = 0;      // rate / client rate
  model::ComponentProfile profile;
  double instances_needed = 0;  // instance-equivalents at 100% utilisation
  int boe_count = 0;            // ceil(instances_needed)
  int headroom_count = 0;       // ceil(instances_needed × (1 + headroom))
  int tier_min = 0;             // from "Minimum N of type" (spread over groups of the type)
  std::optional<int> explicit_count;
  int count = 0;  // chosen, full scale
  std::string count_reason;
  int scaled_count = 0;
  double utilization = 0;           // at the chosen count
  double max_client_rps = 0;        // client rate at which this group saturates (inf if unloaded)
  double hop_mean_ms = 0;           // queueing + service per visit at the planned load
  double hop_wait_ms = 0;           // ... of which waiting for a slot (Allen-Cunneen)
  double hop_service_ms = 0;        // ... and in service (the classes' mix)
  double hop_wait_probability = 0;  // Erlang C: P(all c slots busy) for Poisson arrivals
  int64_t queue_limit = 0;          // requests an instance holds waiting (the design's, or default)
  bool queue_limit_default = true;  // not set in the design: DefaultQueueLimit
  // Every caller picks this group's instances at random (balance: random): each instance sees
  // Poisson arrivals. Otherwise round-robin's every count-th arrival (Erlang, cv² = 1/count).
  bool random_arrivals = false;
  // M/M/c/K at the planned load per instance: the fraction of visits the queue limit refuses.
  double rejected_fraction = 0;
};

// The queue limit of an instance the design leaves unset: a full queue holds half a second of its
// work, at least 16 requests; beyond that a request would time out in a real system, so it is
// rejected instead.
int DefaultQueueLimit(double capacity_rps);

struct NfrPrediction {
  std::string name;  // "P99 latency (redirects)", "throughput"
  std::string raw;
  double target = 0;
  std::string unit;  // "ms" or "req/s"
  double predicted = 0;
  bool pass = false;
  std::string request_class;  // read | write | empty (all)
};

struct Plan {
  std::string problem_id;
  std::string title;
  bool synthesized = false;
  ResolvedWorkload workload;
  double headroom = 0.2;
  double scale_divisor = 1;
  bool scale_automatic = false;
  std::vector<GroupPlan> groups;
  std::string bottleneck;
  double max_throughput_rps = 0;
  // At the planned rate, with every queue limit (M/M/c/K per group, a request refused when any
  // visit is; visits taken as independent): what completes end to end, and the rest.
  double admitted_rps = 0;
  double rejected_fraction = 0;
  LatencySummary latency;
  LatencySummary read_latency;
  LatencySummary write_latency;
  std::vector<NfrPrediction> nfrs;
  spec::Design sized_design;  // counts (full scale) and hit rates filled in
  // Where client traffic enters, per class (from the traffic model); a design without a client
  // gets an implicit one in front of these entries.
  std::vector<TrafficModel::EntryShare> entry_shares;
  bool implicit_client = false;
  std::vector<std::string> warnings;
};

// Throws spec::SpecError when the problem has no design.
Plan MakePlan(const spec::Problem& problem, const PlanOptions& options);

// The problem with its design replaced by the plan's sized design, and the rate it was sized
// for when that was --rate: what `plan --write-design` writes, and what planning that file
// again must reproduce (every count is then explicit).
spec::Problem SizedProblem(const spec::Problem& problem, const Plan& plan);

}  // namespace archload::planner
