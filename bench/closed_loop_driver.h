#pragma once

// A closed-loop driver for the data-plane benchmarks: keeps N requests in flight against one
// instance (group 1, instance 0) over archload frames, sending the next as each answer comes
// back, on its own thread pinned to one CPU. Like wrk, but speaking archload's frames.

#include <pthread.h>
#include <time.h>

#include <asio.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "agents/net/peer_pool.h"
#include "agents/runtime/fleet.h"
#include "archload/v1/control.pb.h"
#include "common/sys/cpu.h"

namespace archload::bench {

class ClosedLoopDriver {
 public:
  // `target`: the listener hosting instance 0 of group 1; `secret`: the run's data-plane secret.
  ClosedLoopDriver(const agent::EndpointAddress& target, const std::string& secret, int outstanding,
                   int cpu)
      : peers_(io_, secret, health_), outstanding_(outstanding) {
    peers_.SetEndpoints({{}, {target}});
    thread_ = std::thread([this, cpu] {
      sys::PinThisThread(cpu);
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
  // CPU time of the driver's thread so far.
  int64_t CpuNs() {
    clockid_t clock;
    timespec ts{};
    if (pthread_getcpuclockid(thread_.native_handle(), &clock) != 0) return 0;
    clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
  }

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
  agent::NetHealth health_{"closed-loop driver: "};
  agent::PeerPool peers_;
  int outstanding_;
  bool stopping_ = false;
  std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread thread_;
};

}  // namespace archload::bench
