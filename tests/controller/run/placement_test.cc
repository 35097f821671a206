#include "controller/run/placement.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/spec/spec_error.h"
#include "controller/run/hosts_file.h"

namespace archload::run {
namespace {

std::vector<v1::GroupSpec> Groups(std::vector<int> counts) {
  std::vector<v1::GroupSpec> out;
  for (size_t i = 0; i < counts.size(); ++i) {
    v1::GroupSpec g;
    g.set_index(static_cast<int>(i));
    g.set_count(counts[i]);
    out.push_back(g);
  }
  return out;
}

TEST(Placement, EachGroupIsSpreadOverHostsNotPiledOnOne) {
  const std::vector<AgentSlot> agents = {{"a", "h1", 2}, {"b", "h2", 2}, {"c", "h3", 2}};
  const auto p = Place(Groups({1, 8, 3, 1, 1}), agents);
  // A 3-instance group: one per host (anti-affinity).
  std::set<uint32_t> g2(p[2].begin(), p[2].end());
  EXPECT_EQ(g2.size(), 3u);
  // 8 instances over 3 equal hosts: 3/3/2.
  std::map<uint32_t, int> per;
  for (auto a : p[1]) ++per[a];
  for (auto [a, n] : per) EXPECT_GE(n, 2);
  // Single-instance groups land on different hosts (the cursor carries over).
  std::set<uint32_t> singles = {p[0][0], p[3][0], p[4][0]};
  EXPECT_GE(singles.size(), 2u);
}

TEST(Placement, LoadFollowsCores) {
  const std::vector<AgentSlot> agents = {{"big", "h1", 6}, {"small", "h2", 2}};
  const auto p = Place(Groups({80}), agents);
  int big = 0;
  for (auto a : p[0]) big += a == 0;
  EXPECT_EQ(big, 60);
}

TEST(Placement, AgentsOfOneHostTakeTurns) {
  const std::vector<AgentSlot> agents = {{"a0", "h1", 1}, {"a1", "h1", 1}};
  const auto p = Place(Groups({4}), agents);
  EXPECT_EQ(p[0], (std::vector<uint32_t>{0, 1, 0, 1}));
}

TEST(Placement, ALoadGeneratorSitsBesideTheInstanceItCallsFirst) {
  const std::vector<AgentSlot> agents = {{"a", "h1", 1}, {"b", "h2", 1}, {"c", "h3", 1}};
  auto groups = Groups({2, 1, 6});
  groups[0].set_role(v1::ROLE_CLIENT);
  groups[0].add_downstream(1);
  groups[1].set_role(v1::ROLE_PROXY);
  groups[1].add_downstream(2);
  groups[2].set_role(v1::ROLE_SERVICE);
  const auto p = Place(groups, agents);
  // Both generators call the one proxy: both beside it, so their requests need no socket.
  EXPECT_EQ(p[0], (std::vector<uint32_t>{p[1][0], p[1][0]}));
  // The design's own groups are spread as before.
  std::set<uint32_t> services(p[2].begin(), p[2].end());
  EXPECT_EQ(services.size(), 3u);
}

TEST(HostsFile, ExpandsTheCommandTemplate) {
  const auto path = std::filesystem::temp_directory_path() / "archload-hosts-test.yaml";
  std::ofstream(path) << "controller: {listen: '10.9.0.1:0'}\n"
                         "command: \"ssh {host} {agent} --controller {controller} --agent-id {id} "
                         "--allow-peers {peers}\"\n"
                         "hosts:\n  - {name: n1, address: 10.9.0.11, agents: 2}\n"
                         "  - {name: n2, address: 10.9.0.12}\n";
  const auto f = LoadHostsFile(path.string());
  EXPECT_EQ(f.AgentCount(), 3);
  EXPECT_EQ(f.listen, "10.9.0.1:0");
  EXPECT_EQ(ExpandCommand(f, f.hosts[0], "n1-1", "10.9.0.1:7000", "/bin/archload-agent", 7),
            "ssh 10.9.0.11 /bin/archload-agent --controller 10.9.0.1:7000 --agent-id n1-1 "
            "--allow-peers 10.9.0.11,10.9.0.12");
}

TEST(HostsFile, MistakesNameTheLineAndField) {
  const auto path = std::filesystem::temp_directory_path() / "archload-hosts-bad.yaml";
  std::ofstream(path) << "command: x\nhosts:\n  - {name: n1}\n";
  try {
    LoadHostsFile(path.string());
    FAIL();
  } catch (const spec::SpecError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "hosts[0].address");
  }
  std::ofstream(path) << "hosts:\n  - {address: 1.2.3.4, agnets: 2}\n";
  EXPECT_THROW(LoadHostsFile(path.string()), spec::SpecError);
}

}  // namespace
}  // namespace archload::run
