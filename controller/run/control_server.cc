#include "controller/run/control_server.h"

namespace archload::run {

ControlServer::~ControlServer() { Shutdown(); }

std::string ControlServer::Start(const std::string& host) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(host + ":0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(this);
  // Agents ping every 2 s; accept that without treating it as abuse.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) throw std::runtime_error("cannot start the control server on " + host);
  return host + ":" + std::to_string(port);
}

void ControlServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return;
    closing_ = true;
  }
  cv_.notify_all();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

grpc::Status ControlServer::Session(grpc::ServerContext*, Stream* stream) {
  v1::AgentMessage msg;
  if (!stream->Read(&msg) || !msg.has_hello()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "expected hello");
  }
  size_t index;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "run is over");
    index = agents_.size();
    AgentState a;
    a.id = msg.hello().agent_id();
    a.pid = msg.hello().pid();
    agents_.push_back(std::move(a));
    slots_.push_back(Slot{});
    slots_.back().stream = stream;
  }
  cv_.notify_all();
  while (stream->Read(&msg)) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& a = agents_[index];
    if (msg.has_ready()) {
      a.ready = true;
      a.endpoints.assign(msg.ready().endpoints().begin(), msg.ready().endpoints().end());
    } else if (msg.has_stats()) {
      a.latest = msg.stats();
      if (msg.stats().final()) a.finished = true;
    }
    cv_.notify_all();
  }
  // The stream dies with this handler: wait out any write in progress, then unpublish it.
  std::mutex* write_mu;
  {
    std::lock_guard<std::mutex> lock(mu_);
    write_mu = slots_[index].write_mu.get();
  }
  {
    std::lock_guard<std::mutex> write_lock(*write_mu);
    std::lock_guard<std::mutex> lock(mu_);
    agents_[index].connected = false;
    slots_[index].stream = nullptr;
  }
  cv_.notify_all();
  return grpc::Status::OK;
}

bool ControlServer::WaitFor(const std::function<bool(const std::vector<AgentState>&)>& pred,
                            std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return pred(agents_); });
}

std::vector<AgentState> ControlServer::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return agents_;
}

bool ControlServer::Send(size_t agent, const v1::ControllerMessage& msg) {
  std::mutex* write_mu;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (agent >= slots_.size()) return false;
    write_mu = slots_[agent].write_mu.get();
  }
  // Holding the slot's write lock keeps the handler (and so the stream) alive while writing.
  std::lock_guard<std::mutex> write_lock(*write_mu);
  Stream* stream;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stream = slots_[agent].stream;
  }
  return stream != nullptr && stream->Write(msg);
}

bool ControlServer::SendAll(const v1::ControllerMessage& msg) {
  size_t n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    n = slots_.size();
  }
  bool ok = true;
  for (size_t i = 0; i < n; ++i) ok = Send(i, msg) && ok;
  return ok;
}

}  // namespace archload::run
