#include "common/metrics/families.h"

#include <limits>

namespace archload::metrics {

prometheus::ClientMetric& Families::Add(const std::string& name, const std::string& help,
                                        prometheus::MetricType type, const Labels& labels) {
  auto [it, added] = index_.emplace(name, families_.size());
  if (added) {
    prometheus::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = type;
    families_.push_back(std::move(f));
  }
  auto& family = families_[it->second];
  prometheus::ClientMetric m;
  for (const auto& [k, v] : common_) m.label.push_back({k, v});
  for (const auto& [k, v] : labels) m.label.push_back({k, v});
  family.metric.push_back(std::move(m));
  return family.metric.back();
}

void Families::Counter(const std::string& name, const std::string& help, const Labels& labels,
                       double v) {
  Add(name, help, prometheus::MetricType::Counter, labels).counter.value = v;
}

void Families::Gauge(const std::string& name, const std::string& help, const Labels& labels,
                     double v) {
  Add(name, help, prometheus::MetricType::Gauge, labels).gauge.value = v;
}

void Families::Histogram(const std::string& name, const std::string& help, const Labels& labels,
                         const stats::BucketLayout& layout, const stats::Histogram& ns,
                         const stats::ThresholdCounts* exact) {
  auto& m = Add(name, help, prometheus::MetricType::Histogram, labels);
  const auto cumulative = layout.Cumulative(ns, exact);
  m.histogram.sample_count = ns.Count();
  m.histogram.sample_sum = ns.SumEstimate() / 1e9;
  m.histogram.bucket.reserve(cumulative.size() + 1);
  for (size_t i = 0; i < cumulative.size(); ++i) {
    m.histogram.bucket.push_back({cumulative[i], layout.bounds_s()[i]});
  }
  m.histogram.bucket.push_back({ns.Count(), std::numeric_limits<double>::infinity()});
}

std::vector<prometheus::MetricFamily> Families::Take() {
  index_.clear();
  return std::move(families_);
}

}  // namespace archload::metrics
