#include "controller/run/runner.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

#include "agents/net/address_policy.h"
#include "common/sys/cpu.h"
#include "controller/run/fleet_session.h"
#include "controller/run/http_proxies.h"
#include "controller/run/placement.h"
#include "controller/run/progress.h"
#include "controller/run/series_recorder.h"
#include "controller/run/stall_detector.h"

namespace archload::run {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kMaxControlMessageBytes = 64u << 20;  // as agents/control/session.h

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

milliseconds Ms(double s) { return milliseconds(static_cast<int64_t>(s * 1000)); }

std::string Mb(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

// A control message over gRPC's limit would be dropped by the transport with a reason nobody
// sees: refuse it here, before any load, naming the limit.
void CheckSize(const google::protobuf::Message& m, const std::string& what) {
  const size_t size = m.ByteSizeLong();
  if (size > kMaxControlMessageBytes) {
    throw std::runtime_error(what + " is " + Mb(size) + ", over the control plane's limit of " +
                             std::to_string(kMaxControlMessageBytes >> 20) +
                             " MiB: run at a smaller --scale or with more --agents");
  }
}

bool AllUp(const std::vector<AgentState>& a, size_t n) {
  if (a.size() < n) return false;
  for (const auto& s : a) {
    if (!s.connected || !s.lost.empty()) return false;
  }
  return true;
}

std::string FleetLine(const std::string& control, const std::vector<AgentState>& agents,
                      bool local) {
  std::string line = "fleet: control plane " + control;
  for (const auto& a : agents) {
    line += "; " + a.id;
    if (a.ready_msg.has_listener()) {
      line +=
          " " + a.ready_msg.listener().host() + ":" + std::to_string(a.ready_msg.listener().port());
    }
    line += " (" + std::to_string(a.ready_msg.instances()) + " instances" +
            (local ? "" : ", host " + a.hostname) + ")";
  }
  return line;
}

// Only where this run's agents can be: loopback for local runs, the declared hosts otherwise.
void CheckListeners(FleetSession& fleet, const std::vector<AgentState>& agents) {
  if (fleet.hosts().hosts.empty() && !fleet.local()) return;  // --wait-agents: theirs to police
  std::string list = "loopback";
  if (!fleet.local()) {
    list.clear();
    for (const auto& h : fleet.hosts().hosts) list += (list.empty() ? "" : ",") + h.address;
  }
  const auto allowed = agent::AddressPolicy::Parse(list);
  for (const auto& a : agents) {
    if (!a.ready_msg.has_listener()) continue;
    if (!allowed.AllowsHost(a.ready_msg.listener().host())) {
      throw std::runtime_error(a.id + " advertised a listener at " + a.ready_msg.listener().host() +
                               ", outside this run's addresses (" + allowed.Describe() + ")");
    }
  }
}

std::vector<AgentSlot> Slots(FleetSession& fleet, const std::vector<AgentState>& agents) {
  std::vector<AgentSlot> slots;
  for (const auto& a : agents) {
    AgentSlot s{a.id, a.hostname, std::max(1, a.cores)};
    for (const auto& h : fleet.hosts().hosts) {
      if (a.id == h.name || a.id.rfind(h.name + "-", 0) == 0) {
        s.host = h.name;
        if (h.cores > 0) s.cores = std::max(1, h.cores / h.agents);
      }
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

}  // namespace

RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& o,
              std::ostream& progress) {
  FleetOptions fo;
  fo.agents =
      o.agents > 0 ? o.agents : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  fo.agent_binary = o.agent_binary;
  fo.hosts_file = o.hosts_file;
  fo.wait_agents = o.wait_agents;
  fo.listen = o.listen;
  fo.advertise = o.advertise;
  fo.token = o.token;
  fo.tls = o.tls;
  fo.lease_timeout_s = o.lease_timeout_s;
  fo.seed = o.run.seed;
  fo.run_id = problem.id;
  fo.interrupt = o.interrupt;
  FleetSession fleet(fo);
  const int agents = fleet.expected();
  RunSpec spec = BuildRunSpec(plan, o.run, agents);
  CheckFleetSize(spec);

  const auto launched = Clock::now();
  const double cpu_at_launch = sys::ProcessCpuNs() / 1e9;
  fleet.Launch();
  auto& server = fleet.server();
  auto fail = [&](const std::string& why) { throw std::runtime_error(why); };
  const double connect_s = fleet.local() ? std::min(15.0, o.ready_timeout_s) : o.ready_timeout_s;
  if (!fleet.Wait([&](const auto& a) { return a.size() >= static_cast<size_t>(agents); },
                  Ms(connect_s))) {
    fail("agents did not connect within " + FormatSeconds(connect_s) + ": " +
         fleet.Missing([](const AgentState&) { return true; }));
  }
  // Placement needs to know who came: their hosts and cores.
  const auto admitted = server.Snapshot();
  spec.agent_of = Place(spec.groups, Slots(fleet, admitted),
                        o.run.event_loop != "asio" && !o.run.force_sockets);
  for (int i = 0; i < agents; ++i) {
    v1::ControllerMessage m;
    auto* a = m.mutable_assignment();
    a->set_run_id(o.run_id.empty() ? problem.id : o.run_id);
    *a->mutable_metrics() = o.metrics;
    for (const auto& g : spec.groups) *a->add_groups() = g;
    for (auto& h : HostedBy(spec, i)) *a->add_hosted() = std::move(h);
    *a->mutable_workload() = spec.workload;
    a->set_stats_interval_s(1.0);
    a->set_timer_spin_us(o.run.timer_spin_us);
    a->set_event_loop(o.run.event_loop);
    a->set_force_sockets(o.run.force_sockets);
    a->set_data_secret(spec.data_secret);
    for (const auto& f : spec.faults) *a->add_faults() = f;
    CheckSize(m, "the assignment for " + admitted[i].id);
    if (!server.Send(i, m)) fail(admitted[i].id + " went away before its assignment");
  }
  // Bigger fleets take longer to build: ~0.15 s per 10,000 instances per agent, with room.
  size_t instances = 0;
  for (const auto& g : spec.groups) instances += static_cast<size_t>(g.count());
  const auto ready_timeout = Ms(o.ready_timeout_s) + milliseconds(instances / agents / 20);
  if (!fleet.Wait(
          [&](const auto& a) {
            for (const auto& s : a) {
              if (!s.goodbye.empty() || !s.connected) return true;  // fail fast, with its reason
              if (!s.ready) return false;
            }
            return true;
          },
          ready_timeout) ||
      !AllUp(server.Snapshot(), agents)) {
    fail("agents did not become ready within " + FormatSeconds(Seconds(ready_timeout)) + ": " +
         fleet.Missing([](const AgentState& s) { return s.ready && s.connected; }));
  }
  CheckListeners(fleet, server.Snapshot());
  // Real HTTP proxies start once the instances behind them take HTTP (docs/backends.md).
  RealProxies proxies(spec, server.Snapshot());
  if (o.observer) {
    // Before the start instant is chosen: holding the load (until Prometheus has scraped every
    // target once) must not eat the lead every agent needs to receive Start.
    o.observer->OnReady(spec, server.Snapshot());
    fleet.Wait([&](const auto& a) { return o.observer->ReadyForLoad(a); }, o.observer->HoldLimit());
  }
  const auto ready = server.Snapshot();
  // One start instant on the controller's clock; each agent maps it onto its own.
  int64_t max_rtt = 0;
  for (const auto& a : ready) max_rtt = std::max(max_rtt, a.ready_msg.clock().rtt_ns());
  const int64_t lead_ns = std::max<int64_t>(fleet.local() ? 200'000'000 : 500'000'000, 4 * max_rtt);
  v1::Start start;
  for (const auto& a : ready) {
    *start.add_agents() = a.ready_msg.listener();
    start.add_agent_hosts(a.hostname);
  }
  FillPlacement(spec, &start);
  proxies.FillStart(&start);
  start.set_prefer_local(o.prefer_local);
  const int64_t start_at = ControlServer::NowNs() + lead_ns;
  start.set_start_at_ns(start_at);
  start.set_delay_ms(lead_ns / 1000000);
  CheckSize(start, "the start message");
  const double startup_s = Seconds(Clock::now() - launched);
  progress << FleetLine(fleet.address(), ready, fleet.local()) << "\n";
  for (const auto& line : proxies.Describe()) progress << "real proxy: " << line << "\n";
  for (int i = 0; i < agents; ++i) {
    v1::ControllerMessage m;
    *m.mutable_start() = start;
    m.mutable_start()->set_agent_index(i);
    server.Send(i, m);
  }

  const auto t0 = Clock::now() + std::chrono::nanoseconds(start_at - ControlServer::NowNs());
  const double total = o.run.duration_s;
  const auto end = t0 + Ms(total);
  Progress meter(progress, total, isatty(fileno(stderr)) && &progress == &std::cerr);
  StallDetector stalls(std::min(2.5, 0.8 * o.lease_timeout_s));
  SeriesRecorder series(spec, total);
  std::vector<LostAgent> lost;
  int signal = 0;
  size_t windows_checked = 0;
  int decided_in_row = 0;
  double decided_at_s = 0;
  auto next_progress = t0 + milliseconds(1000);
  for (;;) {
    std::this_thread::sleep_until(std::min({Clock::now() + milliseconds(50), end}));
    const auto now = Clock::now();
    const auto snap = server.Snapshot();
    std::vector<double> heard;
    // Agents say nothing between Ready and Start (a hold for Prometheus can take seconds):
    // silence counts from the load's start.
    for (const auto& a : snap) heard.push_back(Seconds(std::max(a.last_heard, t0) - t0));
    if (now > t0) stalls.Observe(Seconds(now - t0), heard);
    if (now > t0) series.Observe(snap);
    if (o.decided && series.windows() != windows_checked &&
        Seconds(now - t0) >= o.confident_from_s) {
      windows_checked = series.windows();
      double so_far = 0;
      for (const auto& a : snap) so_far = std::max(so_far, a.latest.elapsed_ns() / 1e9);
      RunResult r = MergeResults(spec, snap, std::min(so_far, total));
      r.batches = series.batches().Sections();
      decided_in_row = o.decided(r) ? decided_in_row + 1 : 0;
      if (decided_in_row >= 2) {
        decided_at_s = Seconds(now - t0);
        break;
      }
    }
    if (o.interrupt && (signal = o.interrupt->load()) != 0) break;
    bool new_loss = false;
    for (size_t i = 0; i < snap.size(); ++i) {
      const auto& a = snap[i];
      if (a.connected && a.lost.empty()) continue;
      if (std::any_of(lost.begin(), lost.end(), [&](const auto& l) { return l.id == a.id; })) {
        continue;
      }
      std::string how = !a.lost.empty() ? a.lost : "its stream broke";
      if (const auto exit = fleet.ExitOf(a.id); !exit.empty()) how += ", " + exit;
      if (!a.goodbye.empty() && a.goodbye != "collected") how += " (" + a.goodbye + ")";
      const bool injected = KilledByFault(spec, i);
      if (injected) how = "killed by an injected fault (kill_agent): " + how;
      lost.push_back(
          {a.id, std::max(0.0, Seconds(now - t0)), Seconds(now - a.last_heard), how, injected});
      new_loss = new_loss || !injected;
    }
    if (new_loss && !o.continue_on_agent_loss) break;
    if (o.observer && now > t0) o.observer->OnTick(Seconds(now - t0), snap);
    if (o.progress && now >= next_progress) {
      meter.Line(std::min(Seconds(now - t0), total), snap);
      next_progress += milliseconds(1000);
    }
    if (now >= end) break;
  }
  meter.Finish();
  const double measured_s = std::clamp(Seconds(Clock::now() - t0), 0.0, total);
  stalls.Finish(measured_s);

  v1::ControllerMessage stop;
  stop.mutable_stop()->set_drain_s(o.drain_s);
  server.SendAll(stop);
  // Phase 1: every agent stops its load and drains its own requests in flight.
  server.WaitFor(
      [&](const auto& a) {
        for (const auto& s : a) {
          if (s.connected && !(s.latest.stopped() && s.latest.in_flight() == 0)) return false;
        }
        return true;
      },
      milliseconds(static_cast<int64_t>((o.drain_s + 3) * 1000)));
  // Phase 2: nothing moves any more; collect the final figures.
  v1::ControllerMessage collect;
  collect.mutable_collect();
  server.SendAll(collect);
  server.WaitFor(
      [&](const auto& a) {
        for (const auto& s : a) {
          if (!s.finished && s.connected) return false;
        }
        return true;
      },
      milliseconds(5000));
  auto agents_state = server.Snapshot();
  const auto proxy_cpu = proxies.CpuSeconds();  // before they stop
  if (o.observer) o.observer->OnCollected(measured_s, agents_state);
  const double wall_s = Seconds(Clock::now() - launched);
  const double controller_cpu_s = sys::ProcessCpuNs() / 1e9 - cpu_at_launch;
  const uint64_t refused = server.refused();
  server.Shutdown();
  // Agents that were scraped linger until Prometheus has their final figures.
  fleet.launcher().Stop(3000 + static_cast<int>(o.metrics.linger_s() * 1000));

  RunResult result = MergeResults(spec, agents_state, measured_s);
  result.series = series.Finish(agents_state, measured_s);
  result.batches = series.batches().Sections();
  result.until_confident = static_cast<bool>(o.decided);
  result.decided_at_s = decided_at_s > 0 ? measured_s : 0;
  result.problem = problem.id;
  result.planned_s = total;
  result.harness.startup_s = startup_s;
  result.harness.wall_s = wall_s;
  result.harness.controller_cpu_s = controller_cpu_s;
  result.harness.control_plane_refused = refused;
  result.harness.lease_timeout_s = o.lease_timeout_s;
  result.harness.lost = lost;
  for (const auto& [group, cpu_s] : proxy_cpu) result.groups[group].backend_cpu_s = cpu_s;
  for (const auto& s : stalls.stalls()) {
    // A lost agent's silence is its loss, reported as such.
    const auto& id = agents_state[s.agent].id;
    if (std::any_of(lost.begin(), lost.end(), [&](const auto& l) { return l.id == id; })) continue;
    result.harness.stalls.push_back({id, s.from_s, s.to_s});
  }
  if (signal != 0) {
    result.complete = false;
    result.incomplete_reason = std::string("interrupted by ") +
                               (signal == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM") + " after " +
                               FormatSeconds(measured_s) + " of " + FormatSeconds(total);
    result.interrupted_by = signal;
  } else if (std::any_of(lost.begin(), lost.end(), [](const auto& l) { return !l.injected; })) {
    result.complete = false;
    std::string what;
    for (const auto& l : lost) {
      if (l.injected) continue;
      what += (what.empty() ? "" : "; ") + l.id + " at " + FormatSeconds(l.at_s) + ": " + l.how;
    }
    result.incomplete_reason =
        "degraded: agent lost (" + what + ")" +
        (o.continue_on_agent_loss ? "; the run went on without it"
                                  : "; the run stopped after " + FormatSeconds(measured_s) +
                                        " of " + FormatSeconds(total));
  }
  NoteHarnessFaults(result);
  return result;
}

}  // namespace archload::run
