// Proxy hop: what one archload proxy instance costs per forwarded request. A closed-loop driver
// keeps N requests outstanding against one proxy instance (ROLE_PROXY, no emulated service
// time) that forwards each to one sink instance. The proxy's io thread runs alone on one CPU;
// driver and sink share the other, as wrk and nginx do in the haproxy comparison.
//
//   proxy_hop [--seconds S] [--outstanding N] [--proxy-cpu C] [--other-cpu C]
//
// Prints key=value lines: proxy_rps (forwarded per second), proxy_cpu_us_per_req (proxy io
// thread CPU / forwarded), proxy_cpu_share (that thread's CPU / wall: ~1.0 when it is the limit).

#include <cstdlib>
#include <cstring>

#include "bench/bench_fleet.h"
#include "bench/closed_loop_driver.h"
#include "bench/flags.h"

using namespace archload;

int main(int argc, char** argv) {
  const bench::Flags flags(
      argc, argv,
      {{"--seconds", 5}, {"--outstanding", 64}, {"--proxy-cpu", 0}, {"--other-cpu", 1}});
  const double seconds = flags.Get("--seconds");
  const int outstanding = flags.GetInt("--outstanding");
  const int proxy_cpu = flags.GetInt("--proxy-cpu"), other_cpu = flags.GetInt("--other-cpu");
  const auto fleet = bench::MakeAssignment(
      {
          {"driver", v1::ROLE_CLIENT, 1, 1, 0, {1}, 0},
          {"proxy", v1::ROLE_PROXY, 1, 1000000, 0, {2}, 0},
          {"sink", v1::ROLE_SERVICE, 1, 1000000, 0, {}, 0},
      },
      seconds + 10);
  bench::Host sink(fleet, {{2, 0}}, other_cpu);
  bench::Host proxy(fleet, {{1, 0}}, proxy_cpu);
  bench::StartAll({&sink, &proxy}, 0);
  bench::ClosedLoopDriver driver(proxy.listener(), bench::BenchSecret(), outstanding, other_cpu);

  bench::SleepS(1.0);  // warm-up: connections made, buffers grown
  const uint64_t n0 = driver.completed();
  const int64_t cpu0 = proxy.runtime().IoThreadCpuNs();
  const double t0 = bench::WallNowS();
  bench::SleepS(seconds);
  const uint64_t n1 = driver.completed();
  const int64_t cpu1 = proxy.runtime().IoThreadCpuNs();
  const double t1 = bench::WallNowS();

  const double forwarded = static_cast<double>(n1 - n0);
  const double wall = t1 - t0;
  const double cpu_s = (cpu1 - cpu0) / 1e9;
  std::printf("proxy_rps=%.0f\n", forwarded / wall);
  std::printf("proxy_cpu_us_per_req=%.2f\n", forwarded > 0 ? cpu_s * 1e6 / forwarded : 0.0);
  std::printf("proxy_cpu_share=%.2f\n", cpu_s / wall);
  std::printf("proxy_failed=%llu\n", static_cast<unsigned long long>(driver.failed()));
  return driver.failed() == 0 && forwarded > 0 ? 0 : 1;
}
