#include "controller/run/run_result.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "archload/v1/faults.h"
#include "archload/v1/roles.h"
#include "common/spec/nfr_parser.h"
#include "common/spec/spec_yaml.h"
#include "controller/run/confidence.h"

namespace archload::run {

namespace {

void MergeSerialized(stats::Histogram& into, const std::string& bytes) {
  if (bytes.empty()) return;
  if (auto h = stats::Histogram::Deserialize(bytes)) into.Merge(*h);
}

void AddDataPlane(DataPlaneFigures& d, const v1::DataPlaneHealth& h) {
  for (const auto& [field, n] : h.invalid_frames()) d.invalid_frames[field] += n;
  d.refused_connections += h.refused_connections();
  d.overflow_disconnects += h.overflow_disconnects();
  d.unroutable_frames += h.unroutable_frames();
  d.unexpected_frames += h.unexpected_frames();
  d.accept_errors += h.accept_errors();
  d.connect_errors += h.connect_errors();
  d.lost_connections += h.lost_connections();
  d.calls_in_process += h.calls_in_process();
  d.calls_over_sockets += h.calls_over_sockets();
}

// Per host: what its instances received, what its agents sent and where, their CPU; and how well
// the agents' start barrier held.
void MergeHostsAndClock(RunResult& r, const std::vector<AgentState>& agents, double duration_s) {
  std::map<std::string, size_t> index;
  for (const auto& a : agents) {
    const std::string host = a.hostname.empty() ? a.id : a.hostname;
    auto [it, added] = index.emplace(host, r.harness.hosts.size());
    if (added) r.harness.hosts.push_back(HostFigures{host});
    auto& h = r.harness.hosts[it->second];
    ++h.agents;
    h.instances += a.ready_msg.instances();
    h.agent_cpu_s += a.latest.health().cpu_ns() / 1e9;
    uint64_t received = 0;
    for (const auto& g : a.latest.groups()) received += g.received();
    h.rps += duration_s > 0 ? received / duration_s : 0;
    for (const auto& p : a.latest.peers()) {
      h.sent += p.requests();
      if (p.agent() < 0 || p.agent() >= static_cast<int>(agents.size())) continue;
      const auto& to = agents[p.agent()];
      if ((to.hostname.empty() ? to.id : to.hostname) != host) h.sent_cross_host += p.requests();
    }
  }
  auto& c = r.harness.clock;
  int64_t first = 0, last = 0;
  for (const auto& a : agents) {
    const auto& sync = a.ready_msg.clock();
    ++c.agents;
    c.max_offset_ms = std::max(c.max_offset_ms, std::abs(sync.offset_ns()) / 1e6);
    c.max_uncertainty_us = std::max(c.max_uncertainty_us, sync.rtt_ns() / 2e3);
    if (a.latest.started_ns() == 0) continue;
    const int64_t at = a.latest.started_ns() + sync.offset_ns();  // on the controller's clock
    first = first == 0 ? at : std::min(first, at);
    last = std::max(last, at);
  }
  c.start_skew_us = (last - first) / 1e3;
}

}  // namespace

uint64_t DataPlaneFigures::InvalidFrames() const {
  uint64_t n = 0;
  for (const auto& [field, count] : invalid_frames) n += count;
  return n;
}

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

LatencyFigures FiguresOf(const stats::Histogram& h) {
  LatencyFigures f;
  f.count = h.Count();
  if (f.count == 0) return f;
  f.p50_ms = h.ValueAtPercentile(50) / 1e6;
  f.p95_ms = h.ValueAtPercentile(95) / 1e6;
  f.p99_ms = h.ValueAtPercentile(99) / 1e6;
  f.p999_ms = h.ValueAtPercentile(99.9) / 1e6;
  f.mean_ms = h.Mean() / 1e6;
  return f;
}

namespace {

void MergeEdges(std::vector<EdgeFigures>& into,
                const google::protobuf::RepeatedPtrField<v1::EdgeStats>& from) {
  for (const auto& e : from) {
    auto it = std::find_if(into.begin(), into.end(), [&](const EdgeFigures& x) {
      return x.caller == e.caller() && x.target == e.target();
    });
    if (it == into.end()) {
      into.push_back({});
      it = into.end() - 1;
      it->caller = e.caller();
      it->target = e.target();
    }
    ++it->views;
    it->calls += e.calls();
    it->failed += e.failed();
    it->retries += e.retries();
    it->timeouts += e.timeouts();
    it->overflows += e.overflows();
    it->budget_refused += e.budget_refused();
    it->partitioned += e.partitioned();
    it->ejections += e.ejections();
    it->checks += e.checks();
    for (const auto& ev : e.events()) {
      it->events.push_back({ev.at_s(), ev.instance(), ev.what(), ev.until_s()});
    }
  }
}

}  // namespace

RunResult MergeResults(const RunSpec& spec, const std::vector<AgentState>& agents,
                       double duration_s) {
  RunResult r;
  r.divisor = spec.divisor;
  r.duration_s = duration_s;
  r.planned_s = duration_s;
  r.offered_rps = spec.workload.rate_rps();
  for (const auto& g : spec.groups) {
    GroupResult gr;
    gr.name = g.name();
    gr.type = g.type();
    gr.role = spec::RoleName(v1::FromProto(g.role()));
    gr.count = g.count();
    gr.concurrency = std::max(1, g.concurrency());
    gr.backend_kind = g.backend().kind();
    gr.backend_address = g.backend().address();
    r.groups.push_back(std::move(gr));
  }
  double window_s = duration_s;  // load plus drain: when the last agent's final stats were cut
  for (size_t i = 0; i < agents.size(); ++i) {
    const auto& a = agents[i];
    // An agent an injected fault killed delivers no final stats; its last report stands.
    if (!a.finished && !KilledByFault(spec, i)) r.complete = false;
    AgentSummary summary{a.id, "", a.ready_msg.instances(), a.finished, a.goodbye};
    if (a.ready_msg.has_listener()) {
      summary.listener =
          a.ready_msg.listener().host() + ":" + std::to_string(a.ready_msg.listener().port());
    }
    r.harness.fleet.push_back(std::move(summary));
    window_s = std::max(window_s, a.latest.elapsed_ns() / 1e9);
    const auto& s = a.latest;
    for (const auto& gs : s.groups()) {
      if (gs.group() < 0 || gs.group() >= static_cast<int>(r.groups.size())) continue;
      auto& g = r.groups[gs.group()];
      g.received += gs.received();
      g.completed += gs.completed();
      g.rejected += gs.rejected();
      g.failed += gs.failed();
      g.harness_failed += gs.harness_failed();
      g.hits += gs.hits();
      g.misses += gs.misses();
      g.busy_ns += gs.busy_ns();
      g.hold_ns += gs.hold_ns();
      if (gs.has_backend()) {
        const auto& b = gs.backend();
        g.backend_commands += b.commands();
        g.backend_errors += b.errors();
        g.backend_late += b.late();
        g.backend_disconnects += b.disconnects();
        MergeSerialized(g.backend_ns, b.latency_ns());
        for (const auto& bc : b.consumers()) {
          auto& c = g.backend_consumers[bc.group()];
          c.consumed += bc.consumed();
          c.redelivered += bc.redelivered();
          c.lag += bc.lag();
          c.peak_lag += bc.peak_lag();
        }
      }
      g.published += gs.published();
      g.consumed += gs.consumed();
      g.broker_depth += gs.broker_depth();
      g.queue_depth += gs.queue_depth();
      MergeSerialized(g.sojourn_ns, gs.sojourn_ns());
      MergeSerialized(g.queue_wait_ns, gs.queue_wait_ns());
      MergeSerialized(g.service_ns, gs.service_ns());
      MergeSerialized(g.async_ns, gs.async_ns());
      for (const auto& c : gs.calls()) {
        if (c.target() >= 0 && c.target() < static_cast<int>(r.groups.size())) {
          g.calls_to[c.target()] += c.requests();
          if (c.in_process() > 0) g.in_process_to[c.target()] += c.in_process();
        }
      }
    }
    const auto& c = s.client();
    r.offered += c.offered();
    r.sent += c.sent();
    r.ok += c.ok();
    r.errors += c.errors();
    r.harness_errors += c.harness_errors();
    r.completed_in_window += c.completed_in_window();
    r.dropped += c.dropped();
    r.max_send_lag_ns = std::max<uint64_t>(r.max_send_lag_ns, c.max_send_lag_ns());
    MergeSerialized(r.harness.send_lag_ns, c.send_lag_ns());
    for (const auto& gs : s.groups()) MergeSerialized(r.harness.lateness_ns, gs.lateness_ns());
    const auto& h = s.health();
    ++r.harness.agents;
    r.harness.instances += h.instances();
    r.harness.agent_cpu_s += h.cpu_ns() / 1e9;
    r.harness.agent_startup_cpu_s += h.startup_cpu_ns() / 1e9;
    r.harness.agent_io_cpu_s += h.io_cpu_ns() / 1e9;
    r.harness.agent_max_rss_kb = std::max<uint64_t>(r.harness.agent_max_rss_kb, h.max_rss_kb());
    r.harness.agent_rss_sum_kb += h.max_rss_kb();
    AddDataPlane(r.harness.data_plane, h.data_plane());
    MergeSerialized(r.harness.hop_rtt_ns, h.hop_round_trip_ns());
    MergeSerialized(r.read_ns, c.read_latency_ns());
    MergeSerialized(r.write_ns, c.write_latency_ns());
    auto add = [](std::vector<uint64_t>& into, const auto& from) {
      if (into.size() < static_cast<size_t>(from.size())) into.resize(from.size(), 0);
      for (int i = 0; i < from.size(); ++i) into[i] += from[i];
    };
    add(r.timeline.offered, c.timeline_offered());
    add(r.timeline.ok, c.timeline_ok());
    add(r.timeline.failed, c.timeline_failed());
    MergeEdges(r.edges, s.edges());
  }
  std::sort(r.edges.begin(), r.edges.end(), [](const EdgeFigures& a, const EdgeFigures& b) {
    return std::make_pair(a.caller, a.target) < std::make_pair(b.caller, b.target);
  });
  for (auto& e : r.edges) {
    std::stable_sort(e.events.begin(), e.events.end(),
                     [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
  }
  for (const auto& f : spec.faults) r.injected.push_back(v1::FromProto(f));
  r.agent_of = spec.agent_of;
  for (const auto& g : spec.groups) r.resilience.push_back(v1::FromProto(g.resilience()));
  r.all_ns.Merge(r.read_ns);
  r.all_ns.Merge(r.write_ns);
  MergeHostsAndClock(r, agents, duration_s);
  // Rates are over the window that was measured: a run cut short by Ctrl-C or a lost agent
  // divides by the seconds it ran, not the seconds it was asked for.
  // The counted window excludes the warm-up; throughput is what completed inside it.
  const double warmup = std::clamp(spec.workload.warmup_s(), 0.0, duration_s);
  r.warmup_s = warmup;
  const double counted_s = duration_s - warmup;
  const double t = std::max(counted_s, 1e-9);
  r.achieved_rps = counted_s > 0 ? r.completed_in_window / t : 0;
  r.arrived_rps = counted_s > 0 ? r.offered / t : 0;
  window_s = std::max(1e-9, window_s - warmup);
  // The design's error rate: requests it rejected or failed among those it answered. What the
  // harness lost or never sent (the in-flight cap) is not the design's, and is a harness fault.
  const uint64_t answered = r.ok + r.errors;
  r.error_rate = answered > 0 ? static_cast<double>(r.errors) / answered : 0;
  // A hung instance's callers without a timeout never hear back: with faults injected, what was
  // sent and never answered is the design's loss too (without faults the drain waits for all).
  if (!r.injected.empty()) {
    const uint64_t ended = r.ok + r.errors + r.harness_errors;
    r.unanswered = r.sent > ended ? r.sent - ended : 0;
  }
  for (auto& g : r.groups) {
    g.rps = g.received / t;
    // Service time is counted when it ends, some of it during the drain after the load window.
    g.utilization = static_cast<double>(g.busy_ns) / (1e9 * window_s * g.count * g.concurrency);
    if (g.hits + g.misses > 0) g.hit_ratio = static_cast<double>(g.hits) / (g.hits + g.misses);
  }
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    std::map<int, uint64_t> calls = r.groups[g].calls_to;  // what was used ...
    std::set<int> wired(spec.groups[g].downstream().begin(), spec.groups[g].downstream().end());
    for (int d : wired) calls.emplace(d, 0);  // ... and what was drawn but carried nothing
    const auto& local = r.groups[g].in_process_to;
    for (const auto& [to, n] : calls) {
      const auto in = local.find(to);
      r.calls.push_back({static_cast<int>(g), to, n, n / t, wired.count(to) > 0,
                         in == local.end() ? 0 : in->second});
    }
  }
  if (!r.complete) {
    std::string missing;
    for (const auto& a : r.harness.fleet) {
      if (!a.finished) missing += (missing.empty() ? "" : ", ") + a.id;
    }
    r.warnings.push_back("no final stats from " + missing +
                         ": their figures are their last report (at most a second old)");
  }
  // A harness that fell behind measures itself: say so beside the verdict.
  auto warn_if_late = [&r](const stats::Histogram& h, const char* what, const char* advice) {
    constexpr double kHarnessSlackNs = 1e6;
    if (h.Count() == 0 || h.ValueAtPercentile(99) <= kHarnessSlackNs) return;
    char buf[200];
    std::snprintf(buf, sizeof buf, "%sp99 %.1f ms): %s", what, h.ValueAtPercentile(99) / 1e6,
                  advice);
    r.warnings.push_back(buf);
  };
  warn_if_late(r.harness.send_lag_ns, "load generators fell behind their schedule (send lag ",
               "latencies still count from the intended times, but use more agents or cores");
  warn_if_late(r.harness.lateness_ns, "emulated service times ended late (",
               "the agents' CPUs were busy; use more agents or cores");
  return r;
}

std::vector<Verdict> Targets(const spec::Problem& problem, const planner::Plan& prediction,
                             double offered_rps) {
  std::vector<Verdict> out;
  for (const auto& n : problem.nfrs) {
    if (n.kind != spec::NfrKind::kLatency) continue;
    const bool async = n.name != "Latency";
    for (const auto& t : n.latency) {
      Verdict v;
      v.raw = n.raw;
      v.kind = async ? "async" : "latency";
      v.percentile = t.percentile;
      v.unit = "ms";
      v.target = t.ms;
      v.name = "P" + spec::FormatNumber(t.percentile) + (async ? " async" : " latency") +
               (t.label.empty() ? "" : " (" + t.label + ")");
      if (!async) {
        v.request_class = spec::RequestClassForLabel(t.label);
        for (const auto& p : prediction.nfrs) {
          if (p.unit == "ms" && p.target == t.ms && p.name == v.name) v.boe = p.predicted;
        }
      }
      out.push_back(std::move(v));
    }
  }
  Verdict tput;
  tput.name = "throughput";
  tput.kind = "throughput";
  tput.raw = "offered " + spec::FormatNumber(std::round(offered_rps)) + " req/s";
  tput.unit = "req/s";
  tput.target = offered_rps;
  tput.boe = std::min(prediction.max_throughput_rps, offered_rps);
  out.push_back(tput);
  for (const auto& n : problem.nfrs) {
    if (n.kind != spec::NfrKind::kAvailability || !n.availability) continue;
    Verdict v;
    v.name = "availability";
    v.kind = "availability";
    v.raw = n.raw;
    v.unit = "fraction";
    v.target = *n.availability;
    v.boe = prediction.max_throughput_rps >= offered_rps
                ? 1.0
                : prediction.max_throughput_rps / offered_rps;
    out.push_back(v);
    break;
  }
  return out;
}

double FaultsAvailability(const RunResult& r) {
  double a = 1;
  for (const auto& f : r.faults) a *= f.predicted.availability.value_or(1);
  return a;
}

void Judge(RunResult& r, const spec::Problem& problem, const planner::Plan& prediction) {
  for (auto& v : Targets(problem, prediction, r.offered_rps)) {
    if (v.kind == "availability" && v.boe) *v.boe *= FaultsAvailability(r);
    if (v.kind == "async") {
      // Publish -> processed at the consumers.
      stats::Histogram h;
      for (const auto& g : r.groups) h.Merge(g.async_ns);
      if (h.Count() == 0) continue;  // no broker path in this design: nothing to judge
      v.measured = h.ValueAtPercentile(v.percentile) / 1e6;
      v.pass = *v.measured <= v.target;
    } else if (v.kind == "latency") {
      const stats::Histogram* h = &r.all_ns;
      if (v.request_class == "read" && r.read_ns.Count() > 0) h = &r.read_ns;
      if (v.request_class == "write" && r.write_ns.Count() > 0) h = &r.write_ns;
      if (h->Count() > 0) v.measured = h->ValueAtPercentile(v.percentile) / 1e6;
      v.pass = v.measured && *v.measured <= v.target;
      if (!v.measured) v.note = "no request of this class was answered";
    } else if (v.kind == "throughput") {
      v.measured = r.achieved_rps;
      v.pass =
          r.duration_s > 0 && r.achieved_rps >= 0.95 * ThroughputDemand(r) && r.error_rate <= 0.01;
      if (r.ok == 0) v.note = "no request was answered";
    } else if (v.kind == "availability") {
      if (r.ok + r.errors == 0) {
        // Nothing answered is not "no errors": availability is undefined, and fails.
        v.note = "no request was answered: availability is undefined";
      } else {
        // Successful over offered: requests never answered count against it too.
        v.measured =
            static_cast<double>(r.ok) / static_cast<double>(r.ok + r.errors + r.unanswered);
      }
      v.pass = v.measured && *v.measured >= v.target;
    }
    r.nfrs.push_back(std::move(v));
  }
  AttachConfidence(r);

  // A stalled agent's instances answered nobody: whatever saturated then is the harness's doing.
  if (!r.harness.stalls.empty()) {
    const auto& s = r.harness.stalls.front();
    r.bottleneck = "the harness (" + s.agent + ")";
    r.bottleneck_reason = "stalled for " + FormatSeconds(s.to_s - s.from_s) +
                          ", so the design's limits were not what was measured";
    return;
  }
  // Bottleneck: where requests were turned away, else the busiest group.
  const GroupResult* worst = nullptr;
  for (const auto& g : r.groups) {
    if (g.rejected > 0 && (!worst || g.rejected > worst->rejected)) worst = &g;
  }
  if (worst) {
    r.bottleneck = worst->name;
    r.bottleneck_reason = std::to_string(worst->rejected) + " requests rejected (queue full)";
    return;
  }
  for (const auto& g : r.groups) {
    if (g.role != "client" && (!worst || g.utilization > worst->utilization)) worst = &g;
  }
  if (worst) {
    r.bottleneck = worst->name;
    char buf[64];
    std::snprintf(buf, sizeof buf, "highest utilisation, %.0f%%", worst->utilization * 100);
    r.bottleneck_reason = buf;
  }
}

void NoteHarnessFaults(RunResult& r) {
  for (const auto& s : r.harness.stalls) {
    r.harness_faults.push_back(
        s.agent + " stalled for " + FormatSeconds(s.to_s - s.from_s) + " (silent from " +
        FormatSeconds(s.from_s) + " to " + FormatSeconds(s.to_s) +
        " into the load: stopped, starved of CPU or swapped out); its instances answered nobody "
        "meanwhile, so the figures measure the harness, not the design");
  }
  if (r.dropped > 0) {
    r.harness_faults.push_back(
        std::to_string(r.dropped) +
        " arrivals were never sent: the agents' cap on requests in flight was reached, so the "
        "offered rate was not offered (use --scale auto, more agents, or a lower --rate)");
  }
  const auto& lag = r.harness.send_lag_ns;
  if (lag.Count() > 0 && lag.ValueAtPercentile(99) > kFaultSendLagNs) {
    r.harness_faults.push_back(
        "the load generators fell " + FormatSeconds(lag.ValueAtPercentile(99) / 1e9) +
        " behind their schedule (p99): the agents could not offer this rate, so latencies "
        "measure the harness's backlog (use --scale auto, more agents, or a lower --rate)");
  }
  const auto& d = r.harness.data_plane;
  if (r.harness_errors > 0) {
    std::string why;
    auto add = [&why](uint64_t n, const char* what) {
      if (n > 0) why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add(d.connect_errors, "connect errors");
    add(d.accept_errors, "accept errors (descriptors?)");
    add(d.lost_connections, "connections lost");
    add(d.overflow_disconnects, "peers disconnected for not reading");
    add(d.unroutable_frames, "requests for instances not where the table said");
    r.harness_faults.push_back(std::to_string(r.harness_errors) +
                               " requests were lost by the harness, not failed by the design" +
                               (why.empty() ? "" : " (" + why + "; see the agents' stderr)"));
  } else if (d.accept_errors > 0) {
    r.harness_faults.push_back(std::to_string(d.accept_errors) +
                               " data-plane connections could not be accepted (descriptors or "
                               "memory exhausted): see the agents' stderr");
  }
  if (r.harness.control_plane_refused > 0) {
    r.warnings.push_back("the control plane refused " +
                         std::to_string(r.harness.control_plane_refused) +
                         " session(s) without this run's token or agent ids; nothing they sent "
                         "was used");
  }
  if (d.refused_connections > 0 || d.InvalidFrames() > 0 || d.unexpected_frames > 0) {
    r.warnings.push_back("the data plane refused " + std::to_string(d.refused_connections) +
                         " connection(s) without the run's secret and dropped " +
                         std::to_string(d.InvalidFrames() + d.unexpected_frames) +
                         " invalid frame(s); none of them counted as the design's traffic");
  }
}

double ThroughputDemand(const RunResult& r) {
  return r.arrived_rps > 0 ? std::min(r.offered_rps, r.arrived_rps) : r.offered_rps;
}

bool AllPass(const RunResult& r) {
  if (!r.complete || !r.harness_faults.empty()) return false;
  for (const auto& v : r.nfrs) {
    if (!v.pass || v.inconclusive) return false;
  }
  return true;
}

bool Inconclusive(const RunResult& r) {
  bool undecided = false;
  for (const auto& v : r.nfrs) {
    if (v.inconclusive) {
      undecided = true;
    } else if (!v.pass) {
      return false;  // a decided failure decides the run
    }
  }
  return undecided;
}

}  // namespace archload::run
