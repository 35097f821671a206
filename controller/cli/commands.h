#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/spec/problem.h"
#include "controller/planner/latency_budget.h"
#include "controller/planner/planner.h"

// Each `archload` subcommand is one function; main.cc only parses flags. Return value is the
// process exit code: 0 ok, 1 a check or NFR failed, 2 bad input or an error, 3 (run) no NFR
// failed but some could not be decided.

namespace archload::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitError = 2;
inline constexpr int kExitInconclusive = 3;  // run: no NFR fails, some could not be decided

struct GlobalOptions {
  std::string catalog_flag;
  const char* argv0 = nullptr;
  std::string command_line;  // as typed, for reports
};

int RunImportSeed(const GlobalOptions& g, const std::string& seed, const std::string& out_dir);

struct ListOptions {
  std::string category;
  std::string difficulty;
  std::string format = "table";
};
int RunProblemsList(const GlobalOptions& g, const ListOptions& o);
int RunProblemsShow(const GlobalOptions& g, const std::string& id, const std::string& format);
int RunProblemsStats(const GlobalOptions& g, const std::string& format);

struct PlanCliOptions {
  std::string target;  // problem id or design file
  std::optional<double> rate;
  std::string scale = "1";
  double headroom = 0.2;
  std::string format = "table";
  std::string write_design;             // write the sized design as YAML here
  bool unsized = false;                 // check: the design as written, not as planned
  std::string size_for = "throughput";  // throughput | latency
  std::vector<std::string> set;         // what-if changes: "Group.field=value"
  bool faults = false;                  // check --faults: one instance lost per required group
  bool fault_run = false;               // ... and emulate each case (--run)
  double fault_window_s = 3600;         // ... the window its availability is over (--window)
};
int RunPlan(const GlobalOptions& g, const PlanCliOptions& o);
int RunCheck(const GlobalOptions& g, const PlanCliOptions& o);
int RunCheckFaults(const GlobalOptions& g, const PlanCliOptions& o);
// The problem (with --set applied) and its plan; `budgets` filled when not null.
planner::Plan PlanFor(const GlobalOptions& g, const PlanCliOptions& o, spec::Problem* problem,
                      std::vector<planner::LatencyBudget>* budgets);

struct RunCliOptions {
  std::string target;
  std::optional<double> rate;  // offered req/s; the fleet is still sized for the problem's rate
  std::string scale = "1";
  double headroom = 0.2;
  std::string duration = "20s";
  bool duration_given = false;
  std::string warmup = "0";      // the first seconds load the system but are not counted
  bool until_confident = false;  // run on until every verdict is decided (or max_duration)
  std::string max_duration;      // empty: 5 minutes
  std::string profile = "constant";
  std::string arrivals = "poisson";
  int agents = 0;
  uint64_t seed = 42;
  std::string report;
  std::string html;  // --html: the HTML report (docs/run-report.md)
  bool quiet = false;
  double service_time_scale = 1;
  int timer_spin_us = 0;
  std::string event_loop = "poll";  // --event-loop poll|asio (docs/performance.md)
  bool force_sockets = false;       // --force-sockets
  // Distributed runs (docs/distributed.md).
  std::string hosts;       // --hosts hosts.yaml
  int wait_agents = 0;     // --wait-agents N
  std::string listen;      // --listen host:port
  std::string advertise;   // --advertise host[:port]
  std::string token_file;  // else $ARCHLOAD_TOKEN, else a fresh one (local and --hosts)
  std::string tls_cert, tls_key, tls_client_ca;
  double ready_timeout_s = 30;
  double lease_timeout_s = 3;
  std::string on_agent_loss = "fail";   // fail | continue
  std::string placement = "spread";     // spread | local
  std::string size_for = "throughput";  // throughput | latency
  std::vector<std::string> set;         // what-if changes: "Group.field=value"
  std::vector<std::string> backends;    // --backend "Group=kind://address" (docs/backends.md)
  std::vector<std::string> faults;  // --fault "{kind: kill, component: X, ...}" (docs/faults.md)
  // Prometheus: the controller's /metrics port (0: any), none at all, file_sd targets, and how
  // long the final figures stay up for a last scrape.
  int metrics_port = 0;
  bool no_metrics = false;
  std::string prometheus_sd;
  std::string linger = "2s";
};
int RunRun(const GlobalOptions& g, const RunCliOptions& o);

struct KneeCliOptions {
  std::string target;
  std::string scale = "1";
  double headroom = 0.2;
  double precision = 0.01;
  double start_fraction = 0.25;  // of the BoE's maximum throughput
  double warmup_s = 2;           // per trial, not counted
  double trial_s = 6;            // per trial, counted
  int max_trials = 30;
  double harness_bound_ms = 1;  // a trial is void when send lag or timer lateness P99 exceeds it
  bool curve = true;            // --no-curve: the knees only (bench/validate, over the catalog)
  int agents = 0;
  uint64_t seed = 42;
  std::string report;
  std::string html;
};
int RunKnee(const GlobalOptions& g, const KneeCliOptions& o);

// `archload report r.json -o r.html`: the HTML report of a run or knee report written earlier.
struct ReportCliOptions {
  std::string input;
  std::string output;  // default: the input with .html for .json
};
int RunReport(const GlobalOptions& g, const ReportCliOptions& o);

// `archload compare a.json b.json [...]`: side by side; exit 1 when an NFR that held in the
// first fails in a later one.
struct CompareCliOptions {
  std::vector<std::string> inputs;
  std::string html;
  std::string format = "table";  // table | json
};
int RunCompare(const GlobalOptions& g, const CompareCliOptions& o);

}  // namespace archload::cli
