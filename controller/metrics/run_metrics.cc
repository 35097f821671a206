#include "controller/metrics/run_metrics.h"

#include <algorithm>

#include "archload/v1/roles.h"
#include "common/spec/roles.h"
#include "common/spec/spec_yaml.h"

namespace archload::metrics {

namespace {

using Clock = std::chrono::steady_clock;

std::optional<Quantiles> QuantilesOf(const stats::Histogram& ns) {
  if (ns.Count() == 0) return std::nullopt;
  auto s = [&ns](double p) { return ns.ValueAtPercentile(p) / 1e9; };
  return Quantiles{s(50), s(95), s(99), s(99.9)};
}

Quantiles Predicted(const planner::LatencySummary& l) {
  return {l.p50_ms / 1e3, l.p95_ms / 1e3, l.p99_ms / 1e3, l.p999_ms / 1e3};
}

// A verdict row in base units: seconds, requests per second, ratio.
NfrFigure FigureOf(const run::Verdict& v) {
  NfrFigure n;
  n.name = v.name;
  n.kind = v.kind;
  n.request_class = v.request_class;
  if (v.kind == "latency" || v.kind == "async") n.percentile = spec::FormatNumber(v.percentile);
  const double scale = v.unit == "ms" ? 1e-3 : 1;
  n.unit = v.unit == "ms" ? "seconds" : v.unit == "req/s" ? "requests_per_second" : "ratio";
  n.target = v.target * scale;
  if (v.boe) n.boe = *v.boe * scale;
  if (v.measured) n.measured = *v.measured * scale;
  return n;
}

// How far the agents' stats have got: each agent's own clock since the load started.
double StatsTime(const std::vector<run::AgentState>& agents, double fallback) {
  double sum = 0;
  int n = 0;
  for (const auto& a : agents) {
    if (a.latest.elapsed_ns() <= 0) continue;
    sum += a.latest.elapsed_ns() / 1e9;
    ++n;
  }
  return n > 0 ? sum / n : fallback;
}

}  // namespace

RunMetrics::RunMetrics(RunMetricsOptions options, const RunDescription& run)
    : o_(std::move(options)), run_(run) {
  targets_ = run::Targets(*run_.problem, *run_.prediction, run_.offered_rps);
  collector_ = std::make_shared<RunCollector>(o_.run_id, run_.problem->id);
  if (!o_.prometheus_sd.empty()) sd_ = std::make_unique<SdTargets>(o_.prometheus_sd, o_.run_id);
  figures_.scale = run_.scale;
  figures_.profile = run_.profile;
  figures_.arrivals = run_.arrivals;
  figures_.planned_s = run_.duration_s;
  for (const auto& v : targets_) figures_.nfrs.push_back(FigureOf(v));
  const auto& p = *run_.prediction;
  if (p.latency.samples > 0) figures_.predicted_latency["all"] = Predicted(p.latency);
  if (p.read_latency.samples > 0) figures_.predicted_latency["read"] = Predicted(p.read_latency);
  if (p.write_latency.samples > 0) {
    figures_.predicted_latency["write"] = Predicted(p.write_latency);
  }
  collector_->Update(figures_, false);
  endpoint_ = std::make_unique<Endpoint>(o_.host, o_.port, collector_);
}

RunMetrics::~RunMetrics() {
  endpoint_.reset();  // stop serving before the collector goes
}

v1::MetricsConfig RunMetrics::AgentConfig() const {
  v1::MetricsConfig m;
  m.set_enabled(true);
  m.set_problem(run_.problem->id);
  for (const auto& v : targets_) {
    if (v.kind == "latency") m.add_latency_targets_s(v.target / 1e3);
    if (v.kind == "async") m.add_async_targets_s(v.target / 1e3);
  }
  m.set_linger_s(o_.linger_s);
  return m;
}

void RunMetrics::OnReady(const run::RunSpec& spec, const std::vector<run::AgentState>& agents) {
  groups_ = spec.groups;
  windows_.emplace(o_.window_s, groups_.size());
  agent::RateProfile profile;
  const auto& w = spec.workload;
  profile.kind = w.profile().empty() ? "constant" : w.profile();
  profile.rate_rps = w.rate_rps();
  profile.start_rps = w.start_rps();
  profile.spike_multiplier = w.spike_multiplier() > 0 ? w.spike_multiplier() : 1;
  profile.duration_s = w.duration_s();
  schedule_.emplace(profile, 0);
  figures_.agents_expected = spec.agents;
  FillGroups();
  FillAgents(agents);
  collector_->Update(figures_, false);
  if (!sd_) return;
  std::vector<SdTarget> targets;
  const std::map<std::string, std::string> run_labels = {{"run", o_.run_id},
                                                         {"problem", run_.problem->id}};
  targets.push_back({o_.host + ":" + std::to_string(endpoint_->port()), run_labels});
  for (const auto& a : agents) {
    if (a.ready_msg.metrics_port() <= 0) continue;
    auto labels = run_labels;
    labels["agent"] = a.id;
    targets.push_back({a.host + ":" + std::to_string(a.ready_msg.metrics_port()), labels});
  }
  sd_->Write(targets);
  if (o_.log) {
    *o_.log << "metrics: Prometheus targets in " << sd_->path() << "; waiting up to "
            << o_.hold.count() / 1000 << " s for the first scrape of all " << targets.size()
            << " before the load starts\n";
  }
}

bool RunMetrics::ReadyForLoad(const std::vector<run::AgentState>& agents) {
  if (!sd_) return true;
  bool ok = collector_->ledger().scrapes() > 0;
  for (const auto& a : agents) {
    if (a.ready_msg.metrics_port() > 0 && !a.metrics_scraped) ok = false;
  }
  held_ok_ = ok;
  return ok;
}

std::chrono::milliseconds RunMetrics::HoldLimit() const {
  return sd_ ? o_.hold : std::chrono::milliseconds(0);
}

void RunMetrics::OnTick(double elapsed_s, const std::vector<run::AgentState>& agents) {
  if (!ticked_) {
    ticked_ = true;
    figures_.state = "running";
    if (!held_ok_) {
      warnings_.push_back(
          "Prometheus had not scraped every target of --prometheus-sd when the load started: its "
          "counters miss the first seconds (is it running and reading that directory?)");
    }
  }
  figures_.elapsed_s = elapsed_s;
  figures_.target_rps =
      schedule_ && elapsed_s <= run_.duration_s ? schedule_->RateAt(elapsed_s) : 0;
  int seen = 0;
  for (const auto& a : agents) seen += a.stats_received;
  const auto now = Clock::now();
  if (seen != stats_seen_ && now - last_refresh_ >= std::chrono::milliseconds(250)) {
    stats_seen_ = seen;
    last_refresh_ = now;
    Refresh(MergeTotals(StatsTime(agents, elapsed_s), agents, groups_.size()), agents);
    return;
  }
  FillAgents(agents);
  collector_->Update(figures_, false);
}

void RunMetrics::OnCollected(double measured_s, const std::vector<run::AgentState>& agents) {
  figures_.state = "draining";
  figures_.target_rps = 0;
  if (!windows_) return;
  Refresh(MergeTotals(StatsTime(agents, measured_s), agents, groups_.size()), agents);
}

void RunMetrics::Refresh(RunTotals totals, const std::vector<run::AgentState>& agents) {
  if (!windows_) return;
  windows_->Add(std::move(totals));
  const RunTotals& cur = windows_->latest();
  const RunTotals& base = windows_->base();
  auto& f = figures_;
  f.offered = cur.offered;
  f.sent = cur.sent;
  f.ok = cur.ok;
  f.errors = cur.errors;
  f.harness_errors = cur.harness_errors;
  f.dropped = cur.dropped;
  f.agent_cpu_s = cur.agent_cpu_s;
  const double dt = cur.t_s - base.t_s;
  if (dt > 0) {
    f.offered_rps_window = static_cast<double>(cur.offered - base.offered) / dt;
    f.achieved_rps_window = static_cast<double>(cur.ok - base.ok) / dt;
  }
  if (cur.t_s > 0) f.achieved_rps_run = static_cast<double>(cur.ok) / cur.t_s;
  const stats::Histogram all = cur.AllNs();
  const std::pair<const char*, const stats::Histogram*> classes[] = {
      {"all", &all}, {"read", &cur.read_ns}, {"write", &cur.write_ns}};
  const stats::Histogram base_all = base.AllNs();
  const stats::Histogram* base_of[] = {&base_all, &base.read_ns, &base.write_ns};
  for (size_t i = 0; i < 3; ++i) {
    const auto& [cls, h] = classes[i];
    if (auto q = QuantilesOf(*h)) f.latency[{"run", cls}] = *q;
    if (auto q = QuantilesOf(RunWindows::Window(*h, *base_of[i]))) f.latency[{"10s", cls}] = *q;
  }
  auto both = [](std::map<std::string, Quantiles>& into, const stats::Histogram& h,
                 const stats::Histogram& b) {
    if (auto q = QuantilesOf(h)) into["run"] = *q;
    if (auto q = QuantilesOf(RunWindows::Window(h, b))) into["10s"] = *q;
  };
  both(f.async_latency, cur.async_ns, base.async_ns);
  both(f.send_lag, cur.send_lag_ns, base.send_lag_ns);
  both(f.timer_lateness, cur.lateness_ns, base.lateness_ns);
  for (size_t g = 0; g < f.groups.size() && g < groups_.size(); ++g) {
    const double slots =
        static_cast<double>(std::max(1, groups_[g].concurrency())) * groups_[g].count();
    auto& gf = f.groups[g];
    if (dt > 0) {
      gf.utilization_window = (cur.busy_ns[g] - base.busy_ns[g]) / 1e9 / (slots * dt);
      gf.rps_window = static_cast<double>(cur.received[g] - base.received[g]) / dt;
    }
    if (cur.t_s > 0) gf.utilization_run = cur.busy_ns[g] / 1e9 / (slots * cur.t_s);
  }
  // The NFRs' figures as they stand (the verdict judges the same figures at the end).
  for (auto& n : f.nfrs) {
    if (n.kind == "latency") {
      const stats::Histogram* h = &all;
      if (n.request_class == "read" && cur.read_ns.Count() > 0) h = &cur.read_ns;
      if (n.request_class == "write" && cur.write_ns.Count() > 0) h = &cur.write_ns;
      if (h->Count() > 0) n.measured = h->ValueAtPercentile(std::stod(n.percentile)) / 1e9;
    } else if (n.kind == "async") {
      if (cur.async_ns.Count() > 0) {
        n.measured = cur.async_ns.ValueAtPercentile(std::stod(n.percentile)) / 1e9;
      }
    } else if (n.kind == "throughput") {
      n.measured = f.achieved_rps_run;
    } else if (n.kind == "availability" && cur.ok + cur.errors > 0) {
      n.measured = 1 - static_cast<double>(cur.errors) / static_cast<double>(cur.ok + cur.errors);
    }
  }
  FillAgents(agents);
  collector_->Update(figures_, false);
}

void RunMetrics::FillGroups() {
  figures_.groups.clear();
  for (const auto& g : groups_) {
    GroupFigure gf;
    gf.name = g.name();
    gf.role = spec::RoleName(v1::FromProto(g.role()));
    gf.type = g.type();
    gf.instances = g.count();
    for (const auto& p : run_.prediction->groups) {
      if (p.name != g.name()) continue;
      gf.predicted_utilization = p.utilization;
      gf.predicted_rps = p.rate.Total();
    }
    figures_.groups.push_back(std::move(gf));
  }
}

void RunMetrics::FillAgents(const std::vector<run::AgentState>& agents) {
  const auto now = Clock::now();
  figures_.agents.clear();
  for (const auto& a : agents) {
    AgentFigure af;
    af.id = a.id;
    af.connected = a.connected;
    af.ready = a.ready;
    af.finished = a.finished;
    af.scraped = a.metrics_scraped;
    af.last_heard_age_s = std::chrono::duration<double>(now - a.last_heard).count();
    figures_.agents.push_back(std::move(af));
  }
}

void RunMetrics::Finish(const run::RunResult& r) {
  auto& f = figures_;
  f.state = "ended";
  f.target_rps = 0;
  f.elapsed_s = r.duration_s;
  // The report's own figures, so the last scrape equals the JSON report.
  f.offered = r.offered;
  f.sent = r.sent;
  f.ok = r.ok;
  f.errors = r.errors;
  f.harness_errors = r.harness_errors;
  f.dropped = r.dropped;
  f.achieved_rps_run = r.achieved_rps;
  f.agent_cpu_s = r.harness.agent_cpu_s;
  const RunTotals* base = windows_ ? &windows_->base() : nullptr;
  const stats::Histogram empty;
  const stats::Histogram base_all = base ? base->AllNs() : empty;
  const std::tuple<const char*, const stats::Histogram*, const stats::Histogram*> classes[] = {
      {"all", &r.all_ns, &base_all},
      {"read", &r.read_ns, base ? &base->read_ns : &empty},
      {"write", &r.write_ns, base ? &base->write_ns : &empty}};
  for (const auto& [cls, h, b] : classes) {
    if (auto q = QuantilesOf(*h)) f.latency[{"run", cls}] = *q;
    if (auto q = QuantilesOf(RunWindows::Window(*h, *b))) f.latency[{"10s", cls}] = *q;
  }
  if (auto q = QuantilesOf(r.harness.send_lag_ns)) f.send_lag["run"] = *q;
  if (auto q = QuantilesOf(r.harness.lateness_ns)) f.timer_lateness["run"] = *q;
  f.nfrs.clear();
  for (const auto& v : r.nfrs) {
    NfrFigure n = FigureOf(v);
    n.pass = v.pass && !v.inconclusive;
    n.inconclusive = v.inconclusive;
    if (v.interval) {
      n.ci_low = v.interval->low;
      n.ci_high = v.interval->high;
    }
    f.nfrs.push_back(std::move(n));
  }
  for (auto& gf : f.groups) {
    for (const auto& g : r.groups) {
      if (g.name == gf.name) gf.utilization_run = g.utilization;
    }
  }
  f.pass = run::AllPass(r);
  f.complete = r.complete;
  f.harness_faults = static_cast<int>(r.harness_faults.size());
  collector_->Update(figures_, true);
  finished_at_ = Clock::now();
}

void RunMetrics::Linger() {
  const auto deadline =
      finished_at_ + std::chrono::milliseconds(static_cast<int64_t>(o_.linger_s * 1000));
  collector_->ledger().WaitForFinalScrape(deadline);
  if (sd_) sd_->Remove();
}

}  // namespace archload::metrics
