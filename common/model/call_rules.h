#pragma once

// The default call rules of the emulation model (docs/model.md): what each component does with
// a read or a write, expressed as steps over its downstream components. The planner walks these
// to predict load and latency; agents execute the same steps, so prediction and emulation agree.

#include <string>
#include <vector>

#include "common/spec/problem.h"

namespace archload::model {

enum class RequestClass { kRead = 0, kWrite = 1 };
const char* ClassName(RequestClass c);

struct Call {
  int target = -1;  // index into Design::components
  RequestClass request_class = RequestClass::kRead;
  double weight = 1;        // kOneOf: relative weight
  double probability = 1;   // the call happens with this probability (calls: scripts)
  bool local_only = false;  // cache-aside lookup/fill/invalidate: the cache calls nobody
};

enum class StepMode {
  kAll,    // every call, one after another
  kOneOf,  // one call, chosen by weight
};

enum class StepCondition {
  kAlways,
  kOnSelfMiss,   // edge cache / cache: only when this component's own lookup missed
  kOnCacheMiss,  // service: only when the step marked `lookup` missed
};

struct Step {
  StepMode mode = StepMode::kAll;
  StepCondition condition = StepCondition::kAlways;
  bool lookup = false;    // this step's (cache) call decides kOnCacheMiss
  bool async = false;     // fire and forget: replication, consumer delivery; off the latency path
  bool parallel = false;  // kAll: issue every call at once and wait for all (calls: scripts)
  std::vector<Call> calls;
};

struct Behaviour {
  bool self_lookup = false;  // answers hits itself with the component's hit_rate
  std::vector<Step> steps;
};

// Resolved rules for every component and class.
class CallRules {
 public:
  explicit CallRules(const spec::Design& design);

  // `local_only` calls (cache-aside operations) get a behaviour with no steps.
  const Behaviour& For(int component, RequestClass c, bool local_only = false) const;

  const std::vector<int>& Downstreams(int component) const { return downstream_[component]; }
  const std::vector<int>& Upstreams(int component) const { return upstream_[component]; }
  int Index(const std::string& name) const;

  // Components that start requests: clients, or, in a design without one, the entry points
  // (proxies, edge caches and services that nothing calls).
  const std::vector<int>& Entries() const { return entries_; }
  bool ImplicitClient() const { return implicit_client_; }

 private:
  Behaviour Build(int component, RequestClass c) const;
  Behaviour BuildService(int component, RequestClass c) const;
  Behaviour FromScript(int component, RequestClass c,
                       const std::vector<spec::ScriptStep>& script) const;

  const spec::Design& design_;
  std::vector<std::vector<int>> downstream_;
  std::vector<std::vector<int>> upstream_;
  std::vector<std::vector<Behaviour>> rules_;  // [component][class]
  std::vector<int> entries_;
  bool implicit_client_ = false;
  Behaviour empty_;
};

}  // namespace archload::model
