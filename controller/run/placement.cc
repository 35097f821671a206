#include "controller/run/placement.h"

#include <map>

namespace archload::run {

std::vector<std::vector<uint32_t>> Place(const std::vector<v1::GroupSpec>& groups,
                                         const std::vector<AgentSlot>& agents,
                                         bool generators_beside_callee) {
  struct Host {
    std::vector<uint32_t> agents;
    int64_t weight = 0;
    int64_t current = 0;  // smooth weighted round-robin state
    size_t next_agent = 0;
  };
  std::vector<Host> hosts;
  std::map<std::string, size_t> index;
  for (size_t a = 0; a < agents.size(); ++a) {
    auto [it, added] = index.emplace(agents[a].host, hosts.size());
    if (added) hosts.emplace_back();
    Host& h = hosts[it->second];
    h.agents.push_back(static_cast<uint32_t>(a));
    h.weight += std::max(1, agents[a].cores);
  }
  int64_t total = 0;
  for (const auto& h : hosts) total += h.weight;
  std::vector<std::vector<uint32_t>> out;
  for (const auto& g : groups) {
    auto& row = out.emplace_back(static_cast<size_t>(std::max(0, g.count())), 0u);
    if (hosts.empty()) continue;
    for (auto& slot : row) {
      // Smooth WRR (as nginx balances): every host gains its weight, the richest is chosen and
      // pays the total. Hosts interleave instead of taking their share in one block.
      Host* best = nullptr;
      for (auto& h : hosts) {
        h.current += h.weight;
        if (!best || h.current > best->current) best = &h;
      }
      best->current -= total;
      slot = best->agents[best->next_agent++ % best->agents.size()];
    }
  }
  // A load generator sits beside the instance it calls first: its every request then reaches
  // the design without a socket (agents/net/local_link.h). Clients are not the design's
  // components: where they run changes no capacity, only what the harness pays per request.
  for (size_t gi = 0; gi < groups.size() && generators_beside_callee; ++gi) {
    const auto& g = groups[gi];
    if (g.role() != v1::ROLE_CLIENT || g.downstream().empty()) continue;
    const int d = g.downstream(0);
    if (d < 0 || static_cast<size_t>(d) >= out.size() || out[d].empty()) continue;
    for (size_t i = 0; i < out[gi].size(); ++i) out[gi][i] = out[d][i % out[d].size()];
  }
  return out;
}

}  // namespace archload::run
