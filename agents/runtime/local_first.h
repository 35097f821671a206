#pragma once

// Round-robin that keeps calls inside this agent as far as the design's balance allows.
//
// A round-robin caller gives each instance of its target 1/n of its calls. When the caller
// group's calls start on agent a in share w_a (its instances there / all of them: round-robin
// and random upstreams load every instance alike) and n_a of the n target instances live on a,
// agent a can send min(1, (n_a/n) / w_a) of its calls to its own instances and the rest to the
// agents whose instances would otherwise get less than their share (n_b/n > w_b), in proportion
// to that shortfall. Every instance still gets 1/n of the calls; the calls that stay inside
// the agent need no socket (agents/net/local_link.h). Choices are deterministic: error diffusion
// between local and remote, round-robin within each.
//
// Not for callers whose instances are loaded unevenly (caches sharded by key, brokers) nor for
// other balancing policies: Choose then answers -1 and the caller balances as before.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace archload::agent {

class LocalFirst {
 public:
  struct Group {
    std::vector<int> downstream;
    bool even = true;  // its instances carry equal shares of its calls
  };
  // `agent_of`: [group][instance] -> agent. `self`: this agent.
  void Build(const std::vector<Group>& groups, const std::vector<std::vector<uint32_t>>& agent_of,
             uint32_t self);
  // The instance of `target` a call from `caller` goes to, or -1 to balance as before.
  int Choose(int caller, int target);
  // The share of its calls `caller` keeps on this agent (tests, reports).
  double LocalShare(int caller, int target) const;

 private:
  struct Route {
    double local_share = 0;
    double owed = 0;               // error diffusion: calls owed to the local side
    std::vector<uint32_t> agents;  // agents short of their share, with their weights
    std::vector<double> weights;
    std::vector<double> current;  // smooth weighted round-robin over `agents`
  };
  std::vector<std::vector<Route>> routes_;               // [caller][target]; empty when none
  std::vector<std::vector<std::vector<int>>> by_agent_;  // [target][agent] -> its instances
  std::vector<std::vector<size_t>> cursor_;              // [target][agent]
  uint32_t self_ = 0;
};

}  // namespace archload::agent
