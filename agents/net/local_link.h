#pragma once

// In-process delivery: a call to an instance this agent hosts goes through a queue instead of a
// socket to the agent's own listener. Each frame over loopback TCP cost a send, a receive, a
// receive that found nothing (EAGAIN) and a share of an epoll wake-up; in-process it costs a
// copy. Frames are always delivered later, from the event loop's turn (Drain), never inside
// the Send that queued them: the caller's code must not be re-entered (a request answered at
// once would otherwise run the caller's continuation inside its own call), and frames keep
// their order. The requests and responses are the same Frames a socket carries, so the
// instances cannot tell the difference; `run --force-sockets` sends every call over TCP.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "agents/net/frame.h"
#include "agents/net/frame_sink.h"

namespace archload::agent {

class LocalLink {
 public:
  // Requests go to `deliver` with the sink their response must be sent to; responses to
  // `respond` (the peer pool matches them to their callers).
  using Deliver = std::function<void(const std::shared_ptr<FrameSink>& reply, Frame& frame)>;
  using Respond = std::function<void(const Frame& frame)>;

  LocalLink(Deliver deliver, Respond respond);
  ~LocalLink();
  LocalLink(const LocalLink&) = delete;
  LocalLink& operator=(const LocalLink&) = delete;

  void SendRequest(const Frame& frame) { queue_.push_back(frame); }
  // Delivers what is queued, and what those deliveries queue, up to `max_frames`; returns how
  // many it delivered. Frames may remain (pending()): the loop must not sleep then.
  size_t Drain(size_t max_frames);
  bool pending() const { return !queue_.empty(); }
  // Drops everything queued (the agent is stopping; the pool failed their callers already).
  void Clear() { queue_.clear(); }

 private:
  class ReplySink;

  Deliver deliver_;
  Respond respond_;
  std::shared_ptr<ReplySink> reply_;  // every local request's caller, as the instance sees it
  std::deque<Frame> queue_;
};

}  // namespace archload::agent
