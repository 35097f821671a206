#include "agents/runtime/edge_health.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "agents/runtime/fleet.h"

namespace archload::agent {

namespace {

struct Checks : std::enable_shared_from_this<Checks> {
  Checks(Fleet& f, int c, int t, EdgeState& e) : fleet(f), caller(c), target(t), edge(e) {}

  // The first round at the next whole interval from the load's start.
  void ScheduleNext() {
    // At least a millisecond (the loader's floor too): rounds never come back to back.
    const int64_t interval =
        std::max<int64_t>(1'000'000, static_cast<int64_t>(edge.config.health.interval_ms * 1e6));
    const int64_t since = Fleet::NowNs() - fleet.load_start_ns();
    const int64_t k = since < 0 ? 0 : since / interval + 1;
    auto self = shared_from_this();
    fleet.timers().ScheduleAt(fleet.load_start_ns() + k * interval, [self] { self->Round(); });
  }

  void Round() {
    if (fleet.stopping()) return;
    const int n = fleet.peers().InstanceCount(target);
    for (int i = 0; i < n; ++i) CheckOne(i);
    ScheduleNext();
  }

  void CheckOne(int instance) {
    ++edge.checks;
    auto self = shared_from_this();
    auto settled = std::make_shared<bool>(false);
    const int64_t timeout = static_cast<int64_t>(edge.config.health.timeout_ms * 1e6);
    if (fleet.faults().Partitioned(caller, target, fleet.LoadSeconds(Fleet::NowNs()))) {
      // Dropped on the way, like the calls: only the check's timeout ends it.
      fleet.timers().ScheduleAfter(timeout, [self, instance] { self->Result(instance, false); });
      return;
    }
    Frame probe;
    probe.kind = FrameKind::kRequest;
    probe.flags = kFlagProbe | kFlagHealth;
    probe.origin_ns = Fleet::NowNs();
    fleet.peers().Send(target, instance, probe, [self, instance, settled](const Frame& reply) {
      if (*settled) return;
      *settled = true;
      // The transport's own failure says nothing of the instance: not a result.
      if (reply.status == FrameStatus::kHarness) return;
      self->Result(instance, reply.status == FrameStatus::kOk);
    });
    const uint64_t id = probe.request_id;
    fleet.timers().ScheduleAfter(timeout, [self, instance, settled, id] {
      if (*settled) return;
      *settled = true;
      self->fleet.peers().Abandon(id);
      self->Result(instance, false);
    });
  }

  void Result(int instance, bool ok) {
    const auto change = edge.health.OnCheck(instance, ok);
    if (change == HealthChecker::Change::kNone) return;
    edge.events.push_back({fleet.LoadSeconds(Fleet::NowNs()), instance,
                           change == HealthChecker::Change::kDown ? "down" : "up", 0});
  }

  Fleet& fleet;
  int caller, target;
  EdgeState& edge;
};

}  // namespace

void StartHealthChecks(Fleet& fleet, int caller, int target, EdgeState& edge) {
  if (edge.checking || edge.config.health.interval_ms <= 0) return;
  edge.checking = true;
  std::make_shared<Checks>(fleet, caller, target, edge)->ScheduleNext();
}

}  // namespace archload::agent
