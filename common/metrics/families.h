#pragma once

// Builds Prometheus metric families from values read at scrape time, for archload's custom
// collectors (agents/metrics, controller/metrics): nothing is counted through prometheus-cpp on
// the request path, the counters and log-linear histograms the run already keeps are converted
// when Prometheus asks. Histograms go out in the fixed BucketLayout (cumulative `le` buckets,
// `_sum`, `_count`, base unit seconds).

#include <prometheus/metric_family.h>

#include <map>
#include <string>
#include <vector>

#include "common/stats/bucket_layout.h"
#include "common/stats/histogram.h"
#include "common/stats/threshold_counts.h"

namespace archload::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Families {
 public:
  // `common`: labels every sample carries (run, problem, and agent on an agent).
  explicit Families(Labels common) : common_(std::move(common)) {}

  void Counter(const std::string& name, const std::string& help, const Labels& labels, double v);
  void Gauge(const std::string& name, const std::string& help, const Labels& labels, double v);
  // A histogram of nanosecond values, exposed in seconds. `exact` holds exact counts at the
  // layout's exact edges (null: none).
  void Histogram(const std::string& name, const std::string& help, const Labels& labels,
                 const stats::BucketLayout& layout, const stats::Histogram& ns,
                 const stats::ThresholdCounts* exact = nullptr);

  // The families built so far, in the order they were first named.
  std::vector<prometheus::MetricFamily> Take();

 private:
  prometheus::ClientMetric& Add(const std::string& name, const std::string& help,
                                prometheus::MetricType type, const Labels& labels);

  Labels common_;
  std::vector<prometheus::MetricFamily> families_;
  std::map<std::string, size_t> index_;
};

}  // namespace archload::metrics
