#pragma once

// A group's work done by a real Redis (hiredis, asynchronous, on the agent's io thread):
// lookups are GET, fills SET (with the design's TTL), invalidations DEL, on keys
// "al:<run>:<group>:<key>". Commands issued in one turn of the loop go out in one write
// (pipelined) and are answered in order. A command unanswered within the timeout, or lost when
// Redis goes away, fails: the design's error, counted in its group, never the harness's.
// Reconnects every 500 ms while Redis is away; commands meanwhile fail at once.

#include <asio.hpp>
#include <string>
#include <unordered_map>

#include "agents/backend/backend.h"
#include "agents/core/timer_queue.h"

struct redisAsyncContext;

namespace archload::agent {

class RedisBackend : public Backend {
 public:
  RedisBackend(asio::io_context& io, TimerQueue& timers, std::string host, int port,
               std::string key_prefix, double ttl_s, double timeout_ms);
  ~RedisBackend() override;

  void Execute(Op op, uint64_t key, Done done) override;
  void Close() override;
  size_t Pending() const override { return pending_.size(); }
  BackendCounters Counters() const override { return counters_; }

 private:
  struct Call {
    Done done;
    uint64_t timer = 0;
  };
  static void OnReply(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnConnect(const redisAsyncContext* ac, int status);
  static void OnDisconnect(const redisAsyncContext* ac, int status);
  void Connect();
  void Lost(const std::string& why);
  void Finish(uint64_t id, const BackendReply& reply);

  asio::io_context& io_;
  TimerQueue& timers_;
  std::string host_;
  int port_;
  std::string prefix_;
  std::string ttl_;  // seconds, as SET's EX argument; empty: none
  int64_t timeout_ns_;
  redisAsyncContext* ac_ = nullptr;
  bool connected_ = false;
  bool closed_ = false;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Call> pending_;
  BackendCounters counters_;
};

}  // namespace archload::agent
