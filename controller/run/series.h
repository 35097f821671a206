#pragma once

// A run's figures second by second (docs/run-report.md, "series"): what was offered, sent and
// answered, the end-to-end percentiles of the responses that completed in each second, and per
// group its rate, utilisation, queue depth, rejections and hit ratio. Columns, one entry per
// window, in time order.

#include <cstdint>
#include <optional>
#include <vector>

namespace archload::run {

struct GroupSeries {
  std::vector<double> rps;            // requests that reached the group, per second
  std::vector<double> utilization;    // emulated busy time / (count × concurrency × window)
  std::vector<int64_t> queue_depth;   // requests waiting at the window's end (a gauge)
  std::vector<int64_t> broker_depth;  // brokers: messages held at the window's end
  std::vector<uint64_t> rejected;     // turned away by a full queue in the window
  std::vector<std::optional<double>> hit_ratio;  // caches and CDNs; none without lookups
};

struct Series {
  double interval_s = 1;
  std::vector<double> t_s;       // each window's end, seconds into the load
  std::vector<double> window_s;  // its length: the interval, longer where a report was missed,
                                 // and the last one ends when the load did (drain included)
  std::vector<double> offered_rps, sent_rps, achieved_rps, errors_rps, rejected_rps, dropped_rps;
  std::vector<uint64_t> responses;  // successful responses completed in the window
  std::vector<std::optional<double>> p50_ms, p95_ms, p99_ms;  // of those; none when there were none
  std::vector<GroupSeries> groups;                            // by group index

  size_t size() const { return t_s.size(); }
};

}  // namespace archload::run
