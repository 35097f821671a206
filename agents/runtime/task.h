#pragma once

// Runs one request's behaviour at one instance: the steps of its call rules, each call to a
// downstream instance in turn (or all at once for a parallel step), then reports how it ended.
// A failed or rejected call fails the request; the remaining steps are skipped. A call the
// harness lost fails it as a harness error, so the client counts it apart from the design's.

#include <functional>
#include <memory>

#include "agents/net/frame.h"
#include "agents/runtime/fleet.h"

namespace archload::agent {

class Task : public std::enable_shared_from_this<Task> {
 public:
  // `trace` is the response's trace: the request's hops plus what downstream calls added.
  using Done = std::function<void(FrameStatus status, const Frame& trace)>;

  // self_miss: whether this component's own lookup missed (caches, CDNs); true otherwise.
  Task(Fleet& fleet, int group, const Frame& request, bool self_miss, Done done);

  void Run() { Next(); }

 private:
  void Next();
  bool OnPath(int group) const;
  void Issue(const model::Call& call, bool async, std::function<void(const Frame&)> on_reply);
  void OnReply(const model::Step& step, const Frame& reply);
  void Finish(FrameStatus status);

  Fleet& fleet_;
  int group_;
  const model::Behaviour& behaviour_;
  Frame frame_;
  uint8_t path_len_;  // frame_.trace[0, path_len_) is this request's path: itself and callers
  bool self_miss_;
  bool cache_miss_ = true;
  size_t step_ = 0;
  size_t call_ = 0;
  int waiting_ = 0;  // parallel calls outstanding
  bool failed_ = false;
  bool harness_failed_ = false;  // a call was lost by the transport, not failed by the design
  bool done_called_ = false;
  Done done_;
};

}  // namespace archload::agent
