#include "controller/run/runner.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <thread>

#include "agents/net/address_policy.h"
#include "common/security/secret.h"
#include "common/sys/cpu.h"
#include "common/version/version.h"
#include "controller/run/control_server.h"
#include "controller/run/local_launcher.h"
#include "controller/run/progress.h"
#include "controller/run/stall_detector.h"

namespace archload::run {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kMaxControlMessageBytes = 64u << 20;  // as agents/control/session.h

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

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

class FleetSession {
 public:
  FleetSession(const RunSpec& spec, const RunnerOptions& o)
      : spec_(spec),
        o_(o),
        token_(security::Hex(security::RandomBytes(32))),
        secret_(security::RandomBytes(32)),
        server_(MakeAuth()),
        launcher_(o.agent_binary.empty() ? LocalLauncher::DefaultAgentBinary() : o.agent_binary) {}

  ~FleetSession() {
    server_.Shutdown();
    launcher_.Stop(500);
  }

  ControlServer& server() { return server_; }
  LocalLauncher& launcher() { return launcher_; }
  const std::string& address() const { return address_; }
  const std::string& secret() const { return secret_; }

  void Launch() {
    address_ = server_.Start("127.0.0.1");
    launcher_.Launch({spec_.agents, address_, token_, o_.run.seed});
  }

  bool Interrupted() const { return o_.interrupt && o_.interrupt->load() != 0; }

  // Waits for pred in short slices, so Ctrl-C and agents that die are noticed at once.
  bool Wait(const std::function<bool(const std::vector<AgentState>&)>& pred, milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
      if (server_.WaitFor(pred, milliseconds(100))) return true;
      if (Interrupted()) throw std::runtime_error("interrupted before the load started");
      if (launcher_.Exited().size() == static_cast<size_t>(spec_.agents)) return false;
    }
    return server_.WaitFor(pred, milliseconds(0));
  }

  // Who is missing and why, for an error message.
  std::string Missing(const std::function<bool(const AgentState&)>& ok) {
    std::map<std::string, std::string> exits;
    for (const auto& e : launcher_.Exited()) exits[e.id] = e.how;
    std::map<std::string, const AgentState*> by_id;
    const auto snap = server_.Snapshot();
    for (const auto& a : snap) by_id[a.id] = &a;
    std::string out;
    for (int i = 0; i < spec_.agents; ++i) {
      const std::string id = "agent-" + std::to_string(i);
      auto it = by_id.find(id);
      if (it != by_id.end() && ok(*it->second)) continue;
      std::string why = it == by_id.end() ? "never connected" : "not ready";
      if (it != by_id.end() && !it->second->goodbye.empty()) why = it->second->goodbye;
      if (exits.count(id)) why += ", " + exits[id];
      out += (out.empty() ? "" : "; ") + id + ": " + why;
    }
    if (server_.refused() > 0) {
      out += "; the control plane refused " + std::to_string(server_.refused()) + " session(s)";
    }
    return out;
  }

 private:
  ControlAuth MakeAuth() const {
    ControlAuth a;
    a.token = token_;
    for (int i = 0; i < spec_.agents; ++i) a.expected_ids.insert("agent-" + std::to_string(i));
    a.max_agents = static_cast<size_t>(spec_.agents);
    a.version = kVersion;
    return a;
  }

  const RunSpec& spec_;
  const RunnerOptions& o_;
  std::string token_;
  std::string secret_;
  ControlServer server_;
  LocalLauncher launcher_;
  std::string address_;
};

bool AllConnected(const std::vector<AgentState>& a, size_t n) {
  if (a.size() < n) return false;
  for (const auto& s : a) {
    if (!s.connected) return false;
  }
  return true;
}

std::string FleetLine(const std::string& control, const std::vector<AgentState>& agents) {
  std::string line = "fleet: control plane " + control;
  for (const auto& a : agents) {
    line += "; " + a.id;
    if (a.ready_msg.has_listener()) {
      line +=
          " " + a.ready_msg.listener().host() + ":" + std::to_string(a.ready_msg.listener().port());
    }
    line += " (" + std::to_string(a.ready_msg.instances()) + " instances)";
  }
  return line;
}

}  // namespace

RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& o,
              std::ostream& progress) {
  const int agents =
      o.agents > 0 ? o.agents : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const RunSpec spec = BuildRunSpec(plan, o.run, agents);
  CheckFleetSize(spec);

  const auto launched = Clock::now();
  const double cpu_at_launch = sys::ProcessCpuNs() / 1e9;
  FleetSession fleet(spec, o);
  fleet.Launch();
  auto& server = fleet.server();

  auto fail = [&](const std::string& why) { throw std::runtime_error(why); };
  if (!fleet.Wait([&](const auto& a) { return a.size() >= static_cast<size_t>(agents); },
                  milliseconds(15000))) {
    fail("agents did not connect within 15 s: " +
         fleet.Missing([](const AgentState&) { return true; }));
  }
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
    a->set_data_secret(fleet.secret());
    CheckSize(m, "the assignment for agent-" + std::to_string(i));
    if (!server.Send(i, m)) fail("agent " + std::to_string(i) + " went away before its assignment");
  }
  // Bigger fleets take longer to build: ~0.15 s per 10,000 instances per agent, with room.
  size_t instances = 0;
  for (const auto& g : spec.groups) instances += static_cast<size_t>(g.count());
  const auto ready_timeout = milliseconds(30000 + static_cast<int64_t>(instances / agents / 20));
  if (!fleet.Wait(
          [&](const auto& a) {
            for (const auto& s : a) {
              if (!s.goodbye.empty() || !s.connected) return true;  // fail fast, with its reason
              if (!s.ready) return false;
            }
            return true;
          },
          ready_timeout) ||
      !AllConnected(server.Snapshot(), agents)) {
    fail("agents did not become ready: " +
         fleet.Missing([](const AgentState& s) { return s.ready && s.connected; }));
  }
  // An agent may only advertise a listener where this run's agents can be: loopback.
  const agent::AddressPolicy loopback;
  v1::ControllerMessage start;
  for (const auto& a : server.Snapshot()) {
    auto* addr = start.mutable_start()->add_agents();
    if (!a.ready_msg.has_listener()) continue;
    if (!loopback.AllowsHost(a.ready_msg.listener().host())) {
      fail(a.id + " advertised a listener at " + a.ready_msg.listener().host() +
           ", outside this local run's loopback addresses");
    }
    *addr = a.ready_msg.listener();
  }
  FillPlacement(spec, start.mutable_start());
  start.mutable_start()->set_delay_ms(200);  // every agent has the table before load begins
  CheckSize(start, "the start message");
  const double startup_s = Seconds(Clock::now() - launched);
  progress << FleetLine(fleet.address(), server.Snapshot()) << "\n";
  if (o.observer) {
    o.observer->OnReady(spec, server.Snapshot());
    fleet.Wait([&](const auto& a) { return o.observer->ReadyForLoad(a); }, o.observer->HoldLimit());
  }
  server.SendAll(start);

  const auto t0 = Clock::now() + milliseconds(200);
  const double total = o.run.duration_s;
  const auto end = t0 + milliseconds(static_cast<int64_t>(total * 1000));
  Progress meter(progress, total, isatty(fileno(stderr)) && &progress == &std::cerr);
  StallDetector stalls;
  std::string lost_reason;
  int signal = 0;
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
    if (o.interrupt && (signal = o.interrupt->load()) != 0) break;
    if (!AllConnected(snap, agents)) {
      lost_reason = fleet.Missing([](const AgentState& s) { return s.connected; });
      break;
    }
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
  if (o.observer) o.observer->OnCollected(measured_s, agents_state);
  const double wall_s = Seconds(Clock::now() - launched);
  const double controller_cpu_s = sys::ProcessCpuNs() / 1e9 - cpu_at_launch;
  const uint64_t refused = server.refused();
  server.Shutdown();
  // Agents that were scraped linger until Prometheus has their final figures.
  fleet.launcher().Stop(3000 + static_cast<int>(o.metrics.linger_s() * 1000));

  RunResult result = MergeResults(spec, agents_state, measured_s);
  result.problem = problem.id;
  result.planned_s = total;
  result.harness.startup_s = startup_s;
  result.harness.wall_s = wall_s;
  result.harness.controller_cpu_s = controller_cpu_s;
  result.harness.control_plane_refused = refused;
  for (const auto& s : stalls.stalls()) {
    result.harness.stalls.push_back({agents_state[s.agent].id, s.from_s, s.to_s});
  }
  if (signal != 0) {
    result.complete = false;
    result.incomplete_reason = std::string("interrupted by ") +
                               (signal == SIGINT ? "SIGINT (Ctrl-C)" : "SIGTERM") + " after " +
                               FormatSeconds(measured_s) + " of " + FormatSeconds(total);
    result.interrupted_by = signal;
  } else if (!lost_reason.empty()) {
    result.complete = false;
    result.incomplete_reason = "agent lost after " + FormatSeconds(measured_s) + " of " +
                               FormatSeconds(total) + ": " + lost_reason;
  }
  NoteHarnessFaults(result);
  return result;
}

}  // namespace archload::run
