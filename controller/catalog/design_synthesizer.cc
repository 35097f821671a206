#include "controller/catalog/design_synthesizer.h"

#include <algorithm>
#include <set>

#include "common/spec/roles.h"

namespace archload::catalog {
namespace {

using spec::Role;

// Proxies in the order a request meets them; unknown proxy types go last, in listed order.
int ProxyRank(const std::string& type) {
  static const std::vector<std::string> kOrder = {
      "global_lb", "lb", "load_balancer", "api_gateway", "gateway", "ingress", "service_mesh"};
  auto it = std::find(kOrder.begin(), kOrder.end(), type);
  return it == kOrder.end() ? static_cast<int>(kOrder.size())
                            : static_cast<int>(it - kOrder.begin());
}

}  // namespace

spec::Design SynthesizeDesign(const std::vector<std::string>& available_types,
                              std::vector<std::string>* warnings) {
  spec::Design d;
  d.synthesized = true;
  std::vector<std::string> clients, edges, proxies, services, caches, stores, brokers, workers;
  std::set<std::string> seen;
  for (const auto& type : available_types) {
    if (type.empty() || !seen.insert(type).second) continue;
    const auto lookup = spec::RoleForType(type);
    if (!lookup.known && warnings != nullptr) {
      warnings->push_back("unknown component type '" + type + "' runs as a service");
    }
    switch (lookup.role) {
      case Role::kClient:
        clients.push_back(type);
        break;
      case Role::kEdgeCache:
        edges.push_back(type);
        break;
      case Role::kProxy:
        proxies.push_back(type);
        break;
      case Role::kService:
        services.push_back(type);
        break;
      case Role::kCache:
        caches.push_back(type);
        break;
      case Role::kStore:
        stores.push_back(type);
        break;
      case Role::kBroker:
        brokers.push_back(type);
        break;
      case Role::kWorker:
        workers.push_back(type);
        break;
    }
  }
  std::stable_sort(proxies.begin(), proxies.end(),
                   [](const auto& a, const auto& b) { return ProxyRank(a) < ProxyRank(b); });
  if (clients.empty()) clients.push_back("client");

  auto add = [&](const std::string& type) {
    spec::Component c;
    c.name = type;
    c.type = type;
    c.role = spec::RoleForType(type).role;
    d.components.push_back(std::move(c));
  };
  for (const auto* group :
       {&clients, &edges, &proxies, &services, &caches, &stores, &brokers, &workers}) {
    for (const auto& t : *group) add(t);
  }
  auto connect = [&](const std::string& from, const std::string& to) {
    d.connections.push_back({from, to, 0});
  };

  // The request path: edges and proxies form a chain; the chain's end fans out to the services.
  std::vector<std::string> chain;
  chain.insert(chain.end(), edges.begin(), edges.end());
  chain.insert(chain.end(), proxies.begin(), proxies.end());
  std::vector<std::string> backends = services;
  if (backends.empty()) {
    // No service tier: the path ends at the data tier directly.
    backends = !caches.empty() ? caches : !stores.empty() ? stores : brokers;
  }
  std::vector<std::string> heads = chain.empty() ? backends : std::vector<std::string>{chain[0]};
  for (const auto& c : clients) {
    for (const auto& h : heads) connect(c, h);
  }
  for (size_t i = 0; i + 1 < chain.size(); ++i) connect(chain[i], chain[i + 1]);
  if (!chain.empty()) {
    for (const auto& b : backends) connect(chain.back(), b);
  }
  // Services use the whole data tier; caches in front of stores are read-through only when there
  // is no service to do cache-aside.
  const bool service_tier = !services.empty();
  for (const auto& s : services) {
    for (const auto* group : {&caches, &stores, &brokers}) {
      for (const auto& t : *group) connect(s, t);
    }
  }
  if (!service_tier) {
    for (const auto& c : caches) {
      for (const auto& s : stores) connect(c, s);
    }
  }
  for (const auto& b : brokers) {
    for (const auto& w : workers) connect(b, w);
  }
  if (brokers.empty() && service_tier) {
    for (const auto& s : services) {
      for (const auto& w : workers) connect(s, w);
    }
  }
  for (const auto& w : workers) {
    for (const auto& s : stores) connect(w, s);
  }
  return d;
}

}  // namespace archload::catalog
