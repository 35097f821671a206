#include "controller/metrics/run_collector.h"

#include "common/metrics/endpoint.h"
#include "common/metrics/families.h"
#include "common/version/version.h"

namespace archload::metrics {

namespace {

void AddQuantiles(Families& f, const std::string& name, const std::string& help,
                  const Labels& labels, const Quantiles& q) {
  const std::pair<const char*, double> at[] = {
      {"50", q.p50}, {"95", q.p95}, {"99", q.p99}, {"99.9", q.p999}};
  for (const auto& [p, v] : at) {
    Labels l = labels;
    l.emplace_back("percentile", p);
    f.Gauge(name, help, l, v);
  }
}

void AddRun(Families& f, const std::string& run_id, const std::string& problem,
            const RunFigures& r) {
  f.Gauge("archload_run_info",
          "The run: 1, with its id, problem, scale, profile, arrivals and version as labels.",
          {{"run", run_id},
           {"problem", problem},
           {"scale", r.scale},
           {"profile", r.profile},
           {"arrivals", r.arrivals},
           {"version", kVersion}},
          1);
  for (const char* s : {"starting", "running", "draining", "ended"}) {
    f.Gauge("archload_run_state",
            "1 for the run's state: starting (agents coming up), running (load on), draining "
            "(load off, collecting), ended (judged: the figures are final).",
            {{"state", s}}, r.state == s ? 1 : 0);
  }
  f.Gauge("archload_run_planned_seconds", "The load's planned duration (--duration).", {},
          r.planned_s);
  f.Gauge("archload_run_elapsed_seconds", "Seconds since the load started.", {}, r.elapsed_s);
  f.Gauge("archload_run_target_requests_per_second",
          "The rate the load profile offers now (ramp, step and spike follow the profile).", {},
          r.target_rps);
  f.Counter("archload_run_offered_total", "Arrivals the clients' schedules produced, all agents.",
            {}, static_cast<double>(r.offered));
  f.Counter("archload_run_sent_total", "Requests the clients sent, all agents.", {},
            static_cast<double>(r.sent));
  f.Counter("archload_run_dropped_total",
            "Arrivals never sent (the agents' in-flight cap: a harness limit), all agents.", {},
            static_cast<double>(r.dropped));
  const char* responses =
      "Client requests answered, all agents, by outcome (ok, error, harness_error); at the end "
      "equal to the run report's requests.";
  f.Counter("archload_run_responses_total", responses, {{"outcome", "ok"}},
            static_cast<double>(r.ok));
  f.Counter("archload_run_responses_total", responses, {{"outcome", "error"}},
            static_cast<double>(r.errors));
  f.Counter("archload_run_responses_total", responses, {{"outcome", "harness_error"}},
            static_cast<double>(r.harness_errors));
  f.Gauge("archload_run_offered_requests_per_second", "Offered rate over the window.",
          {{"window", "10s"}}, r.offered_rps_window);
  const char* achieved = "Successful responses per second over the window.";
  f.Gauge("archload_run_achieved_requests_per_second", achieved, {{"window", "10s"}},
          r.achieved_rps_window);
  f.Gauge("archload_run_achieved_requests_per_second", achieved, {{"window", "run"}},
          r.achieved_rps_run);
  for (const auto& [key, q] : r.latency) {
    AddQuantiles(f, "archload_run_latency_seconds",
                 "Exact end-to-end latency percentiles from the histograms merged over agents, "
                 "over the last 10 s or the whole run, by class (all, read, write).",
                 {{"class", key.second}, {"window", key.first}}, q);
  }
  for (const auto& [cls, q] : r.predicted_latency) {
    AddQuantiles(f, "archload_run_predicted_latency_seconds",
                 "The BoE prediction of the end-to-end latency percentiles for this run.",
                 {{"class", cls}}, q);
  }
  for (const auto& [window, q] : r.async_latency) {
    AddQuantiles(f, "archload_run_async_latency_seconds",
                 "Exact publish-to-processed percentiles at the consumers, merged over agents.",
                 {{"window", window}}, q);
  }
  for (const auto& [window, q] : r.send_lag) {
    AddQuantiles(f, "archload_harness_send_lag_seconds",
                 "How far behind schedule the generators sent (exact, merged); past 1 ms the "
                 "harness, not the design, is being measured.",
                 {{"window", window}}, q);
  }
  for (const auto& [window, q] : r.timer_lateness) {
    AddQuantiles(f, "archload_harness_timer_lateness_seconds",
                 "How late emulated service times ended (exact, merged); past 1 ms the harness "
                 "is the limit.",
                 {{"window", window}}, q);
  }
  f.Counter("archload_harness_agent_cpu_seconds_total",
            "CPU of all agent processes since the load started.", {}, r.agent_cpu_s);
}

void AddNfrs(Families& f, const RunFigures& r) {
  for (const auto& n : r.nfrs) {
    const Labels l = {{"nfr", n.name},
                      {"kind", n.kind},
                      {"class", n.request_class},
                      {"percentile", n.percentile},
                      {"unit", n.unit}};
    f.Gauge("archload_nfr_target",
            "Each NFR's target, in its unit label (seconds, requests_per_second, ratio): the "
            "line a panel draws.",
            l, n.target);
    if (n.boe) {
      f.Gauge("archload_nfr_boe", "The back-of-the-envelope prediction for each NFR's figure.", l,
              *n.boe);
    }
    if (n.measured) {
      f.Gauge("archload_nfr_measured",
              "Each NFR's measured figure: since the load started while it runs, the judged "
              "figure once the run has ended.",
              l, *n.measured);
    }
    if (n.pass) {
      f.Gauge("archload_nfr_pass",
              "The verdict per NFR once the run is judged: 1 pass, 0 fail or inconclusive.", l,
              *n.pass ? 1 : 0);
    }
    if (n.inconclusive) {
      f.Gauge("archload_nfr_inconclusive",
              "1 once judged when the NFR's target lies inside its measured figure's 95% interval.",
              l, *n.inconclusive ? 1 : 0);
    }
    if (n.ci_low && n.ci_high) {
      f.Gauge("archload_nfr_measured_ci95_low",
              "Once judged: the low end of each NFR's measured figure's 95% interval.", l,
              *n.ci_low);
      f.Gauge("archload_nfr_measured_ci95_high",
              "Once judged: the high end of each NFR's measured figure's 95% interval.", l,
              *n.ci_high);
    }
  }
  if (r.pass) {
    f.Gauge("archload_run_pass",
            "The run's verdict once judged: 1 when every NFR holds, the run is complete and the "
            "harness did not limit it (exit code 0), else 0.",
            {}, *r.pass ? 1 : 0);
  }
  if (r.complete) {
    f.Gauge("archload_run_complete",
            "1 when every agent delivered its final figures and the run was not cut short.", {},
            *r.complete ? 1 : 0);
  }
  if (r.harness_faults) {
    f.Gauge("archload_run_harness_faults",
            "Where the harness, not the design, limited the run (0: none; else not judged).", {},
            *r.harness_faults);
  }
}

void AddGroups(Families& f, const RunFigures& r) {
  for (const auto& g : r.groups) {
    const Labels l = {{"component", g.name}, {"role", g.role}, {"type", g.type}};
    auto with = [&l](const char* k, const char* v) {
      Labels out = l;
      out.emplace_back(k, v);
      return out;
    };
    f.Gauge("archload_group_instances", "Instances of the group in this run (after --scale).", l,
            g.instances);
    const char* util =
        "Measured utilisation of the group, merged over agents: emulated busy time / (instances "
        "x concurrency x window).";
    f.Gauge("archload_group_utilization", util, with("window", "10s"), g.utilization_window);
    f.Gauge("archload_group_utilization", util, with("window", "run"), g.utilization_run);
    if (g.predicted_utilization) {
      f.Gauge("archload_group_predicted_utilization",
              "The BoE prediction of the group's utilisation at this run's rate.", l,
              *g.predicted_utilization);
    }
    f.Gauge("archload_group_requests_per_second",
            "Requests reaching the group per second over the last 10 s, merged over agents.",
            with("window", "10s"), g.rps_window);
    if (g.predicted_rps) {
      f.Gauge("archload_group_predicted_requests_per_second",
              "The BoE prediction of the requests per second reaching the group.", l,
              *g.predicted_rps);
    }
  }
}

void AddAgents(Families& f, const RunFigures& r) {
  int connected = 0, ready = 0, finished = 0, scraped = 0;
  for (const auto& a : r.agents) {
    connected += a.connected;
    ready += a.ready;
    finished += a.finished;
    scraped += a.scraped;
    f.Gauge("archload_controller_agent_connected",
            "1 while the agent holds its control-plane session (its lease).", {{"agent", a.id}},
            a.connected ? 1 : 0);
    f.Gauge("archload_controller_agent_last_heard_age_seconds",
            "Seconds since the agent last reported; past 2.5 s it counts as stalled.",
            {{"agent", a.id}}, a.last_heard_age_s);
  }
  const char* help =
      "Agents by state: expected, connected, ready, finished (final figures delivered), scraped "
      "(Prometheus has their /metrics).";
  f.Gauge("archload_run_agents", help, {{"state", "expected"}}, r.agents_expected);
  f.Gauge("archload_run_agents", help, {{"state", "connected"}}, connected);
  f.Gauge("archload_run_agents", help, {{"state", "ready"}}, ready);
  f.Gauge("archload_run_agents", help, {{"state", "finished"}}, finished);
  f.Gauge("archload_run_agents", help, {{"state", "scraped"}}, scraped);
}

}  // namespace

std::vector<prometheus::MetricFamily> RunFamilies(const std::string& run_id,
                                                  const std::string& problem,
                                                  const RunFigures& figures) {
  // run and problem come with the target (the run's file_sd labels), as on the agents; the info
  // series names them for whoever reads the exposition by hand.
  Families f({});
  AddRun(f, run_id, problem, figures);
  AddNfrs(f, figures);
  AddGroups(f, figures);
  AddAgents(f, figures);
  return f.Take();
}

RunCollector::RunCollector(std::string run_id, std::string problem)
    : run_(std::move(run_id)), problem_(std::move(problem)) {}

void RunCollector::Update(RunFigures figures, bool final) {
  std::lock_guard<std::mutex> lock(mu_);
  figures_ = std::move(figures);
  final_ = final;
}

std::vector<prometheus::MetricFamily> RunCollector::Collect() const {
  RunFigures figures;
  bool final;
  {
    std::lock_guard<std::mutex> lock(mu_);
    figures = figures_;
    final = final_;
  }
  auto families = RunFamilies(run_, problem_, figures);
  WhenAnswered([this, final] { ledger_.Answered(final); });
  return families;
}

}  // namespace archload::metrics
