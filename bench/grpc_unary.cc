// gRPC unary on loopback, the peer of bench/round_trip: a synchronous echo server (gRPC's usual
// form) and an asynchronous client keeping N calls outstanding on one completion queue. The
// server's threads start on CPU 1 and the client on CPU 0 (both on CPU 0 with --same-core), as
// round_trip lays out its driver and sink.
//
//   grpc_unary [--outstanding N] [--seconds S] [--same-core]
//
// Prints grpc_rps, grpc_rtt_us (wall / answered × outstanding) and grpc_cpu_us_per_call (the
// whole process, client and server, / answered).

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "bench/flags.h"
#include "common/sys/cpu.h"
#include "proto/echo.grpc.pb.h"

namespace {

using archload::bench::Echo;
using archload::bench::Ping;

class EchoService final : public Echo::Service {
  grpc::Status Call(grpc::ServerContext*, const Ping* in, Ping* out) override {
    *out = *in;
    return grpc::Status::OK;
  }
};

struct Call {
  grpc::ClientContext ctx;
  Ping request;
  Ping reply;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Ping>> rpc;
};

double NowS() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  const archload::bench::Flags flags(argc, argv, {{"--seconds", 3}, {"--outstanding", 1}},
                                     {"--same-core"});
  const double seconds = flags.Get("--seconds");
  const int outstanding = flags.GetInt("--outstanding");
  const bool same_core = flags.On("--same-core");
  archload::sys::PinThisThread(same_core ? 0 : 1);
  EchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "grpc_unary: cannot start the echo server\n");
    return 1;
  }
  archload::sys::PinThisThread(0);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto stub = Echo::NewStub(channel);
  grpc::CompletionQueue cq;
  uint64_t answered = 0, failed = 0;
  auto start = [&] {
    auto* call = new Call;
    call->request.set_key(answered);
    call->rpc = stub->AsyncCall(&call->ctx, call->request, &cq);
    call->rpc->Finish(&call->reply, &call->status, call);
  };
  for (int i = 0; i < outstanding; ++i) start();

  // Warm-up, then the measured window; each completion starts the next call.
  const double warm_end = NowS() + 0.5;
  double t0 = 0, cpu0 = 0, end = 0;
  uint64_t n0 = 0;
  int in_flight = outstanding;
  bool measuring = false;
  while (in_flight > 0) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) break;
    auto* call = static_cast<Call*>(tag);
    --in_flight;
    (ok && call->status.ok()) ? ++answered : ++failed;
    delete call;
    const double now = NowS();
    if (!measuring && now >= warm_end) {
      measuring = true;
      t0 = now;
      cpu0 = archload::sys::ProcessCpuNs() / 1e9;
      n0 = answered;
      end = now + seconds;
    }
    if (measuring && now >= end) continue;  // drain the rest
    start();
    ++in_flight;
  }
  const double wall = NowS() - t0;
  const double cpu = archload::sys::ProcessCpuNs() / 1e9 - cpu0;
  const double calls = static_cast<double>(answered - n0);
  server->Shutdown();
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) delete static_cast<Call*>(tag);  // gRPC wants it drained
  std::printf("grpc_rps=%.0f\n", calls / wall);
  std::printf("grpc_rtt_us=%.1f\n", calls > 0 ? wall * 1e6 / calls * outstanding : 0.0);
  std::printf("grpc_cpu_us_per_call=%.2f\n", calls > 0 ? cpu * 1e6 / calls : 0.0);
  return failed == 0 && calls > 0 ? 0 : 1;
}
