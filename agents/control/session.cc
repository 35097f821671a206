#include "agents/control/session.h"

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "agents/metrics/agent_metrics.h"
#include "agents/runtime/agent_runtime.h"
#include "archload/v1/control.grpc.pb.h"
#include "common/version/version.h"

namespace archload::agent {

namespace {

using Stream = grpc::ClientReaderWriter<v1::AgentMessage, v1::ControllerMessage>;

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

// Why the stream ended, from gRPC's status: "unauthenticated: ..." tells a wrong token from a
// controller that went away.
std::string EndReason(Stream& stream) {
  const grpc::Status st = stream.Finish();
  if (st.ok()) return "the controller ended the session";
  return "gRPC status " + std::to_string(st.error_code()) + ": " + st.error_message();
}

void SayGoodbye(Writer& writer, const std::string& reason) {
  v1::AgentMessage bye;
  bye.mutable_goodbye()->set_reason(reason);
  writer.Write(bye);
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
    return 2;
  }
  grpc::ChannelArguments args;
  // Keepalives make a vanished controller (host down, no FIN) visible within seconds.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 3000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetMaxReceiveMessageSize(kMaxControlMessageBytes);
  args.SetMaxSendMessageSize(kMaxControlMessageBytes);
  auto channel = grpc::CreateCustomChannel(o.controller, grpc::InsecureChannelCredentials(), args);
  auto stub = v1::Controller::NewStub(channel);
  grpc::ClientContext ctx;
  if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
  std::unique_ptr<Stream> stream = stub->Session(&ctx);
  Writer writer(stream.get());

  v1::AgentMessage hello;
  hello.mutable_hello()->set_agent_id(o.agent_id);
  hello.mutable_hello()->set_pid(static_cast<int>(getpid()));
  hello.mutable_hello()->set_host(o.listen_host);
  hello.mutable_hello()->set_version(kVersion);
  hello.mutable_hello()->set_cores(static_cast<int>(std::thread::hardware_concurrency()));
  v1::ControllerMessage msg;
  if (!writer.Write(hello) || !stream->Read(&msg) || !msg.has_assignment()) {
    log("no assignment from the controller at " + o.controller + " (" + EndReason(*stream) + ")");
    return 3;
  }
  AgentRuntime runtime(o.listen_host, o.seed, peers, "archload-agent " + o.agent_id);
  const v1::Assignment assignment = msg.assignment();
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
    return 2;
  }
  if (!writer.Write(ready)) return 3;
  if (!stream->Read(&msg) || !msg.has_start()) {
    log("no start from the controller (" + EndReason(*stream) + ")");
    return 3;
  }
  try {
    runtime.Start(msg.start());
  } catch (const std::exception& e) {
    log(std::string("refusing to start: ") + e.what());
    SayGoodbye(writer, std::string("refusing to start: ") + e.what());
    return 2;
  }

  std::mutex mu;
  std::condition_variable cv;
  bool stop_stats = false;
  const auto interval = std::chrono::milliseconds(static_cast<int>(
      1000 * (assignment.stats_interval_s() > 0 ? assignment.stats_interval_s() : 1)));
  std::thread stats([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, interval, [&] { return stop_stats; })) {
      lock.unlock();
      v1::AgentMessage m;
      *m.mutable_stats() = runtime.Snapshot(false);
      const bool ok = writer.Write(m);
      lock.lock();
      if (!ok) break;
    }
  });
  auto end_stats = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop_stats = true;
    }
    cv.notify_all();
    if (stats.joinable()) stats.join();
  };

  int code = 3;  // unless the controller collects, the lease is lost
  while (stream->Read(&msg)) {
    if (msg.has_stop()) {
      runtime.StopLoad();
      // Drain: let this agent's requests in flight finish (bounded), then say so at once.
      const auto deadline =
          std::chrono::steady_clock::now() +
          std::chrono::milliseconds(static_cast<int>(1000 * msg.stop().drain_s()));
      while (runtime.InFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      v1::AgentMessage drained;
      *drained.mutable_stats() = runtime.Snapshot(false);
      writer.Write(drained);
    } else if (msg.has_collect()) {
      end_stats();
      v1::AgentMessage final_stats;
      *final_stats.mutable_stats() = runtime.Snapshot(true);
      writer.Write(final_stats);
      SayGoodbye(writer, "collected");
      code = 0;
      // Keep serving until the controller ends the run: other agents may still call us.
    }
  }
  if (metrics) metrics->Detach();  // the runtime stops below: serve what was read last
  if (code != 0) {
    // The lease is lost: stop every generator first, then find out why.
    runtime.Shutdown();
    end_stats();
    writer.Close();
    log("controller gone, load stopped (" + EndReason(*stream) + ")");
    return code;
  }
  runtime.Shutdown();
  writer.Close();
  stream->WritesDone();
  stream->Finish();
  // Nothing lost at the end: the final figures stay up until a scrape has taken them.
  if (metrics) metrics->Linger();
  return 0;
}

}  // namespace archload::agent
