#include "controller/report/run_report.h"

#include <cmath>
#include <iomanip>

#include "common/spec/spec_yaml.h"
#include "controller/planner/scale.h"
#include "controller/report/confidence_report.h"
#include "controller/report/fault_report.h"
#include "controller/report/histogram_json.h"
#include "controller/report/hop_report.h"
#include "controller/report/series_json.h"
#include "controller/report/table.h"

namespace archload::report {

namespace {

nlohmann::json Opt(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

std::string FormatSecondsShort(double s) { return run::FormatSeconds(s); }

// A percentile in µs, 0 for an empty histogram.
double PercentileUs(const stats::Histogram& h, double p) {
  return h.Count() ? h.ValueAtPercentile(p) / 1e3 : 0.0;
}

nlohmann::json LatencyJson(const stats::Histogram& h) {
  const auto f = run::FiguresOf(h);
  return {{"count", f.count},
          {"mean", f.mean_ms},
          {"p50", f.p50_ms},
          {"p95", f.p95_ms},
          {"p99", f.p99_ms},
          {"p999", f.p999_ms},
          {"histogram", HistogramToJson(h)}};
}

nlohmann::json PredictedLatencyJson(const planner::LatencySummary& l) {
  return {{"mean", l.mean_ms},
          {"p50", l.p50_ms},
          {"p95", l.p95_ms},
          {"p99", l.p99_ms},
          {"p999", l.p999_ms},
          {"stable", l.stable},
          {"spectrum", SpectrumJson(l.spectrum)}};
}

}  // namespace

nlohmann::json RunToJson(const run::RunResult& r, const planner::Plan& prediction,
                         const planner::Plan* calibrated) {
  nlohmann::json j;
  j["run_id"] = r.run_id;
  j["schema"] = kRunReportSchema;
  j["schema_version"] = kRunReportSchemaVersion;
  j["problem"] = r.problem;
  j["title"] = r.parameters.title;
  j["parameters"] = {{"profile", r.parameters.profile},
                     {"arrivals", r.parameters.arrivals},
                     {"seed", r.parameters.seed},
                     {"service_time_scale", r.parameters.service_time_scale},
                     {"started_at", r.parameters.started_at},
                     {"command", r.parameters.command}};
  j["scale"] = planner::FormatScale(r.divisor);
  j["scale_divisor"] = r.divisor;
  j["duration_s"] = r.duration_s;  // the window measured; rates are over it
  j["planned_s"] = r.planned_s;
  j["warmup_s"] = r.warmup_s;  // --warmup: the first seconds, not counted
  j["offered_rps"] = r.offered_rps;
  j["achieved_rps"] = r.achieved_rps;
  j["requests"] = {{"offered", r.offered}, {"sent", r.sent},
                   {"ok", r.ok},           {"errors", r.errors},
                   {"dropped", r.dropped}, {"harness_errors", r.harness_errors}};
  j["max_send_lag_ms"] = r.max_send_lag_ns / 1e6;
  j["latency_ms"] = LatencyJson(r.all_ns);
  j["latency_ms"]["read"] = LatencyJson(r.read_ns);
  j["latency_ms"]["write"] = LatencyJson(r.write_ns);
  j["latency_ms"]["spectrum"] = SpectrumJson(r.all_ns);
  j["predicted_latency_ms"] = PredictedLatencyJson(prediction.latency);
  // The BoE with the harness's measured costs per hop (harness.calibration): what the verdict's
  // BoE column holds; null when the run measured none.
  j["predicted_latency_with_harness_ms"] =
      calibrated ? PredictedLatencyJson(calibrated->latency) : nlohmann::json(nullptr);
  j["predicted_max_rps"] = Opt(prediction.max_throughput_rps);  // at the run's scale
  j["predicted_bottleneck"] = prediction.bottleneck;
  // M/M/c/K at every queue limit: what full queues refuse end to end, and what completes.
  j["predicted_rejected_fraction"] = prediction.rejected_fraction;
  j["predicted_admitted_rps"] = prediction.admitted_rps;  // at the run's scale, as the max
  j["error_rate"] = r.error_rate;
  j["confidence"] = ConfidenceToJson(r);
  j["until_confident"] = r.until_confident;
  j["decided_at_s"] = r.decided_at_s > 0 ? nlohmann::json(r.decided_at_s) : nlohmann::json(nullptr);
  auto& nfr = j["nfr"] = nlohmann::json::array();
  for (const auto& v : r.nfrs) {
    nfr.push_back({{"name", v.name},
                   {"raw", v.raw},
                   {"unit", v.unit},
                   {"target", v.target},
                   {"boe", Opt(v.boe)},
                   {"boe_design", Opt(v.boe_design)},
                   {"measured", Opt(v.measured)},
                   {"pass", v.pass && !v.inconclusive},
                   {"verdict", VerdictWord(v)},
                   {"ci95", IntervalJson(v.interval)},
                   {"decide_s", Opt(v.decide_s)},
                   {"note", v.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.note)}});
  }
  auto& comps = j["components"] = nlohmann::json::array();
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const auto& g = r.groups[i];
    const auto f = run::FiguresOf(g.sojourn_ns);
    nlohmann::json c{{"name", g.name},
                     {"type", g.type},
                     {"role", g.role},
                     {"count", g.count},
                     {"concurrency", g.concurrency},
                     {"rps", g.rps},
                     {"utilization", g.utilization},
                     {"utilization_ci95", i < r.confidence.utilization.size()
                                              ? IntervalJson(r.confidence.utilization[i])
                                              : nlohmann::json(nullptr)},
                     {"p50_ms", f.p50_ms},
                     {"p99_ms", f.p99_ms},
                     {"rejected", g.rejected},
                     {"failed", g.failed},
                     {"harness_failed", g.harness_failed},
                     {"hit_ratio", Opt(g.hit_ratio)},
                     {"queue_depth", g.queue_depth}};
    if (i < prediction.groups.size()) {
      c["predicted_utilization"] = prediction.groups[i].utilization;
      c["predicted_rejected_fraction"] = prediction.groups[i].rejected_fraction;
      c["queue_limit"] = prediction.groups[i].queue_limit;
      if (const auto& hr = prediction.groups[i].profile.hit_rate) c["predicted_hit_ratio"] = *hr;
    }
    if (g.role == "broker") {
      c["published"] = g.published;
      c["broker_depth"] = g.broker_depth;
    }
    if (!g.backend_kind.empty()) {
      const auto f = run::FiguresOf(g.backend_ns);
      c["backend"] = {{"kind", g.backend_kind},
                      {"address", g.backend_address},
                      {"commands", g.backend_commands},
                      {"errors", g.backend_errors},
                      {"late", g.backend_late},
                      {"disconnects", g.backend_disconnects},
                      {"p50_ms", f.p50_ms},
                      {"p99_ms", f.p99_ms}};
      if (g.backend_server_hits && g.backend_server_misses) {
        const double lookups = *g.backend_server_hits + *g.backend_server_misses;
        c["backend"]["server_hits"] = *g.backend_server_hits;
        c["backend"]["server_misses"] = *g.backend_server_misses;
        c["backend"]["server_hit_ratio"] = lookups > 0
                                               ? nlohmann::json(*g.backend_server_hits / lookups)
                                               : nlohmann::json(nullptr);
      }
      if (g.backend_cpu_s) c["backend"]["cpu_s"] = *g.backend_cpu_s;
      if (!g.backend_consumers.empty()) {
        auto& consumers = c["backend"]["consumers"] = nlohmann::json::array();
        for (const auto& [w, f] : g.backend_consumers) {
          consumers.push_back(
              {{"group", w >= 0 && w < static_cast<int>(r.groups.size()) ? r.groups[w].name
                                                                         : std::to_string(w)},
               {"consumed", f.consumed},
               {"redelivered", f.redelivered},
               {"lag", f.lag},
               {"peak_lag", f.peak_lag}});
        }
      }
    }
    if (g.consumed > 0) {
      c["consumed"] = g.consumed;
      c["async_p99_ms"] = run::FiguresOf(g.async_ns).p99_ms;
    }
    comps.push_back(c);
  }
  j["hops"] = HopsToJson(run::HopsOf(r, calibrated ? *calibrated : prediction));
  const nlohmann::json faults = FaultsToJson(r);
  for (const auto& [k, v] : faults.items()) j[k] = v;
  j["calls"] = CallsToJson(r);
  j["series"] = SeriesToJson(r.series, r.groups);
  const auto& h = r.harness;
  j["harness"] = {
      {"agents", h.agents},
      {"instances", h.instances},
      {"startup_s", h.startup_s},
      {"wall_s", h.wall_s},
      {"agent_cpu_s", h.agent_cpu_s},
      {"agent_io_cpu_s", h.agent_io_cpu_s},
      {"agent_startup_cpu_s", h.agent_startup_cpu_s},
      {"agent_max_rss_mb", h.agent_max_rss_kb / 1024.0},
      {"agent_rss_sum_mb", h.agent_rss_sum_kb / 1024.0},
      {"controller_cpu_s", h.controller_cpu_s},
      {"cpu_us_per_request", r.ok > 0 ? h.agent_cpu_s * 1e6 / r.ok : 0.0},
      {"send_lag_us",
       {{"p50", PercentileUs(h.send_lag_ns, 50)}, {"p99", PercentileUs(h.send_lag_ns, 99)}}},
      {"timer_lateness_us",
       {{"p50", PercentileUs(h.lateness_ns, 50)}, {"p99", PercentileUs(h.lateness_ns, 99)}}},
      // Harness calibration: probes' round trips between agents (a call's cost beyond the
      // callee's sojourn); the timers' overrun per group is in "hops".
      {"hop_round_trip_us",
       {{"count", h.hop_rtt_ns.Count()},
        {"mean", h.hop_rtt_ns.Count() ? h.hop_rtt_ns.Mean() / 1e3 : 0.0},
        {"p50", PercentileUs(h.hop_rtt_ns, 50)},
        {"p99", PercentileUs(h.hop_rtt_ns, 99)}}},
      {"control_plane_refused", h.control_plane_refused},
      {"faults", r.harness_faults}};
  const auto& d = h.data_plane;
  j["harness"]["data_plane"] = {{"invalid_frames", d.invalid_frames},
                                {"refused_connections", d.refused_connections},
                                {"overflow_disconnects", d.overflow_disconnects},
                                {"unroutable_frames", d.unroutable_frames},
                                {"unexpected_frames", d.unexpected_frames},
                                {"accept_errors", d.accept_errors},
                                {"connect_errors", d.connect_errors},
                                {"lost_connections", d.lost_connections},
                                {"calls_in_process", d.calls_in_process},
                                {"calls_over_sockets", d.calls_over_sockets}};
  auto& stalls = j["harness"]["stalls"] = nlohmann::json::array();
  for (const auto& st : h.stalls) {
    stalls.push_back({{"agent", st.agent}, {"from_s", st.from_s}, {"to_s", st.to_s}});
  }
  auto& hosts = j["hosts"] = nlohmann::json::array();
  for (const auto& hf : h.hosts) {
    hosts.push_back({{"host", hf.host},
                     {"agents", hf.agents},
                     {"instances", hf.instances},
                     {"rps", hf.rps},
                     {"agent_cpu_s", hf.agent_cpu_s},
                     {"requests_sent", hf.sent},
                     {"requests_sent_cross_host", hf.sent_cross_host}});
  }
  j["harness"]["clock"] = {{"agents", h.clock.agents},
                           {"max_offset_ms", h.clock.max_offset_ms},
                           {"max_uncertainty_us", h.clock.max_uncertainty_us},
                           {"start_skew_us", h.clock.start_skew_us}};
  j["harness"]["lease_timeout_s"] = h.lease_timeout_s;
  auto& lost = j["harness"]["lost"] = nlohmann::json::array();
  for (const auto& l : h.lost) {
    lost.push_back({{"agent", l.id},
                    {"at_s", l.at_s},
                    {"silent_s", l.silent_s},
                    {"how", l.how},
                    {"injected", l.injected}});
  }
  auto& agents = j["agents"] = nlohmann::json::array();
  for (const auto& a : h.fleet) {
    agents.push_back({{"id", a.id},
                      {"listener", a.listener},
                      {"instances", a.instances},
                      {"final_stats", a.finished},
                      {"goodbye", a.goodbye}});
  }
  j["bottleneck"] = r.bottleneck;
  j["bottleneck_reason"] = r.bottleneck_reason;
  j["pass"] = run::AllPass(r);
  j["inconclusive"] = run::Inconclusive(r) && r.complete && r.harness_faults.empty();
  j["complete"] = r.complete;
  j["incomplete_reason"] =
      r.incomplete_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.incomplete_reason);
  j["warnings"] = r.warnings;
  return j;
}

// Which calls paid for a socket: the harness's cost per hop differs by an order of magnitude
// between a call inside an agent and one across agents (docs/performance.md).
void PrintCallPlaces(const run::RunResult& r, std::ostream& out) {
  char buf[200];
  const auto& d = r.harness.data_plane;
  if (const uint64_t calls = d.calls_in_process + d.calls_over_sockets; calls > 0) {
    std::snprintf(buf, sizeof buf,
                  "Calls between components: %s in-process (within one agent), %s over sockets",
                  Percent(static_cast<double>(d.calls_in_process) / calls).c_str(),
                  Percent(static_cast<double>(d.calls_over_sockets) / calls).c_str());
    out << buf;
    // Which hops: the share of each edge's calls that stayed inside an agent.
    std::string edges;
    for (const auto& c : r.calls) {
      if (c.requests == 0 || c.from >= static_cast<int>(r.groups.size()) ||
          c.to >= static_cast<int>(r.groups.size())) {
        continue;
      }
      edges += (edges.empty() ? "; in-process by edge: " : ", ") + r.groups[c.from].name + " → " +
               r.groups[c.to].name + " " + Percent(static_cast<double>(c.in_process) / c.requests);
    }
    out << edges << "\n";
  }
}

// Hosts (cluster runs), the start barrier and lost agents.
void PrintFleet(const run::HarnessFigures& h, std::ostream& out) {
  char buf[400];
  if (h.hosts.size() > 1) {
    Table ht({"host", "agents", "instances", "req/s in", "CPU s", "sent", "to other hosts"},
             {false, true, true, true, true, true, true});
    for (const auto& hf : h.hosts) {
      std::snprintf(buf, sizeof buf, "%.1f", hf.agent_cpu_s);
      ht.AddRow({hf.host, std::to_string(hf.agents), std::to_string(hf.instances),
                 HumanRate(hf.rps), buf, std::to_string(hf.sent),
                 hf.sent ? Percent(static_cast<double>(hf.sent_cross_host) / hf.sent) : "-"});
    }
    out << "\n";
    ht.Print(out);
  }
  if (h.clock.agents > 0) {
    std::snprintf(buf, sizeof buf,
                  "Start barrier: the agents' start instants agree within %.0f µs on the "
                  "controller's clock (estimated skew; largest clock offset %.3f ms, each known "
                  "within ±%.0f µs); lease %.1f s\n",
                  h.clock.start_skew_us, h.clock.max_offset_ms, h.clock.max_uncertainty_us,
                  h.lease_timeout_s);
    out << buf;
  }
  for (const auto& l : h.lost) {
    std::snprintf(buf, sizeof buf, "Lost: %s at %.1f s, %.1f s after it was last heard: %s\n",
                  l.id.c_str(), l.at_s, l.silent_s, l.how.c_str());
    out << buf;
  }
}

void PrintRun(const run::RunResult& r, const planner::Plan& prediction, std::ostream& out,
              const planner::Plan* calibrated) {
  const auto all = run::FiguresOf(r.all_ns);
  out << "\nRun of " << r.problem << " at scale " << planner::FormatScale(r.divisor) << ": "
      << spec::FormatNumber(std::round(r.duration_s * 10) / 10) << " s"
      << (r.duration_s < r.planned_s - 0.05
              ? " measured of " + spec::FormatNumber(r.planned_s) + " s planned"
              : "")
      << ", offered " << HumanRate(r.offered_rps) << " req/s, achieved "
      << HumanRate(r.achieved_rps) << " req/s, errors " << Percent(r.error_rate) << "\n";
  out << "Latency measured: p50 " << Ms(all.p50_ms) << ", p95 " << Ms(all.p95_ms) << ", p99 "
      << Ms(all.p99_ms) << ", p99.9 " << Ms(all.p999_ms) << "   (BoE: ";
  if (prediction.latency.stable) {
    out << "p50 " << Ms(prediction.latency.p50_ms) << ", p99 " << Ms(prediction.latency.p99_ms);
    if (calibrated && calibrated->latency.stable) {
      out << "; with the harness's costs p50 " << Ms(calibrated->latency.p50_ms) << ", p99 "
          << Ms(calibrated->latency.p99_ms);
    }
  } else if (prediction.rejected_fraction >= 0.001) {
    out << "overload: full queues refuse what cannot be served; the admitted requests' p50 "
        << Ms(prediction.latency.p50_ms) << ", p99 " << Ms(prediction.latency.p99_ms)
        << " (M/M/c/K)";
  } else {
    out << "overload: queues grow without bound";
  }
  out << ")\n";
  PrintIntervals(r, out);
  if (prediction.rejected_fraction >= 0.001) {
    out << "Refused by full queues (BoE, M/M/c/K at each queue limit): "
        << Percent(prediction.rejected_fraction) << " of requests, "
        << HumanRate(prediction.admitted_rps) << " req/s completing; measured: errors "
        << Percent(r.error_rate) << ", achieved " << HumanRate(r.achieved_rps) << " req/s\n";
  }
  out << "\n";
  Table v({"NFR", "target", "BoE", "BoE+harness", "measured ± 95%", "verdict"},
          {false, true, true, true, true, false});
  for (const auto& n : r.nfrs) {
    v.AddRow({n.name, NfrFigure(n.unit, n.target),
              NfrFigure(n.unit, n.boe_design ? n.boe_design : n.boe),
              calibrated ? NfrFigure(n.unit, n.boe) : "-", WithInterval(n),
              n.inconclusive ? "? inconclusive"
              : n.pass       ? "✓ pass"
                             : "✗ FAIL"});
  }
  v.Print(out);
  for (const auto& n : r.nfrs) {
    if (!n.note.empty()) out << "  " << n.name << ": " << n.note << "\n";
  }
  PrintUndecided(r, out);
  out << "\n";
  Table c({"group", "type", "inst", "req/s", "util", "BoE util", "p50", "p99", "rejected",
           "hit ratio", "depth"},
          {false, false, true, true, true, true, true, true, true, true, true});
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const auto& g = r.groups[i];
    const bool client = g.role == "client";
    const auto f = run::FiguresOf(g.sojourn_ns);
    c.AddRow(
        {g.name, g.type, std::to_string(g.count), client ? "-" : HumanRate(g.rps),
         // A real proxy has no emulated slots to be busy: its figures are its hop's latency.
         client || g.backend_kind == "haproxy" ? "-" : Percent(g.utilization),
         client || i >= prediction.groups.size() ? "-" : Percent(prediction.groups[i].utilization),
         client ? "-" : Ms(f.p50_ms), client ? "-" : Ms(f.p99_ms), std::to_string(g.rejected),
         g.hit_ratio ? Percent(*g.hit_ratio) : "-",
         g.role == "broker" ? std::to_string(g.broker_depth) : "-"});
  }
  c.Print(out);
  out << "\n";
  PrintHops(run::HopsOf(r, calibrated ? *calibrated : prediction), out);
  bool real = false;
  for (const auto& g : r.groups) real = real || !g.backend_kind.empty();
  if (real) {
    out << "\nReal backends (docs/backends.md)\n";
    Table b({"group", "backend", "commands", "errors", "p50", "p99", "hit ratio", "its own"},
            {false, false, true, true, true, true, true, true});
    for (const auto& g : r.groups) {
      if (g.backend_kind.empty()) continue;
      const auto f = run::FiguresOf(g.backend_ns);
      std::string own = "-";
      if (g.backend_server_hits && g.backend_server_misses &&
          *g.backend_server_hits + *g.backend_server_misses > 0) {
        own = Percent(*g.backend_server_hits / (*g.backend_server_hits + *g.backend_server_misses));
      }
      b.AddRow({g.name, g.backend_kind + "://" + g.backend_address,
                std::to_string(g.backend_commands), std::to_string(g.backend_errors), Ms(f.p50_ms),
                Ms(f.p99_ms), g.hit_ratio ? Percent(*g.hit_ratio) : "-", own});
    }
    b.Print(out);
    for (const auto& g : r.groups) {
      for (const auto& [w, f] : g.backend_consumers) {
        if (w < 0 || w >= static_cast<int>(r.groups.size())) continue;
        out << "  " << g.name << " -> consumer group of " << r.groups[w].name << ": consumed "
            << f.consumed << ", redelivered " << f.redelivered << ", lag " << f.lag
            << " at the end (peak " << f.peak_lag << ")";
        if (r.groups[w].consumed > 0) {
          out << ", publish to consumed p50 " << Ms(run::FiguresOf(r.groups[w].async_ns).p50_ms)
              << ", p99 " << Ms(run::FiguresOf(r.groups[w].async_ns).p99_ms);
        }
        out << "\n";
      }
      if (g.backend_cpu_s) {
        out << "  " << g.name << ": " << g.backend_kind << " used " << std::fixed
            << std::setprecision(2) << *g.backend_cpu_s << " CPU s";
        if (r.ok > 0)
          out << " (" << std::setprecision(1) << *g.backend_cpu_s * 1e6 / r.ok
              << " µs per request)";
        out << std::defaultfloat << "\n";
      }
    }
  }
  PrintFaults(r, out);
  out << "\nBottleneck: " << (r.bottleneck.empty() ? "none" : r.bottleneck) << " ("
      << r.bottleneck_reason << ")\n";
  const auto& h = r.harness;
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "Harness: %d agents, %d instances, ready in %.2f s; agents %.1f CPU s (%.1f µs per "
                "request), peak RSS %.0f MB; controller %.2f CPU s; send lag p99 %.0f µs, timer "
                "lateness p99 %.0f µs; a hop's round trip p50 %.0f µs, p99 %.0f µs\n",
                h.agents, h.instances, h.startup_s, h.agent_cpu_s,
                r.ok > 0 ? h.agent_cpu_s * 1e6 / r.ok : 0.0, h.agent_max_rss_kb / 1024.0,
                h.controller_cpu_s, PercentileUs(h.send_lag_ns, 99),
                PercentileUs(h.lateness_ns, 99), PercentileUs(h.hop_rtt_ns, 50),
                PercentileUs(h.hop_rtt_ns, 99));
  out << buf;
  PrintCallPlaces(r, out);
  PrintFleet(h, out);
  if (r.harness_errors > 0) {
    out << "Requests lost by the harness (not counted as the design's errors): " << r.harness_errors
        << "\n";
  }
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  for (const auto& f : r.harness_faults) out << "HARNESS: " << f << "\n";
  if (!r.complete) out << "INCOMPLETE: " << r.incomplete_reason << "\n";
  if (!r.harness_faults.empty()) {
    out << "VERDICT: not judged: the harness, not the design, limited this run\n";
  } else if (!r.complete) {
    out << "VERDICT: incomplete run: figures above cover " << FormatSecondsShort(r.duration_s)
        << " of " << FormatSecondsShort(r.planned_s) << "\n";
  } else {
    out << (run::AllPass(r)        ? "VERDICT: every NFR holds\n"
            : run::Inconclusive(r) ? "VERDICT: inconclusive: no NFR fails, but some could not "
                                     "be decided (run longer, or --until-confident)\n"
                                   : "VERDICT: some NFRs fail\n");
  }
}

}  // namespace archload::report
