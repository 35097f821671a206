// What an agent's listener does with traffic that is not its run's: connections without the
// run's secret, frames with out-of-range fields, requests for instances it does not host, and
// peers that never read. Each over a real loopback socket against a real AgentRuntime or
// Listener; each refusal is counted and the agent keeps serving.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "agents/runtime/agent_runtime.h"
#include "agents/runtime/instance.h"
#include "agents/runtime/listener.h"
#include "tests/support/raw_peer.h"

namespace archload::agent {
namespace {

using namespace std::chrono_literals;
using testing::RawPeer;

const std::string kSecret(32, 'k');

// One client group (hosted elsewhere) calling one service group with 2 instances, both here.
v1::Assignment OneService(int count = 2) {
  v1::Assignment a;
  a.set_run_id("guard");
  a.set_data_secret(kSecret);
  auto* c = a.add_groups();
  c->set_index(0);
  c->set_name("client");
  c->set_role(v1::ROLE_CLIENT);
  c->set_count(1);
  c->add_downstream(1);
  auto* s = a.add_groups();
  s->set_index(1);
  s->set_name("svc");
  s->set_type("app");
  s->set_role(v1::ROLE_SERVICE);
  s->set_count(count);
  s->set_concurrency(4);
  s->set_queue_limit(100);
  for (auto* st : {s->mutable_read(), s->mutable_write()}) st->set_distribution("fixed");
  auto* hosted = a.add_hosted();
  hosted->set_group(1);
  hosted->add_instances(0);
  hosted->add_instances(1);
  return a;
}

v1::Start StartFor(const v1::Ready& ready, int count = 2) {
  v1::Start st;
  *st.add_agents() = ready.listener();
  for (int g : {0, 1}) {
    auto* p = st.add_placement();
    p->set_group(g);
    for (int i = 0; i < (g == 0 ? 1 : count); ++i) p->add_agent(0);
  }
  return st;
}

Frame Request(uint16_t group, uint32_t instance, uint64_t id = 1) {
  Frame f;
  f.kind = FrameKind::kRequest;
  f.target_group = group;
  f.target_instance = instance;
  f.request_id = id;
  f.AddHop(0, 0, 0);
  return f;
}

std::optional<Frame> ReadFrame(RawPeer& peer) {
  auto head = peer.ReadExactly(4);
  if (!head) return std::nullopt;
  uint32_t body;
  std::memcpy(&body, head->data(), 4);
  auto rest = peer.ReadExactly(body);
  if (!rest) return std::nullopt;
  const std::string bytes = *head + *rest;
  Frame f;
  if (!Frame::Decode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &f)) {
    return std::nullopt;
  }
  return f;
}

class GuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ready_ = runtime_.Configure(OneService());
    runtime_.Start(StartFor(ready_));
    port_ = ready_.listener().port();
  }
  v1::DataPlaneHealth Health() { return runtime_.Snapshot(false).health().data_plane(); }
  uint64_t Received() { return runtime_.Snapshot(false).groups(1).received(); }

  AgentRuntime runtime_{"127.0.0.1", 1};
  v1::Ready ready_;
  int port_ = 0;
};

TEST_F(GuardTest, AFrameWithoutTheHandshakeIsRefusedAndNeverServed) {
  RawPeer rogue(port_);
  rogue.Send(Request(1, 0));  // a perfectly valid request, but no proof of membership
  EXPECT_TRUE(rogue.ClosedWithin(10s));
  EXPECT_EQ(Health().refused_connections(), 1u);
  EXPECT_EQ(Received(), 0u);
}

TEST_F(GuardTest, AWrongSecretIsRefusedAndNeverServed) {
  RawPeer rogue(port_);
  EXPECT_FALSE(rogue.Handshake(std::string(32, 'x')));
  rogue.Send(Request(1, 0));
  EXPECT_TRUE(rogue.ClosedWithin(10s));
  EXPECT_EQ(Health().refused_connections(), 1u);
  EXPECT_EQ(Received(), 0u);
}

TEST_F(GuardTest, ASilentConnectionIsDroppedAfterTheHandshakeTimeout) {
  RawPeer idle(port_);
  EXPECT_TRUE(idle.ClosedWithin(std::chrono::milliseconds(Connection::kHandshakeTimeoutMs + 5000)));
  EXPECT_EQ(Health().refused_connections(), 1u);
}

// The 40-byte frame that crashed agents before: a request class out of range (2, 5, 200)
// indexed past the call rules. Now the frame is refused, counted by field, the connection
// dropped, and the agent goes on serving the run.
TEST_F(GuardTest, OutOfRangeClassIsDroppedAndTheAgentKeepsServing) {
  for (uint8_t cls : {2, 5, 200}) {
    RawPeer peer(port_);
    ASSERT_TRUE(peer.Handshake(kSecret));
    std::string bytes;
    Request(1, 0).EncodeTo(bytes);
    bytes[5] = static_cast<char>(cls);
    peer.Write(bytes);
    EXPECT_TRUE(peer.ClosedWithin(10s)) << int(cls);
  }
  EXPECT_EQ(Health().invalid_frames().at("class"), 3u);
  RawPeer good(port_);
  ASSERT_TRUE(good.Handshake(kSecret));
  good.Send(Request(1, 1, 77));
  auto reply = ReadFrame(good);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->kind, FrameKind::kResponse);
  EXPECT_EQ(reply->status, FrameStatus::kOk);
  EXPECT_EQ(reply->request_id, 77u);
}

TEST_F(GuardTest, UnknownFlagsAndStatusAreRefusedByField) {
  RawPeer flags(port_);
  ASSERT_TRUE(flags.Handshake(kSecret));
  std::string bytes;
  Request(1, 0).EncodeTo(bytes);
  bytes[6] = static_cast<char>(0x80);
  flags.Write(bytes);
  EXPECT_TRUE(flags.ClosedWithin(10s));
  RawPeer status(port_);
  ASSERT_TRUE(status.Handshake(kSecret));
  bytes.clear();
  Request(1, 0).EncodeTo(bytes);
  bytes[7] = 9;
  status.Write(bytes);
  EXPECT_TRUE(status.ClosedWithin(10s));
  const auto h = Health();
  EXPECT_EQ(h.invalid_frames().at("flags"), 1u);
  EXPECT_EQ(h.invalid_frames().at("status"), 1u);
  EXPECT_EQ(Received(), 0u);
}

TEST_F(GuardTest, ARequestForAnInstanceNotHostedHereIsAHarnessErrorNotACrash) {
  RawPeer peer(port_);
  ASSERT_TRUE(peer.Handshake(kSecret));
  for (auto [g, i] : {std::pair<uint16_t, uint32_t>{1, 2}, {1, 4000000000u}, {0, 0}, {999, 0}}) {
    peer.Send(Request(g, i, 5));
    auto reply = ReadFrame(peer);
    ASSERT_TRUE(reply) << g << "/" << i;
    EXPECT_EQ(reply->status, FrameStatus::kHarness);
  }
  EXPECT_EQ(Health().unroutable_frames(), 4u);
}

TEST(AgentRuntimeGuard, AStartNamingAPeerOutsideTheAllowedAddressesIsRefusedBeforeLoad) {
  AgentRuntime runtime("127.0.0.1", 1);  // loopback only, the default
  const auto ready = runtime.Configure(OneService());
  v1::Start st = StartFor(ready);
  st.mutable_agents(0)->set_host("10.1.2.3");
  try {
    runtime.Start(st);
    FAIL() << "a peer outside loopback was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.1.2.3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("allowed peers"), std::string::npos) << e.what();
  }
}

TEST(AgentRuntimeGuard, InconsistentAssignmentsAreRefusedWithTheReason) {
  {
    AgentRuntime runtime("127.0.0.1", 1);
    auto a = OneService();
    a.mutable_groups(1)->add_downstream(7);
    EXPECT_THROW(runtime.Configure(a), std::invalid_argument);
  }
  {
    AgentRuntime runtime("127.0.0.1", 1);
    auto a = OneService();
    a.mutable_hosted(0)->add_instances(2);  // the group has 2
    EXPECT_THROW(runtime.Configure(a), std::invalid_argument);
  }
  {
    AgentRuntime runtime("127.0.0.1", 1);
    const auto ready = runtime.Configure(OneService());
    v1::Start st = StartFor(ready);
    st.mutable_placement(1)->add_agent(5);  // one instance too many, on an agent that is not
    EXPECT_THROW(runtime.Start(st), std::invalid_argument);
  }
}

// Instance indices travel in 32 bits: a group of 70,001 instances routes its last one.
TEST(AgentRuntimeGuard, InstancesBeyond65535AreAddressable) {
  AgentRuntime runtime("127.0.0.1", 1);
  auto a = OneService(70001);
  a.mutable_hosted(0)->clear_instances();
  a.mutable_hosted(0)->add_instances(70000);
  const auto ready = runtime.Configure(a);
  runtime.Start(StartFor(ready, 70001));
  RawPeer peer(ready.listener().port());
  ASSERT_TRUE(peer.Handshake(kSecret));
  peer.Send(Request(1, 70000, 9));
  auto reply = ReadFrame(peer);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, FrameStatus::kOk);
  peer.Send(Request(1, 70000 - 65536, 10));  // what a 16-bit field would have routed to
  reply = ReadFrame(peer);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, FrameStatus::kHarness);
}

// A caller that sends requests and never reads the answers is disconnected at the bound, not
// buffered without end.
TEST(ListenerGuard, APeerThatNeverReadsIsDisconnectedAtTheBound) {
  asio::io_context io;
  Fleet fleet(io, 1);
  fleet.Configure(OneService());
  Instance instance(fleet, 1, 0);
  Listener listener(io, kSecret, fleet.health(), /*max_queued_bytes=*/64 * 1024);
  listener.Route(&instance);
  const int port = listener.Listen("127.0.0.1");
  std::thread loop([&] { io.run_for(60s); });
  {
    RawPeer greedy(port);
    ASSERT_TRUE(greedy.Handshake(kSecret));
    std::string batch;
    for (int i = 0; i < 1000; ++i) Request(1, 0, i).EncodeTo(batch);
    // Kernel buffers absorb a few MB of answers first; the bound trips after them.
    bool open = true;
    for (int i = 0; i < 5000 && open; ++i) open = greedy.Write(batch);
    EXPECT_FALSE(open) << "200 MB of requests and the listener never gave up on us";
  }
  asio::post(io, [&] {
    listener.Close();
    io.stop();
  });
  loop.join();
  EXPECT_EQ(fleet.health().counters().overflow_disconnects, 1u);
}

// Descriptors run out (EMFILE): the requests that cannot get a connection fail as harness errors,
// counted as connect errors, never as the design's failures, and nothing crashes.
TEST(PeerPoolGuard, DescriptorExhaustionFailsRequestsAsHarnessErrors) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizers' own checks open pipes; with no descriptor left they misreport (UBSan's vptr
  // check reads "invalid vptr"). The plain build runs this test.
  GTEST_SKIP() << "needs a build without sanitizers: their runtime needs free descriptors";
#endif
  asio::io_context io;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> peers;
  std::vector<std::vector<EndpointAddress>> table(1);
  for (int i = 0; i < 20; ++i) {
    peers.push_back(std::make_unique<asio::ip::tcp::acceptor>(
        io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)));
    table[0].push_back({"127.0.0.1", peers.back()->local_endpoint().port()});
  }
  NetHealth health;
  PeerPool pool(io, kSecret, health);
  pool.SetEndpoints(table);
  // An agent's io_context is long initialised when descriptors run out: do the same here (asio
  // creates its reactor and timer machinery lazily, and cannot without a descriptor).
  asio::steady_timer warm(io, 1ms);
  warm.async_wait([](const asio::error_code&) {});
  io.run_for(20ms);
  io.restart();
  int open_fds = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++open_fds;
  }
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(open_fds + 2);  // room for two more sockets, not twenty
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  int harness = 0, other = 0;
  for (int i = 0; i < 20; ++i) {
    Frame f = Request(0, static_cast<uint32_t>(i));
    pool.Send(0, i, f, [&](const Frame& reply) {
      (reply.status == FrameStatus::kHarness ? harness : other)++;
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (harness + other < 20 && std::chrono::steady_clock::now() < give_up) {
    io.run_one_for(10ms);
  }
  setrlimit(RLIMIT_NOFILE, &saved);
  EXPECT_EQ(harness, 20);
  EXPECT_EQ(other, 0);
  EXPECT_GE(health.counters().connect_errors, 10u);  // all but the few sockets there was room for
  pool.Shutdown();
}

}  // namespace
}  // namespace archload::agent
