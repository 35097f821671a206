#include "controller/planner/tier_completion.h"

#include <algorithm>
#include <set>

#include "common/spec/roles.h"

namespace archload::planner {

using spec::Role;

namespace {

std::vector<std::string> NamesWhere(const spec::Design& d, auto pred) {
  std::vector<std::string> out;
  for (const auto& c : d.components) {
    if (pred(c)) out.push_back(c.name);
  }
  return out;
}

// Components that call a component matching `pred`.
std::vector<std::string> CallersOf(const spec::Design& d, auto pred) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (const auto& conn : d.connections) {
    const auto* to = d.Find(conn.to);
    if (to != nullptr && pred(*to) && seen.insert(conn.from).second) out.push_back(conn.from);
  }
  return out;
}

}  // namespace

std::vector<std::string> CompleteForTiers(const spec::Problem& problem, spec::Design& design) {
  std::vector<std::string> required;
  for (const auto& tier : problem.tiers) {
    for (const auto& check : tier.checks) {
      if ((check.kind == spec::CheckKind::kMustInclude ||
           check.kind == spec::CheckKind::kMinCount) &&
          std::find(required.begin(), required.end(), check.type) == required.end()) {
        required.push_back(check.type);
      }
    }
  }
  std::vector<std::string> added;
  for (const auto& type : required) {
    const bool present = std::any_of(design.components.begin(), design.components.end(),
                                     [&](const auto& c) { return c.type == type; });
    if (present) continue;
    spec::Component c;
    c.name = type + " (added by planner)";
    c.type = type;
    c.role = spec::RoleForType(type).role;
    c.added_by_planner = true;

    auto services = NamesWhere(design, [](const auto& x) { return x.role == Role::kService; });
    std::vector<std::string> callers;
    switch (c.role) {
      case Role::kStore:
      case Role::kCache: {
        // A replica sits beside the primary: whoever reads the primary reads the replica.
        callers = CallersOf(design, [&](const auto& x) {
          return spec::IsReplicaType(type) ? spec::IsPrimaryType(x.type) : x.role == Role::kStore;
        });
        if (callers.empty()) callers = services;
        break;
      }
      case Role::kWorker:
        callers = NamesWhere(design, [](const auto& x) { return x.role == Role::kBroker; });
        if (callers.empty()) callers = services;
        break;
      default:
        callers = services;
        break;
    }
    if (callers.empty()) {
      callers = NamesWhere(design, [](const auto& x) { return x.role == Role::kClient; });
    }
    for (const auto& from : callers) design.connections.push_back({from, c.name, 0});
    design.components.push_back(std::move(c));
    added.push_back(type);
  }
  return added;
}

}  // namespace archload::planner
