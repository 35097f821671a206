#pragma once

// The controller's end of the control plane: a gRPC service with one Session stream per agent.
// Stream handlers run on gRPC's threads and only record what agents say; the run's own thread
// waits on that state and writes to the streams.
//
// Nothing is taken from a stream before it is admitted: it must carry the run's token (gRPC
// metadata "authorization: Bearer <token>") and say hello under an agent id the run expects,
// once. Anything else is refused, counted and logged, and cannot touch the run's state.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "archload/v1/control.grpc.pb.h"
#include "common/log/rate_limited_log.h"

namespace archload::run {

struct AgentState {
  std::string id;
  int pid = 0;
  std::string host;      // the address its instances listen on
  std::string hostname;  // the machine (or namespace) it runs on
  int cores = 0;
  bool connected = true;
  bool ready = false;
  bool finished = false;  // final stats received
  v1::Ready ready_msg;
  v1::Stats latest;
  std::string goodbye;                                 // the reason it gave, if it said goodbye
  std::chrono::steady_clock::time_point last_heard{};  // any message
  int stats_received = 0;
  std::string lost;              // why the controller gave it up ("silent for 3.0 s"), if it did
  bool metrics_scraped = false;  // Prometheus has scraped its /metrics (Ready names the port)
};

struct ControlAuth {
  std::string token;                   // required on every session (empty: none, tests only)
  std::set<std::string> expected_ids;  // admitted once each; empty: any id, up to max_agents
  size_t max_agents = 0;
  std::string version;  // agents must report this version (empty: any)
  std::string run_id;
  std::map<std::string, std::string> host_of_id;  // launched agents: the host the run put them on
  double lease_timeout_s = 3;  // an agent silent this long is given up, its stream cancelled
};

// TLS for the control plane (PEM files). With client_ca, agents must present a certificate it
// signed (mutual TLS).
struct ControlTls {
  std::string cert, key, client_ca;
  bool enabled() const { return !cert.empty(); }
};

class ControlServer final : public v1::Controller::Service {
 public:
  explicit ControlServer(ControlAuth auth = {}, ControlTls tls = {});
  ~ControlServer() override;

  // Listens on host:port (0: any free port); returns "host:port". Throws on failure. Starts the
  // heartbeats: every admitted agent hears from the controller every second.
  std::string Start(const std::string& host, int port = 0);
  void Shutdown();

  grpc::Status Session(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>* stream) override;

  // Waits until pred(agents) holds, or the timeout passes; returns whether it held.
  bool WaitFor(const std::function<bool(const std::vector<AgentState>&)>& pred,
               std::chrono::milliseconds timeout);
  std::vector<AgentState> Snapshot();

  // Sends a message to one agent (by index in admission order) / to all. False if any write
  // failed.
  bool Send(size_t agent, const v1::ControllerMessage& msg);
  bool SendAll(const v1::ControllerMessage& msg);

  // The controller's clock for the start barrier: CLOCK_MONOTONIC, as the agents' own.
  static int64_t NowNs();

  // Sessions refused (no or wrong token, unexpected or duplicate id, wrong version).
  uint64_t refused() const { return refused_.load(); }

 private:
  using Stream = grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>;
  struct Slot {
    Stream* stream = nullptr;
    grpc::ServerContext* context = nullptr;
    std::unique_ptr<std::mutex> write_mu = std::make_unique<std::mutex>();
  };
  // Heartbeats out, silence in: runs every second until Shutdown.
  void Beat();

  grpc::Status Refuse(grpc::ServerContext* context, grpc::StatusCode code, const std::string& why);
  bool Authorized(grpc::ServerContext* context) const;

  ControlAuth auth_;
  ControlTls tls_;
  std::unique_ptr<grpc::Server> server_;
  std::thread beat_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AgentState> agents_;
  std::vector<Slot> slots_;
  bool closing_ = false;
  std::atomic<uint64_t> refused_{0};
  std::mutex log_mu_;
  logging::RateLimitedLog log_{"archload: control plane: "};
};

}  // namespace archload::run
