#include "agents/runtime/instance.h"

#include "agents/runtime/task.h"

namespace archload::agent {

using spec::Role;

Instance::Instance(Fleet& fleet, int group, int index)
    : fleet_(fleet), group_(group), index_(index) {
  auto& g = fleet_.group(group_);
  if (g.spec.count() <= kInstanceSeriesMaxCount) own_ = std::make_unique<VisitCounters>();
  if (g.spec.keyspace_capacity() > 0 && g.spec.backend().kind().empty()) {
    keys_ = std::make_unique<LruKeys>(static_cast<size_t>(g.spec.keyspace_capacity()));
  }
  if (g.role == Role::kBroker) {
    for (int d : g.spec.downstream()) {
      auto& consumer = fleet_.group(d);
      // Each consumer instance may hold its concurrency plus its queue; the broker keeps the
      // rest, which is what its depth measures.
      const int per =
          std::max(1, consumer.spec.concurrency()) + std::max(0, consumer.spec.queue_limit());
      const int brokers = std::max(1, g.spec.count());
      consumers_.push_back(
          {d, std::max(1, per * std::max(1, consumer.spec.count()) / brokers), 0, {}});
    }
  }
}

void Instance::OnRequest(const std::shared_ptr<FrameSink>& caller, const Frame& frame) {
  if (frame.kind != FrameKind::kRequest) return;
  auto w = std::make_shared<Waiting>(Waiting{caller, frame, Fleet::NowNs()});
  // Warm-up traffic is served like any other but not counted (Fleet::SetWindow).
  w->counted = fleet_.Counted(w->arrive_ns);
  if (w->counted) Count([](VisitCounters& c) { ++c.received; });
  w->frame.AddHop(static_cast<uint16_t>(group_), static_cast<uint16_t>(index_), w->arrive_ns);
  if (!fleet_.faults().empty()) {
    if (!AdmitUnderFaults(w)) return;
    if (const int64_t delay = FaultDelayNs(w->arrive_ns); delay > 0) {
      w->delayed_ns = delay;
      fleet_.timers().ScheduleAt(w->arrive_ns + delay, [this, w] {
        // Killed or hung while the request was on its way: that decides, not the earlier look.
        if (AdmitUnderFaults(w, /*draw_errors=*/false)) Admit(w, Fleet::NowNs());
      });
      return;
    }
  }
  const int64_t now = w->arrive_ns;
  Admit(std::move(w), now);
}

void Instance::Admit(std::shared_ptr<Waiting> w, int64_t now) {
  auto& g = fleet_.group(group_);
  if (in_service_ < std::max(1, g.spec.concurrency())) {
    StartService(std::move(w), now);
  } else if (static_cast<int>(queue_.size()) < g.spec.queue_limit()) {
    queue_.push_back(std::move(w));
    Count([](VisitCounters& c) { ++c.queue_depth; });
  } else {
    if (w->counted) Count([](VisitCounters& c) { ++c.rejected; });
    Respond(*w, FrameStatus::kRejected, false, w->frame);
  }
}

void Instance::StartService(std::shared_ptr<Waiting> w, int64_t now) {
  auto& g = fleet_.group(group_);
  ++in_service_;
  Count([](VisitCounters& c) { ++c.in_service; });
  if (w->counted) {
    g.counters.queue_wait_ns.Record(
        static_cast<uint64_t>(std::max<int64_t>(0, now - w->arrive_ns - w->delayed_ns)));
  }
  if (Backend* backend = fleet_.BackendOf(group_)) {
    if (g.role == Role::kBroker) {
      // The publish goes to the real broker; the instance answers once it holds the message.
      Frame message = w->frame;
      message.origin_ns = w->arrive_ns;  // async latency runs from the publish
      std::string bytes;
      message.EncodeTo(bytes);
      backend->Publish(bytes, [this, w = std::move(w), now](const BackendReply& r) {
        OnBackendDone(w, now, r, false);
      });
      return;
    }
    if (const auto op = BackendOpFor(w->frame)) {
      const bool lookup = fleet_.rules()
                              .For(group_, static_cast<model::RequestClass>(w->frame.request_class))
                              .self_lookup;
      const uint64_t key = w->frame.key;  // before the callback takes w
      backend->Execute(*op, key, [this, w = std::move(w), now, lookup](const BackendReply& r) {
        OnBackendDone(w, now, r, lookup);
      });
      return;
    }
  }
  const auto& sampler = w->frame.request_class == 0 ? g.read : g.write;
  int64_t service_ns = sampler.SampleNs(fleet_.rng());
  if (!fleet_.faults().empty()) {
    w->serving = true;
    serving_.push_back(w);
  }
  if (service_ns <= 0) {
    // Nothing to emulate (a pass-through hop, or service times scaled to zero): no timer, so a
    // zero-cost hop costs the harness only its forwarding.
    OnServiceDone(w, 0);  // no lateness to record, so no clock read for the end
    return;
  }
  w->service_end_ns = now + service_ns;
  const int64_t due = w->service_end_ns;
  fleet_.timers().ScheduleAt(
      due, [this, w = std::move(w), service_ns] { OnServiceDone(w, service_ns); });
}

void Instance::StartQueued(int64_t now) {
  // A zero service time finishes inside StartService and lands here again: the outer loop
  // serves the queue, so the stack stays flat however long the queue is.
  if (starting_queued_) return;
  starting_queued_ = true;
  auto& g = fleet_.group(group_);
  while (!queue_.empty() && in_service_ < std::max(1, g.spec.concurrency())) {
    auto next = std::move(queue_.front());
    queue_.pop_front();
    Count([](VisitCounters& c) { --c.queue_depth; });
    StartService(std::move(next), now);
  }
  starting_queued_ = false;
}

std::optional<Backend::Op> Instance::BackendOpFor(const Frame& frame) const {
  const auto& g = fleet_.group(group_);
  const auto cls = static_cast<model::RequestClass>(frame.request_class);
  if (g.role == Role::kCache) {
    if (fleet_.rules().For(group_, cls).self_lookup) return Backend::Op::kGet;
    if (cls == model::RequestClass::kWrite) {
      return frame.flags & kFlagFill ? Backend::Op::kSet : Backend::Op::kDel;
    }
    return std::nullopt;
  }
  if (g.role == Role::kStore) {
    return cls == model::RequestClass::kRead ? Backend::Op::kGet : Backend::Op::kSet;
  }
  return std::nullopt;
}

void Instance::OnBackendDone(const std::shared_ptr<Waiting>& w, int64_t began,
                             const BackendReply& reply, bool lookup) {
  auto& g = fleet_.group(group_);
  const int64_t now = Fleet::NowNs();
  const uint64_t hold = NsBetween(began, now);
  if (w->counted) {
    // The slot was held for as long as the backend took: that is the service time here.
    g.backend_ns.Record(hold);
    Count([hold](VisitCounters& c) { c.busy_ns += hold; });
    g.counters.service_ns.Record(hold);
    g.counters.hold_ns += hold;
    g.counters.sojourn_ns.Record(NsBetween(w->arrive_ns, now));
  }
  if (!reply.ok) {
    // The backend's failure is the design's (a real component failed), never the harness's.
    --in_service_;
    Count([](VisitCounters& c) { --c.in_service; });
    if (w->counted) Count([](VisitCounters& c) { ++c.failed; });
    StartQueued(now);
    Respond(*w, FrameStatus::kFailed, false, w->frame);
    return;
  }
  OnServiceDone(w, -1, lookup ? std::optional<bool>(!reply.hit) : std::nullopt);
}

void Instance::OnServiceDone(const std::shared_ptr<Waiting>& w, int64_t service_ns,
                             std::optional<bool> real_miss) {
  auto& g = fleet_.group(group_);
  if (w->lost) return;  // a kill failed it in service, and freed its slot then
  w->serving = false;
  --in_service_;
  Count([](VisitCounters& c) { --c.in_service; });
  const int64_t now = Fleet::NowNs();
  // Counted by arrival, like the requests themselves: a warm-up request's service is not. (A
  // backend's visit was counted when it answered.)
  if (w->counted && service_ns >= 0) {
    Count([service_ns](VisitCounters& c) { c.busy_ns += static_cast<uint64_t>(service_ns); });
    g.counters.sojourn_ns.Record(static_cast<uint64_t>(std::max<int64_t>(0, now - w->arrive_ns)));
    if (service_ns > 0) {
      g.counters.lateness_ns.Record(
          static_cast<uint64_t>(std::max<int64_t>(0, now - w->service_end_ns)));
      // As long as it really took: the emulated time plus however late its timer fired.
      const int64_t began = w->service_end_ns - service_ns;
      const auto hold = static_cast<uint64_t>(std::max<int64_t>(0, now - began));
      g.counters.service_ns.Record(hold);
      g.counters.hold_ns += hold;
    } else {
      g.counters.service_ns.Record(0);
    }
  }
  StartQueued(now);

  if (g.role == Role::kBroker) {
    // Acknowledged once appended; consumers get it later.
    if (w->counted) {
      Count([](VisitCounters& c) { ++c.completed; });
      ++g.counters.published;
    }
    if (!serving_.empty()) std::erase(serving_, w);
    Respond(*w, FrameStatus::kOk, false, w->frame);
    if (g.backend) return;  // the real broker holds it and feeds the consumers
    Frame message = w->frame;
    message.origin_ns = w->arrive_ns;  // async latency runs from the publish
    // The trace stays: a consumer that publishes back to this broker must not loop forever.
    Publish(message);
    return;
  }

  const auto cls = static_cast<model::RequestClass>(w->frame.request_class);
  bool self_miss = true;
  if (fleet_.rules().For(group_, cls).self_lookup) {
    if (real_miss) {
      self_miss = *real_miss;  // Redis said
    } else if (keys_) {
      // A read-through cache stores what it fetches on a miss; a cache-aside lookup leaves the
      // fill to the service, which sends it once the store answered.
      const bool aside = w->frame.flags & kFlagLocalOnly;
      self_miss = aside ? !keys_->Touch(w->frame.key) : !keys_->LookupOrInsert(w->frame.key);
    } else {
      std::uniform_real_distribution<double> u(0, 1);
      self_miss = u(fleet_.rng()) >= g.spec.hit_rate();
    }
    if (w->counted) Count([self_miss](VisitCounters& c) { ++(self_miss ? c.misses : c.hits); });
  } else if (keys_ && cls == model::RequestClass::kWrite) {
    if (w->frame.flags & kFlagFill) {
      keys_->Insert(w->frame.key);
    } else {
      keys_->Erase(w->frame.key);  // a write invalidates the cached copy
    }
  }
  const bool delivery = w->frame.flags & kFlagDelivery;
  auto task = std::make_shared<Task>(
      fleet_, group_, w->frame, self_miss,
      [this, w, self_miss, delivery](FrameStatus status, const Frame& trace) {
        if (!serving_.empty()) std::erase(serving_, w);
        if (w->lost) return;  // a kill answered it already
        if (!w->counted) {
          Respond(*w, status, !self_miss, trace);
          return;
        }
        auto& gr = fleet_.group(group_);
        Count([status](VisitCounters& c) {
          ++(status == FrameStatus::kOk        ? c.completed
             : status == FrameStatus::kHarness ? c.harness_failed
                                               : c.failed);
        });
        if (delivery) {
          ++gr.counters.consumed;
          const uint64_t async = NsBetween(w->frame.origin_ns, Fleet::NowNs());
          gr.counters.async_ns.Record(async);
          gr.counters.async_under.Record(async);
        }
        Respond(*w, status, !self_miss, trace);
      });
  task->Run();
}

void Instance::Respond(const Waiting& w, FrameStatus status, bool hit, const Frame& trace) {
  if (w.frame.flags & kFlagOneWay || w.lost) return;
  auto caller = w.caller.lock();
  if (!caller) return;
  Frame r = trace;
  r.kind = FrameKind::kResponse;
  r.status = status;
  r.hit = hit;
  r.request_id = w.frame.request_id;
  r.origin_ns = w.frame.origin_ns;
  caller->Send(r);
}

void Instance::Publish(const Frame& message) {
  auto& g = fleet_.group(group_);
  for (auto& cg : consumers_) {
    // The planner's rule for every call: a message never goes back to a group on its path (in a
    // cycle of brokers and mirrors, a mirror would otherwise get its own replicas back).
    if (OnPath(message, cg.group)) continue;
    cg.backlog.push_back(message);
    ++g.counters.broker_depth;
    Pump(cg);
  }
}

bool Instance::OnPath(const Frame& message, int group) {
  if (message.trace_len >= Frame::kMaxTrace) return true;  // as deep as a path goes
  for (uint8_t i = 0; i < message.trace_len; ++i) {
    if (message.trace[i].group == group) return true;
  }
  return false;
}

void Instance::Pump(ConsumerGroup& cg) {
  auto& g = fleet_.group(group_);
  while (cg.inflight < cg.credit && !cg.backlog.empty() && !fleet_.stopping()) {
    Frame out = cg.backlog.front();
    cg.backlog.pop_front();
    --g.counters.broker_depth;
    ++cg.inflight;
    out.kind = FrameKind::kRequest;
    out.request_class = static_cast<uint8_t>(model::RequestClass::kWrite);
    out.flags = kFlagDelivery;
    const int instance = fleet_.ChooseInstance(cg.group, "round_robin");
    g.counters.CountCall(cg.group);
    fleet_.CountIfInProcess(group_, cg.group, instance);
    ConsumerGroup* cgp = &cg;
    fleet_.peers().Send(cg.group, instance, out, [this, cgp, out](const Frame& reply) {
      --cgp->inflight;
      if (reply.status == FrameStatus::kRejected) {
        // The consumer had no room after all: keep the message and try again.
        ++cgp->redelivered;
        cgp->backlog.push_front(out);
        ++fleet_.group(group_).counters.broker_depth;
        fleet_.timers().ScheduleAfter(1000000, [this, cgp] { Pump(*cgp); });  // back off 1 ms
        return;
      }
      ++cgp->delivered;
      Pump(*cgp);
    });
  }
}

}  // namespace archload::agent
