// Fuzz target: data-plane frames (agents/net/frame.h) as an agent's listener receives them from
// any process that can reach its port, and the agent's handling of each frame it decoded. The
// bytes are one TCP stream: frames are decoded one after another the way Connection::OnRead does
// (agents/net/connection.cc), reusing one Frame, until the decoder wants more bytes or rejects
// the stream. Each decoded frame goes to the agent's real Listener::OnFrame, which routes it to
// the Instance it names (or answers it as unroutable); instances queue, serve, reject, run their
// call rules (Task) and answer on the connection, brokers publish and deliver.
//
// The agent is built the way AgentRuntime::Configure/Start build it, without its thread and
// without sockets: a Fleet configured from an Assignment of six groups (client, service, cache
// with a key space, store, broker, worker), an Instance per hosted instance routed by a Listener
// that never binds, and an endpoint table whose one peer has no address. A downstream call
// therefore fails at once as the harness's (as a call to an unreachable agent does), so the
// whole input is handled synchronously. Service times are zero except the worker's (1 ms, one at
// a time, a queue of 1): its requests queue and are rejected, and the timers never fire within an
// input. Everything is rebuilt per input with a fixed seed, so an input's outcome is its own.
//
// Properties, beyond "no crash, no sanitizer report":
//   - a decoded frame consumed exactly EncodedSize() bytes, and EncodeTo gives those bytes back
//     (the decoder accepts one spelling of each frame, so what an agent forwards is what it got);
//   - the verdict does not depend on how the stream was split: every proper prefix of a frame
//     that decodes asks for more bytes (0) rather than rejecting it or decoding something else;
//   - every group's visits add up: received = completed + rejected + failed + harness_failed +
//     in service + queued, and no counter goes negative.
//
// A change of header layout needs no change here (only new seeds: tests/fuzz/corpus/frame_fuzz/,
// written by make_seeds.cc).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agents/net/connection.h"
#include "agents/net/frame.h"
#include "agents/runtime/fleet.h"
#include "agents/runtime/instance.h"
#include "agents/runtime/listener.h"

namespace {

using archload::agent::Frame;

[[noreturn]] void Fail(const char* what, size_t offset) {
  std::fprintf(stderr, "frame_fuzz: %s (frame at stream offset %zu)\n", what, offset);
  std::abort();
}

using archload::agent::Connection;
using archload::agent::Fleet;
using archload::agent::Instance;
using archload::agent::Listener;
using archload::agent::PeerTable;
namespace v1 = archload::v1;

// Group indices of the fuzzed fleet (the seeds name them: make_seeds.cc).
enum Group { kClient, kService, kCache, kStore, kBroker, kWorker, kGroups };

v1::GroupSpec* AddGroup(v1::Assignment& a, const char* name, const char* type, v1::Role role,
                        int count, double service_ms) {
  auto* g = a.add_groups();
  g->set_index(a.groups_size() - 1);
  g->set_name(name);
  g->set_type(type);
  g->set_role(role);
  g->set_count(count);
  g->set_concurrency(1);
  g->set_queue_limit(1);
  for (auto* st : {g->mutable_read(), g->mutable_write()}) {
    st->set_distribution("fixed");
    st->set_mean_ms(service_ms);
  }
  return g;
}

// The run as the controller would assign it to an agent hosting every non-client instance.
const v1::Assignment& TheAssignment() {
  static const v1::Assignment assignment = [] {
    v1::Assignment a;
    a.set_run_id("fuzz");
    a.set_data_secret(std::string(32, 's'));
    auto* client = AddGroup(a, "client", "client", v1::ROLE_CLIENT, 1, 0);
    client->add_downstream(kService);
    auto* svc = AddGroup(a, "api", "app", v1::ROLE_SERVICE, 2, 0);
    svc->set_concurrency(4);
    svc->set_queue_limit(4);
    for (int d : {kCache, kStore, kBroker}) svc->add_downstream(d);
    auto* cache = AddGroup(a, "cache", "redis", v1::ROLE_CACHE, 2, 0);
    cache->set_keyspace_capacity(4);
    cache->set_hit_rate(0.5);
    AddGroup(a, "db", "postgres", v1::ROLE_STORE, 1, 0);
    auto* broker = AddGroup(a, "queue", "kafka", v1::ROLE_BROKER, 1, 0);
    broker->add_downstream(kWorker);
    AddGroup(a, "worker", "app", v1::ROLE_WORKER, 2, 1.0);
    for (int g = kService; g < kGroups; ++g) {
      auto* hosted = a.add_hosted();
      hosted->set_group(g);
      for (int i = 0; i < a.groups(g).count(); ++i) hosted->add_instances(i);
    }
    return a;
  }();
  return assignment;
}

// One agent hosting the assignment, fed frames as its listener gets them from one connection.
class Agent {
 public:
  Agent() : fleet_(io_, 1), listener_(io_, TheAssignment().data_secret(), fleet_.health()) {
    const auto& a = TheAssignment();
    fleet_.health().set_quiet();  // counted, not logged: the fuzzer would drown in it
    fleet_.Configure(a);
    for (const auto& hosted : a.hosted()) {
      for (uint32_t index : hosted.instances()) {
        instances_.push_back(
            std::make_unique<Instance>(fleet_, hosted.group(), static_cast<int>(index)));
        listener_.Route(instances_.back().get());
      }
    }
    // Start: every instance on the one peer, which has no address (no connection is made).
    PeerTable table;
    table.peers.push_back({"", 0});
    for (const auto& g : a.groups()) table.peer_of.emplace_back(g.count(), 0);
    fleet_.peers().SetTable(std::move(table));
    // The caller: a connection that is never started, so what is sent on it is only held.
    conn_ = std::make_shared<Connection>(asio::ip::tcp::socket(io_), Connection::Side::kAccepting,
                                         "", &fleet_.health());
  }

  void Handle(Frame& frame) { listener_.OnFrame(conn_, frame); }

  void CheckCounters(size_t offset) const {
    for (size_t g = 0; g < fleet_.group_count(); ++g) {
      const auto& c = fleet_.group(static_cast<int>(g)).counters;
      if (c.in_service < 0 || c.queue_depth < 0 || c.broker_depth < 0) {
        Fail("a group's in-service, queue or broker depth went negative", offset);
      }
      const uint64_t ended = c.completed + c.rejected + c.failed + c.harness_failed;
      if (c.received != ended + static_cast<uint64_t>(c.in_service + c.queue_depth)) {
        Fail("a group's visits do not add up to what it received", offset);
      }
    }
  }

 private:
  asio::io_context io_;  // never run: timers stay pending and die with the agent
  Fleet fleet_;
  Listener listener_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::shared_ptr<Connection> conn_;
};

void CheckPrefixesAskForMore(const uint8_t* data, size_t frame_size, size_t offset) {
  Frame scratch;
  for (size_t n = 0; n < frame_size; ++n) {
    const auto got = Frame::Decode(data, n, &scratch);
    if (!got) Fail("a prefix of a valid frame was rejected", offset);
    if (*got != 0) Fail("a prefix of a valid frame decoded as a frame", offset);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Agent agent;
  Frame frame;  // reused across frames, as the connection does
  size_t pos = 0;
  std::string encoded;
  while (pos < size) {
    const auto consumed = Frame::Decode(data + pos, size - pos, &frame);
    if (!consumed) break;       // garbage: the connection is dropped
    if (*consumed == 0) break;  // the stream ends inside a frame
    if (*consumed > size - pos) Fail("decoder consumed more bytes than it was given", pos);
    if (*consumed != frame.EncodedSize()) Fail("consumed bytes differ from EncodedSize()", pos);
    encoded.clear();
    frame.EncodeTo(encoded);
    if (encoded.size() != *consumed || std::memcmp(encoded.data(), data + pos, *consumed) != 0) {
      Fail("re-encoding a decoded frame gave different bytes", pos);
    }
    CheckPrefixesAskForMore(data + pos, *consumed, pos);
    agent.Handle(frame);
    agent.CheckCounters(pos);
    pos += *consumed;
  }
  return 0;
}
