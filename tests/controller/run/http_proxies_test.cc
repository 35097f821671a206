#include "controller/run/http_proxies.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace archload::run {
namespace {

// Client -> Load Balancer (haproxy) -> App Servers (3 instances over 2 agents).
RunSpec Spec(const std::string& balance) {
  RunSpec spec;
  spec.data_secret = std::string(32, 'k');
  const char* names[] = {"Readers", "Load Balancer", "App Servers"};
  for (int i = 0; i < 3; ++i) {
    v1::GroupSpec g;
    g.set_index(i);
    g.set_name(names[i]);
    g.set_count(i == 2 ? 3 : 1);
    if (i < 2) g.add_downstream(i + 1);
    spec.groups.push_back(g);
  }
  spec.groups[1].mutable_backend()->set_kind("haproxy");
  spec.groups[1].set_balance(balance);
  spec.agent_of = {{0}, {1}, {0, 1, 0}};
  return spec;
}

std::vector<v1::Address> Agents() {
  std::vector<v1::Address> out(2);
  out[0].set_host("127.0.0.1");
  out[0].set_port(41000);
  out[1].set_host("127.0.0.2");
  out[1].set_port(42000);
  return out;
}

TEST(HttpProxies, TheConfigNamesEveryInstanceWhereItsAgentTakesHttp) {
  const auto spec = Spec("least_outstanding");
  const auto groups = ProxiedGroups(spec);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].proxy, 1);
  EXPECT_EQ(groups[0].behind, 2);
  const std::string cfg = HaproxyConfig(spec, groups[0], Agents(), "127.0.0.1", 40999, "tok");
  EXPECT_NE(cfg.find("bind 127.0.0.1:40999"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("balance leastconn"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("server s2_0 127.0.0.1:41000\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("server s2_1 127.0.0.2:42000\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("server s2_2 127.0.0.1:41000\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("http-request set-header X-Archload-Token tok"), std::string::npos);
  EXPECT_NE(cfg.find("http-send-name-header X-Archload-Instance"), std::string::npos);
  for (const auto& [ours, theirs] : std::vector<std::pair<std::string, std::string>>{
           {"round_robin", "roundrobin"}, {"p2c", "random(2)"}, {"random", "random"}}) {
    const auto s = Spec(ours);
    EXPECT_NE(HaproxyConfig(s, groups[0], Agents(), "127.0.0.1", 1, "t").find("balance " + theirs),
              std::string::npos)
        << ours;
  }
}

// The config is one haproxy itself accepts (`haproxy -c`): the real binary, which
// deploy/bootstrap.sh installs.
TEST(HttpProxies, HaproxyAcceptsTheConfig) {
  const std::string haproxy = FindHaproxy();
  ASSERT_FALSE(haproxy.empty()) << "haproxy is not installed: run deploy/bootstrap.sh";
  const auto spec = Spec("round_robin");
  const auto path = std::filesystem::temp_directory_path() /
                    ("archload-haproxy-test-" + std::to_string(getpid()) + ".cfg");
  {
    std::ofstream out(path);
    out << HaproxyConfig(spec, ProxiedGroups(spec)[0], Agents(), "127.0.0.1", 40999, "tok");
  }
  const std::string cmd = haproxy + " -c -q -f " + path.string() + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string said;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) said += buf;
  const int status = pclose(p);
  std::filesystem::remove(path);
  EXPECT_EQ(status, 0) << said;
}

TEST(HttpProxies, AProxyThatCallsTwoGroupsCannotBeReal) {
  auto spec = Spec("round_robin");
  spec.groups[1].add_downstream(0);
  try {
    ProxiedGroups(spec);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'Load Balancer' cannot be a real haproxy"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace archload::run
