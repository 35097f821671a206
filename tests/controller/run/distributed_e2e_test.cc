// Distributed runs end to end: agents in network namespaces with their own addresses, agents
// started apart from the controller (as systemd or Kubernetes would), leases both ways, tokens
// and TLS. Real processes and sockets; each run bounded in time.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>

#include "archload/v1/control.grpc.pb.h"
#include "tests/support/background.h"
#include "tests/support/json_file.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using archload::testing::Alive;
using archload::testing::Background;
using archload::testing::RunCommand;

const std::string kSource = ARCHLOAD_SOURCE_DIR;
const std::string kData = kSource + "/tests/data/";

fs::path Temp(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("archload-dist-" + name);
  fs::remove_all(p);
  return p;
}

using archload::testing::ReadJson;

void WriteFile(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

// A free loopback port (bound, released): for a controller that agents must find.
int FreePort() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

bool ProgressAt(const std::string& out, double seconds) {
  static const std::regex line(R"(\[\s*([0-9.]+)/)");
  double best = 0;
  for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it) {
    best = std::max(best, std::stod((*it)[1]));
  }
  return best >= seconds;
}

std::vector<std::string> Controller(const std::vector<std::string>& extra) {
  std::vector<std::string> a = {ARCHLOAD_BIN, "--catalog", kSource + "/problems", "run"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

std::vector<std::string> Agent(const std::vector<std::string>& extra) {
  std::vector<std::string> a = {ARCHLOAD_AGENT_BIN};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// Waits until `pid` exits; the seconds it took, or -1.
double SecondsUntilExit(pid_t pid, std::chrono::seconds limit) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < limit) {
    if (!Alive(pid)) {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

// Must show 1: the controller in the root namespace, agents in 3 network namespaces with their
// own addresses on a bridge; a verdict, every host with traffic, calls crossing hosts.
TEST(Distributed, ThreeNamespaceHostsRunTheBlogToAVerdict) {
  ASSERT_EQ(geteuid(), 0u) << "this test builds network namespaces: run the suite as root";
  ASSERT_EQ(RunCommand("command -v ip").code, 0)
      << "iproute2's ip is missing: run deploy/bootstrap.sh";
  const std::string prefix = "t" + std::to_string(getpid() % 100000);
  const fs::path hosts = Temp("hosts.yaml");
  const auto up = RunCommand(kSource + "/deploy/netns-cluster.sh up 3 --prefix " + prefix +
                             " --subnet 10.232.0 --hosts-file " + hosts.string());
  struct Down {
    std::string cmd;
    ~Down() { RunCommand(cmd); }
  } down{kSource + "/deploy/netns-cluster.sh down --prefix " + prefix};
  ASSERT_EQ(up.code, 0) << up.out;
  const fs::path report = Temp("netns.json");
  const auto r = RunCommand("timeout 180 " + std::string(ARCHLOAD_BIN) + " --catalog " + kSource +
                            "/problems run tutorial-simple-blog --hosts " + hosts.string() +
                            " --duration 8s --quiet --report " + report.string());
  const auto j = ReadJson(report);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_TRUE(r.code == 0 || r.code == 1 || r.code == 3) << r.out;  // a verdict
  EXPECT_TRUE(j["complete"].get<bool>()) << r.out;
  ASSERT_EQ(j["hosts"].size(), 3u) << r.out;
  uint64_t cross = 0;
  for (const auto& h : j["hosts"]) {
    EXPECT_GT(h["rps"].get<double>() + h["requests_sent"].get<double>(), 0) << h.dump();
    EXPECT_GT(h["agent_cpu_s"].get<double>(), 0) << h.dump();
    cross += h["requests_sent_cross_host"].get<uint64_t>();
  }
  EXPECT_GT(cross, 1000u) << r.out;
  // Listeners on the namespaces' own addresses, not loopback.
  for (const auto& a : j["agents"]) {
    if (a["listener"] != "") {
      EXPECT_EQ(a["listener"].get<std::string>().rfind("10.232.0.", 0), 0u) << a.dump();
    }
  }
  EXPECT_NEAR(j["achieved_rps"].get<double>(), 1000, 60) << r.out;
  EXPECT_GE(j["harness"]["clock"]["agents"].get<int>(), 3);
}

struct WaitRun {
  fs::path token = Temp("token");
  int port = FreePort();
  std::string address = "127.0.0.1:" + std::to_string(port);
  WaitRun() { WriteFile(token, "s3cret-token-for-this-test\n"); }
};

// Must show 3 (and the lease): agents started apart from the controller stop sending and exit
// within the lease when the controller is killed outright, and when it just falls silent.
TEST(Distributed, AgentsStopWithinTheLeaseWhenTheControllerDiesOrFallsSilent) {
  for (const int sig : {SIGKILL, SIGSTOP}) {
    WaitRun w;
    Background controller(
        Controller({kData + "mmc.yaml", "--wait-agents", "2", "--listen", w.address, "--token-file",
                    w.token.string(), "--duration", "60s"}),
        Temp("ctl-" + std::to_string(sig) + ".log"));
    std::vector<std::unique_ptr<Background>> agents;
    for (int i = 0; i < 2; ++i) {
      agents.push_back(std::make_unique<Background>(
          Agent({"--controller", w.address, "--agent-id", "a" + std::to_string(i), "--token-file",
                 w.token.string()}),
          Temp("agent" + std::to_string(i) + "-" + std::to_string(sig) + ".log")));
    }
    ASSERT_TRUE(
        controller.WaitForOutput([](const std::string& o) { return ProgressAt(o, 2.0); }, 60s))
        << controller.Output() << "\n--- a0:\n"
        << agents[0]->Output() << "\n--- a1:\n"
        << agents[1]->Output();
    controller.Signal(sig);
    for (auto& a : agents) {
      const double s = SecondsUntilExit(a->pid(), 10s);
      std::cout << "agent exited " << s << " s after the controller got signal " << sig
                << std::endl;
      EXPECT_GE(s, 0) << "agent still running 10 s after the controller " << sig;
      // SIGKILL breaks the connection at once; silence takes the 3 s lease (plus a beat).
      EXPECT_LE(s, sig == SIGKILL ? 3.0 : 4.0) << a->Output();
      EXPECT_EQ(a->Wait(5s), 3) << a->Output();  // "the lease is lost"
      const std::string log = a->Output();
      EXPECT_NE(log.find("load stopped"), std::string::npos) << log;
      if (sig == SIGSTOP) {
        EXPECT_NE(log.find("no word from the controller for 3000 ms"), std::string::npos) << log;
      }
    }
    controller.Signal(SIGKILL);
    if (sig == SIGSTOP) controller.Signal(SIGCONT);
  }
}

// Must show 2: kill -9 of one agent mid-run: lost within 3 s, the run ends degraded with a
// report, and nothing measured before the loss is missing.
TEST(Distributed, AKilledAgentIsLostWithinTheLeaseAndTheRunEndsDegraded) {
  WaitRun w;
  const fs::path report = Temp("degraded.json");
  Background controller(Controller({"tutorial-simple-blog", "--wait-agents", "3", "--listen",
                                    w.address, "--token-file", w.token.string(), "--duration",
                                    "30s", "--report", report.string()}),
                        Temp("ctl2.log"));
  std::vector<std::unique_ptr<Background>> agents;
  for (int i = 0; i < 3; ++i) {
    agents.push_back(std::make_unique<Background>(
        Agent({"--controller", w.address, "--agent-id", "node" + std::to_string(i), "--token-file",
               w.token.string()}),
        Temp("agent-d" + std::to_string(i) + ".log")));
  }
  ASSERT_TRUE(
      controller.WaitForOutput([](const std::string& o) { return ProgressAt(o, 4.0); }, 60s))
      << controller.Output();
  kill(agents[1]->pid(), SIGKILL);
  EXPECT_EQ(controller.Wait(60s), 2) << controller.Output();
  const auto j = ReadJson(report);
  ASSERT_TRUE(j.is_object()) << controller.Output();
  EXPECT_FALSE(j["complete"].get<bool>());
  EXPECT_NE(j["incomplete_reason"].get<std::string>().find("degraded: agent lost (node1"),
            std::string::npos)
      << j["incomplete_reason"];
  ASSERT_EQ(j["harness"]["lost"].size(), 1u);
  EXPECT_LE(j["harness"]["lost"][0]["silent_s"].get<double>(), 3.0);
  EXPECT_LE(j["duration_s"].get<double>(), 9.0);  // stopped at the loss, not at 30 s
  // The seconds before the loss are all there, node1's last report included.
  EXPECT_GT(j["requests"]["ok"].get<double>(), 3500) << controller.Output();
  EXPECT_NEAR(j["achieved_rps"].get<double>(), 1000, 150);
}

// Must show 4: a wrong or missing token is refused on both sides, with a clear message.
TEST(Distributed, AWrongTokenIsRefusedByTheController) {
  WaitRun w;
  const fs::path wrong = Temp("wrong-token");
  WriteFile(wrong, "not-the-token\n");
  Background controller(
      Controller({kData + "mmc.yaml", "--wait-agents", "1", "--listen", w.address, "--token-file",
                  w.token.string(), "--duration", "5s", "--ready-timeout", "5"}),
      Temp("ctl3.log"));
  std::this_thread::sleep_for(100ms);
  Background agent(Agent({"--controller", w.address, "--agent-id", "intruder", "--token-file",
                          wrong.string(), "--connect-timeout", "20"}),
                   Temp("agent-w.log"));
  EXPECT_EQ(agent.Wait(30s), 2) << agent.Output();
  EXPECT_NE(agent.Output().find("did not admit us"), std::string::npos) << agent.Output();
  EXPECT_NE(agent.Output().find("missing or wrong token"), std::string::npos) << agent.Output();
  Background no_token(Agent({"--controller", w.address, "--agent-id", "anonymous"}),
                      Temp("agent-n.log"));
  EXPECT_EQ(no_token.Wait(30s), 2) << no_token.Output();
  EXPECT_EQ(controller.Wait(60s), 2) << controller.Output();
  EXPECT_NE(controller.Output().find("refused 2 session(s)"), std::string::npos)
      << controller.Output();
  EXPECT_NE(controller.Output().find("missing or wrong token"), std::string::npos)
      << controller.Output();
}

// A controller that cannot prove it holds the token: the agent takes no orders from it.
class Impostor final : public archload::v1::Controller::Service {
 public:
  explicit Impostor(std::string proof) : proof_(std::move(proof)) {}
  grpc::Status Session(grpc::ServerContext*,
                       grpc::ServerReaderWriter<archload::v1::ControllerMessage,
                                                archload::v1::AgentMessage>* stream) override {
    archload::v1::AgentMessage hello;
    stream->Read(&hello);
    archload::v1::ControllerMessage m;
    m.mutable_welcome()->set_proof(proof_);
    m.mutable_welcome()->set_lease_timeout_s(3);
    stream->Write(m);
    archload::v1::ControllerMessage order;
    order.mutable_assignment()->set_run_id("hijack");
    stream->Write(order);
    archload::v1::AgentMessage reply;
    while (stream->Read(&reply)) {
      if (reply.has_ready()) ++readied;
    }
    return grpc::Status::OK;
  }
  std::atomic<int> readied{0};

 private:
  std::string proof_;
};

TEST(Distributed, AnAgentRefusesAControllerWithoutTheToken) {
  for (const std::string proof : {"", "0123456789abcdef0123456789abcdef"}) {
    Impostor impostor(proof);
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(&impostor);
    auto server = b.BuildAndStart();
    ASSERT_GT(port, 0);
    WaitRun w;
    Background agent(Agent({"--controller", "127.0.0.1:" + std::to_string(port), "--agent-id",
                            "careful", "--token-file", w.token.string()}),
                     Temp("agent-i.log"));
    EXPECT_EQ(agent.Wait(30s), 2) << agent.Output();
    EXPECT_NE(agent.Output().find("did not prove it holds the run's token"), std::string::npos)
        << agent.Output();
    EXPECT_EQ(impostor.readied.load(), 0);
    server->Shutdown(std::chrono::system_clock::now() + 1s);
  }
}

// Must show 4: a TLS run with certificates made by openssl in the test, mutual TLS included; an
// agent without a client certificate is refused.
TEST(Distributed, MutualTlsRunPassesAndAnAgentWithoutACertificateIsRefused) {
  ASSERT_EQ(RunCommand("command -v openssl").code, 0) << "openssl missing: run deploy/bootstrap.sh";
  const fs::path dir = Temp("tls");
  fs::create_directories(dir);
  const std::string d = dir.string();
  const auto gen = RunCommand(
      "cd " + d +
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "
      "/CN=archload-test-ca"
      " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "
      "/CN=controller"
      " && printf 'subjectAltName=IP:127.0.0.1' > san.ext"
      " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out "
      "server.pem -days 2 -extfile san.ext"
      " && openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "
      "/CN=agent"
      " && openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out "
      "client.pem -days 2");
  ASSERT_EQ(gen.code, 0) << gen.out;
  WaitRun w;
  const fs::path report = Temp("tls.json");
  Background controller(
      Controller({kData + "mmc.yaml", "--wait-agents", "2", "--listen", w.address, "--token-file",
                  w.token.string(), "--tls-cert", d + "/server.pem", "--tls-key", d + "/server.key",
                  "--tls-client-ca", d + "/ca.pem", "--duration", "4s", "--quiet", "--report",
                  report.string()}),
      Temp("ctl-tls.log"));
  // No client certificate: the TLS handshake fails, the agent never gets in.
  Background bare(Agent({"--controller", w.address, "--agent-id", "bare", "--token-file",
                         w.token.string(), "--tls-ca", d + "/ca.pem", "--connect-timeout", "3"}),
                  Temp("agent-bare.log"));
  EXPECT_EQ(bare.Wait(30s), 3) << bare.Output();
  EXPECT_NE(bare.Output().find("cannot reach the controller"), std::string::npos) << bare.Output();
  std::vector<std::unique_ptr<Background>> agents;
  for (int i = 0; i < 2; ++i) {
    agents.push_back(std::make_unique<Background>(
        Agent({"--controller", w.address, "--agent-id", "tls" + std::to_string(i), "--token-file",
               w.token.string(), "--tls-ca", d + "/ca.pem", "--tls-cert", d + "/client.pem",
               "--tls-key", d + "/client.key"}),
        Temp("agent-tls" + std::to_string(i) + ".log")));
  }
  const int code = controller.Wait(90s);
  const auto j = ReadJson(report);
  ASSERT_TRUE(j.is_object()) << controller.Output();
  EXPECT_EQ(code, j["pass"].get<bool>()           ? 0
                  : j["inconclusive"].get<bool>() ? 3
                                                  : 1)
      << controller.Output();
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_NEAR(j["achieved_rps"].get<double>(), 160, 20);
  for (auto& a : agents) EXPECT_EQ(a->Wait(20s), 0) << a->Output();
}

// Must show 5: the agent flags in the systemd unit and the Kubernetes manifests are the real
// binary's: each set is parsed by archload-agent itself (--check-flags).
std::vector<std::vector<std::string>> AgentCommandLines() {
  std::vector<std::vector<std::string>> out;
  // systemd: ExecStart=... archload-agent <flags>, with ${VAR} from Environment= lines.
  std::ifstream unit(kSource + "/deploy/systemd/archload-agent.service");
  std::string line;
  while (std::getline(unit, line)) {
    if (line.rfind("ExecStart=", 0) != 0) continue;
    std::istringstream words(line.substr(10));
    std::vector<std::string> args;
    std::string w;
    words >> w;  // the binary
    while (words >> w) args.push_back(w);
    out.push_back(args);
  }
  // Kubernetes: the args list of every container running archload-agent.
  for (const auto& e : fs::directory_iterator(kSource + "/deploy/k8s")) {
    std::ifstream in(e.path());
    std::vector<std::string> args;
    bool agent = false, in_args = false;
    while (std::getline(in, line)) {
      if (line.find("archload-agent\"") != std::string::npos ||
          line.find("- archload-agent") != std::string::npos) {
        agent = true;
      }
      if (agent && line.find("args:") != std::string::npos) {
        in_args = true;
        continue;
      }
      if (in_args) {
        const auto dash = line.find("- ");
        if (dash == std::string::npos || line.find(':') < dash) {
          in_args = false;
          agent = false;
          out.push_back(args);
          args.clear();
          continue;
        }
        std::string a = line.substr(dash + 2);
        if (a.size() >= 2 && a.front() == '"') a = a.substr(1, a.size() - 2);
        args.push_back(a);
      }
    }
    if (in_args) out.push_back(args);
  }
  return out;
}

TEST(Distributed, DeployManifestsUseOnlyFlagsTheAgentAccepts) {
  const auto lines = AgentCommandLines();
  ASSERT_GE(lines.size(), 2u) << "expected the systemd unit and a Kubernetes agent";
  const fs::path token = Temp("flags-token");
  WriteFile(token, "t\n");
  for (auto args : lines) {
    std::string cmd = std::string(ARCHLOAD_AGENT_BIN) + " --check-flags";
    for (auto& a : args) {
      // Values that name files or come from the environment at deploy time.
      a = std::regex_replace(a, std::regex(R"(\$[({]?[A-Z_]+[)}]?)"), "x");
      if (a.rfind("/etc/archload/", 0) == 0 || a.rfind("/var/run/secrets", 0) == 0) {
        a = token.string();
      }
      cmd += " '" + a + "'";
    }
    const auto r = RunCommand(cmd);
    EXPECT_EQ(r.code, 0) << cmd << "\n" << r.out;
  }
  // And the check can fail: an unknown flag is refused.
  EXPECT_NE(
      RunCommand(std::string(ARCHLOAD_AGENT_BIN) + " --check-flags --controller x:1 --no-such-flag")
          .code,
      0);
}

}  // namespace
