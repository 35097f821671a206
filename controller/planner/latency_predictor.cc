#include "controller/planner/latency_predictor.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace archload::planner {

using model::RequestClass;
using model::StepCondition;
using model::StepMode;

LatencyPredictor::LatencyPredictor(const TrafficModel& traffic,
                                   const std::vector<model::ComponentProfile>& profiles,
                                   const std::vector<HopQueue>& queues, size_t samples,
                                   uint64_t seed, HarnessCosts harness, std::vector<SlowFault> slow)
    : traffic_(traffic),
      profiles_(profiles),
      harness_(std::move(harness)),
      harness_rng_(seed ^ 0x9e3779b97f4a7c15ull),
      slow_(std::move(slow)),
      fault_rng_(seed ^ 0xd1b54a32d192ed03ull) {
  for (const auto& q : queues) {
    waits_.push_back(q.Wait());
    // Overloaded: a bounded queue's admitted requests still have a latency (sampled below),
    // but the design is not stable at this load.
    if (q.service_mean_s > 0 && q.arrival_rps > 0 && !q.Stable()) stable_ = false;
  }
  for (const auto& p : profiles) {
    samplers_.push_back(
        {model::ServiceTimeSampler(p.distribution, p.read.service_ms, p.cv, p.samples_ms),
         model::ServiceTimeSampler(p.distribution, p.write.service_ms, p.cv, p.samples_ms)});
  }
  const auto& trees = traffic.Trees();
  if (trees.empty()) return;
  std::vector<double> weights;
  for (const auto& t : trees) weights.push_back(t.weight);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < samples; ++i) {
    const auto& tree = trees[pick(rng)];
    const double ms = Sample(*tree.root, rng).seconds * 1000.0;
    if (!std::isfinite(ms)) {
      stable_ = false;
      continue;
    }
    (tree.root->request_class == RequestClass::kRead ? read_ms_ : write_ms_).push_back(ms);
    all_ms_.push_back(ms);
  }
  std::sort(read_ms_.begin(), read_ms_.end());
  std::sort(write_ms_.begin(), write_ms_.end());
  std::sort(all_ms_.begin(), all_ms_.end());
}

// Fork-join: the branches of a parallel step get the same arrivals at the same instants, so their
// queues are busy together and their waits are correlated; taking them as independent overstates
// the slowest. With probability 1/4 the branches draw their waits at one shared quantile
// (comonotonic), else independently: for two identical M/M/1 branches that mixture's mean is
// Flatto and Hahn's exact (12 - ρ)/8 · 1/(μ - λ) at every load (the independent maximum is
// 1.5/(μ - λ), the comonotonic one (1.5 - ρ/2)/(μ - λ)); for four it is within 3% of Nelson and
// Tantawi's approximation at ρ 0.5 (docs/model.md).
constexpr double kForkSharedWait = 0.25;

LatencyPredictor::Outcome LatencyPredictor::Sample(const HopNode& node, std::mt19937_64& rng,
                                                   const double* shared_wait) const {
  Outcome out;
  const auto& profile = profiles_[node.component];
  const auto& cls = node.request_class == RequestClass::kRead ? profile.read : profile.write;
  const bool generator = static_cast<size_t>(node.component) < harness_.client.size() &&
                         harness_.client[node.component];
  if (!harness_.round_trip_s.empty() && !generator) {
    // The call that brought the request here: its transport both ways, through both agents.
    std::uniform_int_distribution<size_t> pick(0, harness_.round_trip_s.size() - 1);
    out.seconds += harness_.round_trip_s[pick(harness_rng_)];
  }
  for (const auto& f : slow_) {
    if (f.component != node.component) continue;
    std::uniform_real_distribution<double> chance(0, 1);
    if (chance(fault_rng_) < f.share) out.seconds += f.delay.SampleSeconds(fault_rng_);
  }
  if (cls.service_ms > 0) {
    out.seconds += shared_wait ? waits_[node.component].Quantile(*shared_wait)
                               : waits_[node.component].Sample(rng);
    out.seconds +=
        samplers_[node.component][static_cast<int>(node.request_class)].SampleSeconds(rng);
    if (static_cast<size_t>(node.component) < harness_.overrun_s.size()) {
      out.seconds += harness_.overrun_s[node.component];
    }
  }
  // A cache-aside lookup (local_only) still answers hit or miss; it just calls nobody after.
  const bool self_lookup = traffic_.Rules().For(node.component, node.request_class).self_lookup;
  std::uniform_real_distribution<double> u(0, 1);
  const bool self_miss = self_lookup ? u(rng) >= traffic_.HitRate(node.component) : true;
  out.hit = self_lookup && !self_miss;
  bool cache_miss = true;
  for (const auto& sn : node.steps) {
    const auto& step = *sn.step;
    if (step.async) continue;
    if (step.condition == StepCondition::kOnSelfMiss && !self_miss) continue;
    if (step.condition == StepCondition::kOnCacheMiss && !cache_miss) continue;
    if (step.mode == StepMode::kOneOf) {
      double total = 0;
      for (const auto& c : step.calls) total += c.weight;
      double r = u(rng) * total;
      size_t chosen = 0;
      for (; chosen + 1 < step.calls.size(); ++chosen) {
        if (r < step.calls[chosen].weight) break;
        r -= step.calls[chosen].weight;
      }
      if (sn.children[chosen] && u(rng) < step.calls[chosen].probability) {
        const Outcome o = Sample(*sn.children[chosen], rng);
        out.seconds += o.seconds;
        if (step.lookup) cache_miss = !o.hit;
      }
    } else {
      // Sequential calls add up; parallel ones cost the slowest.
      double slowest = 0;
      std::optional<double> shared;
      if (step.parallel && sn.children.size() > 1 && u(rng) < kForkSharedWait) shared = u(rng);
      for (size_t i = 0; i < sn.children.size(); ++i) {
        const auto& child = sn.children[i];
        if (!child || u(rng) >= step.calls[i].probability) continue;
        const Outcome o = Sample(*child, rng, shared ? &*shared : nullptr);
        if (step.parallel) {
          slowest = std::max(slowest, o.seconds);
        } else {
          out.seconds += o.seconds;
        }
        if (step.lookup) cache_miss = !o.hit;
      }
      out.seconds += slowest;
    }
  }
  return out;
}

double LatencyPredictor::PercentileMs(double percentile, std::optional<RequestClass> c) const {
  const auto& v = !c ? all_ms_ : *c == RequestClass::kRead ? read_ms_ : write_ms_;
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double rank = percentile / 100.0 * static_cast<double>(v.size() - 1);
  return v[static_cast<size_t>(std::llround(rank))];
}

LatencySummary LatencyPredictor::Summary(std::optional<RequestClass> c) const {
  const auto& v = !c ? all_ms_ : *c == RequestClass::kRead ? read_ms_ : write_ms_;
  LatencySummary s;
  s.stable = stable_;
  s.samples = v.size();
  if (v.empty()) return s;
  s.mean_ms = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  s.p50_ms = PercentileMs(50, c);
  s.p95_ms = PercentileMs(95, c);
  s.p99_ms = PercentileMs(99, c);
  s.p999_ms = PercentileMs(99.9, c);
  for (double p : kSpectrumPercentiles) s.spectrum.emplace_back(p, PercentileMs(p, c));
  return s;
}

}  // namespace archload::planner
