// RedisBackend against a real redis-server: lookups miss then hit after a fill, an
// invalidation makes them miss again, and a Redis that dies fails the commands (the design's
// errors) instead of leaving them waiting.
#include "agents/backend/redis_backend.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/redis_server.h"

namespace archload::agent {
namespace {

using namespace std::chrono_literals;

struct Loop {
  asio::io_context io;
  TimerQueue timers{io};
  // Runs the loop until `done` holds or 10 s pass.
  template <typename F>
  bool Until(F done) {
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < end) io.run_one_for(10ms);
    return done();
  }
};

BackendReply Do(Loop& loop, RedisBackend& redis, Backend::Op op, uint64_t key) {
  BackendReply out;
  bool answered = false;
  redis.Execute(op, key, [&](const BackendReply& r) {
    out = r;
    answered = true;
  });
  EXPECT_TRUE(loop.Until([&] { return answered; }));
  return out;
}

TEST(RedisBackend, AFillMakesALookupHitAndAnInvalidationMakesItMiss) {
  testing::RedisServer server("backend");
  ASSERT_TRUE(server.ready());
  Loop loop;
  RedisBackend redis(loop.io, loop.timers, "127.0.0.1", server.port(), "al:test:1:", 60, 1000);
  auto r = Do(loop, redis, Backend::Op::kGet, 42);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.hit);
  EXPECT_TRUE(Do(loop, redis, Backend::Op::kSet, 42).ok);
  r = Do(loop, redis, Backend::Op::kGet, 42);
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.hit);
  EXPECT_TRUE(Do(loop, redis, Backend::Op::kDel, 42).ok);
  EXPECT_FALSE(Do(loop, redis, Backend::Op::kGet, 42).hit);
  // Redis counted the same lookups: two misses and one hit.
  const auto stats = server.Info("stats");
  EXPECT_EQ(stats.at("keyspace_hits"), 1);
  EXPECT_EQ(stats.at("keyspace_misses"), 2);
  EXPECT_EQ(redis.Pending(), 0u);
  EXPECT_EQ(redis.Counters().commands, 5u);
  EXPECT_EQ(redis.Counters().errors, 0u);
  redis.Close();
}

TEST(RedisBackend, ARedisThatDiesFailsTheCommandsAndIsCounted) {
  testing::RedisServer server("dies");
  ASSERT_TRUE(server.ready());
  Loop loop;
  RedisBackend redis(loop.io, loop.timers, "127.0.0.1", server.port(), "al:test:2:", 60, 500);
  EXPECT_TRUE(Do(loop, redis, Backend::Op::kSet, 1).ok);
  server.Kill();
  // Whatever comes first, the lost connection or the timeout, the command fails.
  const auto r = Do(loop, redis, Backend::Op::kGet, 1);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.error.empty());
  EXPECT_GE(redis.Counters().errors, 1u);
  EXPECT_EQ(redis.Pending(), 0u);
  redis.Close();
  // After Close every command fails at once (posted, never synchronously).
  bool answered = false;
  redis.Execute(Backend::Op::kGet, 1, [&](const BackendReply& rr) {
    answered = true;
    EXPECT_FALSE(rr.ok);
  });
  EXPECT_FALSE(answered);
  EXPECT_TRUE(loop.Until([&] { return answered; }));
}

}  // namespace
}  // namespace archload::agent
