#include "controller/run/control_server.h"

#include <fstream>
#include <sstream>

#include "common/security/secret.h"

namespace archload::run {

namespace {
constexpr int kMaxControlMessageBytes = 64 << 20;  // as agents/control/session.h

std::string ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string(what) + " " + path + ": cannot read it");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

int64_t ControlServer::NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ControlServer::ControlServer(ControlAuth auth, ControlTls tls)
    : auth_(std::move(auth)), tls_(std::move(tls)) {}

ControlServer::~ControlServer() {
  Shutdown();
  if (beat_.joinable()) beat_.join();
}

std::string ControlServer::Start(const std::string& host, int port) {
  grpc::ServerBuilder builder;
  int bound = 0;
  const std::string address =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (tls_.enabled()) {
    grpc::SslServerCredentialsOptions ssl(
        tls_.client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                               : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_key_cert_pairs.push_back(
        {ReadPem(tls_.key, "--tls-key"), ReadPem(tls_.cert, "--tls-cert")});
    if (!tls_.client_ca.empty()) ssl.pem_root_certs = ReadPem(tls_.client_ca, "--tls-client-ca");
    creds = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(address, creds, &bound);
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
  beat_ = std::thread([this] { Beat(); });
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(bound);
}

void ControlServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_) return;
    closing_ = true;
    // The run is over: end every agent's stream now. An agent keeps its stream open after its
    // final figures (others may still call it) and ends its session when the stream ends;
    // gRPC's Shutdown would otherwise wait out its whole deadline on those reads, every run.
    for (auto& slot : slots_) {
      if (slot.context) slot.context->TryCancel();
    }
  }
  cv_.notify_all();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
}

void ControlServer::Beat() {
  v1::ControllerMessage heartbeat;
  heartbeat.mutable_heartbeat();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return closing_; })) {
    const auto now = std::chrono::steady_clock::now();
    const auto lease = std::chrono::duration<double>(auth_.lease_timeout_s);
    // Give up agents silent past the lease: cancelling the stream ends their handler (and, if
    // they ever wake up, tells them so), and the run sees them lost.
    for (size_t i = 0; i < agents_.size(); ++i) {
      auto& a = agents_[i];
      if (!a.connected || !a.lost.empty() || now - a.last_heard <= lease) continue;
      char buf[96];
      std::snprintf(buf, sizeof buf, "silent for %.1f s (lease %.1f s)",
                    std::chrono::duration<double>(now - a.last_heard).count(),
                    auth_.lease_timeout_s);
      a.lost = buf;
      if (slots_[i].context) slots_[i].context->TryCancel();
    }
    const size_t n = slots_.size();
    lock.unlock();
    cv_.notify_all();
    for (size_t i = 0; i < n; ++i) Send(i, heartbeat);
    lock.lock();
  }
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
  // Held from admission until the Welcome is written: the heartbeat thread may see the new slot
  // at once, and an agent reads its first message as the controller's proof of the token.
  std::unique_lock<std::mutex> first_write;
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
      a.hostname = hello.hostname().empty() ? hello.host() : hello.hostname();
      if (auto it = auth_.host_of_id.find(a.id); it != auth_.host_of_id.end()) {
        a.hostname = it->second;  // namespaces share a host name; the hosts file does not
      }
      a.last_heard = std::chrono::steady_clock::now();
      agents_.push_back(std::move(a));
      slots_.push_back(Slot{});
      slots_.back().stream = stream;
      slots_.back().context = context;
      // A fresh mutex nobody else can hold yet, so taking it under mu_ cannot deadlock.
      first_write = std::unique_lock<std::mutex>(*slots_.back().write_mu);
    }
  }
  if (!refusal.empty()) return Refuse(context, grpc::StatusCode::PERMISSION_DENIED, refusal);
  // Our proof of the token (an agent obeys no controller without it), and the lease.
  v1::ControllerMessage welcome;
  auto* w = welcome.mutable_welcome();
  if (!auth_.token.empty())
    w->set_proof(security::HmacSha256(auth_.token, "controller" + hello.nonce()));
  w->set_lease_timeout_s(auth_.lease_timeout_s);
  w->set_run_id(auth_.run_id);
  stream->Write(welcome);
  first_write.unlock();
  cv_.notify_all();
  while (stream->Read(&msg)) {
    if (msg.has_time_probe()) {
      // Stamped and answered at once: the round trip is the error bound of the offset.
      v1::ControllerMessage echo;
      echo.mutable_time_echo()->set_agent_ns(msg.time_probe().agent_ns());
      echo.mutable_time_echo()->set_controller_ns(NowNs());
      Send(index, echo);
    }
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
    slots_[index].context = nullptr;
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
