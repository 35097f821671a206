#include "controller/run/runner.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "common/sys/cpu.h"
#include "controller/run/control_server.h"
#include "controller/run/local_launcher.h"

namespace archload::run {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool AllConnected(const std::vector<AgentState>& a, size_t n) {
  if (a.size() < n) return false;
  for (const auto& s : a) {
    if (!s.connected) return false;
  }
  return true;
}

void ProgressLine(std::ostream& out, const RunSpec& spec, const std::vector<AgentState>& agents,
                  double elapsed, double total, uint64_t& last_offered, uint64_t& last_ok,
                  double& last_t, bool tty) {
  uint64_t offered = 0, ok = 0, errors = 0;
  stats::Histogram all;
  for (const auto& a : agents) {
    const auto& c = a.latest.client();
    offered += c.offered();
    ok += c.ok();
    errors += c.errors() + c.dropped();
    if (auto h = stats::Histogram::Deserialize(c.read_latency_ns())) all.Merge(*h);
    if (auto h = stats::Histogram::Deserialize(c.write_latency_ns())) all.Merge(*h);
  }
  const double dt = std::max(1e-3, elapsed - last_t);
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "[%5.1f/%.0fs] offered %7.0f req/s  achieved %7.0f req/s  p99 %7.1f ms  errors %llu", elapsed,
      total, (offered - last_offered) / dt, (ok - last_ok) / dt,
      all.Count() ? all.ValueAtPercentile(99) / 1e6 : 0.0, static_cast<unsigned long long>(errors));
  (void)spec;
  out << (tty ? "\r" : "") << buf << (tty ? "" : "\n") << std::flush;
  last_offered = offered;
  last_ok = ok;
  last_t = elapsed;
}

}  // namespace

RunResult Run(const spec::Problem& problem, const planner::Plan& plan, const RunnerOptions& o,
              std::ostream& progress) {
  const int agents =
      o.agents > 0 ? o.agents : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const RunSpec spec = BuildRunSpec(plan, o.run, agents);

  const auto launched = Clock::now();
  const double cpu_at_launch = sys::ProcessCpuNs() / 1e9;
  ControlServer server;
  const std::string address = server.Start("127.0.0.1");
  LocalLauncher launcher(o.agent_binary.empty() ? LocalLauncher::DefaultAgentBinary()
                                                : o.agent_binary);
  launcher.Launch(agents, address, o.run.seed);

  auto fail = [&](const std::string& why) {
    server.Shutdown();
    launcher.Stop(500);
    throw std::runtime_error(why);
  };
  if (!server.WaitFor([&](const auto& a) { return a.size() >= static_cast<size_t>(agents); },
                      milliseconds(15000))) {
    fail("only " + std::to_string(server.Snapshot().size()) + " of " + std::to_string(agents) +
         " agents connected within 15 s");
  }
  for (int i = 0; i < agents; ++i) {
    v1::ControllerMessage m;
    auto* a = m.mutable_assignment();
    a->set_run_id(problem.id);
    for (const auto& g : spec.groups) *a->add_groups() = g;
    for (const auto& ref : spec.placement[i]) *a->add_instances() = ref;
    *a->mutable_workload() = spec.workload;
    a->set_stats_interval_s(1.0);
    a->set_timer_spin_us(o.run.timer_spin_us);
    if (!server.Send(i, m)) fail("agent " + std::to_string(i) + " went away before its assignment");
  }
  if (!server.WaitFor(
          [&](const auto& a) {
            for (const auto& s : a) {
              if (!s.ready && s.connected) return false;
            }
            return AllConnected(a, agents);
          },
          milliseconds(30000))) {
    fail("agents did not report ready within 30 s");
  }
  const double startup_s = std::chrono::duration<double>(Clock::now() - launched).count();
  v1::ControllerMessage start;
  for (const auto& a : server.Snapshot()) {
    for (const auto& ep : a.endpoints) *start.mutable_start()->add_endpoints() = ep;
  }
  start.mutable_start()->set_delay_ms(200);  // every agent has the table before load begins
  server.SendAll(start);

  const auto t0 = Clock::now() + milliseconds(200);
  const double total = o.run.duration_s;
  const bool tty = isatty(fileno(stderr)) && &progress == &std::cerr;
  uint64_t last_offered = 0, last_ok = 0;
  double last_t = 0;
  bool lost = false;
  for (int tick = 1;; ++tick) {
    const auto wake = t0 + milliseconds(1000 * tick);
    const auto end = t0 + milliseconds(static_cast<int64_t>(total * 1000));
    std::this_thread::sleep_until(std::min(wake, end));
    const auto snap = server.Snapshot();
    if (!AllConnected(snap, agents)) {
      lost = true;
      break;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    if (o.progress) {
      ProgressLine(progress, spec, snap, std::min(elapsed, total), total, last_offered, last_ok,
                   last_t, tty);
    }
    if (Clock::now() >= end) break;
  }
  if (o.progress && tty) progress << "\n";

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
  const double wall_s = std::chrono::duration<double>(Clock::now() - launched).count();
  const double controller_cpu_s = sys::ProcessCpuNs() / 1e9 - cpu_at_launch;
  server.Shutdown();
  launcher.Stop();

  RunResult result = MergeResults(spec, agents_state, total);
  result.harness.startup_s = startup_s;
  result.harness.wall_s = wall_s;
  result.harness.controller_cpu_s = controller_cpu_s;
  result.problem = problem.id;
  if (lost) result.warnings.push_back("an agent disconnected during the run: figures are partial");
  return result;
}

}  // namespace archload::run
