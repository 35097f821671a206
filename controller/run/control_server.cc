#include "controller/run/control_server.h"

#include "common/security/secret.h"

namespace archload::run {

namespace {
constexpr int kMaxControlMessageBytes = 64 << 20;  // as agents/control/session.h

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ControlServer::ControlServer(ControlAuth auth) : auth_(std::move(auth)) {}

ControlServer::~ControlServer() { Shutdown(); }

std::string ControlServer::Start(const std::string& host, int port) {
  grpc::ServerBuilder builder;
  int bound = 0;
  const std::string address =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound);
  builder.RegisterService(this);
  builder.SetMaxReceiveMessageSize(kMaxControlMessageBytes);
  builder.SetMaxSendMessageSize(kMaxControlMessageBytes);
  // Agents ping every 2 s; accept that without treating it as abuse.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  server_ = builder.BuildAndStart();
  if (!server_ || bound == 0) {
    throw std::runtime_error("cannot start the control server on " + address);
  }
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(bound);
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

grpc::Status ControlServer::Refuse(grpc::ServerContext* context, grpc::StatusCode code,
                                   const std::string& why) {
  ++refused_;
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    log_.Log(why, "refused a session from " + context->peer() + ": " + why, NowNs());
  }
  return grpc::Status(code, why);
}

bool ControlServer::Authorized(grpc::ServerContext* context) const {
  if (auth_.token.empty()) return true;
  const auto& md = context->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return false;
  const std::string presented(it->second.data(), it->second.size());
  return security::ConstantTimeEquals(presented, "Bearer " + auth_.token);
}

grpc::Status ControlServer::Session(grpc::ServerContext* context, Stream* stream) {
  if (!Authorized(context)) {
    return Refuse(context, grpc::StatusCode::UNAUTHENTICATED,
                  "missing or wrong token (this run's token is given to the agents it starts)");
  }
  v1::AgentMessage msg;
  if (!stream->Read(&msg) || !msg.has_hello()) {
    return Refuse(context, grpc::StatusCode::INVALID_ARGUMENT, "expected hello");
  }
  const auto& hello = msg.hello();
  if (!auth_.version.empty() && hello.version() != auth_.version) {
    return Refuse(
        context, grpc::StatusCode::FAILED_PRECONDITION,
        "agent version '" + hello.version() + "' is not the controller's '" + auth_.version + "'");
  }
  size_t index = 0;
  std::string refusal;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "run is over");
    const bool known = auth_.expected_ids.empty() || auth_.expected_ids.count(hello.agent_id()) > 0;
    bool duplicate = false;
    for (const auto& a : agents_) duplicate = duplicate || a.id == hello.agent_id();
    const bool full = auth_.max_agents > 0 && agents_.size() >= auth_.max_agents;
    if (!known) {
      refusal = "agent id '" + hello.agent_id() + "' is not in this run";
    } else if (duplicate) {
      refusal = "agent id '" + hello.agent_id() + "' is already here";
    } else if (full) {
      refusal = "the run has all its agents";
    } else {
      index = agents_.size();
      AgentState a;
      a.id = hello.agent_id();
      a.pid = hello.pid();
      a.host = hello.host();
      a.cores = hello.cores();
      a.last_heard = std::chrono::steady_clock::now();
      agents_.push_back(std::move(a));
      slots_.push_back(Slot{});
      slots_.back().stream = stream;
    }
  }
  if (!refusal.empty()) return Refuse(context, grpc::StatusCode::PERMISSION_DENIED, refusal);
  cv_.notify_all();
  while (stream->Read(&msg)) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& a = agents_[index];
    a.last_heard = std::chrono::steady_clock::now();
    if (msg.has_ready()) {
      a.ready = true;
      a.ready_msg = msg.ready();
    } else if (msg.has_stats()) {
      a.latest = msg.stats();
      ++a.stats_received;
      if (msg.stats().final()) a.finished = true;
    } else if (msg.has_goodbye()) {
      a.goodbye = msg.goodbye().reason();
    } else if (msg.has_metrics_scraped()) {
      a.metrics_scraped = true;
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
