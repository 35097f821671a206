#include "agents/runtime/call.h"

#include "agents/resilience/backoff.h"
#include "agents/runtime/edge_health.h"
#include "agents/runtime/fleet.h"

namespace archload::agent {

namespace {
Frame Failed(const Frame& request) {
  Frame f = request;
  f.kind = FrameKind::kResponse;
  f.status = FrameStatus::kFailed;
  f.hit = false;
  return f;
}
int64_t Ns(double ms) { return static_cast<int64_t>(ms * 1e6); }
}  // namespace

void Call::Start(Fleet& fleet, int caller, int target, const Frame& request,
                 const std::string& balance, Done done) {
  auto call =
      std::shared_ptr<Call>(new Call(fleet, caller, target, request, balance, std::move(done)));
  EdgeState& e = call->Edge();
  e.budget.OnRequest(Fleet::NowNs());
  ++e.calls;
  if (!e.checking && e.config.health.interval_ms > 0) StartHealthChecks(fleet, caller, target, e);
  call->Attempt();
}

Call::Call(Fleet& fleet, int caller, int target, const Frame& request, const std::string& balance,
           Done done)
    : fleet_(fleet),
      caller_(caller),
      target_(target),
      request_(request),
      balance_(balance),
      done_(std::move(done)) {}

EdgeState& Call::Edge() { return fleet_.Edge(caller_, target_); }

void Call::Attempt() {
  EdgeState& e = Edge();
  const int64_t now = Fleet::NowNs();
  if (e.config.max_pending > 0 && e.pending >= e.config.max_pending) {
    ++e.overflows;  // the circuit is open: fail fast, send nothing
    Finish(Failed(request_));
    return;
  }
  // The balancer's choice, passed over while it picks instances the caller no longer trusts (a
  // few tries: with every instance ejected or down, the last pick is used anyway).
  const int n = fleet_.peers().InstanceCount(target_);
  instance_ = fleet_.ChooseInstance(target_, balance_, request_.key, caller_);
  for (int k = 0; k < std::min(n, 8) && !e.Usable(instance_, now); ++k) {
    // Past the caller's own agent: its plan would offer the same unusable instance again.
    instance_ = fleet_.ChooseInstance(target_, balance_, request_.key + k + 1);
  }
  const uint64_t attempt = ++attempt_;
  in_flight_ = true;
  ++e.pending;
  auto self = shared_from_this();
  if (e.config.timeout_ms > 0) {
    timer_ = fleet_.timers().ScheduleAfter(Ns(e.config.timeout_ms),
                                           [self, attempt] { self->OnTimeout(attempt); });
  }
  // Counted once per call, as its caller counts the call.
  if (attempt == 1) fleet_.CountIfInProcess(caller_, target_, instance_);
  if (fleet_.faults().Partitioned(caller_, target_, fleet_.LoadSeconds(now))) {
    ++e.partitioned;
    return;  // dropped on the way: only the timeout ends it
  }
  Frame out = request_;
  fleet_.peers().Send(target_, instance_, out,
                      [self, attempt](const Frame& reply) { self->OnReply(attempt, reply); });
  request_id_ = out.request_id;
}

void Call::OnReply(uint64_t attempt, const Frame& reply) {
  if (attempt != attempt_ || !in_flight_) return;
  in_flight_ = false;
  --Edge().pending;
  if (timer_) fleet_.timers().Cancel(timer_);
  timer_ = 0;
  if (reply.status == FrameStatus::kHarness &&
      fleet_.faults().AgentDead(static_cast<int>(fleet_.peers().PeerOf(target_, instance_)),
                                fleet_.LoadSeconds(Fleet::NowNs()))) {
    // The transport lost it because a fault killed the agent hosting the instance: the design's
    // failure (the instance is gone), not the harness's.
    Settle(Failed(request_), true);
    return;
  }
  const bool design_failure =
      reply.status == FrameStatus::kFailed || reply.status == FrameStatus::kRejected;
  Settle(reply, design_failure);
}

void Call::OnTimeout(uint64_t attempt) {
  if (attempt != attempt_ || !in_flight_) return;
  in_flight_ = false;
  timer_ = 0;
  EdgeState& e = Edge();
  --e.pending;
  ++e.timeouts;
  fleet_.peers().Abandon(request_id_);  // a late answer is dropped
  Settle(Failed(request_), true);
}

void Call::Settle(const Frame& reply, bool instance_failed) {
  EdgeState& e = Edge();
  const int64_t now = Fleet::NowNs();
  if (reply.status != FrameStatus::kHarness &&
      e.ejector.OnResult(instance_, !instance_failed, now)) {
    e.events.push_back({fleet_.LoadSeconds(now), instance_, "ejected",
                        fleet_.LoadSeconds(e.ejector.EjectedUntil(instance_))});
  }
  const bool retryable = instance_failed && retries_ < e.config.retries && !fleet_.stopping();
  if (!retryable || !e.budget.TryRetry(now)) {
    Finish(reply);
    return;
  }
  ++retries_;
  ++e.retries;
  const int64_t wait = FullJitterBackoffNs(retries_ - 1, Ns(e.config.backoff_base_ms),
                                           Ns(e.config.backoff_max_ms), fleet_.fault_rng());
  auto self = shared_from_this();
  ++fleet_.backing_off();  // in flight for the drain, though nothing is on the wire
  fleet_.timers().ScheduleAfter(wait, [self] {
    --self->fleet_.backing_off();
    self->Attempt();
  });
}

void Call::Finish(const Frame& reply) {
  if (finished_) return;
  finished_ = true;
  if (reply.status != FrameStatus::kOk) ++Edge().failed;
  if (done_) done_(reply);
}

}  // namespace archload::agent
