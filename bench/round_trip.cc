// Request/response over archload frames, beside gRPC unary (bench/grpc_unary): a closed-loop
// driver keeps N requests outstanding against one sink instance (no emulated service time).
// With N = 1 the mean round trip is the loopback latency: across the two cores it includes a
// vCPU wake-up on each side; on one core (--same-core) it does not.
//
//   round_trip [--outstanding N] [--seconds S] [--same-core]
//
// Prints frames_rps, frames_rtt_us (wall / answered × outstanding) and frames_cpu_us_per_call
// (driver + sink thread CPU / answered).

#include <cstdlib>
#include <cstring>

#include "bench/bench_fleet.h"
#include "bench/closed_loop_driver.h"
#include "bench/flags.h"

int main(int argc, char** argv) {
  using namespace archload;
  const bench::Flags flags(argc, argv, {{"--seconds", 3}, {"--outstanding", 1}}, {"--same-core"});
  const double seconds = flags.Get("--seconds");
  const int outstanding = flags.GetInt("--outstanding");
  const bool same_core = flags.On("--same-core");
  const auto fleet = bench::MakeAssignment(
      {
          {"driver", v1::ROLE_CLIENT, 1, 1, 0, {1}, 0},
          {"sink", v1::ROLE_SERVICE, 1, 1000000, 0, {}, 0},
      },
      seconds + 10);
  bench::Host sink(fleet, {{1, 0}}, same_core ? 0 : 1);
  bench::StartAll({&sink}, 0);
  bench::ClosedLoopDriver driver(sink.listener(), bench::BenchSecret(), outstanding, 0);

  bench::SleepS(0.5);  // warm-up: connection made
  const uint64_t n0 = driver.completed();
  const int64_t cpu0 = driver.CpuNs() + sink.runtime().IoThreadCpuNs();
  const double t0 = bench::WallNowS();
  bench::SleepS(seconds);
  const uint64_t n1 = driver.completed();
  const int64_t cpu1 = driver.CpuNs() + sink.runtime().IoThreadCpuNs();
  const double wall = bench::WallNowS() - t0;
  const double calls = static_cast<double>(n1 - n0);
  std::printf("frames_rps=%.0f\n", calls / wall);
  std::printf("frames_rtt_us=%.1f\n", calls > 0 ? wall * 1e6 / calls * outstanding : 0.0);
  std::printf("frames_cpu_us_per_call=%.2f\n", calls > 0 ? (cpu1 - cpu0) / 1e3 / calls : 0.0);
  return driver.failed() == 0 && calls > 0 ? 0 : 1;
}
