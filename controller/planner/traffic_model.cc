#include "controller/planner/traffic_model.h"

#include <algorithm>

namespace archload::planner {

using model::RequestClass;
using model::StepCondition;
using model::StepMode;

namespace {
constexpr int kMaxDepth = 32;
constexpr size_t kMaxNodes = 200000;  // guards against pathological fan-out in huge designs
}  // namespace

TrafficModel::TrafficModel(const spec::Design& design,
                           const std::vector<model::ComponentProfile>& profiles, double read_ratio)
    : profiles_(profiles), rules_(design) {
  const size_t n = design.components.size();
  sync_.assign(n, {});
  async_.assign(n, {});

  // Class-specific clients (redirect_client / create_client in the seed) take their class's
  // traffic; otherwise every entry gets an equal share of both classes.
  const auto& entries = rules_.Entries();
  std::vector<int> readers, writers, generic;
  for (int e : entries) {
    const auto& type = design.components[e].type;
    if (type == "redirect_client") {
      readers.push_back(e);
    } else if (type == "create_client") {
      writers.push_back(e);
    } else {
      generic.push_back(e);
    }
  }
  const bool split_by_class = !readers.empty() && !writers.empty();
  auto add_tree = [&](int entry, RequestClass c, double weight) {
    if (weight <= 0) return;
    std::vector<int> path;
    EntryTree t;
    t.weight = weight;
    t.root = Build(entry, c, false, path, 0);
    trees_.push_back(std::move(t));
  };
  const double read_w = read_ratio, write_w = 1 - read_ratio;
  if (split_by_class) {
    // Generic clients share both classes with the class-specific ones.
    const double rn = static_cast<double>(readers.size() + generic.size());
    const double wn = static_cast<double>(writers.size() + generic.size());
    for (int e : readers) add_tree(e, RequestClass::kRead, read_w / rn);
    for (int e : writers) add_tree(e, RequestClass::kWrite, write_w / wn);
    for (int e : generic) {
      add_tree(e, RequestClass::kRead, read_w / rn);
      add_tree(e, RequestClass::kWrite, write_w / wn);
    }
  } else {
    const double k = entries.empty() ? 1 : static_cast<double>(entries.size());
    for (int e : entries) {
      add_tree(e, RequestClass::kRead, read_w / k);
      add_tree(e, RequestClass::kWrite, write_w / k);
    }
  }
  for (const auto& t : trees_) Accumulate(*t.root, t.weight, false);
}

std::vector<TrafficModel::EntryShare> TrafficModel::EntryShares() const {
  std::vector<EntryShare> out;
  for (const auto& t : trees_) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& e) { return e.component == t.root->component; });
    if (it == out.end()) {
      out.push_back({t.root->component, 0, 0});
      it = out.end() - 1;
    }
    (t.root->request_class == RequestClass::kRead ? it->read : it->write) += t.weight;
  }
  return out;
}

double TrafficModel::HitRate(int component) const {
  return profiles_[component].hit_rate.value_or(0.0);
}

ClassRates TrafficModel::TotalRate(int component) const {
  ClassRates r = sync_[component];
  r.read += async_[component].read;
  r.write += async_[component].write;
  return r;
}

std::unique_ptr<HopNode> TrafficModel::Build(int component, RequestClass c, bool local_only,
                                             std::vector<int>& path, int depth) {
  auto node = std::make_unique<HopNode>();
  node->component = component;
  node->request_class = c;
  node->local_only = local_only;
  ++nodes_;
  if (local_only || depth >= kMaxDepth || nodes_ > kMaxNodes) return node;
  path.push_back(component);
  const auto& behaviour = rules_.For(component, c);
  for (const auto& step : behaviour.steps) {
    HopNode::StepNode sn;
    sn.step = &step;
    for (const auto& call : step.calls) {
      if (std::find(path.begin(), path.end(), call.target) != path.end()) {
        ++cycle_cuts_;
        sn.children.push_back(nullptr);
        continue;
      }
      sn.children.push_back(
          Build(call.target, call.request_class, call.local_only, path, depth + 1));
    }
    node->steps.push_back(std::move(sn));
  }
  path.pop_back();
  return node;
}

void TrafficModel::Accumulate(const HopNode& node, double weight, bool async) {
  if (weight <= 0) return;
  (async ? async_ : sync_)[node.component].Add(node.request_class, weight);
  const bool self_lookup =
      !node.local_only && rules_.For(node.component, node.request_class).self_lookup;
  const double self_miss = self_lookup ? 1 - HitRate(node.component) : 1;
  double cache_miss = 1;
  for (const auto& sn : node.steps) {
    const auto& step = *sn.step;
    double w = weight;
    if (step.condition == StepCondition::kOnSelfMiss) w *= self_miss;
    if (step.condition == StepCondition::kOnCacheMiss) w *= cache_miss;
    double total_weight = 0;
    for (const auto& call : step.calls) total_weight += call.weight;
    for (size_t i = 0; i < step.calls.size(); ++i) {
      const double share =
          (step.mode == StepMode::kOneOf ? step.calls[i].weight / total_weight : 1.0) *
          step.calls[i].probability;
      if (sn.children[i]) Accumulate(*sn.children[i], w * share, async || step.async);
    }
    if (step.lookup && !step.calls.empty()) cache_miss = 1 - HitRate(step.calls.front().target);
  }
}

}  // namespace archload::planner
