// Timer fidelity: how late emulated service times end while 10,000 requests are in service.
// A client sends evenly spaced requests to one sink instance whose service time is fixed; with
// rate × service time = 10,000 the sink holds that many timers once it is warm. Lateness is what
// the instance itself records for every service that ends (actual end - intended end), the
// figure `archload run` reports as timer lateness.
//
//   service_timers [--in-service N] [--service-ms MS] [--seconds S] [--spin-us US]
//                  [--client-cpu C] [--sink-cpu C]
//
// --spin-us: the agents' timer spin window (`archload run --timer-spin-us`, default 0).

#include <cstdlib>
#include <cstring>

#include "bench/bench_fleet.h"
#include "bench/flags.h"

int main(int argc, char** argv) {
  using namespace archload;
  const bench::Flags flags(argc, argv,
                           {{"--in-service", 10000},
                            {"--service-ms", 1000},
                            {"--seconds", 5},
                            {"--client-cpu", 0},
                            {"--sink-cpu", 1},
                            {"--spin-us", 0}});
  const double in_service = flags.Get("--in-service"), service_ms = flags.Get("--service-ms");
  const double seconds = flags.Get("--seconds");
  const int client_cpu = flags.GetInt("--client-cpu"), sink_cpu = flags.GetInt("--sink-cpu");
  const int spin_us = flags.GetInt("--spin-us");
  const double rate = in_service / (service_ms / 1000);
  const auto fleet = bench::MakeAssignment(
      {
          {"client", v1::ROLE_CLIENT, 1, 1, 0, {1}, rate},
          {"sink", v1::ROLE_SERVICE, 1, 1000000, service_ms, {}, 0},
      },
      seconds, /*poisson=*/false, spin_us);
  bench::Host sink(fleet, {{1, 0}}, sink_cpu);
  bench::Host client(fleet, {{0, 0}}, client_cpu);
  const int64_t cpu0 = sink.runtime().IoThreadCpuNs();
  bench::StartAll({&sink, &client}, 100);
  bench::SleepS(0.1 + seconds);
  client.runtime().StopLoad();
  bench::Drain({&client}, service_ms / 1000 + 5);
  const int64_t cpu1 = sink.runtime().IoThreadCpuNs();
  const auto s = sink.runtime().Snapshot(true);
  stats::Histogram late;
  uint64_t completed = 0;
  for (const auto& g : s.groups()) {
    if (g.group() != 1) continue;
    late = bench::HistogramOf(g.lateness_ns());
    completed = g.completed();
  }
  const double wall = seconds + service_ms / 1000;
  std::fprintf(stderr,
               "%llu services of %.0f ms at %.0f req/s (%.0f in service); sink CPU %.0f%%\n",
               static_cast<unsigned long long>(completed), service_ms, rate, in_service,
               100.0 * (cpu1 - cpu0) / 1e9 / wall);
  if (late.Count() == 0) {
    std::fprintf(stderr, "no service ended\n");
    return 1;
  }
  std::printf("timer_in_service=%.0f\n", in_service);
  std::printf("timer_sink_cpu_share=%.2f\n", (cpu1 - cpu0) / 1e9 / wall);
  std::printf("timer_late_p50_us=%.1f\n", late.ValueAtPercentile(50) / 1e3);
  std::printf("timer_late_p90_us=%.1f\n", late.ValueAtPercentile(90) / 1e3);
  std::printf("timer_late_p99_us=%.1f\n", late.ValueAtPercentile(99) / 1e3);
  std::printf("timer_late_p999_us=%.1f\n", late.ValueAtPercentile(99.9) / 1e3);
  std::printf("timer_late_max_us=%.0f\n", late.Max() / 1e3);
  return 0;
}
