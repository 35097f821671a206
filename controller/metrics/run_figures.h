#pragma once

// Everything the controller's /metrics shows, as plain figures: RunMetrics computes them from the
// merged agent stats (and, at the end, from the judged result); RunCollector converts them at
// scrape time. Times are seconds, rates req/s, ratios fractions.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace archload::metrics {

struct Quantiles {
  double p50 = 0, p95 = 0, p99 = 0, p999 = 0;
};

struct NfrFigure {
  std::string name;           // "P99 latency (redirects)", "throughput", "availability"
  std::string kind;           // latency | async | throughput | availability
  std::string request_class;  // latency: read | write | empty
  std::string percentile;     // "99", "99.9"; empty for throughput and availability
  std::string unit;           // seconds | requests_per_second | ratio
  double target = 0;
  std::optional<double> boe;
  std::optional<double> measured;                   // live until the end, then the judged figure
  std::optional<bool> pass;                         // only once judged
  std::optional<double> ci_low = {}, ci_high = {};  // once judged: the figure's 95% interval
  std::optional<bool> inconclusive = {};            // once judged: the target lies inside it
};

struct GroupFigure {
  std::string name, role, type;
  int instances = 0;
  double utilization_window = 0;  // the last 10 s
  double utilization_run = 0;     // since the load started
  std::optional<double> predicted_utilization;
  double rps_window = 0;
  std::optional<double> predicted_rps;
};

struct AgentFigure {
  std::string id;
  bool connected = false, ready = false, finished = false, scraped = false;
  double last_heard_age_s = 0;
};

struct RunFigures {
  std::string scale, profile, arrivals;
  std::string state = "starting";  // starting | running | draining | ended
  double planned_s = 0;
  double elapsed_s = 0;
  double target_rps = 0;  // what the schedule offers now
  uint64_t offered = 0, sent = 0, ok = 0, errors = 0, harness_errors = 0, dropped = 0;
  double offered_rps_window = 0, achieved_rps_window = 0, achieved_rps_run = 0;
  // Exact percentiles from the merged histograms, by window ("10s", "run") and class ("all",
  // "read", "write"); present once the class has answered requests.
  std::map<std::pair<std::string, std::string>, Quantiles> latency;
  std::map<std::string, Quantiles> async_latency;      // by window
  std::map<std::string, Quantiles> send_lag;           // by window
  std::map<std::string, Quantiles> timer_lateness;     // by window
  std::map<std::string, Quantiles> predicted_latency;  // BoE, by class
  double agent_cpu_s = 0;
  std::vector<NfrFigure> nfrs;
  std::vector<GroupFigure> groups;
  int agents_expected = 0;
  std::vector<AgentFigure> agents;
  // Once judged.
  std::optional<bool> pass;
  std::optional<bool> complete;
  std::optional<int> harness_faults;
};

}  // namespace archload::metrics
