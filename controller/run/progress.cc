#include "controller/run/progress.h"

#include <algorithm>
#include <cstdio>

#include "common/stats/histogram.h"

namespace archload::run {

// Rates are taken over the time the agents cut their figures at, not the controller's tick:
// both beat once a second from the same start instant, so the tick often came just before the
// figures did, and the line read 0 req/s, then twice the rate, then 0. A tick with no new
// figures repeats the last rates.
void Progress::Line(double elapsed, const std::vector<AgentState>& agents) {
  uint64_t offered = 0, ok = 0, errors = 0;
  double cut_at = 0;
  int cuts = 0;
  stats::Histogram all;
  for (const auto& a : agents) {
    const auto& c = a.latest.client();
    offered += c.offered();
    ok += c.ok();
    errors += c.errors() + c.dropped() + c.harness_errors();
    if (auto h = stats::Histogram::Deserialize(c.read_latency_ns())) all.Merge(*h);
    if (auto h = stats::Histogram::Deserialize(c.write_latency_ns())) all.Merge(*h);
    if (a.latest.elapsed_ns() > 0) {
      cut_at += a.latest.elapsed_ns() / 1e9;
      ++cuts;
    }
  }
  cut_at = cuts > 0 ? cut_at / cuts : elapsed;
  if (const double dt = cut_at - last_t_; dt >= 0.05) {
    offered_rps_ = static_cast<double>(offered - last_offered_) / dt;
    ok_rps_ = static_cast<double>(ok - last_ok_) / dt;
    last_offered_ = offered;
    last_ok_ = ok;
    last_t_ = cut_at;
  }
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "[%5.1f/%.0fs] offered %7.0f req/s  achieved %7.0f req/s  p99 %7.1f ms  errors %llu", elapsed,
      total_s_, offered_rps_, ok_rps_, all.Count() ? all.ValueAtPercentile(99) / 1e6 : 0.0,
      static_cast<unsigned long long>(errors));
  out_ << (tty_ ? "\r" : "") << buf << (tty_ ? "" : "\n") << std::flush;
  wrote_ = true;
}

void Progress::Finish() {
  if (tty_ && wrote_) out_ << "\n";
}

}  // namespace archload::run
