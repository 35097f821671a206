#pragma once

// Expands the call rules into request trees (one per entry point and class) and derives, per
// component, the request rate that reaches it per 1 req/s offered by the clients.

#include <memory>
#include <random>
#include <vector>

#include "common/model/call_rules.h"
#include "common/model/component_profile.h"
#include "common/spec/problem.h"

namespace archload::planner {

struct ClassRates {
  double read = 0;
  double write = 0;
  double Total() const { return read + write; }
  void Add(model::RequestClass c, double v) {
    (c == model::RequestClass::kRead ? read : write) += v;
  }
};

// One visit of a component in a request's life, with what it calls.
struct HopNode {
  int component = -1;
  model::RequestClass request_class = model::RequestClass::kRead;
  bool local_only = false;
  struct StepNode {
    const model::Step* step = nullptr;
    std::vector<std::unique_ptr<HopNode>> children;  // aligned with step->calls
  };
  std::vector<StepNode> steps;
};

struct EntryTree {
  double weight = 0;  // share of client traffic entering here with this class
  std::unique_ptr<HopNode> root;
};

class TrafficModel {
 public:
  // read_ratio: fraction of client requests that are reads.
  TrafficModel(const spec::Design& design, const std::vector<model::ComponentProfile>& profiles,
               double read_ratio);

  // Rate reaching each component per 1 req/s of client traffic, split by sync/async.
  const std::vector<ClassRates>& SyncRates() const { return sync_; }
  const std::vector<ClassRates>& AsyncRates() const { return async_; }
  ClassRates TotalRate(int component) const;

  const std::vector<EntryTree>& Trees() const { return trees_; }

  // The share of client traffic each entry point starts, by class (sums to 1 over entries).
  struct EntryShare {
    int component;
    double read;
    double write;
  };
  std::vector<EntryShare> EntryShares() const;
  const model::CallRules& Rules() const { return rules_; }
  // Calls skipped because they would revisit a component already on the request's path.
  int CycleCuts() const { return cycle_cuts_; }

  // Probability that `component` answers a lookup itself (cache/cdn hit rate), else 0.
  double HitRate(int component) const;

 private:
  std::unique_ptr<HopNode> Build(int component, model::RequestClass c, bool local_only,
                                 std::vector<int>& path, int depth);
  void Accumulate(const HopNode& node, double weight, bool async);

  const std::vector<model::ComponentProfile>& profiles_;
  model::CallRules rules_;
  std::vector<EntryTree> trees_;
  std::vector<ClassRates> sync_;
  std::vector<ClassRates> async_;
  int cycle_cuts_ = 0;
  size_t nodes_ = 0;
};

}  // namespace archload::planner
