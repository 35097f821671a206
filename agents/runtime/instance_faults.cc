// Instance's handling of injected faults (docs/faults.md): kept apart from the emulation's
// normal path, which only asks `fleet_.faults().empty()`.
#include "agents/runtime/instance.h"

namespace archload::agent {

namespace {

// What a fault answers in a failure's place: a broker's delivery is refused, so the broker
// delivers it again (to another consumer); anything else fails.
FrameStatus FailureFor(const Frame& f) {
  return f.flags & kFlagDelivery ? FrameStatus::kRejected : FrameStatus::kFailed;
}

}  // namespace

bool Instance::AdmitUnderFaults(const std::shared_ptr<Waiting>& w, bool draw_errors) {
  const auto& faults = fleet_.faults();
  const double t = fleet_.LoadSeconds(draw_errors ? w->arrive_ns : Fleet::NowNs());
  if (faults.Dead(group_, index_, t)) {
    // Nothing listens: the caller's connection is refused at once.
    if (w->counted) Count([](VisitCounters& c) { ++c.failed; });
    ++fleet_.group(group_).counters.fault_failed;
    Respond(*w, FailureFor(w->frame), false, w->frame);
    return false;
  }
  if (faults.Hung(group_, index_, t)) {
    // Accepted and never answered; held (as in service) until the hang ends.
    ++in_service_;
    Count([](VisitCounters& c) { ++c.in_service; });
    hung_.push_back(w);
    return false;
  }
  const double chance = draw_errors ? faults.ErrorChance(group_, index_, t) : 0;
  if (chance > 0) {
    std::uniform_real_distribution<double> u(0, 1);
    if (u(fleet_.fault_rng()) < chance) {
      if (w->counted) Count([](VisitCounters& c) { ++c.failed; });
      ++fleet_.group(group_).counters.fault_failed;
      Respond(*w, FrameStatus::kFailed, false, w->frame);
      return false;
    }
  }
  return true;
}

int64_t Instance::FaultDelayNs(int64_t now) {
  int64_t extra = 0;
  std::uniform_real_distribution<double> u(0, 1);
  for (const auto* f : fleet_.faults().Slow(group_, index_, fleet_.LoadSeconds(now))) {
    if (f->fraction >= 1 || u(fleet_.fault_rng()) < f->fraction) {
      extra += f->delay.SampleNs(fleet_.fault_rng());
    }
  }
  return extra;
}

std::optional<FrameStatus> Instance::HealthAnswer() const {
  if (fleet_.faults().empty()) return FrameStatus::kOk;
  const double t = fleet_.LoadSeconds(Fleet::NowNs());
  if (fleet_.faults().Dead(group_, index_, t)) return FrameStatus::kFailed;
  if (fleet_.faults().Hung(group_, index_, t)) return std::nullopt;
  return FrameStatus::kOk;
}

void Instance::LoseEverything(int64_t now) {
  auto fail = [&](const std::shared_ptr<Waiting>& w) {
    if (w->counted) Count([](VisitCounters& c) { ++c.failed; });
    ++fleet_.group(group_).counters.fault_failed;
    Respond(*w, FailureFor(w->frame), false, w->frame);
    w->lost = true;  // after answering: Respond stays silent for it from now on
  };
  for (auto& w : queue_) {
    Count([](VisitCounters& c) { --c.queue_depth; });
    fail(w);
  }
  queue_.clear();
  for (auto& w : serving_) {
    if (w->serving) {
      // Its timer still fires; OnServiceDone sees it lost and does nothing.
      --in_service_;
      Count([](VisitCounters& c) { --c.in_service; });
    }
    fail(w);  // and a task waiting for downstream calls answers nobody
  }
  serving_.clear();
  (void)now;
}

void Instance::ApplyFaults(int64_t now) {
  const auto& faults = fleet_.faults();
  const double t = fleet_.LoadSeconds(now);
  const bool dead = faults.Dead(group_, index_, t);
  if (dead && !dead_) LoseEverything(now);
  dead_ = dead;
  if (!hung_.empty() && !faults.Hung(group_, index_, t)) {
    // The hang is over: what it held is forgotten, never answered (a caller without a timeout
    // waits until the run ends).
    for (auto& w : hung_) {
      --in_service_;
      Count([](VisitCounters& c) { --c.in_service; });
      if (w->counted) Count([](VisitCounters& c) { ++c.failed; });
      ++fleet_.group(group_).counters.fault_failed;
      // A broker's delivery is handed back: it holds the broker's credit until answered.
      if (w->frame.flags & kFlagDelivery) Respond(*w, FrameStatus::kRejected, false, w->frame);
      w->lost = true;
    }
    hung_.clear();
    StartQueued(now);  // the slots it held are free again
  }
}

}  // namespace archload::agent
