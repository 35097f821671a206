#include "controller/run/progress.h"

#include <algorithm>
#include <cstdio>

#include "common/stats/histogram.h"

namespace archload::run {

void Progress::Line(double elapsed, const std::vector<AgentState>& agents) {
  uint64_t offered = 0, ok = 0, errors = 0;
  stats::Histogram all;
  for (const auto& a : agents) {
    const auto& c = a.latest.client();
    offered += c.offered();
    ok += c.ok();
    errors += c.errors() + c.dropped() + c.harness_errors();
    if (auto h = stats::Histogram::Deserialize(c.read_latency_ns())) all.Merge(*h);
    if (auto h = stats::Histogram::Deserialize(c.write_latency_ns())) all.Merge(*h);
  }
  const double dt = std::max(1e-3, elapsed - last_t_);
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "[%5.1f/%.0fs] offered %7.0f req/s  achieved %7.0f req/s  p99 %7.1f ms  errors %llu", elapsed,
      total_s_, (offered - last_offered_) / dt, (ok - last_ok_) / dt,
      all.Count() ? all.ValueAtPercentile(99) / 1e6 : 0.0, static_cast<unsigned long long>(errors));
  out_ << (tty_ ? "\r" : "") << buf << (tty_ ? "" : "\n") << std::flush;
  wrote_ = true;
  last_offered_ = offered;
  last_ok_ = ok;
  last_t_ = elapsed;
}

void Progress::Finish() {
  if (tty_ && wrote_) out_ << "\n";
}

}  // namespace archload::run
