#pragma once

// One emulated component instance (reached through its agent's Listener): `concurrency`
// requests in service at once, a bounded FIFO queue behind them (full -> reject), an emulated
// service time per request (a timer, not CPU), then the behaviour's downstream calls. Brokers also
// hold messages and feed each consumer group with flow control.

#include <asio.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agents/net/connection.h"
#include "agents/runtime/fleet.h"
#include "agents/runtime/lru_keys.h"

namespace archload::agent {

class Instance {
 public:
  Instance(Fleet& fleet, int group, int index);

  int group() const { return group_; }
  int index() const { return index_; }

  // A request for this instance arrived from `caller`; the response goes back to it.
  void OnRequest(const std::shared_ptr<FrameSink>& caller, const Frame& frame);
  // Whether `group` is on the message's path (its trace): it is not delivered there.
  static bool OnPath(const Frame& message, int group);
  // A fault starts or ends now: a kill fails what the instance holds; the end of a hang lets go
  // of the requests it held (never answered: the callers' timeouts decide).
  void ApplyFaults(int64_t now);
  // The answer to a caller's health check: ok, failed (killed), or none (hung: it times out).
  std::optional<FrameStatus> HealthAnswer() const;

  // Brokers: each downstream consumer group's backlog and flow control.
  struct ConsumerGroup {
    int group;
    int credit;  // deliveries in flight at most: the consumers' capacity to hold work
    int inflight = 0;
    std::deque<Frame> backlog;
    uint64_t delivered = 0;    // deliveries the consumers accepted
    uint64_t redelivered = 0;  // turned away by a full consumer queue, kept and sent again
  };

  // For the metrics, read on the io thread. own(): this instance's counters, kept only for
  // groups of at most kInstanceSeriesMaxCount instances (null otherwise).
  const VisitCounters* own() const { return own_.get(); }
  const std::vector<ConsumerGroup>& consumers() const { return consumers_; }

 private:
  struct Waiting {
    std::weak_ptr<FrameSink> caller;
    Frame frame;
    int64_t arrive_ns;
    int64_t service_end_ns = 0;  // when the emulated service time is due to end
    bool counted = true;         // arrived inside the measuring window (not warm-up)
    bool lost = false;           // a fault ended it (kill): answered already, nothing more
    bool serving = false;        // faults only: holds a service slot now
    int64_t delayed_ns = 0;      // a slow fault's delay before it was admitted (not a wait)
  };

  // Applies f to the group's counters and to this instance's own, when it keeps them.
  template <typename F>
  void Count(F f) {
    f(static_cast<VisitCounters&>(fleet_.group(group_).counters));
    if (own_) f(*own_);
  }

  // Serve it, queue it or turn it away.
  void Admit(std::shared_ptr<Waiting> w, int64_t now);
  // `now`: when the slot was taken (the caller has just read the clock).
  void StartService(std::shared_ptr<Waiting> w, int64_t now);
  void StartQueued(int64_t now);
  // service_ns < 0: a real backend did the work (OnBackendDone accounted for it); real_miss:
  // its answer to a lookup.
  void OnServiceDone(const std::shared_ptr<Waiting>& w, int64_t service_ns,
                     std::optional<bool> real_miss = std::nullopt);
  // The visit's work for the group's real backend, if it has one and the visit needs one.
  std::optional<Backend::Op> BackendOpFor(const Frame& frame) const;
  void OnBackendDone(const std::shared_ptr<Waiting>& w, int64_t began, const BackendReply& reply,
                     bool lookup);
  void Respond(const Waiting& w, FrameStatus status, bool hit, const Frame& trace);
  void Publish(const Frame& message);

  // Injected faults (instance_faults.cc, docs/faults.md). False when a fault took the request
  // (refused, failed or held forever): the caller does nothing more with it.
  // `draw_errors`: false when the request was already drawn for (a slow fault's delayed arrival).
  bool AdmitUnderFaults(const std::shared_ptr<Waiting>& w, bool draw_errors = true);
  // Added latency from slow faults for a request arriving now (0: none): it reaches the instance
  // that much later, as over a slow link, without holding a slot meanwhile.
  int64_t FaultDelayNs(int64_t now);
  // Ends every visit the instance holds, each answered as failed (a kill resets connections).
  void LoseEverything(int64_t now);
  void Pump(ConsumerGroup& cg);

  Fleet& fleet_;
  int group_;
  int index_;
  std::deque<std::shared_ptr<Waiting>> queue_;
  int in_service_ = 0;
  // Faults only (empty otherwise): visits from their service until they answer (a kill fails them
  // at once, in service or waiting for downstream calls); requests a hang holds.
  std::vector<std::shared_ptr<Waiting>> serving_;
  std::vector<std::shared_ptr<Waiting>> hung_;
  bool dead_ = false;
  bool starting_queued_ = false;
  std::vector<ConsumerGroup> consumers_;  // brokers only
  std::unique_ptr<LruKeys> keys_;         // caches with a key space only
  std::unique_ptr<VisitCounters> own_;    // small groups only (see own())
};

}  // namespace archload::agent
