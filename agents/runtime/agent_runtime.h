#pragma once

// The agent's data plane behind a thread-safe facade: one io_context thread hosts every
// instance and load generator; the control-plane session calls in from its own thread and each
// call is marshalled onto the io thread.

#include <asio.hpp>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agents/core/event_loop.h"
#include "agents/net/address_policy.h"
#include "agents/net/http_ingress.h"
#include "agents/net/write_batch.h"
#include "agents/runtime/fleet.h"
#include "agents/runtime/hop_prober.h"
#include "agents/runtime/instance.h"
#include "agents/runtime/listener.h"
#include "agents/runtime/load_generator.h"
#include "archload/v1/control.pb.h"

namespace archload::agent {

class AgentRuntime {
 public:
  // `peers`: the addresses this agent may send to; every peer a Start names must be in it.
  AgentRuntime(std::string listen_host, uint64_t seed, AddressPolicy peers = AddressPolicy(),
               std::string name = "archload-agent");
  ~AgentRuntime();

  // Builds the assigned instances and binds the agent's one listener; returns the Ready message
  // (the listener's address). Throws std::invalid_argument / std::system_error with the reason
  // when the assignment cannot be hosted.
  v1::Ready Configure(const v1::Assignment& assignment);
  // Wires the endpoint table and starts the load generators after start.delay_ms(). Throws
  // std::invalid_argument, before any load, when the table names a peer outside the allowed
  // addresses or does not match the run's groups.
  void Start(const v1::Start& start);
  // The same, starting the load generators at `start_ns` on this agent's monotonic clock.
  void StartAt(const v1::Start& start, int64_t start_ns);
  // When the load started (this agent's monotonic clock), once StartAt has returned; 0 before.
  int64_t start_ns() const { return start_ns_; }
  // Stops sending new client requests; in-flight ones go on.
  void StopLoad();
  size_t InFlight();
  // The final stats; from here on peers leaving is expected and not logged.
  v1::Stats Snapshot(bool final);
  void Shutdown();

  // What the metrics read (agents/metrics/), on the io thread where it lives.
  struct View {
    const Fleet& fleet;
    const std::vector<std::unique_ptr<Instance>>& instances;
    size_t generators;
    uint64_t loop_iterations;  // turns of the io thread's event loop
    size_t inbound_connections;
    size_t outbound_connections;
    bool started;
    bool stopped;
  };
  // Runs f(view) on the io thread and returns its result. Not after Shutdown.
  template <typename F>
  auto Inspect(F f) -> decltype(f(std::declval<const View&>())) {
    return OnIo([&] { return f(MakeView()); });
  }
  // Runs on the io thread inside Snapshot(final = true), at the same instant: what the metrics
  // go on serving after the run equals the final stats exactly.
  void OnFinalSnapshot(std::function<void(const View&)> observer) {
    final_observer_ = std::move(observer);
  }

  // For benchmarks: keep the data-plane thread on one CPU; its CPU time so far.
  bool PinToCpu(int cpu);
  int64_t IoThreadCpuNs();

 private:
  // The turn's work in the event loop: in-process deliveries, then batched writes; true when
  // deliveries remain.
  bool TurnWork();
  static constexpr size_t kLocalFramesPerTurn = 1024;

  void AddGenerator(int group, int index);
  // Instances behind a real HTTP proxy also take HTTP/1.1 (agents/net/http_ingress.h).
  void OpenHttpIngress(const std::string& secret);
  // Throws when a real backend's address is outside the allowed peers.
  void CheckBackendAddresses(const v1::Assignment& assignment) const;
  View MakeView() const;
  PeerTable TableOf(const v1::Start& start) const;

  // Runs f on the io thread and returns its result; an exception it throws is rethrown here.
  template <typename F>
  auto OnIo(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    loop_.Post([&task] { task(); });
    return result.get();
  }

  std::string host_;
  AddressPolicy allowed_peers_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<Fleet> fleet_;
  EventLoop loop_;
  WriteBatch batch_;
  v1::Assignment assignment_;
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
  std::unique_ptr<HttpIngress> http_;  // instances behind a real HTTP proxy take HTTP here
  int http_port_ = 0;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<LoadGenerator>> generators_;
  std::unique_ptr<HopProber> prober_;  // from Start: the harness's own round trip per hop
  int64_t start_ns_ = 0;
  int64_t cpu_at_start_ns_ = 0;
  int64_t io_cpu_at_start_ns_ = 0;
  bool stopped_ = false;
  std::function<void(const View&)> final_observer_;
  std::thread thread_;
};

}  // namespace archload::agent
