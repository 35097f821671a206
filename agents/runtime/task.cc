#include "agents/runtime/task.h"

#include "agents/runtime/call.h"

namespace archload::agent {

using model::StepCondition;
using model::StepMode;

Task::Task(Fleet& fleet, int group, const Frame& request, bool self_miss, Done done)
    : fleet_(fleet),
      group_(group),
      behaviour_(fleet.rules().For(group, static_cast<model::RequestClass>(request.request_class),
                                   request.flags & kFlagLocalOnly)),
      frame_(request),
      path_len_(request.trace_len),
      self_miss_(self_miss),
      done_(std::move(done)) {}

bool Task::OnPath(int group) const {
  // The planner's rule: a request never revisits a component on its path (cyclic designs), and
  // paths end at the trace's depth.
  // Only callers count: a sibling call earlier in this request (a cache lookup before its
  // fill) is not a cycle.
  if (path_len_ >= Frame::kMaxTrace) return true;
  for (uint8_t i = 0; i < path_len_; ++i) {
    if (frame_.trace[i].group == group) return true;
  }
  return false;
}

void Task::Issue(const model::Call& call, bool async, std::function<void(const Frame&)> on_reply) {
  if (OnPath(call.target)) {
    if (on_reply) {
      Frame skipped;
      skipped.kind = FrameKind::kResponse;
      skipped.status = FrameStatus::kOk;
      skipped.hit = false;
      on_reply(skipped);
    }
    return;
  }
  fleet_.group(group_).counters.CountCall(call.target);
  Frame out = frame_;
  out.trace_len = path_len_;  // downstream sees the path, not earlier siblings' hops
  out.kind = FrameKind::kRequest;
  out.request_class = static_cast<uint8_t>(call.request_class);
  out.flags = (call.local_only ? kFlagLocalOnly : 0) | (async ? kFlagOneWay : 0);
  // A local write made while serving a read is the cache-aside fill, not an invalidation.
  if (call.local_only && call.request_class == model::RequestClass::kWrite &&
      frame_.request_class == static_cast<uint8_t>(model::RequestClass::kRead)) {
    out.flags |= kFlagFill;
  }
  out.status = FrameStatus::kOk;
  out.hit = false;
  if (auto* proxy = fleet_.group(call.target).proxy) {
    // A real HTTP proxy: it chooses the instance behind it.
    out.target_group = static_cast<uint16_t>(call.target);
    out.target_instance = 0;
    proxy->Call(out, std::move(on_reply));
    return;
  }
  if (fleet_.CallsThroughResilience(call.target) && !async) {
    Call::Start(fleet_, group_, call.target, out, fleet_.group(group_).spec.balance(),
                std::move(on_reply));
    return;
  }
  const int instance =
      fleet_.ChooseInstance(call.target, fleet_.group(group_).spec.balance(), out.key, group_);
  fleet_.CountIfInProcess(group_, call.target, instance);
  fleet_.peers().Send(call.target, instance, out, std::move(on_reply));
}

void Task::Next() {
  const auto& steps = behaviour_.steps;
  while (!failed_ && step_ < steps.size()) {
    const auto& step = steps[step_];
    const bool skip = (step.condition == StepCondition::kOnSelfMiss && !self_miss_) ||
                      (step.condition == StepCondition::kOnCacheMiss && !cache_miss_) ||
                      step.calls.empty();
    if (skip) {
      ++step_;
      call_ = 0;
      continue;
    }
    std::uniform_real_distribution<double> u(0, 1);
    if (step.async) {
      // Off the request path: replication, change data capture. Nobody waits for these.
      for (const auto& call : step.calls) {
        if (call.probability >= 1 || u(fleet_.rng()) < call.probability) {
          Issue(call, /*async=*/true, nullptr);
        }
      }
      ++step_;
      continue;
    }
    auto self = shared_from_this();
    if (step.mode == StepMode::kOneOf) {
      double total = 0;
      for (const auto& c : step.calls) total += c.weight;
      double r = u(fleet_.rng()) * total;
      size_t chosen = 0;
      for (; chosen + 1 < step.calls.size(); ++chosen) {
        if (r < step.calls[chosen].weight) break;
        r -= step.calls[chosen].weight;
      }
      const auto& call = step.calls[chosen];
      ++step_;
      call_ = 0;
      if (call.probability < 1 && u(fleet_.rng()) >= call.probability) continue;
      Issue(call, false, [self, &step](const Frame& reply) {
        self->OnReply(step, reply);
        self->Next();
      });
      return;
    }
    if (step.parallel) {
      ++step_;
      call_ = 0;
      // Hold one count ourselves: a call that fails synchronously must not resume this task
      // while it is still issuing the rest.
      ++waiting_;
      for (const auto& call : step.calls) {
        if (call.probability < 1 && u(fleet_.rng()) >= call.probability) continue;
        ++waiting_;
        Issue(call, false, [self, &step](const Frame& reply) {
          self->OnReply(step, reply);
          if (--self->waiting_ == 0) self->Next();
        });
      }
      if (--waiting_ > 0) return;
      continue;
    }
    // Sequential: one call at a time.
    if (call_ >= step.calls.size()) {
      ++step_;
      call_ = 0;
      continue;
    }
    const auto& call = step.calls[call_++];
    if (call.probability < 1 && u(fleet_.rng()) >= call.probability) continue;
    Issue(call, false, [self, &step](const Frame& reply) {
      self->OnReply(step, reply);
      self->Next();
    });
    return;
  }
  Finish(harness_failed_ ? FrameStatus::kHarness
         : failed_       ? FrameStatus::kFailed
                         : FrameStatus::kOk);
}

void Task::OnReply(const model::Step& step, const Frame& reply) {
  if (reply.status != FrameStatus::kOk) {
    failed_ = true;
    if (reply.status == FrameStatus::kHarness) harness_failed_ = true;
    return;
  }
  if (step.lookup) cache_miss_ = !reply.hit;
  // The reply's trace extends ours: keep the longer path for the response.
  if (reply.trace_len > frame_.trace_len) {
    frame_.trace = reply.trace;
    frame_.trace_len = reply.trace_len;
  }
}

void Task::Finish(FrameStatus status) {
  if (done_called_) return;
  done_called_ = true;
  if (done_) done_(status, frame_);
}

}  // namespace archload::agent
