#include "agents/runtime/load_generator.h"

#include <cmath>

#include "agents/runtime/task.h"
#include "common/model/seed.h"

namespace archload::agent {

namespace {
// Requests in flight per agent before new arrivals are dropped (and counted): bounds memory when
// the emulated system stops answering.
constexpr size_t kMaxInFlight = 200000;
// Arrivals sent per wake-up when the generator has fallen behind.
constexpr int kMaxBatch = 256;
}  // namespace

LoadGenerator::LoadGenerator(Fleet& fleet, int group, int index, RateProfile profile,
                             double read_ratio, uint64_t seed, uint64_t key_space, double key_zipf)
    : fleet_(fleet),
      group_(group),
      index_(index),
      schedule_(std::move(profile), model::StreamSeed({seed, model::kArrivalStream})),
      read_ratio_(read_ratio),
      rng_(model::StreamSeed({seed, model::kClassStream})) {
  if (key_space > 0) keys_.emplace(key_space, key_zipf);
}

void LoadGenerator::Start(int64_t start_ns) {
  start_ns_ = start_ns;
  ScheduleNext();
}

void LoadGenerator::ScheduleNext() {
  const double t = schedule_.Next();
  if (!std::isfinite(t) || stopped_) return;
  next_ns_ = start_ns_ + static_cast<int64_t>(t * 1e9);
  fleet_.timers().ScheduleAt(next_ns_, [this] { Fire(); });
}

void LoadGenerator::Fire() {
  if (stopped_ || fleet_.stopping()) return;
  // Send every arrival that is due; a late wake-up sends the backlog at once but each request
  // keeps its own intended time.
  for (int i = 0; i < kMaxBatch; ++i) {
    SendOne(next_ns_);
    const double t = schedule_.Next();
    if (!std::isfinite(t)) return;
    next_ns_ = start_ns_ + static_cast<int64_t>(t * 1e9);
    if (next_ns_ > Fleet::NowNs()) break;
  }
  fleet_.timers().ScheduleAt(next_ns_, [this] { Fire(); });
}

void LoadGenerator::SendOne(int64_t intended_ns) {
  auto& c = fleet_.client();
  // Warm-up arrivals load the system but are not counted (Fleet::SetWindow).
  const bool counted = fleet_.Counted(intended_ns);
  const int64_t now = Fleet::NowNs();
  // The timeline is what a fault's dip is measured on (docs/faults.md): kept only with faults.
  const bool timeline = !fleet_.faults().empty();
  if (timeline) ClientCounters::Timeline(c.timeline_offered, intended_ns, fleet_.load_start_ns());
  if (counted) {
    ++c.offered;
    const auto lag = static_cast<uint64_t>(std::max<int64_t>(0, now - intended_ns));
    c.max_send_lag_ns = std::max(c.max_send_lag_ns, lag);
    c.send_lag_ns.Record(lag);
  }
  if (fleet_.InFlight() >= kMaxInFlight) {
    if (counted) ++c.dropped;
    fleet_.health().log().Log("in-flight-cap",
                              "arrivals dropped: " + std::to_string(kMaxInFlight) +
                                  " requests in flight (the harness's cap, not the design's)",
                              now);
    return;
  }
  if (counted) ++c.sent;
  Frame f;
  f.kind = FrameKind::kRequest;
  std::uniform_real_distribution<double> u(0, 1);
  f.request_class = u(rng_) < read_ratio_ ? 0 : 1;
  f.origin_ns = intended_ns;
  f.key = keys_ ? keys_->Sample(rng_) : rng_();
  f.AddHop(static_cast<uint16_t>(group_), static_cast<uint16_t>(index_), now);
  const bool read = f.request_class == 0;
  auto task = std::make_shared<Task>(
      fleet_, group_, f, true,
      [this, intended_ns, read, counted, timeline](FrameStatus status, const Frame&) {
        auto& cc = fleet_.client();
        const int64_t done = Fleet::NowNs();
        // Throughput is what completes inside the window, whenever it was sent; latency and
        // errors belong to the requests sent inside it, however late they finish.
        if (status == FrameStatus::kOk && fleet_.InWindow(done)) ++cc.completed_in_window;
        if (timeline) {
          ClientCounters::Timeline(status == FrameStatus::kOk ? cc.timeline_ok : cc.timeline_failed,
                                   intended_ns, fleet_.load_start_ns());
        }
        if (!counted) return;
        if (status == FrameStatus::kHarness) {
          ++cc.harness_errors;
          return;
        }
        if (status != FrameStatus::kOk) {
          ++cc.errors;
          return;
        }
        ++cc.ok;
        const auto latency = static_cast<uint64_t>(std::max<int64_t>(0, done - intended_ns));
        (read ? cc.read_ns : cc.write_ns).Record(latency);
        (read ? cc.read_under : cc.write_under).Record(latency);
      });
  task->Run();
}

}  // namespace archload::agent
