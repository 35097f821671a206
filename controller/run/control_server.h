#pragma once

// The controller's end of the control plane: a gRPC service with one Session stream per agent.
// Stream handlers run on gRPC's threads and only record what agents say; the run's own thread
// waits on that state and writes to the streams.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "archload/v1/control.grpc.pb.h"

namespace archload::run {

struct AgentState {
  std::string id;
  int pid = 0;
  bool connected = true;
  bool ready = false;
  bool finished = false;  // final stats received
  std::vector<v1::Endpoint> endpoints;
  v1::Stats latest;
};

class ControlServer final : public v1::Controller::Service {
 public:
  ~ControlServer() override;

  // Listens on host:0; returns "host:port".
  std::string Start(const std::string& host);
  void Shutdown();

  grpc::Status Session(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>* stream) override;

  // Waits until pred(agents) holds, or the timeout passes; returns whether it held.
  bool WaitFor(const std::function<bool(const std::vector<AgentState>&)>& pred,
               std::chrono::milliseconds timeout);
  std::vector<AgentState> Snapshot();

  // Sends a message to one agent (by index in arrival order) / to all. False if any write failed.
  bool Send(size_t agent, const v1::ControllerMessage& msg);
  bool SendAll(const v1::ControllerMessage& msg);

 private:
  using Stream = grpc::ServerReaderWriter<v1::ControllerMessage, v1::AgentMessage>;
  struct Slot {
    Stream* stream = nullptr;
    std::unique_ptr<std::mutex> write_mu = std::make_unique<std::mutex>();
  };

  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<AgentState> agents_;
  std::vector<Slot> slots_;
  bool closing_ = false;
};

}  // namespace archload::run
