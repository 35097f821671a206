// Proxy hop: what one archload proxy instance costs per forwarded request. A closed-loop driver
// keeps N requests outstanding against one proxy instance (ROLE_PROXY, no emulated service
// time) that forwards each to one sink instance. The proxy's io thread runs alone on one CPU;
// driver and sink share the other, as wrk and nginx do in the haproxy comparison.
//
//   proxy_hop [--seconds S] [--outstanding N] [--proxy-cpu C] [--other-cpu C]
//
// Prints key=value lines: proxy_rps (forwarded per second), proxy_cpu_us_per_req (proxy io
// thread CPU / forwarded), proxy_cpu_share (that thread's CPU / wall: ~1.0 when it is the limit).

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "agents/net/peer_pool.h"
#include "bench/bench_fleet.h"

namespace {

using namespace archload;

// Keeps `outstanding` requests in flight against group 1 instance 0, counting responses.
class ClosedLoopDriver {
 public:
  ClosedLoopDriver(const std::vector<v1::Endpoint>& proxy, int outstanding, int cpu)
      : peers_(io_), outstanding_(outstanding) {
    std::vector<std::vector<agent::EndpointAddress>> table(2);
    for (const auto& ep : proxy) table[1].push_back({ep.host(), ep.port()});
    peers_.SetEndpoints(std::move(table));
    thread_ = std::thread([this, cpu] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpu, &set);
      pthread_setaffinity_np(pthread_self(), sizeof set, &set);
      for (int i = 0; i < outstanding_; ++i) SendOne();
      io_.run();
    });
  }
  ~ClosedLoopDriver() {
    asio::post(io_, [this] {
      stopping_ = true;
      peers_.Shutdown();
      io_.stop();
    });
    thread_.join();
  }
  uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  void SendOne() {
    if (stopping_) return;
    agent::Frame f;
    f.kind = agent::FrameKind::kRequest;
    f.origin_ns = agent::Fleet::NowNs();
    f.key = completed_.load(std::memory_order_relaxed);
    f.AddHop(0, 0, f.origin_ns);
    peers_.Send(1, 0, f, [this](const agent::Frame& reply) {
      if (reply.status == agent::FrameStatus::kOk) {
        completed_.fetch_add(1, std::memory_order_relaxed);
      } else {
        failed_.fetch_add(1, std::memory_order_relaxed);
      }
      SendOne();
    });
  }

  asio::io_context io_;
  agent::PeerPool peers_;
  int outstanding_;
  bool stopping_ = false;
  std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  int outstanding = 64;
  int proxy_cpu = 0, other_cpu = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--outstanding")) outstanding = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--proxy-cpu")) proxy_cpu = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--other-cpu")) other_cpu = std::atoi(argv[i + 1]);
  }
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
  ClosedLoopDriver driver(proxy.endpoints(), outstanding, other_cpu);

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
