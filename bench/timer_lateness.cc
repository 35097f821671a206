// How late do timers wake? N timers stay pending, each rescheduled for a uniformly random delay
// in [1 ms, 20 ms] once it fires; lateness is (time the callback starts - deadline). Runs
// TimerQueue, then asio::steady_timer (one timer object per pending timer) on the same load, and
// prints both side by side. CPU busy is the io_context thread's CPU time over wall time: near
// 100% the loop is saturated and lateness measures the backlog rather than the wake-up.
//
//   timer_lateness [--pending N] [--seconds S] [--seed X]

#include <time.h>

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "agents/core/timer_queue.h"
#include "common/sys/cpu.h"

namespace {

using archload::agent::TimerQueue;

constexpr int64_t kMinDelayNs = 1000000;
constexpr int64_t kMaxDelayNs = 20000000;

struct Options {
  int64_t pending = 10000;
  double seconds = 5;
  uint64_t seed = 1;
};

struct Result {
  std::vector<int64_t> lateness_ns;  // sorted once the run ends
  double wall_s = 0;
  double cpu_s = 0;
};

// Room for every fire of the run, so recording never reallocates mid-measurement.
size_t ExpectedFires(const Options& o) {
  const double mean_delay_s = (kMinDelayNs + kMaxDelayNs) / 2e9;
  return static_cast<size_t>(o.pending * (o.seconds / mean_delay_s + 1) * 1.2);
}

class TimerQueueRun {
 public:
  explicit TimerQueueRun(const Options& o)
      : queue_(io_), rng_(o.seed), delay_(kMinDelayNs, kMaxDelayNs), options_(o) {}

  Result Run() {
    result_.lateness_ns.reserve(ExpectedFires(options_));
    const int64_t start = TimerQueue::NowNs();
    const int64_t cpu_start = archload::sys::ThreadCpuNs();
    stop_at_ns_ = start + static_cast<int64_t>(options_.seconds * 1e9);
    for (int64_t i = 0; i < options_.pending; ++i) Schedule(start);
    io_.run();  // returns once the last timer fired after stop_at_ns_
    result_.wall_s = (TimerQueue::NowNs() - start) / 1e9;
    result_.cpu_s = (archload::sys::ThreadCpuNs() - cpu_start) / 1e9;
    return std::move(result_);
  }

 private:
  void Schedule(int64_t now) {
    const int64_t deadline = now + delay_(rng_);
    queue_.ScheduleAt(deadline, [this, deadline] { Fire(deadline); });
  }
  void Fire(int64_t deadline) {
    const int64_t now = TimerQueue::NowNs();
    result_.lateness_ns.push_back(now - deadline);
    if (now < stop_at_ns_) Schedule(now);
  }

  asio::io_context io_{1};
  TimerQueue queue_;
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int64_t> delay_;
  Options options_;
  int64_t stop_at_ns_ = 0;
  Result result_;
};

class SteadyTimerRun {
 public:
  explicit SteadyTimerRun(const Options& o)
      : rng_(o.seed), delay_(kMinDelayNs, kMaxDelayNs), options_(o) {}

  Result Run() {
    using Clock = std::chrono::steady_clock;
    result_.lateness_ns.reserve(ExpectedFires(options_));
    timers_.reserve(options_.pending);
    for (int64_t i = 0; i < options_.pending; ++i) timers_.emplace_back(io_);
    const auto start = Clock::now();
    const int64_t cpu_start = archload::sys::ThreadCpuNs();
    stop_at_ = start + std::chrono::nanoseconds(static_cast<int64_t>(options_.seconds * 1e9));
    for (auto& timer : timers_) Schedule(timer, start);
    io_.run();
    result_.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
    result_.cpu_s = (archload::sys::ThreadCpuNs() - cpu_start) / 1e9;
    return std::move(result_);
  }

 private:
  void Schedule(asio::steady_timer& timer, std::chrono::steady_clock::time_point now) {
    const auto deadline = now + std::chrono::nanoseconds(delay_(rng_));
    timer.expires_at(deadline);
    timer.async_wait([this, &timer, deadline](const asio::error_code& ec) {
      if (!ec) Fire(timer, deadline);
    });
  }
  void Fire(asio::steady_timer& timer, std::chrono::steady_clock::time_point deadline) {
    const auto now = std::chrono::steady_clock::now();
    result_.lateness_ns.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - deadline).count());
    if (now < stop_at_) Schedule(timer, now);
  }

  asio::io_context io_{1};
  std::vector<asio::steady_timer> timers_;
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int64_t> delay_;
  Options options_;
  std::chrono::steady_clock::time_point stop_at_;
  Result result_;
};

// Nearest-rank percentile of sorted values, in µs.
double PercentileUs(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(p / 100 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1e3;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return false;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", arg.c_str());
      return false;
    }
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--pending") {
      o->pending = std::strtoll(value, &end, 10);
      if (*end != '\0' || o->pending < 1) return false;
    } else if (arg == "--seconds") {
      o->seconds = std::strtod(value, &end);
      if (*end != '\0' || !(o->seconds > 0)) return false;
    } else if (arg == "--seed") {
      o->seed = std::strtoull(value, &end, 10);
      if (*end != '\0') return false;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", arg.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseArgs(argc, argv, &options)) {
    std::fprintf(stderr, "usage: %s [--pending N (10000)] [--seconds S (5)] [--seed X (1)]\n",
                 argv[0]);
    return 2;
  }

  std::printf("timer lateness: %lld pending, delays U[1 ms, 20 ms], %.3g s per implementation\n",
              static_cast<long long>(options.pending), options.seconds);
  std::fflush(stdout);
  Result results[2] = {TimerQueueRun(options).Run(), SteadyTimerRun(options).Run()};
  for (Result& r : results) std::sort(r.lateness_ns.begin(), r.lateness_ns.end());

  std::printf("\n%-14s %14s %20s\n", "", "TimerQueue", "asio::steady_timer");
  std::printf("%-14s %14zu %20zu\n", "fired", results[0].lateness_ns.size(),
              results[1].lateness_ns.size());
  std::printf("%-14s %14.0f %20.0f\n", "fired/s", results[0].lateness_ns.size() / results[0].wall_s,
              results[1].lateness_ns.size() / results[1].wall_s);
  std::printf("%-14s %13.0f%% %19.0f%%\n", "CPU busy", 100 * results[0].cpu_s / results[0].wall_s,
              100 * results[1].cpu_s / results[1].wall_s);
  const struct {
    const char* label;
    double p;
  } rows[] = {{"P50 (µs)", 50}, {"P90 (µs)", 90}, {"P99 (µs)", 99}, {"P99.9 (µs)", 99.9}};
  for (const auto& row : rows) {
    // Two bytes of "µ" print as one column, hence the wider label field.
    std::printf("%-15s %14.1f %20.1f\n", row.label, PercentileUs(results[0].lateness_ns, row.p),
                PercentileUs(results[1].lateness_ns, row.p));
  }
  std::printf("%-15s %14.1f %20.1f\n", "max (µs)", PercentileUs(results[0].lateness_ns, 100),
              PercentileUs(results[1].lateness_ns, 100));
  return 0;
}
