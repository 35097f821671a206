#include "agents/control/session.h"

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

#include "agents/control/clock_sync.h"
#include "agents/control/lease.h"
#include "agents/metrics/agent_metrics.h"
#include "agents/runtime/agent_runtime.h"
#include "archload/v1/control.grpc.pb.h"
#include "common/security/secret.h"
#include "common/version/version.h"

namespace archload::agent {

namespace {

using Stream = grpc::ClientReaderWriter<v1::AgentMessage, v1::ControllerMessage>;
constexpr int kClockProbes = 8;

int64_t Now() { return Fleet::NowNs(); }

// Serialises writes: the stats thread, the session thread and the metrics server (first scrape)
// all write to the stream. Closed before the stream finishes: nothing may write after that.
class Writer {
 public:
  explicit Writer(Stream* s) : stream_(s) {}
  bool Write(const v1::AgentMessage& m) {
    std::lock_guard<std::mutex> lock(mu_);
    return !closed_ && stream_->Write(m);
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }

 private:
  std::mutex mu_;
  Stream* stream_;
  bool closed_ = false;
};

class SessionLog {
 public:
  explicit SessionLog(const std::string& id) : prefix_("archload-agent " + id + ": ") {}
  void operator()(const std::string& line) const { std::cerr << prefix_ << line << "\n"; }

 private:
  std::string prefix_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const SessionOptions& o) {
  if (o.tls_ca.empty() && o.tls_cert.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (!o.tls_ca.empty()) ssl.pem_root_certs = ReadFile(o.tls_ca);
  if (!o.tls_cert.empty()) {
    ssl.pem_cert_chain = ReadFile(o.tls_cert);
    ssl.pem_private_key = ReadFile(o.tls_key);
  }
  return grpc::SslCredentials(ssl);
}

// Why the stream ended, from gRPC's status: a wrong token reads differently from a controller
// that went away.
std::string EndReason(Stream& stream, grpc::Status* out = nullptr) {
  const grpc::Status st = stream.Finish();
  if (out) *out = st;
  if (st.ok()) return "the controller ended the session";
  return "gRPC status " + std::to_string(st.error_code()) + ": " + st.error_message();
}

bool Refused(const grpc::Status& st) {
  return st.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
         st.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
         st.error_code() == grpc::StatusCode::FAILED_PRECONDITION;
}

void SayGoodbye(Writer& writer, const std::string& reason) {
  v1::AgentMessage bye;
  bye.mutable_goodbye()->set_reason(reason);
  writer.Write(bye);
}

std::string Hostname(const SessionOptions& o) {
  if (!o.hostname.empty()) return o.hostname;
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The agent's pulse: something reaches the controller at least every interval whatever the
// run's phase. Once the load has started, stats go out at whole intervals of the load (1 s, 2 s,
// ... after the start instant all agents share), so the controller can difference consecutive
// reports into figures per second that line up across agents (controller/run/series_recorder.h);
// heartbeats fill any longer gap (before the first whole second).
class Pulse {
 public:
  using Time = std::chrono::steady_clock::time_point;
  Pulse(Writer& writer, AgentRuntime& runtime, std::chrono::milliseconds interval)
      : writer_(writer), runtime_(runtime), interval_(interval), thread_([this] { Loop(); }) {}
  ~Pulse() { Stop(); }
  // `start_ns`: the load's start on this agent's monotonic clock.
  void StartStats(int64_t start_ns) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      start_ns_ = start_ns;
    }
    cv_.notify_all();
  }
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  // The next whole interval of the load after now; never before the load starts.
  Time NextWhole() const {
    if (start_ns_ == 0) return Time::max();
    const int64_t step = std::chrono::nanoseconds(interval_).count();
    const int64_t now = Now(), elapsed = now - start_ns_;
    const int64_t k = elapsed < 0 ? 1 : elapsed / step + 1;
    return std::chrono::steady_clock::now() + std::chrono::nanoseconds(start_ns_ + k * step - now);
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    Time last = std::chrono::steady_clock::now();
    for (;;) {
      const int64_t started = start_ns_;
      const Time whole = NextWhole(), due = std::min(last + interval_, whole);
      // Woken early only to stop, or when the load starts (to align with it).
      if (cv_.wait_until(lock, due, [&] { return stop_ || start_ns_ != started; })) {
        if (stop_) break;
        continue;
      }
      lock.unlock();
      v1::AgentMessage m;
      if (due == whole) {
        *m.mutable_stats() = runtime_.Snapshot(false);
      } else {
        m.mutable_heartbeat();
      }
      const bool ok = writer_.Write(m);
      lock.lock();
      last = std::chrono::steady_clock::now();
      if (!ok) break;
    }
  }

  Writer& writer_;
  AgentRuntime& runtime_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t start_ns_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// Cancels the stream when the controller falls silent past the lease: the session thread, blocked
// in Read or Write, returns at once and stops the load.
class Watchdog {
 public:
  Watchdog(Lease& lease, grpc::ClientContext& ctx)
      : lease_(lease), ctx_(ctx), thread_([this] { Loop(); }) {}
  ~Watchdog() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool fired() const { return fired_; }

 private:
  void Loop() {
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (lease_.Expired(Now())) {
        fired_ = true;
        ctx_.TryCancel();
        return;
      }
    }
  }

  Lease& lease_;
  grpc::ClientContext& ctx_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

std::shared_ptr<grpc::Channel> Dial(const SessionOptions& o, const SessionLog& log) {
  grpc::ChannelArguments args;
  // Keepalives make a vanished controller (host down, no FIN) visible to gRPC too.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 3000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetMaxReceiveMessageSize(kMaxControlMessageBytes);
  args.SetMaxSendMessageSize(kMaxControlMessageBytes);
  auto channel = grpc::CreateCustomChannel(o.controller, Credentials(o), args);
  const auto start = std::chrono::steady_clock::now();
  auto next_log = start + std::chrono::seconds(10);
  for (;;) {
    if (channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(1))) {
      return channel;
    }
    const auto now = std::chrono::steady_clock::now();
    if (o.connect_timeout_s > 0 &&
        now - start > std::chrono::duration<double>(o.connect_timeout_s)) {
      return nullptr;
    }
    if (now >= next_log) {
      log("waiting for a controller at " + o.controller);
      next_log = now + std::chrono::seconds(10);
    }
  }
}

// The agent's /metrics when the run asks for it (null otherwise); the first scrape is reported
// to the controller, which may hold the load until every target has been scraped once.
std::unique_ptr<metrics::AgentMetrics> ServeMetrics(AgentRuntime& runtime,
                                                    const v1::Assignment& assignment,
                                                    const SessionOptions& o, Writer& writer) {
  if (!assignment.metrics().enabled() || o.metrics_port < 0) return nullptr;
  return std::make_unique<metrics::AgentMetrics>(runtime, assignment, o.agent_id, o.listen_host,
                                                 o.metrics_port, [&writer] {
                                                   v1::AgentMessage scraped;
                                                   scraped.mutable_metrics_scraped();
                                                   writer.Write(scraped);
                                                 });
}

}  // namespace

int RunSession(const SessionOptions& o) {
  const SessionLog log(o.agent_id);
  AddressPolicy peers;
  try {
    peers = AddressPolicy::Parse(o.allow_peers);
  } catch (const std::invalid_argument& e) {
    log(std::string("--allow-peers: ") + e.what());
    return kSessionRefused;
  }
  std::shared_ptr<grpc::Channel> channel;
  try {
    channel = Dial(o, log);
  } catch (const std::exception& e) {
    log(std::string("TLS: ") + e.what());
    return kSessionRefused;
  }
  if (!channel) {
    log("cannot reach the controller at " + o.controller + " within " +
        std::to_string(static_cast<int>(o.connect_timeout_s)) + " s");
    return kSessionLostLease;
  }
  auto stub = v1::Controller::NewStub(channel);
  grpc::ClientContext ctx;
  if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
  std::unique_ptr<Stream> stream = stub->Session(&ctx);
  Writer writer(stream.get());

  const std::string nonce = security::RandomBytes(16);
  v1::AgentMessage hello;
  auto* h = hello.mutable_hello();
  h->set_agent_id(o.agent_id);
  h->set_pid(static_cast<int>(getpid()));
  h->set_host(o.listen_host);
  h->set_version(kVersion);
  h->set_cores(static_cast<int>(std::thread::hardware_concurrency()));
  h->set_nonce(nonce);
  h->set_hostname(Hostname(o));
  h->add_capabilities("lease");
  h->add_capabilities("clock-sync");
  v1::ControllerMessage msg;
  // The first message that is not a heartbeat must be the Welcome (an older controller could
  // beat before welcoming).
  bool got = writer.Write(hello);
  while (got && (got = stream->Read(&msg)) && msg.has_heartbeat()) {
  }
  if (!got) {
    grpc::Status st;
    const std::string why = EndReason(*stream, &st);
    log("the controller at " + o.controller + " did not admit us (" + why + ")");
    return Refused(st) ? kSessionRefused : kSessionLostLease;
  }
  // A controller that cannot prove it holds the token gets no obedience: it could be anyone.
  if (!msg.has_welcome() ||
      (!o.token.empty() &&
       !security::ConstantTimeEquals(msg.welcome().proof(),
                                     security::HmacSha256(o.token, "controller" + nonce)))) {
    log("the controller at " + o.controller +
        " did not prove it holds the run's token: refusing its orders");
    ctx.TryCancel();
    return kSessionRefused;
  }
  Lease lease(static_cast<int64_t>(
      1e9 * (msg.welcome().lease_timeout_s() > 0 ? msg.welcome().lease_timeout_s() : 3)));
  lease.Heard(Now());
  Watchdog watchdog(lease, ctx);
  auto read = [&](v1::ControllerMessage* m) {
    while (stream->Read(m)) {
      lease.Heard(Now());
      if (!m->has_heartbeat()) return true;
    }
    return false;
  };
  auto lost = [&](const std::string& when) {
    const std::string why = watchdog.fired()
                                ? "no word from the controller for " +
                                      std::to_string(lease.timeout_ns() / 1000000) + " ms"
                                : EndReason(*stream);
    log("controller gone " + when + ": " + why);
    return kSessionLostLease;
  };
  if (!read(&msg) || !msg.has_assignment()) return lost("before the assignment");
  const v1::Assignment assignment = msg.assignment();

  AgentRuntime runtime(o.listen_host, o.seed, peers, "archload-agent " + o.agent_id);
  Pulse pulse(writer, runtime,
              std::chrono::milliseconds(static_cast<int>(
                  1000 * (assignment.stats_interval_s() > 0 ? assignment.stats_interval_s() : 1))));
  // The controller's clock, NTP-style, so every agent starts at the same instant.
  ClockSync clock;
  for (int i = 0; i < kClockProbes; ++i) {
    v1::AgentMessage probe;
    const int64_t t0 = Now();
    probe.mutable_time_probe()->set_agent_ns(t0);
    if (!writer.Write(probe) || !read(&msg)) return lost("during clock sync");
    if (!msg.has_time_echo()) break;  // a controller without clock sync: start on receipt
    clock.Add(msg.time_echo().agent_ns(), msg.time_echo().controller_ns(), Now());
  }
  v1::AgentMessage ready;
  std::unique_ptr<metrics::AgentMetrics> metrics;  // reads runtime, so it goes first
  try {
    *ready.mutable_ready() = runtime.Configure(assignment);
    metrics = ServeMetrics(runtime, assignment, o, writer);
    if (metrics) ready.mutable_ready()->set_metrics_port(metrics->port());
  } catch (const std::exception& e) {
    // Refuse the run before any load, and tell the controller why.
    log(std::string("cannot host the assignment: ") + e.what());
    SayGoodbye(writer, std::string("cannot host the assignment: ") + e.what());
    return kSessionRefused;
  }
  auto* cs = ready.mutable_ready()->mutable_clock();
  cs->set_offset_ns(clock.offset_ns());
  cs->set_rtt_ns(clock.rtt_ns());
  cs->set_samples(clock.samples());
  if (!writer.Write(ready)) return lost("before ready");
  while (read(&msg) && !msg.has_start()) {
    if (msg.has_time_echo()) continue;  // a late echo
  }
  if (!msg.has_start()) return lost("before the start");
  try {
    const auto& st = msg.start();
    const int64_t start_ns = st.start_at_ns() > 0 && clock.valid()
                                 ? clock.ToLocal(st.start_at_ns())
                                 : Now() + st.delay_ms() * 1000000;
    runtime.StartAt(st, start_ns);
  } catch (const std::exception& e) {
    log(std::string("refusing to start: ") + e.what());
    SayGoodbye(writer, std::string("refusing to start: ") + e.what());
    return kSessionRefused;
  }
  pulse.StartStats(runtime.start_ns());

  int code = kSessionLostLease;  // unless the controller collects, the lease is lost
  while (read(&msg)) {
    if (msg.has_stop()) {
      runtime.StopLoad();
      // Drain: let this agent's requests in flight finish (bounded), then say so at once.
      const auto deadline =
          std::chrono::steady_clock::now() +
          std::chrono::milliseconds(static_cast<int>(1000 * msg.stop().drain_s()));
      while (runtime.InFlight() > 0 && std::chrono::steady_clock::now() < deadline &&
             !lease.Expired(Now())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      v1::AgentMessage drained;
      *drained.mutable_stats() = runtime.Snapshot(false);
      writer.Write(drained);
    } else if (msg.has_collect()) {
      pulse.Stop();
      v1::AgentMessage final_stats;
      *final_stats.mutable_stats() = runtime.Snapshot(true);
      writer.Write(final_stats);
      SayGoodbye(writer, "collected");
      code = kSessionDone;
      // Keep serving until the controller ends the run: other agents may still call us.
    }
  }
  if (metrics) metrics->Detach();  // the runtime stops below: serve what was read last
  if (code != kSessionDone) {
    // The lease is lost: stop every generator first, then say why.
    runtime.StopLoad();
    pulse.Stop();
    runtime.Shutdown();
    writer.Close();
    return lost("during the run; load stopped");
  }
  pulse.Stop();
  runtime.Shutdown();
  writer.Close();
  stream->WritesDone();
  stream->Finish();
  // Nothing lost at the end: the final figures stay up until a scrape has taken them.
  if (metrics) metrics->Linger();
  return kSessionDone;
}

int RunAgent(const SessionOptions& o) {
  for (;;) {
    const int code = RunSession(o);
    if (!o.reconnect || code == kSessionRefused) return code;
    SessionLog(o.agent_id)("waiting for the next run");
  }
}

}  // namespace archload::agent
