// Load generator: the highest open-loop rate one core sustains with the requests answered within
// 1% of those offered, and how true the pacing is. One client instance (the archload load
// generator, evenly spaced arrivals) runs alone on one CPU against one sink instance (no
// emulated service time) on the other. Each trial runs --seconds at a fixed rate; the search
// doubles the rate until a trial misses, then bisects.
//
//   loadgen_rate [--seconds S] [--start RPS] [--max RPS] [--at RPS] [--client-cpu C] [--sink-cpu C]
//
// --at: one more trial at this rate (default 150k) for the pacing error at an ordinary rate.
//
// Prints one `trial` line per rate to stderr and key=value lines to stdout.

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "bench/bench_fleet.h"
#include "bench/flags.h"

namespace {

using namespace archload;

struct Trial {
  double offered_rps = 0;
  double achieved_rps = 0;
  double client_cpu_us_per_req = 0;
  double lag_p50_us = 0, lag_p99_us = 0, lag_max_us = 0;
  uint64_t errors = 0;
  bool pass = false;
};

Trial RunTrial(double rate, double seconds, int client_cpu, int sink_cpu) {
  const auto fleet = bench::MakeAssignment(
      {
          {"client", v1::ROLE_CLIENT, 1, 1, 0, {1}, rate},
          {"sink", v1::ROLE_SERVICE, 1, 1000000, 0, {}, 0},
      },
      seconds);
  bench::Host sink(fleet, {{1, 0}}, sink_cpu);
  bench::Host client(fleet, {{0, 0}}, client_cpu);
  const int64_t cpu0 = client.runtime().IoThreadCpuNs();
  bench::StartAll({&sink, &client}, 100);
  bench::SleepS(0.1 + seconds);
  client.runtime().StopLoad();
  bench::Drain({&client}, 5);
  const int64_t cpu1 = client.runtime().IoThreadCpuNs();
  const auto s = client.runtime().Snapshot(true);
  const auto& c = s.client();
  uint64_t sink_received = 0;
  const auto sink_stats = sink.runtime().Snapshot(true);
  for (const auto& g : sink_stats.groups()) sink_received += g.received();
  Trial t;
  t.offered_rps = rate;
  t.achieved_rps = c.ok() / seconds;
  t.errors = c.errors() + c.dropped();
  t.client_cpu_us_per_req = c.sent() ? (cpu1 - cpu0) / 1e3 / c.sent() : 0;
  const auto lag = bench::HistogramOf(c.send_lag_ns());
  if (lag.Count()) {
    t.lag_p50_us = lag.ValueAtPercentile(50) / 1e3;
    t.lag_p99_us = lag.ValueAtPercentile(99) / 1e3;
  }
  t.lag_max_us = c.max_send_lag_ns() / 1e3;
  // Within 1%: answered, nothing lost, and the schedule kept: a generator that falls behind
  // sends its backlog late in bursts (P99 send lag ≥ 1 ms) and the last of it not at all.
  t.pass = t.errors == 0 && t.achieved_rps >= 0.99 * rate && sink_received >= c.ok() &&
           t.lag_p99_us < 1000;
  std::fprintf(stderr,
               "trial offered %8.0f achieved %8.0f (%.2f%%) errors %llu client %.2f us/req "
               "lag p50 %.1f p99 %.1f max %.0f us sink %llu %s\n",
               rate, t.achieved_rps, 100.0 * t.achieved_rps / rate,
               static_cast<unsigned long long>(t.errors), t.client_cpu_us_per_req, t.lag_p50_us,
               t.lag_p99_us, t.lag_max_us, static_cast<unsigned long long>(sink_received),
               t.pass ? "pass" : "miss");
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Flags flags(argc, argv,
                           {{"--seconds", 3},
                            {"--start", 50000},
                            {"--max", 2000000},
                            {"--at", 150000},
                            {"--client-cpu", 0},
                            {"--sink-cpu", 1}});
  const double seconds = flags.Get("--seconds"), start = flags.Get("--start");
  const double max_rate = flags.Get("--max"), at = flags.Get("--at");
  const int client_cpu = flags.GetInt("--client-cpu"), sink_cpu = flags.GetInt("--sink-cpu");
  Trial best;
  double lo = 0, hi = 0;
  for (double rate = start; rate <= max_rate; rate *= 2) {
    const Trial t = RunTrial(rate, seconds, client_cpu, sink_cpu);
    if (!t.pass) {
      hi = rate;
      break;
    }
    best = t;
    lo = rate;
  }
  // Bisect to within ~6% of the edge.
  for (int i = 0; i < 4 && lo > 0 && hi > 0; ++i) {
    const double mid = (lo + hi) / 2;
    const Trial t = RunTrial(mid, seconds, client_cpu, sink_cpu);
    if (t.pass) {
      best = t;
      lo = mid;
    } else {
      hi = mid;
    }
  }
  // Pacing at a fixed, ordinary rate too: the search's last pass sits at the edge by design.
  const Trial fixed = RunTrial(at, seconds, client_cpu, sink_cpu);
  std::printf("loadgen_at_rps=%.0f\n", at);
  std::printf("loadgen_at_lag_p50_us=%.1f\n", fixed.lag_p50_us);
  std::printf("loadgen_at_lag_p99_us=%.1f\n", fixed.lag_p99_us);
  std::printf("loadgen_max_rps=%.0f\n", best.offered_rps);
  std::printf("loadgen_achieved_rps=%.0f\n", best.achieved_rps);
  std::printf("loadgen_cpu_us_per_req=%.2f\n", best.client_cpu_us_per_req);
  std::printf("loadgen_lag_p50_us=%.1f\n", best.lag_p50_us);
  std::printf("loadgen_lag_p99_us=%.1f\n", best.lag_p99_us);
  std::printf("loadgen_lag_max_us=%.0f\n", best.lag_max_us);
  return best.offered_rps > 0 ? 0 : 1;
}
