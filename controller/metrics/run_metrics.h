#pragma once

// The controller's side of observability: its own /metrics (run-level figures, RunCollector), the
// Prometheus file_sd targets of the run (controller and agents), what the agents are told to
// expose, and the two waits that keep the time series whole: before the load, until Prometheus
// has scraped every target once (counters start from zero), and after the verdict, until a scrape
// has the final figures (--linger). docs/metrics.md.

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agents/runtime/arrival_schedule.h"
#include "common/metrics/endpoint.h"
#include "common/spec/problem.h"
#include "controller/metrics/run_collector.h"
#include "controller/metrics/run_totals.h"
#include "controller/metrics/sd_targets.h"
#include "controller/planner/planner.h"
#include "controller/run/run_observer.h"
#include "controller/run/run_result.h"

namespace archload::metrics {

struct RunMetricsOptions {
  std::string run_id;
  std::string host = "127.0.0.1";
  int port = 0;                           // the controller's /metrics; 0: any free port
  std::string prometheus_sd;              // write file_sd targets here; empty: none
  double linger_s = 2;                    // after the run, at most this long for a final scrape
  std::chrono::milliseconds hold{15000};  // with prometheus_sd: at most this for first scrapes
  double window_s = 10;
  std::ostream* log = nullptr;  // notes for the person running it (waiting for Prometheus)
};

// What the run is, for the figures that do not come from agents.
struct RunDescription {
  const spec::Problem* problem = nullptr;
  const planner::Plan* prediction = nullptr;  // the BoE for exactly this run (scaled, offered)
  double offered_rps = 0;                     // at scale
  std::string scale, profile, arrivals;
  double duration_s = 0;
};

class RunMetrics final : public run::RunObserver {
 public:
  // Starts serving /metrics. Throws std::runtime_error when it cannot listen or write the
  // targets directory.
  RunMetrics(RunMetricsOptions options, const RunDescription& run);
  ~RunMetrics() override;

  std::string url() const { return endpoint_->url(); }
  // The file_sd file, empty without --prometheus-sd.
  std::string sd_file() const { return sd_ ? sd_->path() : ""; }
  // What the agents expose: the run's labels, the NFR targets as exact edges, the linger.
  v1::MetricsConfig AgentConfig() const;

  void OnReady(const run::RunSpec& spec, const std::vector<run::AgentState>& agents) override;
  bool ReadyForLoad(const std::vector<run::AgentState>& agents) override;
  std::chrono::milliseconds HoldLimit() const override;
  void OnTick(double elapsed_s, const std::vector<run::AgentState>& agents) override;
  void OnCollected(double measured_s, const std::vector<run::AgentState>& agents) override;

  // The run is judged: the figures become the result's (so the last scrape equals the report)
  // and the verdict appears.
  void Finish(const run::RunResult& result);
  // After Finish: until a scrape has served the final figures, or the linger passes (not at all
  // when nobody ever scraped); then the run's targets are removed.
  void Linger();
  // What the report should say about the metrics (e.g. Prometheus missed the start).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void Refresh(RunTotals totals, const std::vector<run::AgentState>& agents);
  void FillAgents(const std::vector<run::AgentState>& agents);
  void FillGroups();

  RunMetricsOptions o_;
  RunDescription run_;
  std::vector<run::Verdict> targets_;
  std::shared_ptr<RunCollector> collector_;
  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<SdTargets> sd_;
  RunFigures figures_;
  std::vector<v1::GroupSpec> groups_;
  std::optional<agent::ArrivalSchedule> schedule_;  // the target rate at any moment
  std::optional<RunWindows> windows_;
  int stats_seen_ = -1;
  std::chrono::steady_clock::time_point last_refresh_{};
  std::chrono::steady_clock::time_point finished_at_{};
  bool held_ok_ = true;
  bool ticked_ = false;
  std::vector<std::string> warnings_;
};

}  // namespace archload::metrics
