#include "agents/runtime/local_first.h"

#include <algorithm>

namespace archload::agent {

void LocalFirst::Build(const std::vector<Group>& groups,
                       const std::vector<std::vector<uint32_t>>& agent_of, uint32_t self) {
  self_ = self;
  routes_.assign(groups.size(), {});
  by_agent_.assign(groups.size(), {});
  cursor_.assign(groups.size(), {});
  uint32_t agents = self + 1;
  for (const auto& row : agent_of) {
    for (uint32_t a : row) agents = std::max(agents, a + 1);
  }
  for (size_t t = 0; t < groups.size() && t < agent_of.size(); ++t) {
    by_agent_[t].assign(agents, {});
    cursor_[t].assign(agents, 0);
    for (size_t i = 0; i < agent_of[t].size(); ++i) {
      by_agent_[t][agent_of[t][i]].push_back(static_cast<int>(i));
    }
  }
  for (size_t c = 0; c < groups.size() && c < agent_of.size(); ++c) {
    if (!groups[c].even || agent_of[c].empty()) continue;
    std::vector<double> w(agents, 0);
    for (uint32_t a : agent_of[c]) w[a] += 1.0 / agent_of[c].size();
    if (w[self] == 0) continue;
    routes_[c].resize(groups.size());
    for (int t : groups[c].downstream) {
      if (t < 0 || static_cast<size_t>(t) >= agent_of.size() || agent_of[t].empty()) continue;
      const double n = static_cast<double>(agent_of[t].size());
      Route& r = routes_[c][t];
      const double mine = by_agent_[t][self].size() / n;
      r.local_share = std::min(1.0, mine / w[self]);
      for (uint32_t b = 0; b < agents; ++b) {
        const double shortfall = by_agent_[t][b].size() / n - w[b];
        if (b != self && shortfall > 1e-12) {
          r.agents.push_back(b);
          r.weights.push_back(shortfall);
        }
      }
      r.current.assign(r.agents.size(), 0);
      // Nowhere to send the rest (rounding): keep everything here.
      if (r.agents.empty()) r.local_share = by_agent_[t][self].empty() ? 0 : 1;
    }
  }
}

double LocalFirst::LocalShare(int caller, int target) const {
  if (caller < 0 || static_cast<size_t>(caller) >= routes_.size()) return 0;
  const auto& row = routes_[caller];
  if (target < 0 || static_cast<size_t>(target) >= row.size()) return 0;
  return row[target].local_share;
}

int LocalFirst::Choose(int caller, int target) {
  if (caller < 0 || static_cast<size_t>(caller) >= routes_.size()) return -1;
  auto& row = routes_[caller];
  if (target < 0 || static_cast<size_t>(target) >= row.size()) return -1;
  Route& r = row[target];
  if (r.local_share == 0 && r.agents.empty()) return -1;  // no plan for this pair
  uint32_t agent = self_;
  r.owed += r.local_share;
  if (r.owed >= 1 - 1e-9) {
    r.owed -= 1;
  } else {
    // Smooth weighted round-robin (as nginx balances) over the agents short of their share.
    double total = 0;
    size_t best = 0;
    for (size_t k = 0; k < r.agents.size(); ++k) {
      r.current[k] += r.weights[k];
      total += r.weights[k];
      if (r.current[k] > r.current[best]) best = k;
    }
    r.current[best] -= total;
    agent = r.agents[best];
  }
  const auto& list = by_agent_[target][agent];
  if (list.empty()) return -1;
  size_t& cur = cursor_[target][agent];
  return list[cur++ % list.size()];
}

}  // namespace archload::agent
