// Per-operation costs of the data plane's building blocks (Google Benchmark): what one request
// pays at each step before any syscall. bench/run prints these under the main table.

#include <benchmark/benchmark.h>

#include <asio.hpp>
#include <random>
#include <string>

#include "agents/core/timer_queue.h"
#include "agents/net/frame.h"
#include "agents/runtime/arrival_schedule.h"
#include "common/model/zipf.h"
#include "common/stats/histogram.h"

namespace {

using namespace archload;

void BM_HistogramRecord(benchmark::State& state) {
  stats::Histogram h;
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> latency(16, 1);  // ~10 ms, wide
  std::vector<uint64_t> values(4096);
  for (auto& v : values) v = static_cast<uint64_t>(latency(rng));
  size_t i = 0;
  for (auto _ : state) h.Record(values[i++ & 4095]);
  benchmark::DoNotOptimize(h.Count());
}
BENCHMARK(BM_HistogramRecord);

void BM_FrameEncodeDecode(benchmark::State& state) {
  agent::Frame f;
  f.kind = agent::FrameKind::kRequest;
  f.origin_ns = 1;
  for (int hop = 0; hop < state.range(0); ++hop) f.AddHop(hop, hop, 1000 * hop);
  std::string bytes;
  agent::Frame g;
  for (auto _ : state) {
    bytes.clear();
    f.EncodeTo(bytes);
    benchmark::DoNotOptimize(
        agent::Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &g));
  }
}
BENCHMARK(BM_FrameEncodeDecode)->Arg(1)->Arg(3)->Arg(8);

// Schedule and cancel with N timers pending: the heap bookkeeping of one emulated service
// time (deadlines spread over a second, as service times are; no syscall unless earliest).
void BM_TimerQueueScheduleCancel(benchmark::State& state) {
  asio::io_context io;
  agent::TimerQueue q(io);
  const int64_t base = agent::TimerQueue::NowNs() + int64_t{3600} * 1000000000;
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> spread(1, 1000000000);
  q.ScheduleAt(base, [] {});  // the earliest stays put: later timers need no re-arm
  for (int i = 0; i < state.range(0); ++i) q.ScheduleAt(base + spread(rng), [] {});
  for (auto _ : state) q.Cancel(q.ScheduleAt(base + spread(rng), [] {}));
}
BENCHMARK(BM_TimerQueueScheduleCancel)->Arg(0)->Arg(10000);

// A timer that is due at once, then fired by RunDue: two timerfd_settime calls (arm for it,
// re-arm for the next), which is what the spin window saves when the next timer is near.
void BM_TimerQueueScheduleFireWithRearm(benchmark::State& state) {
  asio::io_context io;
  agent::TimerQueue q(io);
  q.ScheduleAt(agent::TimerQueue::NowNs() + int64_t{3600} * 1000000000, [] {});
  int fired = 0;
  for (auto _ : state) {
    q.ScheduleAt(0, [&fired] { ++fired; });
    q.RunDue();
  }
  benchmark::DoNotOptimize(fired);
}
BENCHMARK(BM_TimerQueueScheduleFireWithRearm);

void BM_ZipfSample(benchmark::State& state) {
  model::ZipfSampler z(static_cast<uint64_t>(state.range(0)), 0.99);
  std::mt19937_64 rng(1);
  for (auto _ : state) benchmark::DoNotOptimize(z.Sample(rng));
}
BENCHMARK(BM_ZipfSample)->Arg(1000000);

void BM_ArrivalScheduleNext(benchmark::State& state) {
  agent::RateProfile p;
  p.rate_rps = 1e9;  // never runs out within the benchmark
  p.duration_s = 1e9;
  p.poisson = true;
  agent::ArrivalSchedule s(p, 1);
  for (auto _ : state) benchmark::DoNotOptimize(s.Next());
}
BENCHMARK(BM_ArrivalScheduleNext);

}  // namespace

BENCHMARK_MAIN();
