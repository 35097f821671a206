// `archload run`: plan, emulate, measure, judge.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "archload/v1/faults.h"
#include "common/security/secret.h"
#include "common/spec/backend_address.h"
#include "common/spec/spec_yaml.h"
#include "controller/catalog/catalog.h"
#include "controller/cli/commands.h"
#include "controller/metrics/run_metrics.h"
#include "controller/planner/fault_model.h"
#include "controller/planner/latency_budget.h"
#include "controller/planner/what_if.h"
#include "controller/report/html/report_page.h"
#include "controller/report/report_file.h"
#include "controller/report/run_report.h"
#include "controller/run/backend_probe.h"
#include "controller/run/confidence.h"
#include "controller/run/fault_figures.h"
#include "controller/run/harness_costs.h"
#include "controller/run/interrupt.h"
#include "controller/run/runner.h"

namespace archload::cli {

namespace {

// "20s", "1m", "500ms", "20" (seconds). `flag` names the option in the message.
double ParseDuration(const std::string& text, const std::string& flag = "--duration",
                     bool allow_zero = false) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  const std::string unit = end ? std::string(end) : "";
  double s = -1;
  if (end != text.c_str()) {
    if (unit.empty() || unit == "s")
      s = v;
    else if (unit == "ms")
      s = v / 1000;
    else if (unit == "m" || unit == "min")
      s = v * 60;
  }
  if (!(s > 0 || (allow_zero && s == 0)) || s > 24 * 3600) {
    throw std::invalid_argument(flag + " '" + text + "': expected e.g. 20s, 500ms, 2m");
  }
  return s;
}

// The token from a file, else $ARCHLOAD_TOKEN, else empty (a local run makes its own).
std::string ReadToken(const std::string& file) {
  std::string t;
  if (!file.empty()) {
    std::ifstream in(file);
    std::getline(in, t, '\0');
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    if (t.empty()) throw std::invalid_argument("--token-file " + file + ": it is empty");
    return t;
  }
  const char* env = std::getenv("ARCHLOAD_TOKEN");
  return env ? env : "";
}

std::string FleetWords(const RunCliOptions& o) {
  if (!o.hosts.empty()) return "agents per " + o.hosts;
  if (o.wait_agents > 0) return std::to_string(o.wait_agents) + " agents dialling in";
  const int n = o.agents > 0 ? o.agents : static_cast<int>(std::thread::hardware_concurrency());
  return std::to_string(n) + " agents";
}

// "<problem>-20261128T203015Z-1a2b": unique per run, readable in Grafana's run picker.
std::string NewRunId(const std::string& problem) {
  std::string id;
  for (char c : problem) id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &utc);
  return id + "-" + when + "-" + security::Hex(security::RandomBytes(2));
}

// "2026-11-28T20:55:35Z"
std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int RunRun(const GlobalOptions& g, const RunCliOptions& o) {
  catalog::Catalog cat(catalog::FindCatalogDir(g.catalog_flag, g.argv0));
  spec::Problem problem = catalog::LoadProblemOrDesign(o.target, cat);
  std::vector<planner::Change> changes;
  for (const auto& s : o.set) changes.push_back(planner::ParseChange(s));
  planner::ApplyChanges(problem, changes);
  for (const auto& text : o.backends) {
    auto [group, backend] = spec::ParseBackendFlag(text);
    if (!problem.design) throw std::invalid_argument("--backend: " + problem.id + " has no design");
    auto& comps = problem.design->components;
    auto it = std::find_if(comps.begin(), comps.end(),
                           [&, g = group](const spec::Component& c) { return c.name == g; });
    if (it == comps.end()) {
      std::string names;
      for (const auto& c : comps) names += (names.empty() ? "" : ", ") + c.name;
      throw std::invalid_argument("--backend '" + text + "': no group '" + group + "' (" + names +
                                  ")");
    }
    if (const auto why = spec::BackendProblem(backend, it->role); !why.empty()) {
      throw std::invalid_argument("--backend '" + text + "': " + why);
    }
    it->backend = backend;
  }
  for (const auto& text : o.faults) {
    if (!problem.design) throw std::invalid_argument("--fault: " + problem.id + " has no design");
    spec::Fault f = spec::ParseFaultFlag(text);  // SpecError names the flag and the field
    for (const std::string* n : {&f.component, &f.peer}) {
      if (!n->empty() && !problem.design->Find(*n)) {
        throw std::invalid_argument("--fault '" + text + "': no component '" + *n + "'");
      }
    }
    problem.design->faults.push_back(std::move(f));
  }
  if (o.profile != "constant" && o.profile != "ramp" && o.profile != "step" &&
      o.profile != "spike") {
    std::cerr << "error: --profile '" << o.profile << "': expected constant, ramp, step or spike\n";
    return kExitError;
  }
  if (o.arrivals != "poisson" && o.arrivals != "constant") {
    std::cerr << "error: --arrivals '" << o.arrivals << "': expected poisson or constant\n";
    return kExitError;
  }
  double duration = ParseDuration(o.duration);
  // --until-confident: `duration` is the least the load runs, `longest` the most.
  double longest = duration;
  if (o.until_confident) {
    if (problem.design && !problem.design->faults.empty()) {
      std::cerr << "error: --until-confident cannot decide a faulted run: its seconds are not "
                   "alike (docs/faults.md); give --duration instead\n";
      return kExitError;
    }
    if (o.profile != "constant") {
      std::cerr << "error: --until-confident needs --profile constant: a " << o.profile
                << " is shaped over a fixed duration\n";
      return kExitError;
    }
    if (!o.duration_given) duration = 10;
    longest = ParseDuration(o.max_duration.empty() ? "5m" : o.max_duration, "--max-duration");
    if (longest < duration) {
      std::cerr << "error: --max-duration " << longest << " s is shorter than --duration "
                << duration << " s, the least an --until-confident run lasts\n";
      return kExitError;
    }
  } else if (!o.max_duration.empty()) {
    std::cerr << "error: --max-duration goes with --until-confident\n";
    return kExitError;
  }
  const double warmup = ParseDuration(o.warmup, "--warmup", /*allow_zero=*/true);
  if (warmup >= duration) {
    std::cerr << "error: --warmup " << warmup << " s leaves nothing of --duration " << duration
              << " s to count\n";
    return kExitError;
  }
  const double linger = ParseDuration(o.linger, "--linger", /*allow_zero=*/true);
  if (!o.report.empty()) report::CheckWritable("--report", o.report);
  if (!o.html.empty()) report::CheckWritable("--html", o.html);

  // Size the fleet for the problem's rate; --rate changes only what is offered to it.
  planner::PlanOptions popts;
  popts.scale = planner::ParseScale(o.scale);
  popts.headroom = o.headroom;
  planner::Plan plan = planner::MakePlan(problem, popts);
  if (o.size_for == "latency") {
    std::vector<planner::LatencyBudget> budgets;
    problem = planner::SizeForLatency(problem, plan, popts, &budgets);
    plan = planner::MakePlan(problem, popts);
    for (const auto& b : budgets) {
      if (!b.met) std::cerr << "sizing for latency: " << b.advice << "\n";
    }
  }
  const double offered = o.rate.value_or(plan.workload.rate_rps);

  // The BoE prediction for exactly what runs: the scaled fleet at the scaled offered rate.
  spec::Problem as_run = problem;
  as_run.design = plan.sized_design;
  for (size_t i = 0; i < plan.groups.size(); ++i) {
    as_run.design->components[i].count = plan.groups[i].scaled_count;
  }
  planner::PlanOptions same;
  same.rate_rps = offered / plan.scale_divisor;
  same.headroom = o.headroom;
  // Injected faults, checked against the counts that run (an instance past them is an error
  // before anything starts); slow ones are part of the latency the BoE predicts.
  if (as_run.design) {
    std::vector<int> counts;
    for (const auto& gp : plan.groups) counts.push_back(gp.scaled_count);
    std::vector<model::Fault> injected;
    for (const auto& f : run::FaultSpecsOf(*as_run.design, counts)) {
      injected.push_back(v1::FromProto(f));
    }
    same.slow_faults = planner::SlowFaultsOf(injected, counts, warmup, duration);
  }
  const planner::Plan prediction = planner::MakePlan(as_run, same);
  std::optional<planner::Plan> unslowed;  // the same without them, for the faults' report
  if (!same.slow_faults.empty()) {
    planner::PlanOptions plain = same;
    plain.slow_faults.clear();
    unslowed = planner::MakePlan(as_run, plain);
  }

  // Real backends answer before anything starts, or the run does not start (naming them).
  if (problem.design) {
    const auto probes = run::ProbeBackends(*problem.design);
    try {
      run::RequireBackends(probes);
    } catch (const std::runtime_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitError;
    }
  }

  // Redis's own count of lookups before the run, to put its delta beside the measured hit ratio.
  std::map<std::string, run::KeyspaceCounts> keyspace_before;
  if (problem.design) {
    for (const auto& c : problem.design->components) {
      if (!c.backend || c.backend->kind != "redis") continue;
      if (auto k = run::RedisKeyspace(c.backend->address)) keyspace_before[c.name] = *k;
    }
  }

  run::RunnerOptions ro;
  ro.run.offered_rps = offered;
  ro.run.duration_s = longest;
  ro.run.warmup_s = warmup;
  if (o.until_confident) {
    ro.confident_from_s = duration;
    ro.decided = [&problem, &prediction](run::RunResult& so_far) {
      run::Judge(so_far, problem, prediction);
      return run::EveryVerdictDecided(so_far);
    };
  }
  ro.run.profile = o.profile;
  ro.run.poisson = o.arrivals == "poisson";
  ro.run.seed = o.seed;
  ro.run.service_time_scale = o.service_time_scale;
  ro.run.timer_spin_us = o.timer_spin_us;
  ro.run.event_loop = o.event_loop;
  ro.run.force_sockets = o.force_sockets;
  ro.agents = o.agents;
  ro.progress = !o.quiet;
  ro.run_id = NewRunId(problem.id);
  std::unique_ptr<metrics::RunMetrics> watch;  // the run's Prometheus side (docs/metrics.md)
  if (!o.no_metrics) {
    metrics::RunMetricsOptions mo;
    mo.run_id = ro.run_id;
    mo.port = o.metrics_port;
    mo.prometheus_sd = o.prometheus_sd;
    mo.linger_s = linger;
    mo.log = &std::cerr;
    metrics::RunDescription rd;
    rd.problem = &problem;
    rd.prediction = &prediction;
    rd.offered_rps = offered / plan.scale_divisor;
    rd.scale = planner::FormatScale(plan.scale_divisor);
    rd.profile = o.profile;
    rd.arrivals = o.arrivals;
    rd.duration_s = longest;
    try {
      watch = std::make_unique<metrics::RunMetrics>(mo, rd);
    } catch (const std::runtime_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitError;
    }
    ro.metrics = watch->AgentConfig();
    ro.observer = watch.get();
  } else if (!o.prometheus_sd.empty()) {
    std::cerr << "error: --prometheus-sd needs metrics: drop --no-metrics\n";
    return kExitError;
  }
  const run::InterruptGuard interrupts;  // Ctrl-C: stop, collect, report what was measured
  ro.interrupt = run::InterruptGuard::Flag();
  if (!o.hosts.empty() && o.wait_agents > 0) {
    std::cerr << "error: --hosts and --wait-agents: choose one\n";
    return kExitError;
  }
  if (!o.tls_cert.empty() != !o.tls_key.empty()) {
    std::cerr << "error: --tls-cert and --tls-key go together\n";
    return kExitError;
  }
  ro.hosts_file = o.hosts;
  ro.wait_agents = o.wait_agents;
  ro.listen = o.listen;
  ro.advertise = o.advertise;
  ro.token = ReadToken(o.token_file);
  if (o.wait_agents > 0 && ro.token.empty()) {
    std::cerr << "error: --wait-agents: agents started elsewhere need the run's token; give it in "
                 "--token-file or $ARCHLOAD_TOKEN\n";
    return kExitError;
  }
  ro.tls = {o.tls_cert, o.tls_key, o.tls_client_ca};
  ro.ready_timeout_s = o.ready_timeout_s;
  ro.lease_timeout_s = o.lease_timeout_s;
  ro.continue_on_agent_loss = o.on_agent_loss == "continue";
  ro.prefer_local = o.placement == "local";
  std::cerr << "archload run " << problem.id << ": " << FleetWords(o) << ", scale "
            << planner::FormatScale(plan.scale_divisor) << ", offering "
            << offered / plan.scale_divisor << " req/s for " << duration << " s"
            << (o.until_confident ? " and on, up to " + spec::FormatNumber(longest) +
                                        " s, until every verdict is decided"
                                  : std::string())
            << "\n";
  if (watch) std::cerr << "run " << ro.run_id << ": metrics at " << watch->url() << "\n";
  const std::string started_at = UtcNow();
  run::RunResult result;
  try {
    result = run::Run(problem, plan, ro, std::cerr);
  } catch (const std::runtime_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    const int sig = run::InterruptGuard::Signal();
    return sig != 0 ? 128 + sig : kExitError;
  }
  if (o.service_time_scale != 1) {
    result.warnings.push_back("service times scaled ×" + spec::FormatNumber(o.service_time_scale) +
                              ": the BoE column describes the unscaled design");
  }
  result.run_id = ro.run_id;
  for (auto& g : result.groups) {
    const auto before = keyspace_before.find(g.name);
    if (before == keyspace_before.end()) continue;
    if (const auto after = run::RedisKeyspace(g.backend_address)) {
      g.backend_server_hits = after->hits - before->second.hits;
      g.backend_server_misses = after->misses - before->second.misses;
    }
  }
  result.parameters = {problem.title,        o.profile,  o.arrivals,    o.seed,
                       o.service_time_scale, started_at, g.command_line};
  // Harness calibration: the BoE again, with what this run's harness cost per hop (its probes'
  // round trips, its timers' overrun); the verdict's BoE column is that one.
  planner::PlanOptions costed = same;
  costed.harness = run::HarnessCostsOf(result);
  std::optional<planner::Plan> calibrated;
  if (!costed.harness.empty()) calibrated = planner::MakePlan(as_run, costed);
  const auto design_rows = run::Targets(problem, prediction, result.offered_rps);
  std::optional<double> availability_target;
  for (const auto& n : problem.nfrs) {
    if (n.kind == spec::NfrKind::kAvailability && n.availability)
      availability_target = n.availability;
  }
  run::AnalyzeFaults(result, prediction, availability_target, unslowed ? &*unslowed : nullptr);
  run::Judge(result, problem, calibrated ? *calibrated : prediction);
  for (auto& v : result.nfrs) {
    for (const auto& d : design_rows) {
      if (d.name == v.name && d.kind == v.kind) v.boe_design = d.boe;
    }
    if (v.kind == "availability" && v.boe_design) *v.boe_design *= run::FaultsAvailability(result);
  }
  if (watch) {
    watch->Finish(result);
    for (const auto& w : watch->warnings()) result.warnings.push_back(w);
  }
  const planner::Plan* costed_plan = calibrated ? &*calibrated : nullptr;
  report::PrintRun(result, prediction, std::cout, costed_plan);
  if (!o.report.empty() || !o.html.empty()) {
    try {
      const auto json = report::RunToJson(result, prediction, costed_plan);
      if (!o.report.empty()) report::WriteAtomically(o.report, json.dump(2) + "\n");
      if (!o.html.empty()) report::WriteAtomically(o.html, report::html::RenderRunReport(json));
    } catch (const std::runtime_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitError;
    }
  }
  // Nothing lost at the end: the final figures stay up for Prometheus's next scrape.
  if (watch) watch->Linger();
  if (result.interrupted_by != 0) return 128 + result.interrupted_by;
  if (!result.complete || !result.harness_faults.empty()) return kExitError;
  if (run::AllPass(result)) return kExitOk;
  return run::Inconclusive(result) ? kExitInconclusive : kExitFailed;
}

}  // namespace archload::cli
