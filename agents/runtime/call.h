#pragma once

// One logical call from an instance of a caller group to a target group, made as the edge's
// resilience settings say (docs/faults.md): choose an instance the caller still trusts, send,
// give up after the timeout, retry after a full-jitter backoff while retries and the retry
// budget allow, fail fast past the circuit breaker. A call crossing a partition is dropped on
// the way and times out. The caller hears once, with the last attempt's answer.
//
// Harness failures (kHarness: the transport lost the call) are never retried and never count
// against an instance: they are not the design's.

#include <functional>
#include <memory>

#include "agents/net/frame.h"

namespace archload::agent {

class Fleet;
struct EdgeState;

class Call : public std::enable_shared_from_this<Call> {
 public:
  using Done = std::function<void(const Frame&)>;

  // `request`: the frame to send (class, flags, key, trace set by the caller).
  static void Start(Fleet& fleet, int caller, int target, const Frame& request,
                    const std::string& balance, Done done);

 private:
  Call(Fleet& fleet, int caller, int target, const Frame& request, const std::string& balance,
       Done done);
  void Attempt();
  void OnReply(uint64_t attempt, const Frame& reply);
  void OnTimeout(uint64_t attempt);
  // The attempt ended (reply or timeout): retry, or answer the caller.
  void Settle(const Frame& reply, bool instance_failed);
  void Finish(const Frame& reply);
  EdgeState& Edge();

  Fleet& fleet_;
  int caller_;
  int target_;
  Frame request_;
  std::string balance_;
  Done done_;
  int retries_ = 0;
  uint64_t attempt_ = 0;  // the attempt in flight; replies to older ones are ignored
  int instance_ = -1;
  uint64_t request_id_ = 0;
  uint64_t timer_ = 0;
  bool in_flight_ = false;
  bool finished_ = false;
};

}  // namespace archload::agent
