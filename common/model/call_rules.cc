#include "common/model/call_rules.h"

#include <algorithm>

#include "common/spec/roles.h"

namespace archload::model {

using spec::Role;

const char* ClassName(RequestClass c) { return c == RequestClass::kRead ? "read" : "write"; }

CallRules::CallRules(const spec::Design& design) : design_(design) {
  const size_t n = design.components.size();
  downstream_.resize(n);
  upstream_.resize(n);
  for (const auto& conn : design.connections) {
    const int from = Index(conn.from);
    const int to = Index(conn.to);
    if (from < 0 || to < 0 || from == to) continue;
    auto& d = downstream_[from];
    if (std::find(d.begin(), d.end(), to) != d.end()) continue;  // duplicate edge
    d.push_back(to);
    upstream_[to].push_back(from);
  }
  // A script may call components it has no drawn connection to: those are edges too.
  for (size_t i = 0; i < n; ++i) {
    const auto& calls = design.components[i].calls;
    if (!calls) continue;
    for (const auto* steps : {&calls->read, &calls->write}) {
      if (!*steps) continue;
      for (const auto& step : **steps) {
        for (const auto& call : step.calls) {
          const int to = Index(call.target);
          auto& d = downstream_[i];
          if (to >= 0 && to != static_cast<int>(i) &&
              std::find(d.begin(), d.end(), to) == d.end()) {
            d.push_back(to);
            upstream_[to].push_back(static_cast<int>(i));
          }
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (design.components[i].role == Role::kClient) entries_.push_back(static_cast<int>(i));
  }
  if (entries_.empty()) {
    implicit_client_ = true;
    for (size_t i = 0; i < n; ++i) {
      const Role r = design.components[i].role;
      if (upstream_[i].empty() &&
          (r == Role::kProxy || r == Role::kEdgeCache || r == Role::kService)) {
        entries_.push_back(static_cast<int>(i));
      }
    }
    // A design that is only a cycle or only data stores: enter at the first non-broker.
    if (entries_.empty()) {
      for (size_t i = 0; i < n; ++i) {
        if (design.components[i].role != Role::kBroker &&
            design.components[i].role != Role::kWorker) {
          entries_.push_back(static_cast<int>(i));
          break;
        }
      }
    }
  }
  rules_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    rules_[i].push_back(Build(static_cast<int>(i), RequestClass::kRead));
    rules_[i].push_back(Build(static_cast<int>(i), RequestClass::kWrite));
  }
}

int CallRules::Index(const std::string& name) const {
  for (size_t i = 0; i < design_.components.size(); ++i) {
    if (design_.components[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Behaviour& CallRules::For(int component, RequestClass c, bool local_only) const {
  if (local_only) return empty_;
  return rules_[component][static_cast<int>(c)];
}

namespace {

Step OneOf(const std::vector<int>& targets, RequestClass c) {
  Step s;
  s.mode = StepMode::kOneOf;
  for (int t : targets) s.calls.push_back({t, c, 1.0, 1.0, false});
  return s;
}

Step Single(int target, RequestClass c, bool local_only = false) {
  Step s;
  s.calls.push_back({target, c, 1.0, 1.0, local_only});
  return s;
}

}  // namespace

// Picks the store a read goes to: replica, else primary, else any other store.
static int ReadStoreOne(const spec::Design& d, const std::vector<int>& candidates) {
  int primary = -1, other = -1;
  for (int i : candidates) {
    const auto& c = d.components[i];
    if (c.role != Role::kStore) continue;
    if (spec::IsReplicaType(c.type)) return i;
    if (primary < 0 && spec::IsPrimaryType(c.type)) primary = i;
    if (other < 0 && !spec::IsObjectStoreType(c.type)) other = i;
  }
  if (primary >= 0) return primary;
  if (other >= 0) return other;
  for (int i : candidates) {
    if (d.components[i].role == Role::kStore) return i;
  }
  return -1;
}

// Picks the store a write goes to: primary, else a non-object store, else a replica.
static int WriteStoreOne(const spec::Design& d, const std::vector<int>& candidates) {
  int other = -1, replica = -1, object = -1;
  for (int i : candidates) {
    const auto& c = d.components[i];
    if (c.role != Role::kStore) continue;
    if (spec::IsPrimaryType(c.type)) return i;
    if (spec::IsReplicaType(c.type)) {
      if (replica < 0) replica = i;
    } else if (spec::IsObjectStoreType(c.type)) {
      if (object < 0) object = i;
    } else if (other < 0) {
      other = i;
    }
  }
  if (other >= 0) return other;
  if (replica >= 0) return replica;
  return object;
}

// Several stores of the chosen type behind one caller are shards: a request goes to one of them.
static std::vector<int> Shards(const spec::Design& d, const std::vector<int>& candidates,
                               int pick) {
  std::vector<int> out;
  if (pick < 0) return out;
  for (int i : candidates) {
    if (d.components[i].type == d.components[pick].type) out.push_back(i);
  }
  return out;
}

static std::vector<int> ReadStores(const spec::Design& d, const std::vector<int>& candidates) {
  return Shards(d, candidates, ReadStoreOne(d, candidates));
}

static std::vector<int> WriteStores(const spec::Design& d, const std::vector<int>& candidates) {
  return Shards(d, candidates, WriteStoreOne(d, candidates));
}

Behaviour CallRules::FromScript(int component, RequestClass c,
                                const std::vector<spec::ScriptStep>& script) const {
  const auto& comp = design_.components[component];
  Behaviour b;
  b.self_lookup =
      c == RequestClass::kRead && (comp.role == Role::kCache || comp.role == Role::kEdgeCache);
  for (const auto& ss : script) {
    Step st;
    st.mode = ss.one_of ? StepMode::kOneOf : StepMode::kAll;
    st.parallel = ss.parallel;
    st.condition = ss.when == "miss"        ? StepCondition::kOnCacheMiss
                   : ss.when == "self_miss" ? StepCondition::kOnSelfMiss
                                            : StepCondition::kAlways;
    st.lookup = ss.lookup;
    st.async = ss.async;
    for (const auto& sc : ss.calls) {
      const int target = Index(sc.target);
      if (target < 0) continue;  // the loader rejects unknown names; be safe anyway
      Call call;
      call.target = target;
      call.request_class = sc.request_class == "read"    ? RequestClass::kRead
                           : sc.request_class == "write" ? RequestClass::kWrite
                                                         : c;
      call.weight = sc.weight;
      call.probability = sc.probability;
      call.local_only = sc.local_only;
      st.calls.push_back(call);
    }
    if (!st.calls.empty()) b.steps.push_back(std::move(st));
  }
  return b;
}

Behaviour CallRules::Build(int component, RequestClass c) const {
  const auto& comp = design_.components[component];
  if (comp.calls) {
    const auto& script = c == RequestClass::kRead ? comp.calls->read : comp.calls->write;
    if (script) return FromScript(component, c, *script);
  }
  const auto& down = downstream_[component];
  Behaviour b;
  switch (comp.role) {
    case Role::kClient:
    case Role::kProxy:
      if (!down.empty()) b.steps.push_back(OneOf(down, c));
      break;
    case Role::kEdgeCache:
      // Reads are answered at the edge on a hit; writes always go to the origin.
      b.self_lookup = c == RequestClass::kRead;
      if (!down.empty()) {
        Step s = OneOf(down, c);
        if (b.self_lookup) s.condition = StepCondition::kOnSelfMiss;
        b.steps.push_back(s);
      }
      break;
    case Role::kCache: {
      std::vector<int> stores, others;
      for (int d : down) {
        (design_.components[d].role == Role::kStore ? stores : others).push_back(d);
      }
      if (c == RequestClass::kRead) {
        b.self_lookup = true;
        if (auto s = ReadStores(design_, stores); !s.empty()) {  // read-through
          Step st = OneOf(s, c);
          st.condition = StepCondition::kOnSelfMiss;
          b.steps.push_back(st);
        }
        for (int o : others) {
          Step st = Single(o, c);
          st.condition = StepCondition::kOnSelfMiss;
          b.steps.push_back(st);
        }
      } else {
        if (auto s = WriteStores(design_, stores); !s.empty()) b.steps.push_back(OneOf(s, c));
        for (int o : others) b.steps.push_back(Single(o, c));
      }
      break;
    }
    case Role::kStore:
      // Reads end here. Writes replicate to downstream stores and feed downstream brokers
      // (change data capture) asynchronously.
      if (c == RequestClass::kWrite) {
        for (int d : down) {
          Step st = Single(d, c);
          st.async = true;
          b.steps.push_back(st);
        }
      }
      break;
    case Role::kBroker:
      // A publish is acknowledged after the append; every consumer group receives it later.
      for (int d : down) {
        Step st = Single(d, RequestClass::kWrite);
        st.async = true;
        b.steps.push_back(st);
      }
      break;
    case Role::kWorker:
      b = BuildService(component, RequestClass::kWrite);
      break;
    case Role::kService:
      b = BuildService(component, c);
      break;
  }
  return b;
}

Behaviour CallRules::BuildService(int component, RequestClass c) const {
  const auto& down = downstream_[component];
  Behaviour b;
  std::vector<int> caches, stores, brokers, others;
  for (int d : down) {
    switch (design_.components[d].role) {
      case Role::kCache:
        caches.push_back(d);
        break;
      case Role::kStore:
        stores.push_back(d);
        break;
      case Role::kBroker:
        brokers.push_back(d);
        break;
      default:
        others.push_back(d);
        break;
    }
  }
  const int cache = caches.empty() ? -1 : caches.front();
  auto cache_does_through = [&](bool write) {
    if (cache < 0) return false;
    std::vector<int> cache_stores;
    for (int d : downstream_[cache]) {
      if (design_.components[d].role == Role::kStore) cache_stores.push_back(d);
    }
    return (write ? WriteStoreOne(design_, cache_stores) : ReadStoreOne(design_, cache_stores)) >=
           0;
  };

  if (c == RequestClass::kRead) {
    const auto read_stores = ReadStores(design_, stores);
    const int store = read_stores.empty() ? -1 : read_stores.front();
    const bool own_store = store >= 0 && (spec::IsReplicaType(design_.components[store].type) ||
                                          spec::IsPrimaryType(design_.components[store].type) ||
                                          !cache_does_through(false));
    if (cache >= 0) {
      // Cache-aside when this service reaches a store itself; else the cache reads through.
      Step lookup = Single(cache, c, /*local_only=*/own_store);
      lookup.lookup = true;
      b.steps.push_back(lookup);
      if (own_store) {
        Step read = OneOf(read_stores, c);
        read.condition = StepCondition::kOnCacheMiss;
        b.steps.push_back(read);
        Step fill = Single(cache, RequestClass::kWrite, /*local_only=*/true);
        fill.condition = StepCondition::kOnCacheMiss;
        b.steps.push_back(fill);
      }
    } else if (store >= 0) {
      b.steps.push_back(OneOf(read_stores, c));
    }
  } else {
    std::vector<int> targets;
    const auto direct = WriteStores(design_, stores);
    if (!direct.empty() && spec::IsPrimaryType(design_.components[direct.front()].type)) {
      targets = direct;
    } else if (cache_does_through(true)) {
      b.steps.push_back(Single(cache, c));  // write-through cache
    } else {
      targets = direct;
    }
    if (!targets.empty()) {
      b.steps.push_back(OneOf(targets, c));
      if (cache >= 0) b.steps.push_back(Single(cache, c, /*local_only=*/true));  // invalidate
    }
    // Uploads land in object stores; search indexes are updated on every write.
    for (int s : stores) {
      const auto& t = design_.components[s].type;
      const bool is_target = std::find(targets.begin(), targets.end(), s) != targets.end();
      if (!is_target && (spec::IsObjectStoreType(t) || spec::IsSearchType(t))) {
        b.steps.push_back(Single(s, c));
      }
    }
    for (int br : brokers) b.steps.push_back(Single(br, c));
  }
  for (int o : others) b.steps.push_back(Single(o, c));
  return b;
}

}  // namespace archload::model
