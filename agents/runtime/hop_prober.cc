#include "agents/runtime/hop_prober.h"

namespace archload::agent {

HopProber::HopProber(Fleet& fleet, int64_t period_ns) : fleet_(fleet), period_ns_(period_ns) {}

void HopProber::Start() {
  targets_ = fleet_.peers().ProbeTargets();
  if (targets_.empty()) return;
  fleet_.timers().ScheduleAfter(period_ns_, [this] { Tick(); });
}

void HopProber::Tick() {
  if (stopped_ || fleet_.stopping()) return;
  const auto [group, instance] = targets_[next_];
  next_ = (next_ + 1) % targets_.size();
  Frame probe;
  probe.kind = FrameKind::kRequest;
  probe.flags = kFlagProbe;
  const int64_t sent = Fleet::NowNs();
  probe.origin_ns = sent;
  fleet_.peers().Send(group, instance, probe, [this, sent](const Frame& reply) {
    if (reply.status != FrameStatus::kOk) {
      ++lost_;
      return;
    }
    if (fleet_.Counted(sent) && !stopped_) rtt_ns_.Record(NsBetween(sent, Fleet::NowNs()));
  });
  fleet_.timers().ScheduleAfter(period_ns_, [this] { Tick(); });
}

}  // namespace archload::agent
