#include "agents/net/local_link.h"

#include <gtest/gtest.h>

#include "agents/net/peer_pool.h"

namespace archload::agent {
namespace {

// Peer 0 is this agent (in-process), peer 1 another one nobody will reach in these tests.
struct Pool {
  asio::io_context io;
  NetHealth health;
  PeerPool peers{io, std::string(32, 's'), health};
  std::vector<Frame> delivered;
  bool answer = true;

  Pool() {
    PeerTable t;
    t.peers = {{"127.0.0.1", 1}, {"127.0.0.1", 2}};
    t.peer_of = {{0, 0, 1}};
    peers.SetTable(t);
    peers.EnableLocal(0, [this](const std::shared_ptr<FrameSink>& reply, Frame& f) {
      delivered.push_back(f);
      if (!answer) return;
      f.kind = FrameKind::kResponse;
      f.status = FrameStatus::kOk;
      reply->Send(f);
    });
  }
};

TEST(LocalLink, CallsToThisAgentsInstancesSkipTheSocketAndKeepTheirBookkeeping) {
  Pool p;
  int answered = 0;
  Frame f;
  f.key = 42;
  p.peers.Send(0, 1, f, [&](const Frame& reply) {
    ++answered;
    EXPECT_EQ(reply.status, FrameStatus::kOk);
    EXPECT_EQ(reply.key, 42u);
  });
  // Never inside Send: the caller's code must not be re-entered.
  EXPECT_EQ(answered, 0);
  EXPECT_EQ(p.peers.Outstanding(0, 1), 1);
  EXPECT_EQ(p.peers.InFlight(), 1u);
  ASSERT_NE(p.peers.local(), nullptr);
  EXPECT_TRUE(p.peers.local()->pending());
  // One drain carries the request and the answer it queued.
  EXPECT_EQ(p.peers.local()->Drain(100), 2u);
  EXPECT_FALSE(p.peers.local()->pending());
  ASSERT_EQ(p.delivered.size(), 1u);
  EXPECT_EQ(p.delivered[0].target_instance, 1u);
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(p.peers.Outstanding(0, 1), 0);
  EXPECT_EQ(p.peers.InFlight(), 0u);
  EXPECT_EQ(p.peers.calls_in_process(), 1u);
  EXPECT_EQ(p.peers.calls_over_sockets(), 0u);
  EXPECT_EQ(p.peers.Connections(), 0u);  // no socket was opened
}

TEST(LocalLink, FramesKeepTheirOrderAndADrainIsBounded) {
  Pool p;
  std::vector<uint64_t> order;
  for (uint64_t k = 0; k < 10; ++k) {
    Frame f;
    f.key = k;
    p.peers.Send(0, static_cast<int>(k % 2), f, [&](const Frame& r) { order.push_back(r.key); });
  }
  // 10 requests and their 10 answers: 4 frames per drain leave work for the next turns.
  EXPECT_EQ(p.peers.local()->Drain(4), 4u);
  EXPECT_TRUE(p.peers.local()->pending());
  for (int turn = 0; turn < 10 && p.peers.local()->pending(); ++turn) p.peers.local()->Drain(4);
  EXPECT_FALSE(p.peers.local()->pending());
  ASSERT_EQ(order.size(), 10u);
  for (uint64_t k = 0; k < 10; ++k) EXPECT_EQ(order[k], k);
}

TEST(LocalLink, ShutdownFailsLocalCallsInFlightAsTheHarnesss) {
  Pool p;
  p.answer = false;  // the instance holds the request (in service)
  FrameStatus status = FrameStatus::kOk;
  Frame f;
  p.peers.Send(0, 0, f, [&](const Frame& r) { status = r.status; });
  p.peers.local()->Drain(100);
  EXPECT_EQ(p.peers.InFlight(), 1u);
  p.peers.Shutdown();
  EXPECT_EQ(status, FrameStatus::kHarness);
  EXPECT_EQ(p.peers.InFlight(), 0u);
}

}  // namespace
}  // namespace archload::agent
