#include "agents/runtime/local_first.h"

#include <gtest/gtest.h>

#include <map>

namespace archload::agent {
namespace {

// The blog at 10k req/s on 2 agents: 80 App Servers 40/40 call 3 Read Replicas placed 2/1.
std::vector<std::vector<uint32_t>> BlogPlacement() {
  std::vector<uint32_t> apps(80);
  for (size_t i = 0; i < apps.size(); ++i) apps[i] = i % 2;
  return {apps, {0, 0, 1}};
}

TEST(LocalFirst, EveryInstanceKeepsItsShareWhileMostCallsStayInTheAgent) {
  const std::vector<LocalFirst::Group> groups = {{{1}, true}, {{}, true}};
  LocalFirst a0, a1;
  a0.Build(groups, BlogPlacement(), 0);
  a1.Build(groups, BlogPlacement(), 1);
  // Agent 0 hosts 2 of 3 replicas for half the calls: all its calls stay; agent 1 keeps 2/3.
  EXPECT_DOUBLE_EQ(a0.LocalShare(0, 1), 1.0);
  EXPECT_NEAR(a1.LocalShare(0, 1), 2.0 / 3, 1e-12);
  std::map<int, int> to;  // replica -> calls
  int local = 0;
  for (int k = 0; k < 30000; ++k) {
    const int i0 = a0.Choose(0, 1);
    const int i1 = a1.Choose(0, 1);
    ++to[i0];
    ++to[i1];
    local += (i0 < 2) + (i1 == 2);
  }
  // Round-robin over all three would give each 20,000; so does this, to within one call each.
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(to[r], 20000, 2) << "replica " << r;
  EXPECT_NEAR(local, 30000 + 20000, 2);
}

TEST(LocalFirst, ASingleCallerSpreadsAsRoundRobinWould) {
  // One Load Balancer on agent 0 calling 8 instances over 4 agents: it can keep only its own 2.
  const std::vector<LocalFirst::Group> groups = {{{1}, true}, {{}, true}};
  const std::vector<std::vector<uint32_t>> agent_of = {{0}, {0, 1, 2, 3, 0, 1, 2, 3}};
  LocalFirst lf;
  lf.Build(groups, agent_of, 0);
  EXPECT_DOUBLE_EQ(lf.LocalShare(0, 1), 0.25);
  std::map<int, int> to;
  for (int k = 0; k < 8000; ++k) ++to[lf.Choose(0, 1)];
  ASSERT_EQ(to.size(), 8u);
  for (const auto& [i, n] : to) EXPECT_NEAR(n, 1000, 2) << "instance " << i;
}

TEST(LocalFirst, UnevenCallersAndUnknownPairsBalanceAsBefore) {
  // A cache sharded by key loads its instances unevenly: no plan, the caller balances as before.
  const std::vector<LocalFirst::Group> groups = {{{1}, false}, {{}, true}};
  LocalFirst lf;
  lf.Build(groups, {{0, 1}, {0, 1}}, 0);
  EXPECT_EQ(lf.Choose(0, 1), -1);
  EXPECT_EQ(lf.Choose(1, 0), -1);   // group 1 does not call group 0
  EXPECT_EQ(lf.Choose(7, 1), -1);   // no such caller
  EXPECT_EQ(lf.Choose(0, -1), -1);  // no such target
}

TEST(LocalFirst, AnAgentWithoutTheTargetSendsEverythingToThoseShortOfTheirShare) {
  const std::vector<LocalFirst::Group> groups = {{{1}, true}, {{}, true}};
  // Callers 1/1/1 over agents 0..2; the target's 4 instances on agents 1 (1) and 2 (3).
  const std::vector<std::vector<uint32_t>> agent_of = {{0, 1, 2}, {1, 2, 2, 2}};
  std::vector<LocalFirst> agents(3);
  for (uint32_t a = 0; a < 3; ++a) agents[a].Build(groups, agent_of, a);
  EXPECT_DOUBLE_EQ(agents[0].LocalShare(0, 1), 0.0);
  std::map<int, int> to;
  for (int k = 0; k < 12000; ++k) {
    for (auto& lf : agents) ++to[lf.Choose(0, 1)];
  }
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(to[i], 9000, 3) << "instance " << i;
}

}  // namespace
}  // namespace archload::agent
