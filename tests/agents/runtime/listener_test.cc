#include "agents/runtime/listener.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "agents/net/peer_pool.h"

namespace archload::agent {
namespace {

using namespace std::chrono_literals;

const std::string kSecret(32, 's');

// A request for an instance this agent does not host (a stale endpoint table) is answered at
// once with a failure, over a real loopback connection, so the caller never waits forever.
TEST(ListenerTest, RequestForAnInstanceHostedElsewhereFailsFast) {
  asio::io_context io;
  NetHealth health;
  Listener listener(io, kSecret, health);
  const int port = listener.Listen("127.0.0.1");
  ASSERT_GT(port, 0);
  PeerPool peers(io, kSecret, health);
  peers.SetEndpoints({{}, {{"127.0.0.1", port}, {"127.0.0.1", port}}});
  int answered = 0;
  FrameStatus status = FrameStatus::kOk;
  Frame f;
  f.kind = FrameKind::kRequest;
  peers.Send(1, 1, f, [&](const Frame& reply) {
    ++answered;
    status = reply.status;
  });
  EXPECT_EQ(peers.Outstanding(1, 1), 1);
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (answered == 0 && std::chrono::steady_clock::now() < give_up) io.run_one_for(10ms);
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(status, FrameStatus::kHarness);  // the table was wrong: the harness's fault
  EXPECT_EQ(health.counters().unroutable_frames, 1u);
  EXPECT_EQ(peers.Outstanding(1, 1), 0);
  EXPECT_EQ(peers.InFlight(), 0u);
  listener.Close();
  peers.Shutdown();
}

// Two instances on one agent share its port: the pool opens one connection for both, and
// losing it fails the requests in flight to either.
TEST(ListenerTest, InstancesOfOneAgentShareOneConnection) {
  asio::io_context io;
  NetHealth health;
  PeerPool peers(io, kSecret, health);
  // Nobody listens on this port (bound, never listening): the connect fails.
  asio::ip::tcp::acceptor closed(io,
                                 asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const int port = closed.local_endpoint().port();
  closed.close();
  peers.SetEndpoints({{{"127.0.0.1", port}, {"127.0.0.1", port}}});
  int failed = 0;
  for (int i : {0, 1}) {
    Frame f;
    peers.Send(0, i, f, [&](const Frame& reply) {
      if (reply.status == FrameStatus::kHarness) ++failed;
    });
  }
  EXPECT_EQ(peers.InFlight(), 2u);
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (failed < 2 && std::chrono::steady_clock::now() < give_up) io.run_one_for(10ms);
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(peers.Outstanding(0, 0), 0);
  EXPECT_EQ(peers.Outstanding(0, 1), 0);
}

// A probe of the harness's round trip (agents/runtime/hop_prober.h) is answered by the listener
// itself, for no instance, and does not count as the design's traffic to that peer.
TEST(ListenerTest, AProbeIsAnsweredAtOnceByTheListener) {
  asio::io_context io;
  NetHealth health;
  Listener listener(io, kSecret, health);
  const int port = listener.Listen("127.0.0.1");
  ASSERT_GT(port, 0);
  PeerPool peers(io, kSecret, health);
  // Group 0 is a load generator's: its agent has no listener, and is never probed.
  peers.SetEndpoints({{{"", 0}}, {{"127.0.0.1", port}}});
  const auto targets = peers.ProbeTargets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0], std::make_pair(1, 0));
  int answered = 0;
  FrameStatus status = FrameStatus::kHarness;
  Frame f;
  f.kind = FrameKind::kRequest;
  f.flags = kFlagProbe;
  peers.Send(targets[0].first, targets[0].second, f, [&](const Frame& reply) {
    ++answered;
    status = reply.status;
  });
  EXPECT_EQ(peers.Outstanding(1, 0), 0);  // balancing does not see it
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (answered == 0 && std::chrono::steady_clock::now() < give_up) io.run_one_for(10ms);
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(status, FrameStatus::kOk);  // no instance is routed: the listener answered it
  EXPECT_EQ(health.counters().unroutable_frames, 0u);
  EXPECT_EQ(peers.sent_per_peer()[0], 0u);
  listener.Close();
  peers.Shutdown();
}

}  // namespace
}  // namespace archload::agent
